import type { Random } from '../common/random';
import type { EarningRule } from '../modules/loyalty';
import type { DemoProduct, Persona } from './demo-catalogue';

/**
 * What the demo simulators share: the rows they write, the world they write them in and one customer's draw.
 * Every simulator imports this file and none imports another's caller, so the seed folder has no import circle.
 */

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
  customers: [
    'id',
    'given_name',
    'family_name',
    'sort_name',
    'email',
    'phone',
    'birth_date',
    'name_day_month',
    'name_day_day',
    'locale',
    'country',
    'city',
    'signup_at',
    'tags',
    'attributes',
    'created_at',
    'updated_at',
  ],
  customer_identifiers: ['id', 'customer_id', 'type', 'value', 'source'],
  customer_consent_events: ['id', 'customer_id', 'channel', 'granted', 'occurred_at', 'source'],
  orders: [
    'id',
    'customer_id',
    'source',
    'external_ref',
    'placed_at',
    'status',
    'channel',
    'currency',
    'gross_minor',
    'discount_minor',
    'net_minor',
    'refunded_minor',
    'item_count',
  ],
  order_lines: [
    'id',
    'customer_id',
    'order_id',
    'line_no',
    'product_id',
    'quantity',
    'unit_price_minor',
    'line_total_minor',
    'returned_quantity',
    'refunded_minor',
  ],
  order_returns: [
    'id',
    'customer_id',
    'order_id',
    'order_line_id',
    'quantity',
    'refund_minor',
    'reason',
    'returned_at',
  ],
  feedback: [
    'id',
    'customer_id',
    'kind',
    'score',
    'scale_min',
    'scale_max',
    'comment',
    'touchpoint',
    'order_id',
    'product_id',
    'given_at',
    'complaint_status',
    'resolution',
    'resolved_at',
  ],
  communications: [
    'id',
    'customer_id',
    'channel',
    'direction',
    'purpose',
    'subject',
    'outcome',
    'occurred_at',
    'order_id',
    'complaint_id',
    'agent',
  ],
  loyalty_ledger_entries: [
    'id',
    'customer_id',
    'program_id',
    'kind',
    'points',
    'reason',
    'order_id',
    'rule_version_id',
    'expires_at',
    'occurred_at',
  ],
};

export const emptyTables = (): SeedTables => ({
  customers: [],
  customer_identifiers: [],
  customer_consent_events: [],
  orders: [],
  order_lines: [],
  order_returns: [],
  feedback: [],
  communications: [],
  loyalty_ledger_entries: [],
});

/** The earning rule version the demo history earns under, as the loyalty service stored it. */
export interface DemoRule extends EarningRule {
  id: string;
  version: number;
  welcomeBonus: number;
  birthdayBonus: number;
}

export interface SeedWorld {
  asOf: Date;
  currency: string;
  programId: string;
  pointsValidityMonths: number | null;
  rule: DemoRule;
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
  birthDate: Date;
  consents: { email: boolean; sms: boolean; phone: boolean; push: boolean };
  loyaltyMember: boolean;
}

export const DAY = 86_400_000;
export const iso = (d: Date) => d.toISOString();
