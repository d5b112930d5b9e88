import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

const COHORT_VALUE = `query($from: LocalDate!, $to: LocalDate!, $months: Int, $asOf: LocalDate) {
  cohortValue(from: $from, to: $to, months: $months, asOf: $asOf) {
    cohort customers averageCumulativeSpend { amount currency minorUnits } } }`;

let t: TestApp;
const amounts = (row: any) => row.averageCumulativeSpend.map((m: any) => m.amount);

beforeAll(async () => {
  t = await startTestApp();
  await createProducts(t, [{ sku: 'COH-1', unitPrice: '7.00' }]);
  // Cohort 2021-01: A and B. A buys again in February (3 × 7.00, one unit refunded) and cancels an order in March.
  const a = await createCustomer(t);
  await recordOrder(t, a.id, { gross: '10.00', placedAt: '2021-01-10T12:00:00Z' });
  const withLine = await recordOrder(t, a.id, {
    placedAt: '2021-02-15T12:00:00Z',
    lines: [{ sku: 'COH-1', quantity: 3, unitPrice: '7.00' }],
  });
  await t.ok(`mutation($input: RecordReturnInput!) { recordReturn(input: $input) { status } }`, {
    input: {
      orderId: withLine.id,
      lines: [{ orderLineId: withLine.lines[0].id, quantity: 1 }],
      returnedAt: '2021-02-20T00:00:00Z',
    },
  });
  await recordOrder(t, a.id, {
    gross: '100.00',
    status: 'CANCELLED',
    placedAt: '2021-03-05T12:00:00Z',
  });
  const b = await createCustomer(t);
  await recordOrder(t, b.id, { gross: '30.00', placedAt: '2021-01-31T23:30:00Z' });
  // Cohort 2021-02: C, who buys again in April.
  const c = await createCustomer(t);
  await recordOrder(t, c.id, { gross: '5.00', placedAt: '2021-02-03T12:00:00Z' });
  await recordOrder(t, c.id, { gross: '5.00', placedAt: '2021-04-01T00:00:00Z' });
  // Only a cancelled order: acquired by no cohort.
  const d = await createCustomer(t);
  await recordOrder(t, d.id, {
    gross: '50.00',
    status: 'CANCELLED',
    placedAt: '2021-01-15T12:00:00Z',
  });
});
afterAll(async () => {
  await t.close();
});

describe('cohortValue', () => {
  it('gives the hand-computed matrix: counted orders only, net of refunds, cumulative per customer', async () => {
    const { cohortValue } = await t.ok(COHORT_VALUE, {
      from: '2021-01-15',
      to: '2021-02-28',
      months: 4,
    });
    expect(cohortValue.map((r: any) => [r.cohort, r.customers, amounts(r)])).toEqual([
      // (10 + 30) / 2; then + (21 − 7) / 2; the cancelled March order adds nothing.
      ['2021-01', 2, ['20.00', '27.00', '27.00', '27.00']],
      ['2021-02', 1, ['5.00', '5.00', '10.00', '10.00']],
    ]);
    expect(cohortValue[0].averageCumulativeSpend[0]).toEqual({
      amount: '20.00',
      currency: 'USD',
      minorUnits: '2000',
    });
    const months = await t.ok(COHORT_VALUE, { from: '2021-01-01', to: '2021-01-31' });
    expect(months.cohortValue).toHaveLength(1);
    expect(months.cohortValue[0].averageCumulativeSpend).toHaveLength(24);
  });

  it('reads the cohorts as of a day: first purchases, orders, refunds and months up to its end', async () => {
    const { cohortValue } = await t.ok(COHORT_VALUE, {
      from: '2021-01-01',
      to: '2021-03-31',
      months: 4,
      asOf: '2021-02-16',
    });
    expect(cohortValue.map((r: any) => [r.cohort, r.customers, amounts(r)])).toEqual([
      // A's February order (21.00) is in, and its refund of 20 February is not yet.
      ['2021-01', 2, ['20.00', '30.50']],
      ['2021-02', 1, ['5.00']],
    ]);
    const before = await t.ok(COHORT_VALUE, {
      from: '2021-01-01',
      to: '2021-03-31',
      asOf: '2021-01-20',
    });
    expect(before.cohortValue.map((r: any) => [r.cohort, r.customers, amounts(r)])).toEqual([
      ['2021-01', 1, ['10.00']],
    ]);
    const later = await t.gql(COHORT_VALUE, {
      from: '2021-01-01',
      to: '2021-03-31',
      asOf: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
    });
    expect(later.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(later.errors?.[0].message).toMatch(/after today/);
  });

  it('has no forecast before a fit', async () => {
    const { cohortValue } = await t.ok(
      `{ cohortValue(from: "2021-01-01", to: "2021-02-28") { cohort forecast { months } } }`,
    );
    expect(cohortValue.map((r: any) => r.forecast)).toEqual([null, null]);
  });

  it('refuses more than 120 cohort months or months since acquisition, and keys without metrics:read', async () => {
    for (const variables of [
      { from: '2000-01-01', to: '2010-01-31' },
      { from: '2021-01-01', to: '2021-01-31', months: 121 },
      { from: '2021-01-01', to: '2021-01-31', months: 0 },
      { from: '2021-02-01', to: '2021-01-31' },
    ]) {
      const res = await t.gql(COHORT_VALUE, variables);
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const fine = await t.gql(COHORT_VALUE, { from: '2000-01-01', to: '2009-12-31', months: 120 });
    expect(fine.errors).toBeUndefined();
    const key = await t.keyWith(['customers:read']);
    const res = await t.gql(COHORT_VALUE, { from: '2021-01-01', to: '2021-02-28' }, key);
    expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
