import { currencyExponent } from '../common/money';
import type { NestedPageSpec } from '../common/nested-pages';
import { globalIdSql } from '../common/relay';

/** What a finishing step may depend on besides the raw value: the request's one clock reading. */
export interface FinishContext {
  now: Date;
}

/**
 * How one GraphQL field is read in SQL when a whole selection is compiled into one statement
 * (see compiler.ts). `row` is the SQL alias of the row the field belongs to.
 */
export type FieldProjection =
  /** A leaf whose SQL value is already what the GraphQL scalar serialises to. */
  | { kind: 'value'; sql: (row: string) => string }
  /**
   * A value that needs the product's own code: SQL reads the figures, `finish` turns them into the same object
   * the resolver returns (a Money, a CustomerSummary), and the selection is picked from that in JS.
   * `accepts` refuses sub-selections the figures cannot answer.
   */
  | {
      kind: 'computed';
      sql: (row: string) => string;
      finish: (raw: any, context: FinishContext) => unknown;
      accepts?: (fields: ReadonlySet<string>) => boolean;
    }
  /** One related row (null when there is none): `from` is a from-and-where clause naming the child `alias`. */
  | { kind: 'one'; from: (row: string, alias: string) => string; when?: (row: string) => string }
  /** Every related row, in order. */
  | {
      kind: 'many';
      from: (row: string, alias: string) => string;
      orderBy: (alias: string) => string;
    }
  /** A nested connection read as a keyset page (nodes and totalCount; edges and pageInfo go through resolvers). */
  | { kind: 'page'; page: PageProjection<any> }
  /**
   * An object built in SQL alone, from the row or from `source` (a from-and-where clause naming `alias`, for an
   * aggregate over related rows). A selection with a field the object lacks is read by `otherwise`.
   */
  | {
      kind: 'object';
      value: SqlObject;
      source?: (row: string, alias: string) => string;
      otherwise?: FieldProjection;
    };

/** A value built in SQL alone: a leaf is an expression over the row; an object nests such values. */
export type SqlValue = ((row: string) => string) | SqlObject;

export interface SqlObject {
  fields: Record<string, SqlValue>;
  /** The object is null when this holds. */
  nullWhen?: (row: string) => string;
}

/** The same description of a nested page that fetchNestedPages uses, so both readers page alike. */
export interface PageProjection<A> extends NestedPageSpec<A> {
  /** The parent's column the child's parentColumn refers to. */
  parentKey: string;
}

/** Field projections by GraphQL type name, then field name; modules contribute theirs. */
export type TypeProjections = Record<string, Record<string, FieldProjection>>;

/**
 * The fields of a type the compiled reads cover that are left to the resolvers on purpose, by type name, then field
 * name, each with the reason. Every field of a covered type has a projection or is here (a test walks the schema),
 * so a new field forces a decision in the module that adds it. Selecting one sends the whole query to the resolvers.
 */
export type ResolverOnlyFields = Record<string, Record<string, string>>;

/** The fields of a nested page's connection the compiler does not read (see compilePage): nodes and totalCount it does. */
export const NESTED_PAGE_RESOLVER_ONLY: Record<string, string> = {
  edges: 'cursors are encoded per node in JS (nested pages are read for nodes and totalCount)',
  pageInfo:
    'needs one row beyond the page and the cursors, which the nested lateral does not fetch',
};

export function mergeProjections<T>(
  ...parts: Record<string, Record<string, T>>[]
): Record<string, Record<string, T>> {
  const merged: Record<string, Record<string, T>> = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part))
      merged[type] = { ...merged[type], ...fields };
  }
  return merged;
}

/** A column whose value is sent as it is (text, integers, enums stored by name, arrays, JSON). */
export const column = (name: string): FieldProjection => ({
  kind: 'value',
  sql: (row) => `${row}.${name}`,
});

/** A timestamp as GraphQL's DateTimeISO prints a JS Date: UTC, milliseconds, Z. */
export const isoTimestampSql = (expression: string) =>
  `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const timestamp = (name: string): FieldProjection => ({
  kind: 'value',
  sql: (row) => isoTimestampSql(`${row}.${name}`),
});

/** A Relay global id, built as toGlobalId builds it. */
export const globalId = (typeName: string, name = 'id'): FieldProjection => ({
  kind: 'value',
  sql: (row) => globalIdSql(typeName, `${row}.${name}`),
});

/**
 * ISO 4217 codes by their number of decimals, from the runtime's ICU data (as money() formats them), so SQL
 * formats amounts with the same exponent JS would.
 */
function currenciesByExponent(): Map<number, string[]> {
  const byExponent = new Map<number, string[]>();
  for (const code of Intl.supportedValuesOf('currency')) {
    const exponent = currencyExponent(code);
    byExponent.set(exponent, [...(byExponent.get(exponent) ?? []), code]);
  }
  return byExponent;
}

/** Integer minor units as the decimal text money() makes: exact numeric scaling, so 1190 → 11.90, -5 → -0.05. */
const scaledSql = (minor: string, exponent: number) =>
  exponent === 0
    ? `(${minor})::numeric::text`
    : `((${minor})::numeric * 0.${'0'.repeat(exponent - 1)}1)::text`;

let exponentGroups: { commonest: number; others: [number, string][] } | null = null;

/**
 * The amount of `minor` units of the currency in the SQL expression `currency`: a CASE over the exponents ICU
 * knows, tested first against `likely` (the shop currency, which nearly every row has).
 */
export function amountSql(
  minor: string,
  currency: { sql: string; likely?: string } | { code: string },
): string {
  if ('code' in currency) return scaledSql(minor, currencyExponent(currency.code));
  if (!exponentGroups) {
    const [[commonest], ...others] = [...currenciesByExponent()].sort(
      (a, b) => b[1].length - a[1].length,
    );
    exponentGroups = {
      commonest,
      others: others.map(([exponent, codes]) => [exponent, `'{${codes.join(',')}}'::text[]`]),
    };
  }
  const c = currency.sql;
  const likely = currency.likely
    ? `when ${c} = '${currency.likely}' then ${scaledSql(minor, currencyExponent(currency.likely))} `
    : '';
  const others = exponentGroups.others
    .map(([exponent, codes]) => `when ${c} = any(${codes}) then ${scaledSql(minor, exponent)}`)
    .join(' ');
  return `case ${likely}${others} else ${scaledSql(minor, exponentGroups.commonest)} end`;
}

/** Where a Money's currency comes from: a column of the row (mostly `likely`), or a fixed code. */
export type MoneyCurrency = { column: string; likely?: string } | { code: string };

/** A Money object in SQL: `minor` is an integer expression over the row, the currency a column of it or a fixed code. */
export function moneySql(minor: (row: string) => string, currency: MoneyCurrency): SqlObject {
  const currencyOf = (row: string) =>
    'code' in currency
      ? { code: currency.code }
      : { sql: `${row}.${currency.column}`, likely: currency.likely };
  return {
    fields: {
      amount: (row) => amountSql(minor(row), currencyOf(row)),
      currency: (row) => ('code' in currency ? `'${currency.code}'` : `${row}.${currency.column}`),
      minorUnits: (row) => `(${minor(row)})::text`,
    },
  };
}

/** An amount column of the row as a Money object, formatted in SQL exactly as money() formats it. */
export function moneyOf(minorColumn: string, currency: MoneyCurrency): FieldProjection {
  if ('code' in currency && !/^[A-Z]{3}$/.test(currency.code))
    throw new Error(`not a currency code: ${currency.code}`);
  return { kind: 'object', value: moneySql((row) => `${row}.${minorColumn}`, currency) };
}
