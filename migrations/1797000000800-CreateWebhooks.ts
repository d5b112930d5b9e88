import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed webhooks (issue 18, part 3): webhook_endpoints (the receivers, their event types, the API key whose view
 * they get, their sealed signing secrets) and webhook_deliveries (one row per event and endpoint, written by the
 * fan-out in the transaction that advances its outbox position; sent in per-customer order per endpoint).
 * No foreign key from deliveries to outbox_events: events are pruned after EVENT_RETENTION_DAYS, their delivery
 * records may stay longer.
 */
export class CreateWebhooks1797000000800 implements MigrationInterface {
    name = 'CreateWebhooks1797000000800'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "webhook_endpoints" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "url" text NOT NULL, "description" text, "event_types" text array NOT NULL, "api_key_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'ENABLED', "disabled_reason" text, "disabled_at" TIMESTAMP WITH TIME ZONE, "secret_sealed" text NOT NULL, "previous_secret_sealed" text, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "from_position" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_webhook_endpoints_id" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" BIGSERIAL NOT NULL, "endpoint_id" uuid NOT NULL, "event_id" bigint NOT NULL, "customer_id" uuid, "sequence" bigint, "status" text NOT NULL DEFAULT 'PENDING', "attempts" integer NOT NULL DEFAULT 0, "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "locked_until" TIMESTAMP WITH TIME ZONE, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status_code" integer, "last_latency_ms" integer, "last_error" text, "schedule_offset" integer NOT NULL DEFAULT 0, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_webhook_deliveries_id" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "webhook_deliveries_event_unique" ON "webhook_deliveries"  ("endpoint_id", "event_id") `);
        await queryRunner.query(`CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"  ("status", "next_attempt_at") `);
        await queryRunner.query(`CREATE INDEX "webhook_deliveries_customer_idx" ON "webhook_deliveries"  ("customer_id", "endpoint_id", "sequence") `);
        await queryRunner.query(`CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries"  ("endpoint_id", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
        await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
    }

}
