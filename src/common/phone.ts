import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

/** Whether libphonenumber knows this ISO 3166-1 alpha-2 region (config checks PHONE_DEFAULT_REGION with it). */
export const isPhoneRegion = (region: string): boolean => isSupportedCountry(region);

/**
 * A phone number as E.164 (`+385911234567`), or null when it is no valid number. A number written without its
 * country code is read as one of `defaultRegion`. The "max" metadata checks number ranges per region, so
 * `------` and `+1 (555) 123` are refused rather than stored.
 */
export function toE164(raw: string, defaultRegion: string): string | null {
  const parsed = parsePhoneNumberFromString(raw, defaultRegion as CountryCode);
  return parsed?.isValid() ? parsed.number : null;
}
