import { createHash } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError, QueryRunner, ReplicationMode } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { requestFacts } from '../common/observability';
import { runInEventScope } from '../common/domain-events';

// Statements that read only. A SELECT that locks rows or calls a function with side effects stays on the primary.
const READ_ONLY = /^\s*(select|with)\b/i;
const NOT_ON_A_REPLICA =
  /\b(insert|update|delete|merge)\b|\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b|\b(nextval|setval|pg_advisory\w*|set_config)\s*\(/i;

const MAX_NAMED = 200;

export function isReadOnlyStatement(sql: string): boolean {
  return READ_ONLY.test(sql) && !NOT_ON_A_REPLICA.test(sql);
}

/**
 * TypeORM's replication sends the SELECTs of its query builders to a replica but every raw `query()` to the
 * primary, and the services here own their SQL as raw queries. This routes raw reads the same way, and keeps
 * a request that writes (a mutation) on the primary for all its reads, so it reads its own writes.
 */
export class ReplicatedDataSource extends DataSource {
  /** Set for PostgreSQL (pg), whose connections keep named statements; PGlite's adapter runs everything unnamed. */
  usePreparedStatements = false;
  private readonly statementNames = new Map<string, string>();

  /**
   * The request's audit row (see RequestFacts.auditWrite) is written at the end of its first write transaction, in it,
   * so a committed write is never reported as a failure because its audit row could not be written afterwards, and
   * no write commits without its row. Later transactions of the same request (items of a batch) find it written.
   */
  override transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  override transaction<T>(
    isolation: IsolationLevel,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T>;
  override async transaction<T>(
    first: IsolationLevel | ((manager: EntityManager) => Promise<T>),
    second?: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const work = typeof first === 'function' ? first : second!;
    const begin = (inner: (manager: EntityManager) => Promise<T>) =>
      typeof first === 'function' ? super.transaction(inner) : super.transaction(first, inner);
    // Every transaction collects its domain events (common/domain-events.ts): the outbox row is written before
    // COMMIT, after-commit handlers run once it committed.
    const audit = requestFacts.getStore()?.auditWrite;
    if (!audit || audit.committedId) return runInEventScope(begin, work);
    let auditId: string | null = null;
    const audited = async (manager: EntityManager) => {
      const result = await work(manager);
      auditId = await audit.record(manager);
      return result;
    };
    return runInEventScope(begin, audited, () => {
      audit.committedId = auditId;
    });
  }

  override createQueryRunner(mode: ReplicationMode = 'master'): QueryRunner {
    return super.createQueryRunner(
      mode === 'slave' && requestFacts.getStore()?.readsFromPrimary ? 'master' : mode,
    );
  }

  /**
   * Runs a statement that comes back with other parameters as a named prepared statement: each connection
   * parses and plans it once (the compiled reads' statements are long, and planning them cost about as much as
   * running them). At most MAX_NAMED distinct texts get a name, so the server's plan caches stay bounded; others
   * run unnamed, as `query` runs them.
   */
  async queryPrepared<T = any>(
    sql: string,
    parameters: unknown[],
    options: { primary?: boolean } = {},
  ): Promise<T[]> {
    const name = this.usePreparedStatements ? this.nameFor(sql) : null;
    const mode =
      this.driver.isReplicated && !options.primary && isReadOnlyStatement(sql) ? 'slave' : 'master';
    if (!name) {
      if (mode === 'slave') return this.query<T[]>(sql, parameters);
      const runner = this.createQueryRunner('master');
      try {
        return await runner.query(sql, parameters);
      } finally {
        await runner.release();
      }
    }
    const runner = this.createQueryRunner(mode);
    try {
      const client = (await runner.connect()) as {
        query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
      };
      this.logger.logQuery(sql, parameters, runner);
      try {
        return (await client.query({ name, text: sql, values: parameters })).rows;
      } catch (error) {
        this.logger.logQueryError(error as Error, sql, parameters, runner);
        throw new QueryFailedError(sql, parameters, error as Error);
      }
    } finally {
      await runner.release();
    }
  }

  private nameFor(sql: string): string | null {
    const known = this.statementNames.get(sql);
    if (known) return known;
    if (this.statementNames.size >= MAX_NAMED) return null;
    const name = `c360_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    this.statementNames.set(sql, name);
    return name;
  }

  override async query<T = any>(
    sql: string,
    parameters?: any[],
    queryRunner?: QueryRunner,
  ): Promise<T> {
    if (queryRunner || !this.driver.isReplicated || !isReadOnlyStatement(sql))
      return super.query<T>(sql, parameters, queryRunner);
    const reader = this.createQueryRunner('slave');
    try {
      return await reader.query(sql, parameters);
    } finally {
      await reader.release();
    }
  }
}
