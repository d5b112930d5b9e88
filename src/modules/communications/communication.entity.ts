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

@Entity({ name: 'communications' })
@Index('communications_customer_occurred_idx', ['customerId', 'occurredAt', 'id'])
export class CommunicationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  channel: string;

  @Column({ type: 'text' })
  direction: string;

  @Column({ type: 'text' })
  purpose: string;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  // Milliseconds, like a JS Date, so keyset cursors round-trip exactly.
  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ type: 'uuid', nullable: true })
  complaintId: string | null;

  @Column({ type: 'text', nullable: true })
  agent: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  private customerRef?: Relation<CustomerEntity>;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const COMMUNICATION_ENTITIES = [CommunicationEntity];
