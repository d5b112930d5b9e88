import { discountedClv, UNITS_PER_MONTH } from '../../../src/modules/metrics/models/clv';

describe('discounted CLV', () => {
  it('counts a month as 365/12 days, in weeks (4.345238…, lifetimes’ 4.345 unrounded) and in days', () => {
    expect(UNITS_PER_MONTH.week).toBeCloseTo(4.345238095238, 12);
    expect(UNITS_PER_MONTH.week * 7 * 12).toBeCloseTo(365, 12);
    expect(UNITS_PER_MONTH.day * 12).toBeCloseTo(365, 12);
    expect(Math.abs(UNITS_PER_MONTH.week - 4.345) / 4.345).toBeLessThan(6e-5);
  });

  it('gives a weekly and a daily model of the same purchase rate the same value', () => {
    // One purchase a week at 10 a purchase, 12 months at 1% a month.
    const weekly = discountedClv((t) => t, 10, {
      months: 12,
      monthlyDiscountRate: 0.01,
      unitsPerMonth: UNITS_PER_MONTH.week,
    });
    const daily = discountedClv((t) => t / 7, 10, {
      months: 12,
      monthlyDiscountRate: 0.01,
      unitsPerMonth: UNITS_PER_MONTH.day,
    });
    expect(daily).toBeCloseTo(weekly, 10);
    // Σ 10 · (365/84) / 1.01^m for m = 1…12 = 43.452381 · 11.255077 = 489.0599 (the old 365.25/12/7 gave 489.39).
    const annuity = Array.from({ length: 12 }, (_, m) => 1 / 1.01 ** (m + 1)).reduce(
      (a, b) => a + b,
    );
    expect(annuity).toBeCloseTo(11.2550775, 6);
    expect(weekly).toBeCloseTo((10 * 365 * annuity) / 84, 9);
    expect(weekly).toBeCloseTo(489.0599, 3);
  });
});
