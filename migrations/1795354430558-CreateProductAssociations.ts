import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateProductAssociations1795354430558 implements MigrationInterface {
    name = 'CreateProductAssociations1795354430558'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "product_associations" ("antecedent_id" uuid NOT NULL, "consequent_id" uuid NOT NULL, "support" double precision NOT NULL, "confidence" double precision NOT NULL, "lift" double precision NOT NULL, "customers" integer NOT NULL, "window_days" integer NOT NULL, "mined_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d72d06ea0087a30ba6d9a2c4e78" PRIMARY KEY ("antecedent_id", "consequent_id"))`);
        await queryRunner.query(`CREATE INDEX "product_associations_antecedent_idx" ON "product_associations"  ("antecedent_id", "lift") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."product_associations_antecedent_idx"`);
        await queryRunner.query(`DROP TABLE "product_associations"`);
    }

}
