import type { Random } from '../common/random';
import { toE164 } from '../common/phone';
import { DAY } from './demo-world';
import type { DemoCountry } from './demo-countries';

export interface DemoPerson {
  given: string;
  family: string;
  city: string;
  phone: string;
  email: string;
  birthDate: Date;
}

/** Letters NFD does not take apart, written as an address book would. */
const LETTERS: Record<string, string> = { ł: 'l', đ: 'd', ß: 'ss', ø: 'o', æ: 'ae' };
const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[łđßøæ]/g, (c) => LETTERS[c])
    .replace(/[^a-z]/g, '');

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * A full name for customer `index`: (index · step + offset) mod (given × family) is one-to-one, so any run of
 * given × family consecutive indices (324 here) gives each customer of a country a name no other has.
 */
function fullName(index: number, country: DemoCountry): { given: string; family: string } {
  const g = country.givenNames.length;
  const combinations = g * country.familyNames.length;
  let step = Math.floor(combinations * 0.618);
  while (gcd(step, combinations) !== 1) step += 1;
  const offset = country.code.charCodeAt(0) * 31 + country.code.charCodeAt(1);
  const n = (index * step + offset) % combinations;
  return { given: country.givenNames[n % g], family: country.familyNames[Math.floor(n / g)] };
}

/** A number of that country (and city, where numbers show it) that libphonenumber's "max" ranges accept. */
export function phoneNumber(rng: Random, country: DemoCountry, city: string): string {
  const patterns = country.cityPhonePatterns?.[city] ?? country.phonePatterns;
  for (let attempt = 0; attempt < 50; attempt++) {
    const drawn = rng.pick(patterns).replace(/x/g, () => String(rng.int(0, 9)));
    if (toE164(drawn, country.code) === drawn) return drawn;
  }
  throw new Error(`No valid ${country.code} number from ${patterns.join(', ')}`);
}

/** Share of customers whose birthday falls in the two weeks from the seed's day, so birthday bonuses have work. */
const BIRTHDAY_SOON_EVERY = 20;
const BIRTHDAY_SOON_DAYS = 14;

/** Born 18 to 80 years before asOf on any day of the year; one in 20 within the next two weeks. */
function birthDate(rng: Random, index: number, asOf: Date): Date {
  const year = asOf.getUTCFullYear() - rng.int(18, 80);
  const within = rng.int(0, 364);
  const day =
    index % BIRTHDAY_SOON_EVERY === 0
      ? new Date(
          asOf.getTime() + (Math.floor(index / BIRTHDAY_SOON_EVERY) % BIRTHDAY_SOON_DAYS) * DAY,
        )
      : new Date(Date.UTC(2001, 0, 1) + within * DAY);
  const [month, date] = [day.getUTCMonth(), day.getUTCDate()];
  // 29 February exists only in leap years: such a person was born in one.
  const bornIn = month === 1 && date === 29 ? year - (year % 4) : year;
  return new Date(Date.UTC(bornIn, month, date));
}

export function demoPerson(
  rng: Random,
  index: number,
  country: DemoCountry,
  asOf: Date,
): DemoPerson {
  const { given, family } = fullName(index, country);
  const city = rng.pick(country.cities);
  return {
    given,
    family,
    city,
    phone: phoneNumber(rng, country, city),
    email: `${slug(given)}.${slug(family)}.${index}@example.com`,
    birthDate: birthDate(rng, index, asOf),
  };
}
