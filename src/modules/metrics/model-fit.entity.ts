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

  /** BG_NBD, MBG_NBD or PARETO_NBD. */
  @Column({ type: 'text' })
  purchaseModel: string;

  /** { r, alpha, a, b } (BG/NBD, MBG/NBD) or { r, alpha, s, beta }, with logLikelihood, iterations, converged. */
  @Column({ type: 'jsonb' })
  purchaseParams: Record<string, number | boolean>;

  /** Covariance of the log-parameters from the likelihood's curvature, for intervals. */
  @Column({ type: 'jsonb' })
  purchaseCovariance: number[][];

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
