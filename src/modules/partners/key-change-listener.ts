import { Client } from 'pg';

export const KEY_CHANGES_CHANNEL = 'c360_api_keys';

/** What hears of key changes (ApiKeyService's cache). */
export interface KeyChangeSink {
  /** LISTEN is live: every change from now on will be announced. */
  listening(): void;
  /** The connection is gone: changes may go unheard until listening() again. */
  deaf(): void;
  changed(publicId: string): void;
}

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

/**
 * One connection of its own to the primary with LISTEN c360_api_keys (the trigger of migration
 * ApiKeyChangeNotifications announces every change to a key there). When it drops, the sink is told at once and
 * the connection is made again with backoff. Hand-written on pg's Client: LISTEN and notifications are pg's; when
 * to stop trusting the cache is this product's rule.
 */
export class KeyChangeListener {
  private client: Client | null = null;
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly sink: KeyChangeSink,
  ) {}

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.sink.deaf();
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.connectionString,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      application_name: 'c360 api key changes',
    });
    this.client = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      this.sink.deaf();
      void client.end().catch(() => undefined);
      if (this.client === client) this.client = null;
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.connect(), this.retryMs);
      this.timer.unref();
      this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', ({ channel, payload }) => {
      if (channel === KEY_CHANGES_CHANNEL && payload) this.sink.changed(payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${KEY_CHANGES_CHANNEL}`);
    } catch {
      onLost();
      return;
    }
    if (lost || this.stopped) return;
    this.retryMs = FIRST_RETRY_MS;
    this.sink.listening();
  }
}
