import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateStoreCredit1795354288766 implements MigrationInterface {
    name = 'CreateStoreCredit1795354288766'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "store_credit_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "kind" text NOT NULL, "amount_minor" bigint NOT NULL, "currency" character(3) NOT NULL, "reason" text NOT NULL, "order_id" uuid, "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_540f8fa3192816c0fd7bbd42096" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "store_credit_one_cashback_per_order" ON "store_credit_entries"  ("customer_id", "order_id") WHERE kind = 'CASHBACK'`);
        await queryRunner.query(`CREATE INDEX "store_credit_customer_idx" ON "store_credit_entries"  ("customer_id", "occurred_at") `);
        await queryRunner.query(`ALTER TABLE "loyalty_rule_versions" ADD "cashback_percent" numeric(6,3) NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "store_credit_entries" ADD CONSTRAINT "FK_420cd507d0261dbbff4646938e6" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "store_credit_entries" DROP CONSTRAINT "FK_420cd507d0261dbbff4646938e6"`);
        await queryRunner.query(`ALTER TABLE "loyalty_rule_versions" DROP COLUMN "cashback_percent"`);
        await queryRunner.query(`DROP INDEX "public"."store_credit_customer_idx"`);
        await queryRunner.query(`DROP INDEX "public"."store_credit_one_cashback_per_order"`);
        await queryRunner.query(`DROP TABLE "store_credit_entries"`);
    }

}
