import { PRODUCTS } from './demo-catalogue';
import { DAY, DemoCustomerContext, iso, SeedTables } from './demo-world';

export interface SimulatedOrder {
  id: string;
  externalRef: string;
  placedAt: Date;
  status: string;
  grossMinor: number;
  /** After the order discount, before any refund. */
  netMinor: number;
  refundedMinor: number;
  lines: { totalMinor: bigint; sku: string; category: string }[];
  returnedAt: Date | null;
  returnReason: string | null;
  productSkus: string[];
}

const MAX_ORDERS = 80;
const RETURN_REASONS = ['wrong size', 'damaged in transit', 'not as described', 'changed my mind'];

/**
 * Purchases as the BG/NBD story tells them: each customer buys at their own Poisson rate (gamma
 * across customers) and may drop out after any purchase (beta across customers); regulars with a
 * product cycle buy on that cycle; season and complementary products decide what is bought.
 */
export function simulateOrders(ctx: DemoCustomerContext, out: SeedTables): SimulatedOrder[] {
  const { rng, world, persona, customerId } = ctx;
  const ratePerDay = rng.gamma(0.9, 1 / 26 / 0.9);
  const dropout = persona.cycle ? rng.beta(1, 30) : rng.beta(1, 10);
  const bought = new Set<string>();
  const orders: SimulatedOrder[] = [];
  let t = ctx.signupAt.getTime() + rng.int(0, 2 * 24) * 3_600_000;
  while (t < world.asOf.getTime() && orders.length < MAX_ORDERS) {
    const placedAt = new Date(t);
    orders.push(writeOrder(ctx, out, placedAt, pickSkus(ctx, bought, placedAt), orders.length));
    if (rng.chance(dropout)) break;
    const gap =
      persona.cycle && rng.chance(0.8)
        ? persona.cycle.days + rng.normal() * 4
        : Math.max(1, rng.exponential(Math.max(ratePerDay, 1 / 400)));
    t += gap * DAY;
  }
  void customerId;
  return orders;
}

function pickSkus(ctx: DemoCustomerContext, bought: Set<string>, at: Date): string[] {
  const { rng, persona } = ctx;
  const month = at.getUTCMonth() + 1;
  const inSeason = (sku: string) => {
    const season = PRODUCTS.find((p) => p.sku === sku)!.season;
    return season.length === 0 ? 2 : season.includes(month) ? 6 : 0.3;
  };
  const skus = new Set<string>();
  if (persona.cycle && bought.has(persona.cycle.sku) && rng.chance(0.85))
    skus.add(persona.cycle.sku);
  const followers = [...bought]
    .flatMap((sku) => persona.followers[sku] ?? [])
    .filter((sku) => !bought.has(sku));
  if (followers.length > 0 && rng.chance(0.6)) skus.add(rng.weighted(followers, inSeason));
  const freshStarters = persona.starters.filter(
    (sku) => !bought.has(sku) || sku === persona.cycle?.sku,
  );
  if (skus.size === 0 || rng.chance(0.3)) {
    // Once a persona has everything it starts with, it browses the whole catalogue.
    skus.add(
      rng.weighted(freshStarters.length > 0 ? freshStarters : PRODUCTS.map((p) => p.sku), inSeason),
    );
  }
  if (rng.chance(0.08))
    skus.add(
      rng.weighted(
        PRODUCTS.map((p) => p.sku),
        inSeason,
      ),
    );
  for (const sku of skus) bought.add(sku);
  return [...skus];
}

function writeOrder(
  ctx: DemoCustomerContext,
  out: SeedTables,
  placedAt: Date,
  skus: string[],
  n: number,
): SimulatedOrder {
  const { rng, world, persona, customerId } = ctx;
  const orderId = rng.uuid();
  const lines = skus.map((sku, i) => {
    const product = world.products.get(sku)!;
    const quantity = product.category === 'coffee' ? rng.int(1, 2) : 1;
    return {
      id: rng.uuid(),
      lineNo: i + 1,
      sku,
      quantity,
      unit: product.priceMinor,
      total: product.priceMinor * quantity,
    };
  });
  const gross = lines.reduce((sum, l) => sum + l.total, 0);
  const discountRate = persona.discountHunter
    ? rng.chance(0.8)
      ? rng.int(15, 30) / 100
      : 0
    : rng.chance(0.1)
      ? 0.1
      : 0;
  const discount = Math.round(gross * discountRate);
  const net = gross - discount;
  const ageDays = (world.asOf.getTime() - placedAt.getTime()) / DAY;
  let status = rng.chance(0.02) ? 'CANCELLED' : ageDays < 5 ? 'PLACED' : 'FULFILLED';
  const returning =
    status === 'FULFILLED' && ageDays > 20 && lines.filter(() => rng.chance(persona.returnRate));
  const returnedAt =
    returning && returning.length ? new Date(placedAt.getTime() + rng.int(5, 20) * DAY) : null;
  const returnReason = returnedAt ? rng.pick(RETURN_REASONS) : null;
  let refunded = 0;
  const lineRows = lines.map((l) => {
    const isReturned = returnedAt !== null && (returning as typeof lines).includes(l);
    const refund = isReturned ? Math.floor((l.total * net) / gross) : 0;
    refunded += refund;
    if (isReturned) {
      out.order_returns.push([
        rng.uuid(),
        customerId,
        orderId,
        l.id,
        l.quantity,
        refund,
        returnReason,
        iso(returnedAt),
      ]);
    }
    return [
      l.id,
      customerId,
      orderId,
      l.lineNo,
      world.productIds.get(l.sku)!,
      l.quantity,
      l.unit,
      l.total,
      isReturned ? l.quantity : 0,
      refund,
    ];
  });
  if (returnedAt)
    status =
      (returning as typeof lines).length === lines.length ? 'RETURNED' : 'PARTIALLY_RETURNED';
  const externalRef = `D${ctx.index}-${n + 1}`;
  const channel = rng.weighted(
    ['WEB', 'APP', 'STORE', 'PHONE'],
    (c) => ({ WEB: 6, APP: 3, STORE: 2, PHONE: 0.5 })[c]!,
  );
  out.orders.push([
    orderId,
    customerId,
    'demo-shop',
    externalRef,
    iso(placedAt),
    status,
    channel,
    world.currency,
    gross,
    discount,
    net,
    refunded,
    lines.reduce((sum, l) => sum + l.quantity, 0),
  ]);
  out.order_lines.push(...lineRows);
  return {
    id: orderId,
    externalRef,
    placedAt,
    status,
    grossMinor: gross,
    netMinor: net,
    refundedMinor: refunded,
    returnedAt,
    returnReason,
    productSkus: skus,
    lines: lines.map((l) => ({
      totalMinor: BigInt(l.total),
      sku: l.sku,
      category: world.products.get(l.sku)!.category,
    })),
  };
}
