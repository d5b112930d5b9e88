import { Random } from '../common/random';
import { PERSONAS } from './demo-catalogue';
import { COUNTRIES } from './demo-countries';
import { demoPerson } from './demo-person';
import { simulateOrders, SimulatedOrder } from './demo-orders';
import { simulateAfterOrders } from './demo-engagement';
import { DAY, DemoCustomerContext, iso, SeedTables, SeedWorld } from './demo-world';

/** Everything about one demo customer; customer `index` always comes out the same. */
export function simulateCustomer(
  index: number,
  seed: number,
  world: SeedWorld,
  out: SeedTables,
): SimulatedOrder[] {
  const rng = new Random(seed * 1_000_003 + index);
  const country = rng.weighted(COUNTRIES, (c) => c.weight);
  const person = demoPerson(rng, index, country, world.asOf);
  const { given, family, email } = person;
  const customerId = rng.uuid();
  const tenureDays = rng.int(1, 3 * 365);
  const signupAt = new Date(world.asOf.getTime() - tenureDays * DAY + rng.int(8, 20) * 3_600_000);
  const persona = rng.weighted(PERSONAS, (p) => p.weight);
  const tags = [
    persona.name.replace(/ /g, '-'),
    ...(rng.chance(0.05) ? ['vip'] : []),
    ...(rng.chance(0.1) ? ['newsletter'] : []),
  ];
  out.customers.push([
    customerId,
    given,
    family,
    `${family} ${given}`.toLowerCase(),
    email,
    person.phone,
    iso(person.birthDate).slice(0, 10),
    country.nameDays ? rng.int(1, 12) : null,
    null,
    country.locale,
    country.code,
    person.city,
    iso(signupAt),
    tags,
    {
      persona: persona.name,
      acquisition: rng.pick(['search', 'social', 'referral', 'store', 'newsletter']),
    },
    iso(signupAt),
    iso(signupAt),
  ]);
  const row = out.customers[out.customers.length - 1];
  if (row[7] !== null) row[8] = rng.int(1, 28);
  out.customer_identifiers.push([rng.uuid(), customerId, 'EMAIL', email, 'demo-shop']);
  out.customer_identifiers.push([
    rng.uuid(),
    customerId,
    'SHOP_CUSTOMER_ID',
    `C${String(index).padStart(7, '0')}`,
    'demo-shop',
  ]);
  const consents = {
    email: rng.chance(0.7),
    sms: rng.chance(0.3),
    phone: rng.chance(0.1),
    push: rng.chance(0.2),
  };
  for (const [channel, granted] of Object.entries(consents)) {
    if (!granted) continue;
    out.customer_consent_events.push([
      rng.uuid(),
      customerId,
      channel.toUpperCase(),
      true,
      iso(signupAt),
      channel === 'push' ? 'app' : 'checkout',
    ]);
  }
  if (consents.email && rng.chance(0.1)) {
    consents.email = false;
    const withdrawnAt = new Date(
      signupAt.getTime() + rng.next() * (world.asOf.getTime() - signupAt.getTime()),
    );
    out.customer_consent_events.push([
      rng.uuid(),
      customerId,
      'EMAIL',
      false,
      iso(withdrawnAt),
      'preference centre',
    ]);
  }
  const ctx: DemoCustomerContext = {
    index,
    rng,
    world,
    customerId,
    persona,
    signupAt,
    birthDate: person.birthDate,
    consents,
    loyaltyMember: true,
  };
  const orders = simulateOrders(ctx, out);
  simulateAfterOrders(ctx, orders, out);
  return orders;
}
