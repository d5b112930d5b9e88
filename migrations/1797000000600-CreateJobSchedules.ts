import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The job scheduler's table (src/jobs/scheduler.ts): one row per scheduled job with its next due slot. A server's tick
 * claims a due slot with a compare-and-set UPDATE on next_due_at, so that of several servers exactly one enqueues it.
 * The jobs and their history themselves are pg-boss' (schema pgboss, created and migrated by pg-boss at start).
 */
export class CreateJobSchedules1797000000600 implements MigrationInterface {
  name = 'CreateJobSchedules1797000000600';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "job_schedules" ("name" text NOT NULL, "cron" text, "time_zone" text NOT NULL, "next_due_at" TIMESTAMP WITH TIME ZONE, "last_slot_at" TIMESTAMP WITH TIME ZONE, "last_claimed_at" TIMESTAMP WITH TIME ZONE, "last_job_id" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_job_schedules" PRIMARY KEY ("name"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "job_schedules"`);
  }
}
