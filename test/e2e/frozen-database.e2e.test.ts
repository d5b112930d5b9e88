import request from 'supertest';
import { Client } from 'pg';
import { PgCluster, startPgCluster } from '../support/pg-cluster';
import { databaseOn, testPort } from '../support/own-cluster-db';
import { startTestAppOn, TestApp } from '../support/test-app';
import { describeIf, pgBinaries, postgres } from '../support/requirements';

// SIGSTOPs a PostgreSQL cluster of the test's own (postmaster and backends, by pid); PostgreSQL deployments only.
const describeOnPostgres = describeIf(postgres(), pgBinaries());

describeOnPostgres('when PostgreSQL is frozen (SIGSTOP)', () => {
  let cluster: PgCluster;
  let t: TestApp;
  let frozen: number[] = [];

  beforeAll(async () => {
    cluster = startPgCluster(testPort(35));
    const admin = new Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('create database c360');
    await admin.end();
    t = await startTestAppOn(await databaseOn(cluster.url('c360')));
  }, 120_000);

  const resume = () => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    frozen = [];
  };

  afterAll(async () => {
    resume();
    await t?.close();
    cluster?.remove();
  });

  const page = '{ customers(first: 5) { totalCount nodes { id } } }';
  const timed = async () => {
    const started = Date.now();
    const res = await t.gql(page);
    return { ms: Date.now() - started, status: res.status, code: res.errors?.[0]?.extensions.code };
  };

  it('requests on open and on new connections answer 503 within 5 s, /readyz too, and all recovers on SIGCONT', async () => {
    // Several pooled connections open and idle, as in a server that has been serving.
    await Promise.all(Array.from({ length: 4 }, () => t.gql(page)));
    expect((await request(t.app.app).get('/readyz')).status).toBe(200);

    frozen = cluster.pids();
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');

    const concurrent = await Promise.all(Array.from({ length: 4 }, timed));
    const later = [await timed(), await timed()];
    const readyStarted = Date.now();
    const ready = await request(t.app.app).get('/readyz');
    const readyMs = Date.now() - readyStarted;
    process.stdout.write(
      `frozen database: open connections ${concurrent.map((r) => r.ms).join('/')} ms, new ${later.map((r) => r.ms).join('/')} ms, /readyz ${readyMs} ms\n`,
    );
    for (const r of [...concurrent, ...later]) {
      expect(r).toEqual({ ms: expect.any(Number), status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(r.ms).toBeLessThan(5000);
    }
    expect(ready.status).toBe(503);
    expect(readyMs).toBeLessThan(3000);

    resume();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await request(t.app.app).get('/readyz')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    const after = await t.gql(page);
    expect(after.errors).toBeUndefined();
    expect(after.data.customers.totalCount).toBe(0);
  }, 90_000);
});
