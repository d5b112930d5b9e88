import type { JobCatalog } from './job-catalog';
import type { JobRunRow, JobRunService } from './job-runs.service';
import type { JobScheduleService, ScheduleRow } from './job-schedule.service';

export type RunStatus = 'QUEUED' | 'RUNNING' | 'RETRYING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

const STATUS: Record<JobRunRow['state'], RunStatus> = {
  created: 'QUEUED',
  retry: 'RETRYING',
  active: 'RUNNING',
  completed: 'SUCCEEDED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
};

export interface JobRunView {
  id: string;
  status: RunStatus;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When the next attempt may start (a waiting retry, or a run enqueued for later). */
  nextAttemptAt: Date | null;
  retryCount: number;
  retryLimit: number;
  error: string | null;
}

export interface JobView {
  name: string;
  description: string;
  scheduled: boolean;
  cron: string | null;
  timeZone: string;
  variable: string;
  nextRunAt: Date | null;
  lastSlotAt: Date | null;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  expireInSeconds: number;
  lastRun: JobRunView | null;
  recentRuns: JobRunView[];
}

/** The admin view of the jobs: the catalog, the schedule table and pg-boss' runs, in two statements. */
export class JobsService {
  constructor(
    private readonly catalog: JobCatalog,
    private readonly schedules: JobScheduleService,
    private readonly runs: JobRunService,
  ) {}

  async list(runsPerJob = 5): Promise<JobView[]> {
    const entries = this.catalog.entries();
    const [rows, runs] = await Promise.all([
      this.schedules.list(),
      this.runs.recentRuns(
        entries.map((e) => e.name),
        runsPerJob,
      ),
    ]);
    const byName = new Map<string, ScheduleRow>(rows.map((r) => [r.name, r]));
    return entries.map((e) => {
      const row = byName.get(e.name);
      const recent = (runs.get(e.name) ?? []).map(toRunView);
      return {
        name: e.name,
        description: e.description,
        scheduled: e.scheduled,
        cron: e.cron,
        timeZone: e.timeZone,
        variable: e.variable,
        // The row may still hold another cron until a runner synced it: only trust it when it matches.
        nextRunAt: e.cron && row?.cron === e.cron ? row.nextDueAt : null,
        lastSlotAt: row?.lastSlotAt ?? null,
        retryLimit: e.retry.retryLimit,
        retryDelaySeconds: e.retry.retryDelaySeconds,
        retryBackoff: e.retry.backoff,
        expireInSeconds: e.expireInSeconds,
        lastRun: recent[0] ?? null,
        recentRuns: recent,
      };
    });
  }
}

function toRunView(row: JobRunRow): JobRunView {
  const waiting = row.state === 'created' || row.state === 'retry';
  return {
    id: row.id,
    status: STATUS[row.state],
    queuedAt: row.createdOn,
    startedAt: row.startedOn,
    finishedAt:
      row.state === 'completed' || row.state === 'failed' || row.state === 'cancelled'
        ? row.completedOn
        : null,
    nextAttemptAt: waiting ? row.startAfter : null,
    retryCount: row.retryCount,
    retryLimit: row.retryLimit,
    error: row.errorMessage,
  };
}
