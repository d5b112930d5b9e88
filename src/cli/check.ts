import { Database } from '../db/data-source';
import { checkForeignKeys, checkIndexes } from '../db/integrity';
import { AppConfig } from '../config';
import { createServices } from '../container';

/** What `c360 check` found; `damaged` is the exit status's reason. */
export interface CheckReport {
  indexes: Awaited<ReturnType<typeof checkIndexes>>;
  foreignKeys: Awaited<ReturnType<typeof checkForeignKeys>>;
  rollUps: { mismatched: number; sample: string[] };
  loyalty: { customers: number; negativeBalances: number; overdrawnLedgers: number };
  damaged: boolean;
}

/**
 * Indexes against tables, foreign keys, the customers' order roll-up against the orders, and the loyalty ledger.
 * The parts run one after the other, never nested: the embedded database has one connection (STACK P13).
 */
export async function runIntegrityCheck(db: Database, config: AppConfig): Promise<CheckReport> {
  const services = createServices(config, db.dataSource);
  const indexes = await checkIndexes(db.dataSource);
  const foreignKeys = await checkForeignKeys(db.dataSource);
  // One snapshot for both sides of the comparison, so that an order recorded meanwhile is not reported.
  const mismatched = await db.dataSource.transaction('REPEATABLE READ', (manager) =>
    services.customers.orderStatsMismatches(manager, (ids) =>
      services.orderSpend.statsForCustomers(manager, ids),
    ),
  );
  const loyalty = await services.loyaltyEarning.check();
  const report = {
    indexes,
    foreignKeys,
    rollUps: { mismatched: mismatched.length, sample: mismatched.slice(0, 10) },
    loyalty: {
      customers: loyalty.customers,
      negativeBalances: loyalty.negativeBalances.length,
      overdrawnLedgers: loyalty.overdrawnLedgers.length,
    },
  };
  const damaged =
    indexes.damaged.length > 0 ||
    foreignKeys.broken.length > 0 ||
    mismatched.length > 0 ||
    loyalty.negativeBalances.length > 0 ||
    loyalty.overdrawnLedgers.length > 0;
  return { ...report, damaged };
}
