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
  insert into outbox_events (customer_id, sequence, type, data)
  select ev.customer_id,
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

  /** Gives committed events their positions (one relay at a time across processes). */
  readonly relay: OutboxRelay;

  constructor(private readonly dataSource: DataSource) {
    this.relay = new OutboxRelay(dataSource, () => this.notifyAppended());
  }

  /**
   * Called in this process when the relay gave events their positions (readers wake up at once; other processes
   * hear the `c360_outbox` NOTIFY the relay sends on PostgreSQL). Listeners must not throw.
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
      afterCommit(manager, () => this.relay.request());
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
  ): Promise<OutboxEvent[]> {
    const rows: OutboxRow[] = await this.dataSource.query(
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
      `select ${COLUMNS} from outbox_events where id = any($1::bigint[]) and position is not null`,
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

  /** Where the named reader stands (the start of the outbox for a new one). */
  async consumerPosition(name: string): Promise<OutboxPosition> {
    const [row]: { position: string }[] = await this.dataSource.query(
      'select position from outbox_consumers where name = $1',
      [name],
    );
    return row?.position ?? START_OF_OUTBOX;
  }

  /** Moves the named reader to `position` (never backwards: a slower process of the same reader cannot undo it). */
  async advanceConsumer(name: string, position: OutboxPosition): Promise<void> {
    await this.dataSource.query(
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

/** pg_try_advisory_xact_lock key of the relay (one relay at a time over one database). */
const RELAY_LOCK = 7_172_018;
const RELAY_BATCH = 5000;
/** How long a write waits for its events' positions before answering (the periodic tick finishes the job). */
const RELAY_WAIT_MS = 2000;

/**
 * Gives committed events their positions, counting up from the highest given, in id order (per customer that is
 * the sequence order, since a customer's writers take turns on its sequence row). Only one relay runs at a time
 * (a transaction-scoped advisory lock; on the embedded database there is one process anyway), so positions are
 * committed in the order they count: a reader that has read position N can never later find a row below N.
 *
 * Hand-written, because it is the outbox's own ordering rule. Each process relays after its own commits (the write
 * waits, so a client that wrote reads its events next); `tick()` on a timer (OutboxRelay.start) picks up what a
 * process that died before relaying left, and what a relay busy elsewhere skipped.
 */
export class OutboxRelay {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relayed: () => void,
  ) {}

  /** Resolves once a relay pass that began after this call has finished (or after RELAY_WAIT_MS); never rejects. */
  request(): Promise<void> {
    if (this.running) this.again = true;
    else this.running = this.loop();
    const done = this.running;
    let timeout: NodeJS.Timeout | undefined;
    return Promise.race([
      done,
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, RELAY_WAIT_MS);
        timeout.unref();
      }),
    ]).finally(() => clearTimeout(timeout));
  }

  /** Ticks every `intervalMs` while anything waits for a position (another process's leftovers). */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.request(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async loop(): Promise<void> {
    try {
      for (let attempt = 0; ;) {
        this.again = false;
        const outcome = await this.pass();
        if (outcome === 'busy' && attempt < 20) {
          // Another process holds the relay: its pass may have begun before our commit, so try again shortly.
          attempt += 1;
          await new Promise((resolve) => setTimeout(resolve, 25));
          continue;
        }
        if (outcome === 'more' || this.again) continue;
        return;
      }
    } catch (error) {
      logger.warn({ err: error }, 'outbox relay: a pass failed; the next write or tick retries');
    } finally {
      this.running = null;
    }
  }

  /** One pass: 'busy' when another relay holds the lock, 'more' when a full batch was positioned. */
  private async pass(): Promise<'busy' | 'more' | 'done'> {
    const result = await this.dataSource.transaction(async (manager) => {
      const [{ locked }]: { locked: boolean }[] = await manager.query(
        'select pg_try_advisory_xact_lock($1) as locked',
        [RELAY_LOCK],
      );
      if (!locked) return 'busy' as const;
      const [{ n }]: { n: number }[] = await manager.query(
        `with waiting as (
           select id, row_number() over (order by id) as k
           from (select id from outbox_events where position is null order by id limit $1) w),
         top as (select coalesce(max(position), 0) as p from outbox_events),
         done as (
           update outbox_events o set position = top.p + waiting.k from waiting, top
           where o.id = waiting.id returning 1),
         counted as (select count(*)::int as n from done)
         select n, case when n > 0 then pg_notify('c360_outbox', '') end as notified from counted`,
        [RELAY_BATCH],
      );
      return n === RELAY_BATCH ? ('more' as const) : n > 0 ? ('done' as const) : ('none' as const);
    });
    if (result === 'more' || result === 'done') this.relayed();
    return result === 'none' ? 'done' : result;
  }
}
