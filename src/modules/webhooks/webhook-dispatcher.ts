import { logger } from '../../common/logger';
import type { Principal } from '../../common/scopes';
import type { ChangeEventService, OutboxEvent, OutboxService } from '../events';
import type { ApiKeyService } from '../partners';
import type {
  AttemptOutcome,
  DeliveryRow,
  WebhookDeliveryService,
} from './webhook-delivery.service';
import type { EndpointRow, WebhookEndpointService } from './webhook-endpoint.service';
import { retryDelayMs } from './webhook-retry';
import { sendWebhook } from './webhook-sender';

export interface DispatcherSettings {
  webhookTimeoutMs: number;
  webhookRetryBaseMs: number;
  webhookMaxAttempts: number;
  webhookPollIntervalMs: number;
}

/** Deliveries sent at once by one process (each the head of its endpoint and customer). */
const BATCH = 100;
/** How often an idle worker looks for endpoints made by another process. */
const IDLE_RECHECK_MS = 300_000;
/** The lease beyond the request's deadline, for recording the outcome. */
const LEASE_MARGIN_MS = 5_000;

/**
 * The delivery worker of one server process: fans the outbox out into deliveries and sends the due ones. Hand-written
 * rather than a job per delivery on a queue, because per-customer order with head-of-line blocking per endpoint is
 * the product here: a customer's order.returned must never reach a receiver before its order.recorded, while other
 * customers' events keep flowing past a receiver's problem with one of them. A job queue orders jobs by priority and
 * time, not by (endpoint, customer, sequence), so it would need this table and this query anyway.
 *
 * Woken at once by a commit in this process (outbox onAppended) and by the poll interval (other processes' commits,
 * retries falling due). It never throws: a failing round (database down, DNS failing) is logged and the next one
 * tries again; a hanging receiver is cut off at WEBHOOK_TIMEOUT_MS.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** Whether any endpoint is enabled; until then a round costs nothing (see IDLE_RECHECK_MS). */
  private active = false;
  private sinceCheck = 0;

  constructor(
    private readonly deliveries: WebhookDeliveryService,
    private readonly endpoints: WebhookEndpointService,
    private readonly outbox: OutboxService,
    private readonly changeEvents: ChangeEventService,
    private readonly apiKeys: ApiKeyService,
    private readonly settings: DispatcherSettings,
  ) {}

  /**
   * Starts the worker once it knows whether any endpoint is enabled (awaited, so that the look happens before the
   * app serves; a database that is down leaves it idle until the next look).
   */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.active = await this.endpoints.hasEnabled().catch(() => false);
    this.outbox.onAppended(() => {
      if (this.active) this.wake();
    });
    this.timer = setInterval(() => this.wake(), this.settings.webhookPollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops waking; resolves when the round under way (its requests bounded by the timeout) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** An endpoint was created or enabled in this process: work may exist now. */
  endpointsChanged(): void {
    this.active = true;
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.round();
      } catch (error) {
        logger.warn({ err: error }, 'webhooks: a delivery round failed; the next one retries');
      }
    } while (this.again && !this.stopped);
  }

  private async round(): Promise<void> {
    if (!this.active) {
      // Idle (no endpoint enabled at start): one cheap look every few minutes, for endpoints made by another
      // process (which delivers them itself meanwhile); an endpoint made or enabled here wakes it at once.
      this.sinceCheck += this.settings.webhookPollIntervalMs;
      if (this.sinceCheck < IDLE_RECHECK_MS) return;
      this.sinceCheck = 0;
      this.active = await this.endpoints.hasEnabled();
      if (!this.active) return;
    }
    while (!this.stopped && (await this.deliveries.fanOutOnce()) > 0);
    while (!this.stopped) {
      // Under a steady stream of events, new ones are fanned out between sends, not only once nothing is due.
      await this.deliveries.fanOutOnce();
      const claimed = await this.deliveries.claimDue(
        BATCH,
        this.settings.webhookTimeoutMs + LEASE_MARGIN_MS,
      );
      if (claimed.length === 0) return;
      // Then again: the deliveries these unblocked (each customer's next event) are due now.
      await this.sendAll(claimed);
    }
  }

  private async sendAll(claimed: DeliveryRow[]): Promise<void> {
    const now = new Date();
    const endpointRows = new Map(
      (await this.endpoints.findRows([...new Set(claimed.map((d) => d.endpoint_id))])).map((e) => [
        e.id,
        e,
      ]),
    );
    const events = new Map(
      (await this.outbox.findByIds(claimed.map((d) => d.event_id))).map((e) => [e.id, e]),
    );
    const principals = new Map<string, Promise<Principal | null>>();
    const principalOf = (keyId: string) => {
      if (!principals.has(keyId)) principals.set(keyId, this.apiKeys.principalById(keyId));
      return principals.get(keyId)!;
    };
    await Promise.all(
      claimed.map(async (delivery) => {
        try {
          const endpoint = endpointRows.get(delivery.endpoint_id);
          if (!endpoint) return;
          await this.deliverOne(
            delivery,
            endpoint,
            events.get(delivery.event_id),
            principalOf,
            now,
          );
        } catch (error) {
          // The lease runs out and the delivery is tried again.
          logger.warn(
            { err: error, deliveryId: delivery.id },
            'webhooks: a delivery failed to record',
          );
        }
      }),
    );
  }

  private async deliverOne(
    delivery: DeliveryRow,
    endpoint: EndpointRow,
    event: OutboxEvent | undefined,
    principalOf: (keyId: string) => Promise<Principal | null>,
    now: Date,
  ): Promise<void> {
    const principal = await principalOf(endpoint.api_key_id);
    if (!principal) {
      // A revoked or expired key: nothing more goes out on its behalf.
      await this.deliveries.release(delivery, 'the API key is revoked or expired', (m) =>
        this.endpoints.disableInTransaction(m, endpoint.id, 'API_KEY_INACTIVE', null),
      );
      return;
    }
    const view = event ? this.changeEvents.view(event, principal) : null;
    if (!view) {
      const error = event
        ? 'the API key may no longer read this event type'
        : 'the event was pruned from the outbox (EVENT_RETENTION_DAYS)';
      await this.deliveries.recordAttempt(delivery, this.final('FAILED', null, null, error));
      return;
    }
    const body = JSON.stringify({
      id: view.id,
      type: view.name,
      timestamp: view.occurredAt.toISOString(),
      customerId: view.customerId,
      sequence: view.sequence,
      data: view.data,
      redacted: view.redacted,
    });
    const result = await sendWebhook(
      {
        url: endpoint.url,
        messageId: delivery.event_id,
        body,
        secrets: this.endpoints.signingSecrets(endpoint, now),
      },
      this.endpoints.policy,
      this.settings.webhookTimeoutMs,
    );
    await this.record(delivery, endpoint, result);
  }

  private async record(
    delivery: DeliveryRow,
    endpoint: EndpointRow,
    result: { statusCode: number | null; error: string | null; latencyMs: number },
  ): Promise<void> {
    const code = result.statusCode;
    const error =
      result.error ?? (code !== null && (code < 200 || code > 299) ? `HTTP ${code}` : null);
    if (code !== null && code >= 200 && code <= 299) {
      await this.deliveries.recordAttempt(
        delivery,
        this.final('DELIVERED', code, result.latencyMs, null),
      );
      return;
    }
    const failed = delivery.attempts - delivery.schedule_offset;
    const gone = code === 410;
    if (gone || failed >= this.settings.webhookMaxAttempts) {
      await this.deliveries.recordAttempt(
        delivery,
        this.final('FAILED', code, result.latencyMs, error),
        (m) =>
          this.endpoints.disableInTransaction(m, endpoint.id, gone ? 'GONE' : 'RETRIES_EXHAUSTED', {
            id: delivery.id,
            eventId: delivery.event_id,
            attempts: delivery.attempts,
            lastStatusCode: code,
            lastError: error,
          }),
      );
      return;
    }
    await this.deliveries.recordAttempt(delivery, {
      status: 'PENDING',
      nextAttemptAt: new Date(Date.now() + retryDelayMs(failed, this.settings.webhookRetryBaseMs)),
      statusCode: code,
      latencyMs: result.latencyMs,
      error,
    });
  }

  private final(
    status: 'DELIVERED' | 'FAILED',
    statusCode: number | null,
    latencyMs: number | null,
    error: string | null,
  ): AttemptOutcome {
    return { status, nextAttemptAt: null, statusCode, latencyMs, error };
  }
}
