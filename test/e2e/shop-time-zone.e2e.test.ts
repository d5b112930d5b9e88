import { ConfigError, loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { addDays, ShopTime } from '../../src/common/shop-time';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

/**
 * SHOP_TIME_ZONE decides what a day is. The same orders go into a shop in New York and a shop in UTC; every order
 * below is placed in a New York evening that is already the next day in UTC (New York is UTC−4 from 8 March 2026,
 * UTC−5 before), so the two shops disagree exactly where the day matters.
 */
const CUSTOMER = `query($id: ID!) { customer(id: $id) {
  metrics { averageDaysBetweenOrders } summary { orderCount averageDaysBetweenOrders }
  moments { kind date } replenishment { sku lastPurchaseDate dueDate typicalIntervalDays } } }`;

interface Shop {
  t: TestApp;
  /** Two orders on one New York evening (the second after UTC midnight), and one ten days later. */
  evening: string;
  /** The 23:30 order of 10 March and the 08:00 order of 11 March (New York time): one UTC day. */
  lateAndEarly: string;
  /** A first order at 22:00 on 31 March in New York (1 April in UTC). */
  monthEnd: string;
  /** Signed up at 23:30 on 15 June 2025 in New York. */
  signup: string;
  /** Bought coffee at 21:00 on 10 and 20 January in New York (11 and 21 January in UTC). */
  coffee: string;
  /** Database id → the name above. */
  databaseIds: Map<string, string>;
}

async function openShop(shopTimeZone: string): Promise<Shop> {
  const t = await startTestApp({ shopTimeZone });
  await createProducts(t, [
    { sku: 'COFFEE', unitPrice: '12.00' },
    { sku: 'ITEM', unitPrice: '10.00' },
  ]);
  const item = [{ sku: 'ITEM', quantity: 1, unitPrice: '10.00' }];
  const order = (id: string, placedAt: string, lines: unknown[] = item) =>
    recordOrder(t, id, { placedAt, lines });
  const databaseIds = new Map<string, string>();
  const named = async (name: string, input: Record<string, unknown> = {}) => {
    const created = await createCustomer(t, input);
    databaseIds.set(created.databaseId, name);
    return created.id;
  };
  const evening = await named('evening');
  await order(evening, '2026-03-10T18:00:00-04:00');
  await order(evening, '2026-03-10T21:30:00-04:00');
  await order(evening, '2026-03-20T12:00:00-04:00');
  const lateAndEarly = await named('lateAndEarly');
  await order(lateAndEarly, '2026-03-10T23:30:00-04:00');
  await order(lateAndEarly, '2026-03-11T08:00:00-04:00');
  const monthEnd = await named('monthEnd');
  await order(monthEnd, '2026-03-31T22:00:00-04:00');
  const signup = await named('signup', { signupAt: '2025-06-15T23:30:00-04:00' });
  const coffee = await named('coffee');
  const cup = [{ sku: 'COFFEE', quantity: 1, unitPrice: '12.00' }];
  await order(coffee, '2026-01-10T21:00:00-05:00', cup);
  await order(coffee, '2026-01-20T21:00:00-05:00', cup);
  return { t, evening, lateAndEarly, monthEnd, signup, coffee, databaseIds };
}

// Zones with a DST change at 02:00, at midnight (Santiago), by half an hour (Lord Howe), and none (Kolkata).
const ZONES = [
  'America/New_York',
  'America/Santiago',
  'Europe/Zagreb',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
];

const customer = async (shop: Shop, id: string) => (await shop.t.ok(CUSTOMER, { id })).customer;

describe('SHOP_TIME_ZONE', () => {
  let newYork: Shop;
  let utc: Shop;
  beforeAll(async () => {
    newYork = await openShop('America/New_York');
    utc = await openShop('UTC');
  });
  afterAll(async () => {
    await newYork?.t.close();
    await utc?.t.close();
  });

  it('counts orders on one New York evening as one purchase day', async () => {
    // New York: purchase days 10 and 20 March, x = 1, recency 10 days. UTC: 10, 11 and 20 March, x = 2.
    const ny = await customer(newYork, newYork.evening);
    expect(ny.metrics.averageDaysBetweenOrders).toBe(10);
    // The summary spreads the 9.75 days from the first order to the last over the gaps between purchase days.
    expect(ny.summary).toEqual({ orderCount: 3, averageDaysBetweenOrders: 9.75 });
    const u = await customer(utc, utc.evening);
    expect(u.metrics.averageDaysBetweenOrders).toBe(5);
    expect(u.summary).toEqual({ orderCount: 3, averageDaysBetweenOrders: 4.875 });
  });

  it('puts a late order and an early one on two New York days, and on one UTC day', async () => {
    const ny = await customer(newYork, newYork.lateAndEarly);
    expect(ny.metrics.averageDaysBetweenOrders).toBe(1);
    expect(ny.summary.averageDaysBetweenOrders).toBeCloseTo(8.5 / 24, 12);
    const u = await customer(utc, utc.lateAndEarly);
    expect(u.metrics.averageDaysBetweenOrders).toBeNull();
    expect(u.summary.averageDaysBetweenOrders).toBeNull();
  });

  it('reads the compiled customer page with the same purchase days as the resolvers', async () => {
    const page = `{ customers(first: 10) { nodes { id summary { averageDaysBetweenOrders } } } }`;
    const byId = async (shop: Shop) =>
      new Map(
        (await shop.t.ok(page)).customers.nodes.map((n: any) => [
          n.id,
          n.summary.averageDaysBetweenOrders,
        ]),
      );
    expect((await byId(newYork)).get(newYork.evening)).toBe(9.75);
    expect((await byId(utc)).get(utc.evening)).toBe(4.875);
  });

  it('ends an as-of day at New York midnight', async () => {
    const asOf = async (shop: Shop) =>
      Object.fromEntries(
        (await shop.t.app.services.purchaseHistory.purchaseSummaries('2026-03-10', null)).map(
          (h) => [shop.databaseIds.get(h.customerId), { x: h.x, ageDays: h.ageDays }],
        ),
      );
    // By the end of 10 March in New York the 21:30 and 23:30 orders (11 March in UTC) have happened, each
    // customer on one purchase day so far; coffee's 10 and 20 January are two, 59 days before.
    expect(await asOf(newYork)).toEqual({
      evening: { x: 0, ageDays: 0 },
      lateAndEarly: { x: 0, ageDays: 0 },
      coffee: { x: 1, ageDays: 59 },
    });
    // In UTC the day ends four hours earlier: the late customer has not bought yet, and coffee's days are
    // 11 and 21 January.
    expect(await asOf(utc)).toEqual({
      evening: { x: 0, ageDays: 0 },
      coffee: { x: 1, ageDays: 58 },
    });
  });

  it('ends a report period at New York midnight and puts the month-end order in its New York month', async () => {
    const report = `{ retention(periodStart: "2026-03-01", periodEnd: "2026-03-10", activeDays: 30) { customersAtEnd customersAcquired }
      cohorts(from: "2026-03-01", to: "2026-04-30") { cohort size } }`;
    const ny = await newYork.t.ok(report);
    // By New York midnight after 10 March: the evening, the late-and-early and the coffee customers (coffee's
    // last order, 21 January, is outside the 30 active days: not counted).
    expect(ny.retention).toEqual({ customersAtEnd: 2, customersAcquired: 2 });
    expect(ny.cohorts).toEqual([{ cohort: '2026-03', size: 3 }]);
    const u = await utc.t.ok(report);
    expect(u.retention).toEqual({ customersAtEnd: 1, customersAcquired: 1 });
    expect(u.cohorts).toEqual([
      { cohort: '2026-03', size: 2 },
      { cohort: '2026-04', size: 1 },
    ]);
  });

  it('keeps a signup anniversary and a reorder due date on the New York day', async () => {
    const anniversary = async (shop: Shop) =>
      (await customer(shop, shop.signup)).moments.find(
        (m: { kind: string }) => m.kind === 'SIGNUP_ANNIVERSARY',
      ).date as string;
    expect((await anniversary(newYork)).slice(5)).toBe('06-15');
    expect((await anniversary(utc)).slice(5)).toBe('06-16');
    expect((await customer(newYork, newYork.coffee)).replenishment).toEqual([
      {
        sku: 'COFFEE',
        lastPurchaseDate: '2026-01-20',
        dueDate: '2026-01-30',
        typicalIntervalDays: 10,
      },
    ]);
    expect((await customer(utc, utc.coffee)).replenishment).toEqual([
      {
        sku: 'COFFEE',
        lastPurchaseDate: '2026-01-21',
        dueDate: '2026-01-31',
        typicalIntervalDays: 10,
      },
    ]);
  });
});

describe('ShopTime against the database', () => {
  it('agrees with PostgreSQL (or PGlite) on where every day of 2024–2027 begins and which day a moment is', async () => {
    const t = await startTestApp();
    try {
      const days: string[] = [];
      for (let day = '2024-01-01'; day < '2028-01-01'; day = addDays(day, 1)) days.push(day);
      for (const zone of ZONES) {
        const shop = new ShopTime(zone);
        const rows: { day: string; start: Date; late: string }[] = await t.sql(
          `select d as day, ${shop.startOfDaySql('d::date')} as start,
             ${shop.daySql(`${shop.startOfDaySql('d::date')} + interval '23 hours 59 minutes'`)}::text as late
           from unnest($1::text[]) d`,
          [days],
        );
        const differ = rows.filter(
          (r) =>
            r.start.getTime() !== shop.startOfDay(r.day).getTime() ||
            r.late !== shop.dayOf(new Date(shop.startOfDay(r.day).getTime() + 1439 * 60_000)),
        );
        expect({ zone, differ: differ.map((r) => r.day) }).toEqual({ zone, differ: [] });
      }
    } finally {
      await t.close();
    }
  });
});

describe('SHOP_TIME_ZONE validation', () => {
  it('refuses a name Node does not know, naming the variable', () => {
    expect(() => loadConfig({ SHOP_TIME_ZONE: 'Mars/Olympus_Mons' })).toThrow(ConfigError);
    expect(() => loadConfig({ SHOP_TIME_ZONE: 'Mars/Olympus_Mons' })).toThrow(
      /SHOP_TIME_ZONE="Mars\/Olympus_Mons": is not a time zone Node knows/,
    );
    expect(() => loadConfig({ SHOP_TIME_ZONE: "UTC' or 1=1" })).toThrow(/SHOP_TIME_ZONE=/);
    expect(loadConfig({}).shopTimeZone).toBe('UTC');
    expect(loadConfig({ SHOP_TIME_ZONE: 'America/New_York' }).shopTimeZone).toBe(
      'America/New_York',
    );
  });

  it('refuses at start a name the database does not list in pg_timezone_names', async () => {
    // Intl takes zone names in any case; PostgreSQL's list is exact, so this passes config and fails at open.
    const config = {
      ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SHOP_TIME_ZONE: 'america/new_york' }),
      databaseUrl: process.env.DATABASE_URL ?? null,
      pgliteDataDir: null,
    };
    const refused = await openDatabase(config).then(
      async (db) => {
        await db.close();
        return null;
      },
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(
      /SHOP_TIME_ZONE="america\/new_york": the database does not know this time zone/,
    );
  });
});
