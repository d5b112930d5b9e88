import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { IdempotentRequest, runIdempotent } from '../../common/idempotency';
import { DataSource } from 'typeorm';
import { BadUserInputError, NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/relay';
import { coalescing } from '../../common/coalescing';
import { queryPrepared } from '../../common/sql';
import { Principal, SCOPES } from '../../common/scopes';
import type { KeyChangeSink } from './key-change-listener';

const PREFIX = 'c360';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LAST_USED_EVERY_MS = 60_000;
/** Key lookups kept at most (known and unknown public ids alike); the oldest go first. */
const MAX_KEPT_LOOKUPS = 10_000;

// 64 hex digits that are not an HMAC output of any secret we would accept (the compare still runs in full).
const UNMATCHABLE_HASH = '0'.repeat(64);

function base62(bytes: Buffer): string {
  return [...bytes].map((b) => ALPHABET[b % 62]).join('');
}

/** A short checksum so that a mistyped or truncated key is rejected before any database lookup. */
function checksum(body: string): string {
  return createHmac('sha256', 'c360-key-checksum').update(body).digest('hex').slice(0, 6);
}

export interface ApiKeyRecord {
  id: string;
  publicId: string;
  name: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  rotatedFromId: string | null;
  trustedDocumentsOnly: boolean;
  createdAt: Date;
}

interface KeyRow {
  id: string;
  public_id: string;
  name: string;
  scopes: string[];
  secret_hash: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  rotated_from_id: string | null;
  trusted_documents_only: boolean;
  created_at: Date;
}

const toRecord = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  publicId: r.public_id,
  name: r.name,
  scopes: r.scopes,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
  rotatedFromId: r.rotated_from_id,
  trustedDocumentsOnly: r.trusted_documents_only,
  createdAt: r.created_at,
});

/**
 * API keys: `c360_<public id>_<secret>_<checksum>`. The secret has 190 bits of entropy, so a fast keyed hash
 * (HMAC-SHA256 with a server key) is enough; a slow password hash would only slow every request.
 */
export class ApiKeyService {
  private readonly lastUsedWritten = new Map<string, number>();
  // Keys are always read on the primary: a key revoked there must stop working at once, whatever a replica lags.
  // One statement text for any number of keys, so each connection prepares it once.
  private readonly lookups = coalescing<string, KeyRow | null>(async (publicIds) => {
    const rows: KeyRow[] = await queryPrepared(
      this.dataSource,
      'select * from api_keys where public_id = any($1::text[])',
      [publicIds],
      { primary: true },
    );
    const byPublicId = new Map(rows.map((r) => [r.public_id, r]));
    return publicIds.map((id) => byPublicId.get(id) ?? null);
  });

  // Key rows read lately, trusted only while a KeyChangeListener hears of every change to keys (cacheLive): a
  // key revoked or changed anywhere drops out when PostgreSQL announces it, one changed here at once. A lookup
  // that was under way when any change was announced is not kept (generation), nor one from before LISTEN began.
  // Unknown public ids are kept too (row null), so that a lookup takes the same path whether the id exists or not:
  // timing must not tell a caller which public ids are real (the trigger announces inserts as well).
  // Known and unknown ids are kept apart, so that a flood of random well-formed keys cannot push real keys out.
  private readonly recent = new Map<string, { row: KeyRow | null; until: number }>();
  private readonly recentUnknown = new Map<string, { row: KeyRow | null; until: number }>();
  private cacheLive = false;
  private generation = 0;

  /** Where a KeyChangeListener reports; without one (PGlite, or a cache of 0 seconds) every request reads its key. */
  readonly keyChanges: KeyChangeSink = {
    listening: () => {
      this.forgetAll(true);
      // Changes made while the listener was away went unheard.
      this.announceChange(null);
    },
    deaf: () => this.forgetAll(false),
    changed: (publicId) => {
      this.generation += 1;
      this.recent.delete(publicId);
      this.recentUnknown.delete(publicId);
      this.announceChange(publicId);
    },
  };

  private readonly changeListeners: ((publicId: string | null) => void)[] = [];

  /**
   * Called when a key changed (its public id), here or, with a KeyChangeListener, in any process; with null when
   * changes may have gone unheard. Long-lived holders of a principal (WebSocket connections) check their key again.
   */
  onKeyChanged(listener: (publicId: string | null) => void): void {
    this.changeListeners.push(listener);
  }

  private announceChange(publicId: string | null): void {
    for (const listener of this.changeListeners) {
      try {
        listener(publicId);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  constructor(
    private readonly dataSource: DataSource,
    private readonly hashKey: string,
    private readonly cacheSeconds = 0,
  ) {}

  private forgetAll(live: boolean) {
    this.generation += 1;
    this.recent.clear();
    this.recentUnknown.clear();
    this.cacheLive = live && this.cacheSeconds > 0;
  }

  private async keyRow(publicId: string): Promise<KeyRow | null> {
    const kept = this.recent.get(publicId) ?? this.recentUnknown.get(publicId);
    if (kept && kept.until > Date.now()) return kept.row;
    const generation = this.generation;
    const row = await this.lookups.load(publicId);
    if (this.cacheLive && generation === this.generation) {
      const store = row ? this.recent : this.recentUnknown;
      if (store.size >= MAX_KEPT_LOOKUPS) store.delete(store.keys().next().value as string);
      store.set(publicId, { row, until: Date.now() + this.cacheSeconds * 1000 });
    }
    return row;
  }

  private hash(secret: string): string {
    return createHmac('sha256', this.hashKey).update(secret).digest('hex');
  }

  async create(
    name: string,
    scopes: string[],
    expiresAt: Date | null,
    options: { trustedDocumentsOnly?: boolean } = {},
    idempotency: IdempotentRequest | null = null,
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!name.trim()) throw new BadUserInputError('name must not be empty', { field: 'name' });
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0)
      throw new BadUserInputError(
        `Unknown or missing scopes: ${unknown.join(', ') || 'none given'}`,
        { field: 'scopes' },
      );
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new BadUserInputError('expiresAt must be in the future', { field: 'expiresAt' });
    // A retry with the same idempotency key gets the same key back, so its stored result is encrypted.
    return this.dataSource.transaction((manager) =>
      runIdempotent(
        manager,
        idempotency,
        async () => {
          const publicId = base62(randomBytes(12));
          const secret = base62(randomBytes(32));
          const body = `${PREFIX}_${publicId}_${secret}`;
          const [row]: KeyRow[] = await manager.query(
            `insert into api_keys (public_id, name, scopes, secret_hash, expires_at, trusted_documents_only) values ($1, $2, $3, $4, $5, $6) returning *`,
            [
              publicId,
              name.trim(),
              [...new Set(scopes)],
              this.hash(secret),
              expiresAt,
              options.trustedDocumentsOnly ?? false,
            ],
          );
          return { key: `${body}_${checksum(body)}`, record: toRecord(row) };
        },
        { customerOf: () => null, sealed: true },
      ),
    );
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.dataSource.query('select * from api_keys order by created_at desc')).map(
      toRecord,
    );
  }

  async revoke(id: string): Promise<ApiKeyRecord> {
    if (!isUuid(id)) throw new BadUserInputError('id is not an API key id', { field: 'id' });
    // In a transaction, so the request's audit row commits with it (see ReplicatedDataSource.transaction).
    const [rows]: [KeyRow[], number] = await this.dataSource.transaction((manager) =>
      manager.query(
        'update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1 returning *',
        [id],
      ),
    );
    if (!rows[0]) throw new NotFoundError('ApiKey', id);
    this.keyChanges.changed(rows[0].public_id);
    return toRecord(rows[0]);
  }

  /** A new key with the same name and scopes; the old one keeps working until the grace period ends. */
  async rotate(id: string, graceHours: number): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!isUuid(id)) throw new BadUserInputError('id is not an API key id', { field: 'id' });
    if (graceHours < 0 || graceHours > 24 * 30)
      throw new BadUserInputError('graceHours must be 0 to 720', { field: 'graceHours' });
    const rotated = await this.dataSource.transaction(async (manager) => {
      const [old]: KeyRow[] = await manager.query(
        'select * from api_keys where id = $1 for update',
        [id],
      );
      if (!old || old.revoked_at) throw new NotFoundError('ApiKey', id);
      const until = new Date(Date.now() + graceHours * 3_600_000);
      await manager.query(
        'update api_keys set expires_at = least(coalesce(expires_at, $2), $2) where id = $1',
        [id, until],
      );
      const publicId = base62(randomBytes(12));
      const secret = base62(randomBytes(32));
      const body = `${PREFIX}_${publicId}_${secret}`;
      const [row]: KeyRow[] = await manager.query(
        `insert into api_keys (public_id, name, scopes, secret_hash, expires_at, rotated_from_id, trusted_documents_only) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
        [
          publicId,
          old.name,
          old.scopes,
          this.hash(secret),
          old.expires_at && old.expires_at > until ? old.expires_at : null,
          id,
          old.trusted_documents_only,
        ],
      );
      return {
        key: `${body}_${checksum(body)}`,
        record: toRecord(row),
        oldPublicId: old.public_id,
      };
    });
    this.keyChanges.changed(rotated.oldPublicId);
    return { key: rotated.key, record: rotated.record };
  }

  /**
   * The principal of a key by its id, for work the server does on a key's behalf (webhook payloads are what the key
   * may read); null when the key is unknown, revoked or expired, read on the primary every time.
   */
  async principalById(id: string): Promise<Principal | null> {
    if (!isUuid(id)) return null;
    const [row]: KeyRow[] = await this.dataSource.query('select * from api_keys where id = $1', [
      id,
    ]);
    if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now()))
      return null;
    return {
      keyId: row.id,
      name: row.name,
      scopes: new Set(row.scopes),
      trustedDocumentsOnly: row.trusted_documents_only,
    };
  }

  /** The principal behind a presented key, or null when it is malformed, unknown, revoked or expired. */
  async authenticate(presented: string): Promise<Principal | null> {
    const match = /^c360_([0-9A-Za-z]{12})_([0-9A-Za-z]{32})_([0-9a-f]{6})$/.exec(presented.trim());
    if (!match || checksum(`${PREFIX}_${match[1]}_${match[2]}`) !== match[3]) return null;
    const row = await this.keyRow(match[1]);
    // The secret is hashed and compared whether or not the row exists (against a hash no secret has), so an
    // unknown public id costs what a known one with a wrong secret costs.
    const expected = Buffer.from(row?.secret_hash ?? UNMATCHABLE_HASH, 'hex');
    const actual = Buffer.from(this.hash(match[2]), 'hex');
    const secretMatches = expected.length === actual.length && timingSafeEqual(expected, actual);
    if (
      !row ||
      !secretMatches ||
      row.revoked_at ||
      (row.expires_at && row.expires_at.getTime() <= Date.now())
    )
      return null;
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(row.id) ?? 0) > LAST_USED_EVERY_MS) {
      this.lastUsedWritten.set(row.id, now);
      await this.dataSource.query('update api_keys set last_used_at = now() where id = $1', [
        row.id,
      ]);
    }
    return {
      keyId: row.id,
      name: row.name,
      scopes: new Set(row.scopes),
      trustedDocumentsOnly: row.trusted_documents_only,
    };
  }
}
