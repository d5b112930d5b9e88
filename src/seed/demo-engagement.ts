import { currencyExponent } from '../common/money';
import { pointsForOrder, pointsToTakeBack } from '../modules/loyalty';
import type { SimulatedOrder } from './demo-orders';
import { DAY, DemoCustomerContext, iso, SeedTables } from './demo-world';

/** Orders of the last days have not earned yet, as orders that came by CSV import wait for `loyalty replay`. */
export const PENDING_EARNING_DAYS = 7;

const clamp = (value: number, min: number, max: number) =>
  Math.max(min, Math.min(max, Math.round(value)));
const addMonths = (date: Date, months: number) => {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
};

/** Feedback that follows behaviour, the communications around it, and the loyalty ledger. */
export function simulateAfterOrders(
  ctx: DemoCustomerContext,
  orders: SimulatedOrder[],
  out: SeedTables,
): void {
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
      out.communications.push([
        rng.uuid(),
        customerId,
        'EMAIL',
        'OUTBOUND',
        'TRANSACTIONAL',
        `Order ${order.externalRef} confirmed`,
        rng.chance(0.6) ? 'OPENED' : 'DELIVERED',
        iso(new Date(order.placedAt.getTime() + 60_000)),
        order.id,
        null,
        'shop',
      ]);
    }
    if (order.status === 'CANCELLED') return;
    const loyaltyBoost = Math.min(2, n * 0.2);
    if (rng.chance(0.12)) {
      const at = new Date(order.placedAt.getTime() + 3 * DAY);
      if (before(at)) {
        const score = clamp(
          7 + loyaltyBoost + rng.normal() * 1.8 - (order.returnedAt ? 4 : 0),
          0,
          10,
        );
        out.feedback.push([
          rng.uuid(),
          customerId,
          'NPS',
          score,
          0,
          10,
          score >= 9 ? 'Great service, fast delivery' : score <= 6 ? 'Delivery was slow' : null,
          'post-purchase survey',
          order.id,
          null,
          iso(at),
          null,
          null,
          null,
        ]);
        if (score >= 9 && rng.chance(0.1)) {
          out.feedback.push([
            rng.uuid(),
            customerId,
            'TESTIMONIAL',
            null,
            null,
            null,
            'I recommend this shop to all my friends.',
            'review site',
            null,
            null,
            iso(new Date(at.getTime() + DAY)),
            null,
            null,
            null,
          ]);
        }
      }
    }
    if (rng.chance(0.06)) {
      const at = new Date(order.placedAt.getTime() + 10 * DAY);
      if (before(at)) {
        const sku = rng.pick(order.productSkus);
        const stars = clamp(4 + rng.normal() - (order.returnedAt ? 2 : 0), 1, 5);
        out.feedback.push([
          rng.uuid(),
          customerId,
          'PRODUCT_REVIEW',
          stars,
          1,
          5,
          stars >= 4 ? 'Does what it should.' : 'Quality could be better.',
          'product page',
          order.id,
          world.productIds.get(sku)!,
          iso(at),
          null,
          null,
          null,
        ]);
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
  out.feedback.push([
    complaintId,
    customerId,
    'COMPLAINT',
    null,
    null,
    null,
    `Returned order ${order.externalRef}: ${order.returnReason}`,
    'support line',
    order.id,
    null,
    iso(at),
    resolved ? 'RESOLVED' : 'OPEN',
    resolved ? 'Refunded and apologised with a voucher' : null,
    resolved ? iso(resolvedAt) : null,
  ]);
  out.communications.push([
    rng.uuid(),
    customerId,
    'PHONE',
    'INBOUND',
    'SUPPORT',
    `Complaint about ${order.externalRef}`,
    resolved ? 'RESOLVED' : 'REPLIED',
    iso(at),
    order.id,
    complaintId,
    rng.pick(['Ana (support)', 'Marko (support)', 'Eva (support)']),
  ]);
  if (resolved) {
    out.feedback.push([
      rng.uuid(),
      customerId,
      'CSAT',
      clamp(3.5 + rng.normal(), 1, 5),
      1,
      5,
      null,
      'support follow-up',
      order.id,
      null,
      iso(new Date(resolvedAt.getTime() + DAY)),
      null,
      null,
      null,
    ]);
  }
}

function simulateCampaigns(ctx: DemoCustomerContext, out: SeedTables) {
  const { rng, world, customerId } = ctx;
  if (!ctx.consents.email && !ctx.consents.sms) return;
  let t = ctx.signupAt.getTime() + rng.int(20, 90) * DAY;
  while (t < world.asOf.getTime()) {
    const channel = ctx.consents.email ? 'EMAIL' : 'SMS';
    const outcome = rng.weighted(
      ['DELIVERED', 'OPENED', 'CLICKED', 'BOUNCED'],
      (o) => ({ DELIVERED: 5, OPENED: 3, CLICKED: 1.2, BOUNCED: 0.3 })[o]!,
    );
    out.communications.push([
      rng.uuid(),
      customerId,
      channel,
      'OUTBOUND',
      'CAMPAIGN',
      rng.pick(['Seasonal offers', 'New arrivals', 'Members’ weekend']),
      outcome,
      iso(new Date(t)),
      null,
      null,
      'campaign tool',
    ]);
    t += rng.int(45, 120) * DAY;
  }
}

interface LoyaltyEvent {
  at: Date;
  apply: () => void;
}

/**
 * The ledger as the loyalty service would have written it under the demo's rule version: earning per order (with
 * the welcome bonus on the first), points taken back for returns, birthday bonuses, vouchers, and expiry first in,
 * first out. Orders of the last PENDING_EARNING_DAYS and today's birthdays are left to `loyalty replay` and
 * `loyalty birthdays`.
 */
function simulateLoyalty(ctx: DemoCustomerContext, orders: SimulatedOrder[], out: SeedTables) {
  const { rng, world, customerId } = ctx;
  const { rule } = world;
  const lots: { expiresAt: Date | null; remaining: number }[] = [];
  const expiry = (at: Date) =>
    world.pointsValidityMonths ? addMonths(at, world.pointsValidityMonths) : null;
  const entry = (
    kind: string,
    points: number,
    reason: string,
    at: Date,
    orderId: string | null = null,
    expiresAt: Date | null = null,
  ) =>
    out.loyalty_ledger_entries.push([
      rng.uuid(),
      customerId,
      world.programId,
      kind,
      points,
      reason,
      orderId,
      kind === 'EARN' ? rule.id : null,
      expiresAt && iso(expiresAt),
      iso(at),
    ]);
  const take = (points: number) => {
    for (const lot of lots) {
      const used = Math.min(lot.remaining, points);
      lot.remaining -= used;
      points -= used;
    }
  };
  const earn = (points: number, reason: string, at: Date, orderId: string | null = null) => {
    const expiresAt = expiry(at);
    entry('EARN', points, reason, at, orderId, expiresAt);
    lots.push({ expiresAt, remaining: points });
  };
  const expireUpTo = (at: Date) => {
    for (const lot of lots) {
      if (lot.remaining > 0 && lot.expiresAt !== null && lot.expiresAt <= at) {
        const points = lot.remaining;
        take(points);
        entry('EXPIRE', -points, 'Points expired', lot.expiresAt);
      }
    }
  };
  const balance = () => lots.reduce((sum, lot) => sum + lot.remaining, 0);
  const minorPerUnit = 10 ** currencyExponent(world.currency);
  const pendingFrom = world.asOf.getTime() - PENDING_EARNING_DAYS * DAY;
  let welcomed = false;
  const events: LoyaltyEvent[] = [];
  // In time order; an event at the same moment as others goes after them.
  const schedule = (event: LoyaltyEvent) => {
    const after = events.findIndex((e) => e.at > event.at);
    events.splice(after === -1 ? events.length : after, 0, event);
  };
  for (const order of orders) {
    schedule({
      at: order.placedAt,
      apply: () => {
        if (balance() >= 500 && rng.chance(0.4)) {
          take(500);
          entry('REDEEM', -500, 'Voucher worth 5.00', order.placedAt);
        }
        if (order.status === 'CANCELLED' || order.placedAt.getTime() >= pendingFrom) return;
        const earning = {
          status: 'PLACED',
          grossMinor: BigInt(order.grossMinor),
          netMinor: BigInt(order.netMinor),
          lines: order.lines,
        };
        const points = pointsForOrder(rule, earning, null, minorPerUnit);
        if (points <= 0) return;
        earn(
          points,
          `Order ${order.externalRef} (rules v${rule.version})`,
          order.placedAt,
          order.id,
        );
        if (!welcomed && rule.welcomeBonus > 0)
          earn(rule.welcomeBonus, 'Welcome bonus', order.placedAt);
        welcomed = true;
        if (order.returnedAt && order.refundedMinor > 0) {
          const returnedAt = order.returnedAt;
          schedule({
            at: returnedAt,
            apply: () => {
              const back = Math.min(
                pointsToTakeBack(points, BigInt(order.refundedMinor), BigInt(order.netMinor), 0),
                balance(),
              );
              if (back > 0) {
                take(back);
                entry(
                  'ADJUST',
                  -back,
                  `Return of order ${order.externalRef}`,
                  returnedAt,
                  order.id,
                );
              }
            },
          });
        }
      },
    });
  }
  if (rule.birthdayBonus > 0) {
    for (const on of birthdaysBetween(ctx.birthDate, ctx.signupAt, world.asOf)) {
      schedule({
        at: on,
        apply: () => earn(rule.birthdayBonus, `Birthday bonus ${on.getUTCFullYear()}`, on),
      });
    }
  }
  // A return is scheduled when its order earns, so the list grows while it is walked, always after the current event.
  for (let i = 0; i < events.length; i++) {
    expireUpTo(events[i].at);
    events[i].apply();
  }
  expireUpTo(world.asOf);
}

/** Each birthday (29 February on the 28th in other years) after `from` and before the day `until` starts. */
function birthdaysBetween(birth: Date, from: Date, until: Date): Date[] {
  const days: Date[] = [];
  for (let year = from.getUTCFullYear(); year <= until.getUTCFullYear(); year++) {
    let day = new Date(Date.UTC(year, birth.getUTCMonth(), birth.getUTCDate()));
    if (day.getUTCMonth() !== birth.getUTCMonth())
      day = new Date(Date.UTC(year, birth.getUTCMonth() + 1, 0));
    if (day > from && day < until) days.push(day);
  }
  return days;
}
