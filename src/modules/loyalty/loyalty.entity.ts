import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';

@Entity({ name: 'loyalty_programs' })
export class LoyaltyProgramEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** SPEND_12M (threshold in minor units) or POINTS_12M (threshold in points earned). */
  @Column({ type: 'text' })
  tierBasis: string;

  @Column({ type: 'integer', nullable: true })
  pointsValidityMonths: number | null;

  /** Partial unique index: at most one active program. */
  @Index('loyalty_programs_one_active', { unique: true, where: 'active' })
  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ name: 'loyalty_tiers' })
@Index('loyalty_tiers_program_code_unique', ['programId', 'code'], { unique: true })
export class LoyaltyTierEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  programId: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  /** To qualify for the tier. */
  @Column({ type: 'bigint' })
  threshold: string;

  /** To keep the tier once in it (at most the threshold); null: the threshold. */
  @Column({ type: 'bigint', nullable: true })
  retentionThreshold: string | null;

  @Column({ type: 'text', array: true, default: '{}' })
  benefits: string[];

  @ManyToOne(() => LoyaltyProgramEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id' })
  private programRef?: Relation<LoyaltyProgramEntity>;
}

/** Append-only: the balance is always the sum of this ledger, never a stored counter. */
@Entity({ name: 'loyalty_ledger_entries' })
@Index('loyalty_ledger_customer_idx', ['customerId', 'occurredAt', 'id'])
@Index('loyalty_ledger_one_earn_per_order', ['customerId', 'orderId'], {
  unique: true,
  where: `kind = 'EARN' and order_id is not null`,
})
@Check(
  'loyalty_ledger_points_check',
  `points <> 0 and ((kind = 'EARN' and points > 0) or (kind in ('REDEEM', 'EXPIRE') and points < 0) or kind = 'ADJUST')`,
)
export class LoyaltyLedgerEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  programId: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'integer' })
  points: number;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  /** The rule version an order earned under. */
  @Column({ type: 'uuid', nullable: true })
  ruleVersionId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  // Milliseconds, like a JS Date, so keyset cursors round-trip exactly.
  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;

  @ManyToOne(() => LoyaltyProgramEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'program_id' })
  private programRef?: Relation<LoyaltyProgramEntity>;
}

/** Tier state per customer (a state, not a balance): evaluated from orders and the ledger. */
@Entity({ name: 'loyalty_memberships' })
@Index('loyalty_memberships_tier_idx', ['programId', 'tierCode'])
export class LoyaltyMembershipEntity {
  @Column({ type: 'uuid', primary: true })
  customerId: string;

  @Column({ type: 'uuid' })
  programId: string;

  @Column({ type: 'text', nullable: true })
  tierCode: string | null;

  @Column({ type: 'timestamptz' })
  tierSince: Date;

  @Column({ type: 'timestamptz' })
  evaluatedAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;

  @ManyToOne(() => LoyaltyProgramEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id' })
  private programRef?: Relation<LoyaltyProgramEntity>;
}

/**
 * Earning rules as data, versioned: an order earns under the version in force when it was placed, so
 * changing the rules never rewrites the past.
 */
@Entity({ name: 'loyalty_rule_versions' })
@Index('loyalty_rule_versions_program_version_unique', ['programId', 'version'], { unique: true })
@Index('loyalty_rule_versions_effective_idx', ['programId', 'effectiveFrom'])
export class LoyaltyRuleVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  programId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'timestamptz', precision: 3 })
  effectiveFrom: Date;

  /** Points per major currency unit of net order value. */
  @Column({ type: 'numeric', precision: 12, scale: 4 })
  pointsPerUnit: string;

  /** { category: multiplier } */
  @Column({ type: 'jsonb', default: {} })
  categoryMultipliers: Record<string, number>;

  /** { sku: multiplier }, applied on top of the category's. */
  @Column({ type: 'jsonb', default: {} })
  productMultipliers: Record<string, number>;

  /** { tierCode: multiplier } */
  @Column({ type: 'jsonb', default: {} })
  tierMultipliers: Record<string, number>;

  @Column({ type: 'integer', default: 0 })
  welcomeBonus: number;

  @Column({ type: 'integer', default: 0 })
  birthdayBonus: number;

  @Column({ type: 'bigint', default: 0 })
  minOrderMinor: string;

  @Column({ type: 'text', array: true })
  earningStatuses: string[];

  /** Share of the net order value paid back as store credit, in percent. */
  @Column({ type: 'numeric', precision: 6, scale: 3, default: 0 })
  cashbackPercent: string;

  /** What one point is worth in minor units, for the liability. */
  @Column({ type: 'numeric', precision: 12, scale: 4, default: 1 })
  pointValueMinor: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => LoyaltyProgramEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id' })
  private programRef?: Relation<LoyaltyProgramEntity>;
}

/** Every change of a customer's tier, with why: the tier history is never rewritten. */
@Entity({ name: 'loyalty_tier_changes' })
@Index('loyalty_tier_changes_customer_idx', ['customerId', 'changedAt'])
export class LoyaltyTierChangeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  programId: string;

  @Column({ type: 'text', nullable: true })
  fromCode: string | null;

  @Column({ type: 'text', nullable: true })
  toCode: string | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'bigint' })
  qualifyingValue: string;

  @Column({ type: 'timestamptz', precision: 3 })
  changedAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}

/** Store credit (cashback) as money, append-only like the points ledger: the balance is the sum. */
@Entity({ name: 'store_credit_entries' })
@Index('store_credit_customer_idx', ['customerId', 'occurredAt'])
@Index('store_credit_one_cashback_per_order', ['customerId', 'orderId'], {
  unique: true,
  where: `kind = 'CASHBACK'`,
})
export class StoreCreditEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  /** CASHBACK (positive), REVERSAL (negative, after a return), SPEND (negative). */
  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'bigint' })
  amountMinor: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const LOYALTY_ENTITIES = [
  LoyaltyProgramEntity,
  LoyaltyTierEntity,
  LoyaltyLedgerEntryEntity,
  LoyaltyMembershipEntity,
  LoyaltyRuleVersionEntity,
  LoyaltyTierChangeEntity,
  StoreCreditEntryEntity,
];
