import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppConfig, loadConfig } from '../../src/config';
import { Database, openDatabase } from '../../src/db/data-source';
import { migrate } from '../../src/db/bootstrap';

// Concurrent runs (several checkouts on one machine) each name their own template.
export const TEMPLATE_DATABASE = process.env.C360_TEST_TEMPLATE || 'c360_test_template';

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export interface TestDatabase {
  db: Database;
  config: AppConfig;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file: a clone of the template, or an in-memory PGlite. */
export async function createTestDatabase(
  overrides: Partial<AppConfig> = {},
): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const base = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), ...overrides };
  if (!url) {
    const config = { ...base, databaseUrl: null, pgliteDataDir: null };
    const db = await openDatabase(config);
    await migrate(db);
    return { db, config, drop: () => db.close() };
  }
  const name = `c360_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create database ${name} template ${TEMPLATE_DATABASE}`);
  const config = { ...base, databaseUrl: withDatabaseName(url, name), pgliteDataDir: null };
  const db = await openDatabase(config);
  return {
    db,
    config,
    async drop() {
      await db.close();
      await adminQuery(url, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, sql: string) {
  const admin = new Client({ connectionString: withDatabaseName(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
