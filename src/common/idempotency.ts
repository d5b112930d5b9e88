import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ConflictError } from './errors';
import { openCursor, sealCursor } from './cursor-crypto';
import type { TextColumns } from './personal-data';

/**
 * Idempotency keys for the mutations that are not idempotent by themselves (Stripe's idea): a client sends
 * `idempotencyKey` in the input, and a retry with the same key and the same input gets the first result instead of
 * a second write. The key is kept in `idempotency_keys`, claimed at the start of the write's own transaction and
 * given its result at the end, so key and write commit together or not at all.
 *
 * Concurrent requests with one key: the second one's claim waits on the unique index until the first commits, and
 * then answers the first result (or CONFLICT for another input); if the first rolls back, the second does the work.
 * A key is scoped to the API key and the mutation, so two partners (or two mutations) never share one.
 *
 * Rows are kept IDEMPOTENCY_RETENTION_HOURS (24 h) at least. A key older than that may be used again (the claim
 * removes the old row first), and `c360 prune-idempotency-keys` deletes all such rows; run it daily (cron).
 */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

/** Who asked (API key), for which mutation, with which key, and a hash of the rest of the input. */
export interface IdempotentRequest {
  scope: string;
  key: string;
  fingerprint: string;
}

/** The request for a mutation's input, or null when the input has no idempotencyKey. */
export function idempotentRequest(
  principal: { keyId: string } | null,
  mutation: string,
  input: object,
): IdempotentRequest | null {
  const { idempotencyKey: key, ...rest } = input as { idempotencyKey?: unknown };
  if (typeof key !== 'string') return null;
  return {
    scope: `${principal?.keyId ?? 'system'}:${mutation}`,
    key,
    fingerprint: fingerprintOf(rest),
  };
}

/** SHA-256 of the input as canonical JSON: keys sorted at every level, dates as ISO text. */
export function fingerprintOf(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export interface IdempotencyOptions<T> {
  /** The customer the result concerns (null for none), so erasure finds the row. */
  customerOf: (result: T) => string | null;
  /** Encrypt the stored result (it holds a secret: a new API key). */
  sealed?: boolean;
  /** Turns the stored plain object back into what `work` returns, where that is a class instance. */
  revive?: (stored: any) => T;
}

/**
 * Runs `work` once per key, in the caller's transaction (`manager`, which must be the write's own): the first call
 * stores its result, a retry with the same input returns it, one with another input is CONFLICT.
 */
export async function runIdempotent<T>(
  manager: EntityManager,
  request: IdempotentRequest | null,
  work: () => Promise<T>,
  options: IdempotencyOptions<T>,
): Promise<T> {
  if (!request) return work();
  await manager.query(
    `delete from idempotency_keys where scope = $1 and key = $2 and created_at < now() - make_interval(hours => $3)`,
    [request.scope, request.key, IDEMPOTENCY_RETENTION_HOURS],
  );
  const claimed: { id: string }[] = await manager.query(
    `insert into idempotency_keys (scope, key, fingerprint) values ($1, $2, $3) on conflict (scope, key) do nothing returning id`,
    [request.scope, request.key, request.fingerprint],
  );
  if (claimed.length === 0) {
    const [first]: { fingerprint: string; result: unknown }[] = await manager.query(
      'select fingerprint, result from idempotency_keys where scope = $1 and key = $2',
      [request.scope, request.key],
    );
    if (!first || first.fingerprint !== request.fingerprint) {
      throw new ConflictError('This idempotency key was used with a different input', {
        field: 'idempotencyKey',
      });
    }
    const stored = revive(first.result);
    return options.revive ? options.revive(stored) : (stored as T);
  }
  const result = await work();
  await manager.query('update idempotency_keys set result = $2, customer_id = $3 where id = $1', [
    claimed[0].id,
    store(result, options.sealed ?? false),
    options.customerOf(result),
  ]);
  return result;
}

/** Deletes the keys past their retention; returns how many. */
export async function pruneIdempotencyKeys(manager: EntityManager): Promise<number> {
  const [, deleted]: [unknown, number] = await manager.query(
    'delete from idempotency_keys where created_at < now() - make_interval(hours => $1)',
    [IDEMPOTENCY_RETENTION_HOURS],
  );
  return deleted;
}

// Results are JSON with dates and bigints tagged, so a retry gets the same values and types as the first call.
function store(result: unknown, sealed: boolean): string {
  const json = JSON.stringify(result, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    return value;
  });
  return sealed ? JSON.stringify({ $sealed: sealCursor(json) }) : json;
}

function revive(stored: unknown): unknown {
  const json = JSON.stringify(stored);
  const sealed = (stored as { $sealed?: string } | null)?.$sealed;
  const text = sealed ? openCursor(sealed) : json;
  if (text === null)
    throw new ConflictError('This idempotency key’s result can no longer be read; use a new key', {
      field: 'idempotencyKey',
    });
  return JSON.parse(text, (_key, value) => {
    if (value && typeof value === 'object' && typeof value.$date === 'string')
      return new Date(value.$date);
    if (value && typeof value === 'object' && typeof value.$bigint === 'string')
      return BigInt(value.$bigint);
    return value;
  });
}

/** The table's text columns, classified (see TextColumns): results may quote the customer, so erasure deletes them. */
export const idempotencyTextColumns: TextColumns[] = [
  {
    table: 'idempotency_keys',
    customerKey: 'customer_id',
    deleteRows: true,
    personal: { result: 'null' },
    notPersonal: {
      scope: 'API key id and mutation name',
      key: 'the client’s idempotency key',
      fingerprint: 'hash of the input',
    },
  },
];

/** The GraphQL description of every mutation's `idempotencyKey` input field. */
export const IDEMPOTENCY_KEY_DESCRIPTION =
  `A key of the client's choice (a UUID, 1 to 200 characters) that makes a retry safe: for ${IDEMPOTENCY_RETENTION_HOURS} hours ` +
  'a call with the same key and the same input returns the first result and writes nothing; the same key with another input is CONFLICT.';
