import request from 'supertest';
import { Client } from 'pg';
import { PgCluster, startPgCluster } from '../support/pg-cluster';
import { databaseOn, testPort } from '../support/own-cluster-db';
import { startTestAppOn, TestApp } from '../support/test-app';
import { describeIf, pgBinaries, postgres } from '../support/requirements';

// Stops and starts a PostgreSQL cluster of the test's own; PostgreSQL deployments only.
const describeOnPostgres = describeIf(postgres(), pgBinaries());

describeOnPostgres('when PostgreSQL goes away and comes back', () => {
  let cluster: PgCluster;
  let t: TestApp;

  beforeAll(async () => {
    cluster = startPgCluster(testPort(3));
    const admin = new Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('create database c360');
    await admin.end();
    t = await startTestAppOn(await databaseOn(cluster.url('c360')));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    cluster?.remove();
  });

  const page = '{ customers(first: 5) { totalCount nodes { id } } }';

  it('readiness follows the database and requests in between get SERVICE_UNAVAILABLE, quickly', async () => {
    expect((await request(t.app.app).get('/readyz')).status).toBe(200);
    expect((await t.gql(page)).errors).toBeUndefined();

    cluster.stop();
    const ready = await request(t.app.app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'database unreachable' });
    expect((await request(t.app.app).get('/healthz')).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await t.gql(page);
      expect(Date.now() - started).toBeLessThan(6000);
      expect(res.status).toBe(503);
      expect(res.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    }

    cluster.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await request(t.app.app).get('/readyz')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    const after = await t.gql(page);
    expect(after.errors).toBeUndefined();
    expect(after.data.customers.totalCount).toBe(0);
  }, 60_000);
});
