import { createClient, RedisClientType } from 'redis';
import { Counter, Gauge, Registry } from 'prom-client';
import { logger } from './logger';

/** Thrown in place of a Redis reply when Redis is down, paused or slower than the command deadline. */
export class RedisUnavailableError extends Error {}

export interface RedisConnectionOptions {
  /** Deadline of one command: past it the caller falls back to its local store. */
  commandTimeoutMs: number;
  registry?: Registry;
}

// After a command runs past its deadline Redis is left alone this long, so that a paused Redis costs one
// request in this many milliseconds the deadline, not every request.
const SUSPEND_AFTER_TIMEOUT_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * The one Redis client of the process, for what Redis holds here: shared rate-limit budgets and persisted-query
 * texts, both of which have a local stand-in. So Redis is never needed to start or to serve: the client connects
 * in the background and reconnects with capped exponential backoff, commands are refused at once while it is
 * not connected (no offline queue to wait in), and every command has a deadline of its own (node-redis's
 * `timeout` stops counting once a command is written, so a paused Redis would hold it forever).
 * The state is a log line on each change, the `redis_up` gauge, `redis_fallbacks_total` and /readyz detail.
 */
export class RedisConnection {
  readonly client: RedisClientType;
  /** For the log line and gauge on each change; 'unknown' until the first connection or failure. */
  private state: 'unknown' | 'up' | 'down' = 'unknown';
  private suspendedUntil = 0;
  private closed = false;
  private readonly upGauge?: Gauge;
  private readonly fallbacks?: Counter;

  constructor(
    url: string,
    private readonly options: RedisConnectionOptions,
  ) {
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: Math.max(1000, options.commandTimeoutMs),
        reconnectStrategy: (retries: number) =>
          Math.min(100 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS) +
          Math.floor(Math.random() * 100),
      },
    });
    if (options.registry) {
      this.upGauge = new Gauge({
        name: 'redis_up',
        help: '1 while Redis answers; 0 while budgets and persisted queries use the local stand-ins.',
        registers: [options.registry],
      });
      this.fallbacks = new Counter({
        name: 'redis_fallbacks_total',
        help: 'Operations served by the local stand-in because Redis was unavailable, by use.',
        labelNames: ['use'],
        registers: [options.registry],
      });
      this.upGauge.set(0);
    }
    // Without an 'error' listener node-redis's EventEmitter throws, which ends the process.
    this.client.on('error', (error: Error) => this.markDown(error.message));
    this.client.on('ready', () => {
      this.suspendedUntil = 0;
      this.markUp();
    });
    this.client.on('end', () => this.markDown('connection closed'));
  }

  /** Connects in the background; resolves at the first outcome or after `waitMs`, never with an error. */
  async start(waitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const settled = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
      this.client.once('ready', resolve);
      this.client.once('error', () => resolve());
    });
    this.client.connect().catch((error: Error) => this.markDown(error.message));
    await settled;
    clearTimeout(timer);
  }

  /** Whether to try Redis now: connected, and not within the pause after a command ran past its deadline. */
  get available(): boolean {
    return this.client.isReady && Date.now() >= this.suspendedUntil;
  }

  /** For /readyz: Redis is optional, so this is detail, never a reason to refuse traffic. */
  status(): { redis: 'up' } | { redis: 'unavailable'; fallback: string } {
    return this.available && this.state === 'up'
      ? { redis: 'up' }
      : {
          redis: 'unavailable',
          fallback: 'rate-limit budgets in memory, persisted queries in the local cache',
        };
  }

  noteFallback(use: 'bucket' | 'persisted-queries'): void {
    this.fallbacks?.inc({ use });
  }

  /** Runs one command within the deadline, or throws RedisUnavailableError. */
  async run<T>(command: (client: RedisClientType) => Promise<T>): Promise<T> {
    if (!this.available) throw new RedisUnavailableError('redis unavailable');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RedisUnavailableError(`redis command exceeded ${this.options.commandTimeoutMs} ms`),
          ),
        this.options.commandTimeoutMs,
      );
    });
    try {
      const result = await Promise.race([command(this.client), deadline]);
      this.markUp();
      return result;
    } catch (error) {
      if (error instanceof RedisUnavailableError) {
        this.suspendedUntil = Date.now() + SUSPEND_AFTER_TIMEOUT_MS;
        this.markDown(error.message);
      }
      throw error instanceof RedisUnavailableError
        ? error
        : new RedisUnavailableError((error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client.isOpen) await this.client.close().catch(() => this.client.destroy());
    else this.client.destroy();
  }

  private markUp() {
    if (this.state === 'up') return;
    this.state = 'up';
    this.upGauge?.set(1);
    logger.info('redis: reachable; rate-limit budgets and persisted queries are shared again');
  }

  private markDown(reason: string) {
    if (this.state === 'down' || this.closed) return;
    this.state = 'down';
    this.upGauge?.set(0);
    logger.warn(
      { reason: reason.slice(0, 200) },
      'redis: unavailable; rate-limit budgets fall back to memory and persisted queries to the local cache',
    );
  }
}
