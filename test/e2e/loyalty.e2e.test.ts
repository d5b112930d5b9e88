import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const EARN = `mutation($input: LoyaltyPointsInput!) { earnLoyaltyPoints(input: $input) { id kind points reason expiresAt occurredAt order { id } } }`;
const REDEEM = `mutation($input: LoyaltyPointsInput!) { redeemLoyaltyPoints(input: $input) { kind points } }`;
const ADJUST = `mutation($input: LoyaltyPointsInput!) { adjustLoyaltyPoints(input: $input) { kind points } }`;
const STANDING = `query($id: ID!, $days: Int!) { customer(id: $id) { loyalty { balance tier { code name } nextTier { code } pointsToNextTier
  spendToNextTier { amount } progressToNextTier pointsExpiringSoon(days: $days) ledger(first: 10) { totalCount nodes { kind points } } } } }`;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe('loyalty', () => {
  it('refuses points before a program exists, and shows no loyalty block', async () => {
    const { id } = await createCustomer(t);
    const res = await t.gql(EARN, { input: { customerId: id, points: 10, reason: 'x' } });
    expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.ok(STANDING, { id, days: 30 })).customer.loyalty).toBeNull();
  });

  it('validates the program and its tiers', async () => {
    const dupes =
      await t.gql(`mutation { configureLoyaltyProgram(input: { name: "X", tierBasis: POINTS_12M, tiers: [
      { code: "A", name: "A", threshold: "10" }, { code: "A", name: "B", threshold: "20" }] }) { name } }`);
    expect(dupes.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const fraction = await t.gql(
      `mutation { configureLoyaltyProgram(input: { name: "X", tierBasis: POINTS_12M, tiers: [{ code: "A", name: "A", threshold: "1.5" }] }) { name } }`,
    );
    expect(fraction.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'tiers[0].threshold',
    });
  });

  it('keeps the balance as the ledger sum, expires first in first out, and places the customer in a points tier', async () => {
    const program =
      await t.ok(`mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: POINTS_12M, pointsValidityMonths: 12, tiers: [
      { code: "BRONZE", name: "Bronze", threshold: "0" }, { code: "SILVER", name: "Silver", threshold: "500", benefits: ["Free shipping"] }] })
      { name tierBasis pointsValidityMonths tiers { code thresholdPoints thresholdSpend { amount } benefits } } }`);
    const read = await t.ok(
      `{ loyaltyProgram { name tierBasis pointsValidityMonths tiers { code } } }`,
    );
    expect(read.loyaltyProgram).toEqual({
      name: 'Club',
      tierBasis: 'POINTS_12M',
      pointsValidityMonths: 12,
      tiers: [{ code: 'BRONZE' }, { code: 'SILVER' }],
    });
    expect(program.configureLoyaltyProgram.tiers).toEqual([
      { code: 'BRONZE', thresholdPoints: 0, thresholdSpend: null, benefits: [] },
      { code: 'SILVER', thresholdPoints: 500, thresholdSpend: null, benefits: ['Free shipping'] },
    ]);
    const { id } = await createCustomer(t);
    const order = await recordOrder(t, id, { gross: '10.00' });
    // Earned 350 days ago: expires in about 15 days. Earned 100 days ago: expires in about 265 days.
    const old = await t.ok(EARN, {
      input: { customerId: id, points: 100, reason: 'old purchase', occurredAt: daysAgo(350) },
    });
    expect(old.earnLoyaltyPoints.expiresAt).not.toBeNull();
    await t.ok(EARN, {
      input: {
        customerId: id,
        points: 200,
        reason: 'recent purchase',
        occurredAt: daysAgo(100),
        orderId: order.id,
      },
    });
    await t.ok(REDEEM, { input: { customerId: id, points: 60, reason: 'voucher' } });
    await t.ok(ADJUST, { input: { customerId: id, points: -10, reason: 'correction' } });
    const standing = (await t.ok(STANDING, { id, days: 30 })).customer.loyalty;
    // FIFO: the 70 points taken come out of the old lot, leaving 30 of it to expire soon.
    expect(standing).toMatchObject({
      balance: 230,
      pointsExpiringSoon: 30,
      tier: { code: 'BRONZE' },
      nextTier: { code: 'SILVER' },
      pointsToNextTier: 200,
      spendToNextTier: null,
      progressToNextTier: 0.6,
    });
    expect(standing.ledger.totalCount).toBe(4);
    expect((await t.ok(STANDING, { id, days: 300 })).customer.loyalty.pointsExpiringSoon).toBe(230);
    const twice = await t.gql(EARN, {
      input: { customerId: id, points: 5, reason: 'again', orderId: order.id },
    });
    expect(twice.errors?.[0].extensions.code).toBe('CONFLICT');
    const silver = await t.ok(
      `{ customers(first: 10, filter: { loyaltyTier: "BRONZE" }) { totalCount } }`,
    );
    expect(silver.customers.totalCount).toBeGreaterThanOrEqual(1);
  });

  it('never lets the balance go below zero, even when redemptions arrive at once', async () => {
    const { id, databaseId } = await createCustomer(t);
    await t.ok(EARN, { input: { customerId: id, points: 100, reason: 'start' } });
    const over = await t.gql(REDEEM, {
      input: { customerId: id, points: 101, reason: 'too much' },
    });
    expect(over.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'points' });
    const negative = await t.gql(ADJUST, {
      input: { customerId: id, points: -101, reason: 'too much' },
    });
    expect(negative.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.gql(REDEEM, { input: { customerId: id, points: 30, reason: 'rush' } }),
      ),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(3);
    expect(results.filter((r) => r.errors?.[0].extensions.code === 'BAD_USER_INPUT')).toHaveLength(
      5,
    );
    const [{ balance }] = await t.sql(
      'select sum(points)::int as balance from loyalty_ledger_entries where customer_id = $1',
      [databaseId],
    );
    expect(balance).toBe(10);
  });

  it('tiers a spend program by the last 12 months of orders, updated as orders arrive', async () => {
    await t.ok(`mutation { configureLoyaltyProgram(input: { name: "Spend club", tierBasis: SPEND_12M, tiers: [
      { code: "MEMBER", name: "Member", threshold: "0" }, { code: "GOLD", name: "Gold", threshold: "100.00" }] }) { name } }`);
    const { id } = await createCustomer(t);
    await recordOrder(t, id, { gross: '500.00', placedAt: daysAgo(400) });
    await recordOrder(t, id, { gross: '60.00', placedAt: daysAgo(10) });
    let loyalty = (await t.ok(STANDING, { id, days: 1 })).customer.loyalty;
    expect(loyalty).toMatchObject({
      tier: { code: 'MEMBER' },
      spendToNextTier: { amount: '40.00' },
      pointsToNextTier: null,
      progressToNextTier: 0.6,
    });
    await recordOrder(t, id, { gross: '40.00', placedAt: daysAgo(1) });
    loyalty = (await t.ok(STANDING, { id, days: 1 })).customer.loyalty;
    expect(loyalty).toMatchObject({
      tier: { code: 'GOLD' },
      nextTier: null,
      progressToNextTier: 1,
    });
    const gold = await t.ok(
      `{ customers(first: 10, filter: { loyaltyTier: "GOLD" }) { nodes { id } } }`,
    );
    expect(gold.customers.nodes).toEqual([{ id }]);
  });
});
