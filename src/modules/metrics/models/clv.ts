/**
 * Discounted customer lifetime value over a horizon of months (Fader, Hardie & Lee 2005, "RFM and CLV",
 * and lifetimes' `customer_lifetime_value`): the sum over months i of the expected purchases in month i times the
 * expected spend per purchase, discounted by (1 + monthly rate)^i. Time units per month convert the
 * purchase model's unit (weeks or days) into months.
 */

/**
 * A month is 365/12 days (a 365-day year in twelve months): 365/84 = 4.345238… weeks or 30.41667 days.
 * This is the month of lifetimes' weekly factor, which its utils.py writes rounded to 4.345 weeks; we keep it
 * unrounded, and use the same month for daily fits rather than lifetimes' daily factor of 30 days (a different
 * month, 4.286 weeks), so a weekly and a daily fit of the same history forecast the same months. Against lifetimes' 4.345 a weekly month differs by 5.5e-5 of its length.
 */
export const UNITS_PER_MONTH = { week: 365 / 12 / 7, day: 365 / 12 } as const;
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
