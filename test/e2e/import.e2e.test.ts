import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startTestApp, TestApp } from '../support/test-app';
import { itIf, postgres } from '../support/requirements';

const CDNOW = path.resolve(__dirname, '../../../shared/datasets/cdnow');
const MASTER = path.join(CDNOW, 'CDNOW_master.txt');
const SAMPLE = path.join(CDNOW, 'CDNOW_sample.txt');

/** The file's own dollar total, in cents, read independently of the importer. */
function fileTotals(file: string, amountColumn: number) {
  const rows = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => /^\d+$/.test(f[0]));
  const cents = rows.reduce(
    (sum, f) =>
      sum +
      BigInt(
        f[amountColumn]
          .replace('.', '')
          .padEnd(f[amountColumn].includes('.') ? 0 : f[amountColumn].length + 2, '0'),
      ),
    0n,
  );
  return { rows: rows.length, customers: new Set(rows.map((f) => Number(f[0]))).size, cents };
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('import-orders', () => {
  it('loads CDNOW_master: 23,570 customers, 69,659 rows, the dollar total intact; a second run adds nothing', async () => {
    const expected = fileTotals(MASTER, 3);
    expect(expected).toMatchObject({ rows: 69_659, customers: 23_570 });
    const report = await t.app.services.orderImport.importFile(MASTER, {
      format: 'cdnow',
      source: 'cdnow',
    });
    expect(report).toMatchObject({
      rows: 69_659,
      created: 69_659,
      alreadyPresent: 0,
      rejected: [],
      customersTouched: 23_570,
    });
    const [db] =
      await t.sql(`select count(*)::int as orders, count(distinct customer_id)::int as customers, sum(net_minor)::text as cents
      from orders where source = 'cdnow'`);
    expect(db).toEqual({ orders: 69_659, customers: 23_570, cents: expected.cents.toString() });
    expect(report.acceptedAmount).toBe(
      `${expected.cents / 100n}.${String(expected.cents % 100n).padStart(2, '0')}`,
    );
    const customer = await t.ok(
      `{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "1", source: "cdnow") { signupAt summary { orderCount netSpent { amount } firstOrderAt } } }`,
    );
    expect(customer.customerByIdentifier.summary).toMatchObject({
      firstOrderAt: '1997-01-01T00:00:00.000Z',
    });
    expect(customer.customerByIdentifier.signupAt).toBe('1997-01-01T00:00:00.000Z');

    const again = await t.app.services.orderImport.importFile(MASTER, {
      format: 'cdnow',
      source: 'cdnow',
    });
    expect(again).toMatchObject({ created: 0, alreadyPresent: 69_659 });
    // The 1/10 sample is a subset of the master: it finds the same customers and orders.
    const sample = await t.app.services.orderImport.importFile(SAMPLE, {
      format: 'cdnow',
      source: 'cdnow',
    });
    expect(sample).toMatchObject({
      rows: 6_919,
      created: 0,
      alreadyPresent: 6_919,
      customersTouched: 2_357,
    });
  });

  it('imports the generic CSV, reporting bad rows by line number without stopping or half-writing', async () => {
    await t.ok(
      `mutation { upsertProducts(products: [{ sku: "BEANS", name: "Beans", category: "coffee", unitPrice: "12.00" }]) { id } }`,
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'c360-')), 'orders.csv');
    fs.writeFileSync(
      file,
      [
        'customer_ref,order_ref,date,amount,quantity,sku',
        'alice,A-1,2026-01-05,24.00,2,BEANS',
        'alice,A-2,2026-03-05T09:30:00Z,12.00,1,BEANS',
        'bob,B-1,2026-02-30,10.00,,',
        'bob,B-2,2026-02-01,ten,,',
        'carol,C-1,2026-02-01,9.99,1,UNKNOWN',
        'dave,D-1,2026-02-02,5.00,,',
      ].join('\n'),
    );
    const report = await t.app.services.orderImport.importFile(file, {
      format: 'csv',
      source: 'shop-x',
    });
    expect(report).toMatchObject({ rows: 6, created: 3, acceptedAmount: '41.00' });
    expect(report.rejected.map((r) => r.line)).toEqual([4, 5, 6]);
    const alice =
      await t.ok(`{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "alice") { summary { orderCount netSpent { amount } }
      orders(first: 5) { nodes { externalRef lines { quantity product { sku } unitPrice { amount } } } } } }`);
    expect(alice.customerByIdentifier.summary).toEqual({
      orderCount: 2,
      netSpent: { amount: '36.00' },
    });
    expect(alice.customerByIdentifier.orders.nodes[1]).toEqual({
      externalRef: 'A-1',
      lines: [{ quantity: 2, product: { sku: 'BEANS' }, unitPrice: { amount: '12.00' } }],
    });
    expect(
      (await t.ok(`{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "carol") { id } }`))
        .customerByIdentifier,
    ).toBeNull();
  });

  it('rejects each bad row with its own line and reason, loads the rest, and holds rows to the API limits', async () => {
    await t.ok(
      `mutation { upsertProducts(products: [{ sku: "TEA", name: "Tea", category: "tea", unitPrice: "8.00" }]) { id } }`,
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'c360-')), 'faults.csv');
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(
          [
            'customer_ref,order_ref,date,amount,quantity,sku',
            'erin,E-1,2026-01-01,8.00,1,TEA',
            'erin,E-1,2026-01-02,99.00,3,TEA',
            '',
          ].join('\n'),
        ),
        Buffer.from('fay\xff,F-1,2026-01-01,5.00,,\n', 'latin1'),
        Buffer.from(
          [
            'gil,G-"1,2026-01-01,5.00,,',
            'gil,"G-2,2026-01-01,5.00,,',
            `hal,${'R'.repeat(300)},2026-01-01,5.00,,`,
            `hal,H-1,2026-01-01,5.00,,${'x'.repeat(1024 * 1024)}`,
            'ivy,I-1,2026-01-02,7.00,,',
            'ivy,I-2,2026-01-02,7.00,200000,',
            'ivy,"I-3 ""quoted""",2026-01-02,1.50,,',
          ].join('\n'),
        ),
      ]),
    );
    const report = await t.app.services.orderImport.importFile(file, {
      format: 'csv',
      source: 'faults',
    });
    expect(report.rejected).toEqual([
      { line: 3, message: expect.stringMatching(/already appears on line 2/) },
      { line: 4, message: expect.stringMatching(/not valid UTF-8/) },
      { line: 5, message: expect.stringMatching(/quote inside an unquoted field/) },
      { line: 6, message: expect.stringMatching(/not closed/) },
      { line: 7, message: expect.stringMatching(/longer than 200 characters/) },
      { line: 8, message: expect.stringMatching(/longer than 4096 bytes/) },
      { line: 10, message: expect.stringMatching(/from 1 to 100000/) },
    ]);
    expect(report).toMatchObject({
      rows: 10,
      created: 3,
      alreadyPresent: 0,
      acceptedAmount: '16.50',
    });
    // The stored order agrees with its own line: the second E-1 did not lend it its quantity.
    const stored =
      await t.sql(`select o.external_ref, o.gross_minor::int as gross, l.quantity, l.line_total_minor::int as line_total
      from orders o left join order_lines l on l.order_id = o.id where o.source = 'faults' order by o.external_ref`);
    expect(stored).toEqual([
      { external_ref: 'E-1', gross: 800, quantity: 1, line_total: 800 },
      { external_ref: 'I-1', gross: 700, quantity: null, line_total: null },
      { external_ref: 'I-3 "quoted"', gross: 150, quantity: null, line_total: null },
    ]);
  });

  // The CLI needs a database it can reach from another process.
  itIf(postgres())(
    'the CLI prints one line per rejected row and never SQL',
    async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'c360-')), 'cli.csv');
      fs.writeFileSync(
        file,
        [
          'customer_ref,order_ref,date,amount',
          `jo,${'J'.repeat(1024 * 1024)},2026-01-01,5.00`,
          'jo,J-2,2026-01-01,5.00',
          'jo,"J-3,2026-01-01,5.00',
          'jo,J-4,2026-01-01,5.00',
        ].join('\n'),
      );
      const run = spawnSync(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          'src/cli/main.ts',
          'import-orders',
          file,
          '--format',
          'csv',
          '--source',
          'cli',
        ],
        {
          cwd: path.resolve(__dirname, '../..'),
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
          env: {
            PATH: process.env.PATH ?? '',
            DATABASE_URL: t.database.config.databaseUrl!,
            NODE_ENV: 'production',
            API_KEY_HASH_KEY: 'cli-import-test-secret-0123456789',
            LOG_LEVEL: 'info',
          },
        },
      );
      const output = run.stdout + run.stderr;
      expect(run.status).toBe(0);
      expect(output.length).toBeLessThan(4000);
      expect(output).not.toMatch(/insert into|select |unnest/i);
      expect(output).toMatch(/line 2: the line is longer than 4096 bytes/);
      expect(output).toMatch(/line 4: a quoted field is not closed/);
      expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({
        rows: 4,
        created: 2,
        rejected: 2,
      });
    },
    60_000,
  );
});
