import type { EntityManager } from 'typeorm';
import { logger } from './logger';

/**
 * Every domain event by name, with the facts it carries. Each module declares its own in its `*.events.ts` by
 * declaration merging (`declare module '../../common/domain-events' { interface DomainEventMap { … } }`), so
 * `grep 'order.recorded'` finds who publishes an event and who handles it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEventMap {}

export type DomainEventName = Extract<keyof DomainEventMap, string>;

/** Runs in the write's own transaction: what it writes commits or rolls back with the write. */
export type InTransactionHandler<K extends DomainEventName> = (
  manager: EntityManager,
  event: DomainEventMap[K],
) => Promise<void>;

/** Runs once the write committed, before the write answers; a failure is logged and the write stands. */
export type AfterCommitHandler<K extends DomainEventName> = (
  event: DomainEventMap[K],
) => Promise<void>;

/** What one transaction has queued: work for just before COMMIT (one per key) and for after it. */
interface TransactionScope {
  beforeCommit: Map<string, () => Promise<void>>;
  /** Before-commit work that must be the transaction's last (the outbox insert, which holds a lock to COMMIT). */
  lastBeforeCommit: Map<string, () => Promise<void>>;
  afterCommit: (() => Promise<void>)[];
}

const scopes = new WeakMap<EntityManager, TransactionScope>();

/**
 * Opens the event scope of one transaction. The data source (src/db/replicated-data-source.ts) wraps every
 * `transaction()` in this, so each write's events are collected without the services doing anything: `open` starts
 * the transaction and calls the callback with its manager (once per attempt, so a retried transaction starts
 * afresh), the before-commit work runs at the end of the callback inside the transaction, and the after-commit work
 * once `open` resolved, that is after COMMIT and after the connection went back to the pool (the embedded database
 * has one connection, which a handler reading outside the transaction needs).
 */
export async function runInEventScope<T>(
  open: (work: (manager: EntityManager) => Promise<T>) => Promise<T>,
  work: (manager: EntityManager) => Promise<T>,
  /** Called once COMMIT succeeded, before the after-commit work (which may open transactions of its own). */
  committed?: () => void,
): Promise<T> {
  let scope: TransactionScope | null = null;
  const result = await open(async (manager) => {
    const attempt: TransactionScope = {
      beforeCommit: new Map(),
      lastBeforeCommit: new Map(),
      afterCommit: [],
    };
    scope = attempt;
    scopes.set(manager, attempt);
    const value = await work(manager);
    // A flush may queue another (an outbox row for an event a flush published), so drain until nothing is left,
    // the work that must come last only once the rest is done.
    for (;;) {
      const queue = attempt.beforeCommit.size > 0 ? attempt.beforeCommit : attempt.lastBeforeCommit;
      if (queue.size === 0) break;
      const [key, flush] = queue.entries().next().value!;
      queue.delete(key);
      await flush();
    }
    return value;
  });
  committed?.();
  const done = scope as TransactionScope | null;
  for (const task of done?.afterCommit ?? []) await task();
  return result;
}

function scopeOf(manager: EntityManager, what: string): TransactionScope {
  const scope = scopes.get(manager);
  if (!scope) {
    throw new Error(
      `${what}: not inside a transaction opened by the application's data source (dataSource.transaction)`,
    );
  }
  return scope;
}

/**
 * Queues `flush` to run once, at the end of the transaction, before COMMIT; a second call with the same key while
 * the first is pending is ignored (callers buffer rows and flush them in one statement: the outbox). `last` work runs
 * after all other before-commit work is done.
 */
export function beforeCommit(
  manager: EntityManager,
  key: string,
  flush: () => Promise<void>,
  options: { last?: boolean } = {},
): void {
  const scope = scopeOf(manager, `before-commit work ${key}`);
  const queue = options.last ? scope.lastBeforeCommit : scope.beforeCommit;
  if (!queue.has(key)) queue.set(key, flush);
}

/** Queues `task` to run once the transaction running in `manager` committed (after its connection is back). */
export function afterCommit(manager: EntityManager, task: () => Promise<void>): void {
  scopeOf(manager, 'after-commit work').afterCommit.push(task);
}

/**
 * The typed event bus, as Vendure's: handlers subscribe by event name, either in the publishing transaction or
 * after it committed. One bus per composition root (src/container.ts); modules subscribe in their
 * `*.subscriptions.ts`. Handlers of one event run in the order they subscribed.
 */
export class DomainEventBus {
  private readonly inTransactionHandlers = new Map<string, InTransactionHandler<never>[]>();
  private readonly afterCommitHandlers = new Map<string, AfterCommitHandler<never>[]>();

  inTransaction<K extends DomainEventName>(name: K, handler: InTransactionHandler<K>): void {
    const list = this.inTransactionHandlers.get(name) ?? [];
    list.push(handler);
    this.inTransactionHandlers.set(name, list);
  }

  afterCommit<K extends DomainEventName>(name: K, handler: AfterCommitHandler<K>): void {
    const list = this.afterCommitHandlers.get(name) ?? [];
    list.push(handler);
    this.afterCommitHandlers.set(name, list);
  }

  /** Whether anything handles the event (a publisher may skip building costly facts nobody reads). */
  isHandled(name: DomainEventName): boolean {
    return this.inTransactionHandlers.has(name) || this.afterCommitHandlers.has(name);
  }

  /**
   * Publishes an event of the write running in `manager`'s transaction: its in-transaction handlers run now (a
   * failure fails the write), its after-commit handlers are queued for when the transaction committed (nothing
   * runs if it rolls back).
   */
  async publish<K extends DomainEventName>(
    manager: EntityManager,
    name: K,
    event: DomainEventMap[K],
  ): Promise<void> {
    const scope = scopeOf(manager, `event ${name}`);
    for (const handler of this.inTransactionHandlers.get(name) ?? [])
      await (handler as InTransactionHandler<K>)(manager, event);
    for (const handler of this.afterCommitHandlers.get(name) ?? [])
      scope.afterCommit.push(() =>
        this.runAfterCommit(name, handler as AfterCommitHandler<K>, event),
      );
  }

  /**
   * Publishes an event of work that already committed in several transactions (an import's slices, a fit): only
   * after-commit handlers can hear it, and they run now. Unlike after a transaction, a failing handler fails the
   * call (a command reports what it left stale).
   */
  async publishCommitted<K extends DomainEventName>(
    name: K,
    event: DomainEventMap[K],
  ): Promise<void> {
    if (this.inTransactionHandlers.has(name))
      throw new Error(`event ${name} has in-transaction handlers and needs a transaction`);
    for (const handler of this.afterCommitHandlers.get(name) ?? [])
      await (handler as AfterCommitHandler<K>)(event);
  }

  private async runAfterCommit<K extends DomainEventName>(
    name: K,
    handler: AfterCommitHandler<K>,
    event: DomainEventMap[K],
  ): Promise<void> {
    try {
      await handler(event);
    } catch (error) {
      logger.error({ err: error, event: name }, 'an after-commit event handler failed');
    }
  }
}
