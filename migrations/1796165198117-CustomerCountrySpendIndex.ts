import { MigrationInterface, QueryRunner } from "typeorm";

export class CustomerCountrySpendIndex1796165198117 implements MigrationInterface {
    name = 'CustomerCountrySpendIndex1796165198117'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."customers_country_idx"`);
        await queryRunner.query(`CREATE INDEX "customers_country_spent_idx" ON "customers"  ("country", "net_spent_minor", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."customers_country_spent_idx"`);
        await queryRunner.query(`CREATE INDEX "customers_country_idx" ON "customers" USING btree ("country") `);
    }

}
