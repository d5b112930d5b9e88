import { DataSource, EntityManager } from 'typeorm';
import { afterCommit, beforeCommit } from '../../common/domain-events';
import { logger } from '../../common/logger';
import { BadUserInputError } from '../../common/errors';
import { decodeCursor, encodeCursor } from '../../common/pagination';

/** One change event as the outbox keeps it. */
export interface OutboxEvent {
  /** The outbox row id: unique, and the de-duplication id of deliveries (webhook-id, NATS Nats-Msg-Id). */
  id: string;
  txId: string;
  customerId: string | null;
  sequence: string | null;
  type: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

interface OutboxRow {
  id: string;
  tx_id: string;
  customer_id: string | null;
  sequence: string | null;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

const toEvent = (r: OutboxRow): OutboxEvent => ({
  id: r.id,
  txId: r.tx_id,
  customerId: r.customer_id,
  sequence: r.sequence,
  type: r.type,
  occurredAt: r.occurred_at,
  data: r.data,
});

/** A reader's position in the outbox: after the event with this (transaction, id). */
export interface OutboxPosition {
  txId: string;
  id: string;
}

export const START_OF_OUTBOX: OutboxPosition = { txId: '0', id: '0' };

interface Pending {
  customerId: string | null;
  type: string;
  data: Record<string, unknown>;
}

const buffers = new WeakMap<EntityManager, Pending[]>();

/** The events of one statement are written in one INSERT, and each customer's sequence numbers in one upsert. */
const APPEND_SQL = `
  with ev as (
    select e.customer_id, e.type, e.data, e.n
    from unnest($1::uuid[], $2::text[], $3::jsonb[]) with ordinality as e(customer_id, type, data, n)),
  counts as (
    select customer_id, count(*)::bigint as c from ev where customer_id is not null group by customer_id),
  seq as (
    insert into customer_event_sequences (customer_id, last_sequence)
    select customer_id, c from counts order by customer_id
    on conflict (customer_id) do update set last_sequence = customer_event_sequences.last_sequence + excluded.last_sequence
    returning customer_id, last_sequence)
  insert into outbox_events (tx_id, customer_id, sequence, type, data)
  select pg_current_xact_id()::text::bigint, ev.customer_id,
    seq.last_sequence - counts.c + row_number() over (partition by ev.customer_id order by ev.n),
    ev.type, ev.data
  from ev left join counts using (customer_id) left join seq using (customer_id)
  order by ev.n`;

/**
 * The outbox (see OutboxEventEntity). `append` buffers a transaction's events and writes them with one statement
 * just before its COMMIT; `readAfter` reads in commit order from a position.
 */
export class OutboxService {
  private readonly appendedListeners: (() => void)[] = [];

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Called in this process after a transaction that wrote events committed (readers wake up at once; other
   * processes hear the `c360_outbox` NOTIFY the insert trigger sends on PostgreSQL). Listeners must not throw.
   */
  onAppended(listener: () => void): void {
    this.appendedListeners.push(listener);
  }

  private notifyAppended(): void {
    for (const listener of this.appendedListeners) {
      try {
        listener();
      } catch (error) {
        logger.error({ err: error }, 'outbox: an appended listener failed');
      }
    }
  }

  /** Queues events for the outbox in the write running in `manager`'s transaction. */
  append(manager: EntityManager, events: Pending[]): void {
    if (events.length === 0) return;
    let buffer = buffers.get(manager);
    if (!buffer) {
      const fresh: Pending[] = [];
      buffer = fresh;
      buffers.set(manager, fresh);
      beforeCommit(manager, 'outbox', async () => {
        buffers.delete(manager);
        await this.write(manager, fresh);
      });
      afterCommit(manager, async () => this.notifyAppended());
    }
    buffer.push(...events);
  }

  private async write(manager: EntityManager, events: Pending[]): Promise<void> {
    // Sorted by customer, so writers touching several customers lock their sequence rows in one order.
    const sorted = events
      .map((e, i) => ({ e, i }))
      .sort((a, b) =>
        (a.e.customerId ?? '') < (b.e.customerId ?? '')
          ? -1
          : (a.e.customerId ?? '') > (b.e.customerId ?? '')
            ? 1
            : a.i - b.i,
      )
      .map(({ e }) => e);
    await manager.query(APPEND_SQL, [
      sorted.map((e) => e.customerId),
      sorted.map((e) => e.type),
      sorted.map((e) =>
        JSON.stringify(e.data, (_key, value) =>
          typeof value === 'bigint' ? value.toString() : value,
        ),
      ),
    ]);
  }

  /**
   * Up to `limit` events after `position`, in commit order, of these types (all when null). Only transactions older
   * than every one still running are read, so nothing can later appear before the last event returned.
   */
  async readAfter(
    position: OutboxPosition,
    types: readonly string[] | null,
    limit: number,
  ): Promise<OutboxEvent[]> {
    const rows: OutboxRow[] = await this.dataSource.query(
      `select id, tx_id, customer_id, sequence, type, occurred_at, data from outbox_events
       where (tx_id, id) > ($1::bigint, $2::bigint)
         and tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         and ($3::text[] is null or type = any($3::text[]))
       order by tx_id, id limit $4`,
      [position.txId, position.id, types, limit],
    );
    return rows.map(toEvent);
  }

  /** How many readable events of these types follow `position`. */
  async countAfter(position: OutboxPosition, types: readonly string[] | null): Promise<number> {
    const [row]: { n: string }[] = await this.dataSource.query(
      `select count(*) as n from outbox_events
       where (tx_id, id) > ($1::bigint, $2::bigint)
         and tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         and ($3::text[] is null or type = any($3::text[]))`,
      [position.txId, position.id, types],
    );
    return Number(row.n);
  }

  /** Events by id (redelivery, the webhook deliveries' events). */
  async findByIds(ids: readonly string[]): Promise<OutboxEvent[]> {
    const rows: OutboxRow[] = await this.dataSource.query(
      `select id, tx_id, customer_id, sequence, type, occurred_at, data from outbox_events where id = any($1::bigint[])`,
      [ids],
    );
    return rows.map(toEvent);
  }

  /** The position after the newest readable event (a subscriber that wants only what comes next starts here). */
  async head(): Promise<OutboxPosition> {
    const [row]: { tx_id: string; id: string }[] = await this.dataSource.query(
      `select tx_id, id from outbox_events where tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
       order by tx_id desc, id desc limit 1`,
    );
    return row ? { txId: row.tx_id, id: row.id } : START_OF_OUTBOX;
  }

  /** Where the named reader stands (the start of the outbox for a new one). */
  async consumerPosition(name: string): Promise<OutboxPosition> {
    const [row]: { tx_id: string; event_id: string }[] = await this.dataSource.query(
      'select tx_id, event_id from outbox_consumers where name = $1',
      [name],
    );
    return row ? { txId: row.tx_id, id: row.event_id } : START_OF_OUTBOX;
  }

  /** Moves the named reader to `position` (never backwards: a slower process of the same reader cannot undo it). */
  async advanceConsumer(name: string, position: OutboxPosition): Promise<void> {
    await this.dataSource.query(
      `insert into outbox_consumers (name, tx_id, event_id, updated_at) values ($1, $2, $3, now())
       on conflict (name) do update set tx_id = excluded.tx_id, event_id = excluded.event_id, updated_at = now()
       where (outbox_consumers.tx_id, outbox_consumers.event_id) < (excluded.tx_id, excluded.event_id)`,
      [name, position.txId, position.id],
    );
  }

  /** Deletes events that occurred before `before`, in slices; how many. */
  async prune(before: Date, slice = 10_000): Promise<number> {
    let deleted = 0;
    for (;;) {
      const [, affected]: [unknown, number] = await this.dataSource.query(
        `delete from outbox_events where id in (select id from outbox_events where occurred_at < $1 limit $2)`,
        [before, slice],
      );
      deleted += affected;
      if (affected < slice) return deleted;
    }
  }
}

/** A position as an opaque cursor of the `events` connection. */
export const positionCursor = (p: OutboxPosition) => encodeCursor([p.txId, p.id]);

export function positionFromCursor(
  cursor: string | null | undefined,
  field: string,
): OutboxPosition {
  if (cursor == null) return START_OF_OUTBOX;
  const [txId, id] = decodeCursor(cursor, field, 2);
  const counter = /^\d{1,18}$/;
  if (
    typeof txId !== 'string' ||
    typeof id !== 'string' ||
    !counter.test(txId) ||
    !counter.test(id)
  )
    throw new BadUserInputError(`${field} is not a cursor of this list`, { field });
  return { txId, id };
}
