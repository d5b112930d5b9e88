import path from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';

const SAMPLE = path.resolve(__dirname, '../../../shared/datasets/cdnow/CDNOW_sample.txt');
const DAY = 86_400_000;

const FIT = `mutation($asOf: LocalDate!) { fitModels(asOf: $asOf, timeUnit: WEEK) { id p q gamma } }`;
const METRICS = `query($id: ID!) { customer(id: $id) { metrics { probabilityAlive expectedAverageOrderValue { amount currency }
  churnRisk { score level reasons { code description weight } } } } }`;
const PAGE = `query($after: String) { customers(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
  nodes { metrics { averageDaysBetweenOrders probabilityAlive expectedAverageOrderValue { amount }
  expectedPurchases(days: 7) { value low high } churnRisk { score level reasons { code weight } } } } } }`;

/** The bands as ChurnRiskLevel describes them. */
const described = (score: number) => (score >= 0.6 ? 'HIGH' : score >= 0.3 ? 'MEDIUM' : 'LOW');
const sumOf = (reasons: { weight: number }[]) => reasons.reduce((s, r) => s + r.weight, 0);
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe('metrics at full precision on CDNOW', () => {
  let t: TestApp;
  const nodes: any[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
    await t.ok(FIT, { asOf: '1997-09-30' });
    let after: string | null = null;
    for (;;) {
      const { customers }: any = await t.ok(PAGE, { after });
      nodes.push(...customers.nodes);
      if (!customers.pageInfo.hasNextPage) break;
      after = customers.pageInfo.endCursor;
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers P(alive) and expected purchases unrounded: decades later a repeat buyer is alive with a tiny, non-zero probability', () => {
    expect(nodes).toHaveLength(2357);
    const alive = nodes.map((n) => n.metrics.probabilityAlive as number);
    expect(alive.some((p) => p > 0 && p < 5e-5)).toBe(true);
    // Rounded to 4 decimals, every one of these showed 0.
    expect(alive.filter((p) => p > 0 && p < 5e-5).length).toBeGreaterThan(100);
    const week = nodes.map((n) => n.metrics.expectedPurchases.value as number);
    expect(week.some((v) => v > 0 && v < 5e-4)).toBe(true);
    expect(week.some((v) => !Number.isInteger(v * 1000))).toBe(true);
  });

  it('gives every customer a score that is exactly the sum of its reasons, labelled as the schema describes', () => {
    for (const { metrics: m } of nodes) {
      expect(sumOf(m.churnRisk.reasons)).toBe(m.churnRisk.score);
      expect(m.churnRisk.level).toBe(described(m.churnRisk.score));
      expect(m.churnRisk.score).toBeLessThanOrEqual(1);
    }
  });

  it('puts one-time buyers silent for decades at HIGH risk with NO_SECOND_PURCHASE, which repeat buyers never get', () => {
    // One purchase day (CDNOW has several orders on one day): no mean gap.
    const once = nodes.filter((n) => n.metrics.averageDaysBetweenOrders === null);
    expect(once.length).toBeGreaterThan(1000);
    for (const { metrics: m } of once) {
      expect(m.churnRisk.level).toBe('HIGH');
      expect(m.churnRisk.reasons.map((r: any) => r.code)).toContain('NO_SECOND_PURCHASE');
    }
    for (const { metrics: m } of nodes.filter((n) => n.metrics.averageDaysBetweenOrders !== null))
      expect(m.churnRisk.reasons.map((r: any) => r.code)).not.toContain('NO_SECOND_PURCHASE');
  });

  it('rates a one-time buyer of last week LOW against the CDNOW base and one silent ten times the median gap HIGH', async () => {
    const recent = await createCustomer(t);
    await recordOrder(t, recent.id, { gross: '20.00', placedAt: ago(7) });
    const r = (await t.ok(METRICS, { id: recent.id })).customer.metrics.churnRisk;
    expect(r.level).toBe('LOW');
    // 11% of CDNOW's repeat buyers (as of 1997-09-30) came back within a week.
    const reason = r.reasons.find((x: any) => x.code === 'NO_SECOND_PURCHASE');
    expect(reason.weight).toBeGreaterThan(0.05);
    expect(reason.weight).toBeLessThan(0.3);
    expect(reason.description).toMatch(/^One purchase, 7 days ago: \d+% of repeat buyers/);
    expect(sumOf(r.reasons)).toBe(r.score);

    const [{ median }] = await t.sql(
      `with d as (select customer_id, (placed_at at time zone 'UTC')::date as day from orders
         where placed_at < '1997-10-01' group by 1, 2),
       r as (select customer_id, day, row_number() over (partition by customer_id order by day) as n from d)
       select percentile_disc(0.5) within group (order by b.day - a.day) as median
       from r a join r b on a.customer_id = b.customer_id and a.n = 1 and b.n = 2`,
    );
    const silent = await createCustomer(t);
    await recordOrder(t, silent.id, { gross: '20.00', placedAt: ago(10 * median) });
    const s = (await t.ok(METRICS, { id: silent.id })).customer.metrics.churnRisk;
    expect(s.level).toBe('HIGH');
    expect(s.reasons.map((x: any) => x.code)).toEqual(['NO_SECOND_PURCHASE']);
    expect(s.score).toBeGreaterThanOrEqual(0.95);
  });

  it('exposes the Gamma-Gamma expected average order value: the base mean for one-time buyers', async () => {
    const { modelFit: fit } = await t.ok(`{ modelFit { p q gamma } }`);
    const populationMean = (fit.p * fit.gamma) / (fit.q - 1);
    const once = nodes.find((n) => n.metrics.averageDaysBetweenOrders === null);
    expect(Number(once.metrics.expectedAverageOrderValue.amount)).toBeCloseTo(populationMean, 2);
    expect(nodes.every((n) => n.metrics.expectedAverageOrderValue !== null)).toBe(true);
  });
});

describe('churn levels at their boundaries, on a base of known gaps', () => {
  let t: TestApp;
  const customer: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp();
    // Ten repeat buyers whose second purchase came 10, 20, …, 100 days after their first: the one with 10 days is
    // recent and not overdue.
    for (let i = 2; i <= 10; i++) {
      const { id } = await createCustomer(t);
      await recordOrder(t, id, { gross: `${10 + i}.00`, placedAt: ago(300) });
      await recordOrder(t, id, { gross: `${20 + 3 * i}.00`, placedAt: ago(300 - 10 * i) });
      if (i % 2 === 0) await recordOrder(t, id, { gross: `${15 + i}.00`, placedAt: ago(150 - i) });
      customer[`repeat${i}`] = id;
    }
    const recentRepeat = await createCustomer(t);
    await recordOrder(t, recentRepeat.id, { gross: '10.00', placedAt: ago(30) });
    await recordOrder(t, recentRepeat.id, { gross: '20.00', placedAt: ago(20) });
    await recordOrder(t, recentRepeat.id, { gross: '30.00', placedAt: ago(10) });
    customer.recentRepeat = recentRepeat.id;
    for (const silence of [7, 25, 35, 65, 1000]) {
      const { id } = await createCustomer(t);
      await recordOrder(t, id, { gross: '40.00', placedAt: ago(silence) });
      customer[`once${silence}`] = id;
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const metricsOf = async (name: string) =>
    (await t.ok(METRICS, { id: customer[name] })).customer.metrics;

  it('has no expected average order value before the first fit', async () => {
    expect((await metricsOf('repeat2')).expectedAverageOrderValue).toBeNull();
  });

  it('labels a score of exactly 0.3 MEDIUM and exactly 0.6 HIGH; below 0.3 LOW', async () => {
    await t.ok(FIT, { asOf: new Date().toISOString().slice(0, 10) });
    // Under BG/NBD P(alive | x = 0) = 1, so a one-time buyer's score is the share of repeat buyers who came back sooner.
    const expectations: [string, number, string][] = [
      ['once7', 0, 'LOW'],
      ['once25', 0.2, 'LOW'],
      ['once35', 0.3, 'MEDIUM'],
      ['once65', 0.6, 'HIGH'],
      ['once1000', 1, 'HIGH'],
    ];
    for (const [name, score, level] of expectations) {
      const m = await metricsOf(name);
      expect({ name, score: m.churnRisk.score, level: m.churnRisk.level }).toEqual({
        name,
        score,
        level,
      });
      expect(m.probabilityAlive).toBe(1);
      expect(sumOf(m.churnRisk.reasons)).toBe(m.churnRisk.score);
    }
    expect((await metricsOf('once7')).churnRisk.reasons).toEqual([]);
    expect((await metricsOf('once35')).churnRisk.reasons).toEqual([
      {
        code: 'NO_SECOND_PURCHASE',
        description:
          'One purchase, 35 days ago: 30% of repeat buyers had made their second purchase sooner',
        weight: 0.3,
      },
    ]);
  });

  it('leaves a repeat buyer who is not overdue to the model alone', async () => {
    const m = await metricsOf('recentRepeat');
    expect(m.churnRisk.reasons.map((r: any) => r.code)).toEqual(['MODEL']);
    expect(m.churnRisk.score).toBe(1 - m.probabilityAlive);
    expect(m.churnRisk.level).toBe(described(m.churnRisk.score));
  });

  it('gives a repeat buyer the Gamma-Gamma expectation of their order value', async () => {
    const { modelFit: fit } = await t.ok(`{ modelFit { p q gamma } }`);
    // x = 2 repeat purchase days of 20 and 30: m̄ = 25, shrunk toward the base mean.
    const weight = (fit.q - 1) / (fit.p * 2 + fit.q - 1);
    const expected = weight * ((fit.p * fit.gamma) / (fit.q - 1)) + (1 - weight) * 25;
    const value = (await metricsOf('recentRepeat')).expectedAverageOrderValue;
    expect(value.currency).toBe('USD');
    expect(Math.abs(Number(value.amount) - expected)).toBeLessThanOrEqual(0.005 + 1e-9);
  });
});
