import type { DomainEventMap, DomainEventName } from './domain-events';
import type { Principal } from './scopes';
import { hasScope } from './scopes';

/** What an outbox row holds for one change: whose, and the facts as JSON (personal fields included). */
export interface OutboxRecord {
  customerId: string | null;
  data: Record<string, unknown>;
}

/**
 * One type of the public change events (outbox, `events`, webhooks, subscriptions, NATS): the domain event it is
 * made from, the scope that reads it, which of its fields are personal data, and how the facts become JSON. Each
 * module lists its own in its manifest (`publicEvents`); the events module writes them to the outbox.
 */
export interface PublicEventSpec<K extends DomainEventName = DomainEventName> {
  /** The public name, `<subject>.<what happened>` (`order.recorded`); the NATS subject is `c360.<type>`. */
  type: string;
  /** The GraphQL enum value of the type (ORDER_RECORDED). */
  enumName: string;
  description: string;
  /** The domain event it is made from. */
  from: K;
  /** The scope that reads it (admin reads every type). */
  scope: string;
  /** Dotted paths in `data` that are personal data: present only for readers with pii:read. */
  personal: readonly string[];
  /** A further scope one event's data needs (a reorder reminder names a purchase: orders:read); null: none. */
  alsoNeeds?(data: Record<string, unknown>): string | null;
  /** The outbox rows of one domain event (most give one; none when nothing public changed). */
  toOutbox(event: DomainEventMap[K]): OutboxRecord[];
}

/** A spec with its domain event's type checked, stored among others (the list is of mixed event names). */
export function publicEvent<K extends DomainEventName>(spec: PublicEventSpec<K>): PublicEventSpec {
  return spec;
}

export const REDACTED_NOTE = 'needs pii:read';

/**
 * The event's data as one reader may see it: every personal path is removed unless the reader holds pii:read, and
 * the removed paths are listed so that a consumer knows a field was withheld rather than empty. The same rule as
 * the personal fields of queries (RequireScopes('pii:read') on each).
 */
export function dataFor(
  spec: Pick<PublicEventSpec, 'personal'>,
  data: Record<string, unknown>,
  principal: Principal | null,
): { data: Record<string, unknown>; redacted: string[] } {
  if (spec.personal.length === 0 || hasScope(principal, 'pii:read')) return { data, redacted: [] };
  const copy = structuredClone(data);
  const redacted: string[] = [];
  for (const path of spec.personal) if (removePath(copy, path.split('.'))) redacted.push(path);
  return { data: copy, redacted };
}

/** Removes `path` from `value` (through arrays too); whether anything was there. */
function removePath(value: unknown, path: string[]): boolean {
  if (Array.isArray(value)) return value.map((item) => removePath(item, path)).some(Boolean);
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  const [head, ...rest] = path;
  if (!(head in record)) return false;
  if (rest.length === 0) {
    const had = record[head] !== null && record[head] !== undefined;
    delete record[head];
    return had;
  }
  return removePath(record[head], rest);
}

/** Whether a principal may read this event (its type's scope, and what its data needs beyond it). */
export const mayReadEvent = (
  spec: Pick<PublicEventSpec, 'scope' | 'alsoNeeds'>,
  data: Record<string, unknown>,
  principal: Principal | null,
) => {
  if (!hasScope(principal, spec.scope)) return false;
  const also = spec.alsoNeeds?.(data);
  return !also || hasScope(principal, also);
};

/** Whether a principal may read events of this type. */
export const mayRead = (spec: Pick<PublicEventSpec, 'scope'>, principal: Principal | null) =>
  hasScope(principal, spec.scope);
