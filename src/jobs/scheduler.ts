import type { PoolClient } from 'pg';
import { latestSlotAtOrBefore, nextSlotAfter } from '../common/cron';
import { logger } from '../common/logger';
import type { ScheduledRunData } from '../common/jobs';
import type { JobScheduleService } from '../modules/jobs';
import type { RegisteredJob } from './registry';

/**
 * The job schedules, hand-written rather than pg-boss' `schedule()`: pg-boss' cron is minute-granular, reads the
 * real clock only (no test clock), and never catches up a slot missed while no server ran (it sends a slot only within
 * a minute of its time), so a daily 03:00 refresh with the servers down at 03:00 would simply not happen.
 *
 * Here each scheduled job has a row in job_schedules with its next due slot. A tick (every poll, in every server with
 * jobs enabled) reads the rows due at the clock's `now` and, per row, in one transaction: moves next_due_at to the
 * first slot after `now` with a compare-and-set UPDATE (of several servers, exactly one succeeds), and enqueues one
 * pg-boss job whose id derives from the job and slot (enqueueing a slot twice inserts once). However many slots were
 * missed, one run follows (catch-up, not once per missed slot); its data says which slots it stands for.
 */
export class Scheduler {
  constructor(
    private readonly schedules: JobScheduleService,
    private readonly jobs: ReadonlyMap<string, RegisteredJob>,
    private readonly clock: () => Date,
    private readonly send: (
      client: PoolClient,
      name: string,
      data: ScheduledRunData,
      slot: Date,
    ) => Promise<string | null>,
    private readonly connect: () => Promise<PoolClient>,
  ) {}

  /** Writes the schedules in force (a new or changed one starts at its next slot; an unchanged one keeps its due). */
  async sync(): Promise<void> {
    const now = this.clock();
    await this.schedules.sync(
      [...this.jobs.values()]
        .filter((j) => j.entry.scheduled)
        .map(({ entry }) => ({
          name: entry.name,
          cron: entry.cron,
          timeZone: entry.timeZone,
          firstDueAt: entry.cron ? nextSlotAfter(entry.cron, entry.timeZone, now) : null,
        })),
    );
  }

  /** Claims and enqueues every due slot; returns how many this process claimed. */
  async tick(): Promise<number> {
    const now = this.clock();
    let claimed = 0;
    for (const row of await this.schedules.due(now)) {
      const job = this.jobs.get(row.name);
      // Another server may run with another schedule for a while (a rolling deploy): the row's cron is the one in force.
      if (!job?.entry.scheduled || !row.cron || !row.nextDueAt) continue; // a job that lost its schedule
      const slot = latestSlotAtOrBefore(row.cron, row.timeZone, now) ?? row.nextDueAt;
      const next = nextSlotAfter(row.cron, row.timeZone, now);
      const client = await this.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const mine = await this.schedules.claim(client, {
          name: row.name,
          expected: row.nextDueAt,
          next,
          slot,
          now,
        });
        if (!mine) {
          await client.query('rollback');
          continue;
        }
        const data = { slot: slot.toISOString(), missedSince: row.nextDueAt.toISOString() };
        const id = await this.send(client, row.name, data, slot);
        await this.schedules.recordJobId(client, row.name, id);
        await client.query('commit');
        claimed++;
        logger.info({ job: row.name, slot: data.slot, id }, 'jobs: schedule slot enqueued');
      } catch (error) {
        broken = error as Error;
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release(broken); // a client that failed is dropped, not reused
      }
    }
    return claimed;
  }
}
