import { startTestApp, TestApp } from '../support/test-app';
import { seedDemoData } from '../../src/seed/seed';
import { createTestDatabase } from '../support/test-db';
import { toE164 } from '../../src/common/phone';

// Today: tiers are measured on the 12 months before now, so the history must end near now.
const AS_OF = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
const FINGERPRINT = `select (select count(*) from customers)::int as customers, (select count(*) from orders)::int as orders,
  (select sum(net_minor) from orders)::text as net, (select count(*) from order_returns)::int as returns,
  (select count(*) from feedback)::int as feedback, (select count(*) from communications)::int as communications,
  (select sum(points) from loyalty_ledger_entries)::int as points, (select string_agg(email, ',' order by email) from customers) as emails`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemoData(t.database.db, t.database.config, { customers: 300, currency: 'USD', asOf: AS_OF });
});
afterAll(async () => { await t.close(); });

describe('seed', () => {
  it('is deterministic for the same options', async () => {
    const other = await createTestDatabase();
    try {
      await seedDemoData(other.db, other.config, { customers: 300, currency: 'USD', asOf: AS_OF });
      const [a] = await t.sql(FINGERPRINT);
      const [b] = await other.db.dataSource.query(FINGERPRINT);
      expect(b).toEqual(a);
    } finally {
      await other.drop();
    }
  });

  it('passes the validators of the API: E.164 phones, birth dates from 1900 to today, emails unique ignoring case', async () => {
    const rows = await t.sql<{ phone: string | null; birth_date: string | null }>(`select phone, birth_date::text from customers`);
    expect(rows.filter((r) => r.phone !== null && toE164(r.phone, 'US') !== r.phone)).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(rows.filter((r) => r.birth_date !== null && (r.birth_date < '1900-01-01' || r.birth_date > today))).toEqual([]);
    const [{ duplicates }] = await t.sql(`select count(*) - count(distinct lower(email)) as duplicates from customers where email is not null`);
    expect(Number(duplicates)).toBe(0);
  });

  it('makes believable, varied data: every kind of record, differing purchase rates, seasons and bundles', async () => {
    const [counts] = await t.sql(FINGERPRINT);
    expect(counts.orders / counts.customers).toBeGreaterThan(3);
    const kinds = await t.sql(`select kind, count(*)::int as n from feedback group by kind`);
    expect(kinds.map((k) => k.kind).sort()).toEqual(['COMPLAINT', 'CSAT', 'NPS', 'PRODUCT_REVIEW', 'TESTIMONIAL']);
    const statuses = await t.sql(`select distinct status from orders`);
    expect(statuses.map((s) => s.status).sort()).toEqual(expect.arrayContaining(['CANCELLED', 'FULFILLED', 'PARTIALLY_RETURNED', 'RETURNED']));
    const ledger = await t.sql(`select distinct kind from loyalty_ledger_entries`);
    expect(ledger.map((l) => l.kind).sort()).toEqual(['ADJUST', 'EARN', 'EXPIRE', 'REDEEM']);
    const [spread] = await t.sql(`select min(order_count)::int as lo, max(order_count)::int as hi from customers`);
    expect(spread.hi).toBeGreaterThan(spread.lo + 10);
    // Winter boots sell in winter, and tiles are followed by bathroom fixtures.
    const [boots] = await t.sql(`select count(*) filter (where extract(month from o.placed_at) in (10, 11, 12, 1))::float / count(*) as winter
      from order_lines l join products p on p.id = l.product_id join orders o on o.id = l.order_id where p.sku = 'SHOE-BOOT-W'`);
    expect(boots.winter).toBeGreaterThan(0.5);
    const [bundles] = await t.sql(`select count(distinct t.customer_id)::int as n from order_lines t join products pt on pt.id = t.product_id and pt.sku = 'BATH-TILE-M2'
      join order_lines f on f.customer_id = t.customer_id join products pf on pf.id = f.product_id and pf.category = 'bathroom fixtures'`);
    expect(bundles.n).toBeGreaterThan(3);
    const [balances] = await t.sql(`select count(*)::int as negative from (select customer_id from loyalty_ledger_entries group by customer_id having sum(points) < 0) x`);
    expect(balances.negative).toBe(0);
    const tiers = await t.ok(`{ gold: customers(first: 1, filter: { loyaltyTier: "GOLD" }) { totalCount } complaints: customers(first: 1, filter: { hasOpenComplaint: true }) { totalCount } }`);
    expect(tiers.gold.totalCount).toBeGreaterThan(0);
    expect(tiers.complaints.totalCount).toBeGreaterThan(0);
  });
});
