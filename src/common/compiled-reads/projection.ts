import { money } from '../money';
import type { NestedPageSpec } from '../nested-pages';
import { globalIdSql } from '../relay';

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
  | { kind: 'computed'; sql: (row: string) => string; finish: (raw: any, context: FinishContext) => unknown; accepts?: (fields: ReadonlySet<string>) => boolean }
  /** One related row (null when there is none): `from` is a from-and-where clause naming the child `alias`. */
  | { kind: 'one'; from: (row: string, alias: string) => string; when?: (row: string) => string }
  /** Every related row, in order. */
  | { kind: 'many'; from: (row: string, alias: string) => string; orderBy: (alias: string) => string }
  /** A nested connection read as a keyset page (nodes and totalCount; edges and pageInfo go through resolvers). */
  | { kind: 'page'; page: PageProjection<any> };

/** The same description of a nested page that fetchNestedPages uses, so both readers page alike. */
export interface PageProjection<A> extends NestedPageSpec<A> {
  /** The parent's column the child's parentColumn refers to. */
  parentKey: string;
}

/** Field projections by GraphQL type name, then field name; modules contribute theirs. */
export type TypeProjections = Record<string, Record<string, FieldProjection>>;

export function mergeProjections(...parts: TypeProjections[]): TypeProjections {
  const merged: TypeProjections = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part)) merged[type] = { ...merged[type], ...fields };
  }
  return merged;
}

/** A column whose value is sent as it is (text, integers, enums stored by name, arrays, JSON). */
export const column = (name: string): FieldProjection => ({ kind: 'value', sql: (row) => `${row}.${name}` });

/** A timestamp as GraphQL's DateTimeISO prints a JS Date: UTC, milliseconds, Z. */
export const isoTimestampSql = (expression: string) =>
  `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const timestamp = (name: string): FieldProjection => ({ kind: 'value', sql: (row) => isoTimestampSql(`${row}.${name}`) });

/** A Relay global id, built as toGlobalId builds it. */
export const globalId = (typeName: string, name = 'id'): FieldProjection => ({ kind: 'value', sql: (row) => globalIdSql(typeName, `${row}.${name}`) });

/**
 * An amount: SQL reads the minor units and the currency, and money() formats them, so amounts are formatted by
 * one function whichever way they are read. `currency` is a column of the row, or a fixed code.
 */
export function moneyOf(minorColumn: string, currency: { column: string } | { code: string }): FieldProjection {
  if ('code' in currency) {
    const { code } = currency;
    return { kind: 'computed', sql: (row) => `${row}.${minorColumn}::text`, finish: (minor: string) => money(minor, code) };
  }
  return {
    kind: 'computed',
    sql: (row) => `json_build_array(${row}.${minorColumn}::text, ${row}.${currency.column})`,
    finish: ([minor, code]: [string, string]) => money(minor, code),
  };
}
