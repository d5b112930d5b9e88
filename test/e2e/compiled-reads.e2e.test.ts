import request from 'supertest';
import { GraphQLObjectType } from 'graphql';
import { createApp, App } from '../../src/app';
import { openDatabase } from '../../src/db/data-source';
import { ReplicatedDataSource } from '../../src/db/replicated-data-source';
import { seedDemoData } from '../../src/seed/seed';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';
import { amountSql } from '../../src/compiled-reads';
import { currencyExponent, money } from '../../src/common/money';
import { createCompiledReads, createResolvers } from '../../src/container';
import { createSchema } from '../../src/schema';
import {
  fieldSelection,
  projectedSelections,
  routesFromCustomer,
} from '../support/schema-selections';
import { itIf, postgres } from '../support/requirements';

/**
 * The compiled reads must answer exactly as the resolvers do. One database, two apps: the default one
 * (COMPILED_READS on) and one with every query on the resolvers; each query goes to both and the bodies are
 * compared whole. Each case also checks which path answered, from the server's own counter. The selections of
 * whole customers are generated from the schema and the projections (see schema-selections.ts): every projected
 * field, and every way an `object` projection can read it; the resolver-only fields are checked to go to the
 * resolvers.
 */
let t: TestApp;
let resolvers: App;
/** Customer selections with every projected field, one per projection alternative (the first reads the roll-up). */
let WHOLE: string[];
let PAGE: string;
let leftToResolvers: { field: string; query: string }[];

beforeAll(async () => {
  t = await startTestApp();
  resolvers = await createApp({ ...t.database.config, compiledReads: false }, t.database.db);
  const schema = await createSchema(createResolvers(t.database.config, t.app.services));
  const { projections, resolverOnly } = createCompiledReads(
    t.database.config,
    t.database.db.dataSource,
    t.app.services,
  );
  WHOLE = projectedSelections(schema, projections, 'Customer');
  PAGE = WHOLE[0];
  const routes = routesFromCustomer(schema, projections);
  leftToResolvers = Object.entries(resolverOnly).flatMap(([type, fields]) =>
    Object.keys(fields).map((name) => {
      // One level below the field is enough to see who answers; the statement guard goes deeper.
      const field =
        fieldSelection(
          schema,
          (schema.getType(type) as GraphQLObjectType).getFields()[name],
          [type],
          5,
        ) ?? name;
      return {
        field: `${type}.${name}`,
        query: `{ customers(first: 5) { nodes { id ${routes.get(type)!(`__typename ${field}`)} } } }`,
      };
    }),
  );
  await seedDemoData(t.database.db, t.database.config, { customers: 40, currency: 'USD' });
  // Edge cases the seed does not make: no name at all, timestamps with microseconds, a line without a product.
  const { id } = await createCustomer(t, {
    givenName: null,
    familyName: '',
    email: null,
    country: 'HR',
    tags: ['vip', 'b2b'],
    attributes: { tier: 'x', n: 2 },
    consents: [
      { channel: 'SMS', granted: true, source: 'store', occurredAt: '2025-01-01T00:00:00Z' },
      { channel: 'EMAIL', granted: true, source: 'checkout', occurredAt: '2025-01-02T00:00:00Z' },
    ],
  });
  // A later withdrawal: the current consent is the latest event per channel.
  await t.ok(
    `mutation($id: ID!) { updateCustomer(id: $id, input: { consents: [{ channel: EMAIL, granted: false, source: "preference centre", occurredAt: "2025-06-01T10:00:00.5Z" }] }) { id } }`,
    { id },
  );
  const order = await recordOrder(t, id, { gross: '19.99', placedAt: '2026-03-01T10:00:00Z' });
  await t.sql(`update orders set placed_at = '2026-03-01 10:00:00.123999+00' where id = $1`, [
    order.databaseId,
  ]);
  // The order roll-up on the customer row follows, as the order writer would keep it.
  await t.sql(
    `update customers set signup_at = '2020-02-29 23:59:59.999999+00', birth_date = '1990-07-04', name_day_month = 7, name_day_day = 4,
    first_order_at = (select min(placed_at) from orders where customer_id = $1), last_order_at = (select max(placed_at) from orders where customer_id = $1)
    where id = $1`,
    [Buffer.from(id, 'base64url').toString().split(':')[1]],
  );
});
afterAll(async () => {
  await resolvers.stop();
  await t.close();
});

async function compiledCount(): Promise<number> {
  const res = await request(t.app.app).get('/metrics').set('authorization', `Bearer ${t.adminKey}`);
  return Number(/^graphql_compiled_requests_total (\d+)/m.exec(res.text)?.[1] ?? 0);
}

async function post(app: App, query: string, variables: Record<string, unknown>, key: string) {
  const res = await request(app.app)
    .post('/graphql')
    .set('authorization', `Bearer ${key}`)
    .send({ query, variables });
  // Each app has a rate-limit bucket of its own, refilling with time: what is left differs, not what was charged.
  if (res.body.extensions?.cost) delete res.body.extensions.cost.currentlyAvailable;
  return { status: res.status, body: res.body };
}

/** CustomerMetrics figures stamped with the request's own clock: two requests differ by the milliseconds between them. */
const CLOCK_FIELDS = new Set(['computedAt', 'expectedNextOrderAt']);
const withoutClock = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutClock)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value).map(([k, v]) => [
            k,
            CLOCK_FIELDS.has(k) ? typeof v : withoutClock(v),
          ]),
        )
      : value;

/** Runs the query on both paths; returns the body, after checking they agree and which path answered. */
async function both(
  query: string,
  variables: Record<string, unknown> = {},
  options: { compiled?: boolean; key?: string } = {},
) {
  const key = options.key ?? t.adminKey;
  const before = await compiledCount();
  const fast = await post(t.app, query, variables, key);
  const after = await compiledCount();
  const slow = await post(resolvers, query, variables, key);
  expect(withoutClock(fast)).toEqual(withoutClock(slow));
  expect(after - before).toBe(options.compiled === false ? 0 : 1);
  return fast.body;
}

describe('compiled reads answer as the resolvers do', () => {
  it('a page of 50 customers with orders, lines, feedback, communications, loyalty and summary', async () => {
    const body = await both(
      `query($c: String!) { customers(first: 50, filter: { countries: [$c] }, orderBy: { field: SIGNUP_DATE, direction: DESC }) { nodes { ${PAGE} } } }`,
      { c: 'US' },
    );
    expect(body.data.customers.nodes.length).toBeGreaterThan(0);
    const all = await both(`{ customers(first: 100) { totalCount nodes { ${PAGE} } } }`);
    expect(
      all.data.customers.nodes.some((n: any) =>
        n.orders.nodes.some((o: any) => o.lines.length > 0),
      ),
    ).toBe(true);
    expect(all.data.customers.nodes.some((n: any) => n.feedback.nodes.length > 0)).toBe(true);
  });

  it('every field it projects, each way it can read it, including names, dates, tags, attributes and money in detail', async () => {
    expect(WHOLE.length).toBeGreaterThan(1);
    for (const selection of WHOLE.slice(1)) {
      const page = await both(
        `{ customers(first: 100, orderBy: { field: NAME }) { nodes { ${selection} } } }`,
      );
      expect(
        page.data.customers.nodes.some((n: any) =>
          n.orders.nodes.some((o: any) => o.lines.some((l: any) => l.product)),
        ),
      ).toBe(true);
    }
    const body = await both(
      `{ customers(first: 100, orderBy: { field: NAME }) { nodes { ${WHOLE[0]} } } }`,
    );
    const nameless = body.data.customers.nodes.find((n: any) => n.fullName === null);
    expect(nameless).toMatchObject({
      nameDay: { month: 7, day: 4 },
      birthDate: '1990-07-04',
      signupAt: '2020-02-29T23:59:59.999Z',
      tags: ['vip', 'b2b'],
    });
    expect(nameless.consents.map((c: any) => [c.channel, c.granted])).toEqual([
      ['EMAIL', false],
      ['SMS', true],
    ]);
    const [{ stored }] = await t.sql(
      `select placed_at as stored from orders where external_ref = $1`,
      [nameless.orders.nodes[0].externalRef],
    );
    expect(nameless.orders.nodes[0].placedAt).toBe(stored.toISOString());
  });

  it('summary spend figures and money built in SQL alone: refunds, half-up averages, no orders, first and last orders', async () => {
    const body =
      await both(`{ customers(first: 100, orderBy: { field: TOTAL_SPENT, direction: DESC }) { nodes { id nameDay { __typename month day }
      summary { __typename orderCount netSpent { __typename amount currency minorUnits } grossSpent { amount minorUnits } refunded { amount currency }
        averageOrderValue { amount minorUnits } firstOrderAt lastOrderAt }
      orders(first: 3) { nodes { net { amount currency minorUnits } refunded { amount } lines { unitPrice { amount } refunded { minorUnits } product { unitPrice { amount currency } } } } } } } }`);
    const summaries = body.data.customers.nodes.map((n: any) => n.summary);
    expect(summaries.some((s: any) => s.refunded.amount !== '0.00')).toBe(true);
    expect(summaries.some((s: any) => s.orderCount > 1 && s.firstOrderAt !== s.lastOrderAt)).toBe(
      true,
    );
    const { id } = await createCustomer(t, {
      givenName: 'Nobody',
      familyName: 'Yet',
      country: 'SI',
    });
    const orderless = await both(
      `query($id: ID!) { customer(id: $id) { summary { orderCount netSpent { amount minorUnits } averageOrderValue { amount } firstOrderAt lastOrderAt } } }`,
      { id },
    );
    expect(orderless.data.customer.summary).toEqual({
      orderCount: 0,
      netSpent: { amount: '0.00', minorUnits: '0' },
      averageOrderValue: null,
      firstOrderAt: null,
      lastOrderAt: null,
    });
  });

  it('summary figures from the order roll-up on the customer row follow orders and returns written through the API', async () => {
    await createProducts(t, [{ sku: 'ROLL', unitPrice: '7.35' }]);
    const { id } = await createCustomer(t, {
      givenName: 'Rolled',
      familyName: 'Up',
      country: 'SI',
    });
    await recordOrder(t, id, { gross: '10.00', placedAt: '2026-01-05T08:00:00.250Z' });
    const order = await recordOrder(t, id, {
      placedAt: '2026-02-07T09:30:00Z',
      lines: [{ sku: 'ROLL', quantity: 3, unitPrice: '7.35' }],
    });
    await t.ok(`mutation($input: RecordReturnInput!) { recordReturn(input: $input) { status } }`, {
      input: { orderId: order.id, lines: [{ orderLineId: order.lines[0].id, quantity: 1 }] },
    });
    // Only roll-up figures: read from the customer row. With grossSpent: aggregated over the orders. Both as the resolvers.
    const rolled = await both(
      `query($id: ID!) { customer(id: $id) { summary { orderCount netSpent { amount } averageOrderValue { amount } firstOrderAt lastOrderAt } } }`,
      { id },
    );
    const aggregated = await both(
      `query($id: ID!) { customer(id: $id) { summary { orderCount netSpent { amount } averageOrderValue { amount } firstOrderAt lastOrderAt grossSpent { amount } } } }`,
      { id },
    );
    expect(rolled.data.customer.summary).toEqual({
      orderCount: 2,
      netSpent: { amount: '24.70' },
      averageOrderValue: { amount: '12.35' },
      firstOrderAt: '2026-01-05T08:00:00.250Z',
      lastOrderAt: '2026-02-07T09:30:00.000Z',
    });
    expect(aggregated.data.customer.summary).toEqual({
      ...rolled.data.customer.summary,
      grossSpent: { amount: '32.05' },
    });
  });

  it('amounts formatted in SQL equal money() for every currency ICU knows, whatever its decimals', async () => {
    const minors = ['0', '5', '-5', '1190', '-100001', '123456789012345678'];
    const codes = Intl.supportedValuesOf('currency');
    const rows: { code: string; minor: string; amount: string }[] = await t.sql(
      `select code, minor, ${amountSql('minor::bigint', { sql: 'code', likely: 'JPY' })} as amount from unnest($1::text[]) code, unnest($2::text[]) minor`,
      [codes, minors],
    );
    expect(rows).toHaveLength(codes.length * minors.length);
    for (const row of rows)
      expect([row.code, row.minor, row.amount]).toEqual([
        row.code,
        row.minor,
        money(row.minor, row.code).amount,
      ]);
    expect(new Set(codes.map(currencyExponent)).size).toBeGreaterThan(2);
    for (const code of ['USD', 'JPY', 'BHD']) {
      const [{ amount }] = await t.sql(`select ${amountSql('-1234', { code })} as amount`);
      expect(amount).toBe(money(-1234, code).amount);
    }
  });

  it('one customer by global id or UUID, a missing one, and several root fields at once', async () => {
    const { customers } = await t.ok(`{ customers(first: 2) { nodes { id databaseId } } }`);
    const [a, b] = customers.nodes;
    await both(`query($id: ID!) { customer(id: $id) { ${PAGE} } }`, { id: a.id });
    for (const selection of WHOLE)
      await both(`query($id: ID!) { customer(id: $id) { ${selection} } }`, {
        id: b.databaseId.toUpperCase(),
      });
    const missing = await both(`{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(missing.data.customer).toBeNull();
    await both(
      `query($a: ID!, $b: ID!) { first: customer(id: $a) { id } second: customer(id: $b) { fullName } list: customers(first: 3) { totalCount } }`,
      { a: a.id, b: b.id },
    );
  });

  it('aliases, fragments, @include and @skip, __typename', async () => {
    await both(
      `query($yes: Boolean!, $no: Boolean!) { page: customers(first: 5, orderBy: { field: TOTAL_SPENT, direction: DESC }) { __typename
        rows: nodes { ...Who key: id spend: summary { total: netSpent { value: amount } } recent: orders(first: 2) @include(if: $yes) { nodes { ... on Order { ref: externalRef } } }
          hidden: email @skip(if: $yes) shown: email @include(if: $no) } } }
      fragment Who on Customer { name: fullName land: country }`,
      { yes: true, no: false },
    );
  });

  it('a selection compiled once is reused only while the variables it reads are the same', async () => {
    const { customers } = await t.ok(
      `{ customers(first: 2, orderBy: { field: TOTAL_SPENT, direction: DESC }) { nodes { id } } }`,
    );
    const query = `query($id: ID!, $n: Int!, $withOrders: Boolean!, $kinds: [FeedbackKind!]) { customer(id: $id) { ...Page } }
      fragment Page on Customer { id fullName orders(first: $n) @include(if: $withOrders) { totalCount nodes { externalRef net { amount } } } feedback(first: 2, kinds: $kinds) { nodes { kind } } }`;
    for (const [id, n, withOrders, kinds] of [
      [customers.nodes[0].id, 1, true, null],
      [customers.nodes[1].id, 1, true, null],
      [customers.nodes[1].id, 3, true, ['NPS']],
      [customers.nodes[0].id, 3, false, ['NPS']],
      [customers.nodes[0].id, 1, true, null],
    ] as const) {
      const body = await both(query, { id, n, withOrders, kinds });
      expect(body.data.customer.id).toBe(id);
      expect(body.data.customer.orders?.nodes.length ?? 0).toBeLessThanOrEqual(withOrders ? n : 0);
      expect('orders' in body.data.customer).toBe(withOrders);
    }
  });

  it('edges, cursors and pageInfo, forwards and backwards, with filters and every sort order', async () => {
    const query = `query($after: String, $o: CustomerOrderField!, $d: SortDirection!) { customers(first: 7, after: $after, orderBy: { field: $o, direction: $d }) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id fullName } } } }`;
    for (const field of [
      'NAME',
      'SIGNUP_DATE',
      'LAST_ORDER_DATE',
      'TOTAL_SPENT',
      'UPDATED_AT',
      'PREDICTED_CLV',
    ]) {
      for (const direction of ['ASC', 'DESC']) {
        const first = await both(query, { after: null, o: field, d: direction });
        await both(query, {
          after: first.data.customers.pageInfo.endCursor,
          o: field,
          d: direction,
        });
      }
    }
    const last = await both(
      `{ customers(last: 4, orderBy: { field: SIGNUP_DATE }) { pageInfo { hasPreviousPage startCursor } nodes { id } } }`,
    );
    await both(
      `query($b: String) { customers(last: 4, before: $b, orderBy: { field: SIGNUP_DATE }) { nodes { id } } }`,
      { b: last.data.customers.pageInfo.startCursor },
    );
    await both(
      `{ customers(first: 20, filter: { search: "a", totalSpentMin: "10.00", signedUpFrom: "2000-01-01T00:00:00Z" }, orderBy: { field: TOTAL_SPENT, direction: DESC }) { totalCount nodes { id summary { netSpent { amount } } } } }`,
    );
    await both(
      `{ customers(first: 20, filter: { tags: ["vip"], countries: ["hr"] }) { totalCount nodes { id tags } } }`,
    );
    // Conditions other modules add (complaints, stored metrics), and a bounded spend range.
    await both(
      `{ customers(first: 20, filter: { hasOpenComplaint: true, totalSpentMax: "100000.00", lastOrderFrom: "2001-01-01T00:00:00Z" }) { totalCount nodes { id } } }`,
    );
    await both(
      `{ customers(first: 20, filter: { churnRiskLevel: HIGH }, orderBy: { field: PREDICTED_CLV, direction: DESC }) { nodes { id } } }`,
    );
  });

  it('nested pages with filters and an after cursor', async () => {
    const top = await t.ok(
      `{ customers(first: 1, orderBy: { field: TOTAL_SPENT, direction: DESC }) { nodes { id orders(first: 2) { pageInfo { endCursor } } } } }`,
    );
    const [{ id, orders }] = top.customers.nodes;
    await both(
      `query($id: ID!, $after: String) { customer(id: $id) { orders(first: 3, after: $after, statuses: [FULFILLED, PLACED, PARTIALLY_RETURNED]) { totalCount nodes { id status } } } }`,
      { id, after: orders.pageInfo.endCursor },
    );
    await both(
      `query($id: ID!) { customer(id: $id) { feedback(first: 10, kinds: [NPS, COMPLAINT]) { totalCount nodes { id kind } }
      communications(first: 10, channels: [EMAIL]) { totalCount nodes { id channel } } } }`,
      { id },
    );
  });

  it('loyalty: null without an active program, the ledger balance with one', async () => {
    await both(`{ customers(first: 10) { nodes { id loyalty { balance } } } }`);
    await t.ok(
      `mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: POINTS_12M, tiers: [{ code: "S", name: "Silver", threshold: "100" }] }) { name } }`,
    );
    const body = await both(
      `{ customers(first: 50) { nodes { id loyalty { __typename balance } } } }`,
    );
    expect(body.data.customers.nodes.every((n: any) => n.loyalty !== null)).toBe(true);
  });
});

describe('what the compiled reads leave to the resolvers', () => {
  it('every field on a resolver-only list, reached as the compiled reads would reach its type', async () => {
    expect(leftToResolvers.length).toBeGreaterThan(10);
    for (const { field, query } of leftToResolvers) {
      const body = await both(query, {}, { compiled: false });
      expect({ field, errors: body.errors }).toEqual({ field, errors: undefined });
    }
  });

  it('fields without a projection, summary feedback figures, edges in nested pages', async () => {
    await both(
      `{ customers(first: 5) { nodes { id identifiers { type value } } } }`,
      {},
      { compiled: false },
    );
    await both(
      `{ customers(first: 5) { nodes { id summary { orderCount latestNps } } } }`,
      {},
      { compiled: false },
    );
    await both(
      `{ customers(first: 5) { nodes { id orders(first: 2) { edges { cursor } } } } }`,
      {},
      { compiled: false },
    );
    await both(
      `{ customers(first: 5) { nodes { loyalty { tier { code } } } } }`,
      {},
      { compiled: false },
    );
  });

  it('the rows of the base-wide lists and of a customer’s own lists, with their customer', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    const own = await both(
      `{ customers(first: 20) { nodes { id replenishment { sku customer { id fullName } } moments { kind customer { id } }
      nextBestActions { kind customer { id email } } } } }`,
      {},
      { compiled: false },
    );
    expect(
      own.data.customers.nodes.some(
        (n: any) => n.moments.length > 0 && n.moments[0].customer.id === n.id,
      ),
    ).toBe(true);
    const moments = await both(
      `{ upcomingMoments(days: 366, first: 20) { nodes { kind date customer { id fullName } } } }`,
      {},
      { compiled: false },
    );
    expect(moments.data.upcomingMoments.nodes[0].customer.id).toEqual(expect.any(String));
    await both(
      `{ replenishmentDue(from: "${today}", to: "${inAYear}", first: 20) { nodes { sku customer { id email } } } }`,
      {},
      { compiled: false },
    );
  });

  it('bad arguments get the resolvers’ errors', async () => {
    const tooMany = await both(
      `{ customers(first: 500) { nodes { id } } }`,
      {},
      { compiled: false },
    );
    expect(tooMany.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const badCountry = await both(
      `{ customers(first: 5, filter: { countries: ["Atlantis"] }) { nodes { id } } }`,
      {},
      { compiled: false },
    );
    expect(badCountry.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    await both(`{ customer(id: "not-an-id") { id } }`, {}, { compiled: false });
    await both(
      `{ customers(first: 5) { nodes { orders(first: 0) { nodes { id } } } } }`,
      {},
      { compiled: false },
    );
  });

  it('a key without a scope the selection needs gets the resolvers’ partial answer with FORBIDDEN errors', async () => {
    const partner = await t.keyWith(['customers:read']);
    const body = await both(
      `{ customers(first: 3) { nodes { id email orders(first: 1) { totalCount } } } }`,
      {},
      { compiled: false, key: partner },
    );
    expect(body.errors.map((e: any) => e.extensions.code)).toContain('FORBIDDEN');
    await both(`{ customers(first: 3) { nodes { id country } } }`, {}, { key: partner });
  });
});

describe('compiled reads keep the audit log and the statement count', () => {
  it('records the same personal-data audit event as the resolvers', async () => {
    const query = `query Audited { customers(first: 6, orderBy: { field: NAME }) { nodes { id fullName email city } } }`;
    await both(query);
    const events = await t.sql(
      `select pii_categories, customers, result from audit_events where operation_name = 'Audited' order by occurred_at`,
    );
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual(events[1]);
    expect(events[0]).toEqual({
      pii_categories: ['address', 'email', 'name'],
      customers: 6,
      result: 'OK',
    });
  });

  it('a page of 50 whole customers is one statement, besides the key check and the audit row', async () => {
    const res = await t.gql(`{ customers(first: 50) { nodes { ${PAGE} } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.statements).toBeLessThanOrEqual(3);
  });
});

describe('prepared statements', () => {
  const onPostgres = itIf(postgres());
  onPostgres(
    'a repeated statement is prepared once per connection, under a name bounded in number',
    async () => {
      const db = await openDatabase({ ...t.database.config, dbPoolSize: 1 });
      try {
        const dataSource = db.dataSource as ReplicatedDataSource;
        const sql = 'select count(*)::int as n from customers where country = $1';
        expect(await dataSource.queryPrepared(sql, ['HR'])).toEqual(
          await dataSource.query(sql, ['HR']),
        );
        await dataSource.queryPrepared(sql, ['US']);
        const prepared = await dataSource.query(
          `select name, statement from pg_prepared_statements where name like 'c360_%'`,
        );
        expect(prepared).toEqual([
          { name: expect.stringMatching(/^c360_[0-9a-f]{24}$/), statement: sql },
        ]);
      } finally {
        await db.close();
      }
    },
  );

  onPostgres(
    'DB_PREPARED_STATEMENTS=false runs them unnamed (for poolers that cannot keep them)',
    async () => {
      const db = await openDatabase({
        ...t.database.config,
        dbPoolSize: 1,
        dbPreparedStatements: false,
      });
      try {
        const dataSource = db.dataSource as ReplicatedDataSource;
        await dataSource.queryPrepared(
          'select count(*)::int as n from customers where country = $1',
          ['HR'],
        );
        expect(await dataSource.query(`select name from pg_prepared_statements`)).toEqual([]);
      } finally {
        await db.close();
      }
    },
  );
});
