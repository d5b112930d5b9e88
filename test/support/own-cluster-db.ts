import { loadConfig, AppConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { migrate } from '../../src/db/bootstrap';
import { TestDatabase } from './test-db';

/** A migrated database on a cluster the test started itself (see pg-cluster.ts). */
export async function databaseOn(
  primaryUrl: string,
  overrides: Partial<AppConfig> = {},
): Promise<TestDatabase> {
  const config = {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    databaseUrl: primaryUrl,
    pgliteDataDir: null,
    ...overrides,
  };
  const migrator = await openDatabase({ ...config, databaseReplicaUrls: [] });
  await migrate(migrator);
  await migrator.close();
  const db = await openDatabase(config);
  return { db, config, drop: () => db.close() };
}

/** A free-looking port per test file, away from the machine's own services. */
export function testPort(offset: number): number {
  return 40000 + ((process.pid * 7 + offset * 101) % 20000);
}
