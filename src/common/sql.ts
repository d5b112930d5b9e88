import type { DataSource } from 'typeorm';

/** Collects positional parameters while a SQL string is built, so placeholders never drift. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/** Rows from pg have bigint and numeric as strings; these keep the conversions in one place. */
export const toNumber = (value: unknown): number => (value == null ? 0 : Number(value));
export const toNullableNumber = (value: unknown): number | null =>
  value == null ? null : Number(value);

/**
 * Runs a read on the primary even when reads go to replicas: for what must not lag behind a write made
 * elsewhere (an API key just revoked must stop working at once).
 */
export async function queryPrimary<T = any>(
  dataSource: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = dataSource.createQueryRunner('master');
  try {
    return await runner.query(sql, params);
  } finally {
    await runner.release();
  }
}

/**
 * `query`, as a named prepared statement where the data source can (PostgreSQL; see ReplicatedDataSource):
 * for statements that repeat with other parameters. `primary` keeps a read on the primary (see queryPrimary).
 */
export function queryPrepared<T = any>(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
  options: { primary?: boolean } = {},
): Promise<T[]> {
  const preparing = dataSource as DataSource & {
    queryPrepared?: (
      sql: string,
      params: unknown[],
      options: { primary?: boolean },
    ) => Promise<T[]>;
  };
  if (preparing.queryPrepared) return preparing.queryPrepared(sql, params, options);
  return options.primary ? queryPrimary(dataSource, sql, params) : dataSource.query(sql, params);
}
