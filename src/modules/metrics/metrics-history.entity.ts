import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';

/**
 * One row per change of a customer's stored metrics (Customer.metricsHistory): what they became, as of when, and
 * why. Written by the refresh, in the statement that upserts customer_metrics, only when the churn level changed or
 * P(alive) or the predicted CLV moved beyond the threshold (metrics-history.ts); the newest N per customer are kept.
 */
@Entity({ name: 'customer_metrics_history' })
@Index('customer_metrics_history_page_idx', ['customerId', 'asOf', 'id'])
export class MetricsHistoryEntity {
  /** Insertion order: breaks ties of as_of in the page order. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'timestamptz' })
  asOf: Date;

  /** A MetricsChangeCause value. */
  @Column({ type: 'text' })
  cause: string;

  @Column({ type: 'uuid' })
  fitId: string;

  @Column({ type: 'text', nullable: true })
  churnLevel: string | null;

  @Column({ type: 'double precision', nullable: true })
  probabilityAlive: number | null;

  /** 12 months at 1% a month, in minor units of the shop currency (as customer_metrics). */
  @Column({ type: 'bigint', nullable: true })
  predictedClvMinor: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}
