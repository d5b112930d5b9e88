import { Database } from '../db/data-source';
import { AppConfig } from '../config';
import { createServices } from '../container';
import type { EntityManager } from 'typeorm';
import { LoyaltyEarningService, TierBasis } from '../modules/loyalty';
import { formatMinorUnits } from '../common/money';
import { simulateCustomer } from './demo-customer';
import { DAY, DemoRule, emptyTables, SEED_COLUMNS, SeedTables, SeedWorld } from './demo-world';
import { DEMO_EARNING_RULES, PRODUCTS, TIERS } from './demo-catalogue';
import { openTableWriter } from './table-writer';

export interface SeedOptions {
  customers: number;
  currency: string;
  /** The day the demo history ends; default today (UTC midnight). Same options, same data. */
  asOf?: Date;
  seed?: number;
  onProgress?: (done: number) => void;
}

export interface SeedReport {
  customers: number;
  orders: number;
  rows: number;
  seconds: number;
}

const CHUNK = 2000;
const STATS_CHUNK = 5000;

/**
 * The rule version the history earns under: the one in force at asOf, or the demo's rules, in force from before the
 * oldest demo signup (three years) so that `loyalty replay` and new orders earn under them too.
 */
async function demoRule(
  earning: LoyaltyEarningService,
  manager: EntityManager,
  asOf: Date,
): Promise<DemoRule> {
  const inForce = await earning.ruleAt(manager, asOf);
  if (inForce) return inForce;
  return earning.setRules({
    ...DEMO_EARNING_RULES,
    effectiveFrom: new Date(asOf.getTime() - (3 * 365 + 2) * DAY),
  });
}

/**
 * Loads a deterministic demo data set. Bulk rows bypass the services for speed (COPY), then the
 * services derive what they own: customer order totals and loyalty tiers.
 */
export async function seedDemoData(
  db: Database,
  config: AppConfig,
  options: SeedOptions,
): Promise<SeedReport> {
  const started = process.hrtime.bigint();
  const asOf = options.asOf ?? new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
  const services = createServices({ ...config, shopCurrency: options.currency }, db.dataSource);
  const products = await services.orderWriter.upsertProducts(
    PRODUCTS.map((p) => ({
      sku: p.sku,
      name: p.name,
      category: p.category,
      unitPrice: formatMinorUnits(p.priceMinor, options.currency),
    })),
  );
  const program =
    (await services.loyaltyPrograms.findActive()) ??
    (await services.loyaltyPrograms.configure({
      name: 'Demo Rewards',
      tierBasis: TierBasis.SPEND_12M,
      pointsValidityMonths: 12,
      tiers: TIERS,
    }));
  const world: SeedWorld = {
    asOf,
    currency: program.currency,
    programId: program.id,
    pointsValidityMonths: program.pointsValidityMonths,
    rule: await demoRule(services.loyaltyEarning, db.dataSource.manager, asOf),
    productIds: new Map(products.map((p) => [p.sku, p.databaseId])),
    products: new Map(PRODUCTS.map((p) => [p.sku, p])),
  };
  const firstIndex = Number((await db.dataSource.query('select count(*) from customers'))[0].count);
  const writer = await openTableWriter(db.dataSource, db.kind);
  const customerIds: string[] = [];
  let orders = 0;
  let rows = 0;
  try {
    for (let start = 0; start < options.customers; start += CHUNK) {
      const tables = emptyTables();
      const end = Math.min(options.customers, start + CHUNK);
      for (let i = start; i < end; i++)
        orders += simulateCustomer(firstIndex + i, options.seed ?? 360, world, tables).length;
      customerIds.push(...tables.customers.map((c) => c[0] as string));
      await writer.inTransaction(async () => {
        for (const table of Object.keys(SEED_COLUMNS) as (keyof SeedTables)[]) {
          await writer.write(table, SEED_COLUMNS[table], tables[table]);
          rows += tables[table].length;
        }
      });
      options.onProgress?.(end);
    }
  } finally {
    await writer.close();
  }
  for (let start = 0; start < customerIds.length; start += STATS_CHUNK) {
    const chunk = customerIds.slice(start, start + STATS_CHUNK);
    await db.dataSource.transaction(async (manager) => {
      await services.customers.refreshOrderStats(manager, chunk, (ids) =>
        services.orderSpend.statsForCustomers(manager, ids),
      );
    });
  }
  await db.dataSource.transaction((manager) =>
    services.loyaltyPrograms.evaluateAll(manager, new Date()),
  );
  if (db.kind === 'postgres') await db.dataSource.query('analyze');
  // The computed layer, so that a fresh demo shows metrics, segments and every kind of next best action.
  // The fit refreshes every customer's stored metrics (metrics.subscriptions.ts).
  await services.modelFits.fit(asOf.toISOString().slice(0, 10), 'week');
  await services.actions.mineAssociations(180, 0.001);
  return {
    customers: options.customers,
    orders,
    rows,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
