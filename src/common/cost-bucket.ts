import type { RedisClientType } from 'redis';

export interface BucketResult {
  allowed: boolean;
  /** Points left after this request (or now, when refused). */
  remaining: number;
  /** Seconds until the request's cost would fit. */
  retryAfterSeconds: number;
}

export interface CostBucket {
  take(key: string, cost: number): Promise<BucketResult>;
  close(): Promise<void>;
}

export const BUCKET_CAPACITY = 2000;
export const RESTORE_PER_SECOND = 100;

/** The leaky bucket itself: tokens refill continuously up to the capacity; a request takes its cost. */
function step(tokens: number, updatedAtMs: number, nowMs: number, cost: number) {
  const available = Math.min(
    BUCKET_CAPACITY,
    tokens + ((nowMs - updatedAtMs) / 1000) * RESTORE_PER_SECOND,
  );
  if (cost <= available) return { tokens: available - cost, allowed: true, retryAfterSeconds: 0 };
  return {
    tokens: available,
    allowed: false,
    retryAfterSeconds: Math.ceil((cost - available) / RESTORE_PER_SECOND),
  };
}

/** One process's buckets, in memory (the default). */
export class MemoryBucket implements CostBucket {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  async take(key: string, cost: number): Promise<BucketResult> {
    const now = Date.now();
    const current = this.buckets.get(key) ?? { tokens: BUCKET_CAPACITY, updatedAt: now };
    const next = step(current.tokens, current.updatedAt, now, cost);
    this.buckets.set(key, { tokens: next.tokens, updatedAt: now });
    return {
      allowed: next.allowed,
      remaining: Math.floor(next.tokens),
      retryAfterSeconds: next.retryAfterSeconds,
    };
  }

  async close() {}
}

// The same step as above, atomically in Redis, so several server processes share one budget per key.
const TAKE_SCRIPT = `
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local capacity, rate, now, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
local available = math.min(capacity, tokens + (now - updated) / 1000 * rate)
local allowed = 0
if cost <= available then available = available - cost; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', available, 'updated', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return { allowed, tostring(available) }`;

export class RedisBucket implements CostBucket {
  constructor(private readonly client: RedisClientType) {}

  async take(key: string, cost: number): Promise<BucketResult> {
    const [allowed, available] = (await this.client.eval(TAKE_SCRIPT, {
      keys: [`c360:bucket:${key}`],
      arguments: [
        String(BUCKET_CAPACITY),
        String(RESTORE_PER_SECOND),
        String(Date.now()),
        String(cost),
      ],
    })) as [number, string];
    const remaining = Number(available);
    return {
      allowed: allowed === 1,
      remaining: Math.floor(remaining),
      retryAfterSeconds: allowed === 1 ? 0 : Math.ceil((cost - remaining) / RESTORE_PER_SECOND),
    };
  }

  async close() {
    await this.client.quit();
  }
}
