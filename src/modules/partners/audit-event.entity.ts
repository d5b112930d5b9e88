import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who read personal data or wrote, when, what kinds of data and for how many customers; never the values. */
@Entity({ name: 'audit_events' })
@Index('audit_events_occurred_idx', ['occurredAt', 'id'])
@Index('audit_events_key_idx', ['keyId', 'occurredAt'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  keyId: string | null;

  @Column({ type: 'text' })
  keyName: string;

  @Column({ type: 'text' })
  requestId: string;

  @Column({ type: 'text' })
  operationType: string;

  @Column({ type: 'text' })
  operationName: string;

  @Column({ type: 'text', array: true })
  piiCategories: string[];

  @Column({ type: 'integer' })
  customers: number;

  /** OK, or the error codes. */
  @Column({ type: 'text' })
  result: string;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt: Date;
}
