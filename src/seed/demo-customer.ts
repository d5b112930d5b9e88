import { Random } from '../common/random';
import { COUNTRIES, DemoProduct, Persona, PERSONAS, PRODUCTS } from './demo-catalogue';
import { simulateOrders, SimulatedOrder } from './demo-orders';
import { simulateAfterOrders } from './demo-engagement';

export type Row = (string | number | boolean | null | string[] | Record<string, unknown>)[];

export interface SeedTables {
  customers: Row[];
  customer_identifiers: Row[];
  customer_consent_events: Row[];
  orders: Row[];
  order_lines: Row[];
  order_returns: Row[];
  feedback: Row[];
  communications: Row[];
  loyalty_ledger_entries: Row[];
}

export const SEED_COLUMNS: Record<keyof SeedTables, string[]> = {
  customers: ['id', 'given_name', 'family_name', 'sort_name', 'email', 'phone', 'birth_date', 'name_day_month', 'name_day_day', 'locale', 'country', 'city', 'signup_at', 'tags', 'attributes', 'created_at', 'updated_at'],
  customer_identifiers: ['id', 'customer_id', 'type', 'value', 'source'],
  customer_consent_events: ['id', 'customer_id', 'channel', 'granted', 'occurred_at', 'source'],
  orders: ['id', 'customer_id', 'source', 'external_ref', 'placed_at', 'status', 'channel', 'currency', 'gross_minor', 'discount_minor', 'net_minor', 'refunded_minor', 'item_count'],
  order_lines: ['id', 'customer_id', 'order_id', 'line_no', 'product_id', 'quantity', 'unit_price_minor', 'line_total_minor', 'returned_quantity', 'refunded_minor'],
  order_returns: ['id', 'customer_id', 'order_id', 'order_line_id', 'quantity', 'refund_minor', 'reason', 'returned_at'],
  feedback: ['id', 'customer_id', 'kind', 'score', 'scale_min', 'scale_max', 'comment', 'touchpoint', 'order_id', 'product_id', 'given_at', 'complaint_status', 'resolution', 'resolved_at'],
  communications: ['id', 'customer_id', 'channel', 'direction', 'purpose', 'subject', 'outcome', 'occurred_at', 'order_id', 'complaint_id', 'agent'],
  loyalty_ledger_entries: ['id', 'customer_id', 'program_id', 'kind', 'points', 'reason', 'order_id', 'expires_at', 'occurred_at'],
};

export const emptyTables = (): SeedTables => ({
  customers: [], customer_identifiers: [], customer_consent_events: [], orders: [], order_lines: [], order_returns: [],
  feedback: [], communications: [], loyalty_ledger_entries: [],
});

export interface SeedWorld {
  asOf: Date;
  currency: string;
  programId: string;
  productIds: Map<string, string>;
  products: Map<string, DemoProduct>;
}

export interface DemoCustomerContext {
  index: number;
  rng: Random;
  world: SeedWorld;
  customerId: string;
  persona: Persona;
  signupAt: Date;
  consents: { email: boolean; sms: boolean; phone: boolean; push: boolean };
  loyaltyMember: boolean;
}

const DAY = 86_400_000;
const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
export const iso = (d: Date) => d.toISOString();

/** Everything about one demo customer; customer `index` always comes out the same. */
export function simulateCustomer(index: number, seed: number, world: SeedWorld, out: SeedTables): SimulatedOrder[] {
  const rng = new Random(seed * 1_000_003 + index);
  const country = rng.weighted(COUNTRIES, (c) => (c.code === 'HR' ? 3 : 1));
  const given = rng.pick(country.givenNames);
  const family = rng.pick(country.familyNames);
  const customerId = rng.uuid();
  const tenureDays = rng.int(1, 3 * 365);
  const signupAt = new Date(world.asOf.getTime() - tenureDays * DAY + rng.int(8, 20) * 3_600_000);
  const birth = new Date(Date.UTC(world.asOf.getUTCFullYear() - rng.int(18, 80), rng.int(0, 11), rng.int(1, 28)));
  const persona = rng.weighted(PERSONAS, (p) => p.weight);
  const email = `${ascii(given)}.${ascii(family)}.${index}@example.com`;
  // Valid E.164 numbers, as the API would store them: New York 555 numbers, or Croatian mobiles (+385 91).
  const phone = country.code === 'US' ? `+1212555${String(index % 10_000).padStart(4, '0')}` : `+3859${String(10_000_000 + index).slice(-8)}`;
  const tags = [persona.name.replace(/ /g, '-'), ...(rng.chance(0.05) ? ['vip'] : []), ...(rng.chance(0.1) ? ['newsletter'] : [])];
  out.customers.push([customerId, given, family, `${family} ${given}`.toLowerCase(), email, phone, iso(birth).slice(0, 10),
    country.nameDays ? rng.int(1, 12) : null, null, country.locale, country.code, rng.pick(country.cities), iso(signupAt),
    tags, { persona: persona.name, acquisition: rng.pick(['search', 'social', 'referral', 'store', 'newsletter']) },
    iso(signupAt), iso(signupAt)]);
  const row = out.customers[out.customers.length - 1];
  if (row[7] !== null) row[8] = rng.int(1, 28);
  out.customer_identifiers.push([rng.uuid(), customerId, 'EMAIL', email, 'demo-shop']);
  out.customer_identifiers.push([rng.uuid(), customerId, 'SHOP_CUSTOMER_ID', `C${String(index).padStart(7, '0')}`, 'demo-shop']);
  const consents = { email: rng.chance(0.7), sms: rng.chance(0.3), phone: rng.chance(0.1), push: rng.chance(0.2) };
  for (const [channel, granted] of Object.entries(consents)) {
    if (!granted) continue;
    out.customer_consent_events.push([rng.uuid(), customerId, channel.toUpperCase(), true, iso(signupAt), channel === 'push' ? 'app' : 'checkout']);
  }
  if (consents.email && rng.chance(0.1)) {
    consents.email = false;
    const withdrawnAt = new Date(signupAt.getTime() + rng.next() * (world.asOf.getTime() - signupAt.getTime()));
    out.customer_consent_events.push([rng.uuid(), customerId, 'EMAIL', false, iso(withdrawnAt), 'preference centre']);
  }
  const ctx: DemoCustomerContext = { index, rng, world, customerId, persona, signupAt, consents, loyaltyMember: true };
  const orders = simulateOrders(ctx, out);
  simulateAfterOrders(ctx, orders, out);
  return orders;
}

export { PRODUCTS };
