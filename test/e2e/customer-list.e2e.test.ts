import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

let t: TestApp;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  await createProducts(t, [{ sku: 'P1', unitPrice: '10.00' }]);
  const people = [
    {
      key: 'ana',
      givenName: 'Ana',
      familyName: 'Anić',
      country: 'HR',
      tags: ['vip', 'coffee'],
      signupAt: '2024-01-10T00:00:00Z',
      spend: ['100.00', '20.00'],
      lastOrder: daysAgo(30),
    },
    {
      key: 'bob',
      givenName: 'Bob',
      familyName: 'Brown',
      country: 'US',
      tags: ['coffee'],
      signupAt: '2024-02-10T00:00:00Z',
      spend: ['5.00'],
      lastOrder: '2025-01-01T12:00:00Z',
    },
    {
      key: 'cleo',
      givenName: 'Cleo',
      familyName: 'Clark',
      country: 'US',
      tags: [],
      signupAt: '2024-03-10T00:00:00Z',
      spend: [],
      lastOrder: null,
    },
    {
      key: 'dora',
      givenName: 'Dora',
      familyName: 'Dukić',
      country: 'HR',
      tags: ['vip'],
      signupAt: '2024-04-10T00:00:00Z',
      spend: ['300.00'],
      lastOrder: daysAgo(90),
    },
    {
      key: 'emil',
      givenName: 'Emil',
      familyName: 'Eder',
      country: 'DE',
      tags: [],
      signupAt: '2024-05-10T00:00:00Z',
      spend: ['40.00'],
      lastOrder: '2024-12-01T12:00:00Z',
    },
  ];
  for (const p of people) {
    const { id } = await createCustomer(t, {
      givenName: p.givenName,
      familyName: p.familyName,
      country: p.country,
      tags: p.tags,
      signupAt: p.signupAt,
      email: `${p.key}@shop.test`,
    });
    ids[p.key] = id;
    for (const [i, amount] of p.spend.entries()) {
      const placedAt = i === p.spend.length - 1 ? p.lastOrder : '2024-06-01T12:00:00Z';
      await recordOrder(t, id, { gross: amount, placedAt });
    }
  }
  await t.ok(
    `mutation($id: ID!) { recordFeedback(input: { customerId: $id, kind: COMPLAINT, comment: "late" }) { id } }`,
    { id: ids.bob },
  );
  await t.ok(`mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: SPEND_12M, tiers: [
    { code: "BASIC", name: "Basic", threshold: "0" }, { code: "GOLD", name: "Gold", threshold: "250.00" }] }) { name } }`);
});
afterAll(async () => {
  await t.close();
});

const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter, $orderBy: CustomerOrder) {
  customers(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id givenName } } } }`;

const names = (data: any) => data.customers.edges.map((e: any) => e.node.givenName);

describe('customers query', () => {
  it.each([
    [{ search: 'dUK' }, ['Dora']],
    [{ search: 'bob@shop' }, ['Bob']],
    [{ tags: ['vip', 'coffee'] }, ['Ana']],
    [{ countries: ['us'] }, ['Bob', 'Cleo']],
    [
      { signedUpFrom: '2024-02-01T00:00:00Z', signedUpBefore: '2024-04-01T00:00:00Z' },
      ['Bob', 'Cleo'],
    ],
    [{ lastOrderFrom: '2025-01-01T00:00:00Z' }, ['Ana', 'Bob', 'Dora']],
    [{ lastOrderBefore: '2025-01-01T00:00:00Z' }, ['Emil']],
    [{ totalSpentMin: '40.00', totalSpentMax: '120.00' }, ['Ana', 'Emil']],
    [{ hasOpenComplaint: true }, ['Bob']],
    [{ hasOpenComplaint: false, countries: ['US'] }, ['Cleo']],
    [{ loyaltyTier: 'GOLD' }, ['Dora']],
  ])('filters by %j', async (filter, expected) => {
    const data = await t.ok(LIST, {
      first: 10,
      filter,
      orderBy: { field: 'NAME', direction: 'ASC' },
    });
    expect(names(data)).toEqual(expected);
    expect(data.customers.totalCount).toBe(expected.length);
  });

  it.each([
    ['NAME', 'ASC', ['Ana', 'Bob', 'Cleo', 'Dora', 'Emil']],
    ['SIGNUP_DATE', 'DESC', ['Emil', 'Dora', 'Cleo', 'Bob', 'Ana']],
    ['LAST_ORDER_DATE', 'DESC', ['Ana', 'Dora', 'Bob', 'Emil', 'Cleo']],
    ['TOTAL_SPENT', 'DESC', ['Dora', 'Ana', 'Emil', 'Bob', 'Cleo']],
    ['TOTAL_SPENT', 'ASC', ['Cleo', 'Bob', 'Emil', 'Ana', 'Dora']],
  ])(
    'orders by %s %s and pages through every customer once, forwards and backwards',
    async (field, direction, expected) => {
      const orderBy = { field, direction };
      const forward: string[] = [];
      let after: string | null = null;
      for (;;) {
        const data: any = await t.ok(LIST, { first: 2, after, orderBy });
        forward.push(...names(data));
        if (!data.customers.pageInfo.hasNextPage) break;
        after = data.customers.pageInfo.endCursor;
      }
      expect(forward).toEqual(expected);
      const backward: string[] = [];
      let before: string | null = null;
      for (;;) {
        const data: any = await t.ok(LIST, { last: 2, before, orderBy });
        backward.unshift(...names(data));
        if (!data.customers.pageInfo.hasPreviousPage) break;
        before = data.customers.pageInfo.startCursor;
      }
      expect(backward).toEqual(expected);
    },
  );

  it('rejects page sizes outside 1–100, foreign cursors and bad amounts with BAD_USER_INPUT', async () => {
    for (const variables of [
      { first: 0 },
      { first: 101 },
      { first: 2, last: 2 },
      { first: 2, after: 'garbage' },
      { first: 2, filter: { totalSpentMin: '1,5' } },
    ]) {
      const res = await t.gql(LIST, variables);
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const page = await t.ok(LIST, { first: 1, orderBy: { field: 'NAME', direction: 'ASC' } });
    const foreign = await t.gql(LIST, {
      first: 1,
      after: page.customers.pageInfo.endCursor,
      orderBy: { field: 'TOTAL_SPENT', direction: 'ASC' },
    });
    expect(foreign.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('reads incrementally with updatedSince', async () => {
    const mark = new Date(Date.now() - 1000).toISOString();
    await new Promise((r) => setTimeout(r, 1100));
    await t.ok(`mutation($id: ID!) { updateCustomer(id: $id, input: { city: "Rijeka" }) { id } }`, {
      id: ids.cleo,
    });
    const data = await t.ok(LIST, {
      first: 10,
      filter: { updatedSince: new Date(Date.parse(mark) + 1000).toISOString() },
    });
    expect(names(data)).toEqual(['Cleo']);
  });
});
