import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateLoyaltyRules1795354013001 implements MigrationInterface {
    name = 'CreateLoyaltyRules1795354013001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "loyalty_rule_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "program_id" uuid NOT NULL, "version" integer NOT NULL, "effective_from" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "points_per_unit" numeric(12,4) NOT NULL, "category_multipliers" jsonb NOT NULL DEFAULT '{}', "product_multipliers" jsonb NOT NULL DEFAULT '{}', "tier_multipliers" jsonb NOT NULL DEFAULT '{}', "welcome_bonus" integer NOT NULL DEFAULT '0', "birthday_bonus" integer NOT NULL DEFAULT '0', "min_order_minor" bigint NOT NULL DEFAULT '0', "earning_statuses" text array NOT NULL, "point_value_minor" numeric(12,4) NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0b8938a14110e663620cfe2d5c5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "loyalty_rule_versions_effective_idx" ON "loyalty_rule_versions"  ("program_id", "effective_from") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "loyalty_rule_versions_program_version_unique" ON "loyalty_rule_versions"  ("program_id", "version") `);
        await queryRunner.query(`ALTER TABLE "loyalty_ledger_entries" ADD "rule_version_id" uuid`);
        await queryRunner.query(`ALTER TABLE "loyalty_rule_versions" ADD CONSTRAINT "FK_1a86bbe1c0a8d6d6519cdd18a87" FOREIGN KEY ("program_id") REFERENCES "loyalty_programs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "loyalty_rule_versions" DROP CONSTRAINT "FK_1a86bbe1c0a8d6d6519cdd18a87"`);
        await queryRunner.query(`ALTER TABLE "loyalty_ledger_entries" DROP COLUMN "rule_version_id"`);
        await queryRunner.query(`DROP INDEX "public"."loyalty_rule_versions_program_version_unique"`);
        await queryRunner.query(`DROP INDEX "public"."loyalty_rule_versions_effective_idx"`);
        await queryRunner.query(`DROP TABLE "loyalty_rule_versions"`);
    }

}
