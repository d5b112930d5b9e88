import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

// Issue 14: a mutation that is not idempotent by itself takes an idempotencyKey; a retry returns the first result.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.ok(
    `mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: POINTS_12M, tiers: [{ code: "BASE", name: "Base", threshold: "0" }] }) { name } }`,
  );
  await createProducts(t, [{ sku: 'IDEM', unitPrice: '10.00' }]);
});
afterAll(async () => {
  await t.close();
});

const EARN = `mutation($input: LoyaltyPointsInput!) { earnLoyaltyPoints(input: $input) { id points occurredAt } }`;
const count = async (sql: string, params: unknown[]) =>
  (await t.sql(`select count(*)::int as n from ${sql}`, params))[0].n as number;

describe('idempotency keys', () => {
  it('a retry of earnLoyaltyPoints returns the first result and writes nothing', async () => {
    const { id, databaseId } = await createCustomer(t);
    const input = { customerId: id, points: 11, reason: 'visit', idempotencyKey: 'earn-1' };
    const first = await t.ok(EARN, { input });
    const again = await t.ok(EARN, { input });
    expect(again).toEqual(first);
    expect(await count('loyalty_ledger_entries where customer_id = $1', [databaseId])).toBe(1);
    // The key row carries the customer, so erasure finds it.
    expect(await t.sql(`select customer_id from idempotency_keys where key = 'earn-1'`)).toEqual([
      { customer_id: databaseId },
    ]);
  });

  it('the same key with another input is CONFLICT, and nothing is written', async () => {
    const { id, databaseId } = await createCustomer(t);
    await t.ok(EARN, {
      input: { customerId: id, points: 11, reason: 'visit', idempotencyKey: 'earn-2' },
    });
    const other = await t.gql(EARN, {
      input: { customerId: id, points: 12, reason: 'visit', idempotencyKey: 'earn-2' },
    });
    expect(other.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'idempotencyKey',
    });
    expect(await count('loyalty_ledger_entries where customer_id = $1', [databaseId])).toBe(1);
  });

  it('concurrent requests with one key write once and all get the first result', async () => {
    const { id, databaseId } = await createCustomer(t);
    const input = { customerId: id, points: 5, reason: 'burst', idempotencyKey: 'earn-burst' };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(EARN, { input })));
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(new Set(results.map((r) => r.data.earnLoyaltyPoints.id)).size).toBe(1);
    expect(await count('loyalty_ledger_entries where customer_id = $1', [databaseId])).toBe(1);
  });

  it('keys are per API key and per mutation', async () => {
    const { id, databaseId } = await createCustomer(t);
    const other = await t.keyWith(['loyalty:write', 'customers:read']);
    await t.ok(EARN, {
      input: { customerId: id, points: 3, reason: 'a', idempotencyKey: 'shared' },
    });
    expect(
      (
        await t.gql(
          EARN,
          { input: { customerId: id, points: 3, reason: 'a', idempotencyKey: 'shared' } },
          other,
        )
      ).errors,
    ).toBeUndefined();
    await t.ok(
      `mutation($input: LoyaltyPointsInput!) { adjustLoyaltyPoints(input: $input) { id } }`,
      { input: { customerId: id, points: 3, reason: 'a', idempotencyKey: 'shared' } },
    );
    expect(await count('loyalty_ledger_entries where customer_id = $1', [databaseId])).toBe(3);
  });

  it('createCustomer, recordFeedback, logCommunication and recordReturn return the first result on a retry', async () => {
    const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id email fullName } }`;
    const person = {
      givenName: 'Ida',
      familyName: 'Em',
      email: 'ida.idem@example.com',
      idempotencyKey: 'create-ida',
    };
    const created = await t.ok(CREATE, { input: person });
    expect(await t.ok(CREATE, { input: person })).toEqual(created);
    expect(await count(`customers where email = 'ida.idem@example.com'`, [])).toBe(1);
    const customerId = created.createCustomer.id;

    const FEEDBACK = `mutation($input: RecordFeedbackInput!) { recordFeedback(input: $input) { id score givenAt } }`;
    const feedback = { customerId, kind: 'NPS', score: 9, idempotencyKey: 'fb-1' };
    expect(await t.ok(FEEDBACK, { input: feedback })).toEqual(
      await t.ok(FEEDBACK, { input: feedback }),
    );

    const LOG = `mutation($input: LogCommunicationInput!) { logCommunication(input: $input) { id occurredAt } }`;
    const contact = {
      customerId,
      channel: 'EMAIL',
      direction: 'OUTBOUND',
      purpose: 'SUPPORT',
      idempotencyKey: 'log-1',
    };
    expect(await t.ok(LOG, { input: contact })).toEqual(await t.ok(LOG, { input: contact }));

    const order = await recordOrder(t, customerId, {
      lines: [{ sku: 'IDEM', quantity: 2, unitPrice: '10.00' }],
    });
    const RETURN = `mutation($input: RecordReturnInput!) { recordReturn(input: $input) { id status refunded { amount } } }`;
    const ret = {
      orderId: order.id,
      lines: [{ orderLineId: order.lines[0].id, quantity: 1 }],
      idempotencyKey: 'ret-1',
    };
    const returned = await t.ok(RETURN, { input: ret });
    expect(await t.ok(RETURN, { input: ret })).toEqual(returned);
    expect(await count('order_returns where order_id = $1', [order.databaseId])).toBe(1);
    expect(
      await count(
        `feedback f join idempotency_keys k on k.customer_id = f.customer_id where k.key = 'fb-1'`,
        [],
      ),
    ).toBe(1);
    expect(
      await count(
        `communications c join idempotency_keys k on k.customer_id = c.customer_id where k.key = 'log-1'`,
        [],
      ),
    ).toBe(1);
  });

  it('createApiKey returns the same key on a retry, and stores it encrypted', async () => {
    const CREATE_KEY = `mutation($key: String) { createApiKey(name: "idem partner", scopes: ["customers:read"], idempotencyKey: $key) { key apiKey { id } } }`;
    const first = await t.ok(CREATE_KEY, { key: 'key-1' });
    expect(await t.ok(CREATE_KEY, { key: 'key-1' })).toEqual(first);
    expect(await count(`api_keys where name = 'idem partner'`, [])).toBe(1);
    const [row] = await t.sql(
      `select customer_id, result::text as result from idempotency_keys where key = 'key-1'`,
    );
    expect(row.customer_id).toBeNull();
    expect(row.result).not.toContain(first.createApiKey.key.split('_')[2]);
    expect(
      (await t.gql('{ customers(first: 1) { totalCount } }', {}, first.createApiKey.key)).errors,
    ).toBeUndefined();
  });
});
