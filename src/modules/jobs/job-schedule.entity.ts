import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A scheduled job's next due slot (see src/jobs/scheduler.ts); the runs themselves are in pg-boss' tables. */
@Entity({ name: 'job_schedules' })
export class JobScheduleEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_job_schedules' })
  name: string;

  /** The cron expression in force; null while the job's schedule is off. */
  @Column({ type: 'text', nullable: true })
  cron: string | null;

  @Column({ type: 'text' })
  timeZone: string;

  /** The next slot to run; a past one is due (and is claimed by the first tick that sees it). Null: off. */
  @Column({ type: 'timestamptz', nullable: true })
  nextDueAt: Date | null;

  /** The slot last claimed, and when, and the pg-boss job it was enqueued as. */
  @Column({ type: 'timestamptz', nullable: true })
  lastSlotAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastClaimedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  lastJobId: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export const JOBS_ENTITIES = [JobScheduleEntity];
