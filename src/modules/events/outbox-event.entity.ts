import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox: one row per change of interest, written in the transaction of the change (so an event
 * exists exactly when its change committed). Readers read by `position`: the insert takes the outbox's advisory
 * lock (held until COMMIT) and numbers its rows from a sequence, so positions are committed in the order they count
 * and a row can never appear behind a position a reader has passed. (Reading by transaction id under the snapshot's
 * xmin was tried first: one idle transaction anywhere in the cluster, in any database, held every event back.) Per
 * customer, `sequence` counts 1, 2, 3… in commit order (customer_event_sequences serialises a customer's writers).
 */
@Entity({ name: 'outbox_events' })
@Index('outbox_events_position_idx', ['position'], { unique: true })
@Index('outbox_events_customer_idx', ['customerId', 'sequence'], { unique: true })
@Index('outbox_events_occurred_idx', ['occurredAt'])
export class OutboxEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Counts up in commit order (from outbox_position_seq; gaps where a transaction rolled back). */
  @Column({ type: 'bigint' })
  position: string;

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
 * its position is advanced only after what it read was handed on, so a restart resumes there.
 */
@Entity({ name: 'outbox_consumers' })
export class OutboxConsumerEntity {
  @PrimaryColumn({ type: 'text' })
  name: string;

  @Column({ type: 'bigint' })
  position: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

export const EVENT_ENTITIES = [
  OutboxEventEntity,
  CustomerEventSequenceEntity,
  OutboxConsumerEntity,
];
