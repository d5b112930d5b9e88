import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox: one row per change of interest, written in the transaction of the change (so an event
 * exists exactly when its change committed). Read in commit order by (tx_id, id): `tx_id` is the writing
 * transaction's id, and a reader takes only rows of transactions older than every transaction still running
 * (pg_snapshot_xmin), so a row can never appear behind a position a reader has passed. Per customer, `sequence`
 * counts 1, 2, 3… in commit order (customer_event_sequences serialises a customer's writers).
 */
@Entity({ name: 'outbox_events' })
@Index('outbox_events_position_idx', ['txId', 'id'])
@Index('outbox_events_customer_idx', ['customerId', 'sequence'], { unique: true })
@Index('outbox_events_occurred_idx', ['occurredAt'])
export class OutboxEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** pg_current_xact_id() of the writing transaction, as a number. */
  @Column({ type: 'bigint' })
  txId: string;

  /** The customer the event is about; null for events of the system (a webhook endpoint disabled). */
  @Column({ type: 'uuid', nullable: true })
  customerId: string | null;

  /** 1, 2, 3… per customer, in commit order; null without a customer. */
  @Column({ type: 'bigint', nullable: true })
  sequence: string | null;

  /** The public event type, e.g. `order.recorded`. */
  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  /** The event's facts as JSON, personal fields included (they are removed per reader, see public-events.ts). */
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;
}

/** The last sequence number given to each customer's events; its row lock orders a customer's concurrent writers. */
@Entity({ name: 'customer_event_sequences' })
export class CustomerEventSequenceEntity {
  @PrimaryColumn({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'bigint' })
  lastSequence: string;
}

/**
 * How far each reader of the outbox that runs in the server (the NATS publisher, the webhook fan-out) has read:
 * its position (tx_id, id) is advanced only after what it read was handed on, so a restart resumes there.
 */
@Entity({ name: 'outbox_consumers' })
export class OutboxConsumerEntity {
  @PrimaryColumn({ type: 'text' })
  name: string;

  @Column({ type: 'bigint' })
  txId: string;

  @Column({ type: 'bigint' })
  eventId: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

export const EVENT_ENTITIES = [
  OutboxEventEntity,
  CustomerEventSequenceEntity,
  OutboxConsumerEntity,
];
