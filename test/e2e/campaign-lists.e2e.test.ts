import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

/**
 * Campaign-ready lists: each row of a base-wide list names its customer, read through the customer loader (the
 * statements of a page do not grow with it), with the customer's personal fields under their own checks; and
 * node(id:) / nodes(ids:) take a bare UUID as well as a global id. Production mode, as a campaign tool sees it.
 */
let t: TestApp;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const day = (offset: number) => ago(-offset).slice(0, 10);
const REGULARS = 12;
const regulars: { id: string; databaseId: string }[] = [];
let orderOfFirst: { id: string; databaseId: string };

beforeAll(async () => {
  t = await startTestApp({ nodeEnv: 'production' });
  await createProducts(t, [{ sku: 'BEANS', category: 'coffee', unitPrice: '9.00' }]);
  for (let i = 0; i < REGULARS; i++) {
    // A 60-day coffee cycle, due in two days; signed up two years ago the day after tomorrow (an anniversary soon).
    const signup = new Date(Date.now() + 2 * DAY);
    signup.setUTCFullYear(signup.getUTCFullYear() - 2);
    const customer = await createCustomer(t, {
      signupAt: signup.toISOString(),
      consents: [{ channel: 'EMAIL', granted: true, source: 'checkout', occurredAt: ago(400) }],
    });
    regulars.push(customer);
    for (const days of [238, 178, 118, 58]) {
      const order = await recordOrder(t, customer.id, {
        placedAt: ago(days),
        lines: [{ sku: 'BEANS', quantity: 1, unitPrice: '9.00' }],
      });
      if (i === 0 && !orderOfFirst) orderOfFirst = order;
    }
  }
});
afterAll(async () => {
  await t.close();
});

const REPLENISHMENT = (first: number, customer = 'id databaseId familyName') =>
  `{ replenishmentDue(from: "${day(0)}", to: "${day(5)}", first: ${first}) { nodes { sku dueDate customer { ${customer} } } } }`;
const MOMENTS = (first: number) =>
  `{ upcomingMoments(days: 7, first: ${first}) { nodes { kind date customer { id databaseId } } } }`;
const ACTIONS = (first: number) =>
  `{ nextBestActions(kind: REORDER_REMINDER, dueFrom: "${day(0)}", dueTo: "${day(5)}", first: ${first}) { nodes { kind customer { id databaseId } } } }`;

describe('every base-wide list names its customer', () => {
  // The bound: the key check, the list's own reads (scoring the base reads every module for nextBestActions), one
  // batch of customers, the audit row.
  it.each([
    ['replenishmentDue', REPLENISHMENT, 6],
    ['upcomingMoments', MOMENTS, 6],
    ['nextBestActions', ACTIONS, 25],
  ])(
    '%s: each row with its customer, and the page costs the same statements at 2 rows as at 12',
    async (field, query, bound) => {
      const small = await t.gql(query(2));
      const large = await t.gql(query(REGULARS));
      expect(small.errors).toBeUndefined();
      expect(large.errors).toBeUndefined();
      const rows = large.data[field].nodes as { customer: { id: string; databaseId: string } }[];
      expect(rows).toHaveLength(REGULARS);
      expect(new Set(rows.map((r) => r.customer.databaseId))).toEqual(
        new Set(regulars.map((c) => c.databaseId)),
      );
      for (const row of rows)
        expect(regulars).toContainEqual({
          id: row.customer.id,
          databaseId: row.customer.databaseId,
        });
      // One batch of customers for the page, whatever its size (an N+1 would add ten statements here).
      expect(large.statements).toBe(small.statements);
      expect(large.statements).toBeLessThanOrEqual(bound);
    },
  );

  it('the customer’s personal fields keep their checks: without pii:read they are null with FORBIDDEN', async () => {
    const key = await t.keyWith(['customers:read', 'orders:read']);
    const res = await t.gql(REPLENISHMENT(3, 'id familyName email'), undefined, key);
    expect(res.status).toBe(200);
    expect(res.data.replenishmentDue.nodes).toHaveLength(3);
    for (const row of res.data.replenishmentDue.nodes)
      expect(row.customer).toEqual({ id: expect.any(String), familyName: null, email: null });
    expect(new Set(res.errors!.map((e) => e.extensions.code))).toEqual(new Set(['FORBIDDEN']));
    expect(res.errors!.every((e) => e.path![3] === 'customer')).toBe(true);
    const withPii = await t.gql(
      REPLENISHMENT(3, 'id familyName email'),
      undefined,
      await t.keyWith(['customers:read', 'orders:read', 'pii:read']),
    );
    expect(withPii.errors).toBeUndefined();
    expect(withPii.data.replenishmentDue.nodes[0].customer.email).toMatch(/@example\.com$/);
  });

  it('a key without customers:read gets the rows, and FORBIDDEN for their customer', async () => {
    const res = await t.gql(REPLENISHMENT(1, 'id'), undefined, await t.keyWith(['orders:read']));
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      replenishmentDue: { nodes: [expect.objectContaining({ sku: 'BEANS', customer: null })] },
    });
    expect(res.errors!.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });

  it('a customer’s own rows name it too', async () => {
    const { customer } = await t.ok(
      `query($id: ID!) { customer(id: $id) { id replenishment { customer { id } } moments { customer { id } } } }`,
      { id: regulars[0].id },
    );
    expect(customer.replenishment).toEqual([{ customer: { id: regulars[0].id } }]);
    expect(customer.moments).toContainEqual({ customer: { id: regulars[0].id } });
  });
});

describe('node and nodes by UUID', () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Customer { databaseId } ... on Order { databaseId } } }`;
  const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;

  it('a UUID finds the object whatever its type, as its global id does; one that exists nowhere is null', async () => {
    const customer = await t.ok(NODE, { id: regulars[0].databaseId });
    expect(customer.node).toEqual({
      __typename: 'Customer',
      id: regulars[0].id,
      databaseId: regulars[0].databaseId,
    });
    expect((await t.ok(NODE, { id: regulars[0].databaseId.toUpperCase() })).node.id).toBe(
      regulars[0].id,
    );
    const order = await t.ok(NODE, { id: orderOfFirst.databaseId });
    expect(order.node).toEqual({
      __typename: 'Order',
      id: orderOfFirst.id,
      databaseId: orderOfFirst.databaseId,
    });
    expect((await t.ok(NODE, { id: '00000000-0000-4000-8000-000000000000' })).node).toBeNull();
    const bad = await t.gql(NODE, { id: 'not-an-id' });
    expect(bad.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('nodes mixes global ids and UUIDs in the order given, at one statement per node type however many', async () => {
    const ids = [
      regulars[1].id,
      orderOfFirst.databaseId,
      '00000000-0000-4000-8000-000000000000',
      regulars[2].databaseId,
    ];
    const res = await t.gql(NODES, { ids });
    expect(res.errors).toBeUndefined();
    expect(res.data.nodes).toEqual([
      { __typename: 'Customer', id: regulars[1].id },
      { __typename: 'Order', id: orderOfFirst.id },
      null,
      { __typename: 'Customer', id: regulars[2].id },
    ]);
    const few = await t.gql(NODES, { ids: regulars.slice(0, 2).map((c) => c.databaseId) });
    const many = await t.gql(NODES, { ids: regulars.map((c) => c.databaseId) });
    expect(many.data.nodes.map((n: { id: string }) => n.id)).toEqual(regulars.map((c) => c.id));
    expect(many.statements).toBe(few.statements);
  });

  it('a UUID of a type the key may not read is null (never looked for), while its global id is FORBIDDEN', async () => {
    const key = await t.keyWith(['customers:read']);
    const byUuid = await t.gql(NODE, { id: orderOfFirst.databaseId }, key);
    expect(byUuid.errors).toBeUndefined();
    expect(byUuid.data.node).toBeNull();
    expect((await t.gql(NODE, { id: regulars[0].databaseId }, key)).data.node.id).toBe(
      regulars[0].id,
    );
    const byGlobalId = await t.gql(NODE, { id: orderOfFirst.id }, key);
    expect(byGlobalId.errors![0].extensions.code).toBe('FORBIDDEN');
  });
});
