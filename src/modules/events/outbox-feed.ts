import { Client } from 'pg';
import { AppError } from '../../common/errors';
import { logger } from '../../common/logger';
import type { OutboxEvent, OutboxPosition, OutboxService } from './outbox.service';

export const OUTBOX_CHANNEL = 'c360_outbox';

const READ_SLICE = 500;
/** A subscriber this far behind is ended (its client reads slower than events come), rather than kept in memory. */
const MAX_QUEUED = 1_000;
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

/** The end of one subscriber's stream: it fell behind, or the server is stopping (the client subscribes again). */
export class FeedEndedError extends AppError {
  constructor(message: string) {
    super(message, 'SERVICE_UNAVAILABLE');
  }
}

interface Subscriber {
  accepts: (event: OutboxEvent) => boolean;
  queue: OutboxEvent[];
  wake: (() => void) | null;
  ended: Error | null | 'done';
}

/**
 * One reader of the outbox per server process, fanning events out to every subscription in it: it starts at the
 * outbox's head when the first subscriber comes, reads in commit order (`readAfter`) and stops when the last one
 * leaves. It reads when a transaction of this process appended events (`onAppended`), when PostgreSQL announces a
 * commit of any process (`LISTEN c360_outbox`, on a connection of its own that is made again when it drops), and
 * every `pollMs` besides (the safety net for a notification lost with its connection).
 */
export class OutboxFeed {
  private readonly subscribers = new Set<Subscriber>();
  private position: OutboxPosition | null = null;
  private starting: Promise<void> | null = null;
  private reading = false;
  private again = false;
  private poll: NodeJS.Timeout | null = null;
  private listener: Client | null = null;
  private retryMs = FIRST_RETRY_MS;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxService,
    /** PostgreSQL's URL for LISTEN; null on the embedded database (one process: in-process wake-ups suffice). */
    private readonly listenUrl: string | null,
    private readonly pollMs = 2_000,
  ) {
    outbox.onAppended(() => this.wake());
  }

  /** How many subscriptions this process serves. */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * The events committed from now on that `accepts` takes, as an async iterator; ends when `return()` is called (the
   * client completed or went away), with FeedEndedError when the subscriber fell too far behind or the feed stopped.
   */
  async subscribe(
    accepts: (event: OutboxEvent) => boolean,
  ): Promise<AsyncIterableIterator<OutboxEvent>> {
    if (this.stopped) throw new FeedEndedError('The server is shutting down');
    const sub: Subscriber = { accepts, queue: [], wake: null, ended: null };
    this.subscribers.add(sub);
    try {
      await this.start();
    } catch (error) {
      this.subscribers.delete(sub);
      throw error;
    }
    const leave = () => {
      sub.ended = 'done';
      this.subscribers.delete(sub);
      sub.wake?.();
      if (this.subscribers.size === 0) this.idle();
    };
    const iterator: AsyncIterableIterator<OutboxEvent> = {
      next: async () => {
        for (;;) {
          if (sub.queue.length > 0) return { value: sub.queue.shift()!, done: false };
          if (sub.ended === 'done') return { value: undefined, done: true };
          if (sub.ended) {
            const error = sub.ended;
            leave();
            throw error;
          }
          await new Promise<void>((resolve) => (sub.wake = resolve));
          sub.wake = null;
        }
      },
      return: async () => {
        leave();
        return { value: undefined, done: true };
      },
      throw: async (error: unknown) => {
        leave();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Reads what has committed since the last read (at once, or right after the read under way). */
  wake(): void {
    if (this.position === null || this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.read();
  }

  /** Ends every subscription and the LISTEN connection (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const sub of this.subscribers)
      this.end(sub, new FeedEndedError('The server is shutting down'));
    this.idle();
  }

  private start(): Promise<void> {
    if (this.position !== null) return Promise.resolve();
    this.starting ??= (async () => {
      try {
        if (this.listenUrl) this.listen(this.listenUrl);
        this.position = await this.outbox.head();
        this.poll = setInterval(() => this.wake(), this.pollMs);
        this.poll.unref();
      } finally {
        this.starting = null;
      }
    })();
    return this.starting;
  }

  /** No subscriber left: nothing is read until the next one comes, which starts at the head again. */
  private idle(): void {
    this.position = null;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.listener;
    this.listener = null;
    void client?.end().catch(() => undefined);
  }

  private end(sub: Subscriber, error: Error): void {
    if (sub.ended) return;
    sub.ended = error;
    sub.queue.length = 0;
    sub.wake?.();
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const from = this.position;
          if (from === null) return;
          const events = await this.outbox.readAfter(from, null, READ_SLICE);
          // The feed may have gone idle (and started again) while it read: that read is not this one's.
          if (this.position !== from) break;
          if (events.length === 0) break;
          this.position = events[events.length - 1].position;
          for (const event of events) this.deliver(event);
          if (events.length < READ_SLICE) break;
        }
      } while (this.again);
    } catch (error) {
      // The database is away: the next wake-up or poll reads again from the same position.
      logger.warn({ err: error }, 'outbox feed: reading the outbox failed');
    } finally {
      this.reading = false;
    }
  }

  private deliver(event: OutboxEvent): void {
    for (const sub of this.subscribers) {
      if (sub.ended) continue;
      let accepted: boolean;
      try {
        accepted = sub.accepts(event);
      } catch (error) {
        this.end(sub, error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (!accepted) continue;
      if (sub.queue.length >= MAX_QUEUED) {
        this.end(sub, new FeedEndedError('The subscriber fell too far behind the events'));
        continue;
      }
      sub.queue.push(event);
      sub.wake?.();
    }
  }

  /** LISTEN c360_outbox on a connection of its own; made again with backoff when it drops, never throwing. */
  private listen(url: string): void {
    if (this.listener || this.stopped) return;
    const client = new Client({
      connectionString: url,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      application_name: 'c360 outbox feed',
    });
    this.listener = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      void client.end().catch(() => undefined);
      if (this.listener !== client) return;
      this.listener = null;
      if (this.stopped || this.position === null) return;
      this.retry = setTimeout(() => {
        this.retry = null;
        if (this.position !== null) this.listen(url);
      }, this.retryMs);
      this.retry.unref();
      this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', ({ channel }) => {
      if (channel === OUTBOX_CHANNEL) this.wake();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${OUTBOX_CHANNEL}`))
      .then(() => {
        if (lost) return;
        this.retryMs = FIRST_RETRY_MS;
        // What committed while it was not listening.
        this.wake();
      })
      .catch((error: unknown) => {
        if (!lost) logger.warn({ err: error }, 'outbox feed: LISTEN failed; trying again');
        onLost();
      });
  }
}
