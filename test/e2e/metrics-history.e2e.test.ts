import path from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';
import { MetricsChangeCause } from '../../src/modules/metrics';

const SAMPLE = path.resolve(__dirname, '../../../shared/datasets/cdnow/CDNOW_sample.txt');
const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const FIT = `mutation($asOf: LocalDate!, $model: PurchaseModel) { fitModels(asOf: $asOf, timeUnit: WEEK, purchaseModel: $model) { id } }`;
const HISTORY = `query($id: ID!, $first: Int, $after: String) { customer(id: $id) { metricsHistory(first: $first, after: $after) {
  totalCount edges { cursor node { asOf cause churnLevel probabilityAlive predictedClv { amount currency } fitId recordedAt } }
  pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;

/** Customers with repeat purchases spread over the last two years, so that a fit has something to fit. */
async function seedBase(t: TestApp, customers: number) {
  await createProducts(t, [{ sku: 'H-1', unitPrice: '50.00' }]);
  for (let i = 0; i < customers; i++) {
    const c = await createCustomer(t);
    for (let k = 0; k <= i % 4; k++)
      await recordOrder(t, c.id, {
        placedAt: daysAgo(700 - i * 37 - k * 41),
        lines: [{ sku: 'H-1', quantity: 1 + (k % 2), unitPrice: '50.00' }],
      });
  }
}

async function historyOf(t: TestApp, id: string, first = 100) {
  return (await t.ok(HISTORY, { id, first })).customer.metricsHistory;
}

describe('Customer.metricsHistory', () => {
  let t: TestApp;
  let subject: { id: string; databaseId: string };
  let firstFit: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
    await createProducts(t, [{ sku: 'H-1', unitPrice: '50.00' }]);
    // The subject bought twice, long ago: an order today is news for P(alive) and the CLV.
    subject = await createCustomer(t);
    for (const days of [400, 300])
      await recordOrder(t, subject.id, {
        placedAt: daysAgo(days),
        lines: [{ sku: 'H-1', quantity: 1, unitPrice: '50.00' }],
      });
    firstFit = (await t.ok(FIT, { asOf: '1997-09-30' })).fitModels.id;
  });
  afterAll(() => t.close());

  it('records an order, a return, a fit and time passing with their causes, newest first, and nothing when nothing changed', async () => {
    const start = await historyOf(t, subject.id);
    expect(start.edges.map((e: any) => e.node.cause)).toEqual(['NEW_FIT']);
    expect(start.edges[0].node.fitId).toBe(firstFit);

    const order = await recordOrder(t, subject.id, {
      lines: [{ sku: 'H-1', quantity: 4, unitPrice: '50.00' }],
    });
    await t.ok(
      `mutation($o: ID!, $l: ID!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 3 }] }) { id } }`,
      { o: order.id, l: order.lines[0].id },
    );
    const { fitModels: secondFit } = await t.ok(FIT, { asOf: '1997-09-30', model: 'PARETO_NBD' });

    // A refresh right after the fit: the metrics are the same, so no customer gets a row.
    const before = await t.sql('select count(*)::int as n from customer_metrics_history');
    const quiet = await t.app.services.metricsStore.refreshAll(MetricsChangeCause.MANUAL_REFRESH);
    expect(quiet.changes).toBe(0);
    expect(await t.sql('select count(*)::int as n from customer_metrics_history')).toEqual(before);

    // Time passing: a refresh a year on, as the schedule does daily; P(alive) decays without purchases.
    const later = new Date(Date.now() + 365 * DAY);
    const aged = await t.app.services.metricsStore.refreshAll(MetricsChangeCause.TIME_PASSING, {
      asOf: later,
    });
    expect(aged.changes).toBeGreaterThan(0);

    const history = await historyOf(t, subject.id);
    const nodes = history.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.cause)).toEqual([
      'TIME_PASSING',
      'NEW_FIT',
      'RETURN',
      'NEW_ORDER',
      'NEW_FIT',
    ]);
    expect(history.totalCount).toBe(5);
    expect(nodes.map((n: any) => n.fitId)).toEqual([
      secondFit.id,
      secondFit.id,
      firstFit,
      firstFit,
      firstFit,
    ]);
    expect(new Date(nodes[0].asOf).getTime()).toBe(later.getTime());
    const asOfs = nodes.map((n: any) => new Date(n.asOf).getTime());
    expect([...asOfs].sort((a, b) => b - a)).toEqual(asOfs);
    // The order made the long-silent customer likelier alive; the return of 3 of its 4 units cut the CLV.
    expect(nodes[3].probabilityAlive).toBeGreaterThan(nodes[4].probabilityAlive);
    expect(Number(nodes[2].predictedClv.amount)).toBeLessThan(Number(nodes[3].predictedClv.amount));
    expect(nodes[0].probabilityAlive).toBeLessThan(nodes[1].probabilityAlive);
    expect(nodes[0].predictedClv.currency).toBe('USD');
    for (const n of nodes) expect(['LOW', 'MEDIUM', 'HIGH']).toContain(n.churnLevel);

    // The stored row records the as-of it was computed for and the fit; computed_at is when the refresh ran.
    const [stored] = await t.sql(
      'select as_of, fit_id, computed_at, probability_alive from customer_metrics where customer_id = $1',
      [subject.databaseId],
    );
    expect(new Date(stored.as_of).getTime()).toBe(later.getTime());
    expect(stored.fit_id).toBe(secondFit.id);
    expect(new Date(stored.computed_at).getTime()).toBeLessThan(later.getTime());
    expect(stored.probability_alive).toBe(nodes[0].probabilityAlive);
  });

  it('pages by cursor, newest first, and rejects a bad page size or cursor with BAD_USER_INPUT', async () => {
    const all = (await historyOf(t, subject.id)).edges.map((e: any) => e.node);
    const first = (await t.ok(HISTORY, { id: subject.id, first: 2 })).customer.metricsHistory;
    expect(first.edges.map((e: any) => e.node)).toEqual(all.slice(0, 2));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = (
      await t.ok(HISTORY, { id: subject.id, first: 2, after: first.pageInfo.endCursor })
    ).customer.metricsHistory;
    expect(second.edges.map((e: any) => e.node)).toEqual(all.slice(2, 4));
    const last = (
      await t.ok(HISTORY, { id: subject.id, first: 2, after: second.pageInfo.endCursor })
    ).customer.metricsHistory;
    expect(last.edges.map((e: any) => e.node)).toEqual(all.slice(4));
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // The default page is 20.
    const byDefault = await t.ok(
      `query($id: ID!) { customer(id: $id) { metricsHistory { nodes { cause } } } }`,
      { id: subject.id },
    );
    expect(byDefault.customer.metricsHistory.nodes).toHaveLength(all.length);

    for (const variables of [
      { first: 0 },
      { first: 101 },
      { first: 2, after: 'not-a-cursor' },
      { first: 2, after: Buffer.from('["x", 1]').toString('base64') },
    ]) {
      const res = await t.gql(HISTORY, { id: subject.id, ...variables });
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('needs metrics:read', async () => {
    const without = await t.keyWith(['customers:read']);
    const denied = await t.gql(
      `query($id: ID!) { customer(id: $id) { id metricsHistory(first: 1) { totalCount } } }`,
      { id: subject.id },
      without,
    );
    expect(denied.errors?.[0]).toMatchObject({
      path: ['customer', 'metricsHistory'],
      extensions: { code: 'FORBIDDEN' },
    });
    const allowed = await t.gql(
      `query($id: ID!) { customer(id: $id) { metricsHistory(first: 1) { totalCount } } }`,
      { id: subject.id },
      await t.keyWith(['customers:read', 'metrics:read']),
    );
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.customer.metricsHistory.totalCount).toBe(5);
  });

  it('is exported, kept by erasure (no personal text), and the recompute after erasure records its cause', async () => {
    const { exportCustomerData } = await t.ok(`query($id: ID!) { exportCustomerData(id: $id) }`, {
      id: subject.id,
    });
    expect(exportCustomerData.metricsHistory.map((r: any) => r.cause)).toEqual([
      'TIME_PASSING',
      'NEW_FIT',
      'RETURN',
      'NEW_ORDER',
      'NEW_FIT',
    ]);
    // As after a refresh that failed: the last recorded values are off, so the recompute is a change.
    await t.sql(
      'update customer_metrics set recorded_probability_alive = 0.5 where customer_id = $1',
      [subject.databaseId],
    );
    await t.ok(`mutation($id: ID!) { eraseCustomer(id: $id) { erasedAt } }`, { id: subject.id });
    const rows = await t.sql(
      'select cause from customer_metrics_history where customer_id = $1 order by as_of desc, id desc',
      [subject.databaseId],
    );
    expect(rows.map((r) => r.cause)).toEqual([
      'TIME_PASSING',
      'ERASURE',
      'NEW_FIT',
      'RETURN',
      'NEW_ORDER',
      'NEW_FIT',
    ]);
  });
});

describe('metrics history retention (METRICS_HISTORY_PER_CUSTOMER)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ metricsHistoryPerCustomer: 3 });
    await seedBase(t, 8);
    await t.ok(FIT, { asOf: today() });
  });
  afterAll(() => t.close());

  it('keeps the newest N changes of each customer', async () => {
    const store = t.app.services.metricsStore;
    const asOfs = [90, 180, 360, 720].map((days) => new Date(Date.now() + days * DAY));
    for (const asOf of asOfs) await store.refreshAll(MetricsChangeCause.TIME_PASSING, { asOf });
    const counts = await t.sql(
      'select customer_id, count(*)::int as n, max(as_of) as newest from customer_metrics_history group by 1',
    );
    expect(counts).toHaveLength(8);
    for (const c of counts) {
      expect(c.n).toBeLessThanOrEqual(3);
      expect(asOfs.map((a) => a.getTime())).toContain(new Date(c.newest).getTime());
    }
    // P(alive) decays over two years: customers whose metrics changed at each step keep only the newest three.
    expect(counts.filter((c) => c.n === 3).length).toBeGreaterThan(0);
    const [{ total }] = await t.sql('select count(*)::int as total from customer_metrics_history');
    expect(total).toBe(counts.reduce((sum, c) => sum + c.n, 0));
    const [{ fits }] = await t.sql(
      `select count(*)::int as fits from customer_metrics_history where cause = 'NEW_FIT' and customer_id in
         (select customer_id from customer_metrics_history group by 1 having count(*) = 3 and min(as_of) > now())`,
    );
    expect(fits).toBe(0);
  });
});
