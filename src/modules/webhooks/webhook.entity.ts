import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A receiver of signed webhooks: the event types it wants, the API key whose view of each event it gets (scopes,
 * pii:read), and its signing secrets, sealed with a key derived from API_KEY_HASH_KEY (see webhook-secret.ts).
 */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Public event type names (order.recorded…). */
  @Column({ type: 'text', array: true })
  eventTypes: string[];

  /** The key whose scopes decide what the payloads hold; revoked or expired, deliveries stop. */
  @Column({ type: 'uuid' })
  apiKeyId: string;

  /** ENABLED or DISABLED. */
  @Column({ type: 'text', default: 'ENABLED' })
  status: string;

  @Column({ type: 'text', nullable: true })
  disabledReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** The sealed whsec_ secret that signs every delivery. */
  @Column({ type: 'text' })
  secretSealed: string;

  /** The secret before the last rotation, still signing (a second v1 signature) until previousSecretExpiresAt. */
  @Column({ type: 'text', nullable: true })
  previousSecretSealed: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  /** The outbox position at creation: the endpoint receives the events after it. */
  @Column({ type: 'bigint' })
  fromPosition: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

/**
 * One event to one endpoint. PENDING until a 2xx (DELIVERED) or until it is given up (FAILED); a customer's later
 * deliveries to the same endpoint wait while an earlier one is PENDING (head-of-line blocking by sequence).
 */
@Entity({ name: 'webhook_deliveries' })
@Index('webhook_deliveries_event_unique', ['endpointId', 'eventId'], { unique: true })
@Index('webhook_deliveries_due_idx', ['status', 'nextAttemptAt'])
@Index('webhook_deliveries_customer_idx', ['customerId', 'endpointId', 'sequence'])
@Index('webhook_deliveries_endpoint_idx', ['endpointId', 'id'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  endpointId: string;

  /** The outbox event id, sent as webhook-id. */
  @Column({ type: 'bigint' })
  eventId: string;

  @Column({ type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'bigint', nullable: true })
  sequence: string | null;

  /** PENDING, DELIVERED or FAILED. */
  @Column({ type: 'text', default: 'PENDING' })
  status: string;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  /** While a process sends it: other processes leave it alone until then (a crashed sender's lease runs out). */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'int', nullable: true })
  lastLatencyMs: number | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** `attempts` when the current backoff schedule began (0; a redelivery starts the schedule again). */
  @Column({ type: 'int', default: 0 })
  scheduleOffset: number;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** The module's tables, for the DataSource (src/db/entities.ts) and its manifest. */
export const WEBHOOK_ENTITIES = [WebhookEndpointEntity, WebhookDeliveryEntity];
