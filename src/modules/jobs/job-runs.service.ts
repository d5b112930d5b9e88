import type { DataSource } from 'typeorm';

/** One run (a pg-boss job) of a job, as the `jobs` query shows it. */
export interface JobRunRow {
  id: string;
  name: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retryCount: number;
  retryLimit: number;
  createdOn: Date;
  startAfter: Date;
  startedOn: Date | null;
  completedOn: Date | null;
  /** The error of a failed attempt (the runner stores `{ message }`; pg-boss' own expiry `{ value: { message } }`). */
  errorMessage: string | null;
}

/** A failed attempt's message: kept in `output` by a failure, and while the retry waits and runs. */
const ERROR_MESSAGE = `case when state in ('failed', 'retry') or (state = 'active' and retry_count > 0)
  then left(coalesce(output ->> 'message', output -> 'value' ->> 'message'), 1000) end`;

/**
 * Reads the runs pg-boss keeps: pgboss.job holds queued, running and finished jobs until they are archived
 * (12 h), pgboss.archive holds them until they are deleted (7 days). Read-only: pg-boss owns these tables. Before
 * the first server started the job runner they do not exist, and there are no runs.
 */
export class JobRunService {
  constructor(private readonly dataSource: DataSource) {}

  /** The latest `perJob` runs of each job, newest first, in one statement. */
  async recentRuns(names: readonly string[], perJob: number): Promise<Map<string, JobRunRow[]>> {
    const byName = new Map<string, JobRunRow[]>(names.map((n) => [n, []]));
    if (!names.length || !(await this.hasTables())) return byName;
    const rows: JobRunRow[] = await this.dataSource.query(
      `select id, name, state, "retryCount", "retryLimit", "createdOn", "startAfter", "startedOn", "completedOn",
              "errorMessage"
       from (
         select j.*, row_number() over (partition by j.name order by j."createdOn" desc, j.id desc) as n
         from (
           select id, name, state::text as state, retry_count as "retryCount", retry_limit as "retryLimit",
                  created_on as "createdOn", start_after as "startAfter", started_on as "startedOn",
                  completed_on as "completedOn",
                  ${ERROR_MESSAGE} as "errorMessage"
           from pgboss.job where name = any($1)
           union all
           select id, name, state::text, retry_count, retry_limit, created_on, start_after, started_on,
                  completed_on,
                  ${ERROR_MESSAGE}
           from pgboss.archive where name = any($1)
         ) j
       ) ranked
       where n <= $2
       order by name, "createdOn" desc, id desc`,
      [names, perJob],
    );
    for (const row of rows)
      byName.get(row.name)?.push({ ...row, retryCount: Number(row.retryCount) });
    return byName;
  }

  private async hasTables(): Promise<boolean> {
    const [row]: { ok: boolean }[] = await this.dataSource.query(
      `select to_regclass('pgboss.job') is not null and to_regclass('pgboss.archive') is not null as ok`,
    );
    return Boolean(row?.ok);
  }
}
