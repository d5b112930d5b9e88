import type { Pool } from 'pg';
import type { AppConfig } from '../config';
import type { Database } from '../db/data-source';
import { primaryPool } from '../db/watchdog';
import type { JobDefinition } from '../common/jobs';
import type { JobCatalog, JobScheduleService } from '../modules/jobs';
import { registerJobs } from './registry';
import { JobRunner } from './runner';

/**
 * Background jobs (docs/jobs.md): the manifests' definitions (common/jobs.ts) with their schedules in force
 * (registry.ts), run by one JobRunner per process on pg-boss (runner.ts) with our own slot scheduler
 * (scheduler.ts). The admin view and the schedule table are modules/jobs.
 */
export interface JobsOptions {
  /** Run jobs and schedules in this process (JOBS_ENABLED); false: the queue is started for enqueueing only. */
  work: boolean;
  /** A test clock for the scheduler and the runs; refused with NODE_ENV=production. */
  clock?: () => Date;
  /** Extra definitions beside the manifests' (tests register their own jobs through the same API). */
  extraJobs?: JobDefinition<any>[];
}

interface JobServices {
  jobCatalog: JobCatalog;
  jobSchedules: JobScheduleService;
}

/** Publishes the catalog and, when `options` is given, starts this process' runner. */
export async function startJobs(
  config: AppConfig,
  db: Database,
  services: JobServices,
  definitions: JobDefinition<any>[],
  options?: JobsOptions,
): Promise<JobRunner | null> {
  const registered = registerJobs(config, [...definitions, ...(options?.extraJobs ?? [])]);
  services.jobCatalog.publish(registered.map((r) => r.entry));
  if (!options) return null;
  if (options.clock && config.nodeEnv === 'production')
    throw new Error('A job clock other than the real one is for tests only (NODE_ENV=production)');
  const pool = primaryPool(db.dataSource) as unknown as Pool | undefined;
  if (!pool) throw new Error('The job runner needs the primary pool of the database');
  const runner = new JobRunner({
    pool,
    registered,
    catalog: services.jobCatalog,
    schedules: services.jobSchedules,
    work: options.work,
    pollIntervalMs: config.jobsPollIntervalMs,
    clock: options.clock ?? (() => new Date()),
  });
  await runner.start();
  return runner;
}
