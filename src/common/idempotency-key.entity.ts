import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One idempotency key and the first result of its mutation (see common/idempotency.ts). */
@Entity({ name: 'idempotency_keys' })
@Index('idempotency_keys_scope_key', ['scope', 'key'], { unique: true })
@Index('idempotency_keys_customer_idx', ['customerId'])
@Index('idempotency_keys_created_idx', ['createdAt'])
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null for a result about no customer (an API key), or until the result is stored. */
  @Column({ type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  fingerprint: string;

  @Column({ type: 'jsonb', nullable: true })
  result: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
