import { Field, ID, Int, ObjectType } from 'type-graphql';
import { describeEnum } from '../../common/enums';
import { Money } from '../../common/money';
import { Connection } from '../../common/pagination';
import { Node, toGlobalId } from '../../common/relay';

export enum LedgerEntryKind {
  EARN = 'EARN',
  REDEEM = 'REDEEM',
  EXPIRE = 'EXPIRE',
  ADJUST = 'ADJUST',
}
describeEnum(LedgerEntryKind, 'LedgerEntryKind', 'What moved points.', {
  EARN: 'Points earned (positive), with an expiry date when the program has one.',
  REDEEM: 'Points spent (negative).',
  EXPIRE: 'Points expired (negative).',
  ADJUST: 'Manual correction (either sign), with a reason.',
});

export enum TierBasis {
  SPEND_12M = 'SPEND_12M',
  POINTS_12M = 'POINTS_12M',
}
describeEnum(TierBasis, 'TierBasis', 'What tier thresholds are measured on.', {
  SPEND_12M: 'Net spend over the last 12 months, in the shop currency.',
  POINTS_12M: 'Points earned over the last 12 months.',
});

@ObjectType({ description: 'A loyalty tier.' })
export class LoyaltyTier {
  @Field({ description: 'Stable code, e.g. "GOLD".' })
  code: string;

  @Field({ description: 'Display name.' })
  name: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Points earned in 12 months to reach it (POINTS_12M programs).',
  })
  thresholdPoints: number | null;

  @Field(() => Money, {
    nullable: true,
    description: 'Net spend in 12 months to reach it (SPEND_12M programs).',
  })
  thresholdSpend: Money | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Points in 12 months to keep the tier once in it (POINTS_12M programs).',
  })
  retentionPoints: number | null;

  @Field(() => Money, {
    nullable: true,
    description: 'Net spend in 12 months to keep the tier once in it (SPEND_12M programs).',
  })
  retentionSpend: Money | null;

  @Field(() => [String], { description: 'What members of the tier get.' })
  benefits: string[];

  threshold: bigint;
  retentionThreshold: bigint | null;
}

@ObjectType({ description: 'A change of a customer’s tier.' })
export class TierChange {
  @Field(() => String, {
    nullable: true,
    description: 'Tier code before; null when the customer had none.',
  })
  fromTier: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Tier code after; null when the tier was removed.',
  })
  toTier: string | null;

  @Field({ description: 'Why, in words.' })
  reason: string;

  @Field({ description: 'When.' })
  changedAt: Date;
}

@ObjectType({ description: 'The shop’s loyalty program.' })
export class LoyaltyProgram {
  id: string;

  @Field({ description: 'Name.' })
  name: string;

  @Field(() => TierBasis, { description: 'What tiers are measured on.' })
  tierBasis: TierBasis;

  @Field(() => Int, {
    nullable: true,
    description: 'Months earned points stay valid; null: they never expire.',
  })
  pointsValidityMonths: number | null;

  @Field(() => [LoyaltyTier], { description: 'Tiers, lowest threshold first.' })
  tiers: LoyaltyTier[];

  currency: string;
}

@ObjectType({ implements: Node, description: 'One entry of the append-only points ledger.' })
export class LoyaltyLedgerEntry extends Node {
  __typename: 'LoyaltyLedgerEntry';

  @Field(() => ID, { description: 'Database id (UUID).' })
  databaseId: string;

  customerId: string;
  orderId: string | null;

  @Field(() => LedgerEntryKind, { description: 'Kind of movement.' })
  kind: LedgerEntryKind;

  @Field(() => Int, { description: 'Points, signed: positive adds to the balance.' })
  points: number;

  @Field({ description: 'Why.' })
  reason: string;

  @Field(() => Date, { nullable: true, description: 'For earned points: when they expire.' })
  expiresAt: Date | null;

  @Field({ description: 'When it happened.' })
  occurredAt: Date;
}

export const LoyaltyLedgerConnection = Connection(
  LoyaltyLedgerEntry,
  'LoyaltyLedgerConnection',
  'loyalty ledger entries',
);

/**
 * A customer’s standing in the loyalty program. Its fields are resolved one by one (CustomerLoyaltyResolver):
 * a page that shows only balances reads only the ledger, not the 12 months of orders that tiers need.
 */
@ObjectType({ description: 'A customer’s standing in the loyalty program.' })
export class CustomerLoyalty {
  customerId: string;
}

/** Balance, tier and progress as computed together from the ledger, the orders and the stored tier. */
export interface LoyaltyStanding {
  customerId: string;
  balance: number;
  tier: LoyaltyTier | null;
  nextTier: LoyaltyTier | null;
  pointsToNextTier: number | null;
  spendToNextTier: Money | null;
  progressToNextTier: number;
}

export interface LedgerRow {
  id: string;
  customer_id: string;
  kind: LedgerEntryKind;
  points: number;
  reason: string;
  order_id: string | null;
  expires_at: Date | null;
  occurred_at: Date;
}

export const toLedgerEntry = (r: LedgerRow): LoyaltyLedgerEntry => ({
  __typename: 'LoyaltyLedgerEntry',
  id: toGlobalId('LoyaltyLedgerEntry', r.id),
  databaseId: r.id,
  customerId: r.customer_id,
  orderId: r.order_id,
  kind: r.kind,
  points: r.points,
  reason: r.reason,
  expiresAt: r.expires_at,
  occurredAt: r.occurred_at,
});
