import { MigrationExecutor } from 'typeorm';
import { Database } from './data-source';

/** Applies pending migrations: the embedded database migrates itself at start. */
export async function migrate(db: Database): Promise<string[]> {
  const applied = await db.dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/** The names of the migrations not applied yet, in the order they would run. */
export async function pendingMigrations(db: Database): Promise<string[]> {
  return (await new MigrationExecutor(db.dataSource).getPendingMigrations()).map((m) => m.name);
}

export async function hasPendingMigrations(db: Database): Promise<boolean> {
  return db.dataSource.showMigrations();
}

export async function isEmpty(db: Database): Promise<boolean> {
  const [row] = await db.dataSource.query('select not exists (select 1 from customers) as empty');
  return row.empty;
}
