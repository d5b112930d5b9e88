import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';
import { MetricsChangeCause } from '../../src/modules/metrics';

const SAMPLE = path.resolve(__dirname, '../../../shared/datasets/cdnow/CDNOW_sample.txt');

const FIT = `mutation($asOf: LocalDate!, $unit: ModelTimeUnit!, $model: PurchaseModel) { fitModels(asOf: $asOf, timeUnit: $unit, purchaseModel: $model) {
  id asOf timeUnit purchaseModel r alpha a b s beta logLikelihood p q gamma customers repeatCustomers fittedAt durationMs } }`;

const METRICS = `query($id: ID!) { customer(id: $id) { metrics { historicClv { amount } probabilityAlive expectedNextOrderAt averageDaysBetweenOrders
  nps csat computedAt predictedClv(months: 12, discountRate: 0.01) { value { amount } low { amount } high { amount } }
  expectedPurchases(days: 273) { value low high } churnRisk { score level reasons { code description weight } }
  rfm { recencyScore frequencyScore monetaryScore segment } modelFit { id } } } }`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
});
afterAll(async () => {
  await t.close();
});

describe('fitModels on CDNOW', () => {
  it('summarises the purchase log in SQL as the literature does and reproduces the published estimates', async () => {
    expect((await t.ok(`{ modelFit { id } }`)).modelFit).toBeNull();
    const { fitModels: fit } = await t.ok(FIT, { asOf: '1997-09-30', unit: 'WEEK' });
    // FHL (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4 on 2,357 customers, 946 repeat buyers.
    expect(fit).toMatchObject({
      asOf: '1997-09-30',
      timeUnit: 'WEEK',
      purchaseModel: 'BG_NBD',
      customers: 2357,
      repeatCustomers: 946,
      s: null,
      beta: null,
    });
    expect(fit.r).toBeCloseTo(0.243, 2);
    expect(fit.alpha).toBeCloseTo(4.414, 1);
    expect(fit.a).toBeCloseTo(0.793, 2);
    expect(fit.b).toBeCloseTo(2.426, 1);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 0);
    // Gamma-Gamma on the same calibration data (Fader & Hardie 2013): p = 6.25, q = 3.74, gamma = 15.44.
    expect(fit.p).toBeCloseTo(6.25, 0);
    expect(fit.q).toBeCloseTo(3.74, 0);
    expect(fit.gamma).toBeCloseTo(15.44, -1);
    const current = await t.ok(`{ modelFit { id } modelFits(first: 5) { id } }`);
    expect(current.modelFit.id).toBe(fit.id);
    expect(current.modelFits.map((f: any) => f.id)).toEqual([fit.id]);
  });

  it('fits the Pareto/NBD instead when asked, reproducing its published estimates', async () => {
    const { fitModels: fit } = await t.ok(FIT, {
      asOf: '1997-09-30',
      unit: 'WEEK',
      model: 'PARETO_NBD',
    });
    expect(fit).toMatchObject({ purchaseModel: 'PARETO_NBD', a: null, b: null });
    expect(fit.r).toBeCloseTo(0.55, 1);
    expect(fit.alpha).toBeCloseTo(10.58, 0);
    expect(fit.s).toBeCloseTo(0.61, 1);
    expect(fit.logLikelihood).toBeCloseTo(-9595.0, 0);
    const data = await t.ok(
      `{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "4", source: "cdnow") { id } }`,
    );
    const { customer } = await t.ok(METRICS, { id: data.customerByIdentifier.id });
    expect(customer.metrics.modelFit.id).toBe(fit.id);
    expect(customer.metrics.expectedPurchases.low).toBeLessThanOrEqual(
      customer.metrics.expectedPurchases.value,
    );
    await t.ok(FIT, { asOf: '1997-09-30', unit: 'WEEK' });
  });

  it('gives each customer metrics with intervals and explained churn risk', async () => {
    const data = await t.ok(
      `{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "4", source: "cdnow") { id } }`,
    );
    const { customer } = await t.ok(METRICS, { id: data.customerByIdentifier.id });
    const m = customer.metrics;
    expect(Number(m.historicClv.amount)).toBeGreaterThan(0);
    expect(m.probabilityAlive).toBeGreaterThanOrEqual(0);
    expect(m.probabilityAlive).toBeLessThanOrEqual(1);
    // Long silent today: the predictive count is 0 at both ends, and so is the CLV interval.
    expect(m.expectedPurchases).toMatchObject({ low: 0, high: 0 });
    expect(m.expectedPurchases.value).toBeGreaterThanOrEqual(0);
    expect(m.predictedClv.low.amount).toBe('0.00');
    expect(m.predictedClv.high.amount).toBe('0.00');
    // Long after 1998 every CDNOW customer is overdue: the model and the overdue sign explain the score.
    expect(m.churnRisk.level).toBe('HIGH');
    expect(m.churnRisk.reasons.map((r: any) => r.code)).toEqual(expect.arrayContaining(['MODEL']));
    const sum = m.churnRisk.reasons.reduce((s: number, r: any) => s + r.weight, 0);
    expect(sum).toBeCloseTo(m.churnRisk.score, 2);
    expect(m.rfm.segment).toMatch(/^[A-Z_]+$/);
    expect(m.modelFit.id).toBeTruthy();
  });

  it('rejects a bad date and a base without repeat buyers with BAD_USER_INPUT', async () => {
    expect(
      (await t.gql(FIT, { asOf: '1997-13-01', unit: 'WEEK' })).errors?.[0].extensions.code,
    ).toBe('BAD_USER_INPUT');
    expect(
      (await t.gql(FIT, { asOf: '1990-01-01', unit: 'WEEK' })).errors?.[0].extensions.code,
    ).toBe('BAD_USER_INPUT');
    expect((await t.gql(`{ modelFits(first: 0) { id } }`)).errors?.[0].extensions.code).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('metrics of a recent customer', () => {
  it('explains the risk of a regular who stopped: overdue, detractor, open complaint', async () => {
    await t.ok(FIT, { asOf: '1998-06-30', unit: 'WEEK' });
    const { id } = await createCustomer(t);
    const day = 86_400_000;
    for (const ago of [200, 170, 140, 110])
      await recordOrder(t, id, {
        gross: '30.00',
        placedAt: new Date(Date.now() - ago * day).toISOString(),
      });
    await t.ok(
      `mutation($id: ID!) { a: recordFeedback(input: { customerId: $id, kind: NPS, score: 3 }) { id }
      b: recordFeedback(input: { customerId: $id, kind: COMPLAINT, comment: "Broken" }) { id } }`,
      { id },
    );
    const m = (await t.ok(METRICS, { id })).customer.metrics;
    expect(m.historicClv.amount).toBe('120.00');
    expect(m.averageDaysBetweenOrders).toBe(30);
    expect(m.nps).toBe(3);
    expect(m.churnRisk.reasons.map((r: any) => r.code)).toEqual(
      expect.arrayContaining(['OVERDUE', 'DETRACTOR', 'OPEN_COMPLAINT']),
    );
    expect(m.churnRisk.reasons.find((r: any) => r.code === 'OVERDUE').description).toMatch(
      /No order for 110 days against a usual 30/,
    );
    const fresh = await createCustomer(t);
    const none = (await t.ok(METRICS, { id: fresh.id })).customer.metrics;
    expect(none).toMatchObject({
      historicClv: { amount: '0.00' },
      probabilityAlive: null,
      churnRisk: null,
      rfm: null,
    });
    // A customer without purchases is predicted as a new customer of the fitted base.
    expect(none.expectedPurchases.value).toBeGreaterThan(0);
  });
});

describe('stored metrics', () => {
  it('refreshes every customer after a fit, keeps one customer fresh after its writes, and filters and sorts on them', async () => {
    await t.ok(FIT, { asOf: '1998-06-30', unit: 'WEEK' });
    const report = await t.app.services.metricsStore.refreshAll(MetricsChangeCause.MANUAL_REFRESH);
    const [{ n }] = await t.sql('select count(*)::int as n from customers');
    expect(report.customers).toBe(n);
    const LIST = `query($filter: CustomerFilter) { customers(first: 5, filter: $filter, orderBy: { field: PREDICTED_CLV, direction: DESC }) {
      totalCount nodes { id metrics { predictedClv { value { amount } } churnRisk { level } rfm { segment } } } } }`;
    const top = (await t.ok(LIST, {})).customers.nodes;
    const values = top.map((c: any) => Number(c.metrics.predictedClv.value.amount));
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    const high = await t.ok(LIST, { filter: { churnRiskLevel: 'HIGH' } });
    expect(high.customers.totalCount).toBeGreaterThan(0);
    expect(high.customers.nodes.every((c: any) => c.metrics.churnRisk.level === 'HIGH')).toBe(true);
    const segment = top[0].metrics.rfm.segment;
    const bySegment = await t.ok(LIST, { filter: { rfmSegment: segment } });
    expect(bySegment.customers.nodes.every((c: any) => c.metrics.rfm.segment === segment)).toBe(
      true,
    );
    const rich = await t.ok(LIST, {
      filter: { predictedClvMin: top[1].metrics.predictedClv.value.amount },
    });
    expect(rich.customers.totalCount).toBeGreaterThanOrEqual(2);

    const { id, databaseId } = await createCustomer(t);
    expect(
      await t.sql('select 1 from customer_metrics where customer_id = $1', [databaseId]),
    ).toHaveLength(0);
    await recordOrder(t, id, {
      gross: '25.00',
      placedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
    });
    const [stored] = await t.sql(
      'select predicted_clv_minor, rfm_segment from customer_metrics where customer_id = $1',
      [databaseId],
    );
    expect(Number(stored.predicted_clv_minor)).toBeGreaterThan(0);
    expect(stored.rfm_segment).toBeTruthy();
    const bad = await t.gql(LIST, { filter: { churnRiskLevel: 'SOMETIMES' } });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('whole-base analytics', () => {
  it('backtests the model on the CDNOW holdout: close to what happened, and better than each customer keeping their rate', async () => {
    const { modelReport: r } =
      await t.ok(`{ modelReport(calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30") { r alpha a b customers predictedTotal actualTotal
      weekly { week predicted actual } buckets { frequency customers predicted actual } meanAbsoluteError naiveMeanAbsoluteError } }`);
    expect(r.customers).toBeGreaterThanOrEqual(2357);
    expect(r.r).toBeCloseTo(0.243, 1);
    expect(Math.abs(r.predictedTotal - r.actualTotal) / r.actualTotal).toBeLessThan(0.15);
    expect(r.weekly).toHaveLength(39);
    expect(r.weekly.reduce((s: number, w: any) => s + (w.actual ?? 0), 0)).toBe(r.actualTotal);
    expect(r.buckets.map((b: any) => b.frequency)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7+',
    ]);
    expect(r.meanAbsoluteError).toBeLessThan(r.naiveMeanAbsoluteError);
    const bad = await t.gql(
      `{ modelReport(calibrationEnd: "1997-09-30", holdoutEnd: "1997-10-02") { r } }`,
    );
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('backtests every purchase model on the same split, side by side, and recommends the one with the lowest error', async () => {
    const { modelReport: r } =
      await t.ok(`{ modelReport(calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30") { customers actualTotal recommendation
      meanAbsoluteError models { model parameters { name value } logLikelihood converged predictedTotal actualTotal
        weekly { week predicted actual cumulativePredicted cumulativeActual } buckets { frequency customers predicted actual }
        meanAbsoluteError naiveMeanAbsoluteError coverage deciles { decile customers predicted actual } spendGini } } }`);
    expect(r.models.map((m: any) => m.model)).toEqual(['BG_NBD', 'MBG_NBD', 'PARETO_NBD']);
    for (const m of r.models) {
      expect(m.converged).toBe(true);
      expect(m.actualTotal).toBe(r.actualTotal);
      for (const v of [
        m.logLikelihood,
        m.predictedTotal,
        m.meanAbsoluteError,
        m.naiveMeanAbsoluteError,
      ])
        expect(Number.isFinite(v)).toBe(true);
      for (const p of m.parameters) expect(p.value).toBeGreaterThan(0);
      expect(m.parameters.map((p: any) => p.name)).toEqual(
        m.model === 'PARETO_NBD' ? ['r', 'alpha', 's', 'beta'] : ['r', 'alpha', 'a', 'b'],
      );
      expect(m.weekly).toHaveLength(39);
      const last = m.weekly[38];
      expect(last.cumulativeActual).toBe(r.actualTotal);
      expect(last.cumulativePredicted).toBeCloseTo(m.predictedTotal, 6);
      expect(m.buckets.reduce((s: number, b: any) => s + b.customers, 0)).toBe(r.customers);
      expect(Math.abs(m.predictedTotal - m.actualTotal) / m.actualTotal).toBeLessThan(0.2);
      expect(m.meanAbsoluteError).toBeLessThan(m.naiveMeanAbsoluteError);
    }
    for (const m of r.models) {
      // Predictive intervals cover what customers did: 80% or a little more (counts are whole numbers).
      expect(m.coverage).toBeGreaterThanOrEqual(0.7);
      expect(m.coverage).toBeLessThanOrEqual(0.95);
      // Ten deciles of the calibration base, ascending in prediction, that add up to the totals.
      expect(m.deciles.map((d: any) => d.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(m.deciles.reduce((s: number, d: any) => s + d.customers, 0)).toBe(r.customers);
      const sum = (key: string) =>
        m.deciles.reduce((s: number, d: any) => s + d.customers * d[key], 0);
      expect(sum('predicted')).toBeCloseTo(m.predictedTotal, 6);
      expect(sum('actual')).toBeCloseTo(r.actualTotal, 6);
      for (let k = 1; k < 10; k++)
        expect(m.deciles[k].predicted).toBeGreaterThanOrEqual(m.deciles[k - 1].predicted);
      expect(m.deciles[9].actual).toBeGreaterThan(5 * m.deciles[0].actual);
      // Predicted spend ranks actual spend far better than chance.
      expect(m.spendGini).toBeGreaterThan(0.5);
      expect(m.spendGini).toBeLessThanOrEqual(1);
    }
    const recommended = r.models.find((m: any) => m.model === r.recommendation);
    expect(recommended.coverage).toBeGreaterThanOrEqual(0.7);
    expect(recommended.coverage).toBeLessThanOrEqual(0.95);
    // The published calibration log-likelihoods: BG/NBD −9582.4 (FHL 2005), Pareto/NBD −9595.0 (FH 2005).
    expect(r.models[0].logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(r.models[2].logLikelihood).toBeCloseTo(-9595.0, 0);
    const best = [...r.models].sort(
      (x: any, y: any) =>
        x.meanAbsoluteError - y.meanAbsoluteError || y.logLikelihood - x.logLikelihood,
    )[0];
    expect(r.recommendation).toBe(best.model);
    // The deprecated top-level figures stay those of the BG/NBD.
    expect(r.meanAbsoluteError).toBe(r.models[0].meanAbsoluteError);
    if (process.env.C360_BACKTEST_TABLE) {
      const rows = r.models.map((m: any) =>
        [
          m.model,
          m.parameters.map((p: any) => `${p.name}=${p.value.toFixed(4)}`).join(' '),
          m.logLikelihood.toFixed(2),
          m.predictedTotal.toFixed(1),
          m.actualTotal,
          m.meanAbsoluteError.toFixed(5),
          m.naiveMeanAbsoluteError.toFixed(5),
          m.coverage.toFixed(4),
          m.spendGini.toFixed(4),
          m.buckets
            .map((b: any) => `${b.frequency}:${b.predicted.toFixed(2)}/${b.actual.toFixed(2)}`)
            .join(' '),
        ].join(' | '),
      );
      fs.writeFileSync(
        process.env.C360_BACKTEST_TABLE,
        [...rows, `recommendation: ${r.recommendation}`].join('\n') + '\n',
      );
    }
  });

  it('computes retention with its counts, monthly cohorts, NPS and segments', async () => {
    const { retention } =
      await t.ok(`{ retention(periodStart: "1997-04-01", periodEnd: "1997-09-30", activeDays: 90) {
      customersAtStart customersAtEnd customersAcquired rate activeDays } }`);
    expect(retention.customersAcquired).toBe(0);
    expect(retention.customersAtStart).toBeGreaterThan(retention.customersAtEnd);
    expect(retention.rate).toBeCloseTo(
      ((retention.customersAtEnd - 0) / retention.customersAtStart) * 100,
      1,
    );
    const { cohorts } = await t.ok(
      `{ cohorts(from: "1997-01-01", to: "1997-03-31") { cohort size activeCustomers retention } }`,
    );
    expect(cohorts.map((c: any) => c.cohort)).toEqual(['1997-01', '1997-02', '1997-03']);
    expect(cohorts.reduce((s: number, c: any) => s + c.size, 0)).toBe(2357);
    for (const c of cohorts) expect(c.retention[0]).toBe(1);
    const { id } = await createCustomer(t);
    for (const score of [10, 9, 8, 3]) {
      await t.ok(
        `mutation($id: ID!, $s: Int!) { recordFeedback(input: { customerId: $id, kind: NPS, score: $s, touchpoint: "app", givenAt: "2030-01-02T00:00:00Z" }) { id } }`,
        { id, s: score },
      );
    }
    const { nps } = await t.ok(
      `{ nps(from: "2030-01-01", to: "2030-01-31", touchpoint: "app") { promoters passives detractors responses score } }`,
    );
    expect(nps).toEqual({ promoters: 2, passives: 1, detractors: 1, responses: 4, score: 25 });
    await t.app.services.metricsStore.refreshAll(MetricsChangeCause.MANUAL_REFRESH);
    const { segments } = await t.ok(
      `{ segments { segment customers totalPredictedClv { amount } averagePredictedClv { amount } } }`,
    );
    expect(segments.reduce((s: number, g: any) => s + g.customers, 0)).toBeGreaterThan(2000);
  });
});
