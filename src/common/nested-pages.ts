import DataLoader from 'dataloader';
import {
  ConnectionArgs,
  keysetSql,
  lazyEdge,
  Page,
  resolvePageWindow,
  SortKey,
  toPage,
} from './pagination';
import { SqlParams } from './sql';

export interface NestedPageKey<A extends ConnectionArgs = ConnectionArgs> {
  parentId: string;
  args: A;
}

/** Which child rows make a parent's page and in what order; the compiled reads page by the same description. */
export interface NestedPageSpec<A> {
  /** The child table; its rows are aliased `t` in `keys` and `where`. */
  table: string;
  parentColumn: string;
  keys: SortKey[];
  descending: boolean;
  /** Extra conditions on `t` from the page arguments (a status filter…). */
  where?: (args: A, params: SqlParams) => string[];
}

export interface NestedPageQuery<Row, A extends ConnectionArgs> extends NestedPageSpec<A> {
  query: (sql: string, params: unknown[]) => Promise<Row[]>;
  parentIdOf: (row: Row) => string;
  cursorOf: (row: Row) => unknown[];
}

/**
 * One statement for the pages of many parents: a lateral, index-ordered `limit n + 1` per parent,
 * so a customer with ten thousand orders costs no more than one with ten.
 */
export async function fetchNestedPages<Row, A extends ConnectionArgs>(
  spec: NestedPageQuery<Row, A>,
  parentIds: readonly string[],
  args: A,
  countOf: (parentId: string) => Promise<number>,
): Promise<Page<Row>[]> {
  const window = resolvePageWindow(args, spec.keys.length);
  const params = new SqlParams();
  const parents = params.add([...new Set(parentIds)], 'uuid[]');
  const conditions = spec.where?.(args, params) ?? [];
  const keyset = keysetSql(spec.keys, spec.descending, window, params.values.length + 1);
  const sql = `select t.* from unnest(${parents}) as parent(id) cross join lateral (
      select t.* from ${spec.table} t where t.${spec.parentColumn} = parent.id
        ${conditions.map((c) => `and ${c}`).join(' ')} and ${keyset.where}
      order by ${keyset.orderBy} limit ${window.limit + 1}) t`;
  const rows = await spec.query(sql, [...params.values, ...keyset.params]);
  const byParent = new Map<string, Row[]>();
  for (const row of rows) {
    const id = spec.parentIdOf(row);
    byParent.set(id, [...(byParent.get(id) ?? []), row]);
  }
  return parentIds.map((id) =>
    toPage(byParent.get(id) ?? [], window, spec.cursorOf, () => countOf(id)),
  );
}

/**
 * A loader of pages keyed by (parent, page arguments). Keys with the same arguments share one
 * statement; the usual case, a list of customers each showing its first N orders, is one statement.
 */
export function createNestedPageLoader<Row, A extends ConnectionArgs>(
  load: (parentIds: readonly string[], args: A) => Promise<Page<Row>[]>,
) {
  return new DataLoader<NestedPageKey<A>, Page<Row>, string>(
    async (keys) => {
      const groups = new Map<string, { args: A; indexes: number[] }>();
      keys.forEach((key, index) => {
        const signature = JSON.stringify(key.args);
        const group = groups.get(signature) ?? { args: key.args, indexes: [] };
        group.indexes.push(index);
        groups.set(signature, group);
      });
      const results: (Page<Row> | Error)[] = new Array(keys.length);
      await Promise.all(
        [...groups.values()].map(async ({ args, indexes }) => {
          try {
            const pages = await load(
              indexes.map((i) => keys[i].parentId),
              args,
            );
            indexes.forEach((keyIndex, i) => (results[keyIndex] = pages[i]));
          } catch (error) {
            for (const keyIndex of indexes) results[keyIndex] = error as Error;
          }
        }),
      );
      return results;
    },
    { cacheKeyFn: (key) => `${key.parentId}|${JSON.stringify(key.args)}` },
  );
}

export function mapPage<T, U>(page: Page<T>, map: (row: T) => U): Page<U> {
  const edges = page.edges.map((e) => lazyEdge(map(e.node), () => e.cursor));
  return { ...page, edges, nodes: edges.map((e) => e.node) };
}
