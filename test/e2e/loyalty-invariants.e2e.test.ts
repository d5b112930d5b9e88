import fc from 'fast-check';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await createProducts(t, [{ sku: 'ITEM', category: 'general', unitPrice: '7.50' }]);
  await t.ok(`mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: POINTS_12M, pointsValidityMonths: 1, tiers: [
    { code: "BASE", name: "Base", threshold: "0" }, { code: "TOP", name: "Top", threshold: "300" }] }) { name } }`);
  await t.ok(`mutation { setLoyaltyRules(input: { effectiveFrom: "2000-01-01T00:00:00Z", pointsPerUnit: 3, welcomeBonus: 10,
    tierMultipliers: [{ name: "TOP", multiplier: 1.5 }] }) { id } }`);
});
afterAll(async () => {
  await t.close();
});

type Command =
  | { kind: 'order'; quantity: number; daysAgo: number }
  | { kind: 'return'; pick: number; quantity: number }
  | { kind: 'redeem'; points: number }
  | { kind: 'expire'; daysAhead: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('order' as const),
    quantity: fc.integer({ min: 1, max: 5 }),
    daysAgo: fc.integer({ min: 0, max: 90 }),
  }),
  fc.record({
    kind: fc.constant('return' as const),
    pick: fc.nat(),
    quantity: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('expire' as const), daysAhead: fc.integer({ min: -30, max: 60 }) }),
);

describe('loyalty balance integrity (property-based)', () => {
  it('keeps every balance equal to its ledger and never negative, whatever happens in whatever order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 8 }), async (commands) => {
        const { id, databaseId } = await createCustomer(t);
        const orders: { id: string; lineId: string; left: number }[] = [];
        for (const c of commands) {
          if (c.kind === 'order') {
            const order = await recordOrder(t, id, {
              placedAt: new Date(Date.now() - c.daysAgo * 86_400_000).toISOString(),
              lines: [{ sku: 'ITEM', quantity: c.quantity, unitPrice: '7.50' }],
            });
            orders.push({ id: order.id, lineId: order.lines[0].id, left: c.quantity });
          } else if (c.kind === 'return' && orders.length > 0) {
            const order = orders[c.pick % orders.length];
            const quantity = Math.min(c.quantity, order.left);
            if (quantity > 0) {
              await t.ok(
                `mutation($o: ID!, $l: ID!, $q: Int!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: $q }] }) { id } }`,
                { o: order.id, l: order.lineId, q: quantity },
              );
              order.left -= quantity;
            }
          } else if (c.kind === 'redeem') {
            const res = await t.gql(
              `mutation($id: ID!, $p: Int!) { redeemLoyaltyPoints(input: { customerId: $id, points: $p, reason: "test" }) { id } }`,
              { id, p: c.points },
            );
            if (res.errors) expect(res.errors[0].extensions.code).toBe('BAD_USER_INPUT');
          } else if (c.kind === 'expire') {
            await t.app.services.loyaltyEarning.expireUntil(
              new Date(Date.now() + c.daysAhead * 86_400_000),
            );
          }
          const [{ sum }] = await t.sql(
            'select coalesce(sum(points), 0)::int as sum from loyalty_ledger_entries where customer_id = $1',
            [databaseId],
          );
          const { balance } = (
            await t.ok(`query($id: ID!) { customer(id: $id) { loyalty { balance } } }`, { id })
          ).customer.loyalty;
          expect(balance).toBe(sum);
          expect(balance).toBeGreaterThanOrEqual(0);
        }
        const check = await t.app.services.loyaltyEarning.check();
        expect(check.negativeBalances).toEqual([]);
        expect(check.overdrawnLedgers).toEqual([]);
      }),
      { numRuns: 25, seed: 2026 },
    );
  });
});
