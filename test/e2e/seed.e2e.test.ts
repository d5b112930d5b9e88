import { startTestApp, TestApp } from '../support/test-app';
import { seedDemoData } from '../../src/seed/seed';
import { createTestDatabase } from '../support/test-db';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { toE164 } from '../../src/common/phone';
import { COUNTRIES } from '../../src/seed/demo-countries';

// Today: tiers are measured on the 12 months before now, so the history must end near now.
const AS_OF = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
const FINGERPRINT = `select (select count(*) from customers)::int as customers, (select count(*) from orders)::int as orders,
  (select sum(net_minor) from orders)::text as net, (select count(*) from order_returns)::int as returns,
  (select count(*) from feedback)::int as feedback, (select count(*) from communications)::int as communications,
  (select sum(points) from loyalty_ledger_entries)::int as points, (select string_agg(email, ',' order by email) from customers) as emails`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemoData(t.database.db, t.database.config, {
    customers: 300,
    currency: 'USD',
    asOf: AS_OF,
  });
});
afterAll(async () => {
  await t.close();
});

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
    const rows = await t.sql<{ phone: string | null; birth_date: string | null }>(
      `select phone, birth_date::text from customers`,
    );
    expect(rows.filter((r) => r.phone !== null && toE164(r.phone, 'US') !== r.phone)).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      rows.filter(
        (r) => r.birth_date !== null && (r.birth_date < '1900-01-01' || r.birth_date > today),
      ),
    ).toEqual([]);
    const [{ duplicates }] = await t.sql(
      `select count(*) - count(distinct lower(email)) as duplicates from customers where email is not null`,
    );
    expect(Number(duplicates)).toBe(0);
  });

  it('makes believable, varied data: every kind of record, differing purchase rates, seasons and bundles', async () => {
    const [counts] = await t.sql(FINGERPRINT);
    expect(counts.orders / counts.customers).toBeGreaterThan(3);
    const kinds = await t.sql(`select kind, count(*)::int as n from feedback group by kind`);
    expect(kinds.map((k) => k.kind).sort()).toEqual([
      'COMPLAINT',
      'CSAT',
      'NPS',
      'PRODUCT_REVIEW',
      'TESTIMONIAL',
    ]);
    const statuses = await t.sql(`select distinct status from orders`);
    expect(statuses.map((s) => s.status).sort()).toEqual(
      expect.arrayContaining(['CANCELLED', 'FULFILLED', 'PARTIALLY_RETURNED', 'RETURNED']),
    );
    const ledger = await t.sql(`select distinct kind from loyalty_ledger_entries`);
    expect(ledger.map((l) => l.kind).sort()).toEqual(['ADJUST', 'EARN', 'EXPIRE', 'REDEEM']);
    const [spread] = await t.sql(
      `select min(order_count)::int as lo, max(order_count)::int as hi from customers`,
    );
    expect(spread.hi).toBeGreaterThan(spread.lo + 10);
    // Winter boots sell in winter, and tiles are followed by bathroom fixtures.
    const [boots] =
      await t.sql(`select count(*) filter (where extract(month from o.placed_at) in (10, 11, 12, 1))::float / count(*) as winter
      from order_lines l join products p on p.id = l.product_id join orders o on o.id = l.order_id where p.sku = 'SHOE-BOOT-W'`);
    expect(boots.winter).toBeGreaterThan(0.5);
    const [bundles] =
      await t.sql(`select count(distinct t.customer_id)::int as n from order_lines t join products pt on pt.id = t.product_id and pt.sku = 'BATH-TILE-M2'
      join order_lines f on f.customer_id = t.customer_id join products pf on pf.id = f.product_id and pf.category = 'bathroom fixtures'`);
    expect(bundles.n).toBeGreaterThan(3);
    const [balances] = await t.sql(
      `select count(*)::int as negative from (select customer_id from loyalty_ledger_entries group by customer_id having sum(points) < 0) x`,
    );
    expect(balances.negative).toBe(0);
    const tiers = await t.ok(
      `{ gold: customers(first: 1, filter: { loyaltyTier: "GOLD" }) { totalCount } complaints: customers(first: 1, filter: { hasOpenComplaint: true }) { totalCount } }`,
    );
    expect(tiers.gold.totalCount).toBeGreaterThan(0);
    expect(tiers.complaints.totalCount).toBeGreaterThan(0);
  });
});

describe('demo loyalty', () => {
  it('configures earning rules under which the history earned: coffee double, a welcome and a birthday bonus', async () => {
    const { loyaltyRules } = await t.ok(
      `{ loyaltyRules { version pointsPerUnit welcomeBonus birthdayBonus categoryMultipliers { name multiplier } } }`,
    );
    expect(loyaltyRules).toEqual([
      expect.objectContaining({
        version: 1,
        pointsPerUnit: 1,
        welcomeBonus: 100,
        birthdayBonus: 250,
        categoryMultipliers: expect.arrayContaining([{ name: 'coffee', multiplier: 2 }]),
      }),
    ]);
    const [earned] =
      await t.sql(`select count(*)::int as orders, count(*) filter (where rule_version_id is null)::int as unruled
      from loyalty_ledger_entries where kind = 'EARN' and order_id is not null`);
    expect(earned.orders).toBeGreaterThan(500);
    expect(earned.unruled).toBe(0);
    const [bonuses] =
      await t.sql(`select count(*) filter (where reason = 'Welcome bonus')::int as welcome,
      count(*) filter (where reason like 'Birthday bonus %')::int as birthday from loyalty_ledger_entries`);
    expect(bonuses.welcome).toBeGreaterThan(250);
    expect(bonuses.birthday).toBeGreaterThan(200);
  });

  it('earns points for an order recorded through the API, double on coffee', async () => {
    const [customer] = await t.sql(`select id from customers order by sort_name limit 1`);
    const balance = async () =>
      (
        await t.ok(`query($id: ID!) { customer(id: $id) { loyalty { balance } } }`, {
          id: customer.id,
        })
      ).customer.loyalty.balance;
    const before = await balance();
    await t.ok(`mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created } }`, {
      input: {
        customer: { id: customer.id },
        source: 'test',
        externalRef: 'seed-earn-1',
        placedAt: new Date().toISOString(),
        currency: 'USD',
        lines: [
          { sku: 'COF-ESP-1KG', quantity: 1, unitPrice: '24.90' },
          { sku: 'SHOE-POLISH', quantity: 1, unitPrice: '6.90' },
        ],
      },
    });
    // 24.90 × 2 + 6.90 × 1 = 56.7 points, rounded down.
    expect(await balance()).toBe(before + 56);
  });

  it('leaves the last week’s orders to loyalty replay, which earns them and keeps every balance whole', async () => {
    const [pending] = await t.sql(
      `select count(*)::int as n from orders o where status <> 'CANCELLED' and placed_at >= $1
      and not exists (select 1 from loyalty_ledger_entries e where e.order_id = o.id and e.kind = 'EARN')`,
      [new Date(AS_OF.getTime() - 7 * 86_400_000)],
    );
    expect(pending.n).toBeGreaterThan(0);
    const replayed = await t.app.services.loyaltyEarning.replay();
    expect(replayed.earningOrders).toBe(pending.n);
    expect(replayed.points).toBeGreaterThan(0);
    const report = await t.app.services.loyaltyEarning.check();
    expect(report).toMatchObject({ negativeBalances: [], overdrawnLedgers: [] });
  });

  it('has birthdays in each of the next two weeks’ days, and grants their bonus once', async () => {
    const { customers, loyaltyEarning } = t.app.services;
    for (let day = 0; day < 14; day++)
      expect(
        (
          await customers.idsWithBirthday(
            new Date(AS_OF.getTime() + day * 86_400_000).toISOString().slice(0, 10),
          )
        ).length,
      ).toBeGreaterThan(0);
    const ids = await customers.idsWithBirthday(AS_OF.toISOString().slice(0, 10));
    expect(await loyaltyEarning.grantBirthdayBonuses(ids, AS_OF)).toBe(ids.length);
    expect(await loyaltyEarning.grantBirthdayBonuses(ids, AS_OF)).toBe(0);
    const [granted] = await t.sql(
      `select count(*)::int as n, min(points)::int as points from loyalty_ledger_entries where reason = $1`,
      [`Birthday bonus ${AS_OF.getUTCFullYear()}`],
    );
    expect(granted.points).toBe(250);
  });
});

describe('demo people', () => {
  it('gives nearly every customer a full name of their own', async () => {
    const [names] = await t.sql(
      `select count(*)::int as customers, count(distinct (given_name, family_name))::int as distinct from customers`,
    );
    expect(names.distinct).toBeGreaterThanOrEqual(Math.floor(names.customers * 0.99));
  });

  it('gives each customer a city and a valid phone number of their own country', async () => {
    const rows = await t.sql<{ country: CountryCode; city: string; phone: string; locale: string }>(
      `select country, city, phone, locale from customers`,
    );
    const countries = new Map(COUNTRIES.map((c) => [c.code, c]));
    const wrong = rows.filter((r) => {
      const parsed = parsePhoneNumberFromString(r.phone);
      return (
        !parsed?.isValid() ||
        parsed.country !== r.country ||
        !countries.get(r.country)!.cities.includes(r.city) ||
        !r.locale.endsWith(`-${r.country}`)
      );
    });
    expect(wrong).toEqual([]);
    expect(new Set(rows.map((r) => r.country)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(rows.map((r) => r.phone)).size).toBe(rows.length);
  });
});
