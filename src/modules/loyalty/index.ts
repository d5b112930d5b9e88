import { ERASED, type TextColumns } from '../../common/personal-data';
export { LoyaltyService } from './loyalty.service';
export { LoyaltyProgramService } from './loyalty-program.service';
export { LoyaltyLedgerEntry, LedgerEntryKind, TierBasis } from './loyalty.types';
export { createLoyaltyLoaders } from './loyalty.loaders';
export { LoyaltyResolver, CustomerLoyaltyResolver, CustomerLoyaltyFieldResolver, LoyaltyRulesResolver } from './loyalty.resolver';
export { LoyaltyEarningService } from './loyalty-earning.service';
export { LoyaltyAnalyticsService } from './loyalty-analytics';
export { pointsExpiringWithin } from './loyalty-rules';
export { pointsForOrder, pointsToTakeBack, type EarningRule } from './earning-rules';
export { loyaltyProjections, loyaltyResolverOnly } from './loyalty.compiled';

/** Points and credit stay after erasure (the balance is their sum); reasons a person typed go. */
export const loyaltyTextColumns: TextColumns[] = [
  { table: 'loyalty_ledger_entries', customerKey: 'customer_id', personal: { reason: ERASED }, notPersonal: { kind: 'LedgerEntryKind code' } },
  { table: 'store_credit_entries', customerKey: 'customer_id', personal: {},
    notPersonal: { kind: 'CASHBACK, REVERSAL or SPEND', currency: 'ISO 4217 code', reason: 'written by the server from the rule and the order number' } },
  { table: 'loyalty_memberships', customerKey: 'customer_id', personal: {}, notPersonal: { tier_code: 'code of a configured tier' } },
  { table: 'loyalty_tier_changes', customerKey: 'customer_id', personal: {},
    notPersonal: { from_code: 'code of a configured tier', to_code: 'code of a configured tier', reason: 'written by the server when it evaluates tiers' } },
  { table: 'loyalty_programs', customerKey: null, personal: {}, notPersonal: { name: 'program settings', currency: 'ISO 4217 code', tier_basis: 'TierBasis code' } },
  { table: 'loyalty_tiers', customerKey: null, personal: {}, notPersonal: { code: 'program settings', name: 'program settings', benefits: 'program settings' } },
  { table: 'loyalty_rule_versions', customerKey: null, personal: {},
    notPersonal: { category_multipliers: 'earning rules', product_multipliers: 'earning rules', tier_multipliers: 'earning rules', earning_statuses: 'OrderStatus codes' } },
];
