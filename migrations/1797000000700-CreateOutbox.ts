import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (issue 18): outbox_events, one row per change of interest written in the change's own
 * transaction, read in commit order by (tx_id, id); customer_event_sequences numbers each customer's events, and
 * the unique (customer_id, sequence) index proves no number is given twice. No foreign key to customers: the
 * events are pruned after EVENT_RETENTION_DAYS, and a customer's erasure empties their data.
 *
 * customer_metrics.announced_predicted_clv_minor is the CLV the last metrics.clv_changed event announced; it starts
 * as the stored CLV, so the first refresh after this migration announces only real moves.
 */
export class CreateOutbox1797000000700 implements MigrationInterface {
    name = 'CreateOutbox1797000000700'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "outbox_events" ("id" BIGSERIAL NOT NULL, "tx_id" bigint NOT NULL, "customer_id" uuid, "sequence" bigint, "type" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "data" jsonb NOT NULL, CONSTRAINT "PK_6689a16c00d09b8089f6237f1d2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "outbox_events_occurred_idx" ON "outbox_events"  ("occurred_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "outbox_events_customer_idx" ON "outbox_events"  ("customer_id", "sequence") `);
        await queryRunner.query(`CREATE INDEX "outbox_events_position_idx" ON "outbox_events"  ("tx_id", "id") `);
        await queryRunner.query(`CREATE TABLE "outbox_consumers" ("name" text NOT NULL, "tx_id" bigint NOT NULL, "event_id" bigint NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_outbox_consumers_name" PRIMARY KEY ("name"))`);
        // Readers on other server processes wake up when events commit: one NOTIFY per statement that wrote events,
        // delivered at COMMIT (and never for a rollback). The payload is empty: readers read from their position.
        await queryRunner.query(`CREATE FUNCTION "outbox_events_notify"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('c360_outbox', ''); RETURN NULL; END $$`);
        await queryRunner.query(`CREATE TRIGGER "outbox_events_notify" AFTER INSERT ON "outbox_events" FOR EACH STATEMENT EXECUTE FUNCTION "outbox_events_notify"()`);
        await queryRunner.query(`ALTER TABLE "customer_metrics" ADD "announced_predicted_clv_minor" bigint`);
        await queryRunner.query(`UPDATE "customer_metrics" SET "announced_predicted_clv_minor" = "predicted_clv_minor"`);
        await queryRunner.query(`CREATE TABLE "customer_event_sequences" ("customer_id" uuid NOT NULL, "last_sequence" bigint NOT NULL, CONSTRAINT "PK_5df67c563d1d1b348fbcf97e2de" PRIMARY KEY ("customer_id"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "customer_event_sequences"`);
        await queryRunner.query(`DROP TRIGGER "outbox_events_notify" ON "outbox_events"`);
        await queryRunner.query(`DROP FUNCTION "outbox_events_notify"()`);
        await queryRunner.query(`DROP TABLE "outbox_consumers"`);
        await queryRunner.query(`ALTER TABLE "customer_metrics" DROP COLUMN "announced_predicted_clv_minor"`);
        await queryRunner.query(`DROP INDEX "public"."outbox_events_position_idx"`);
        await queryRunner.query(`DROP INDEX "public"."outbox_events_customer_idx"`);
        await queryRunner.query(`DROP INDEX "public"."outbox_events_occurred_idx"`);
        await queryRunner.query(`DROP TABLE "outbox_events"`);
    }

}
