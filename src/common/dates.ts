import { ASTNode, GraphQLScalarType, Kind, ValueNode } from 'graphql';
import { AppError } from './errors';

/**
 * The one rule for dates (docs/dates.md): a value that names a calendar day (a birth date, a due day, an as-of day,
 * the first and last day of a report or window) is a LocalDate, `YYYY-MM-DD`, a shop day (SHOP_TIME_ZONE, see
 * shop-time.ts, which turns days into moments and back); a value that names a moment
 * (when something happened or will happen, and the bounds of filters on such moments) is a DateTimeISO, a date and a
 * time with its offset. Both take years 0001 to 9999 only, so whatever they let through, JavaScript and PostgreSQL
 * can both hold, and every refusal says the expected format with an example.
 */
export const DAY_FORMAT = 'YYYY-MM-DD';
export const DAY_EXAMPLE = '2026-01-31';
export const INSTANT_FORMAT = 'YYYY-MM-DDTHH:MM:SS[.sss] followed by Z or ±HH:MM';
export const INSTANT_EXAMPLE = '2026-01-31T09:30:00Z';
const INSTANT_EXAMPLE_OFFSET = '2026-01-31T10:30:00+01:00';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 date-time (a space for the T, and a time without seconds, are accepted as people write them).
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const INSTANT_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const FIRST_INSTANT = -62135596800000; // 0001-01-01T00:00:00Z
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A date or date-time a person or client sent that is not one; BAD_USER_INPUT with the format and an example. */
export class DateFormatError extends AppError {
  constructor(problem: string, kind: 'day' | 'instant', node?: ASTNode) {
    const [expected, example] =
      kind === 'day' ? [DAY_FORMAT, DAY_EXAMPLE] : [INSTANT_FORMAT, INSTANT_EXAMPLE];
    const hint =
      kind === 'day'
        ? `a calendar day as ${DAY_FORMAT}, e.g. ${DAY_EXAMPLE}`
        : `a date and time with its offset, e.g. ${INSTANT_EXAMPLE} or ${INSTANT_EXAMPLE_OFFSET}`;
    super(`${problem}; expected ${hint}`, 'BAD_USER_INPUT', { expected, example }, node);
  }
}

/** The value as it can be shown in a message: quoted, escaped (a NUL byte reads \u0000), at most 40 characters. */
function shown(value: unknown): string {
  if (typeof value !== 'string')
    return value !== null && typeof value === 'object' ? 'an object' : String(value);
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
/** An expanded ISO year (`10000-01-01`, `+010000-01-01`), which no four-digit year can write. */
const hasYearPast9999 = (value: string) => Number(/^[+-]?(\d{5,})-/.exec(value)?.[1] ?? 0) > 9999;
const daysInMonth = (year: number, month: number) =>
  month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** Why year-month-day is no day of the calendar, or null when it is one. */
function calendarProblem(value: string, year: number, month: number, day: number): string | null {
  if (year < 1) return `${shown(value)} is in the year 0000; years run from 0001 to 9999`;
  if (month < 1 || month > 12)
    return `${shown(value)} has no month ${String(month).padStart(2, '0')}`;
  const last = daysInMonth(year, month);
  if (day < 1 || day > last)
    return `${shown(value)} is not a day of the calendar (${MONTHS[month - 1]} ${year} has ${last} days)`;
  return null;
}

/** Why the value is not a LocalDate, or null when it is one. */
export function dayProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `${shown(value)} is not a string`;
  const match = DAY.exec(value);
  if (!match) {
    if (INSTANT.test(value) || INSTANT_WITHOUT_OFFSET.test(value))
      return `${shown(value)} is a date and time, not a day: give the day alone`;
    if (hasYearPast9999(value)) return `${shown(value)} has a year past 9999`;
    return `${shown(value)} is not a day`;
  }
  return calendarProblem(value, Number(match[1]), Number(match[2]), Number(match[3]));
}

/** The LocalDate the value is, or a DateFormatError saying why not. */
export function parseDay(value: unknown, node?: ASTNode): string {
  const problem = dayProblem(value);
  if (problem) throw new DateFormatError(problem, 'day', node);
  return value as string;
}

/** The instant the value is, or a DateFormatError saying why not. */
export function parseInstant(value: unknown, node?: ASTNode): Date {
  const instant = readInstant(value);
  if (typeof instant === 'string') throw new DateFormatError(instant, 'instant', node);
  return instant;
}

/** Why the value is not a DateTimeISO, or null when it is one. */
export const instantProblem = (value: unknown): string | null => {
  const instant = readInstant(value);
  return typeof instant === 'string' ? instant : null;
};

/** The instant, or why the value is none. */
function readInstant(value: unknown): Date | string {
  if (typeof value !== 'string') return `${shown(value)} is not a string`;
  const m = INSTANT.exec(value);
  if (!m) {
    if (DAY.test(value))
      return `${shown(value)} is a day without a time: add one and an offset, e.g. ${value}T00:00:00Z`;
    if (INSTANT_WITHOUT_OFFSET.test(value))
      return `${shown(value)} has no offset: add Z for UTC or ±HH:MM`;
    if (hasYearPast9999(value)) return `${shown(value)} has a year past 9999`;
    return `${shown(value)} is not a date and time`;
  }
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const calendar = calendarProblem(value, year, month, day);
  if (calendar) return calendar;
  if (hour > 23 || minute > 59 || second > 59)
    return `${shown(value)} has no such time of day (hours 00–23, minutes and seconds 00–59)`;
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59)
    return `${shown(value)} has an offset out of range (at most ±23:59)`;
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  utc.setUTCFullYear(year);
  const instant = new Date(utc.getTime() - offset);
  if (instant.getTime() < FIRST_INSTANT || instant.getTime() > LAST_INSTANT)
    return `${shown(value)} falls outside the years 0001 to 9999 in UTC`;
  return instant;
}

// Days become moments only through ShopTime (shop-time.ts). A Date that reaches the LocalDate scalar is printed as
// its UTC date: the services hand days over as YYYY-MM-DD strings, already in the shop's calendar.
const dayOf = (moment: Date): string => moment.toISOString().slice(0, 10);

function literal(kind: 'day' | 'instant', ast: ValueNode): string {
  if (ast.kind !== Kind.STRING) {
    const what =
      ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : ast.kind.toLowerCase();
    throw new DateFormatError(`${what} is not a string`, kind, ast);
  }
  return ast.value;
}

export const LocalDateScalar = new GraphQLScalarType<string, string>({
  name: 'LocalDate',
  description:
    `A calendar day, ${DAY_FORMAT} (e.g. \`${DAY_EXAMPLE}\`), years 0001 to 9999, with no time and no time zone: ` +
    'birth dates, due days, as-of days, the first and last day of a report (both inclusive). Days are the shop’s days: a day runs from midnight to midnight in the server’s SHOP_TIME_ZONE (UTC unless configured).',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value) {
    if (value instanceof Date) return dayOf(value);
    return parseDay(value);
  },
  parseValue: (value) => parseDay(value),
  parseLiteral: (ast) => parseDay(literal('day', ast), ast),
});

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTimeISO',
  description:
    `An instant: a date and time with its offset, RFC 3339 (e.g. \`${INSTANT_EXAMPLE}\` or \`${INSTANT_EXAMPLE_OFFSET}\`), ` +
    'years 0001 to 9999; seconds and fractions may be left out. A day alone is refused, since it names no moment. ' +
    'Sent back in UTC with milliseconds (`2026-01-31T09:30:00.000Z`). When something happened or will happen, and the bounds of filters on such moments.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value) {
    const moment =
      value instanceof Date
        ? value
        : typeof value === 'number'
          ? new Date(value)
          : parseInstant(value);
    if (Number.isNaN(moment.getTime()))
      throw new TypeError('DateTimeISO cannot serialize an invalid Date');
    return moment.toISOString();
  },
  parseValue: (value) => parseInstant(value),
  parseLiteral: (ast) => parseInstant(literal('instant', ast), ast),
});
