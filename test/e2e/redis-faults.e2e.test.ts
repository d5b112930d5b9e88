import { createHash } from 'node:crypto';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { startServerProcess } from '../support/server-process';
import { testPort } from '../support/own-cluster-db';
import { OwnRedis, startOwnRedis } from '../support/redis-server';
import { describeIf, postgres, redisServer } from '../support/requirements';

// Redis holds only shared budgets and persisted-query texts: none of its faults may stop the server serving.
const describeWithRedis = describeIf(redisServer());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const PAGE = '{ customers(first: 5) { totalCount } }';

async function until(check: () => Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

describeWithRedis('when Redis is down, paused or killed', () => {
  let redis: OwnRedis | null = null;
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
    await redis?.kill();
    redis = null;
  });

  const redisUp = async () => (await request(t!.app.app).get('/readyz')).body.redis === 'up';
  const cost = async (key: string) => {
    const res = await request(t!.app.app)
      .post('/graphql')
      .set('x-api-key', key)
      .send({ query: PAGE });
    expect(res.status).toBe(200);
    return res.body.extensions.cost.currentlyAvailable as number;
  };

  it('starts and serves without Redis, says so in /readyz and the metrics, and uses Redis once it appears', async () => {
    const port = testPort(31);
    const started = Date.now();
    t = await startTestApp({ redisUrl: `redis://127.0.0.1:${port}` });
    expect(Date.now() - started).toBeLessThan(15_000);
    const key = await t.keyWith(['customers:read']);
    await cost(key);
    const ready = await request(t.app.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      redis: 'unavailable',
      fallback: expect.stringContaining('in memory'),
    });
    const metrics = await request(t.app.app)
      .get('/metrics')
      .set('authorization', `Bearer ${t.adminKey}`);
    expect(metrics.text).toMatch(/^redis_up 0$/m);
    expect(metrics.text).toMatch(/^redis_fallbacks_total\{use="bucket"\} [1-9]/m);

    // Automatic persisted queries are registered and found locally meanwhile.
    const text = `{ customers(first: 1) { totalCount } } # local ${Date.now()}`;
    const ext = { persistedQuery: { version: 1, sha256Hash: sha256(text) } };
    await request(t.app.app)
      .post('/graphql')
      .set('x-api-key', key)
      .send({ query: text, extensions: ext })
      .expect(200);
    const byHash = await request(t.app.app)
      .post('/graphql')
      .set('x-api-key', key)
      .send({ extensions: ext });
    expect(byHash.body.errors).toBeUndefined();

    redis = await startOwnRedis(port);
    expect(await until(redisUp, 10_000)).toBe(true);
    const metricsAfter = await request(t.app.app)
      .get('/metrics')
      .set('authorization', `Bearer ${t.adminKey}`);
    expect(metricsAfter.text).toMatch(/^redis_up 1$/m);
    // A fresh key's budget now lives in Redis.
    const other = await t.keyWith(['customers:read']);
    await cost(other);
    const client = (await import('redis')).createClient({ url: redis.url });
    await client.connect();
    expect(await client.keys('c360:bucket:*')).toHaveLength(1);
    await client.quit();
  }, 60_000);

  it('a paused Redis costs a request at most the command deadline, and /readyz answers at once', async () => {
    redis = await startOwnRedis(testPort(32));
    t = await startTestApp({ redisUrl: redis.url, redisCommandTimeoutMs: 250 });
    const key = await t.keyWith(['customers:read']);
    expect(await redisUp()).toBe(true);
    await cost(key);

    redis.pause();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      await cost(key);
      times.push(Date.now() - started);
    }
    const started = Date.now();
    const ready = await request(t.app.app).get('/readyz');
    const readyMs = Date.now() - started;
    expect(ready.status).toBe(200);
    expect(ready.body.redis).toBe('unavailable');
    expect(readyMs).toBeLessThan(500);
    // Only the first meets the deadline; the rest go straight to the local bucket.
    expect(Math.max(...times)).toBeLessThan(1500);
    expect(times.slice(1).every((ms) => ms < 250)).toBe(true);

    redis.resume();
    expect(
      await until(async () => {
        await cost(key);
        return redisUp();
      }, 10_000),
    ).toBe(true);
  }, 60_000);
});

// The server as it runs in production: the crash was an unhandled 'error' event that ended the process.
const describeOnPostgres = describeIf(postgres(), redisServer());

describeOnPostgres('a production server whose Redis is killed', () => {
  it('keeps serving while Redis is gone and shares budgets again once it is back', async () => {
    const secret = 'redis-faults-test-secret-0123456789';
    const t = await startTestApp({ apiKeyHashKey: secret });
    const key = await t.keyWith(['customers:read']);
    await t.app.stop();
    const port = testPort(33);
    let redis = await startOwnRedis(port);
    const server = await startServerProcess(
      {
        DATABASE_URL: t.database.config.databaseUrl!,
        NODE_ENV: 'production',
        API_KEY_HASH_KEY: secret,
        REDIS_URL: redis.url,
        LOG_LEVEL: 'info',
      },
      testPort(34),
    );
    try {
      const ask = () =>
        fetch(`${server.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ query: PAGE }),
        });
      expect((await ask()).status).toBe(200);
      await redis.kill();
      for (let i = 0; i < 5; i++) {
        expect((await ask()).status).toBe(200);
        await sleep(200);
      }
      expect(server.child.exitCode).toBeNull();
      expect(server.output()).toMatch(/redis: unavailable/);
      expect(await (await fetch(`${server.baseUrl}/readyz`)).json()).toMatchObject({
        status: 'ready',
        redis: 'unavailable',
      });

      redis = await startOwnRedis(port);
      const back = await until(
        async () => (await (await fetch(`${server.baseUrl}/readyz`)).json()).redis === 'up',
        15_000,
      );
      expect(back).toBe(true);
      expect((await ask()).status).toBe(200);
      expect(server.output()).toMatch(/redis: reachable/);
    } finally {
      await redis.kill();
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await server.exited;
      await t.database.drop();
    }
  }, 90_000);
});
