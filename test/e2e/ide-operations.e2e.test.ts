import request from 'supertest';
import { GraphQLSchema, parse, validate } from 'graphql';
import { startTestApp, TestApp } from '../support/test-app';
import { seedDemoData } from '../../src/seed/seed';
import { createResolvers } from '../../src/container';
import { createSchema } from '../../src/schema';
import { ideOperations } from '../../src/ide-query';
import { DEMO_KEY_SCOPES } from '../../src/demo-key';
import { createApp } from '../../src/app';

let t: TestApp;
let schema: GraphQLSchema;
let demoKey: string;
const operations = () =>
  ideOperations({ currency: t.database.config.shopCurrency, now: new Date() });
const run = (name: string, variables?: Record<string, unknown>) => {
  const op = operations().find((o) => o.name === name)!;
  return t.gql(
    op.query,
    variables ?? (op.variables ? JSON.parse(op.variables) : undefined),
    demoKey,
  );
};

beforeAll(async () => {
  t = await startTestApp();
  await seedDemoData(t.database.db, t.database.config, {
    customers: 120,
    currency: t.database.config.shopCurrency,
  });
  schema = await createSchema(createResolvers(t.database.config, t.app.services));
  demoKey = await t.keyWith(DEMO_KEY_SCOPES);
});
afterAll(async () => {
  await t.close();
});

describe('GraphiQL ready operations', () => {
  it('are one named operation each, valid against the schema, with variables that parse', () => {
    const ops = operations();
    expect(ops.map((o) => o.name)).toEqual([
      'CustomerPage',
      'CustomerList',
      'RecordOrder',
      'LoyaltyProgram',
    ]);
    for (const op of ops) {
      const document = parse(op.query);
      expect(
        document.definitions.map((d) => d.kind === 'OperationDefinition' && d.name?.value),
      ).toEqual([op.name]);
      expect(validate(schema, document).map((e) => e.message)).toEqual([]);
      if (op.variables) expect(JSON.parse(op.variables)).toEqual(expect.any(Object));
    }
  });

  it('open a customer page with profile, metrics, orders and loyalty, using the demo key’s scopes', async () => {
    const res = await run('CustomerPage');
    expect(res.errors).toBeUndefined();
    const [customer] = res.data.customers.nodes;
    expect(customer.fullName).toEqual(expect.any(String));
    expect(customer.metrics.rfm.segment).toEqual(expect.any(String));
    expect(customer.orders.nodes.length).toBeGreaterThan(0);
    expect(customer.loyalty.ledger.nodes.length).toBeGreaterThan(0);
  });

  it('page a filtered list by cursor without repeats', async () => {
    const first = await run('CustomerList', {
      first: 3,
      filter: { countries: ['HR', 'SI', 'AT'] },
    });
    expect(first.errors).toBeUndefined();
    const page = first.data.customers;
    expect(page.totalCount).toBeGreaterThan(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges.every((e: any) => ['HR', 'SI', 'AT'].includes(e.node.country))).toBe(true);
    const next = await run('CustomerList', {
      first: 3,
      after: page.pageInfo.endCursor,
      filter: { countries: ['HR', 'SI', 'AT'] },
    });
    expect(next.errors).toBeUndefined();
    const seen = new Set(page.edges.map((e: any) => e.node.id));
    expect(next.data.customers.edges.filter((e: any) => seen.has(e.node.id))).toEqual([]);
    expect((await run('CustomerList')).errors).toBeUndefined();
  });

  it('record an order with their default variables, which earns points, and the second run changes nothing', async () => {
    const op = operations().find((o) => o.name === 'RecordOrder')!;
    const variables = JSON.parse(op.variables!);
    const recorded = await t.gql(op.query, variables, demoKey);
    expect(recorded.errors).toBeUndefined();
    const { created, order } = recorded.data.recordOrder;
    expect(created).toBe(true);
    // 2 × 24.90 coffee at double points, 3.90 of filters (coffee accessories) at single: 99.6 + 3.9 points.
    expect(order.customer.loyalty.ledger.nodes[0]).toMatchObject({
      kind: 'EARN',
      points: 103,
      reason: expect.stringContaining(variables.input.externalRef),
    });
    const again = await t.gql(op.query, variables, demoKey);
    expect(again.data.recordOrder.created).toBe(false);
    expect(again.data.recordOrder.order.customer.loyalty.balance).toBe(
      order.customer.loyalty.balance,
    );
  });

  it('show the loyalty program and its earning rules', async () => {
    const res = await run('LoyaltyProgram');
    expect(res.errors).toBeUndefined();
    expect(res.data.loyaltyProgram.tiers.length).toBeGreaterThan(1);
    expect(res.data.loyaltyRules[0].pointsPerUnit).toBe(1);
  });

  it('are in the page as its tabs, with the key in each tab’s headers', async () => {
    const app = await createApp(t.database.config, t.database.db, {
      ideKey: 'c360_demo_key_in_page',
    });
    try {
      const page = await request(app.app)
        .get('/graphql')
        .set('accept', 'text/html')
        .set('accept-encoding', 'identity');
      expect(page.status).toBe(200);
      for (const name of ['CustomerPage', 'CustomerList', 'RecordOrder', 'LoyaltyProgram'])
        expect(page.text).toMatch(new RegExp(`(query|mutation) ${name}\\b`));
      expect(page.text).toContain('defaultTabs');
      expect(page.text).toContain('c360_demo_key_in_page');
    } finally {
      await app.stop();
    }
  });
});
