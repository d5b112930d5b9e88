import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateTierHistory1795354182651 implements MigrationInterface {
    name = 'CreateTierHistory1795354182651'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "loyalty_tier_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "program_id" uuid NOT NULL, "from_code" text, "to_code" text, "reason" text NOT NULL, "qualifying_value" bigint NOT NULL, "changed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_92f978a22ad5a54b01e71bc0031" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "loyalty_tier_changes_customer_idx" ON "loyalty_tier_changes"  ("customer_id", "changed_at") `);
        await queryRunner.query(`ALTER TABLE "loyalty_tiers" ADD "retention_threshold" bigint`);
        await queryRunner.query(`ALTER TABLE "loyalty_tier_changes" ADD CONSTRAINT "FK_3e42223d75ef76ac85af648c8cd" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "loyalty_tier_changes" DROP CONSTRAINT "FK_3e42223d75ef76ac85af648c8cd"`);
        await queryRunner.query(`ALTER TABLE "loyalty_tiers" DROP COLUMN "retention_threshold"`);
        await queryRunner.query(`DROP INDEX "public"."loyalty_tier_changes_customer_idx"`);
        await queryRunner.query(`DROP TABLE "loyalty_tier_changes"`);
    }

}
