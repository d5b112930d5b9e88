import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateAuditEvents1795356340211 implements MigrationInterface {
    name = 'CreateAuditEvents1795356340211'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key_id" uuid, "key_name" text NOT NULL, "request_id" text NOT NULL, "operation_type" text NOT NULL, "operation_name" text NOT NULL, "pii_categories" text array NOT NULL, "customers" integer NOT NULL, "result" text NOT NULL, "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "audit_events_key_idx" ON "audit_events"  ("key_id", "occurred_at") `);
        await queryRunner.query(`CREATE INDEX "audit_events_occurred_idx" ON "audit_events"  ("occurred_at", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."audit_events_occurred_idx"`);
        await queryRunner.query(`DROP INDEX "public"."audit_events_key_idx"`);
        await queryRunner.query(`DROP TABLE "audit_events"`);
    }

}
