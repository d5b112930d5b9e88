import { DataSource, QueryRunner, ReplicationMode } from 'typeorm';
import { requestFacts } from '../common/observability';

// Statements that read only. A SELECT that locks rows or calls a function with side effects stays on the primary.
const READ_ONLY = /^\s*(select|with)\b/i;
const NOT_ON_A_REPLICA = /\b(insert|update|delete|merge)\b|\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b|\b(nextval|setval|pg_advisory\w*|set_config)\s*\(/i;

export function isReadOnlyStatement(sql: string): boolean {
  return READ_ONLY.test(sql) && !NOT_ON_A_REPLICA.test(sql);
}

/**
 * TypeORM's replication sends the SELECTs of its query builders to a replica but every raw `query()` to the
 * primary, and the services here own their SQL as raw queries. This routes raw reads the same way, and keeps
 * a request that writes (a mutation) on the primary for all its reads, so it reads its own writes.
 */
export class ReplicatedDataSource extends DataSource {
  override createQueryRunner(mode: ReplicationMode = 'master'): QueryRunner {
    return super.createQueryRunner(mode === 'slave' && requestFacts.getStore()?.readsFromPrimary ? 'master' : mode);
  }

  override async query<T = any>(sql: string, parameters?: any[], queryRunner?: QueryRunner): Promise<T> {
    if (queryRunner || !this.driver.isReplicated || !isReadOnlyStatement(sql)) return super.query<T>(sql, parameters, queryRunner);
    const reader = this.createQueryRunner('slave');
    try {
      return await reader.query(sql, parameters);
    } finally {
      await reader.release();
    }
  }
}
