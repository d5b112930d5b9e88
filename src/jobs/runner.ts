import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import PgBoss from 'pg-boss';
import { logger, safeError } from '../common/logger';
import type { EnqueueOptions, JobQueue } from '../common/jobs';
import type { JobCatalog, JobScheduleService } from '../modules/jobs';
import type { RegisteredJob } from './registry';
import { Scheduler } from './scheduler';

/**
 * The job runner: pg-boss 10.4.2 (docs/decisions/job-queue.md) over the application's own pool, on PostgreSQL and on
 * the embedded PGlite alike (pg-boss uses unnamed statements and no LISTEN, so it fits PGlite's one connection).
 *
 * pg-boss' `work()` is not used: in 10.4.2 it calls `complete()` without awaiting it, so a database that is unreachable
 * when a job finishes rejects unhandled and kills the process. Instead one poll loop, per process:
 *   1. ticks the scheduler (claims due schedule slots and enqueues them, scheduler.ts);
 *   2. for each queue without a run in this process, `fetch`es one job, runs it, and awaits `complete` or `fail`.
 * Every database call is awaited inside try/catch and logged, so a stopped database (or PGlite lender) only makes
 * the loop idle until it is back. A job that could not be completed stays active in pg-boss until its lease
 * (`expireInSeconds`) runs out; pg-boss' supervisor then retries it, which is also how a run whose process died is
 * redelivered. Singleton queues (pg-boss' unique index on active jobs) keep a job from running twice at once across
 * every process on the database.
 */
export interface JobRunnerOptions {
  pool: Pool;
  registered: RegisteredJob[];
  catalog: JobCatalog;
  schedules: JobScheduleService;
  /** Run jobs and schedules here (JOBS_ENABLED); false: only enqueue. */
  work: boolean;
  pollIntervalMs: number;
  /** The scheduler's and the runs' clock (a test clock in tests; refused in production by createApp). */
  clock: () => Date;
}

/** How many times a finished run's complete/fail is tried before it is left to pg-boss' lease expiry. */
const SETTLE_ATTEMPTS = 5;
/** Leaves shutdown this long for runs to stop at their next check of the signal. */
const STOP_GRACE_MS = 5000;

export class JobRunner implements JobQueue {
  private readonly boss: PgBoss;
  private readonly jobs = new Map<string, RegisteredJob>();
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly aborts = new Set<AbortController>();
  private readonly scheduler: Scheduler;
  private stopping = false;
  private started = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pokes = 0;

  constructor(private readonly options: JobRunnerOptions) {
    for (const job of options.registered) this.jobs.set(job.entry.name, job);
    const pool = options.pool;
    this.boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
      // Our scheduler replaces pg-boss' cron (scheduler.ts says why); its supervisor expires and archives jobs.
      schedule: false,
      supervise: options.work,
      migrate: true,
      maintenanceIntervalSeconds: 30,
    });
    // pg-boss reports its own timers' failures (maintenance while the database is away) as events: logged only.
    this.boss.on('error', (error) => logger.warn({ err: safeError(error) }, 'jobs: pg-boss error'));
    this.scheduler = new Scheduler(
      options.schedules,
      this.jobs,
      options.clock,
      (client, name, data, slot) =>
        this.boss.send(name, data, {
          id: stableId(name, `slot:${slot.toISOString()}`),
          db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values) },
        }),
      () => options.pool.connect(),
    );
  }

  /** Creates pg-boss' schema and the queues; with `work`, syncs the schedules and starts the poll loop. */
  async start(): Promise<void> {
    await this.boss.start();
    for (const { entry, definition } of this.jobs.values()) {
      const queue = {
        name: entry.name,
        policy: definition.policy ?? 'singleton',
        retryLimit: entry.retry.retryLimit,
        retryDelay: entry.retry.retryDelaySeconds,
        retryBackoff: entry.retry.backoff,
        expireInSeconds: entry.expireInSeconds,
      };
      await this.boss.createQueue(entry.name, queue);
      await this.boss.updateQueue(entry.name, queue); // an existing queue takes the current definition
    }
    this.started = true;
    this.options.catalog.attach(this);
    if (!this.options.work) return;
    await this.scheduler.sync();
    // The loop catches every failure itself; this is only so that a bug in it is logged, never an unhandled rejection.
    this.loop = this.pollLoop().catch((error) =>
      logger.error({ err: safeError(error) }, 'jobs: the poll loop stopped'),
    );
  }

  async enqueue(name: string, data: Record<string, unknown>, options: EnqueueOptions = {}) {
    if (!this.jobs.has(name)) throw new Error(`No job named ${name}`);
    if (!this.started || this.stopping) throw new Error('The job runner is not running');
    const id = await this.boss.send(name, data, {
      singletonKey: options.singletonKey,
      startAfter: options.startAfter,
      id: options.dedupeKey ? stableId(name, `key:${options.dedupeKey}`) : undefined,
    });
    this.poke();
    return id;
  }

  /** One scheduler tick now (tests drive their clock and call this; the loop calls it every poll). */
  async tick(): Promise<number> {
    const claimed = await this.scheduler.tick();
    if (claimed) this.poke();
    return claimed;
  }

  /** Stops the loop, asks the runs to stop (their signal), waits for them a little, then stops pg-boss. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.options.catalog.attach(null);
    this.poke();
    await this.loop;
    for (const abort of this.aborts) abort.abort(new Error('The server is shutting down'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.running.values()),
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS))),
    ]);
    clearTimeout(timer);
    try {
      await this.boss.stop({ graceful: true, close: false, wait: true, timeout: 2000 });
    } catch (error) {
      logger.warn({ err: safeError(error) }, 'jobs: pg-boss did not stop cleanly');
    }
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopping) {
      const pokes = this.pokes;
      try {
        if ((await this.scheduler.tick()) > 0) this.pokes++;
      } catch (error) {
        logger.warn({ err: safeError(error) }, 'jobs: schedule tick failed; trying again');
      }
      for (const job of this.jobs.values()) {
        if (this.stopping) break;
        if (!this.running.has(job.entry.name)) await this.fetchAndStart(job);
      }
      if (this.pokes === pokes) await this.sleep(this.options.pollIntervalMs);
    }
  }

  private async fetchAndStart(job: RegisteredJob): Promise<void> {
    const name = job.entry.name;
    let fetched: PgBoss.JobWithMetadata<Record<string, unknown>>[];
    try {
      fetched = await this.boss.fetch<Record<string, unknown>>(name, { includeMetadata: true });
    } catch (error) {
      logger.warn({ err: safeError(error), job: name }, 'jobs: fetch failed');
      return;
    }
    const next = fetched[0];
    if (!next) return;
    const run = this.execute(job, next).finally(() => {
      this.running.delete(name);
      this.poke(); // the queue may hold more
    });
    this.running.set(name, run);
  }

  /**
   * Enqueues a run of `name` and runs it in this process (`c360 jobs run`), after any run of it already queued.
   * Null when another process is running that job now (its singleton queue hands out nothing).
   */
  async runNow(name: string): Promise<RunOutcome | null> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named ${name}`);
    const id = await this.enqueue(name, { manual: true });
    for (;;) {
      const [next] = await this.boss.fetch<Record<string, unknown>>(name, {
        includeMetadata: true,
      });
      if (!next) return null;
      const outcome = await this.execute(job, next);
      if (next.id === id) return outcome;
    }
  }

  /** Runs one fetched job and settles it in pg-boss; never rejects. */
  private async execute(
    { definition, entry }: RegisteredJob,
    job: PgBoss.JobWithMetadata<Record<string, unknown>>,
  ): Promise<RunOutcome> {
    const abort = new AbortController();
    this.aborts.add(abort);
    // Stop a little before the lease ends, when pg-boss would hand the job to another process.
    const leaseMs = entry.expireInSeconds * 1000;
    const lease = setTimeout(
      () => abort.abort(new Error('The run reached its lease (expireInSeconds)')),
      Math.max(1000, leaseMs - Math.min(leaseMs / 10, 30_000)),
    );
    const log = { job: entry.name, id: job.id, attempt: job.retryCount };
    const started = Date.now();
    let outcome: { ok: true; output: unknown } | { ok: false; error: unknown };
    try {
      const output = await definition.run({
        now: this.options.clock(),
        signal: abort.signal,
        data: job.data ?? {},
        attempt: job.retryCount,
      });
      outcome = { ok: true, output };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearTimeout(lease);
      this.aborts.delete(abort);
    }
    const ms = Date.now() - started;
    if (outcome.ok) {
      logger.info({ ...log, ms }, 'jobs: run succeeded');
      await this.settle(log, () =>
        this.boss.complete(entry.name, job.id, toOutput(outcome.output)),
      );
      return { id: job.id, ok: true, output: outcome.output };
    } else {
      const error = safeError(outcome.error);
      logger.warn({ ...log, ms, err: error }, 'jobs: run failed');
      await this.settle(log, () =>
        this.boss.fail(entry.name, job.id, {
          message: String(error.message ?? error.code ?? error.type),
          type: error.type,
          ...(error.code ? { code: error.code } : {}),
        }),
      );
      return { id: job.id, ok: false, error: String(error.message ?? error.type) };
    }
  }

  /** complete/fail, a few times while the database is away; then pg-boss' lease expiry retries the job. */
  private async settle(log: Record<string, unknown>, call: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; attempt <= SETTLE_ATTEMPTS; attempt++) {
      try {
        await call();
        return;
      } catch (error) {
        logger.warn(
          { ...log, err: safeError(error), attempt },
          'jobs: could not record the outcome',
        );
        if (attempt < SETTLE_ATTEMPTS && !this.stopping)
          await this.sleep(this.options.pollIntervalMs);
      }
    }
    logger.error(log, 'jobs: outcome not recorded; the run is redelivered when its lease expires');
  }

  private poke(): void {
    this.pokes++;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

/** How one run ended in this process. */
export type RunOutcome =
  { id: string; ok: true; output: unknown } | { id: string; ok: false; error: string };

/** pg-boss stores an object as the output; anything else is wrapped. */
function toOutput(value: unknown): object | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' && !Array.isArray(value) ? value : { value };
}

/** A uuid derived from a job's name and a key: enqueueing the same slot or dedupe key twice inserts once. */
export function stableId(name: string, key: string): string {
  const hex = createHash('sha256').update(`${name}\u0000${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
