import type { ResolverOnlyFields, TypeProjections } from '../../compiled-reads';

/** Customer.loyalty in SQL: null without an active program (as the resolver), and the balance from the ledger. */
export const loyaltyProjections: TypeProjections = {
  Customer: {
    loyalty: {
      kind: 'one',
      from: (c, l) =>
        `(select ${c}.id as customer_id) ${l} where exists (select 1 from loyalty_programs p where p.active)`,
    },
  },
  CustomerLoyalty: {
    balance: {
      kind: 'value',
      sql: (l) =>
        `(select coalesce(sum(e.points), 0)::int from loyalty_ledger_entries e where e.customer_id = ${l}.customer_id)`,
    },
  },
};

// The standing (tier, next tier, what is left to reach it) is computed by the program's rules in JS from the tiers and
// twelve months of spend or points: one function for the resolvers, the evaluation job and next best actions.
const STANDING =
  'the tier standing is computed in JS by the program rules (loyalty-rules.ts) from tiers and 12 months of spend or points';

export const loyaltyResolverOnly: ResolverOnlyFields = {
  CustomerLoyalty: {
    tier: STANDING,
    nextTier: STANDING,
    pointsToNextTier: STANDING,
    spendToNextTier: STANDING,
    progressToNextTier: STANDING,
    pointsExpiringSoon:
      'first-in-first-out expiry over the ledger movements, in JS, with a `days` argument',
    storeCredit:
      'not projected yet: the store-credit ledger sum as Money would be an `object` projection',
    tierHistory: 'not projected yet: would be a `many` projection over tier changes',
    ledger:
      'not projected yet: a nested page below a `one` object, which the compiler has not been asked to read',
  },
};
