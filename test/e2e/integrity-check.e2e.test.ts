import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, TestDatabase } from '../support/test-db';
import { seedDemoData } from '../../src/seed/seed';
import { runIntegrityCheck } from '../../src/cli/check';

// `c360 check` on either database: clean after a seed, and damage made by SQL is found and fails the exit status.
const ROOT = path.resolve(__dirname, '..', '..');

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.db, t.config, {
    customers: 40,
    currency: 'USD',
    asOf: new Date('2026-06-01T00:00:00Z'),
  });
});
afterAll(async () => {
  await t.drop();
});

function cliCheck() {
  const run = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', 'check'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: t.config.databaseUrl ?? '',
      },
    },
  );
  return { status: run.status, report: run.stdout ? JSON.parse(run.stdout) : null };
}

describe('c360 check', () => {
  it('passes on a seeded database, indexes included', async () => {
    const report = await runIntegrityCheck(t.db, t.config);
    expect(report).toMatchObject({
      foreignKeys: { broken: [] },
      rollUps: { mismatched: 0 },
      loyalty: { negativeBalances: 0, overdrawnLedgers: 0 },
      damaged: false,
    });
    expect(report.foreignKeys.constraints).toBeGreaterThan(10);
    // amcheck ships with PGlite; on PostgreSQL it is contrib, installed on this project's machines.
    expect(report.indexes).toMatchObject({ checked: true, damaged: [] });
    expect(report.indexes.indexes).toBeGreaterThan(20);
    if (t.config.databaseUrl) expect(cliCheck().status).toBe(0);
  });

  it('finds a roll-up that no longer equals the orders, and exits non-zero', async () => {
    const [{ id }] = await t.db.dataSource.query(
      'select id from customers where order_count > 0 order by id limit 1',
    );
    await t.db.dataSource.query(
      'update customers set order_count = order_count + 1 where id = $1',
      [id],
    );
    try {
      const report = await runIntegrityCheck(t.db, t.config);
      expect(report.rollUps).toEqual({ mismatched: 1, sample: [id] });
      expect(report.damaged).toBe(true);
      if (t.config.databaseUrl)
        expect(cliCheck()).toMatchObject({ status: 3, report: { rollUps: { mismatched: 1 } } });
    } finally {
      await t.db.dataSource.query(
        'update customers set order_count = order_count - 1 where id = $1',
        [id],
      );
    }
  });

  it('finds an order whose customer does not exist (written with the foreign-key triggers off)', async () => {
    const [{ id, customer_id: owner }] = await t.db.dataSource.query(
      'select id, customer_id from orders order by id limit 1',
    );
    await t.db.dataSource.transaction(async (manager) => {
      await manager.query('set local session_replication_role = replica');
      await manager.query('update orders set customer_id = gen_random_uuid() where id = $1', [id]);
    });
    try {
      const report = await runIntegrityCheck(t.db, t.config);
      expect(report.foreignKeys.broken).toEqual(
        expect.arrayContaining([expect.objectContaining({ table: 'orders', orphans: 1 })]),
      );
      expect(report.damaged).toBe(true);
    } finally {
      await t.db.dataSource.transaction(async (manager) => {
        await manager.query('set local session_replication_role = replica');
        await manager.query('update orders set customer_id = $2 where id = $1', [id, owner]);
      });
    }
  });
});
