import type { DemoCustomerContext, SeedTables } from './demo-customer';
import { iso } from './demo-customer';
import type { SimulatedOrder } from './demo-orders';

const DAY = 86_400_000;
const POINTS_VALIDITY_MONTHS = 12;

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(value)));
const addMonths = (date: Date, months: number) => {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
};

/** Feedback that follows behaviour, the communications around it, and the loyalty ledger. */
export function simulateAfterOrders(ctx: DemoCustomerContext, orders: SimulatedOrder[], out: SeedTables): void {
  simulateFeedback(ctx, orders, out);
  simulateCampaigns(ctx, out);
  if (ctx.loyaltyMember) simulateLoyalty(ctx, orders, out);
}

function simulateFeedback(ctx: DemoCustomerContext, orders: SimulatedOrder[], out: SeedTables) {
  const { rng, world, customerId } = ctx;
  const before = (d: Date) => d.getTime() < world.asOf.getTime();
  orders.forEach((order, n) => {
    const confirmation = ctx.consents.email || rng.chance(0.9);
    if (confirmation) {
      out.communications.push([rng.uuid(), customerId, 'EMAIL', 'OUTBOUND', 'TRANSACTIONAL', `Order ${order.externalRef} confirmed`,
        rng.chance(0.6) ? 'OPENED' : 'DELIVERED', iso(new Date(order.placedAt.getTime() + 60_000)), order.id, null, 'shop']);
    }
    if (order.status === 'CANCELLED') return;
    const loyaltyBoost = Math.min(2, n * 0.2);
    if (rng.chance(0.12)) {
      const at = new Date(order.placedAt.getTime() + 3 * DAY);
      if (before(at)) {
        const score = clamp(7 + loyaltyBoost + rng.normal() * 1.8 - (order.returnedAt ? 4 : 0), 0, 10);
        out.feedback.push([rng.uuid(), customerId, 'NPS', score, 0, 10, score >= 9 ? 'Great service, fast delivery' : score <= 6 ? 'Delivery was slow' : null,
          'post-purchase survey', order.id, null, iso(at), null, null, null]);
        if (score >= 9 && rng.chance(0.1)) {
          out.feedback.push([rng.uuid(), customerId, 'TESTIMONIAL', null, null, null, 'I recommend this shop to all my friends.',
            'review site', null, null, iso(new Date(at.getTime() + DAY)), null, null, null]);
        }
      }
    }
    if (rng.chance(0.06)) {
      const at = new Date(order.placedAt.getTime() + 10 * DAY);
      if (before(at)) {
        const sku = rng.pick(order.productSkus);
        const stars = clamp(4 + rng.normal() - (order.returnedAt ? 2 : 0), 1, 5);
        out.feedback.push([rng.uuid(), customerId, 'PRODUCT_REVIEW', stars, 1, 5, stars >= 4 ? 'Does what it should.' : 'Quality could be better.',
          'product page', order.id, world.productIds.get(sku)!, iso(at), null, null, null]);
      }
    }
    if (order.returnedAt && rng.chance(0.4)) complaint(ctx, order, out);
  });
}

function complaint(ctx: DemoCustomerContext, order: SimulatedOrder, out: SeedTables) {
  const { rng, world, customerId } = ctx;
  const at = new Date(order.returnedAt!.getTime() + DAY);
  if (at >= world.asOf) return;
  const complaintId = rng.uuid();
  const resolvedAt = new Date(at.getTime() + rng.int(1, 10) * DAY);
  const resolved = resolvedAt < world.asOf && rng.chance(0.75);
  out.feedback.push([complaintId, customerId, 'COMPLAINT', null, null, null, `Returned order ${order.externalRef}: ${order.returnReason}`,
    'support line', order.id, null, iso(at), resolved ? 'RESOLVED' : 'OPEN', resolved ? 'Refunded and apologised with a voucher' : null,
    resolved ? iso(resolvedAt) : null]);
  out.communications.push([rng.uuid(), customerId, 'PHONE', 'INBOUND', 'SUPPORT', `Complaint about ${order.externalRef}`,
    resolved ? 'RESOLVED' : 'REPLIED', iso(at), order.id, complaintId, rng.pick(['Ana (support)', 'Marko (support)', 'Eva (support)'])]);
  if (resolved) {
    out.feedback.push([rng.uuid(), customerId, 'CSAT', clamp(3.5 + rng.normal(), 1, 5), 1, 5, null, 'support follow-up', order.id, null,
      iso(new Date(resolvedAt.getTime() + DAY)), null, null, null]);
  }
}

function simulateCampaigns(ctx: DemoCustomerContext, out: SeedTables) {
  const { rng, world, customerId } = ctx;
  if (!ctx.consents.email && !ctx.consents.sms) return;
  let t = ctx.signupAt.getTime() + rng.int(20, 90) * DAY;
  while (t < world.asOf.getTime()) {
    const channel = ctx.consents.email ? 'EMAIL' : 'SMS';
    const outcome = rng.weighted(['DELIVERED', 'OPENED', 'CLICKED', 'BOUNCED'], (o) => ({ DELIVERED: 5, OPENED: 3, CLICKED: 1.2, BOUNCED: 0.3 })[o]!);
    out.communications.push([rng.uuid(), customerId, channel, 'OUTBOUND', 'CAMPAIGN', rng.pick(['Seasonal offers', 'New arrivals', 'Members’ weekend']),
      outcome, iso(new Date(t)), null, null, 'campaign tool']);
    t += rng.int(45, 120) * DAY;
  }
}

/** Earning per order, a welcome bonus, vouchers, and expiry first in, first out, as the ledger would hold them. */
function simulateLoyalty(ctx: DemoCustomerContext, orders: SimulatedOrder[], out: SeedTables) {
  const { rng, world, customerId } = ctx;
  const lots: { expiresAt: Date; remaining: number }[] = [];
  const entry = (kind: string, points: number, reason: string, at: Date, orderId: string | null = null, expiresAt: Date | null = null) =>
    out.loyalty_ledger_entries.push([rng.uuid(), customerId, world.programId, kind, points, reason, orderId, expiresAt && iso(expiresAt), iso(at)]);
  const take = (points: number) => {
    for (const lot of lots) {
      const used = Math.min(lot.remaining, points);
      lot.remaining -= used;
      points -= used;
    }
  };
  const expireUpTo = (at: Date) => {
    for (const lot of lots) {
      if (lot.remaining > 0 && lot.expiresAt <= at) {
        const points = lot.remaining;
        take(points);
        entry('EXPIRE', -points, 'Points expired', lot.expiresAt);
      }
    }
  };
  const balance = () => lots.reduce((sum, lot) => sum + lot.remaining, 0);
  entry('ADJUST', 100, 'Welcome bonus', ctx.signupAt);
  lots.push({ expiresAt: addMonths(ctx.signupAt, POINTS_VALIDITY_MONTHS), remaining: 100 });
  for (const order of orders) {
    expireUpTo(order.placedAt);
    if (balance() >= 500 && rng.chance(0.4)) {
      take(500);
      entry('REDEEM', -500, 'Voucher worth 5.00', order.placedAt);
    }
    const points = order.status === 'CANCELLED' ? 0 : Math.floor(order.netMinor / 100);
    if (points > 0) {
      const expiresAt = addMonths(order.placedAt, POINTS_VALIDITY_MONTHS);
      entry('EARN', points, `Order ${order.externalRef}`, new Date(order.placedAt.getTime() + 1000), order.id, expiresAt);
      lots.push({ expiresAt, remaining: points });
    }
  }
  expireUpTo(world.asOf);
}
