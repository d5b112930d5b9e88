import type { DataSource } from 'typeorm';

/** A scheduled job as the scheduler keeps it in job_schedules. */
export interface ScheduleRow {
  name: string;
  cron: string | null;
  timeZone: string;
  nextDueAt: Date | null;
  lastSlotAt: Date | null;
  lastClaimedAt: Date | null;
}

/** Anything that runs SQL: the app's pool, or one client inside a transaction (the claim and its enqueue). */
export interface SqlExecutor {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount?: number | null }>;
}

const COLUMNS = `name, cron, time_zone as "timeZone", next_due_at as "nextDueAt", last_slot_at as "lastSlotAt",
  last_claimed_at as "lastClaimedAt"`;

/**
 * The job_schedules table: each scheduled job's next due slot. Every write is a compare-and-set on the row, so that
 * several servers agree without a lock: the first to move next_due_at past a due slot owns that slot.
 */
export class JobScheduleService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records the schedules in force. A new job, a changed cron or time zone starts from the first slot after `now`
   * (a changed schedule has no missed slots); an unchanged one keeps its next_due_at, so a slot missed while no
   * server ran stays due. `off` (cron null) keeps the row without a next slot.
   */
  async sync(
    schedules: { name: string; cron: string | null; timeZone: string; firstDueAt: Date | null }[],
  ): Promise<void> {
    for (const s of schedules) {
      await this.dataSource.query(
        `insert into job_schedules (name, cron, time_zone, next_due_at) values ($1, $2, $3, $4)
         on conflict (name) do update set cron = excluded.cron, time_zone = excluded.time_zone,
           next_due_at = excluded.next_due_at, updated_at = now()
         where job_schedules.cron is distinct from excluded.cron
            or job_schedules.time_zone is distinct from excluded.time_zone
            or (job_schedules.next_due_at is null) <> (excluded.next_due_at is null)`,
        [s.name, s.cron, s.timeZone, s.firstDueAt],
      );
    }
  }

  /** The schedules whose next slot is at or before `now`. */
  async due(now: Date): Promise<ScheduleRow[]> {
    return this.dataSource.query(
      `select ${COLUMNS} from job_schedules where next_due_at <= $1 and cron is not null order by name`,
      [now],
    );
  }

  /**
   * Claims a due slot: moves next_due_at from `expected` to `next` unless another server did first (the row lock
   * makes a concurrent UPDATE re-read the row, which then no longer matches). Compared to the millisecond, the
   * precision of the JavaScript Date it was read into. True when this
   * call claimed it. Run through `executor` to enqueue in the same transaction.
   */
  async claim(
    executor: SqlExecutor,
    claim: { name: string; expected: Date; next: Date; slot: Date; now: Date },
  ): Promise<boolean> {
    const result = await executor.query(
      `update job_schedules set next_due_at = $3, last_slot_at = $4, last_claimed_at = $5, updated_at = now()
       where name = $1 and next_due_at <= $5
         and date_trunc('milliseconds', next_due_at) = date_trunc('milliseconds', $2::timestamptz)`,
      [claim.name, claim.expected, claim.next, claim.slot, claim.now],
    );
    return (result.rowCount ?? 0) === 1;
  }

  async recordJobId(executor: SqlExecutor, name: string, jobId: string | null): Promise<void> {
    await executor.query('update job_schedules set last_job_id = $2 where name = $1', [
      name,
      jobId,
    ]);
  }

  async list(): Promise<ScheduleRow[]> {
    return this.dataSource.query(`select ${COLUMNS} from job_schedules order by name`);
  }
}
