export { LoyaltyService } from './loyalty.service';
export { LoyaltyProgramService } from './loyalty-program.service';
export { LoyaltyLedgerEntry, LedgerEntryKind, TierBasis } from './loyalty.types';
export { createLoyaltyLoaders } from './loyalty.loaders';
export { LoyaltyResolver, CustomerLoyaltyResolver, CustomerLoyaltyFieldResolver } from './loyalty.resolver';
