import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';
import { seedDemoData } from '../../src/seed/seed';
import { CUSTOMER_PAGE_QUERY } from '../../bench/customer-page-query';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemoData(t.database.db, t.database.config, { customers: 60, currency: 'USD' });
});
afterAll(async () => {
  await t.close();
});

describe('the customer page', () => {
  it('loads 50 whole customers with a constant number of SQL statements, whatever the page size', async () => {
    const small = await t.gql(CUSTOMER_PAGE_QUERY, { first: 10 });
    const large = await t.gql(CUSTOMER_PAGE_QUERY, { first: 50 });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data.customers.edges).toHaveLength(50);
    // One statement per loader batch: the list and its count, identifiers, consents, order and feedback totals, each
    // nested page and its count (orders, feedback, communications, ledger, and the timeline's five sources at its own
    // page size), lines, returns, products, linked orders and complaints, the loyalty program, tiers, balances, spend,
    // stored tiers and movements, and the API key lookup (plus its last-used stamp at most once a minute): 36 at most for this query, for 10 or 50 customers (fewer when no customer on the page has, say,
    // a linked complaint). An N+1 would add statements per customer.
    expect(small.statements).toBeLessThanOrEqual(36);
    expect(large.statements).toBeLessThanOrEqual(36);
    const withOrders = large.data.customers.edges.filter((e: any) => e.node.summary.orderCount > 0);
    expect(withOrders.length).toBeGreaterThan(30);
  });

  it('merges the timeline newest first and pages through it without gaps or repeats', async () => {
    const top = await t.ok(
      `{ customers(first: 1, orderBy: { field: TOTAL_SPENT, direction: DESC }) { nodes { id timeline(first: 100) { totalCount nodes { kind occurredAt subject { ... on Node { id } } } } } } }`,
    );
    const customer = top.customers.nodes[0];
    const all = customer.timeline.nodes;
    expect(all.length).toBe(Math.min(100, customer.timeline.totalCount));
    expect(new Set(all.map((e: any) => e.kind)).size).toBeGreaterThanOrEqual(3);
    const times = all.map((e: any) => Date.parse(e.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const paged: string[] = [];
    let after: string | null = null;
    while (paged.length < all.length) {
      const page: any = await t.ok(
        `query($id: ID!, $after: String) { customer(id: $id) { timeline(first: 7, after: $after) { pageInfo { hasNextPage endCursor } nodes { subject { ... on Node { id } } } } } }`,
        { id: customer.id, after },
      );
      paged.push(...page.customer.timeline.nodes.map((n: any) => n.subject.id));
      if (!page.customer.timeline.pageInfo.hasNextPage) break;
      after = page.customer.timeline.pageInfo.endCursor;
    }
    expect(paged.slice(0, all.length)).toEqual(all.map((e: any) => e.subject.id));
    const onlyOrders = await t.ok(
      `query($id: ID!) { customer(id: $id) { timeline(first: 50, kinds: [ORDER]) { nodes { kind } } } }`,
      { id: customer.id },
    );
    expect(new Set(onlyOrders.customer.timeline.nodes.map((n: any) => n.kind))).toEqual(
      new Set(['ORDER']),
    );
  });

  it('shows returns, complaints and refunds in the timeline as they happened', async () => {
    const { id } = await createCustomer(t);
    const order = await recordOrder(t, id, { gross: '30.00', placedAt: '2026-01-01T10:00:00Z' });
    await t.ok(
      `mutation { upsertProducts(products: [{ sku: "T-1", name: "T", category: "c", unitPrice: "10.00" }]) { id } }`,
    );
    const withLine = await recordOrder(t, id, {
      placedAt: '2026-01-02T10:00:00Z',
      lines: [{ sku: 'T-1', quantity: 2, unitPrice: '10.00' }],
    });
    await t.ok(
      `mutation($o: ID!, $l: ID!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 1 }], returnedAt: "2026-01-05T00:00:00Z", reason: "too big" }) { id } }`,
      { o: withLine.id, l: withLine.lines[0].id },
    );
    await t.ok(
      `mutation($id: ID!) { recordFeedback(input: { customerId: $id, kind: COMPLAINT, comment: "too big", givenAt: "2026-01-06T00:00:00Z" }) { id } }`,
      { id },
    );
    // The demo's earning rules make these orders earn and the return take points back; those LOYALTY events are not asserted here.
    const data = await t.ok(
      `query($id: ID!) { customer(id: $id) { timeline(first: 10, kinds: [FEEDBACK, RETURN, ORDER]) { totalCount nodes { kind title } } } }`,
      { id },
    );
    expect(data.customer.timeline.nodes.map((n: any) => n.kind)).toEqual([
      'FEEDBACK',
      'RETURN',
      'ORDER',
      'ORDER',
    ]);
    expect(data.customer.timeline.nodes[1].title).toBe(
      'Returned 1 item, refund 10.00 USD: too big',
    );
    expect(data.customer.timeline.totalCount).toBe(4);
    void order;
  });
});

describe('node and nodes', () => {
  it('fetches any object by global id, null for unknown ids, and rejects malformed ones', async () => {
    const data =
      await t.ok(`{ customers(first: 1, orderBy: { field: TOTAL_SPENT, direction: DESC }) { nodes { id orders(first: 1) { nodes { id lines { product { id } } } }
      feedback(first: 1) { nodes { id } } communications(first: 1) { nodes { id } } loyalty { ledger(first: 1) { nodes { id } } } } } }`);
    const c = data.customers.nodes[0];
    const ids = [
      c.id,
      c.orders.nodes[0].id,
      c.orders.nodes[0].lines[0].product.id,
      c.feedback.nodes[0]?.id,
      c.communications.nodes[0].id,
      c.loyalty.ledger.nodes[0].id,
    ].filter(Boolean);
    const res = await t.ok(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(res.nodes.map((n: any) => n.id)).toEqual(ids);
    expect(res.nodes.map((n: any) => n.__typename)).toEqual(
      expect.arrayContaining([
        'Customer',
        'Order',
        'Product',
        'Communication',
        'LoyaltyLedgerEntry',
      ]),
    );
    // The same objects by their bare UUIDs, whatever their type (README: ids accept either).
    const uuids = ids.map(
      (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1],
    );
    expect(
      (await t.ok(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: uuids }))
        .nodes,
    ).toEqual(res.nodes);
    const one = await t.ok(`query($id: ID!) { node(id: $id) { ... on Customer { fullName } } }`, {
      id: c.id,
    });
    expect(one.node.fullName).toBeTruthy();
    const unknown = Buffer.from('Order:00000000-0000-4000-8000-000000000000').toString('base64url');
    expect(
      (await t.ok(`query($id: ID!) { node(id: $id) { id } }`, { id: unknown })).node,
    ).toBeNull();
    const bad = await t.gql(`{ node(id: "nonsense") { id } }`);
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const tooMany = await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: Array(101).fill(c.id),
    });
    expect(tooMany.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('errors', () => {
  it('answers a syntax error with 400 and GRAPHQL_PARSE_FAILED, an unknown field without suggestions', async () => {
    const syntax = await request(t.app.app)
      .post('/graphql')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ query: '{ customers(' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = await request(t.app.app)
      .post('/graphql')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ query: '{ customer(id: "x") { emial } }' });
    expect(unknown.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(unknown.body.errors[0].message).not.toMatch(/Did you mean/);
  });

  it('never shows SQL, stack traces or file paths to a client', async () => {
    const res = await request(t.app.app)
      .post('/graphql')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({
        query:
          '{ customers(first: 5, filter: { totalSpentMin: "99999999999999999" }) { totalCount } }',
      });
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/select|stack|\/work\/|node_modules|QueryFailedError/i);
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('bounds every statement with statement_timeout', async () => {
    const [{ statement_timeout }] = await t.sql('show statement_timeout');
    expect(statement_timeout).toBe(`${t.database.config.dbStatementTimeoutMs / 1000}s`);
  });
});
