import type { RedisClientType } from 'redis';

/**
 * The store behind automatic persisted queries when several server processes run: a client that registered a
 * query on one process can send only its hash to another. It is Apollo's KeyValueCache contract (get, set
 * with a ttl in seconds, delete) over the Redis client the rate limits already hold; keyv and its Redis
 * adapter would add three packages for these three calls.
 */
export class RedisDocumentCache {
  constructor(
    private readonly client: RedisClientType,
    private readonly prefix = 'c360:apq:',
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (options?.ttl) await this.client.set(this.prefix + key, value, { EX: options.ttl });
    else await this.client.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.client.del(this.prefix + key)) > 0;
  }
}
