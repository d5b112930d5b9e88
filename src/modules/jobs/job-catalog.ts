import type { EnqueueOptions, JobQueue, RetryPolicy } from '../../common/jobs';

/** A registered job as the admin view shows it: its definition and the schedule in force. */
export interface CatalogEntry {
  name: string;
  description: string;
  /** The cron in force (JOB_SCHEDULE_<JOB> or the default); null: off, or a job that runs only when enqueued. */
  cron: string | null;
  /** Whether the job has a schedule at all (false: it runs only what code enqueues). */
  scheduled: boolean;
  variable: string;
  timeZone: string;
  retry: RetryPolicy;
  expireInSeconds: number;
}

/**
 * Every job the manifests registered, and the queue that runs them. Built empty with the services, so that any module
 * can depend on it as its `JobQueue`; the composition root publishes the entries once every service exists
 * (src/jobs/registry.ts), and the runner attaches itself when it starts. Enqueueing before then, or in a process
 * whose runner is not started (a CLI command), is a SERVICE_UNAVAILABLE error, never a job silently lost.
 */
export class JobCatalog implements JobQueue {
  private published: readonly CatalogEntry[] = [];
  private queue: JobQueue | null = null;

  publish(entries: readonly CatalogEntry[]): void {
    this.published = Object.freeze([...entries]);
  }

  attach(queue: JobQueue | null): void {
    this.queue = queue;
  }

  entries(): readonly CatalogEntry[] {
    return this.published;
  }

  find(name: string): CatalogEntry | null {
    return this.published.find((e) => e.name === name) ?? null;
  }

  async enqueue(name: string, data: Record<string, unknown>, options?: EnqueueOptions) {
    if (!this.queue) throw new JobQueueUnavailableError();
    return this.queue.enqueue(name, data, options);
  }
}

/** No job runner in this process yet (or any more). */
export class JobQueueUnavailableError extends Error {
  constructor() {
    super('The job queue is not started in this process');
  }
}
