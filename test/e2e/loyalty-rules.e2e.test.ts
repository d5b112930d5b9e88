import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

let t: TestApp;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const LEDGER = `query($id: ID!) { customer(id: $id) { loyalty { balance ledger(first: 20) { nodes { kind points reason order { id } } } } } }`;
const RULES = `mutation($input: LoyaltyRulesInput!) { setLoyaltyRules(input: $input) { id version effectiveFrom pointsPerUnit
  categoryMultipliers { name multiplier } tierMultipliers { name multiplier } welcomeBonus minOrder { amount } earningStatuses } }`;

beforeAll(async () => {
  t = await startTestApp();
  await createProducts(t, [
    { sku: 'BEANS', category: 'coffee', unitPrice: '10.00' },
    { sku: 'MUG', category: 'kitchen', unitPrice: '5.00' },
  ]);
  await t.ok(`mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: SPEND_12M, pointsValidityMonths: 12, tiers: [
    { code: "MEMBER", name: "Member", threshold: "0" }, { code: "GOLD", name: "Gold", threshold: "1000.00" }] }) { name } }`);
  await t.ok(RULES, { input: { effectiveFrom: daysAgo(400), pointsPerUnit: 1, minOrder: '5.00' } });
  await t.ok(RULES, {
    input: {
      effectiveFrom: daysAgo(100),
      pointsPerUnit: 2,
      welcomeBonus: 50,
      minOrder: '5.00',
      categoryMultipliers: [{ name: 'coffee', multiplier: 3 }],
      tierMultipliers: [{ name: 'GOLD', multiplier: 2 }],
    },
  });
});
afterAll(async () => {
  await t.close();
});

describe('loyalty earning rules', () => {
  it('keeps rule versions and refuses earning statuses that never earn', async () => {
    const { loyaltyRules } = await t.ok(
      `{ loyaltyRules { version pointsPerUnit categoryMultipliers { name multiplier } } }`,
    );
    expect(loyaltyRules.map((r: any) => r.version)).toEqual([2, 1]);
    expect(loyaltyRules[0].categoryMultipliers).toEqual([{ name: 'coffee', multiplier: 3 }]);
    const bad = await t.gql(RULES, { input: { pointsPerUnit: 1, earningStatuses: ['CANCELLED'] } });
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'earningStatuses',
    });
  });

  it('earns in the order’s transaction, exactly once, under the rules in force when it was placed', async () => {
    const { id } = await createCustomer(t);
    // Placed under version 1: 1 point per unit, no multipliers, no welcome bonus.
    await recordOrder(t, id, {
      placedAt: daysAgo(200),
      externalRef: 'R-OLD',
      lines: [{ sku: 'BEANS', quantity: 2, unitPrice: '10.00' }],
    });
    // Version 2: coffee x3 at 2 points per unit on what was paid after the 10% discount, plus the welcome bonus.
    const recent = {
      placedAt: daysAgo(5),
      externalRef: 'R-NEW',
      discount: '3.00',
      lines: [
        { sku: 'BEANS', quantity: 2, unitPrice: '10.00' },
        { sku: 'MUG', quantity: 2, unitPrice: '5.00' },
      ],
    };
    await recordOrder(t, id, recent);
    await recordOrder(t, id, recent);
    await recordOrder(t, id, { placedAt: daysAgo(3), gross: '4.00' });
    await recordOrder(t, id, { placedAt: daysAgo(2), gross: '40.00', status: 'CANCELLED' });
    const { loyalty } = (await t.ok(LEDGER, { id })).customer;
    const earned = loyalty.ledger.nodes
      .filter((n: any) => n.kind === 'EARN')
      .map((n: any) => [n.points, n.reason.replace(/ \(rules v\d\)/, '')]);
    // 20 x 1 = 20; then (20 x 0.9 x 3 + 10 x 0.9) x 2 = 126, and 50 welcome points.
    expect(earned).toEqual(
      expect.arrayContaining([
        [20, 'Order R-OLD'],
        [126, 'Order R-NEW'],
        [50, 'Welcome bonus'],
      ]),
    );
    expect(earned).toHaveLength(3);
    expect(loyalty.balance).toBe(196);
  });

  it('takes back the points of returned items, proportionally, and replays history without earning twice', async () => {
    const { id, databaseId } = await createCustomer(t);
    const order = await recordOrder(t, id, {
      placedAt: daysAgo(10),
      lines: [{ sku: 'MUG', quantity: 4, unitPrice: '5.00' }],
    });
    // 20.00 at 2 points per unit = 40, plus 50 welcome points.
    expect((await t.ok(LEDGER, { id })).customer.loyalty.balance).toBe(90);
    await t.ok(
      `mutation($o: ID!, $l: ID!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 1 }] }) { id } }`,
      { o: order.id, l: order.lines[0].id },
    );
    expect((await t.ok(LEDGER, { id })).customer.loyalty.balance).toBe(80);
    await t.ok(
      `mutation($o: ID!, $l: ID!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 3 }] }) { id } }`,
      { o: order.id, l: order.lines[0].id },
    );
    expect((await t.ok(LEDGER, { id })).customer.loyalty.balance).toBe(50);

    const before = await t.sql(
      'select count(*)::int as n, sum(points)::int as p from loyalty_ledger_entries',
    );
    await t.app.services.loyaltyEarning.replay();
    await t.app.services.loyaltyEarning.replay();
    const after = await t.sql(
      'select count(*)::int as n, sum(points)::int as p from loyalty_ledger_entries',
    );
    expect(after).toEqual(before);
    const check = await t.app.services.loyaltyEarning.check();
    expect(check.negativeBalances).toEqual([]);
    expect(check.overdrawnLedgers).toEqual([]);
    void databaseId;
  });

  it('replays earning for imported history that never earned', async () => {
    const { id, databaseId } = await createCustomer(t);
    const order = await recordOrder(t, id, { placedAt: daysAgo(30), gross: '15.00' });
    await t.sql('delete from loyalty_ledger_entries where customer_id = $1', [databaseId]);
    const report = await t.app.services.loyaltyEarning.replay();
    expect(report.earningOrders).toBeGreaterThanOrEqual(1);
    const rows = await t.sql(
      `select points from loyalty_ledger_entries where customer_id = $1 and kind = 'EARN' and order_id = $2`,
      [databaseId, order.databaseId],
    );
    expect(rows).toEqual([{ points: 30 }]);
  });

  it('reports members, monthly movements, liability and redemption rate', async () => {
    const { loyaltyReport: r } =
      await t.ok(`{ loyaltyReport { members activeMembers outstandingPoints liability { amount currency } redemptionRate
      months { month issued redeemed expired } } }`);
    const [sums] =
      await t.sql(`select count(distinct customer_id)::int as members, sum(points)::int as outstanding,
      sum(points) filter (where points > 0 and kind in ('EARN', 'ADJUST'))::int as issued from loyalty_ledger_entries`);
    expect(r).toMatchObject({ members: sums.members, outstandingPoints: sums.outstanding });
    // Point value 1 minor unit: 100 points are worth 1.00.
    expect(r.liability.amount).toBe((sums.outstanding / 100).toFixed(2));
    expect(r.months.reduce((s: number, m: any) => s + m.issued, 0)).toBe(sums.issued);
  });

  it('expires points first in, first out, idempotently', async () => {
    const { id, databaseId } = await createCustomer(t);
    await t.ok(
      `mutation($id: ID!) { a: earnLoyaltyPoints(input: { customerId: $id, points: 100, reason: "old", occurredAt: "${daysAgo(400)}" }) { id }
      b: earnLoyaltyPoints(input: { customerId: $id, points: 70, reason: "new", occurredAt: "${daysAgo(30)}" }) { id }
      c: redeemLoyaltyPoints(input: { customerId: $id, points: 40, reason: "voucher" }) { id } }`,
      { id },
    );
    const first = await t.app.services.loyaltyEarning.expireUntil(new Date());
    expect(first.points).toBeGreaterThanOrEqual(60);
    const second = await t.app.services.loyaltyEarning.expireUntil(new Date());
    expect(second).toEqual({ customers: 0, points: 0 });
    const [{ balance }] = await t.sql(
      'select sum(points)::int as balance from loyalty_ledger_entries where customer_id = $1',
      [databaseId],
    );
    expect(balance).toBe(70);
  });
});

describe('product and tier multipliers', () => {
  it('multiplies by product on top of category, and by the customer’s tier', async () => {
    await t.ok(RULES, {
      input: {
        effectiveFrom: daysAgo(1),
        pointsPerUnit: 1,
        categoryMultipliers: [{ name: 'kitchen', multiplier: 2 }],
        productMultipliers: [{ name: 'MUG', multiplier: 1.5 }],
        tierMultipliers: [{ name: 'GOLD', multiplier: 2 }],
      },
    });
    const { id, databaseId } = await createCustomer(t);
    // 10.00 of mugs: 10 x 2 (kitchen) x 1.5 (MUG) = 30 points; the customer holds no GOLD yet.
    await recordOrder(t, id, {
      placedAt: new Date().toISOString(),
      lines: [{ sku: 'MUG', quantity: 2, unitPrice: '5.00' }],
    });
    const points = async () =>
      (
        await t.sql(
          `select points from loyalty_ledger_entries where customer_id = $1 and kind = 'EARN' and order_id is not null order by occurred_at`,
          [databaseId],
        )
      ).map((r) => r.points);
    expect(await points()).toEqual([30]);
    await t.sql(`update loyalty_memberships set tier_code = 'GOLD' where customer_id = $1`, [
      databaseId,
    ]);
    await recordOrder(t, id, {
      placedAt: new Date(Date.now() + 1000).toISOString(),
      lines: [{ sku: 'BEANS', quantity: 1, unitPrice: '10.00' }],
    });
    // 10.00 of coffee under this version (no coffee multiplier) = 10, doubled for GOLD.
    expect(await points()).toEqual([30, 20]);
  });
});

describe('cashback and birthdays', () => {
  it('pays cashback as store credit once per order and reverses the refunded share', async () => {
    await t.ok(RULES, {
      input: { effectiveFrom: daysAgo(1), pointsPerUnit: 1, cashbackPercent: 5 },
    });
    const { id } = await createCustomer(t);
    const recent = {
      placedAt: new Date().toISOString(),
      externalRef: 'CB-1',
      lines: [{ sku: 'BEANS', quantity: 4, unitPrice: '10.00' }],
    };
    const order = await recordOrder(t, id, recent);
    await recordOrder(t, id, recent);
    const CREDIT = `query($id: ID!) { customer(id: $id) { loyalty { storeCredit { amount } } } }`;
    expect((await t.ok(CREDIT, { id })).customer.loyalty.storeCredit.amount).toBe('2.00');
    await t.ok(
      `mutation($o: ID!, $l: ID!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 2 }] }) { id } }`,
      { o: order.id, l: order.lines[0].id },
    );
    expect((await t.ok(CREDIT, { id })).customer.loyalty.storeCredit.amount).toBe('1.00');
  });

  it('grants the birthday bonus once a year to customers born on the day', async () => {
    await t.ok(RULES, {
      input: { effectiveFrom: daysAgo(1), pointsPerUnit: 1, birthdayBonus: 25 },
    });
    const today = new Date();
    const birthDate = `1990-${String(today.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(today.getUTCDate(), 28)).padStart(2, '0')}`;
    const on = new Date(`${today.getUTCFullYear()}-${birthDate.slice(5)}T00:00:00Z`);
    const { databaseId } = await createCustomer(t, { birthDate });
    const ids = await t.app.services.customers.idsWithBirthday(on.toISOString().slice(0, 10));
    expect(ids).toContain(databaseId);
    await t.app.services.loyaltyEarning.grantBirthdayBonuses(ids, on);
    await t.app.services.loyaltyEarning.grantBirthdayBonuses(ids, on);
    const rows = await t.sql(
      `select points from loyalty_ledger_entries where customer_id = $1 and reason like 'Birthday bonus%'`,
      [databaseId],
    );
    expect(rows).toEqual([{ points: 25 }]);
  });
});

describe('tiers with retention and history', () => {
  it('qualifies up, keeps a tier down to its retention threshold, and records every change with its reason', async () => {
    await t.ok(`mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: SPEND_12M, pointsValidityMonths: 12, tiers: [
      { code: "MEMBER", name: "Member", threshold: "0" }, { code: "GOLD", name: "Gold", threshold: "100.00", retentionThreshold: "60.00" }] }) { tiers { code retentionSpend { amount } } } }`);
    const { id } = await createCustomer(t);
    const HISTORY = `query($id: ID!) { customer(id: $id) { loyalty { tier { code } tierHistory { fromTier toTier reason } } } }`;
    const order = await recordOrder(t, id, {
      placedAt: daysAgo(3),
      lines: [{ sku: 'BEANS', quantity: 12, unitPrice: '10.00' }],
    });
    let loyalty = (await t.ok(HISTORY, { id })).customer.loyalty;
    expect(loyalty.tier.code).toBe('GOLD');
    expect(loyalty.tierHistory[0]).toMatchObject({ fromTier: null, toTier: 'GOLD' });
    // Returning 5 of 12 leaves 70.00: below GOLD's threshold, above its retention threshold.
    await t.ok(
      `mutation($o: ID!, $l: ID!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 5 }] }) { id } }`,
      { o: order.id, l: order.lines[0].id },
    );
    loyalty = (await t.ok(HISTORY, { id })).customer.loyalty;
    expect(loyalty.tier.code).toBe('GOLD');
    expect(loyalty.tierHistory).toHaveLength(1);
    await t.ok(
      `mutation($o: ID!, $l: ID!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 2 }] }) { id } }`,
      { o: order.id, l: order.lines[0].id },
    );
    loyalty = (await t.ok(HISTORY, { id })).customer.loyalty;
    expect(loyalty.tier.code).toBe('MEMBER');
    expect(loyalty.tierHistory[0]).toMatchObject({ fromTier: 'GOLD', toTier: 'MEMBER' });
    expect(loyalty.tierHistory[0].reason).toMatch(/retention threshold/);
    const bad = await t.gql(
      `mutation { configureLoyaltyProgram(input: { name: "X", tierBasis: SPEND_12M, tiers: [{ code: "A", name: "A", threshold: "10.00", retentionThreshold: "20.00" }] }) { name } }`,
    );
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'tiers[0].retentionThreshold',
    });
  });
});
