import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, NotFoundError } from '../../common/errors';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE } from '../../common/pagination';
import type { OutboxService } from '../events';
import type { WebhookEndpointService } from './webhook-endpoint.service';

/** The outbox reader's name in outbox_consumers. */
export const WEBHOOK_CONSUMER = 'webhooks';
const FAN_OUT_BATCH = 500;

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  customer_id: string | null;
  sequence: string | null;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  locked_until: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  schedule_offset: number;
  delivered_at: Date | null;
  created_at: Date;
}

export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  customerId: string | null;
  sequence: string | null;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export const toDeliveryRecord = (r: DeliveryRow): WebhookDeliveryRecord => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  customerId: r.customer_id,
  sequence: r.sequence,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'PENDING' ? r.next_attempt_at : null,
  lastAttemptAt: r.last_attempt_at,
  lastStatusCode: r.last_status_code,
  lastLatencyMs: r.last_latency_ms,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

/**
 * The deliveries that are due now, each the head of its (endpoint, customer): a customer's later event waits while
 * an earlier one to the same endpoint is still PENDING (being sent, or waiting for its retry), other customers'
 * go ahead. Rows another process is claiming are skipped (skip locked) and the claimed ones get a lease (locked_until)
 * that other processes respect while the request is under way; a sender that dies leaves a lease that runs out, and
 * the delivery is sent again with the same webhook-id (at least once).
 */
const CLAIM_SQL = `
  with due as (
    select d.id from webhook_deliveries d
    join webhook_endpoints e on e.id = d.endpoint_id and e.status = 'ENABLED'
    where d.status = 'PENDING' and d.next_attempt_at <= now()
      and (d.locked_until is null or d.locked_until < now())
      and not exists (
        select 1 from webhook_deliveries p
        where p.endpoint_id = d.endpoint_id and p.customer_id = d.customer_id
          and p.status = 'PENDING' and p.sequence < d.sequence)
    order by d.next_attempt_at, d.id
    limit $1
    for update of d skip locked)
  update webhook_deliveries w
  set attempts = w.attempts + 1, last_attempt_at = now(), locked_until = now() + $2 * interval '1 millisecond'
  from due where w.id = due.id
  returning w.*`;

export interface AttemptOutcome {
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  nextAttemptAt: Date | null;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
}

/** webhook_deliveries: the fan-out from the outbox, claiming due work, recording attempts, the admin's views. */
export class WebhookDeliveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly endpoints: WebhookEndpointService,
  ) {}

  /**
   * One step of the fan-out: reads the next events after the `webhooks` position and writes a delivery for each
   * enabled endpoint that wants it (and was created before it), then moves the position, all in one transaction
   * (so an event is handed on exactly once, whatever crashes). The position row is locked meanwhile, so two
   * processes never fan out the same events. How many events it read (FAN_OUT_BATCH: call again).
   */
  async fanOutOnce(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const endpoints: {
        id: string;
        event_types: string[];
        from_position: string;
      }[] = await manager.query(
        `select id, event_types, from_position from webhook_endpoints where status = 'ENABLED'`,
      );
      if (endpoints.length === 0) return 0;
      const position = await this.outbox.consumerPosition(WEBHOOK_CONSUMER, { manager });
      const types = [...new Set(endpoints.flatMap((e) => e.event_types))];
      const events = await this.outbox.readAfter(position, types, FAN_OUT_BATCH, manager);
      if (events.length === 0) return 0;
      const rows: {
        endpoint: string;
        event: string;
        customer: string | null;
        seq: string | null;
      }[] = [];
      for (const event of events) {
        for (const endpoint of endpoints) {
          const after = BigInt(event.position) > BigInt(endpoint.from_position);
          if (after && endpoint.event_types.includes(event.type))
            rows.push({
              endpoint: endpoint.id,
              event: event.id,
              customer: event.customerId,
              seq: event.sequence,
            });
        }
      }
      if (rows.length > 0) await this.insertDeliveries(manager, rows);
      const last = events[events.length - 1];
      await this.outbox.advanceConsumer(WEBHOOK_CONSUMER, last.position, manager);
      return events.length;
    });
  }

  private async insertDeliveries(
    manager: EntityManager,
    rows: { endpoint: string; event: string; customer: string | null; seq: string | null }[],
  ) {
    await manager.query(
      `insert into webhook_deliveries (endpoint_id, event_id, customer_id, sequence)
       select * from unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::bigint[])
       on conflict (endpoint_id, event_id) do nothing`,
      [
        rows.map((r) => r.endpoint),
        rows.map((r) => r.event),
        rows.map((r) => r.customer),
        rows.map((r) => r.seq),
      ],
    );
  }

  /** Up to `limit` due deliveries, claimed for `leaseMs` (attempts counted at the claim: a crash counts too). */
  /** Deletes finished deliveries (DELIVERED, FAILED) created before `before`, in slices; how many. */
  async pruneFinished(before: Date, slice = 10_000): Promise<number> {
    let deleted = 0;
    for (;;) {
      const [, affected]: [unknown, number] = await this.dataSource.query(
        `delete from webhook_deliveries where id in (
           select id from webhook_deliveries where status in ('DELIVERED', 'FAILED') and created_at < $1 limit $2)`,
        [before, slice],
      );
      deleted += affected;
      if (affected < slice) return deleted;
    }
  }

  async claimDue(limit: number, leaseMs: number): Promise<DeliveryRow[]> {
    const [rows]: [DeliveryRow[], number] = await this.dataSource.transaction((manager) =>
      manager.query(CLAIM_SQL, [limit, leaseMs]),
    );
    return rows;
  }

  /**
   * Records one attempt's outcome, unless the lease was lost meanwhile (another process re-claimed the delivery:
   * `attempts` moved on). `then` runs in the same transaction (disabling the endpoint, with its event).
   */
  async recordAttempt(
    delivery: DeliveryRow,
    outcome: AttemptOutcome,
    then?: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [, affected]: [unknown, number] = await manager.query(
        `update webhook_deliveries set status = $3, next_attempt_at = coalesce($4, next_attempt_at), locked_until = null,
           last_status_code = $5, last_latency_ms = $6, last_error = $7,
           delivered_at = case when $3 = 'DELIVERED' then now() else delivered_at end
         where id = $1 and attempts = $2 and status = 'PENDING'`,
        [
          delivery.id,
          delivery.attempts,
          outcome.status,
          outcome.nextAttemptAt,
          outcome.statusCode,
          outcome.latencyMs,
          outcome.error,
        ],
      );
      if (affected > 0) await then?.(manager);
    });
  }

  /** Gives back a claim without counting an attempt (nothing was sent), noting why; `then` as in recordAttempt. */
  async release(
    delivery: DeliveryRow,
    reason: string,
    then?: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [, affected]: [unknown, number] = await manager.query(
        `update webhook_deliveries set attempts = attempts - 1, locked_until = null, last_error = $3
         where id = $1 and attempts = $2 and status = 'PENDING'`,
        [delivery.id, delivery.attempts, reason],
      );
      if (affected > 0) await then?.(manager);
    });
  }

  async page(args: {
    endpointId: string;
    status?: string | null;
    first: number;
    after?: string | null;
  }) {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE_SIZE)
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, {
        field: 'first',
      });
    await this.endpoints.getRowOrThrow(args.endpointId, 'endpointId');
    const before = args.after ? decodeCursor(args.after, 'after', 1)[0] : null;
    if (before !== null && (typeof before !== 'string' || !/^\d{1,18}$/.test(before)))
      throw new BadUserInputError('after is not a cursor of this list', { field: 'after' });
    const where = `endpoint_id = $1 and ($2::text is null or status = $2)`;
    const rows: DeliveryRow[] = await this.dataSource.query(
      `select * from webhook_deliveries where ${where} and ($3::bigint is null or id < $3::bigint)
       order by id desc limit $4`,
      [args.endpointId, args.status ?? null, before, args.first + 1],
    );
    const pageRows = rows.slice(0, args.first);
    const nodes = pageRows.map(toDeliveryRecord);
    const edges = nodes.map((node) => ({ cursor: encodeCursor([node.id]), node }));
    return {
      edges,
      nodes,
      pageInfo: {
        hasNextPage: rows.length > args.first,
        hasPreviousPage: args.after != null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      countAll: async () => {
        const [row]: { n: string }[] = await this.dataSource.query(
          `select count(*) as n from webhook_deliveries where ${where}`,
          [args.endpointId, args.status ?? null],
        );
        return Number(row.n);
      },
    };
  }

  /**
   * Sends one delivery again (same webhook-id), as soon as the worker gets to it, with a fresh retry schedule. Its
   * endpoint must be enabled. A delivered one becomes PENDING again: that customer's later events to the endpoint
   * wait behind it, as they would have the first time.
   */
  async redeliver(id: string): Promise<WebhookDeliveryRecord> {
    if (!/^\d{1,18}$/.test(id))
      throw new BadUserInputError('deliveryId is not a webhook delivery id', {
        field: 'deliveryId',
      });
    const [current]: DeliveryRow[] = await this.dataSource.query(
      'select * from webhook_deliveries where id = $1',
      [id],
    );
    if (!current) throw new NotFoundError('WebhookDelivery', id);
    const endpoint = await this.endpoints.getRowOrThrow(current.endpoint_id);
    if (endpoint.status !== 'ENABLED')
      throw new BadUserInputError('the endpoint is disabled: enable it first', {
        field: 'deliveryId',
      });
    const [rows]: [DeliveryRow[], number] = await this.dataSource.transaction((manager) =>
      manager.query(
        `update webhook_deliveries set status = 'PENDING', next_attempt_at = now(), schedule_offset = attempts
         where id = $1 returning *`,
        [id],
      ),
    );
    return toDeliveryRecord(rows[0]);
  }
}
