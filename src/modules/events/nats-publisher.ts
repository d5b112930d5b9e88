import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
} from '@nats-io/jetstream';
import { Client } from 'pg';
import { logger } from '../../common/logger';
import { requestFacts } from '../../common/observability';
import { READ_SCOPES, type Principal } from '../../common/scopes';
import type { ChangeEventService } from './change-event.service';
import type { OutboxEvent, OutboxPosition } from './outbox.service';

export interface NatsStreamOptions {
  url: string;
  /** The JetStream stream (created with the subjects `<subjectPrefix>.>` when missing). */
  stream: string;
  /** Events go to `<subjectPrefix>.<type>`; `c360` by default. */
  subjectPrefix?: string;
  /** Personal fields on the stream (NATS_PERSONAL_DATA); withheld, as from a key without pii:read, when false. */
  personalData: boolean;
  /** Name of the reader in outbox_consumers. */
  consumerName?: string;
  /** How long JetStream remembers a message id (duplicates within it are dropped). */
  duplicateWindowMs?: number;
  /** Wake-up for writes of other processes (this process's commits wake it at once). */
  pollMs?: number;
  batchSize?: number;
}

/** What /readyz reports of the stream: information only, it never makes the server unready. */
export interface NatsStreamStatus {
  state: 'stopped' | 'connecting' | 'publishing' | 'idle' | 'standby' | 'retrying';
  stream: string;
  published: number;
  lastError: string | null;
}

export const NATS_SUBJECT_PREFIX = 'c360';
const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;
/** Batches published under one hold of the lock before it is given back (and stop() is looked at). */
const BATCHES_PER_ROUND = 20;

/**
 * Publishes every outbox event, in commit order, to the JetStream subject `c360.<type>` (NATS_SUBJECT_PREFIX) with the outbox id as its
 * de-duplication id (Nats-Msg-Id). The reader's position (outbox_consumers) only moves after JetStream acknowledged
 * every event before it, so a crash or a NATS outage loses nothing; what was published but not yet recorded is
 * published again and dropped by JetStream as a duplicate (within the duplicate window). Each message is awaited
 * before the next is sent, so a failure can never leave a later event stored before an earlier one. On PostgreSQL
 * it publishes only while holding a session advisory lock, so of several servers one publishes at a time. Nothing
 * here throws into the server: failures are logged and retried with backoff.
 */
export class NatsStreamPublisher {
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private wakeOnAppend = true;
  private lockClient: Client | null = null;
  private locked = false;
  private pending = false;
  private readonly state: NatsStreamStatus;
  private readonly reader: Principal;
  private readonly consumerName: string;
  private readonly prefix: string;

  constructor(
    private readonly changeEvents: ChangeEventService,
    /** PostgreSQL, which several servers may share: publish while holding an advisory lock on this database. */
    private readonly lockDatabaseUrl: string | null,
    private readonly options: NatsStreamOptions,
  ) {
    this.consumerName = options.consumerName ?? 'nats';
    this.prefix = options.subjectPrefix ?? NATS_SUBJECT_PREFIX;
    this.state = { state: 'stopped', stream: options.stream, published: 0, lastError: null };
    this.reader = {
      keyId: 'nats-stream',
      name: 'NATS JetStream stream',
      scopes: new Set<string>(options.personalData ? [...READ_SCOPES, 'pii:read'] : READ_SCOPES),
      trustedDocumentsOnly: false,
    };
    changeEvents.outbox.onAppended(() => this.poke());
  }

  status(): NatsStreamStatus {
    return { ...this.state };
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.state.state = 'connecting';
    // Its reads go to the primary, as a writer's do: a replica's older position would only cause re-sends.
    this.loop = requestFacts.run(
      { requestId: 'nats-stream', sqlStatements: 0, readsFromPrimary: true },
      () => this.run(),
    );
  }

  /** Stops after the message in flight; the position stays where the last acknowledged batch left it. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.poke();
    await this.loop;
    this.loop = null;
    await this.releaseLock();
    await this.disconnect();
    this.state.state = 'stopped';
  }

  private poke(): void {
    this.pending = true;
    if (this.wakeOnAppend || this.stopping) this.wake?.();
  }

  /** Sleeps `ms`; a commit (onAppended) cuts it short unless `untilStopOnly` (a backoff), stop() always does. */
  private sleep(ms: number, untilStopOnly = false): Promise<void> {
    if (this.stopping || (this.pending && !untilStopOnly)) return Promise.resolve();
    this.wakeOnAppend = !untilStopOnly;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (!this.stopping) {
      try {
        this.pending = false;
        const js = await this.connected();
        const more = await this.round(js);
        backoff = MIN_BACKOFF_MS;
        this.state.lastError = null;
        if (!more) await this.sleep(this.options.pollMs ?? 1000);
      } catch (error) {
        if (this.stopping) break;
        this.state.state = 'retrying';
        this.state.lastError = (error as Error).message;
        logger.warn(
          { err: error, stream: this.options.stream, retryInMs: backoff },
          'nats stream: publishing failed, retrying',
        );
        if (this.nc?.isClosed()) await this.disconnect();
        await this.sleep(backoff, true);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** The JetStream client, connecting (and making sure the stream exists) first when there is none. */
  private async connected(): Promise<JetStreamClient> {
    if (this.js && this.nc && !this.nc.isClosed()) return this.js;
    await this.disconnect();
    this.state.state = 'connecting';
    const nc = await connect({
      servers: this.options.url,
      name: 'customer360-outbox',
      timeout: 3000,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: 5000 });
      try {
        await jsm.streams.info(this.options.stream);
      } catch (error) {
        if (!(
          error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound
        ))
          throw error;
        await jsm.streams.add({
          name: this.options.stream,
          subjects: [`${this.prefix}.>`],
          duplicate_window: nanos(this.options.duplicateWindowMs ?? 24 * 3600_000),
        });
        logger.info({ stream: this.options.stream }, 'nats stream: created the JetStream stream');
      }
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
    this.nc = nc;
    this.js = jetstream(nc, { timeout: 5000 });
    return this.js;
  }

  private async disconnect(): Promise<void> {
    const nc = this.nc;
    this.nc = null;
    this.js = null;
    if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
  }

  /** Publishes what follows the position (on PostgreSQL only while holding the lock); whether more may be waiting. */
  private async round(js: JetStreamClient): Promise<boolean> {
    if (this.lockDatabaseUrl && !(await this.holdsLock(this.lockDatabaseUrl))) {
      this.state.state = 'standby';
      return false;
    }
    return this.publishBatches(js);
  }

  /**
   * A session advisory lock on a connection of its own (not the pool's, so a pool of one still serves the reads):
   * held while this server publishes, given back when the connection ends (stop(), a crash, a lost connection).
   */
  private async holdsLock(url: string): Promise<boolean> {
    if (this.locked && this.lockClient) return true;
    if (!this.lockClient) {
      const client = new Client({
        connectionString: url,
        connectionTimeoutMillis: 5000,
        keepAlive: true,
        application_name: 'c360 nats stream lock',
      });
      client.on('error', (error) => {
        logger.warn({ err: error }, 'nats stream: the lock connection failed');
        if (this.lockClient === client) void this.releaseLock();
      });
      this.lockClient = client;
      this.locked = false;
      // Commits of other processes wake the publisher at once (the outbox trigger's NOTIFY); the poll is the fallback.
      client.on('notification', () => this.poke());
      try {
        await client.connect();
        await client.query('listen c360_outbox');
      } catch (error) {
        await this.releaseLock();
        throw error;
      }
    }
    try {
      const { rows } = await this.lockClient.query<{ locked: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
        [`outbox-consumer:${this.consumerName}`],
      );
      this.locked = rows[0].locked;
    } catch (error) {
      await this.releaseLock();
      throw error;
    }
    return this.locked;
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = null;
    this.locked = false;
    await client?.end().catch(() => undefined);
  }

  private async publishBatches(js: JetStreamClient): Promise<boolean> {
    const outbox = this.changeEvents.outbox;
    const batchSize = this.options.batchSize ?? 100;
    let position: OutboxPosition = await outbox.consumerPosition(this.consumerName);
    for (let batch = 0; batch < BATCHES_PER_ROUND && !this.stopping; batch++) {
      const events = await outbox.readAfter(position, null, batchSize);
      if (events.length === 0) {
        this.state.state = 'idle';
        return false;
      }
      this.state.state = 'publishing';
      for (const event of events) {
        if (this.stopping) break;
        await this.publishOne(js, event);
        position = event.position;
      }
      await outbox.advanceConsumer(this.consumerName, position);
      if (events.length < batchSize) {
        if (!this.pending) this.state.state = 'idle';
        return this.pending;
      }
    }
    return true;
  }

  private async publishOne(js: JetStreamClient, event: OutboxEvent): Promise<void> {
    const view = this.changeEvents.view(event, this.reader);
    if (!view) return; // a type no module declares any more: nothing to say about it
    const body = {
      id: view.id,
      type: view.name,
      customerId: view.customerId,
      sequence: view.sequence,
      occurredAt: view.occurredAt.toISOString(),
      data: view.data,
      redacted: view.redacted,
    };
    const ack = await js.publish(`${this.prefix}.${event.type}`, JSON.stringify(body), {
      msgID: event.id,
    });
    if (!ack.duplicate) this.state.published += 1;
  }
}
