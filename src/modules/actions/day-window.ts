import { BadUserInputError } from '../../common/errors';

/**
 * Bounds of the base-wide date windows (replenishmentDue, nextBestActions). A window used to be any pair of days:
 * "0001-01-01" to "9999-12-31" matched every cycle of the base in one answer. A year (366 days, a leap year) is
 * what a campaign plans for; days outside 1900–2199 are typing errors, not plans.
 */
export const MAX_WINDOW_DAYS = 366;
export const EARLIEST_DAY = '1900-01-01';
export const LATEST_DAY = '2199-12-31';

const DAY_MS = 86_400_000;

/** Throws BAD_USER_INPUT (naming the argument) unless from ≤ to, both in range, at most MAX_WINDOW_DAYS apart. */
export function checkDayWindow(
  from: string,
  to: string,
  fields: { from: string; to: string },
): void {
  for (const [day, field] of [
    [from, fields.from],
    [to, fields.to],
  ]) {
    if (!(day >= EARLIEST_DAY && day <= LATEST_DAY)) {
      throw new BadUserInputError(`${field} must be between ${EARLIEST_DAY} and ${LATEST_DAY}`, {
        field,
        min: EARLIEST_DAY,
        max: LATEST_DAY,
      });
    }
  }
  if (!(from <= to))
    throw new BadUserInputError(`${fields.to} must not be before ${fields.from}`, {
      field: fields.to,
    });
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
  if (days > MAX_WINDOW_DAYS) {
    throw new BadUserInputError(
      `${fields.from} to ${fields.to} must span at most ${MAX_WINDOW_DAYS} days`,
      { field: fields.to, maxDays: MAX_WINDOW_DAYS },
    );
  }
}
