import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { seedDemoData } from '../../src/seed/seed';

const SAMPLE = path.resolve(__dirname, '../../../shared/datasets/cdnow/CDNOW_sample.txt');
const FIT = `mutation($asOf: LocalDate!, $model: PurchaseModel) { fitModels(asOf: $asOf, timeUnit: WEEK, purchaseModel: $model) { id } }`;

/** Every stored row next to the live churn level computed by the same code for the stored as-of. */
async function storedAndLive(t: TestApp) {
  const rows = await t.sql<{ customer_id: string; churn_level: string | null; as_of: Date }>(
    'select customer_id, churn_level, as_of from customer_metrics order by customer_id',
  );
  const asOfs = new Set(rows.map((r) => new Date(r.as_of).getTime()));
  const { metrics } = t.app.services;
  const live = new Map<string, string | null>();
  for (const asOf of asOfs) {
    const ids = rows.filter((r) => new Date(r.as_of).getTime() === asOf).map((r) => r.customer_id);
    for (const source of await metrics.sourcesFor(ids, new Date(asOf)))
      live.set(source.customerId, metrics.metrics(source, 'USD').churnRisk?.level ?? null);
  }
  return rows.map((r) => ({
    id: r.customer_id,
    stored: r.churn_level,
    live: live.get(r.customer_id),
  }));
}

describe('stored metrics never stale (CDNOW)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
  });
  afterAll(() => t.close());

  it('a fit refreshes every stored level, with its as-of; a Pareto/NBD fit after a BG/NBD one leaves none stale', async () => {
    const [{ n }] = await t.sql('select count(*)::int as n from customers');
    const { fitModels: bg } = await t.ok(FIT, { asOf: '1997-09-30', model: 'BG_NBD' });
    const afterBg = await storedAndLive(t);
    expect(afterBg).toHaveLength(n);
    expect(afterBg.filter((r) => r.stored !== r.live)).toEqual([]);
    const [meta] = await t.sql(
      'select count(distinct fit_id)::int as fits, min(fit_id::text) as fit, count(*) filter (where as_of is null)::int as undated from customer_metrics',
    );
    expect(meta).toEqual({ fits: 1, fit: bg.id, undated: 0 });

    // The state the issue found: stored LOW whatever the live field says. A Pareto/NBD fit must leave none of it.
    await t.sql("update customer_metrics set churn_level = 'LOW'");
    const { fitModels: pareto } = await t.ok(FIT, { asOf: '1997-09-30', model: 'PARETO_NBD' });
    const afterPareto = await storedAndLive(t);
    expect(afterPareto).toHaveLength(n);
    expect(afterPareto.filter((r) => r.stored !== r.live)).toEqual([]);
    expect(afterPareto.filter((r) => r.stored !== 'LOW').length).toBeGreaterThan(1000);
    const [{ fit }] = await t.sql('select min(fit_id::text) as fit from customer_metrics');
    expect(fit).toBe(pareto.id);
  });

  it('an import refreshes the customers it touched', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'c360-')), 'late.txt');
    fs.writeFileSync(file, '99990 19970105 1 10.00\n99990 19970301 2 30.00\n');
    const [{ at: before }] = await t.sql('select max(as_of) as at from customer_metrics');
    await t.app.services.orderImport.importFile(file, { format: 'cdnow', source: 'cdnow' });
    const [row] = await t.sql(
      `select m.as_of, m.churn_level from customer_metrics m join customer_identifiers i on i.customer_id = m.customer_id
       where i.source = 'cdnow' and i.value = '99990'`,
    );
    expect(row).toBeDefined();
    expect(new Date(row.as_of).getTime()).toBeGreaterThan(new Date(before).getTime());
  });
});

describe('customers(filter: { churnRiskLevel }) agrees with the live level (seeded base)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    // The seed fits, and the fit refreshes the stored metrics.
    await seedDemoData(t.database.db, t.database.config, { customers: 90, currency: 'USD' });
  });
  afterAll(() => t.close());

  it('for every customer and every level', async () => {
    const rows = await storedAndLive(t);
    const [{ n }] = await t.sql('select count(*)::int as n from customers');
    expect(rows).toHaveLength(n);
    expect(rows.filter((r) => r.stored !== r.live)).toEqual([]);
    // Through the API: each level's filtered list is exactly the customers whose live field shows that level.
    const ALL = `{ customers(first: 100) { nodes { id metrics { churnRisk { level } } } } }`;
    const all = (await t.ok(ALL)).customers.nodes;
    expect(all).toHaveLength(n);
    for (const level of ['LOW', 'MEDIUM', 'HIGH']) {
      const { customers } = await t.ok(
        `query($l: ChurnRiskLevel) { customers(first: 100, filter: { churnRiskLevel: $l }) { nodes { id } } }`,
        { l: level },
      );
      const filtered = customers.nodes.map((c: any) => c.id).sort();
      const live = all
        .filter((c: any) => c.metrics.churnRisk?.level === level)
        .map((c: any) => c.id)
        .sort();
      expect(filtered).toEqual(live);
    }
  });
});
