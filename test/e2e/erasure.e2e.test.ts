import { randomBytes } from 'node:crypto';
import { TEXT_COLUMNS } from '../../src/container';
import type { TextColumns } from '../../src/common/personal-data';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

interface CatalogueColumn {
  table: string;
  column: string;
  type: string;
}

/** Every text, varchar, char, text[] and jsonb column of every table, from the database itself. */
const catalogue = (): Promise<CatalogueColumn[]> =>
  t.sql(
    `select table_name as table, column_name as column, udt_name as type from information_schema.columns
   where table_schema = current_schema() and udt_name in ('text', 'varchar', 'bpchar', 'json', 'jsonb', '_text', '_varchar', '_bpchar', '_jsonb')
   order by 1, 2`,
  );

const classified = new Map<string, { table: TextColumns; personal: boolean }>(
  TEXT_COLUMNS.flatMap((table) => [
    ...Object.keys(table.personal).map(
      (column): [string, { table: TextColumns; personal: boolean }] => [
        `${table.table}.${column}`,
        { table, personal: true },
      ],
    ),
    ...Object.keys(table.notPersonal).map(
      (column): [string, { table: TextColumns; personal: boolean }] => [
        `${table.table}.${column}`,
        { table, personal: false },
      ],
    ),
  ]),
);

/** The marker as SQL of the column's type. */
function markerSql(type: string): string {
  if (type === 'jsonb' || type === 'json')
    return `coalesce(%s, '{}') || jsonb_build_object('note', $1::text)`;
  if (type.startsWith('_')) return `array[$1::text]`;
  return `$1::text`;
}

/** A customer with a row in every table that holds personal columns, made through the API. */
async function customerWithEverything(email: string) {
  const c = await createCustomer(t, {
    email,
    phone: '+385921234567',
    city: 'Split',
    tags: ['vip'],
    attributes: { note: 'likes tea' },
    identifiers: [{ type: 'EMAIL', value: email, source: 'shop' }],
    consents: [{ channel: 'EMAIL', granted: true, source: `form of ${email}` }],
  });
  await t.ok(
    `mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: POINTS_12M, tiers: [{ code: "M", name: "Member", threshold: "0" }] }) { name } }`,
  );
  await createProducts(t, [{ sku: 'ERASE-1', unitPrice: '10.00' }]);
  const order = await recordOrder(t, c.id, {
    lines: [{ sku: 'ERASE-1', quantity: 2, unitPrice: '10.00' }],
  });
  await t.ok(
    `mutation($o: ID!, $l: ID!, $r: String) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 1 }], reason: $r }) { id } }`,
    { o: order.id, l: order.lines[0].id, r: `wrong size, says ${email}` },
  );
  await t.ok(
    `mutation($id: ID!, $e: String) { recordFeedback(input: { customerId: $id, kind: COMPLAINT, comment: $e, touchpoint: $e }) { id } }`,
    { id: c.id, e: email },
  );
  await t.ok(
    `mutation($id: ID!, $e: String) { logCommunication(input: { customerId: $id, channel: EMAIL, direction: OUTBOUND, purpose: SUPPORT, subject: $e, agent: $e }) { id } }`,
    { id: c.id, e: email },
  );
  await t.ok(
    `mutation($id: ID!, $e: String!) { adjustLoyaltyPoints(input: { customerId: $id, points: 50, reason: $e }) { id } }`,
    { id: c.id, e: `goodwill for ${email}` },
  );
  // A saved segment that quotes the person: its filter searches for their email (in other case), as does its name.
  const segment = await t.ok(
    `mutation($f: CustomerFilter!, $n: String!) { saveSegment(name: $n, filter: $f, description: "one customer") { id } }`,
    { n: `Only ${email.toUpperCase()}`, f: { search: email.toLowerCase(), tags: ['vip'] } },
  );
  return { ...c, segmentId: segment.saveSegment.id as string };
}

describe('erasure', () => {
  it('classifies every text and jsonb column of every table, personal or not, in the module that owns it', async () => {
    const columns = await catalogue();
    const unclassified = columns
      .map((c) => `${c.table}.${c.column}`)
      .filter((name) => !classified.has(name));
    expect(unclassified).toEqual([]);
    const stale = [...classified.keys()].filter(
      (name) => !columns.some((c) => `${c.table}.${c.column}` === name),
    );
    expect(stale).toEqual([]);
    const twice = TEXT_COLUMNS.flatMap((table) =>
      Object.keys(table.personal)
        .filter((column) => column in table.notPersonal)
        .map((column) => `${table.table}.${column}`),
    );
    expect(twice).toEqual([]);
  });

  it('leaves a marker planted in every personal column nowhere in the database, nor in the export', async () => {
    // The marker is the customer's own email, so the saved segment that searches for it is planted by the API.
    const marker = `Marija.Erase+${randomBytes(4).toString('hex')}@Example.com`;
    const c = await customerWithEverything(marker);
    const columns = await catalogue();
    const planted: string[] = [];
    for (const column of columns) {
      const { table, personal } = classified.get(`${column.table}.${column.column}`)!;
      if (!personal) continue;
      const where = table.customerKey ? `${table.customerKey} = $2` : 'id = $2';
      // The one table about no customer with personal columns is saved_segments: the row the setup saved.
      const key = table.customerKey ? c.databaseId : c.segmentId;
      const rows = await t.sql(
        `update ${column.table} set ${column.column} = ${markerSql(column.type).replace('%s', column.column)} where ${where} returning 1`,
        [marker, key],
      );
      // A table the setup gave no row for this customer would be planted nowhere: the setup must grow with the schema.
      expect({ column: `${column.table}.${column.column}`, rows: rows.length > 0 }).toEqual({
        column: `${column.table}.${column.column}`,
        rows: true,
      });
      planted.push(`${column.table}.${column.column}`);
    }
    expect(planted).toEqual(
      expect.arrayContaining([
        'customer_consent_events.source',
        'communications.agent',
        'feedback.touchpoint',
        'loyalty_ledger_entries.reason',
        'saved_segments.filter',
      ]),
    );

    await t.ok(`mutation($id: ID!) { eraseCustomer(id: $id) { erasedAt } }`, { id: c.id });

    const left: string[] = [];
    for (const column of columns) {
      const [{ n }] = await t.sql(
        `select count(*)::int as n from ${column.table} where strpos(lower(${column.column}::text), lower($1)) > 0`,
        [marker],
      );
      if (n > 0) left.push(`${column.table}.${column.column}`);
    }
    expect(left).toEqual([]);
    const { exportCustomerData } = await t.ok(`query($id: ID!) { exportCustomerData(id: $id) }`, {
      id: c.id,
    });
    expect(JSON.stringify(exportCustomerData).toLowerCase()).not.toContain(marker.toLowerCase());
    // Bookkeeping stays: the order and the points balance, under the pseudonymous id.
    expect(exportCustomerData.orders).toHaveLength(1);
    expect(exportCustomerData.loyaltyLedger.length).toBeGreaterThan(0);
  });

  it('redacts a saved segment that quoted the person, which then still selects no one', async () => {
    const email = `ivo.${randomBytes(4).toString('hex')}@example.com`;
    const c = await customerWithEverything(email);
    const before = await t.ok(
      `{ savedSegments { id name filter customers(first: 5) { totalCount } } }`,
    );
    expect(
      before.savedSegments.find((s: { id: string }) => s.id === c.segmentId).customers.totalCount,
    ).toBe(1);
    await t.ok(`mutation($id: ID!) { eraseCustomer(id: $id) { erasedAt } }`, { id: c.id });
    const after = await t.ok(
      `{ savedSegments { id name description filter customers(first: 5) { totalCount } } }`,
    );
    const segment = after.savedSegments.find((s: { id: string }) => s.id === c.segmentId);
    expect(segment).toEqual({
      id: c.segmentId,
      name: 'Only (erased)',
      description: 'one customer',
      filter: { search: '(erased)', tags: ['vip'] },
      customers: { totalCount: 0 },
    });
  });
});
