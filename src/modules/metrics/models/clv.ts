/**
 * Discounted customer lifetime value over a horizon of months (Fader, Hardie & Lee 2005, "RFM and CLV",
 * and the lifetimes convention): the sum over months i of the expected purchases in month i times the
 * expected spend per purchase, discounted by (1 + monthly rate)^i. Time units per month convert the
 * purchase model's unit (weeks or days) into months.
 */

export const UNITS_PER_MONTH = { week: 365.25 / 12 / 7, day: 365.25 / 12 } as const;
export type TimeUnit = keyof typeof UNITS_PER_MONTH;

export interface ClvHorizon {
  months: number;
  /** e.g. 0.01 for 1% a month. */
  monthlyDiscountRate: number;
  unitsPerMonth: number;
}

/** cumulativePurchases(t): expected purchases in the next t time units (from any purchase model). */
export function discountedClv(
  cumulativePurchases: (t: number) => number,
  spendPerPurchase: number,
  horizon: ClvHorizon,
): number {
  let total = 0;
  let previous = 0;
  for (let month = 1; month <= horizon.months; month++) {
    const cumulative = cumulativePurchases(month * horizon.unitsPerMonth);
    total +=
      (spendPerPurchase * (cumulative - previous)) /
      Math.pow(1 + horizon.monthlyDiscountRate, month);
    previous = cumulative;
  }
  return total;
}
