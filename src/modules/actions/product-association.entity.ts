import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Mined association rules between products (A → B); replaced as a whole by each mining run. */
@Entity({ name: 'product_associations' })
@Index('product_associations_antecedent_idx', ['antecedentId', 'lift'])
export class ProductAssociationEntity {
  @PrimaryColumn({ type: 'uuid' })
  antecedentId: string;

  @PrimaryColumn({ type: 'uuid' })
  consequentId: string;

  @Column({ type: 'double precision' })
  support: number;

  @Column({ type: 'double precision' })
  confidence: number;

  @Column({ type: 'double precision' })
  lift: number;

  @Column({ type: 'integer' })
  customers: number;

  @Column({ type: 'integer' })
  windowDays: number;

  @Column({ type: 'timestamptz' })
  minedAt: Date;
}
