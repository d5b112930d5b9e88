import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';
import { Random } from '../../src/common/random';

const FIT = `mutation($asOf: LocalDate!, $model: PurchaseModel) { fitModels(asOf: $asOf, timeUnit: WEEK, purchaseModel: $model) { id } }`;
const METRICS = `query($id: ID!) { customer(id: $id) { metrics {
  week: expectedPurchases(days: 7) { value low high }
  year: expectedPurchases(days: 365) { value low high }
  decade: expectedPurchases(days: 3650) { value low high }
  predictedClv(months: 12, discountRate: 0) { value { amount } low { amount } high { amount } }
  modelFit { purchaseModel } } } }`;

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

let t: TestApp;
let regular: string;
let silent: string;
const asOf = new Date(Date.now() - DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await startTestApp();
  // 48 customers who joined 200 to 400 days ago with 0 to 7 repeat orders; a third still buying (the last order
  // days ago), the others gone quiet 1 to 6 months ago, as in a real base (without churn the fit is degenerate).
  const rng = new Random(23);
  for (let i = 0; i < 48; i++) {
    const { id } = await createCustomer(t);
    const repeats = i % 8;
    const first = 200 + Math.floor(200 * rng.next());
    const last = i % 3 === 0 ? 3 + Math.floor(7 * rng.next()) : 30 + Math.floor(150 * rng.next());
    for (let k = 0; k <= repeats; k++) {
      const ago = Math.round(first - ((first - last) * k) / Math.max(repeats, 1));
      await recordOrder(t, id, {
        gross: (20 + Math.floor(40 * rng.next())).toFixed(2),
        placedAt: daysAgo(ago),
      });
    }
    if (repeats === 7 && i % 3 === 0 && !regular) regular = id;
  }
  // A one-time buyer silent for three years.
  silent = (await createCustomer(t)).id;
  await recordOrder(t, silent, { gross: '30.00', placedAt: daysAgo(3 * 365) });
});
afterAll(async () => {
  await t.close();
});

describe('predictive intervals of expected purchases and CLV', () => {
  it.each(['BG_NBD', 'MBG_NBD', 'PARETO_NBD'])(
    '%s: whole-number quantiles of the count that widen with the horizon and price the CLV interval',
    async (model) => {
      await t.ok(FIT, { asOf, model });
      const m = (await t.ok(METRICS, { id: regular })).customer.metrics;
      expect(m.modelFit.purchaseModel).toBe(model);
      for (const p of [m.week, m.year, m.decade]) {
        expect(Number.isInteger(p.low) && Number.isInteger(p.high)).toBe(true);
        expect(p.low).toBeGreaterThanOrEqual(0);
        expect(p.low).toBeLessThanOrEqual(p.high);
      }
      // A regular who buys about every month: a year holds a real spread of counts around the expectation, as
      // the randomness of purchasing does (parameter uncertainty alone gave an interval around value only).
      expect(m.year.value).toBeGreaterThan(2);
      expect(m.year.low).toBeLessThan(m.year.value);
      expect(m.year.high).toBeGreaterThan(m.year.value);
      expect(m.year.high - m.year.low).toBeGreaterThanOrEqual(3);
      expect(m.decade.high).toBeGreaterThan(m.year.high);
      // A week: most likely nothing, perhaps one.
      expect(m.week.low).toBe(0);
      expect(m.week.high).toBeLessThanOrEqual(1);
      // The CLV interval is the count's priced per purchase: undiscounted over 12 months (365.25 days), its ends are
      // the year's counts times one spend per purchase.
      const clv = {
        value: Number(m.predictedClv.value.amount),
        low: Number(m.predictedClv.low.amount),
        high: Number(m.predictedClv.high.amount),
      };
      expect(clv.low).toBeLessThan(clv.value);
      expect(clv.high).toBeGreaterThan(clv.value);
      const perPurchase = clv.high / m.year.high;
      expect(clv.low).toBeCloseTo(perPurchase * m.year.low, 1);
    },
  );

  it('gives a one-time buyer silent for years the interval [0, 0] under MBG/NBD and Pareto/NBD', async () => {
    for (const model of ['MBG_NBD', 'PARETO_NBD']) {
      await t.ok(FIT, { asOf, model });
      const m = (await t.ok(METRICS, { id: silent })).customer.metrics;
      expect(m.year).toMatchObject({ low: 0, high: 0 });
      expect(m.year.value).toBeGreaterThanOrEqual(0);
      expect(m.predictedClv.high.amount).toBe('0.00');
    }
  });
});
