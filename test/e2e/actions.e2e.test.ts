import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';
import { seedDemoData } from '../../src/seed/seed';

let t: TestApp;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const NBA = `query($id: ID!) { customer(id: $id) { nextBestActions { kind reason dueDate channel expectedValue { amount } }
  replenishment { sku typicalIntervalDays lastPurchaseDate dueDate confidence purchases } } }`;
const consent = (channel: string) => ({
  channel,
  granted: true,
  source: 'checkout',
  occurredAt: ago(400),
});

async function coffeeRegular(consents: object[], extra: object = {}) {
  const { id } = await createCustomer(t, { consents, ...extra });
  for (const days of [238, 178, 118, 58])
    await recordOrder(t, id, {
      placedAt: ago(days),
      lines: [{ sku: 'COFFEE', quantity: 1, unitPrice: '12.00' }],
    });
  return id;
}

beforeAll(async () => {
  t = await startTestApp();
  await createProducts(t, [
    { sku: 'COFFEE', category: 'coffee', unitPrice: '12.00' },
    { sku: 'TILES', category: 'tiles', unitPrice: '200.00' },
    { sku: 'TUB', category: 'bathroom', unitPrice: '400.00' },
    { sku: 'SOCKS', category: 'clothes', unitPrice: '5.00' },
  ]);
});
afterAll(async () => {
  await t.close();
});

describe('next best actions', () => {
  it('reminds a customer on a 60-day coffee cycle, last seen 58 days ago, by a consented channel', async () => {
    const id = await coffeeRegular([consent('EMAIL')]);
    const { customer } = await t.ok(NBA, { id });
    expect(customer.replenishment).toEqual([
      expect.objectContaining({
        sku: 'COFFEE',
        typicalIntervalDays: 60,
        purchases: 4,
        confidence: 1,
      }),
    ]);
    const reminder = customer.nextBestActions.find((a: any) => a.kind === 'REORDER_REMINDER');
    expect(reminder).toMatchObject({
      channel: 'EMAIL',
      expectedValue: { amount: expect.any(String) },
    });
    expect(reminder.reason).toMatch(/about every 60 days/);
    const due = await t.ok(
      `query($from: LocalDate!, $to: LocalDate!) { replenishmentDue(from: $from, to: $to, first: 50) { totalCount nodes { sku dueDate } } }`,
      { from: ago(0).slice(0, 10), to: ago(-5).slice(0, 10) },
    );
    expect(due.replenishmentDue.nodes).toEqual(
      expect.arrayContaining([expect.objectContaining({ sku: 'COFFEE' })]),
    );
    const base = await t.ok(
      `{ nextBestActions(kind: REORDER_REMINDER, first: 50) { totalCount nodes { channel customer { id } } } }`,
    );
    expect(base.nextBestActions.nodes).toEqual(
      expect.arrayContaining([{ channel: 'EMAIL', customer: { id } }]),
    );
  });

  it('never uses a channel without consent, and says nothing within the quiet period', async () => {
    const none = await coffeeRegular([]);
    expect((await t.ok(NBA, { id: none })).customer.nextBestActions).toEqual([]);
    const smsOnly = await coffeeRegular([consent('SMS'), { ...consent('EMAIL'), granted: false }]);
    const actions = (await t.ok(NBA, { id: smsOnly })).customer.nextBestActions;
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a: any) => a.channel !== 'EMAIL')).toBe(true);
    const contacted = await coffeeRegular([consent('EMAIL')]);
    await t.ok(
      `mutation($id: ID!) { logCommunication(input: { customerId: $id, channel: EMAIL, direction: OUTBOUND, purpose: CAMPAIGN, occurredAt: "${ago(2)}" }) { id } }`,
      { id: contacted },
    );
    expect((await t.ok(NBA, { id: contacted })).customer.nextBestActions).toEqual([]);
  });

  it('greets on moments, follows up complaints, and lists upcoming moments across the base', async () => {
    const soon = new Date(Date.now() + 3 * DAY);
    const birthDate = `1985-${String(soon.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(soon.getUTCDate(), 28)).padStart(2, '0')}`;
    const { id } = await createCustomer(t, {
      birthDate,
      consents: [consent('EMAIL'), consent('PHONE')],
    });
    await t.ok(
      `mutation($id: ID!) { recordFeedback(input: { customerId: $id, kind: COMPLAINT, comment: "Late" }) { id } }`,
      { id },
    );
    const { customer } = await t.ok(
      `query($id: ID!) { customer(id: $id) { moments { kind date years } nextBestActions { kind channel reason } } }`,
      { id },
    );
    expect(customer.moments[0]).toMatchObject({
      kind: 'BIRTHDAY',
      years: soon.getUTCFullYear() - 1985,
    });
    const kinds = customer.nextBestActions.map((a: any) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['GREETING', 'SERVICE_FOLLOW_UP']));
    expect(customer.nextBestActions.find((a: any) => a.kind === 'SERVICE_FOLLOW_UP').channel).toBe(
      'PHONE',
    );
    // A key that may read metrics but not feedback gets no follow-up, whose reason speaks of the complaint.
    const metricsOnly = await t.keyWith(['customers:read', 'metrics:read', 'pii:read']);
    const narrow = await t.gql(
      `query($id: ID!) { customer(id: $id) { nextBestActions { kind reason } } }`,
      { id },
      metricsOnly,
    );
    expect(narrow.data.customer.nextBestActions.map((a: any) => a.kind)).toEqual(['GREETING']);
    const across = await t.gql(
      `{ nextBestActions(kind: SERVICE_FOLLOW_UP, first: 5) { nodes { reason } } }`,
      {},
      metricsOnly,
    );
    expect(across.errors![0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredScopes: ['feedback:read'],
    });
    const base = await t.ok(`{ upcomingMoments(days: 7, first: 100) { nodes { kind date } } }`);
    expect(base.upcomingMoments.nodes.some((m: any) => m.kind === 'BIRTHDAY')).toBe(true);
  });

  it('mines complementary products and recommends what goes with a customer’s purchase', async () => {
    for (let i = 0; i < 12; i++) {
      const { id } = await createCustomer(t);
      await recordOrder(t, id, {
        placedAt: ago(100),
        lines: [{ sku: 'TILES', quantity: 1, unitPrice: '200.00' }],
      });
      if (i < 9)
        await recordOrder(t, id, {
          placedAt: ago(80),
          lines: [{ sku: 'TUB', quantity: 1, unitPrice: '400.00' }],
        });
    }
    for (let i = 0; i < 10; i++) {
      const { id } = await createCustomer(t);
      await recordOrder(t, id, {
        placedAt: ago(90),
        lines: [{ sku: 'SOCKS', quantity: 1, unitPrice: '5.00' }],
      });
    }
    const mined = await t.ok(`mutation { mineAssociations(windowDays: 90, minSupport: 0.01) }`);
    expect(mined.mineAssociations).toBeGreaterThan(0);
    const tiles = await t.ok(
      `{ productBySku(sku: "TILES") { complements(first: 3) { lift confidence support product { sku } } } }`,
    );
    expect(tiles.productBySku.complements[0]).toMatchObject({
      product: { sku: 'TUB' },
      confidence: 0.75,
    });
    expect(tiles.productBySku.complements[0].lift).toBeGreaterThan(1.5);
    const { id } = await createCustomer(t, { consents: [consent('EMAIL')] });
    await recordOrder(t, id, {
      placedAt: ago(5),
      lines: [{ sku: 'TILES', quantity: 1, unitPrice: '200.00' }],
    });
    const { customer } = await t.ok(
      `query($id: ID!) { customer(id: $id) { recommendedProducts(first: 3) { lift product { sku } becauseOf { sku } }
      nextBestActions { kind reason } } }`,
      { id },
    );
    expect(customer.recommendedProducts[0]).toMatchObject({
      product: { sku: 'TUB' },
      becauseOf: [{ sku: 'TILES' }],
    });
    const complementary = customer.nextBestActions.find(
      (a: any) => a.kind === 'COMPLEMENTARY_PRODUCT',
    );
    expect(complementary.reason).toMatch(/Bought TILES; customers who did often buy TUB next/);
  });
});

describe('the demo data', () => {
  let demo: TestApp;
  beforeAll(async () => {
    demo = await startTestApp();
    await seedDemoData(demo.database.db, demo.database.config, { customers: 400, currency: 'USD' });
  });
  afterAll(async () => {
    await demo.close();
  });

  it('makes every kind of next best action appear', async () => {
    const kinds = new Set<string>();
    let after: string | null = null;
    for (let page = 0; page < 4; page++) {
      const data: any = await demo.ok(
        `query($after: String) { customers(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { nextBestActions { kind } } } }`,
        { after },
      );
      for (const c of data.customers.nodes) for (const a of c.nextBestActions) kinds.add(a.kind);
      if (!data.customers.pageInfo.hasNextPage) break;
      after = data.customers.pageInfo.endCursor;
    }
    expect([...kinds].sort()).toEqual([
      'COMPLEMENTARY_PRODUCT',
      'GREETING',
      'POINTS_EXPIRING',
      'REORDER_REMINDER',
      'SERVICE_FOLLOW_UP',
      'THANK_YOU',
      'TIER_NUDGE',
      'WIN_BACK',
    ]);
  });

  it('reports the segments with meaning, and lists each one’s customers through the customers filter', async () => {
    const { segmentReports } = await demo.ok(
      `{ segmentReports { kind rule customers netSpent { amount } predictedClv { amount } } }`,
    );
    expect(segmentReports.map((r: any) => r.kind)).toEqual([
      'KEY_CUSTOMERS',
      'ACTIVE_LOYAL',
      'PASSIVE_LOYAL',
      'PROBLEM_CUSTOMERS',
      'LAPSED_WORTH_WINNING_BACK',
    ]);
    for (const report of segmentReports) {
      expect(report.customers).toBeGreaterThan(0);
      const list = await demo.ok(
        `query($s: SegmentKind!) { customers(first: 1, filter: { segment: $s }) { totalCount } }`,
        { s: report.kind },
      );
      expect(list.customers.totalCount).toBe(report.customers);
    }
    // Key customers are the top fifth by predicted CLV (ties at the line can move it by one or two).
    const [{ n }] = await demo.sql(
      'select count(*)::int as n from customer_metrics where predicted_clv_minor is not null',
    );
    expect(segmentReports[0].customers / n).toBeGreaterThan(0.18);
    expect(segmentReports[0].customers / n).toBeLessThanOrEqual(0.2);
    // segment is a SegmentKind: an unknown one is refused by GraphQL's validation, before any resolver runs.
    const bad = await demo.gql(`{ customers(first: 1, filter: { segment: NOPE }) { totalCount } }`);
    expect(bad.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('saves a custom segment with the customers filter and lists it again', async () => {
    const filter = {
      countries: ['HR'],
      totalSpentMin: '100.00',
      signedUpFrom: '2020-01-01T00:00:00Z',
      segment: 'PASSIVE_LOYAL',
    };
    const { saveSegment } = await demo.ok(
      `mutation($f: CustomerFilter!) { saveSegment(name: "Croatian passive loyal", filter: $f, description: "For the autumn call") { id name } }`,
      { f: filter },
    );
    const direct = await demo.ok(
      `query($f: CustomerFilter!) { customers(first: 100, filter: $f) { totalCount nodes { id } } }`,
      { f: filter },
    );
    const { savedSegments } = await demo.ok(
      `{ savedSegments { id name description customers(first: 100) { totalCount nodes { id } } } }`,
    );
    expect(savedSegments).toHaveLength(1);
    expect(savedSegments[0].customers).toEqual(direct.customers);
    const twice = await demo.gql(
      `mutation($f: CustomerFilter!) { saveSegment(name: "Croatian passive loyal", filter: $f) { id } }`,
      { f: filter },
    );
    expect(twice.errors?.[0].extensions.code).toBe('CONFLICT');
    expect(
      (await demo.ok(`mutation($id: ID!) { deleteSegment(id: $id) }`, { id: saveSegment.id }))
        .deleteSegment,
    ).toBe(true);
    expect(
      (await demo.gql(`mutation($id: ID!) { deleteSegment(id: $id) }`, { id: saveSegment.id }))
        .errors?.[0].extensions.code,
    ).toBe('NOT_FOUND');
  });
});
