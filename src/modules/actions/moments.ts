/** Moments worth a greeting: the next birthday, name day and signup anniversary on or after a day. Pure. */

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

/** The next date with this month and day on or after `from`; 29 February falls on 28 February in other years. */
export function nextOccurrence(month: number, day: number, from: Date): Date {
  for (let year = from.getUTCFullYear(); ; year++) {
    const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
    const date = new Date(Date.UTC(year, month - 1, month === 2 && day === 29 && !leap ? 28 : day));
    if (date.getTime() >= Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()))
      return date;
  }
}

export function upcomingMoments(source: MomentSource, from: Date, days: number): Moment[] {
  const horizon =
    Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) + days * 86_400_000;
  const moments: Moment[] = [];
  const add = (kind: MomentKind, month: number, day: number, originYear: number | null) => {
    const next = nextOccurrence(month, day, from);
    if (next.getTime() > horizon) return;
    const years = originYear === null ? null : next.getUTCFullYear() - originYear;
    if (years !== null && years <= 0) return;
    moments.push({ kind, day: next.toISOString().slice(0, 10), years });
  };
  if (source.birthDate) {
    const [y, m, d] = source.birthDate.split('-').map(Number);
    add('BIRTHDAY', m, d, y);
  }
  if (source.nameDay) add('NAME_DAY', source.nameDay.month, source.nameDay.day, null);
  add(
    'SIGNUP_ANNIVERSARY',
    source.signupAt.getUTCMonth() + 1,
    source.signupAt.getUTCDate(),
    source.signupAt.getUTCFullYear(),
  );
  return moments.sort((a, b) => a.day.localeCompare(b.day));
}
