import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';

@Entity({ name: 'customers' })
@Index('customers_sort_name_idx', ['sortName', 'id'])
@Index('customers_signup_idx', ['signupAt', 'id'])
@Index('customers_net_spent_idx', ['netSpentMinor', 'id'])
// Country lists sorted or bounded by spend (the README's filtered list) read this index alone.
@Index('customers_country_spent_idx', ['country', 'netSpentMinor', 'id'])
@Index('customers_updated_idx', ['updatedAt', 'id'])
@Index('customers_last_order_idx', { synchronize: false })
// Unique on lower(email): emails are stored as given and compared ignoring case (an expression TypeORM cannot model).
@Index('customers_email_lower_unique', { synchronize: false })
export class CustomerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', nullable: true })
  givenName: string | null;

  @Column({ type: 'text', nullable: true })
  familyName: string | null;

  /** lower("family given"), kept by CustomerService so that ordering by name can use an index. */
  @Column({ type: 'text', default: '' })
  sortName: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'date', nullable: true })
  birthDate: string | null;

  @Column({ type: 'smallint', nullable: true })
  nameDayMonth: number | null;

  @Column({ type: 'smallint', nullable: true })
  nameDayDay: number | null;

  @Column({ type: 'text', nullable: true })
  locale: string | null;

  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  @Column({ type: 'text', nullable: true })
  city: string | null;

  @Column({ type: 'timestamptz' })
  signupAt: Date;

  @Column({ type: 'text', array: true, default: '{}' })
  tags: string[];

  @Column({ type: 'jsonb', default: {} })
  attributes: Record<string, unknown>;

  // Order roll-up kept by the orders module through CustomerService.refreshOrderStats in the
  // order's own transaction: list filters and keyset ordering by spend need it on this row.
  @Column({ type: 'integer', default: 0 })
  orderCount: number;

  @Column({ type: 'bigint', default: 0 })
  netSpentMinor: string;

  @Column({ type: 'timestamptz', nullable: true })
  firstOrderAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastOrderAt: Date | null;

  /** Set when the customer's personal data were erased (GDPR Art. 17); the pseudonymous row remains. */
  @Column({ type: 'timestamptz', nullable: true })
  erasedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity({ name: 'customer_identifiers' })
@Index('customer_identifiers_customer_idx', ['customerId'])
@Index('customer_identifiers_unique', ['type', 'source', 'value'], { unique: true })
export class CustomerIdentifierEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  value: string;

  @Column({ type: 'text' })
  source: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}

/** Append-only: the current consent per channel is the latest event, so history is never lost. */
@Entity({ name: 'customer_consent_events' })
@Index('customer_consent_events_customer_idx', ['customerId', 'channel', 'occurredAt'])
export class CustomerConsentEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  channel: string;

  @Column({ type: 'boolean' })
  granted: boolean;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'text' })
  source: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const CUSTOMER_ENTITIES = [
  CustomerEntity,
  CustomerIdentifierEntity,
  CustomerConsentEventEntity,
];
