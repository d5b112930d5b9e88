import 'reflect-metadata';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { migrate } from '../../src/db/bootstrap';
import { TEMPLATE_DATABASE, withDatabaseName } from './test-db';

/**
 * On PostgreSQL: migrate a template database once; each test file clones it (Graphile's way).
 * On PGlite each file starts its own migrated in-memory instance.
 */
export default async function globalSetup() {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const admin = new Client({ connectionString: withDatabaseName(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [
      TEMPLATE_DATABASE,
    ]);
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE}`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const db = await openDatabase({
    ...loadConfig({}),
    databaseUrl: withDatabaseName(url, TEMPLATE_DATABASE),
  });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}
