import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { logger } from '../common/logger';

/** The pg pool and client internals the watchdog reaches for: pg-pool keeps its clients in `_clients`. */
interface PoolClientLike {
  connection?: { stream?: { destroy(): void } };
}
interface PoolLike {
  _clients?: PoolClientLike[];
  connect(...args: unknown[]): unknown;
}

const PROBE_INTERVAL_MS = 1000;

/**
 * A stopped (SIGSTOP) or hung PostgreSQL keeps its TCP connections open, so neither keepalive nor statement_timeout
 * ends a query waiting on it. The watchdog runs `select 1` every second on a connection of its own (a full pool
 * must not hide the answer) with the probe deadline; when the primary misses it, every connection of the pool is
 * cut, so the statements waiting on them fail with "Connection terminated" (SERVICE_UNAVAILABLE) instead of
 * hanging until the database resumes, and new connections are refused until a probe passes again.
 */
export class DatabaseWatchdog {
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private responsive = true;

  constructor(
    private readonly url: string,
    private readonly pool: () => PoolLike | undefined,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    this.refuseWhileUnresponsive();
    this.schedule();
  }

  /**
   * While the primary is known not to answer, taking a connection fails at once, as a refused connection would:
   * a request that meets the frozen database (or, like the compiled reads' fallback, tries again) does not wait
   * out DB_CONNECT_TIMEOUT_MS for each attempt. The next probe that passes lifts it.
   */
  private refuseWhileUnresponsive() {
    const pool = this.pool();
    if (!pool) return;
    const connect = pool.connect.bind(pool);
    pool.connect = (...args: unknown[]) => {
      if (this.responsive) return connect(...args);
      const error = Object.assign(
        new Error('Connection terminated: the database missed its probe deadline'),
        { code: '08006' },
      );
      const callback = args.find((a): a is (e: Error) => void => typeof a === 'function');
      if (callback) return void process.nextTick(() => callback(error));
      return Promise.reject(error);
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    if (client) await withDeadline(client.end(), this.timeoutMs).catch(() => destroy(client));
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.probe().finally(() => this.schedule()),
      PROBE_INTERVAL_MS,
    );
    this.timer.unref();
  }

  private async probe() {
    try {
      await withDeadline(this.query(), this.timeoutMs);
      if (!this.responsive) logger.info('database: the primary answers again');
      this.responsive = true;
    } catch (error) {
      if (this.stopped) return;
      const client = this.client;
      this.client = null;
      if (client) destroy(client);
      const cut = this.cutPool();
      if (this.responsive)
        logger.warn(
          { err: error, connectionsCut: cut },
          'database: the primary missed the probe deadline; pool connections cut',
        );
      this.responsive = false;
    }
  }

  private async query() {
    if (!this.client) {
      const client = new Client({
        connectionString: this.url,
        application_name: 'customer360 watchdog',
        keepAlive: true,
        connectionTimeoutMillis: this.timeoutMs,
      });
      // A client whose socket was cut reports it here; the next probe opens another.
      client.on('error', () => undefined);
      this.client = client;
      await client.connect();
      (
        client as unknown as { connection?: { stream?: { unref?(): void } } }
      ).connection?.stream?.unref?.();
    }
    await this.client.query('select 1');
  }

  private cutPool(): number {
    const clients = this.pool()?._clients ?? [];
    for (const client of clients) client.connection?.stream?.destroy();
    return clients.length;
  }
}

function destroy(client: Client) {
  (client as unknown as PoolClientLike).connection?.stream?.destroy();
}

export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })),
      ms,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** The primary's pool as TypeORM's postgres driver holds it. */
export function primaryPool(dataSource: DataSource): PoolLike | undefined {
  return (dataSource.driver as unknown as { master?: PoolLike }).master;
}
