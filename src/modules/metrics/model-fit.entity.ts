import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One fit of the purchase and spend models on the whole base; the newest is the current one. */
@Entity({ name: 'model_fits' })
@Index('model_fits_fitted_idx', ['fittedAt', 'id'])
export class ModelFitEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'date' })
  asOf: string;

  @Column({ type: 'text' })
  timeUnit: string;

  /** { r, alpha, a, b, logLikelihood, iterations, converged } */
  @Column({ type: 'jsonb' })
  bgNbd: Record<string, number | boolean>;

  /** Covariance of (ln r, ln alpha, ln a, ln b) from the likelihood's curvature, for intervals. */
  @Column({ type: 'jsonb' })
  bgNbdCovariance: number[][];

  /** { p, q, gamma, logLikelihood } or null when no customer bought twice. */
  @Column({ type: 'jsonb', nullable: true })
  gammaGamma: Record<string, number | boolean> | null;

  /** Quintile cut points of recency (days), frequency (purchase days) and monetary value (minor units). */
  @Column({ type: 'jsonb' })
  rfmCuts: { recencyDays: number[]; frequency: number[]; monetaryMinor: number[] };

  @Column({ type: 'integer' })
  customers: number;

  @Column({ type: 'integer' })
  repeatCustomers: number;

  @Column({ type: 'timestamptz', precision: 3 })
  fittedAt: Date;

  @Column({ type: 'integer' })
  durationMs: number;
}
