import { DataSource, EntityManager } from 'typeorm';
import { afterCommit, beforeCommit } from '../../common/domain-events';
import { logger } from '../../common/logger';
import { BadUserInputError } from '../../common/errors';
import { decodeCursor, encodeCursor } from '../../common/pagination';

/** One change event as the outbox keeps it. */
export interface OutboxEvent {
  /** The outbox row id: unique, and the de-duplication id of deliveries (webhook-id, NATS Nats-Msg-Id). */
  id: string;
  /** Its place in the outbox, in the order the relay saw the events committed. */
  position: string;
  customerId: string | null;
  sequence: string | null;
  type: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

interface OutboxRow {
  id: string;
  position: string;
  customer_id: string | null;
  sequence: string | null;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

const toEvent = (r: OutboxRow): OutboxEvent => ({
  id: r.id,
  position: r.position,
  customerId: r.customer_id,
  sequence: r.sequence,
  type: r.type,
  occurredAt: r.occurred_at,
  data: r.data,
});

/** A reader's position in the outbox: it has read every event up to this position (a decimal string). */
export type OutboxPosition = string;

export const START_OF_OUTBOX: OutboxPosition = '0';

const COLUMNS = 'id, position, customer_id, sequence, type, occurred_at, data';

interface Pending {
  customerId: string | null;
  type: string;
  data: Record<string, unknown>;
}

const buffers = new WeakMap<EntityManager, Pending[]>();

/** pg_advisory_xact_lock key of the outbox: writers number their rows one at a time, and hold it until COMMIT. */
const OUTBOX_LOCK = 7_172_018;

/**
 * A transaction's events in one statement, its last before COMMIT: it takes the outbox lock (waiting for the writer
 * that holds it to commit), reserves as many positions as it has rows from outbox_position_seq (not transactional,
 * so the reservation is fresh whatever the snapshot), gives each customer's rows the next sequence numbers (the
 * upsert locks that customer's row until COMMIT) and sends NOTIFY c360_outbox, delivered at COMMIT. Holding the lock
 * from here to COMMIT is what makes positions commit in the order they count; it serialises only this last statement
 * and the COMMIT of the transactions that write events.
 */
const APPEND_SQL = `
  with ev as (
    select e.customer_id, e.type, e.data, e.n
    from unnest($1::uuid[], $2::text[], $3::jsonb[]) with ordinality as e(customer_id, type, data, n)),
  locked as (select pg_advisory_xact_lock(${OUTBOX_LOCK}) as ok),
  reserved as (
    select setval('outbox_position_seq', nextval('outbox_position_seq') + (select count(*) from ev) - 1) as last
    from locked),
  notified as (select pg_notify('c360_outbox', '') as ok from reserved),
  counts as (
    select customer_id, count(*)::bigint as c from ev where customer_id is not null group by customer_id),
  seq as (
    insert into customer_event_sequences (customer_id, last_sequence)
    select customer_id, c from counts order by customer_id
    on conflict (customer_id) do update set last_sequence = customer_event_sequences.last_sequence + excluded.last_sequence
    returning customer_id, last_sequence)
  insert into outbox_events (position, customer_id, sequence, type, data)
  select reserved.last - (select count(*) from ev) + ev.n, ev.customer_id,
    seq.last_sequence - counts.c + row_number() over (partition by ev.customer_id order by ev.n),
    ev.type, ev.data
  from ev cross join reserved cross join notified left join counts using (customer_id) left join seq using (customer_id)
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
   * processes hear the `c360_outbox` NOTIFY the insert sends on PostgreSQL, at COMMIT). Listeners must not throw.
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
      beforeCommit(
        manager,
        'outbox',
        async () => {
          buffers.delete(manager);
          await this.write(manager, fresh);
        },
        { last: true },
      );
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

  /** Up to `limit` events after `position`, in position order, of these types (all when null). */
  async readAfter(
    position: OutboxPosition,
    types: readonly string[] | null,
    limit: number,
    /** A reader that writes what it read in the same transaction as its new position passes its manager. */
    manager?: EntityManager,
  ): Promise<OutboxEvent[]> {
    const rows: OutboxRow[] = await (manager ?? this.dataSource).query(
      `select ${COLUMNS} from outbox_events
       where position > $1::bigint and ($2::text[] is null or type = any($2::text[]))
       order by position limit $3`,
      [position, types, limit],
    );
    return rows.map(toEvent);
  }

  /** How many events of these types follow `position`. */
  async countAfter(position: OutboxPosition, types: readonly string[] | null): Promise<number> {
    const [row]: { n: string }[] = await this.dataSource.query(
      `select count(*) as n from outbox_events
       where position > $1::bigint and ($2::text[] is null or type = any($2::text[]))`,
      [position, types],
    );
    return Number(row.n);
  }

  /** Events by id (redelivery, the webhook deliveries' events). */
  async findByIds(ids: readonly string[]): Promise<OutboxEvent[]> {
    const rows: OutboxRow[] = await this.dataSource.query(
      `select ${COLUMNS} from outbox_events where id = any($1::bigint[])`,
      [ids],
    );
    return rows.map(toEvent);
  }

  /** The position after the newest readable event (a subscriber that wants only what comes next starts here). */
  async head(): Promise<OutboxPosition> {
    const [row]: { position: string | null }[] = await this.dataSource.query(
      'select max(position)::text as position from outbox_events',
    );
    return row?.position ?? START_OF_OUTBOX;
  }

  /**
   * Where the named reader stands (the start of the outbox for a new one). With `lock`, inside the reader's
   * transaction, the position row is locked until it commits, so two processes of one reader never read the same
   * events to hand them on twice.
   */
  async consumerPosition(name: string, lock?: { manager: EntityManager }): Promise<OutboxPosition> {
    if (lock) {
      await lock.manager.query(
        `insert into outbox_consumers (name, position) values ($1, 0) on conflict (name) do nothing`,
        [name],
      );
    }
    const [row]: { position: string }[] = await (lock?.manager ?? this.dataSource).query(
      `select position from outbox_consumers where name = $1${lock ? ' for update' : ''}`,
      [name],
    );
    return row?.position ?? START_OF_OUTBOX;
  }

  /** Moves the named reader to `position` (never backwards: a slower process of the same reader cannot undo it). */
  async advanceConsumer(
    name: string,
    position: OutboxPosition,
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.dataSource).query(
      `insert into outbox_consumers (name, position, updated_at) values ($1, $2, now())
       on conflict (name) do update set position = excluded.position, updated_at = now()
       where outbox_consumers.position < excluded.position`,
      [name, position],
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
export const positionCursor = (position: OutboxPosition) => encodeCursor([position]);

export function positionFromCursor(
  cursor: string | null | undefined,
  field: string,
): OutboxPosition {
  if (cursor == null) return START_OF_OUTBOX;
  const [position] = decodeCursor(cursor, field, 1);
  if (typeof position !== 'string' || !/^\d{1,18}$/.test(position))
    throw new BadUserInputError(`${field} is not a cursor of this list`, { field });
  return position;
}
