import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (issue 18): outbox_events, one row per change of interest written in the change's own
 * transaction, numbered in commit order by `position` from outbox_position_seq under an advisory lock held until
 * COMMIT (the unique index proves none is given twice); customer_event_sequences numbers each customer's events (unique
 * (customer_id, sequence)); outbox_consumers keeps the positions of the readers inside the server. No foreign key to
 * customers: events are pruned after EVENT_RETENTION_DAYS, and a customer's erasure empties their data.
 *
 * customer_metrics.announced_predicted_clv_minor is the CLV the last metrics.clv_changed event announced; it starts
 * as the stored CLV, so the first refresh after this migration announces only real moves.
 */
export class CreateOutbox1797000000700 implements MigrationInterface {
    name = 'CreateOutbox1797000000700'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "outbox_events" ("id" BIGSERIAL NOT NULL, "position" bigint NOT NULL, "customer_id" uuid, "sequence" bigint, "type" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "data" jsonb NOT NULL, CONSTRAINT "PK_6689a16c00d09b8089f6237f1d2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "outbox_events_occurred_idx" ON "outbox_events"  ("occurred_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "outbox_events_customer_idx" ON "outbox_events"  ("customer_id", "sequence") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "outbox_events_position_idx" ON "outbox_events"  ("position") `);
        await queryRunner.query(`CREATE TABLE "customer_event_sequences" ("customer_id" uuid NOT NULL, "last_sequence" bigint NOT NULL, CONSTRAINT "PK_5df67c563d1d1b348fbcf97e2de" PRIMARY KEY ("customer_id"))`);
        await queryRunner.query(`CREATE TABLE "outbox_consumers" ("name" text NOT NULL, "position" bigint NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_11b0bcc736265f85c98fda27999" PRIMARY KEY ("name"))`);
        await queryRunner.query(`CREATE SEQUENCE "outbox_position_seq"`);
        await queryRunner.query(`ALTER TABLE "customer_metrics" ADD "announced_predicted_clv_minor" bigint`);
        await queryRunner.query(`UPDATE "customer_metrics" SET "announced_predicted_clv_minor" = "predicted_clv_minor"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customer_metrics" DROP COLUMN "announced_predicted_clv_minor"`);
        await queryRunner.query(`DROP SEQUENCE "outbox_position_seq"`);
        await queryRunner.query(`DROP TABLE "outbox_consumers"`);
        await queryRunner.query(`DROP TABLE "customer_event_sequences"`);
        await queryRunner.query(`DROP INDEX "public"."outbox_events_position_idx"`);
        await queryRunner.query(`DROP INDEX "public"."outbox_events_customer_idx"`);
        await queryRunner.query(`DROP INDEX "public"."outbox_events_occurred_idx"`);
        await queryRunner.query(`DROP TABLE "outbox_events"`);
    }
}
