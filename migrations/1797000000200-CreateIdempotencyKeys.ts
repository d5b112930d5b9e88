import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of the mutations that are not idempotent by themselves (src/common/idempotency.ts): one row per
 * (API key and mutation, client key), written in the write's own transaction with its first result. customer_id
 * leads an index so erasure finds a customer's rows; it is null for results about no customer (API keys).
 */
export class CreateIdempotencyKeys1797000000200 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1797000000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "idempotency_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid, "scope" text NOT NULL, "key" text NOT NULL, "fingerprint" text NOT NULL, "result" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8ad20779ad0411107a56e53d0f6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys"  ("created_at") `);
    await queryRunner.query(`CREATE INDEX "idempotency_keys_customer_idx" ON "idempotency_keys"  ("customer_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "idempotency_keys_scope_key" ON "idempotency_keys"  ("scope", "key") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idempotency_keys_scope_key"`);
    await queryRunner.query(`DROP INDEX "public"."idempotency_keys_customer_idx"`);
    await queryRunner.query(`DROP INDEX "public"."idempotency_keys_created_idx"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
