import { BadUserInputError } from './errors';
import type { ShopTime } from './shop-time';

/**
 * The moment an as-of day stands for: the last millisecond of that shop day, or `now` for today. A day still to come
 * is refused (`asOf`, BAD_USER_INPUT): figures as of it would only be today's with more silence. Apart from
 * shop-time.ts because config.ts imports that one before tracing starts, and errors.ts loads graphql, which tracing
 * must patch as it loads.
 */
export function asOfMoment(shopTime: ShopTime, day: string, now: Date): Date {
  const today = shopTime.dayOf(now);
  if (day > today)
    throw new BadUserInputError(`asOf ${day} is after today (${today})`, {
      field: 'asOf',
      max: today,
    });
  return day === today ? now : new Date(shopTime.endOfDay(day).getTime() - 1);
}
