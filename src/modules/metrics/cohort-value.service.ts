import { BadUserInputError } from '../../common/errors';
import { money } from '../../common/money';
import { CohortValueQueries } from '../orders';
import { CohortValue } from './cohort-value.types';

/** At most this many cohort months per query, and this many months since acquisition. */
export const MAX_COHORT_MONTHS = 120;
export const MAX_MONTHS_SINCE_ACQUISITION = 120;

/** Months from the month of `from` to the month of `to`, both included (days as YYYY-MM-DD). */
export const cohortMonthsBetween = (from: string, to: string) =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
  Number(to.slice(5, 7)) -
  Number(from.slice(5, 7)) +
  1;

/**
 * Lifetime value by acquisition cohort: the spend matrix in one statement. The model's forecast per cohort (issue
 * 17, item 9) is not served yet: predicting every customer of a cohort over every parameter draw has to be priced
 * by cohort size and sliced before a client may ask for it.
 */
export class CohortValueService {
  constructor(
    private readonly cohorts: CohortValueQueries,
    private readonly currency: string,
  ) {}

  async cohortValue(from: string, to: string, months: number, now: Date): Promise<CohortValue[]> {
    const cohortMonths = cohortMonthsBetween(from, to);
    if (cohortMonths < 1)
      throw new BadUserInputError('to must not be in a month before from', { field: 'to' });
    if (cohortMonths > MAX_COHORT_MONTHS)
      throw new BadUserInputError(`At most ${MAX_COHORT_MONTHS} cohort months`, {
        field: 'to',
        maxMonths: MAX_COHORT_MONTHS,
      });
    if (!Number.isInteger(months) || months < 1 || months > MAX_MONTHS_SINCE_ACQUISITION)
      throw new BadUserInputError(`months must be 1 to ${MAX_MONTHS_SINCE_ACQUISITION}`, {
        field: 'months',
        maxMonths: MAX_MONTHS_SINCE_ACQUISITION,
      });
    const rows = await this.cohorts.cumulativeSpendByCohort(from, to, months, now);
    return rows.map((r) => ({
      cohort: r.cohort,
      customers: r.customers,
      averageCumulativeSpend: Array.from(r.averageCumulativeMinor, (m) =>
        money(m ?? 0n, this.currency),
      ),
    }));
  }
}
