import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';
import { BadUserInputError } from './errors';
import { openCursor, sealCursor } from './cursor-crypto';
import { isUuid } from './relay';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Page size from the start (after \`after\`), 1 to ${MAX_PAGE_SIZE}; first or last is required.`,
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Opaque cursor: return items after this one.',
  })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Page size from the end (before \`before\`), 1 to ${MAX_PAGE_SIZE}; first or last is required.`,
  })
  last?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Opaque cursor: return items before this one.',
  })
  before?: string | null;
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field({ description: 'More items follow the last edge.' })
  hasNextPage: boolean;

  @Field({ description: 'More items precede the first edge.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge.' })
  endCursor: string | null;
}

/** A resolved page request: how many rows, which way, and from which keyset position. */
export interface PageWindow {
  limit: number;
  backward: boolean;
  cursor: unknown[] | null;
  hasCursor: boolean;
}

/** The keyset position as an opaque cursor: sealed, since sort values can be personal data (see cursor-crypto). */
export function encodeCursor(values: unknown[]): string {
  return sealCursor(JSON.stringify(values));
}

export function decodeCursor(cursor: string, field: string, arity: number): unknown[] {
  const plaintext = openCursor(cursor);
  try {
    const values = plaintext === null ? null : JSON.parse(plaintext);
    if (Array.isArray(values) && values.length === arity) return values;
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError(`${field} is not a cursor of this list`, { field });
}

function checkSize(value: number, field: string) {
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`${field} must be between 1 and ${MAX_PAGE_SIZE}`, { field });
  }
}

export function resolvePageWindow(args: ConnectionArgs, arity: number): PageWindow {
  const { first, after, last, before } = args;
  if (first != null && last != null) {
    throw new BadUserInputError('Pass first or last, not both', { field: 'last' });
  }
  // Like GitHub and Shopify: a client always says how many it wants, so the cost of a query is known up front.
  if (first == null && last == null)
    throw new BadUserInputError('Pass first or last (1 to 100)', { field: 'first' });
  if (first != null) checkSize(first, 'first');
  if (last != null) checkSize(last, 'last');
  if (last != null || (before != null && first == null)) {
    if (after != null)
      throw new BadUserInputError('after goes with first, not last', { field: 'after' });
    const cursor = before != null ? decodeCursor(before, 'before', arity) : null;
    return { limit: last ?? DEFAULT_PAGE_SIZE, backward: true, cursor, hasCursor: cursor !== null };
  }
  if (before != null)
    throw new BadUserInputError('before goes with last, not first', { field: 'before' });
  const cursor = after != null ? decodeCursor(after, 'after', arity) : null;
  return { limit: first ?? DEFAULT_PAGE_SIZE, backward: false, cursor, hasCursor: cursor !== null };
}

export interface SortKey {
  /** SQL expression; must not be null for any row (coalesce it). */
  sql: string;
  /** How to cast the cursor value back in SQL, e.g. 'timestamptz', 'bigint', 'text', 'uuid'. */
  cast: string;
}

/**
 * Keyset SQL for a page: a row-value comparison against the cursor and the matching order by.
 * Every key sorts in the same direction, so `(a, b) > ($1, $2)` is exact and can use an index.
 */
export function keysetSql(
  keys: SortKey[],
  descending: boolean,
  window: PageWindow,
  firstParam: number,
) {
  if (window.cursor) checkCursorValues(keys, window.cursor, window.backward ? 'before' : 'after');
  const readDescending = window.backward ? !descending : descending;
  const direction = readDescending ? 'desc' : 'asc';
  const orderBy = keys.map((k) => `${k.sql} ${direction}`).join(', ');
  if (!window.cursor) return { where: 'true', orderBy, params: [] as unknown[] };
  const row = keys.map((k) => k.sql).join(', ');
  const placeholders = keys.map((k, i) => `$${firstParam + i}::${k.cast}`).join(', ');
  const where = `(${row}) ${readDescending ? '<' : '>'} (${placeholders})`;
  return { where, orderBy, params: window.cursor };
}

// A timestamp as PostgreSQL prints it (`2026-01-02 03:04:05.678+00`) or as JSON does (`…T…Z`).
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;
const BIGINT = /^-?\d{1,19}$/;

function isTimestamp(value: string): boolean {
  if (value === '-infinity' || value === 'infinity') return true;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

const CURSOR_VALUE_CHECKS: Record<string, (value: unknown) => boolean> = {
  timestamptz: (v) => typeof v === 'string' && isTimestamp(v),
  bigint: (v) =>
    (typeof v === 'string' &&
      BIGINT.test(v) &&
      BigInt(v) >= -(2n ** 63n) &&
      BigInt(v) < 2n ** 63n) ||
    (typeof v === 'number' && Number.isSafeInteger(v)),
  uuid: (v) => typeof v === 'string' && isUuid(v),
  text: (v) => typeof v === 'string' && !v.includes('\u0000'),
};

/**
 * A cursor comes back from the client, so each decoded value is checked against the SQL type it is cast to:
 * a tampered value must be bad input, never a PostgreSQL cast error (a 500).
 */
function checkCursorValues(keys: SortKey[], values: unknown[], field: string) {
  const fits =
    values.length === keys.length &&
    keys.every((key, i) => CURSOR_VALUE_CHECKS[key.cast]?.(values[i]) ?? true);
  if (!fits) throw new BadUserInputError(`${field} is not a cursor of this list`, { field });
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  countAll: () => Promise<number>;
}

/** An edge whose cursor is encoded when first read: a client that asks for nodes only never pays for cursors. */
export function lazyEdge<T>(node: T, cursor: () => string): { cursor: string; node: T } {
  let encoded: string | undefined;
  return {
    node,
    get cursor() {
      return (encoded ??= cursor());
    },
  };
}

/** Turns limit+1 fetched rows into a Relay page of `map(row)`. */
export function toPage<R, T = R>(
  rows: R[],
  window: PageWindow,
  cursorOf: (row: R) => unknown[],
  countAll: () => Promise<number>,
  map: (row: R) => T = (row) => row as unknown as T,
): Page<T> {
  const hasMore = rows.length > window.limit;
  const pageRows = rows.slice(0, window.limit);
  if (window.backward) pageRows.reverse();
  const nodes = pageRows.map(map);
  const edges = pageRows.map((row, i) => lazyEdge(nodes[i], () => encodeCursor(cursorOf(row))));
  let counted: Promise<number> | null = null;
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage: window.backward ? window.hasCursor : hasMore,
      hasPreviousPage: window.backward ? hasMore : window.hasCursor,
      // Encoded only when asked for, as the edges' cursors are.
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
    countAll: () => (counted ??= countAll()),
  };
}

/** Relay connection type for a node type (type-graphql's generic-types pattern). */
export function Connection<T extends object>(
  nodeType: ClassType<T>,
  typeName: string,
  what: string,
) {
  @ObjectType(`${typeName}Edge`, { description: `An edge in a page of ${what}.` })
  class Edge {
    @Field({ description: 'Opaque cursor of this edge; pass it as after or before.' })
    cursor: string;

    @Field(() => nodeType, {
      description: `The ${typeName.replace(/Connection$/, '')} at this edge.`,
    })
    node: T;
  }

  @ObjectType(typeName, { description: `A page of ${what} (Relay connection).` })
  class ConnectionType {
    @Field(() => [Edge], { description: 'The edges of this page, in order.' })
    edges: Edge[];

    @Field(() => [nodeType], {
      description: 'The nodes of this page, in order (shortcut for edges.node).',
    })
    nodes: T[];

    @Field(() => PageInfo, {
      description: 'Whether more pages exist, and the cursors at the page ends.',
    })
    pageInfo: PageInfo;

    countAll: () => Promise<number>;

    // A method, so the count query runs only when a client asks for it.
    @Field(() => Int, {
      description: 'How many items match in all pages (counted only when asked for).',
    })
    totalCount(): Promise<number> {
      return this.countAll();
    }
  }
  return ConnectionType;
}
