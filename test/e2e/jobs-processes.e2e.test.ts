import 'reflect-metadata';
import { Client } from 'pg';
import { createApp, App } from '../../src/app';
import type { JobDefinition } from '../../src/common/jobs';
import { createTestDatabase, TestDatabase } from '../support/test-db';
import { PgCluster, startPgCluster } from '../support/pg-cluster';
import { databaseOn, testPort } from '../support/own-cluster-db';
import { startServerProcess, ServerProcess } from '../support/server-process';
import { describeIf, pgBinaries, postgres } from '../support/requirements';

/**
 * What only several processes or a database that goes away show. PostgreSQL only: an embedded database has one owner
 * process (a second server refuses its folder, embedded-lock.ts), so two servers never share one PGlite and its jobs;
 * and an in-memory PGlite cannot be stopped under a running server.
 */
// The reason shows in the skip report of a run on PGlite.
const sharedDatabase = {
  met: postgres().met,
  reason:
    'PostgreSQL only: an embedded database has one owner process, so no two servers share its jobs',
};
const describeOnPostgres = describeIf(sharedDatabase);
const describeOnOwnCluster = describeIf(sharedDatabase, pgBinaries());

async function eventually<T>(check: () => Promise<T | undefined>, what: string, bound = 90_000) {
  const until = Date.now() + bound;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describeOnPostgres('two server processes on one database', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await database?.drop();
  });

  it('run each slot of a job once, never two runs at once, and exit 0 on SIGTERM', async () => {
    const env = {
      DATABASE_URL: database.config.databaseUrl!,
      LOG_LEVEL: 'info',
      JOBS_POLL_INTERVAL_MS: '500',
      // Every 2 seconds, so that the servers race for many slots; the other jobs off.
      JOB_SCHEDULE_PRUNE_IDEMPOTENCY_KEYS: '*/2 * * * * *',
      JOB_SCHEDULE_METRICS_REFRESH: 'off',
      JOB_SCHEDULE_POINTS_EXPIRY: 'off',
      JOB_SCHEDULE_BIRTHDAY_BONUSES: 'off',
      JOB_SCHEDULE_ASSOCIATION_MINING: 'off',
    };
    servers.push(await startServerProcess(env, testPort(11)));
    servers.push(await startServerProcess(env, testPort(12)));
    const runs = await eventually(async () => {
      const rows: { slot: string; started: Date; completed: Date | null; state: string }[] =
        await database.db.dataSource.query(
          `select data ->> 'slot' as slot, started_on as started, completed_on as completed, state
           from pgboss.job where name = 'prune-idempotency-keys' order by started_on`,
        );
      return rows.filter((r) => r.state === 'completed').length >= 8 ? rows : undefined;
    }, 'eight completed slots');
    const completed = runs.filter((r) => r.state === 'completed');
    expect(new Set(completed.map((r) => r.slot)).size).toBe(completed.length);
    for (let i = 1; i < completed.length; i++)
      expect(completed[i].started.getTime()).toBeGreaterThanOrEqual(
        completed[i - 1].completed!.getTime(),
      );
    // Both processes ticked (each logs the slots it claimed); whichever claimed, a slot ran once.
    const claims = servers.map((s) => (s.output().match(/schedule slot enqueued/g) ?? []).length);
    expect(claims.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(completed.length);
    expect(await servers[0].terminate()).toBe(0);
    expect(await servers[1].terminate()).toBe(0);
  }, 180_000);
});

describeOnPostgres('a server killed in the middle of a job', () => {
  let database: TestDatabase;
  let locker: Client | null = null;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await locker?.end().catch(() => undefined);
    await database?.drop();
  });

  it('catches up the slot missed while it was down, and the next server runs the killed run again', async () => {
    const sql = database.db.dataSource;
    // The daily prune's slot of yesterday was missed (no server ran): the next start runs it once.
    await sql.query(
      `insert into job_schedules (name, cron, time_zone, next_due_at)
       values ('prune-idempotency-keys', '30 4 * * *', 'UTC', now() - interval '1 day')`,
    );
    await sql.query(
      `insert into idempotency_keys (scope, key, fingerprint, created_at)
       values ('test', 'old', 'f', now() - interval '3 days')`,
    );
    // The run blocks on this lock until the test lets go, so that the server can be killed in the middle of it.
    locker = new Client({ connectionString: database.config.databaseUrl! });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table idempotency_keys in access exclusive mode');
    const env = {
      DATABASE_URL: database.config.databaseUrl!,
      JOBS_POLL_INTERVAL_MS: '500',
      DB_STATEMENT_TIMEOUT_MS: '120000',
      LOG_LEVEL: 'info',
      JOB_SCHEDULE_METRICS_REFRESH: 'off',
      JOB_SCHEDULE_POINTS_EXPIRY: 'off',
      JOB_SCHEDULE_BIRTHDAY_BONUSES: 'off',
      JOB_SCHEDULE_ASSOCIATION_MINING: 'off',
    };
    const first = await startServerProcess(env, testPort(14));
    servers.push(first);
    const active = await eventually(async () => {
      const rows: { id: string }[] = await sql.query(
        `select id from pgboss.job where name = 'prune-idempotency-keys' and state = 'active'`,
      );
      return rows[0];
    }, 'the catch-up run to start').catch(async (error: Error) => {
      const state = await sql.query(`select name, state from pgboss.job`).catch((e) => String(e));
      const rows = await sql.query(`select * from job_schedules`);
      throw new Error(`${error.message}\n${JSON.stringify({ state, rows })}\n${first.output()}`);
    });
    first.child.kill('SIGKILL');
    await first.exited;
    // A lease of one second instead of the job's 15 minutes, so that the test need not wait for it.
    await sql.query(
      `update pgboss.job set expire_in = interval '1 second', retry_delay = 1 where id = $1`,
      [active.id],
    );
    await locker.query('rollback');
    const second = await startServerProcess(env, testPort(15));
    servers.push(second);
    const done = await eventually(
      async () => {
        const rows: { state: string; retryCount: number }[] = await sql.query(
          `select state, retry_count as "retryCount" from pgboss.job where id = $1`,
          [active.id],
        );
        return rows[0]?.state === 'completed' ? rows[0] : undefined;
      },
      'the killed run to be redelivered and complete',
      150_000,
    );
    expect(done.retryCount).toBeGreaterThanOrEqual(1);
    const runs = await sql.query(`select id from pgboss.job where name = 'prune-idempotency-keys'`);
    expect(runs).toHaveLength(1); // one run for the missed slot, not one per server or per attempt
    const [row] = await sql.query(
      `select next_due_at > now() as future from job_schedules where name = 'prune-idempotency-keys'`,
    );
    expect(row.future).toBe(true);
    expect(await sql.query(`select key from idempotency_keys where scope = 'test'`)).toEqual([]);
    expect(await second.terminate()).toBe(0);
  }, 240_000);
});

describeOnOwnCluster('a job while PostgreSQL goes away', () => {
  let cluster: PgCluster;
  let database: TestDatabase;
  let app: App;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let release: () => void = () => undefined;
  let started: () => void = () => undefined;
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  let runs = 0;

  const blocking: JobDefinition = {
    name: 'test-blocking',
    description: 'Waits for the test on its first run.',
    schedule: null,
    retry: { retryLimit: 2, retryDelaySeconds: 1, backoff: false },
    expireInSeconds: 3,
    run: async () => {
      runs++;
      if (runs === 1) {
        started();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return { runs };
    },
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    cluster = startPgCluster(testPort(13));
    const admin = new Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('create database c360');
    await admin.end();
    database = await databaseOn(cluster.url('c360'), { jobsPollIntervalMs: 500 });
    app = await createApp(database.config, database.db, {
      jobs: { work: true, extraJobs: [blocking] },
    });
  }, 120_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app?.stop();
    await database?.drop();
    cluster?.remove();
  });

  it('does not crash the server, and the run is redelivered once the database is back', async () => {
    await app.services.jobQueue.enqueue('test-blocking', {});
    await firstStarted;
    cluster.stop();
    release(); // the run finishes while the database is down: complete() fails, is logged, and retried
    await new Promise((resolve) => setTimeout(resolve, 3000)); // let the loop meet the stopped database
    cluster.start();
    // The outcome was never recorded: pg-boss expires the lease (3 s) and the run is delivered again.
    const state = await eventually(
      async () => {
        const rows: { state: string }[] = await database.db.dataSource
          .query(`select state from pgboss.job where name = 'test-blocking'`)
          .catch(() => []);
        return rows[0]?.state === 'completed' ? rows[0].state : undefined;
      },
      'the run to complete after the outage',
      120_000,
    );
    expect(state).toBe('completed');
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(unhandled).toEqual([]);
    // And the queue still works.
    await app.services.jobQueue.enqueue('test-blocking', {});
    await eventually(
      async () => ((await completedCount()) === 2 ? true : undefined),
      'a later run',
    );
    expect(unhandled).toEqual([]);
  }, 180_000);

  async function completedCount(): Promise<number> {
    const [row]: { n: string }[] = await database.db.dataSource.query(
      `select count(*) as n from pgboss.job where name = 'test-blocking' and state = 'completed'`,
    );
    return Number(row.n);
  }
});
