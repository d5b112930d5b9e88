import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import type { Row } from './demo-world';

/** Bulk loads rows: COPY on PostgreSQL, multi-row INSERT on PGlite (whose adapter has no COPY). */
export interface TableWriter {
  /** Runs the writes of one batch of customers in one transaction: a batch is in whole or not at all. */
  inTransaction(work: () => Promise<void>): Promise<void>;
  write(table: string, columns: string[], rows: Row[]): Promise<void>;
  close(): Promise<void>;
}

function copyText(value: Row[number]): string {
  if (value === null || value === undefined) return '\\N';
  if (Array.isArray(value))
    return copyText(`{${value.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  if (typeof value === 'object') return copyText(JSON.stringify(value));
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

class CopyWriter implements TableWriter {
  constructor(
    private readonly client: PoolClient,
    private readonly release: () => Promise<void>,
  ) {}

  async inTransaction(work: () => Promise<void>) {
    await this.client.query('begin');
    try {
      await work();
      await this.client.query('commit');
    } catch (error) {
      await this.client.query('rollback');
      throw error;
    }
  }

  async write(table: string, columns: string[], rows: Row[]) {
    if (rows.length === 0) return;
    const stream = this.client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
    const lines = function* () {
      for (const row of rows) yield `${row.map(copyText).join('\t')}\n`;
    };
    await pipeline(Readable.from(lines()), stream);
  }

  close() {
    return this.release();
  }
}

const PARAMETER_LIMIT = 60_000;

class InsertWriter implements TableWriter {
  constructor(private readonly runner: QueryRunner) {}

  async inTransaction(work: () => Promise<void>) {
    await this.runner.startTransaction();
    try {
      await work();
      await this.runner.commitTransaction();
    } catch (error) {
      await this.runner.rollbackTransaction();
      throw error;
    }
  }

  async write(table: string, columns: string[], rows: Row[]) {
    const perStatement = Math.floor(PARAMETER_LIMIT / columns.length);
    for (let start = 0; start < rows.length; start += perStatement) {
      const batch = rows.slice(start, start + perStatement);
      const values: unknown[] = [];
      const tuples = batch.map(
        (row) =>
          `(${row
            .map((v) => {
              values.push(
                v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : v,
              );
              return `$${values.length}`;
            })
            .join(', ')})`,
      );
      await this.runner.query(
        `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`,
        values,
      );
    }
  }

  close() {
    return this.runner.release();
  }
}

export async function openTableWriter(
  dataSource: DataSource,
  kind: 'postgres' | 'pglite',
): Promise<TableWriter> {
  const runner = dataSource.createQueryRunner();
  if (kind === 'pglite') return new InsertWriter(runner);
  const client = (await runner.connect()) as PoolClient;
  return new CopyWriter(client, () => runner.release());
}
