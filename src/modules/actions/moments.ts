/**
 * Moments worth a greeting: the next birthday, name day and signup anniversary on or after a day. Pure. Days are
 * shop days (SHOP_TIME_ZONE): the anniversary of a signup is the shop day it happened on.
 */
import { addDays, ShopTime } from '../../common/shop-time';

export type MomentKind = 'BIRTHDAY' | 'NAME_DAY' | 'SIGNUP_ANNIVERSARY';

export interface MomentSource {
  birthDate: string | null;
  nameDay: { month: number; day: number } | null;
  signupAt: Date;
}

export interface Moment {
  kind: MomentKind;
  day: string;
  /** Years since the original date (age or membership years); null for name days. */
  years: number | null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The next day with this month and day on or after the day `from`; 29 February falls on 28 February in other years. */
export function nextOccurrence(month: number, day: number, from: string): string {
  for (let year = Number(from.slice(0, 4)); ; year++) {
    const date = `${pad(year, 4)}-${pad(month)}-${pad(month === 2 && day === 29 && !isLeap(year) ? 28 : day)}`;
    if (date >= from) return date;
  }
}

/** The moments from the shop day `from` to `days` days after it, soonest first. */
export function upcomingMoments(
  source: MomentSource,
  from: string,
  days: number,
  shopTime: ShopTime,
): Moment[] {
  const horizon = addDays(from, days);
  const moments: Moment[] = [];
  const add = (kind: MomentKind, month: number, day: number, originYear: number | null) => {
    const next = nextOccurrence(month, day, from);
    if (next > horizon) return;
    const years = originYear === null ? null : Number(next.slice(0, 4)) - originYear;
    if (years !== null && years <= 0) return;
    moments.push({ kind, day: next, years });
  };
  if (source.birthDate) {
    const [y, m, d] = source.birthDate.split('-').map(Number);
    add('BIRTHDAY', m, d, y);
  }
  if (source.nameDay) add('NAME_DAY', source.nameDay.month, source.nameDay.day, null);
  const [y, m, d] = shopTime.dayOf(source.signupAt).split('-').map(Number);
  add('SIGNUP_ANNIVERSARY', m, d, y);
  return moments.sort((a, b) => a.day.localeCompare(b.day));
}
