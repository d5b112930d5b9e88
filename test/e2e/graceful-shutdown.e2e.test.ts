import request from 'supertest';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/test-app';
import { startServerProcess, ServerProcess } from '../support/server-process';
import { testPort } from '../support/own-cluster-db';
import { describeIf, postgres } from '../support/requirements';

// Holds a request inside PostgreSQL with a table lock from another session, so PostgreSQL deployments only.
const describeOnPostgres = describeIf(postgres());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeOnPostgres('SIGTERM with a request in flight', () => {
  let t: TestApp;
  let server: ServerProcess;
  let locker: Client;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.stop();
    await t.database.db.close(); // so that the only customer360 sessions are the server process's
    server = await startServerProcess(
      { DATABASE_URL: t.database.config.databaseUrl!, LOG_LEVEL: 'silent' },
      testPort(5),
    );
    locker = new Client({ connectionString: t.database.config.databaseUrl! });
    await locker.connect();
  }, 120_000);

  afterAll(async () => {
    await locker.end().catch(() => undefined);
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await t.database.drop();
  });

  it('stops accepting, finishes the request, closes the pool and exits 0', async () => {
    await locker.query('begin');
    await locker.query('lock table customers in access exclusive mode');
    const inFlight = request(server.baseUrl)
      .post('/graphql')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ query: '{ customers(first: 1) { totalCount } }' })
      .then((res) => res);
    await sleep(500);
    server.child.kill('SIGTERM');
    await sleep(500);
    expect(server.child.exitCode).toBeNull();
    await expect(fetch(`${server.baseUrl}/healthz`)).rejects.toThrow();

    await locker.query('commit');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.data.customers.totalCount).toBe(0);
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: finishing in-flight requests/);
    // The pool is closed: no session of the server is left in PostgreSQL.
    const [{ sessions }] = (
      await locker.query(
        `select count(*)::int as sessions from pg_stat_activity where application_name = 'customer360' and datname = current_database()`,
      )
    ).rows;
    expect(sessions).toBe(0);
  }, 60_000);
});
