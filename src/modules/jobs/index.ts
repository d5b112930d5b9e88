import type { ModuleManifest } from '../../common/module-manifest';
import type { TextColumns } from '../../common/personal-data';
import type { JobQueue } from '../../common/jobs';
import { pruneIdempotencyKeys } from '../../common/idempotency';
import { JOBS_ENTITIES } from './job-schedule.entity';
import { JobCatalog } from './job-catalog';
import { JobScheduleService } from './job-schedule.service';
import { JobRunService } from './job-runs.service';
import { JobsService } from './jobs.service';
import { JobsResolver } from './jobs.resolver';
export { JobCatalog, JobQueueUnavailableError } from './job-catalog';
export type { CatalogEntry } from './job-catalog';
export { JobScheduleService } from './job-schedule.service';
export type { SqlExecutor } from './job-schedule.service';
export { JobsService } from './jobs.service';
export type { JobView, JobRunView } from './jobs.service';

const jobsTextColumns: TextColumns[] = [
  {
    table: 'job_schedules',
    customerKey: null,
    personal: {},
    notPersonal: { name: 'job name', cron: 'cron expression', time_zone: 'IANA zone name' },
  },
];

interface JobsServices {
  /** The registered jobs; other modules depend on it as `jobQueue` to enqueue background runs. */
  jobCatalog: JobCatalog;
  jobQueue: JobQueue;
  jobSchedules: JobScheduleService;
  jobsAdmin: JobsService;
  idempotencyKeys: { prune(): Promise<number> };
}

/**
 * Background jobs: the catalog every module's `jobs` fills, the schedule table, and the admin `jobs` query. It comes
 * first among the modules, so that any module may enqueue. The runner (pg-boss) is src/jobs/, outside the modules.
 */
export const jobsModule = {
  name: 'jobs',
  entities: JOBS_ENTITIES,
  services({ dataSource }) {
    const jobCatalog = new JobCatalog();
    const jobSchedules = new JobScheduleService(dataSource);
    return {
      jobCatalog,
      jobQueue: jobCatalog,
      jobSchedules,
      jobsAdmin: new JobsService(jobCatalog, jobSchedules, new JobRunService(dataSource)),
      idempotencyKeys: { prune: () => pruneIdempotencyKeys(dataSource.manager) },
    };
  },
  resolvers: (s) => [new JobsResolver(s.jobsAdmin)],
  textColumns: jobsTextColumns,
  jobs: (s) => [
    {
      name: 'prune-idempotency-keys',
      description:
        'Deletes idempotency keys past their 24-hour retention (`c360 prune-idempotency-keys`).',
      schedule: '30 4 * * *',
      retry: { retryLimit: 3, retryDelaySeconds: 60, backoff: true },
      expireInSeconds: 15 * 60,
      run: async () => ({ deleted: await s.idempotencyKeys.prune() }),
    },
  ],
} satisfies ModuleManifest<JobsServices>;
