import { parseExpression } from 'cron-parser';

/**
 * Cron expressions of the job schedules (JOB_SCHEDULE_<JOB>), read in a time zone (SHOP_TIME_ZONE) with
 * cron-parser, the library pg-boss itself uses: 5 fields (minute hour day-of-month month day-of-week), or 6 with
 * seconds first. A slot is a moment the expression names; DST is cron-parser's: a skipped local time does not
 * occur that day, a repeated one occurs once.
 */

/** Why an expression is no schedule, or null. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6)
    return 'must be a cron expression of 5 fields (e.g. "0 3 * * *": 03:00 every day), 6 with seconds, or off';
  try {
    parseExpression(expression, { tz: 'UTC' }).next();
    return null;
  } catch (error) {
    return `is not a valid cron expression (${(error as Error).message})`;
  }
}

/** The first slot strictly after a moment. */
export function nextSlotAfter(expression: string, zone: string, after: Date): Date {
  return parseExpression(expression, { tz: zone, currentDate: after }).next().toDate();
}

/** The latest slot at or before a moment (the one a catch-up run stands for), or null when there is none. */
export function latestSlotAtOrBefore(expression: string, zone: string, at: Date): Date | null {
  // cron-parser steps from whole seconds and returns slots strictly before currentDate.
  const after = new Date(Math.floor(at.getTime() / 1000) * 1000 + 1000);
  try {
    const slot = parseExpression(expression, { tz: zone, currentDate: after }).prev().toDate();
    return slot.getTime() <= at.getTime() ? slot : null;
  } catch {
    return null; // no earlier slot (an expression bounded in years)
  }
}
