import {
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

@Entity({ name: 'feedback' })
@Index('feedback_customer_given_idx', ['customerId', 'givenAt', 'id'])
@Index('feedback_open_complaints_idx', ['customerId'], {
  where: `kind = 'COMPLAINT' and complaint_status = 'OPEN'`,
})
export class FeedbackEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'smallint', nullable: true })
  score: number | null;

  @Column({ type: 'smallint', nullable: true })
  scaleMin: number | null;

  @Column({ type: 'smallint', nullable: true })
  scaleMax: number | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'text', nullable: true })
  touchpoint: string | null;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ type: 'uuid', nullable: true })
  productId: string | null;

  // Milliseconds, like a JS Date, so keyset cursors round-trip exactly.
  @Column({ type: 'timestamptz', precision: 3 })
  givenAt: Date;

  @Column({ type: 'text', nullable: true })
  complaintStatus: string | null;

  @Column({ type: 'text', nullable: true })
  resolution: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const FEEDBACK_ENTITIES = [FeedbackEntity];
