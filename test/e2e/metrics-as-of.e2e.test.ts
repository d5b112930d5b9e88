import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';
import { predictorFor } from '../../src/modules/metrics/models/purchase-models';
import { UNITS_PER_MONTH } from '../../src/modules/metrics/models/clv';

const SAMPLE = path.resolve(__dirname, '../../../shared/datasets/cdnow/CDNOW_sample.txt');
const DAY = 86_400_000;
const FIT_DAY = '1997-09-30';

const FIT = `mutation($asOf: LocalDate!) { fitModels(asOf: $asOf, timeUnit: WEEK) { id r alpha a b logLikelihood p q gamma } }`;
// Predicted CLV is left out: 200 parameter draws × its months per customer would make this the slowest test.
const PAGE = `query($after: String, $asOf: LocalDate) { customers(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  nodes { identifiers { source value } metrics(asOf: $asOf) { asOf computedAt probabilityAlive
    historicClv { amount } expectedPurchases(days: 273) { value } modelFit { id asOf } } } } }`;

/**
 * The CDNOW sample's calibration summary in weeks, computed here from the file (not through the server's SQL): purchases
 * on one day are one, x = purchase days after the first, tx and T from the first purchase day to the last and to the
 * end of 1997-09-30.
 */
function calibrationSummaries(): Map<string, { x: number; tx: number; T: number; mBar: number }> {
  const days = new Map<string, Map<number, number>>();
  for (const line of fs.readFileSync(SAMPLE, 'utf8').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5) continue;
    const ref = fields[0].replace(/^0+(?=\d)/, '');
    const d = fields[2];
    const at = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
    if (at > Date.parse(`${FIT_DAY}T00:00:00Z`)) continue;
    const byDay = days.get(ref) ?? new Map<number, number>();
    byDay.set(at, (byDay.get(at) ?? 0) + Math.round(Number(fields[4]) * 100));
    days.set(ref, byDay);
  }
  const end = Date.parse(`${FIT_DAY}T00:00:00Z`);
  return new Map(
    [...days].map(([ref, byDay]) => {
      const sorted = [...byDay.keys()].sort((a, b) => a - b);
      const weeks = (ms: number) => ms / DAY / 7;
      const repeat = sorted.slice(1).reduce((s, d) => s + byDay.get(d)!, 0);
      return [
        ref,
        {
          x: sorted.length - 1,
          tx: weeks(sorted[sorted.length - 1] - sorted[0]),
          T: weeks(end - sorted[0]),
          mBar: sorted.length > 1 ? repeat / (sorted.length - 1) / 100 : 0,
        },
      ];
    }),
  );
}

describe('CDNOW through the API as of 1997-09-30', () => {
  let t: TestApp;
  let fit: any;
  const asOf: any[] = [];
  const today: any[] = [];
  const readAll = async (into: any[], day: string | null) => {
    let after: string | null = null;
    for (;;) {
      const { customers }: any = await t.ok(PAGE, { after, asOf: day });
      into.push(...customers.nodes);
      if (!customers.pageInfo.hasNextPage) break;
      after = customers.pageInfo.endCursor;
    }
  };
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
    fit = (await t.ok(FIT, { asOf: FIT_DAY })).fitModels;
    await readAll(asOf, FIT_DAY);
    await readAll(today, null);
  }, 300_000);
  afterAll(async () => {
    await t.close();
  });

  it('reproduces the published BG/NBD estimates (Fader, Hardie & Lee 2005) and names the fit and the day it used', () => {
    expect(fit.r).toBeCloseTo(0.243, 3);
    expect(fit.alpha).toBeCloseTo(4.414, 3);
    expect(fit.a).toBeCloseTo(0.793, 3);
    expect(fit.b).toBeCloseTo(2.426, 3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(asOf).toHaveLength(2357);
    for (const { metrics: m } of asOf) {
      expect(m.asOf).toBe(FIT_DAY);
      expect(m.computedAt).toBe('1997-09-30T23:59:59.999Z');
      expect(m.modelFit).toEqual({ id: fit.id, asOf: FIT_DAY });
    }
    const day = new Date().toISOString().slice(0, 10);
    for (const { metrics: m } of today) expect(m.asOf).toBe(day);
  });

  it('gives every customer the P(alive) and 39-week expectation of the literature’s inputs, at full precision', () => {
    const summaries = calibrationSummaries();
    const model = predictorFor('BG_NBD', { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b });
    let expected = 0;
    for (const node of asOf) {
      const ref = node.identifiers.find((i: any) => i.source === 'cdnow').value;
      const c = summaries.get(ref);
      if (!c) throw new Error(`customer ${ref} has no purchase by ${FIT_DAY}`);
      const alive = model.probabilityAlive(c);
      const next = model.expectedPurchases(c, 39);
      // The same inputs give the same floats up to the last bits of the week arithmetic.
      expect(Math.abs(node.metrics.probabilityAlive - alive)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(node.metrics.expectedPurchases.value - next)).toBeLessThanOrEqual(1e-12);
      expected += next;
    }
    const total = asOf.reduce((s, n) => s + n.metrics.expectedPurchases.value, 0);
    expect(total).toBeCloseTo(expected, 6);
    // The paper's cohort expects about 1,653 repeat purchase days in the 39 weeks after 1997-09-30.
    expect(total).toBeGreaterThan(1640);
    expect(total).toBeLessThan(1665);
  });

  it('gives the first customers the 12-month discounted CLV of the same inputs, to the cent', async () => {
    const { customers } = await t.ok(
      `{ customers(first: 50) { nodes { identifiers { source value } metrics(asOf: "1997-09-30") {
        predictedClv(months: 12, discountRate: 0.01) { value { amount } low { amount } high { amount } } } } } }`,
    );
    const summaries = calibrationSummaries();
    const model = predictorFor('BG_NBD', { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b });
    const populationMean = (fit.p * fit.gamma) / (fit.q - 1);
    expect(customers.nodes).toHaveLength(50);
    for (const node of customers.nodes) {
      const c = summaries.get(node.identifiers.find((i: any) => i.source === 'cdnow').value)!;
      const weight = c.x === 0 ? 1 : (fit.q - 1) / (fit.p * c.x + fit.q - 1);
      const spend = weight * populationMean + (1 - weight) * c.mBar;
      let clv = 0;
      for (let month = 1; month <= 12; month++) {
        const added =
          model.expectedPurchases(c, month * UNITS_PER_MONTH.week) -
          model.expectedPurchases(c, (month - 1) * UNITS_PER_MONTH.week);
        clv += (spend * added) / 1.01 ** month;
      }
      const { value, low, high } = node.metrics.predictedClv;
      expect(Math.abs(Number(value.amount) - clv)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Number(low.amount)).toBeLessThanOrEqual(Number(high.amount));
    }
  });

  it('sees the 1997 base alive as of 1997, where today it sees it gone', () => {
    const repeat = (nodes: any[]) =>
      nodes.filter((n) => summariesOf(n).x > 0).map((n) => n.metrics.probabilityAlive as number);
    const summaries = calibrationSummaries();
    const summariesOf = (n: any) =>
      summaries.get(n.identifiers.find((i: any) => i.source === 'cdnow').value)!;
    const then = repeat(asOf);
    const now = repeat(today);
    // 946 of the 2,357 had bought again by 1997-09-30 (1,411 had not: Fader, Hardie & Lee 2005).
    expect(then).toHaveLength(946);
    expect(then.reduce((s, p) => s + p, 0) / then.length).toBeGreaterThan(0.3);
    expect(now.reduce((s, p) => s + p, 0) / now.length).toBeLessThan(0.01);
    const next = (nodes: any[]) => nodes.reduce((s, n) => s + n.metrics.expectedPurchases.value, 0);
    expect(next(asOf)).toBeGreaterThan(50 * next(today));
  });

  it('forecasts each cohort’s next 12 months as the sum of its customers’ predictions', async () => {
    const { cohortValue } = await t.ok(
      `{ cohortValue(from: "1997-01-01", to: "1997-03-31", months: 9, asOf: "1997-09-30") { cohort customers
        averageCumulativeSpend { amount } forecast { months averageAdditionalSpend { amount }
        averageAdditionalSpendLow { amount } averageAdditionalSpendHigh { amount } averageCumulativeSpend { amount }
        modelFit { id } } } }`,
    );
    expect(cohortValue.map((c: any) => c.cohort)).toEqual(['1997-01', '1997-02', '1997-03']);
    expect(cohortValue.reduce((s: number, c: any) => s + c.customers, 0)).toBe(2357);
    const summaries = calibrationSummaries();
    const model = predictorFor('BG_NBD', { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b });
    const populationMean = (fit.p * fit.gamma) / (fit.q - 1);
    // Each customer's expected purchase days in 12 months of 365/12 or 365.25/12 days (whichever the
    // server's convention), times the Gamma-Gamma expected spend per purchase day.
    const months = 12 * UNITS_PER_MONTH.week;
    const firstDay = new Map<string, string>();
    for (const line of fs.readFileSync(SAMPLE, 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length !== 5) continue;
      const ref = f[0].replace(/^0+(?=\d)/, '');
      if (!firstDay.has(ref)) firstDay.set(ref, `${f[2].slice(0, 4)}-${f[2].slice(4, 6)}`);
    }
    const expected = new Map<string, { sum: number; n: number }>();
    for (const [ref, c] of summaries) {
      const weight = c.x === 0 ? 1 : (fit.q - 1) / (fit.p * c.x + fit.q - 1);
      const spend = weight * populationMean + (1 - weight) * c.mBar;
      const cohort = firstDay.get(ref)!;
      const e = expected.get(cohort) ?? { sum: 0, n: 0 };
      e.sum += model.expectedPurchases(c, months) * spend;
      e.n += 1;
      expected.set(cohort, e);
    }
    for (const c of cohortValue) {
      const e = expected.get(c.cohort)!;
      expect(e.n).toBe(c.customers);
      expect(
        Math.abs(Number(c.forecast.averageAdditionalSpend.amount) - e.sum / e.n),
      ).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(c.forecast.months).toBe(12);
      expect(c.forecast.modelFit.id).toBe(fit.id);
      const [low, value, high] = [
        c.forecast.averageAdditionalSpendLow,
        c.forecast.averageAdditionalSpend,
        c.forecast.averageAdditionalSpendHigh,
      ].map((m: any) => Number(m.amount));
      expect(low).toBeLessThan(value);
      expect(high).toBeGreaterThan(value);
      const spent = Number(c.averageCumulativeSpend[c.averageCumulativeSpend.length - 1].amount);
      expect(Number(c.forecast.averageCumulativeSpend.amount)).toBeCloseTo(spent + value, 1);
    }
  });

  it('sums RFM segments as of the day from the same per-customer figures, and says the stored ones’ as-of', async () => {
    const perCustomer: { segment: string; clv: bigint }[] = [];
    let after: string | null = null;
    for (;;) {
      const { customers }: any = await t.ok(
        `query($after: String) { customers(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
          nodes { metrics(asOf: "1997-09-30") { rfm { segment } predictedClv(months: 12, discountRate: 0.01) { value { minorUnits } } } } } }`,
        { after },
      );
      for (const n of customers.nodes)
        perCustomer.push({
          segment: n.metrics.rfm.segment,
          clv: BigInt(n.metrics.predictedClv.value.minorUnits),
        });
      if (!customers.pageInfo.hasNextPage) break;
      after = customers.pageInfo.endCursor;
    }
    const expected = new Map<string, { customers: number; minor: bigint }>();
    for (const c of perCustomer) {
      const e = expected.get(c.segment) ?? { customers: 0, minor: 0n };
      e.customers += 1;
      e.minor += c.clv;
      expected.set(c.segment, e);
    }
    const { segments } = await t.ok(
      `{ segments(asOf: "1997-09-30") { segment customers totalPredictedClv { minorUnits } asOf } }`,
    );
    expect(segments.reduce((s: number, x: any) => s + x.customers, 0)).toBe(2357);
    for (const x of segments) {
      expect(x.asOf).toBe(FIT_DAY);
      expect({
        segment: x.segment,
        customers: x.customers,
        minor: BigInt(x.totalPredictedClv.minorUnits),
      }).toEqual({ segment: x.segment, ...expected.get(x.segment) });
    }
    expect(segments).toHaveLength(expected.size);
    const stored = await t.ok(`{ segments { segment customers asOf } }`);
    const today = new Date().toISOString().slice(0, 10);
    for (const x of stored.segments) expect(x.asOf).toBe(today);
    const later = await t.gql(`{ segments(asOf: "9999-12-31") { segment } }`);
    expect(later.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const before = await t.ok(`{ segments(asOf: "1990-01-01") { segment } }`);
    expect(before.segments).toEqual([]);
  });

  it('reads the monthly retention cohorts as of the day', async () => {
    const cohorts = async (day: string | null) =>
      (
        await t.ok(
          `query($asOf: LocalDate) { cohorts(from: "1997-01-01", to: "1997-03-31", asOf: $asOf) { cohort size activeCustomers } }`,
          { asOf: day },
        )
      ).cohorts;
    const then = await cohorts(FIT_DAY);
    const now = await cohorts(null);
    expect(then.map((c: any) => c.size)).toEqual(now.map((c: any) => c.size));
    // January's cohort: months 0 (January) to 8 (September) as of 1997-09-30, to June 1998 today.
    expect(then[0].activeCustomers).toHaveLength(9);
    expect(now[0].activeCustomers).toHaveLength(18);
    expect(then[0].activeCustomers).toEqual(now[0].activeCustomers.slice(0, 9));
    const february = await cohorts('1997-02-15');
    expect(february.map((c: any) => c.cohort)).toEqual(['1997-01', '1997-02']);
    expect(february[1].size).toBeLessThan(now[1].size);
    expect(february[0].activeCustomers).toHaveLength(2);
  });

  it('counts only what was spent by the day: historic CLV as of 1997-09-30 is the calibration spend', async () => {
    const [{ spent }] = await t.sql(
      `select sum(net_minor - refunded_minor)::text as spent from orders where placed_at < '1997-10-01T00:00:00Z'`,
    );
    const total = asOf.reduce(
      (s, n) => s + Math.round(Number(n.metrics.historicClv.amount) * 100),
      0,
    );
    expect(total).toBe(Number(spent));
    const all = today.reduce(
      (s, n) => s + Math.round(Number(n.metrics.historicClv.amount) * 100),
      0,
    );
    expect(all).toBeGreaterThan(total);
  });
});

const METRICS = `query($id: ID!, $asOf: LocalDate) { customer(id: $id) { metrics(asOf: $asOf) { asOf probabilityAlive
  historicClv { amount } nps churnRisk { reasons { code } } modelFit { asOf } } } }`;
const dayAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);
const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe('metrics as of a day on a small base', () => {
  let t: TestApp;
  let customer: string;
  beforeAll(async () => {
    t = await startTestApp();
    const { id } = await createCustomer(t);
    customer = id;
    await createProducts(t, [{ sku: 'AS-OF-1', unitPrice: '10.00' }]);
    await recordOrder(t, id, { gross: '30.00', placedAt: at(200) });
    const second = await recordOrder(t, id, {
      placedAt: at(100),
      lines: [{ sku: 'AS-OF-1', quantity: 2, unitPrice: '10.00' }],
    });
    await t.ok(
      `mutation($o: ID!, $l: ID!, $at: DateTimeISO) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 1 }], returnedAt: $at }) { id } }`,
      { o: second.id, l: second.lines[0].id, at: at(50) },
    );
    await t.ok(
      `mutation($id: ID!, $at: DateTimeISO) { a: recordFeedback(input: { customerId: $id, kind: NPS, score: 9, givenAt: $at }) { id } }`,
      { id, at: at(150) },
    );
    await t.ok(
      `mutation($id: ID!, $at: DateTimeISO) { recordFeedback(input: { customerId: $id, kind: NPS, score: 3, givenAt: $at }) { id } }`,
      { id, at: at(20) },
    );
    const complaint = await t.ok(
      `mutation($id: ID!, $at: DateTimeISO) { recordFeedback(input: { customerId: $id, kind: COMPLAINT, comment: "late", givenAt: $at }) { id } }`,
      { id, at: at(30) },
    );
    await t.ok(`mutation($id: ID!) { resolveComplaint(id: $id, resolution: "sorry") { id } }`, {
      id: complaint.recordFeedback.id,
    });
    // Two more customers so that the base can be fitted.
    for (const gaps of [
      [300, 250, 120],
      [280, 90],
    ]) {
      const other = await createCustomer(t);
      for (const d of gaps) await recordOrder(t, other.id, { gross: '25.00', placedAt: at(d) });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const metricsAsOf = async (asOf: string | null) =>
    (await t.ok(METRICS, { id: customer, asOf })).customer.metrics;

  it('counts refunds from their return day, feedback from when it was given, complaints open until resolved', async () => {
    const before = await metricsAsOf(dayAgo(60));
    expect(before.historicClv.amount).toBe('50.00');
    expect(before.nps).toBe(9);
    expect(before.churnRisk).toBeNull();
    const between = await metricsAsOf(dayAgo(25));
    expect(between.historicClv.amount).toBe('40.00');
    expect(between.nps).toBe(9);
    const later = await metricsAsOf(dayAgo(10));
    expect(later.nps).toBe(3);
    const now = await metricsAsOf(null);
    expect(now.historicClv.amount).toBe('40.00');
    expect(now.nps).toBe(3);
    // The purchase models see the same values: the second purchase day is worth 20.00 until its refund.
    const { databaseId } = (
      await t.ok(`query($id: ID!) { customer(id: $id) { databaseId } }`, { id: customer })
    ).customer;
    const history = async (day: string) =>
      (await t.app.services.purchaseHistory.purchaseSummaries(day, [databaseId]))[0];
    expect(await history(dayAgo(60))).toMatchObject({
      x: 1,
      repeatValueMinor: 2000n,
      totalValueMinor: 5000n,
    });
    expect(await history(dayAgo(10))).toMatchObject({
      x: 1,
      repeatValueMinor: 1000n,
      totalValueMinor: 4000n,
    });
  });

  it('has no purchases and no predictions before the first purchase', async () => {
    const m = await metricsAsOf(dayAgo(365));
    expect(m).toMatchObject({ asOf: dayAgo(365), probabilityAlive: null, modelFit: null });
    expect(m.historicClv.amount).toBe('0.00');
  });

  it('uses the newest fit as of the day or earlier, and none from after it', async () => {
    await t.ok(FIT, { asOf: dayAgo(95) });
    await t.ok(FIT, { asOf: dayAgo(1) });
    expect((await metricsAsOf(dayAgo(120))).modelFit).toBeNull();
    expect((await metricsAsOf(dayAgo(60))).modelFit).toEqual({ asOf: dayAgo(95) });
    expect((await metricsAsOf(null)).modelFit).toEqual({ asOf: dayAgo(1) });
    const open = await metricsAsOf(dayAgo(25));
    expect(open.churnRisk.reasons.map((r: any) => r.code)).toContain('OPEN_COMPLAINT');
    const resolved = await metricsAsOf(null);
    expect(resolved.churnRisk.reasons.map((r: any) => r.code)).not.toContain('OPEN_COMPLAINT');
  });

  it('refuses a day still to come, and a fit as of one', async () => {
    const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);
    for (const res of [
      await t.gql(METRICS, { id: customer, asOf: tomorrow }),
      await t.gql(METRICS, { id: customer, asOf: '9999-12-31' }),
      await t.gql(FIT, { asOf: '9999-12-31' }),
    ]) {
      expect(res.status).toBeLessThan(500);
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(/after today/);
    }
    const first = await t.gql(METRICS, { id: customer, asOf: '0001-01-01' });
    expect(first.errors).toBeUndefined();
    expect(first.data.customer.metrics.probabilityAlive).toBeNull();
  });

  it('answers several days side by side, and refuses a fan-out over more than ten', async () => {
    const days = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => `d${i}: metrics(asOf: "${dayAgo(i + 1)}") { asOf historicClv { amount } }`,
      ).join(' ');
    const nine = await t.gql(`query($id: ID!) { customer(id: $id) { ${days(9)} } }`, {
      id: customer,
    });
    expect(nine.errors).toBeUndefined();
    expect(nine.data.customer.d0.asOf).toBe(dayAgo(1));
    expect(nine.data.customer.d8.asOf).toBe(dayAgo(9));
    const eleven = await t.gql(`query($id: ID!) { customer(id: $id) { ${days(11)} } }`, {
      id: customer,
    });
    expect(eleven.status).toBeLessThan(500);
    expect(eleven.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(eleven.errors?.[0].message).toMatch(/at most 10 different days/);
  });
});
