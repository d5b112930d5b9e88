import 'reflect-metadata';
import request from 'supertest';
import { createApp, App } from '../../src/app';
import type { JobDefinition } from '../../src/common/jobs';
import { createTestDatabase, TestDatabase } from '../support/test-db';

/** A test clock: the scheduler and the runs read it; the test moves it. */
class TestClock {
  constructor(public at: Date) {}
  now = () => new Date(this.at);
  set(iso: string) {
    this.at = new Date(iso);
  }
}

const JOBS = `query($runs: Int) { jobs(runs: $runs) {
  name description nextRunAt retryLimit retryDelaySeconds retryBackoff expireInSeconds
  schedule { enabled cron timeZone variable }
  lastRun { id status queuedAt startedAt finishedAt nextAttemptAt retryCount retryLimit error }
  recentRuns { id status retryCount error }
} }`;

/** Polls until `check` returns a value (not undefined), with a bound; no timed assertion. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, bound = 60_000) {
  const until = Date.now() + bound;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('jobs', () => {
  let database: TestDatabase;
  let app: App;
  let adminKey: string;
  const clock = new TestClock(new Date('2027-03-10T10:00:00Z'));
  const flakyRuns: { attempt: number; at: number }[] = [];
  let flakyFailures = 2;
  const tickRuns: string[] = [];

  const flaky: JobDefinition = {
    name: 'test-flaky',
    description: 'Fails its first attempts.',
    schedule: null,
    retry: { retryLimit: 3, retryDelaySeconds: 1, backoff: true },
    expireInSeconds: 60,
    run: async ({ attempt }) => {
      flakyRuns.push({ attempt, at: Date.now() });
      if (flakyRuns.length <= flakyFailures) throw new Error(`flaky failure ${flakyRuns.length}`);
      return { ok: true };
    },
  };
  const ticking: JobDefinition = {
    name: 'test-ticking',
    description: 'Records the slots it ran for.',
    schedule: '0 * * * *',
    retry: { retryLimit: 0, retryDelaySeconds: 1, backoff: false },
    expireInSeconds: 60,
    run: async ({ data }) => {
      tickRuns.push(`${String(data.slot)} since ${String(data.missedSince)}`);
      return { slot: data.slot };
    },
  };

  const gql = (
    query: string,
    variables: Record<string, unknown> = {},
    key: string | null = adminKey,
  ) => {
    const req = request(app.app).post('/graphql').set('content-type', 'application/json');
    if (key) req.set('authorization', `Bearer ${key}`);
    return req.send({ query, variables }).then((res) => res.body);
  };
  const jobNamed = async (name: string) => {
    const body = await gql(JOBS, { runs: 10 });
    expect(body.errors).toBeUndefined();
    return body.data.jobs.find((j: { name: string }) => j.name === name);
  };

  beforeAll(async () => {
    database = await createTestDatabase({
      jobSchedules: {
        JOB_SCHEDULE_ASSOCIATION_MINING: 'off',
        JOB_SCHEDULE_PRUNE_EVENTS: 'off',
        JOB_SCHEDULE_PRUNE_WEBHOOK_DELIVERIES: 'off',
      },
    });
    app = await createApp(database.config, database.db, {
      jobs: { work: true, clock: clock.now, extraJobs: [flaky, ticking] },
    });
    adminKey = (await app.services.apiKeys.create('tests', ['admin'], null)).key;
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('lists every module job with its schedule, the override and the default', async () => {
    const body = await gql(JOBS);
    expect(body.errors).toBeUndefined();
    const byName = Object.fromEntries(body.data.jobs.map((j: any) => [j.name, j]));
    for (const name of [
      'metrics-refresh',
      'points-expiry',
      'birthday-bonuses',
      'prune-idempotency-keys',
    ])
      expect(byName[name]?.schedule).toMatchObject({ enabled: true, timeZone: 'UTC' });
    expect(byName['metrics-refresh'].schedule).toMatchObject({
      cron: '0 3 * * *',
      variable: 'JOB_SCHEDULE_METRICS_REFRESH',
    });
    expect(byName['metrics-refresh'].nextRunAt).toBe('2027-03-11T03:00:00.000Z');
    expect(byName['association-mining'].schedule).toMatchObject({ enabled: false, cron: null });
    expect(byName['association-mining'].nextRunAt).toBeNull();
    expect(byName['test-flaky'].schedule).toBeNull();
  });

  it('runs a due slot once, advances the next run, and catches up missed slots with one run', async () => {
    expect((await jobNamed('test-ticking')).nextRunAt).toBe('2027-03-10T11:00:00.000Z');
    clock.set('2027-03-10T10:59:59Z');
    expect(await app.jobs!.tick()).toBe(0);
    clock.set('2027-03-10T11:00:05Z');
    expect(await app.jobs!.tick()).toBe(1);
    expect(await app.jobs!.tick()).toBe(0); // the slot is claimed once
    const first = await eventually(async () => {
      const job = await jobNamed('test-ticking');
      return job.lastRun?.status === 'SUCCEEDED' ? job : undefined;
    }, 'the 11:00 slot to run');
    expect(first.nextRunAt).toBe('2027-03-10T12:00:00.000Z');
    expect(tickRuns).toEqual(['2027-03-10T11:00:00.000Z since 2027-03-10T11:00:00.000Z']);

    // The server "was down" from 11:00 to 15:30: the 12:00…15:00 slots run once, at the next tick.
    clock.set('2027-03-10T15:30:00Z');
    expect(await app.jobs!.tick()).toBe(1);
    expect(await app.jobs!.tick()).toBe(0);
    await eventually(async () => (tickRuns.length === 2 ? true : undefined), 'the catch-up run');
    expect(tickRuns[1]).toBe('2027-03-10T15:00:00.000Z since 2027-03-10T12:00:00.000Z');
    const after = await jobNamed('test-ticking');
    expect(after.nextRunAt).toBe('2027-03-10T16:00:00.000Z');
    expect(after.recentRuns.filter((r: any) => r.status === 'SUCCEEDED')).toHaveLength(2);
  });

  it('runs the module jobs at their slots (prune-idempotency-keys deletes old keys)', async () => {
    await database.db.dataSource.query(
      `insert into idempotency_keys (scope, key, fingerprint, created_at)
       values ('test', 'old', 'f', now() - interval '3 days'), ('test', 'new', 'f', now())`,
    );
    clock.set('2027-03-11T04:30:00Z'); // 04:30 (prune), past 00:15 (expiry), 00:30 (birthdays), 03:00 (metrics)
    expect(await app.jobs!.tick()).toBe(5); // four module jobs and test-ticking (prune-events is off here)
    const prune = await eventually(async () => {
      const job = await jobNamed('prune-idempotency-keys');
      return job.lastRun?.status === 'SUCCEEDED' ? job : undefined;
    }, 'the prune run');
    expect(prune.nextRunAt).toBe('2027-03-12T04:30:00.000Z');
    const keys = await database.db.dataSource.query(
      `select key from idempotency_keys where scope = 'test'`,
    );
    expect(keys).toEqual([{ key: 'new' }]);
    for (const name of ['metrics-refresh', 'points-expiry', 'birthday-bonuses'])
      await eventually(async () => {
        const job = await jobNamed(name);
        return job.lastRun?.status === 'SUCCEEDED' ? true : undefined;
      }, `${name} to succeed`);
  });

  it('retries a failing job with backoff and shows its error until it succeeds', async () => {
    await app.services.jobQueue.enqueue('test-flaky', { n: 1 });
    const retrying = await eventually(async () => {
      const job = await jobNamed('test-flaky');
      return job.lastRun?.status === 'RETRYING' ? job : undefined;
    }, 'a retrying run');
    expect(retrying.lastRun.error).toMatch(/^flaky failure [12]$/);
    expect(retrying.lastRun.nextAttemptAt).not.toBeNull();
    expect(retrying.retryBackoff).toBe(true);
    const done = await eventually(async () => {
      const job = await jobNamed('test-flaky');
      return job.lastRun?.status === 'SUCCEEDED' ? job : undefined;
    }, 'the retries to succeed');
    expect(done.lastRun.retryCount).toBe(2);
    expect(flakyRuns.map((r) => r.attempt)).toEqual([0, 1, 2]);
    // Backoff: pg-boss waits delay × 2^n / 2 × (1 + random) — at least 1 s, then at least 2 s.
    expect(flakyRuns[1].at - flakyRuns[0].at).toBeGreaterThanOrEqual(900);
    expect(flakyRuns[2].at - flakyRuns[1].at).toBeGreaterThanOrEqual(1900);
  }, 90_000);

  it('records a job that fails for good as FAILED with its error', async () => {
    flakyRuns.length = 0;
    flakyFailures = 10;
    await app.services.jobQueue.enqueue('test-flaky', { n: 2 });
    const failed = await eventually(
      async () => {
        const job = await jobNamed('test-flaky');
        return job.lastRun?.status === 'FAILED' ? job : undefined;
      },
      'the run to fail for good',
      90_000,
    );
    expect(failed.lastRun).toMatchObject({
      retryCount: 3,
      retryLimit: 3,
      error: 'flaky failure 4',
    });
    expect(failed.lastRun.finishedAt).not.toBeNull();
  }, 120_000);

  it('enqueues a dedupe key once', async () => {
    flakyFailures = 0;
    const first = await app.services.jobQueue.enqueue('test-flaky', {}, { dedupeKey: 'k1' });
    const again = await app.services.jobQueue.enqueue('test-flaky', {}, { dedupeKey: 'k1' });
    expect(first).toEqual(expect.any(String));
    expect(again).toBeNull();
    await expect(app.services.jobQueue.enqueue('no-such-job', {})).rejects.toThrow(/No job named/);
  });

  it('needs admin: another key gets FORBIDDEN', async () => {
    const key = (await app.services.apiKeys.create('reader', ['customers:read'], null)).key;
    const body = await gql(JOBS, {}, key);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(body.data?.jobs ?? null).toBeNull();
  });

  it('refuses a bad runs argument', async () => {
    const body = await gql(JOBS, { runs: 0 });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('jobs configuration', () => {
  it('refuses a test clock in production, and a schedule variable that names no job', async () => {
    const database = await createTestDatabase();
    try {
      const production = { ...database.config, nodeEnv: 'production' as const };
      await expect(
        createApp(production, database.db, { jobs: { work: true, clock: () => new Date() } }),
      ).rejects.toThrow(/tests only/);
      await expect(
        createApp(
          { ...database.config, jobSchedules: { JOB_SCHEDULE_METRICS_REFRES: '0 1 * * *' } },
          database.db,
        ),
      ).rejects.toThrow(/JOB_SCHEDULE_METRICS_REFRES: no such job/);
    } finally {
      await database.drop();
    }
  });

  it('with JOBS_ENABLED=false enqueues but runs and schedules nothing', async () => {
    const database = await createTestDatabase();
    const app = await createApp(database.config, database.db, { jobs: { work: false } });
    try {
      const id = await app.services.jobQueue.enqueue('prune-idempotency-keys', {});
      const key = (await app.services.apiKeys.create('admin', ['admin'], null)).key;
      const res = await request(app.app)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${key}`)
        .send({ query: '{ jobs { name nextRunAt lastRun { id status } } }' });
      const prune = res.body.data.jobs.find(
        (j: { name: string }) => j.name === 'prune-idempotency-keys',
      );
      expect(prune).toEqual({
        name: 'prune-idempotency-keys',
        nextRunAt: null,
        lastRun: { id, status: 'QUEUED' },
      });
    } finally {
      await app.stop();
      await database.drop();
    }
    // After stop, nothing enqueues silently.
    await expect(app.services.jobQueue.enqueue('prune-idempotency-keys', {})).rejects.toThrow(
      /not started/,
    );
  });

  it('answers the jobs query in production', async () => {
    const database = await createTestDatabase();
    const app = await createApp({ ...database.config, nodeEnv: 'production' }, database.db, {
      jobs: { work: true },
    });
    try {
      const key = (await app.services.apiKeys.create('admin', ['admin'], null)).key;
      const res = await request(app.app)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${key}`)
        .send({ query: '{ jobs { name schedule { cron } lastRun { status } } }' });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.jobs.map((j: { name: string }) => j.name)).toEqual(
        expect.arrayContaining(['metrics-refresh', 'points-expiry', 'birthday-bonuses']),
      );
    } finally {
      await app.stop();
      await database.drop();
    }
  });
});
