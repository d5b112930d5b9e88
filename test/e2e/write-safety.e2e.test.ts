import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';
import { itIf, postgres } from '../support/requirements';

// Issue 14: a committed write is never reported as a failure, a batch answers every item, and concurrent first
// orders of a new identifier all land on one customer.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.ok(
    `mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: POINTS_12M, tiers: [{ code: "BASE", name: "Base", threshold: "0" }] }) { name } }`,
  );
});
afterAll(async () => {
  await t.close();
});

const onPostgres = itIf(postgres());
const EARN = `mutation Earn($input: LoyaltyPointsInput!) { earnLoyaltyPoints(input: $input) { id points } }`;
const ledgerRows = async (customerId: string) =>
  (
    await t.sql(`select count(*)::int as n from loyalty_ledger_entries where customer_id = $1`, [
      customerId,
    ])
  )[0].n as number;

describe('the audit row of a write', () => {
  it('commits in the write’s own transaction', async () => {
    const { id, databaseId } = await createCustomer(t);
    const res = await t.gql(EARN, { input: { customerId: id, points: 11, reason: 'visit' } });
    expect(res.errors).toBeUndefined();
    // now() is the transaction's start: the same instant only when both rows were written in one transaction
    // (compared in SQL, at the audit column's millisecond precision; a JS Date would drop the microseconds).
    const audit = await t.sql(
      `select a.result from audit_events a join loyalty_ledger_entries l on a.occurred_at = l.created_at::timestamptz(3)
      where a.operation_name = 'Earn' and l.customer_id = $1`,
      [databaseId],
    );
    expect(audit).toEqual([{ result: 'OK' }]);
  });

  onPostgres(
    'when it cannot be written, the write is not done either; when it can, both are',
    async () => {
      const { id, databaseId } = await createCustomer(t);
      const locker = new Client({ connectionString: t.database.config.databaseUrl! });
      await locker.connect();
      const waitingPid = async () => {
        for (let i = 0; i < 200; i++) {
          // Inside a transaction, pg_stat_activity is read once and kept; each look needs a fresh one.
          await locker.query('select pg_stat_clear_snapshot()');
          const rows = (
            await locker.query(`select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
          and query like 'insert into audit_events%'`)
          ).rows;
          if (rows[0]) return rows[0].pid as number;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('the audit insert never waited for the lock');
      };
      try {
        // The audit table locked; the app's audit insert waits, and its connection is then cut.
        await locker.query('begin');
        await locker.query('lock table audit_events in access exclusive mode');
        const failing = t.gql(EARN, { input: { customerId: id, points: 11, reason: 'visit' } });
        await locker.query('select pg_terminate_backend($1)', [await waitingPid()]);
        await locker.query('commit');
        const failed = await failing;
        expect(failed.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
        expect(await ledgerRows(databaseId)).toBe(0);

        // Locked again, then released: the write waits and completes, with its row.
        await locker.query('begin');
        await locker.query('lock table audit_events in access exclusive mode');
        const waiting = t.gql(EARN, { input: { customerId: id, points: 11, reason: 'visit' } });
        await waitingPid();
        await locker.query('commit');
        const done = await waiting;
        expect(done.status).toBe(200);
        expect(done.errors).toBeUndefined();
        expect(await ledgerRows(databaseId)).toBe(1);
      } finally {
        await locker.end();
      }
    },
  );
});

const BATCH = `mutation($orders: [RecordOrderInput!]!) { recordOrders(orders: $orders) { index created outcome order { externalRef } error { code field } } }`;

describe('recordOrders', () => {
  it('answers one result per item when one order is invalid', async () => {
    const { id } = await createCustomer(t);
    const base = {
      customer: { id },
      source: 'safety',
      currency: 'USD',
      placedAt: '2026-02-01T10:00:00Z',
      gross: '10.00',
    };
    const res = await t.gql(BATCH, {
      orders: [
        { ...base, externalRef: 'S1' },
        { ...base, externalRef: 'S2', source: '' },
        { ...base, externalRef: 'S3', currency: 'usd' },
        { ...base, externalRef: 'S1' },
      ],
    });
    expect(res.errors).toBeUndefined();
    expect(
      res.data.recordOrders.map((r: any) => [
        r.index,
        r.outcome,
        r.created,
        r.order?.externalRef ?? null,
        r.error?.code ?? null,
        r.error?.field ?? null,
      ]),
    ).toEqual([
      [0, 'CREATED', true, 'S1', null, null],
      [1, 'FAILED', false, null, 'BAD_USER_INPUT', 'source'],
      [2, 'FAILED', false, null, 'BAD_USER_INPUT', 'currency'],
      [3, 'EXISTED', false, 'S1', null, null],
    ]);
    expect(
      (await t.sql(`select external_ref from orders where source = 'safety' order by 1`)).map(
        (r) => r.external_ref,
      ),
    ).toEqual(['S1']);
  });
});

describe('first orders of a new identifier, concurrently', () => {
  const order = (value: string, externalRef: string) => ({
    customer: { identifierType: 'EXTERNAL', identifierSource: 'pos', identifierValue: value },
    source: 'pos',
    externalRef,
    currency: 'USD',
    placedAt: '2026-03-01T10:00:00Z',
    gross: '5.00',
  });
  const RECORD = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created order { externalRef customer { id } } } }`;

  it('50 identical orders all succeed, one recorded, on one customer', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => t.gql(RECORD, { input: order('same-50', 'P-SAME') })),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(results.filter((r) => r.data.recordOrder.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.data.recordOrder.order.customer.id)).size).toBe(1);
    expect(
      await t.sql(
        `select count(*)::int as n from customer_identifiers where source = 'pos' and value = 'same-50'`,
      ),
    ).toEqual([{ n: 1 }]);
  });

  it('20 different orders are all stored, on one customer', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.gql(RECORD, { input: order('diff-20', `P-DIFF-${i}`) }),
      ),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const rows = await t.sql(
      `select count(*)::int as n, count(distinct customer_id)::int as customers from orders where external_ref like 'P-DIFF-%'`,
    );
    expect(rows).toEqual([{ n: 20, customers: 1 }]);
    const [{ order_count }] = await t.sql(
      `select c.order_count from customers c join customer_identifiers i on i.customer_id = c.id where i.value = 'diff-20'`,
    );
    expect(order_count).toBe(20);
  });
});
