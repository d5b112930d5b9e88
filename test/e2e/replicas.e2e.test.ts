import { Client } from 'pg';
import { isReadOnlyStatement } from '../../src/db/replicated-data-source';
import { PgCluster, startPgCluster } from '../support/pg-cluster';
import { databaseOn, testPort } from '../support/own-cluster-db';
import { startTestAppOn, TestApp } from '../support/test-app';
import { describeIf, pgBinaries, postgres } from '../support/requirements';

// A primary and a streaming replica of the test's own; PostgreSQL deployments only (the embedded run skips it).
const describeOnPostgres = describeIf(postgres(), pgBinaries());

async function sql(url: string, text: string): Promise<any[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describeOnPostgres('read replicas (DATABASE_REPLICA_URLS)', () => {
  let primary: PgCluster;
  let replica: PgCluster;
  let t: TestApp;
  const createCustomer = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { databaseId fullName } }`;
  const readCustomer = `query($id: ID!) { customer(id: $id) { databaseId fullName } }`;

  async function replicaCaughtUp() {
    const [{ lsn }] = await sql(primary.url('c360'), 'select pg_current_wal_lsn()::text as lsn');
    for (let i = 0; i < 200; i++) {
      const [{ behind }] = await sql(
        replica.url('c360'),
        `select pg_wal_lsn_diff('${lsn}', pg_last_wal_replay_lsn()) > 0 as behind`,
      );
      if (!behind) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the replica did not catch up');
  }

  beforeAll(async () => {
    primary = startPgCluster(testPort(1));
    await sql(primary.url(), 'create database c360');
    replica = primary.streamingReplica(testPort(2));
    const database = await databaseOn(primary.url('c360'), {
      databaseReplicaUrls: [replica.url('c360')],
    });
    t = await startTestAppOn(database);
    await replicaCaughtUp();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    replica?.remove();
    primary?.remove();
  });

  it('the replica is a read-only standby of the primary', async () => {
    expect(
      (await sql(replica.url('c360'), 'select pg_is_in_recovery() as standby'))[0].standby,
    ).toBe(true);
    expect(
      (await sql(primary.url('c360'), 'select pg_is_in_recovery() as standby'))[0].standby,
    ).toBe(false);
  });

  it('writes go to the primary, a mutation reads its own write there, and later reads are served by the replica', async () => {
    await sql(replica.url('c360'), 'select pg_wal_replay_pause()');
    try {
      const created = await t.ok(createCustomer, {
        input: { givenName: 'Rita', familyName: 'Replica', email: 'rita@example.com' },
      });
      // The write landed (the replica is read-only, so it went to the primary) and the mutation's own read saw it.
      expect(created.createCustomer.fullName).toBe('Rita Replica');
      const id = created.createCustomer.databaseId;
      expect(
        await sql(primary.url('c360'), `select 1 from customers where id = '${id}'`),
      ).toHaveLength(1);
      // Replay is paused, so a query that reads from the replica cannot see the customer yet.
      const whilePaused = await t.gql(readCustomer, { id });
      expect(whilePaused.data.customer).toBeNull();
      await sql(replica.url('c360'), 'select pg_wal_replay_resume()');
      await replicaCaughtUp();
      expect((await t.ok(readCustomer, { id })).customer.fullName).toBe('Rita Replica');
    } finally {
      await sql(replica.url('c360'), 'select pg_wal_replay_resume()');
    }
  });

  it('a key revoked on the primary stops working as soon as PostgreSQL announces it, whatever the replica lags', async () => {
    const key = await t.keyWith(['customers:read']);
    await replicaCaughtUp();
    await sql(replica.url('c360'), 'select pg_wal_replay_pause()');
    try {
      expect((await t.gql('{ customers(first: 1) { totalCount } }', {}, key)).status).toBe(200);
      await sql(
        primary.url('c360'),
        "update api_keys set revoked_at = now() where name = 'test customers:read'",
      );
      // Keys are read on the primary, and one kept in memory is dropped when the primary announces the change
      // (milliseconds; far below API_KEY_CACHE_SECONDS, so the announcement is what refuses it).
      const deadline = Date.now() + 3000;
      let refused = await t.gql('{ customers(first: 1) { totalCount } }', {}, key);
      while (refused.status !== 401 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        refused = await t.gql('{ customers(first: 1) { totalCount } }', {}, key);
      }
      expect(refused.status).toBe(401);
    } finally {
      await sql(replica.url('c360'), 'select pg_wal_replay_resume()');
    }
  });
});

describe('which statements may go to a replica', () => {
  it('plain reads do; writes, locking reads and side-effecting functions do not', () => {
    expect(isReadOnlyStatement('select * from customers where id = $1')).toBe(true);
    expect(isReadOnlyStatement('  WITH x AS (select 1) select * from x')).toBe(true);
    expect(
      isReadOnlyStatement('with moved as (delete from t returning *) select * from moved'),
    ).toBe(false);
    expect(isReadOnlyStatement('update customers set x = 1')).toBe(false);
    expect(isReadOnlyStatement('select * from customers for update')).toBe(false);
    expect(isReadOnlyStatement('select pg_advisory_xact_lock(1)')).toBe(false);
    expect(isReadOnlyStatement("select nextval('s')")).toBe(false);
  });
});
