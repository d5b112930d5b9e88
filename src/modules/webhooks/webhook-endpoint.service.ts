import { DataSource, EntityManager } from 'typeorm';
import type { DomainEventBus } from '../../common/domain-events';
import { AppError, BadUserInputError, NotFoundError } from '../../common/errors';
import { mayRead } from '../../common/public-events';
import { isUuid } from '../../common/relay';
import type { ChangeEventService, OutboxService } from '../events';
import type { ApiKeyService } from '../partners';
import {
  AddressPolicy,
  parseWebhookUrl,
  resolveAllowed,
  WebhookAddressError,
} from './webhook-address';
import type { WebhookDisabledReason } from './webhook.events';
import { generateWebhookSecret, WebhookSecretBox } from './webhook-secret';

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  api_key_id: string;
  status: string;
  disabled_reason: string | null;
  disabled_at: Date | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  from_position: string;
  created_at: Date;
  updated_at: Date;
}

/** An endpoint as the API shows it: never a secret. Event types are the enum names (ORDER_RECORDED). */
export interface WebhookEndpointRecord {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  apiKeyId: string;
  status: string;
  disabledReason: string | null;
  disabledAt: Date | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface EndpointInput {
  url?: string | null;
  eventTypes?: string[] | null;
  apiKeyId?: string | null;
  description?: string | null;
}

const MAX_OVERLAP_HOURS = 24 * 7;

/** Webhook endpoints: creation with the checks on URL and key, changes, rotation of the signing secret. */
export class WebhookEndpointService {
  readonly policy: AddressPolicy;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEventBus,
    private readonly apiKeys: ApiKeyService,
    private readonly changeEvents: ChangeEventService,
    private readonly outbox: OutboxService,
    readonly secrets: WebhookSecretBox,
    settings: { nodeEnv: string; webhookAllowPrivate: boolean },
    /** Called when an endpoint may have work (created, enabled): the delivery worker wakes. */
    private readonly changed: () => void = () => {},
  ) {
    this.policy = {
      allowPrivate: settings.webhookAllowPrivate,
      httpsOnly: settings.nodeEnv === 'production',
    };
  }

  toRecord = (r: EndpointRow): WebhookEndpointRecord => ({
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: r.event_types.map((t) => this.changeEvents.specOf(t)?.enumName ?? t),
    apiKeyId: r.api_key_id,
    status: r.status,
    disabledReason: r.disabled_reason,
    disabledAt: r.disabled_at,
    previousSecretExpiresAt:
      r.previous_secret_expires_at && r.previous_secret_expires_at > new Date()
        ? r.previous_secret_expires_at
        : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });

  private async checkedUrl(raw: string): Promise<string> {
    try {
      const url = parseWebhookUrl(raw, this.policy);
      await resolveAllowed(url, this.policy);
      return url.toString();
    } catch (error) {
      if (error instanceof WebhookAddressError)
        throw new BadUserInputError(error.message, { field: 'url' });
      throw error;
    }
  }

  /** The public type names of these enum values, each readable by the endpoint's key (else FORBIDDEN). */
  private async checkedTypes(apiKeyId: string, enumNames: readonly string[]): Promise<string[]> {
    if (enumNames.length === 0)
      throw new BadUserInputError('eventTypes must name at least one type', {
        field: 'eventTypes',
      });
    const principal = await this.apiKeys.principalById(apiKeyId);
    if (!principal)
      throw new AppError(`API key ${apiKeyId} not found, revoked or expired`, 'NOT_FOUND', {
        entity: 'ApiKey',
        id: apiKeyId,
        field: 'apiKeyId',
      });
    return [...new Set(enumNames)].map((name) => {
      const spec = this.changeEvents.specs.find((s) => s.enumName === name);
      if (!spec) throw new BadUserInputError(`Unknown event type ${name}`, { field: 'eventTypes' });
      if (!mayRead(spec, principal))
        throw new AppError(
          `The API key may not read ${name} events (they need ${spec.scope})`,
          'FORBIDDEN',
          { requiredScopes: [spec.scope], field: 'eventTypes' },
        );
      return spec.type;
    });
  }

  async create(
    input: Required<Pick<EndpointInput, 'url' | 'eventTypes' | 'apiKeyId'>> & EndpointInput,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    if (!isUuid(input.apiKeyId!))
      throw new BadUserInputError('apiKeyId is not an API key id', { field: 'apiKeyId' });
    const types = await this.checkedTypes(input.apiKeyId!, input.eventTypes!);
    const url = await this.checkedUrl(input.url!);
    const secret = generateWebhookSecret();
    const from = await this.outbox.head();
    const [row]: EndpointRow[] = await this.dataSource.transaction((manager) =>
      manager.query(
        `insert into webhook_endpoints (url, description, event_types, api_key_id, secret_sealed, from_position)
         values ($1, $2, $3, $4, $5, $6) returning *`,
        [url, input.description ?? null, types, input.apiKeyId, this.secrets.seal(secret), from],
      ),
    );
    this.changed();
    return { endpoint: this.toRecord(row), secret };
  }

  async list(): Promise<WebhookEndpointRecord[]> {
    const rows: EndpointRow[] = await this.dataSource.query(
      'select * from webhook_endpoints order by created_at, id',
    );
    return rows.map(this.toRecord);
  }

  /** Whether any endpoint is enabled (the delivery worker idles until one is). */
  async hasEnabled(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `select 1 from webhook_endpoints where status = 'ENABLED' limit 1`,
    );
    return rows.length > 0;
  }

  async findRows(ids: readonly string[]): Promise<EndpointRow[]> {
    return this.dataSource.query('select * from webhook_endpoints where id = any($1::uuid[])', [
      ids,
    ]);
  }

  async getRowOrThrow(id: string, field = 'id'): Promise<EndpointRow> {
    if (!isUuid(id))
      throw new BadUserInputError(`${field} is not a webhook endpoint id`, { field });
    const [row] = await this.findRows([id]);
    if (!row) throw new NotFoundError('WebhookEndpoint', id);
    return row;
  }

  async update(id: string, input: EndpointInput): Promise<WebhookEndpointRecord> {
    const current = await this.getRowOrThrow(id);
    const apiKeyId = input.apiKeyId ?? current.api_key_id;
    if (!isUuid(apiKeyId))
      throw new BadUserInputError('apiKeyId is not an API key id', { field: 'apiKeyId' });
    const enumNames =
      input.eventTypes ?? current.event_types.map((t) => this.changeEvents.specOf(t)!.enumName);
    const types = await this.checkedTypes(apiKeyId, enumNames);
    const url = input.url != null ? await this.checkedUrl(input.url) : current.url;
    const description = input.description !== undefined ? input.description : current.description;
    const [rows]: [EndpointRow[], number] = await this.dataSource.transaction((manager) =>
      manager.query(
        `update webhook_endpoints set url = $2, event_types = $3, api_key_id = $4, description = $5, updated_at = now()
         where id = $1 returning *`,
        [id, url, types, apiKeyId, description],
      ),
    );
    if (!rows[0]) throw new NotFoundError('WebhookEndpoint', id);
    return this.toRecord(rows[0]);
  }

  /** An admin's switch. Enabling resumes the endpoint's pending deliveries, and events after that moment. */
  async setEnabled(id: string, enabled: boolean): Promise<WebhookEndpointRecord> {
    await this.getRowOrThrow(id);
    const [rows]: [EndpointRow[], number] = await this.dataSource.transaction((manager) =>
      manager.query(
        enabled
          ? `update webhook_endpoints set status = 'ENABLED', disabled_reason = null, disabled_at = null, updated_at = now()
             where id = $1 returning *`
          : `update webhook_endpoints set status = 'DISABLED', disabled_reason = case when status = 'DISABLED' then disabled_reason else 'MANUAL' end,
             disabled_at = coalesce(disabled_at, now()), updated_at = now() where id = $1 returning *`,
        [id],
      ),
    );
    if (!rows[0]) throw new NotFoundError('WebhookEndpoint', id);
    if (enabled) this.changed();
    return this.toRecord(rows[0]);
  }

  async delete(id: string): Promise<boolean> {
    await this.getRowOrThrow(id);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('delete from webhook_deliveries where endpoint_id = $1', [id]);
      await manager.query('delete from webhook_endpoints where id = $1', [id]);
    });
    return true;
  }

  /** A new secret now; the old one keeps signing (a second signature) for `overlapHours`. */
  async rotateSecret(
    id: string,
    overlapHours: number,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS)
      throw new BadUserInputError(`overlapHours must be 0 to ${MAX_OVERLAP_HOURS}`, {
        field: 'overlapHours',
      });
    await this.getRowOrThrow(id);
    const secret = generateWebhookSecret();
    const [rows]: [EndpointRow[], number] = await this.dataSource.transaction((manager) =>
      manager.query(
        `update webhook_endpoints set previous_secret_sealed = case when $3 > 0 then secret_sealed end,
           previous_secret_expires_at = case when $3 > 0 then now() + $3 * interval '1 hour' end,
           secret_sealed = $2, updated_at = now()
         where id = $1 returning *`,
        [id, this.secrets.seal(secret), overlapHours],
      ),
    );
    if (!rows[0]) throw new NotFoundError('WebhookEndpoint', id);
    return { endpoint: this.toRecord(rows[0]), secret };
  }

  /** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
  signingSecrets(row: EndpointRow, now: Date): string[] {
    const secrets = [this.secrets.open(row.secret_sealed)];
    if (
      row.previous_secret_sealed &&
      row.previous_secret_expires_at &&
      row.previous_secret_expires_at > now
    )
      secrets.push(this.secrets.open(row.previous_secret_sealed));
    return secrets;
  }

  /**
   * The server stops an endpoint (in the caller's transaction) and says so with a webhook.endpoint_disabled event;
   * nothing when it was already disabled.
   */
  async disableInTransaction(
    manager: EntityManager,
    endpointId: string,
    reason: WebhookDisabledReason,
    delivery: {
      id: string;
      eventId: string;
      attempts: number;
      lastStatusCode: number | null;
      lastError: string | null;
    } | null,
  ): Promise<void> {
    const [rows]: [EndpointRow[], number] = await manager.query(
      `update webhook_endpoints set status = 'DISABLED', disabled_reason = $2, disabled_at = now(), updated_at = now()
       where id = $1 and status = 'ENABLED' returning *`,
      [endpointId, reason],
    );
    if (!rows[0]) return;
    await this.events.publish(manager, 'webhook.endpoint_disabled', {
      endpointId,
      url: rows[0].url,
      reason,
      deliveryId: delivery?.id ?? null,
      eventId: delivery?.eventId ?? null,
      attempts: delivery?.attempts ?? 0,
      lastStatusCode: delivery?.lastStatusCode ?? null,
      lastError: delivery?.lastError ?? null,
    });
  }
}
