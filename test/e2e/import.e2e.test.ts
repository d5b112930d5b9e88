import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';

const CDNOW = path.resolve(__dirname, '../../../shared/datasets/cdnow');
const MASTER = path.join(CDNOW, 'CDNOW_master.txt');
const SAMPLE = path.join(CDNOW, 'CDNOW_sample.txt');

/** The file's own dollar total, in cents, read independently of the importer. */
function fileTotals(file: string, amountColumn: number) {
  const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => /^\d+$/.test(f[0]));
  const cents = rows.reduce((sum, f) => sum + BigInt(f[amountColumn].replace('.', '').padEnd(f[amountColumn].includes('.') ? 0 : f[amountColumn].length + 2, '0')), 0n);
  return { rows: rows.length, customers: new Set(rows.map((f) => Number(f[0]))).size, cents };
}

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

describe('import-orders', () => {
  it('loads CDNOW_master: 23,570 customers, 69,659 rows, the dollar total intact; a second run adds nothing', async () => {
    const expected = fileTotals(MASTER, 3);
    expect(expected).toMatchObject({ rows: 69_659, customers: 23_570 });
    const report = await t.app.services.orderImport.importFile(MASTER, { format: 'cdnow', source: 'cdnow' });
    expect(report).toMatchObject({ rows: 69_659, created: 69_659, alreadyPresent: 0, rejected: [], customersTouched: 23_570 });
    const [db] = await t.sql(`select count(*)::int as orders, count(distinct customer_id)::int as customers, sum(net_minor)::text as cents
      from orders where source = 'cdnow'`);
    expect(db).toEqual({ orders: 69_659, customers: 23_570, cents: expected.cents.toString() });
    expect(report.acceptedAmount).toBe(`${expected.cents / 100n}.${String(expected.cents % 100n).padStart(2, '0')}`);
    const customer = await t.ok(`{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "1", source: "cdnow") { signupAt summary { orderCount netSpent { amount } firstOrderAt } } }`);
    expect(customer.customerByIdentifier.summary).toMatchObject({ firstOrderAt: '1997-01-01T00:00:00.000Z' });
    expect(customer.customerByIdentifier.signupAt).toBe('1997-01-01T00:00:00.000Z');

    const again = await t.app.services.orderImport.importFile(MASTER, { format: 'cdnow', source: 'cdnow' });
    expect(again).toMatchObject({ created: 0, alreadyPresent: 69_659 });
    // The 1/10 sample is a subset of the master: it finds the same customers and orders.
    const sample = await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
    expect(sample).toMatchObject({ rows: 6_919, created: 0, alreadyPresent: 6_919, customersTouched: 2_357 });
  });

  it('imports the generic CSV, reporting bad rows by line number without stopping or half-writing', async () => {
    await t.ok(`mutation { upsertProducts(products: [{ sku: "BEANS", name: "Beans", category: "coffee", unitPrice: "12.00" }]) { id } }`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'c360-')), 'orders.csv');
    fs.writeFileSync(file, [
      'customer_ref,order_ref,date,amount,quantity,sku',
      'alice,A-1,2026-01-05,24.00,2,BEANS',
      'alice,A-2,2026-03-05T09:30:00Z,12.00,1,BEANS',
      'bob,B-1,2026-02-30,10.00,,',
      'bob,B-2,2026-02-01,ten,,',
      'carol,C-1,2026-02-01,9.99,1,UNKNOWN',
      'dave,D-1,2026-02-02,5.00,,',
    ].join('\n'));
    const report = await t.app.services.orderImport.importFile(file, { format: 'csv', source: 'shop-x' });
    expect(report).toMatchObject({ rows: 6, created: 3, acceptedAmount: '41.00' });
    expect(report.rejected.map((r) => r.line)).toEqual([4, 5, 6]);
    const alice = await t.ok(`{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "alice") { summary { orderCount netSpent { amount } }
      orders(first: 5) { nodes { externalRef lines { quantity product { sku } unitPrice { amount } } } } } }`);
    expect(alice.customerByIdentifier.summary).toEqual({ orderCount: 2, netSpent: { amount: '36.00' } });
    expect(alice.customerByIdentifier.orders.nodes[1]).toEqual({ externalRef: 'A-1', lines: [{ quantity: 2, product: { sku: 'BEANS' }, unitPrice: { amount: '12.00' } }] });
    expect((await t.ok(`{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "carol") { id } }`)).customerByIdentifier).toBeNull();
  });
});
