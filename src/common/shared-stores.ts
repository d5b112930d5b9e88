import type { Registry } from 'prom-client';
import { CostBucket, BucketResult, MemoryBucket, RedisBucket } from './cost-bucket';
import { RedisDocumentCache } from './redis-document-cache';
import { RedisConnection } from './redis-connection';

/** Budgets in Redis while it answers; this process's own buckets meanwhile (each process then grants its own). */
export class FallbackBucket implements CostBucket {
  private readonly shared: RedisBucket;

  constructor(
    private readonly redis: RedisConnection,
    private readonly local = new MemoryBucket(),
  ) {
    this.shared = new RedisBucket(redis.client);
  }

  async take(key: string, cost: number): Promise<BucketResult> {
    try {
      return await this.redis.run(() => this.shared.take(key, cost));
    } catch {
      this.redis.noteFallback('bucket');
      return this.local.take(key, cost);
    }
  }

  async close() {}
}

/** Bound of the local persisted-query cache, in characters of query text (about what Apollo's own LRU holds). */
const LOCAL_CACHE_CHARS = 30 * 1024 * 1024;

/**
 * Persisted-query texts in Redis and in a local cache. A text is keyed by its own hash, so a copy is never stale:
 * the local one is read first (no round trip), Redis lends texts other processes registered, and while Redis is
 * away registrations and lookups go on locally.
 */
export class FallbackDocumentCache {
  private readonly local = new Map<string, string>();
  private chars = 0;
  private readonly shared: RedisDocumentCache;

  constructor(private readonly redis: RedisConnection) {
    this.shared = new RedisDocumentCache(redis.client);
  }

  async get(key: string): Promise<string | undefined> {
    const held = this.local.get(key);
    if (held !== undefined) return held;
    try {
      const text = await this.redis.run(() => this.shared.get(key));
      if (text !== undefined) this.keep(key, text);
      return text;
    } catch {
      this.redis.noteFallback('persisted-queries');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    this.keep(key, value);
    try {
      await this.redis.run(() => this.shared.set(key, value, options));
    } catch {
      this.redis.noteFallback('persisted-queries');
    }
  }

  async delete(key: string): Promise<boolean> {
    const text = this.local.get(key);
    if (text !== undefined) {
      this.local.delete(key);
      this.chars -= text.length;
    }
    try {
      return (await this.redis.run(() => this.shared.delete(key))) || text !== undefined;
    } catch {
      this.redis.noteFallback('persisted-queries');
      return text !== undefined;
    }
  }

  /** Insertion order is the eviction order (the oldest registrations go first). */
  private keep(key: string, value: string) {
    if (this.local.has(key)) return;
    this.local.set(key, value);
    this.chars += value.length;
    for (const [oldKey, oldText] of this.local) {
      if (this.chars <= LOCAL_CACHE_CHARS) break;
      this.local.delete(oldKey);
      this.chars -= oldText.length;
    }
  }
}

export interface SharedStores {
  bucket: CostBucket;
  /** Apollo's persisted-query cache; undefined: Apollo's own in-memory one. */
  documentCache: FallbackDocumentCache | undefined;
  /** Detail for /readyz. */
  status(): Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * Redis when REDIS_URL is set, memory otherwise. The first connection attempt is given up to a second, so that a
 * server that starts beside a running Redis shares budgets from its first request; a Redis that is down or slow
 * to answer does not hold the start longer (the client goes on trying in the background).
 */
export async function createSharedStores(
  redisUrl: string | null,
  commandTimeoutMs: number,
  registry: Registry,
): Promise<SharedStores> {
  if (!redisUrl)
    return {
      bucket: new MemoryBucket(),
      documentCache: undefined,
      status: () => ({}),
      close: async () => {},
    };
  const redis = new RedisConnection(redisUrl, { commandTimeoutMs, registry });
  await redis.start(1000);
  return {
    bucket: new FallbackBucket(redis),
    documentCache: new FallbackDocumentCache(redis),
    status: () => redis.status(),
    close: () => redis.close(),
  };
}
