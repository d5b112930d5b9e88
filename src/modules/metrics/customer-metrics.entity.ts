import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ModelFitEntity } from './model-fit.entity';
import type { Relation } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { MetricsHistoryEntity } from './metrics-history.entity';

/**
 * Metrics stored per customer so that lists can filter and sort on them with an index; refreshed in bulk
 * after a fit and for one customer after each of its orders or feedback.
 */
@Entity({ name: 'customer_metrics' })
@Index('customer_metrics_clv_idx', ['predictedClvMinor', 'customerId'])
@Index('customer_metrics_churn_idx', ['churnLevel', 'customerId'])
@Index('customer_metrics_segment_idx', ['rfmSegment', 'customerId'])
export class CustomerMetricsEntity {
  @PrimaryColumn({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  fitId: string;

  @Column({ type: 'double precision', nullable: true })
  probabilityAlive: number | null;

  /** 12 months at 1% a month, in minor units. */
  @Column({ type: 'bigint', nullable: true })
  predictedClvMinor: string | null;

  @Column({ type: 'double precision', nullable: true })
  churnScore: number | null;

  @Column({ type: 'text', nullable: true })
  churnLevel: string | null;

  @Column({ type: 'text', nullable: true })
  rfmSegment: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  expectedNextOrderAt: Date | null;

  /** The moment the metrics are computed for: only purchases up to it count. */
  @Column({ type: 'timestamptz' })
  asOf: Date;

  /** When the refresh that wrote this row ran (wall clock): the refresh schedule's staleness. */
  @Column({ type: 'timestamptz' })
  computedAt: Date;

  /**
   * The values of the customer's newest history row, which the next refresh compares with (so a slow drift is
   * recorded once it adds up to a change). Here rather than read from the history, so that the comparison sees the
   * row a concurrent refresh just wrote (the upsert locks this row; see MetricsStoreService.write).
   */
  @Column({ type: 'text', nullable: true })
  recordedChurnLevel: string | null;

  @Column({ type: 'double precision', nullable: true })
  recordedProbabilityAlive: number | null;

  @Column({ type: 'bigint', nullable: true })
  recordedPredictedClvMinor: string | null;

  /** The predicted CLV the last metrics.clv_changed event announced (or the first stored): the next compares with it. */
  @Column({ type: 'bigint', nullable: true })
  announcedPredictedClvMinor: string | null;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const METRICS_ENTITIES = [CustomerMetricsEntity, MetricsHistoryEntity, ModelFitEntity];
