/**
 * The shop's calendar: which day a moment falls on, and where a day begins and ends, in SHOP_TIME_ZONE (an IANA
 * name, validated by src/config.ts and checked against the database's pg_timezone_names when it opens). Every
 * calendar-day rule of the server goes through one ShopTime, in SQL and in JavaScript alike, so both agree:
 * JavaScript asks Intl for the zone's offsets, SQL uses PostgreSQL's `at time zone` (PGlite ships the same tzdata).
 *
 * A local time that a spring-forward skips (midnight in America/Santiago on its DST day) is read with the offset in
 * force before the jump, and one that a fall-back repeats with the offset after it, as PostgreSQL does (its manual,
 * "Handling of Invalid or Ambiguous Timestamps"), so a day begins at its first moment that exists.
 */
export const DEFAULT_SHOP_TIME_ZONE = 'UTC';

const DAY_MS = 86_400_000;
/** IANA names use letters, digits, `_`, `+`, `-` and `/` only: this keeps the inlined SQL literal safe. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** Why Node cannot use this zone name, or null when it can. */
export function timeZoneProblem(zone: string): string | null {
  if (!ZONE_NAME.test(zone)) return 'must be an IANA time zone name such as America/New_York';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return null;
  } catch {
    return 'is not a time zone Node knows (an IANA name such as America/New_York or Europe/Zagreb)';
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The calendar day `days` after `day` (negative: before), YYYY-MM-DD; pure calendar arithmetic. */
export function addDays(day: string, days: number): string {
  const at = new Date(`${day}T00:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** The same day of the month `months` later (negative: earlier), YYYY-MM-DD; the 31st falls on a shorter month's last day. */
export function addMonthsToDay(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  const last = new Date(Date.UTC(2000, m, 0)).getUTCDate(); // days in month m of a leap year
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 && !leap ? 28 : last;
  return `${pad(y, 4)}-${pad(m)}-${pad(Math.min(date, days))}`;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export class ShopTime {
  private readonly format: Intl.DateTimeFormat;
  /** The zone as a SQL string literal (the name was checked against ZONE_NAME, which has no quote). */
  private readonly zoneLiteral: string;

  constructor(readonly zone: string = DEFAULT_SHOP_TIME_ZONE) {
    const problem = timeZoneProblem(zone);
    if (problem) throw new Error(`Shop time zone ${JSON.stringify(zone)} ${problem}`);
    this.zoneLiteral = `'${zone.replace(/'/g, "''")}'`;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  // --- SQL: expressions to embed in a statement; the arguments are SQL expressions, never client text, and are
  // parenthesised (`at time zone` binds tighter than `+`).

  /** SQL: the shop day (a `date`) of a timestamptz expression. */
  daySql(moment: string): string {
    return `((${moment}) at time zone ${this.zoneLiteral})::date`;
  }

  /** SQL: the shop's wall-clock time (a `timestamp`) of a timestamptz expression, for months and years. */
  localSql(moment: string): string {
    return `((${moment}) at time zone ${this.zoneLiteral})`;
  }

  /** SQL: the first moment (timestamptz) of the shop day given by a `date` expression. */
  startOfDaySql(day: string): string {
    return `((${day})::date::timestamp at time zone ${this.zoneLiteral})`;
  }

  /** SQL: the first moment after the shop day given by a `date` expression (the exclusive end of that day). */
  endOfDaySql(day: string): string {
    return `(((${day})::date + 1)::timestamp at time zone ${this.zoneLiteral})`;
  }

  // --- JavaScript: the same rules through Intl.

  /** The shop day of a moment, YYYY-MM-DD. */
  dayOf(moment: Date): string {
    const p = this.wallClock(moment.getTime());
    return `${p.year < 0 ? '-' : ''}${pad(Math.abs(p.year), 4)}-${pad(p.month)}-${pad(p.day)}`;
  }

  /** The first moment of a shop day. */
  startOfDay(day: string): Date {
    return this.atWallClock(Date.parse(`${day}T00:00:00.000Z`));
  }

  /**
   * The moment the shop's clocks show a wall-clock time, given as milliseconds of the same date and time in UTC
   * (`Date.UTC(y, m, d, h, min)`); a skipped time takes the offset before the jump, a repeated one the offset after.
   */
  atWallClock(local: number): Date {
    // An offset changes at most once within a day of any moment, so the offsets a day before and after bracket it.
    const before = this.offsetAt(local - DAY_MS);
    const after = this.offsetAt(local + DAY_MS);
    if (before === after) return new Date(local - before);
    const withAfter = local - after;
    if (this.offsetAt(withAfter) === after) return new Date(withAfter);
    return new Date(local - before); // valid with the offset before, or skipped by a spring-forward
  }

  /** The first moment after a shop day: the exclusive end of a range whose last day is `day`. */
  endOfDay(day: string): Date {
    return this.startOfDay(addDays(day, 1));
  }

  /** The shop's month of a moment, YYYY-MM. */
  monthOf(moment: Date): string {
    return this.dayOf(moment).slice(0, 7);
  }

  /** The zone's offset from UTC at a moment, in milliseconds (east positive). */
  offsetAt(ms: number): number {
    const p = this.wallClock(ms);
    const wall = new Date(0);
    wall.setUTCFullYear(p.year, p.month - 1, p.day);
    wall.setUTCHours(p.hour, p.minute, p.second, 0);
    return wall.getTime() - Math.floor(ms / 1000) * 1000;
  }

  private wallClock(ms: number) {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(new Date(ms))) parts[part.type] = part.value;
    const yearOfEra = Number(parts.year);
    return {
      // Astronomical years (1 BC = 0), so that the arithmetic of offsetAt holds before year 1 too.
      year: parts.era === 'BC' || parts.era === 'B' ? 1 - yearOfEra : yearOfEra,
      month: Number(parts.month),
      day: Number(parts.day),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      second: Number(parts.second),
    };
  }
}
