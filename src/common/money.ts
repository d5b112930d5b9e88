import { Field, ObjectType } from 'type-graphql';
import { BadUserInputError } from './errors';

/** Digits after the decimal point of a currency (2 for USD, 0 for JPY), from the runtime's ICU data. */
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

// Building an Intl.NumberFormat costs tens of microseconds and a page formats thousands of amounts: once per currency.
const exponents = new Map<string, number>();

export function currencyExponent(currency: string): number {
  const known = exponents.get(currency);
  if (known !== undefined) return known;
  if (!KNOWN_CURRENCIES.has(currency))
    throw new BadUserInputError(`Unknown currency ${currency}`, { field: 'currency' });
  const exponent =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  exponents.set(currency, exponent);
  return exponent;
}

/** "12.34" → 1234n in the currency's minor units; exact, no floating point on the way. */
export function parseMoney(amount: string, currency: string, field = 'amount'): bigint {
  const exponent = currencyExponent(currency);
  const match = /^(-?)(\d{1,15})(?:\.(\d+))?$/.exec(amount.trim());
  if (!match)
    throw new BadUserInputError(`${field} must be a decimal number such as 12.50`, { field });
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new BadUserInputError(`${field} has more than ${exponent} decimals for ${currency}`, {
      field,
    });
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  return sign === '-' ? -minor : minor;
}

/** 1234n → "12.34" */
export function formatMinorUnits(minor: bigint | number | string, currency: string): string {
  return formatDigits(BigInt(minor).toString(), currencyExponent(currency));
}

// On the decimal digits of an integer, so no BigInt arithmetic is needed: a page formats thousands of amounts.
function formatDigits(integer: string, exponent: number): string {
  const negative = integer.startsWith('-');
  const digits = (negative ? integer.slice(1) : integer).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

@ObjectType({
  description: 'An amount of money. Stored as integer minor units; shown as a decimal string.',
})
export class Money {
  @Field({
    description:
      'The amount as a decimal string in major units, e.g. "12.50"; exact, never a float.',
  })
  amount: string;

  @Field({ description: 'ISO 4217 currency code, e.g. "USD".' })
  currency: string;

  @Field(() => String, {
    description: 'The amount in minor units (cents) as an integer string, for exact arithmetic.',
  })
  minorUnits: string;
}

const CANONICAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

export function money(minor: bigint | number | string | null | undefined, currency: string): Money {
  // The database sends canonical integer text; anything else is normalised ("007" → "7") or refused (1.5).
  const minorUnits =
    typeof minor === 'string' && CANONICAL_INTEGER.test(minor)
      ? minor
      : BigInt(minor ?? 0).toString();
  return { amount: formatDigits(minorUnits, currencyExponent(currency)), currency, minorUnits };
}
