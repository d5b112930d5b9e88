/**
 * Background jobs as modules declare them (their manifest's `jobs`) and as other code enqueues them. Domain-free:
 * the runner that executes them on pg-boss lives in src/jobs/ (docs/jobs.md), the admin view in modules/jobs.
 *
 * A definition with a `schedule` runs at each due slot of its cron (SHOP_TIME_ZONE; JOB_SCHEDULE_<NAME> overrides
 * it, `off` disables it). A definition with `schedule: null` is a handler only: it runs what code enqueues through
 * `JobQueue.enqueue` (webhook deliveries, `action.due`…). Either way a run is retried on failure with exponential
 * backoff, is redelivered when the process that ran it died (after `expireInSeconds`), and with the `singleton`
 * policy never runs twice at once, across every server process sharing the database.
 */

/** How a failed run is retried: after retryDelaySeconds, then about twice as long each time (pg-boss backoff). */
export interface RetryPolicy {
  /** Retries after the first attempt (0: none). */
  retryLimit: number;
  retryDelaySeconds: number;
  /** Exponential backoff (delay × 2^retry, with jitter); false: the same delay each time. */
  backoff: boolean;
}

/** What one run of a job is given. */
export interface JobRunContext<D = Record<string, unknown>> {
  /** The run's clock: the moment it started (a test clock in tests); the job never reads `new Date()` itself. */
  now: Date;
  /** Aborted at shutdown and shortly before the run's lease (expireInSeconds) runs out: stop between chunks. */
  signal: AbortSignal;
  /** What was enqueued (for a scheduled run: `{ slot, missedSince }`, see ScheduledRunData). */
  data: D;
  /** 0 for the first attempt, then 1, 2… for retries. */
  attempt: number;
}

/** The data of a run the scheduler enqueued: the due slot, and the oldest slot it stands for after a downtime. */
export interface ScheduledRunData extends Record<string, unknown> {
  /** The slot (ISO time) this run is for: the latest due slot when it was claimed. */
  slot: string;
  /** The first slot not run before this one (ISO): earlier than `slot` when the server was down over several. */
  missedSince: string;
}

/**
 * One job. `name` is the queue name, lowercase with dashes (`metrics-refresh`); its schedule variable is
 * JOB_SCHEDULE_ + the name in upper snake case (JOB_SCHEDULE_METRICS_REFRESH).
 */
export interface JobDefinition<D = Record<string, unknown>> {
  name: string;
  /** What it does, for the `jobs` query and `c360 jobs`. */
  description: string;
  /** Cron (5 fields, or 6 with seconds first) in SHOP_TIME_ZONE; null: runs only when enqueued. */
  schedule: string | null;
  retry: RetryPolicy;
  /**
   * How long a run may hold its lease before pg-boss considers its process dead and redelivers it (another
   * process may then start it): longer than the slowest run. The run's signal aborts a little before.
   */
  expireInSeconds: number;
  /** singleton (default): at most one run at a time per singleton key (enqueues without one share one lane). */
  policy?: 'singleton' | 'standard';
  /** Runs once; a rejection is a failed attempt (retried per `retry`). What it resolves with is kept as the output. */
  run(context: JobRunContext<D>): Promise<unknown>;
}

export interface EnqueueOptions {
  /** On a singleton job, runs with the same key never overlap (e.g. one webhook endpoint at a time). */
  singletonKey?: string;
  /** Not before this moment (e.g. a retry at a time the caller chose, a reminder). */
  startAfter?: Date;
  /** Enqueue at most once for this key while the job is kept (pg-boss' id is derived from it): a repeat is a no-op. */
  dedupeKey?: string;
}

/** How code enqueues a one-off background run of a registered job. */
export interface JobQueue {
  /** The job's id, or null when `dedupeKey` was already enqueued. Throws when `name` is no registered job. */
  enqueue(
    name: string,
    data: Record<string, unknown>,
    options?: EnqueueOptions,
  ): Promise<string | null>;
}

/** A job's schedule variable: metrics-refresh → JOB_SCHEDULE_METRICS_REFRESH. */
export const scheduleVariableOf = (name: string) =>
  `JOB_SCHEDULE_${name.toUpperCase().replace(/-/g, '_')}`;

/** Names pg-boss accepts and our variables can spell. */
export const JOB_NAME = /^[a-z][a-z0-9-]{0,62}$/;
