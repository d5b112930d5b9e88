export { LoyaltyService } from './loyalty.service';
export { LoyaltyProgramService } from './loyalty-program.service';
export { LoyaltyLedgerEntry, LedgerEntryKind, TierBasis } from './loyalty.types';
export { createLoyaltyLoaders } from './loyalty.loaders';
export { LoyaltyResolver, CustomerLoyaltyResolver, CustomerLoyaltyFieldResolver, LoyaltyRulesResolver } from './loyalty.resolver';
export { LoyaltyEarningService } from './loyalty-earning.service';
export { LoyaltyAnalyticsService } from './loyalty-analytics';
export { pointsExpiringWithin } from './loyalty-rules';
export { loyaltyProjections } from './loyalty.compiled';
