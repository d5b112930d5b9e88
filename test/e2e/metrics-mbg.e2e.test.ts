import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';
import { Random } from '../../src/common/random';

const FIT = `mutation($asOf: LocalDate!, $model: PurchaseModel) { fitModels(asOf: $asOf, timeUnit: WEEK, purchaseModel: $model) {
  id purchaseModel r alpha a b s beta logLikelihood customers repeatCustomers } }`;

const METRICS = `query($id: ID!) { customer(id: $id) { metrics { probabilityAlive
  expectedPurchases(days: 180) { value low high } predictedClv(months: 12) { value { amount } low { amount } high { amount } }
  modelFit { id purchaseModel } } } }`;

const DAY = 86_400_000;

let t: TestApp;
let oneTimeBuyer: string;
let regular: string;
const asOf = new Date(Date.now() - DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await startTestApp();
  // A small seeded base: 30 customers who joined 200 to 400 days ago, with 0 to 4 repeat orders each.
  const rng = new Random(17);
  for (let i = 0; i < 30; i++) {
    const { id } = await createCustomer(t);
    let ago = 200 + Math.floor(200 * rng.next());
    const repeats = i % 5;
    for (let k = 0; k <= repeats && ago > 2; k++) {
      await recordOrder(t, id, {
        gross: (20 + Math.floor(40 * rng.next())).toFixed(2),
        placedAt: new Date(Date.now() - ago * DAY).toISOString(),
      });
      ago -= 10 + Math.floor(50 * rng.next());
    }
    if (repeats === 0 && !oneTimeBuyer) oneTimeBuyer = id;
    if (repeats === 4 && !regular) regular = id;
  }
});
afterAll(async () => {
  await t.close();
});

describe('fitModels with the modified BG/NBD', () => {
  it('fits MBG/NBD through the API and gives a one-time buyer P(alive) < 1 where BG/NBD says 1', async () => {
    const bg = (await t.ok(FIT, { asOf, model: 'BG_NBD' })).fitModels;
    expect(bg.purchaseModel).toBe('BG_NBD');
    const underBg = (await t.ok(METRICS, { id: oneTimeBuyer })).customer.metrics;
    expect(underBg.probabilityAlive).toBe(1);

    const { fitModels: fit } = await t.ok(FIT, { asOf, model: 'MBG_NBD' });
    expect(fit).toMatchObject({
      purchaseModel: 'MBG_NBD',
      customers: 30,
      repeatCustomers: 24,
      s: null,
      beta: null,
    });
    for (const name of ['r', 'alpha', 'a', 'b']) expect(fit[name]).toBeGreaterThan(0);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);

    const m = (await t.ok(METRICS, { id: oneTimeBuyer })).customer.metrics;
    expect(m.modelFit).toEqual({ id: fit.id, purchaseModel: 'MBG_NBD' });
    expect(m.probabilityAlive).toBeGreaterThan(0);
    expect(m.probabilityAlive).toBeLessThan(1);
    expect(m.expectedPurchases.value).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(m.expectedPurchases.low)).toBe(true);
    expect(Number.isInteger(m.expectedPurchases.high)).toBe(true);
    expect(m.expectedPurchases.low).toBeLessThanOrEqual(m.expectedPurchases.high);
    expect(Number(m.predictedClv.value.amount)).toBeGreaterThanOrEqual(0);

    // A regular with several repeat orders is expected to buy more than the one-time buyer.
    const r = (await t.ok(METRICS, { id: regular })).customer.metrics;
    expect(r.probabilityAlive).toBeGreaterThan(0);
    expect(r.probabilityAlive).toBeLessThanOrEqual(1);
    expect(r.expectedPurchases.value).toBeGreaterThan(m.expectedPurchases.value);
    expect(Number(r.predictedClv.value.amount)).toBeGreaterThan(
      Number(m.predictedClv.value.amount),
    );
  });
});
