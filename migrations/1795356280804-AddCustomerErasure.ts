import { MigrationInterface, QueryRunner } from "typeorm";

export class AddCustomerErasure1795356280804 implements MigrationInterface {
    name = 'AddCustomerErasure1795356280804'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customers" ADD "erased_at" TIMESTAMP WITH TIME ZONE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customers" DROP COLUMN "erased_at"`);
    }

}
