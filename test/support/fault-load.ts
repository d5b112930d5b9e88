/**
 * A bounded load of reads and writes whose every request and outcome is recorded, for the fault-injection suite:
 * the way Jepsen tests a database, the clients keep a history, and a checker compares the final state with it.
 *
 * Each write has a natural key of its own (an order's externalRef, a customer's email, a ledger entry's reason)
 * and is sent with what makes a retry safe (recordOrder is idempotent on source and externalRef; createCustomer
 * and earnLoyaltyPoints get an idempotencyKey), so the checker can find it in the database and retry it.
 */
import { randomUUID } from 'node:crypto';

export type WriteKind = 'order' | 'customer' | 'earn';

export interface Write {
  kind: WriteKind;
  naturalKey: string;
  variables: Record<string, unknown>;
  /** The database id the server answered with, once it did. */
  ackedId: string | null;
  /** For orders: whether the acknowledging answer said it created the order. */
  ackedCreated: boolean | null;
}

export interface Attempt {
  kind: WriteKind | 'read';
  write: Write | null;
  phase: string;
  ms: number;
  /** HTTP status, or null when no response came (refused, reset, client timeout). */
  status: number | null;
  /** OK, the first error's extensions.code, a transport error code (ECONNREFUSED…) or CLIENT_TIMEOUT. */
  code: string;
}

export const FAULT_SOURCE = 'fault-suite';

const DOCUMENTS: Record<WriteKind | 'read', string> = {
  order:
    'mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created order { databaseId } } }',
  customer:
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { databaseId } }',
  earn: 'mutation($input: LoyaltyPointsInput!) { earnLoyaltyPoints(input: $input) { databaseId } }',
  read: `query($id: ID!) { customer(id: $id) { id summary { orderCount } loyalty { balance }
    orders(first: 5) { nodes { id net { amount } lines { quantity } } } } }`,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Answer {
  status: number | null;
  code: string;
  data: any;
}

/** One POST /graphql; never throws: a missing response is an answer too. */
export async function post(
  baseUrl: string,
  key: string,
  query: string,
  variables: object,
  timeoutMs: number,
): Promise<Answer> {
  try {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      return { status: res.status, code: `HTTP_${res.status}`, data: null };
    }
    const code = body?.errors?.length
      ? String(body.errors[0].extensions?.code ?? 'NO_CODE')
      : body?.data
        ? 'OK'
        : `HTTP_${res.status}`;
    return { status: res.status, code, data: body?.data ?? null };
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string; name?: string } };
    if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError')
      return { status: null, code: 'CLIENT_TIMEOUT', data: null };
    return { status: null, code: e.cause?.code ?? e.name ?? 'FETCH_ERROR', data: null };
  }
}

function ackOf(kind: WriteKind, data: any): { id: string; created: boolean | null } | null {
  if (kind === 'order')
    return data?.recordOrder
      ? { id: data.recordOrder.order.databaseId, created: data.recordOrder.created }
      : null;
  if (kind === 'customer')
    return data?.createCustomer ? { id: data.createCustomer.databaseId, created: null } : null;
  return data?.earnLoyaltyPoints ? { id: data.earnLoyaltyPoints.databaseId, created: null } : null;
}

export interface LoadOptions {
  baseUrl: string;
  /** One key per client. */
  keys: string[];
  /** Global ids of customers that exist before the load starts. */
  customerIds: string[];
  clientTimeoutMs: number;
}

export class FaultLoad {
  readonly writes: Write[] = [];
  readonly attempts: Attempt[] = [];
  phase = 'baseline';
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: LoadOptions) {}

  start() {
    this.running = true;
    this.loops = this.options.keys.map((key, client) => this.loop(client, key));
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Sends a write once more (same input, same key); true when acknowledged. */
  async attempt(write: Write, key: string): Promise<Answer> {
    const answer = await this.send(write.kind, write, key, write.variables);
    const ack = answer.code === 'OK' ? ackOf(write.kind, answer.data) : null;
    if (ack && write.ackedId === null) {
      write.ackedId = ack.id;
      write.ackedCreated = ack.created;
    }
    return answer;
  }

  private async send(
    kind: WriteKind | 'read',
    write: Write | null,
    key: string,
    variables: object,
  ): Promise<Answer> {
    const started = Date.now();
    const answer = await post(
      this.options.baseUrl,
      key,
      DOCUMENTS[kind],
      variables,
      this.options.clientTimeoutMs,
    );
    this.attempts.push({
      kind,
      write,
      phase: this.phase,
      ms: Date.now() - started,
      status: answer.status,
      code: answer.code,
    });
    return answer;
  }

  private newWrite(client: number, n: number): Write | null {
    const { customerIds } = this.options;
    const someone = customerIds[(client * 7919 + n * 104729) % customerIds.length];
    const tag = `${client}-${n}`;
    const op = n % 10;
    let write: Write | null = null;
    if (op < 5) {
      // Three in ten orders name a customer by an identifier not seen before (the customer is created with it).
      const customer =
        op === 0 || op === 3 || (op === 4 && n % 20 === 4)
          ? {
              identifierType: 'EXTERNAL',
              identifierSource: FAULT_SOURCE,
              identifierValue: `ext-${tag}`,
            }
          : { id: someone };
      const ref = `fault-order-${tag}`;
      write = {
        kind: 'order',
        naturalKey: ref,
        ackedId: null,
        ackedCreated: null,
        variables: {
          input: {
            customer,
            source: FAULT_SOURCE,
            externalRef: ref,
            placedAt: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString(),
            currency: 'USD',
            lines: [{ sku: `FAULT-${n % 3}`, quantity: 1 + (n % 3), unitPrice: '19.99' }],
          },
        },
      };
    } else if (op < 7) {
      const reason = `fault-earn-${tag}`;
      write = {
        kind: 'earn',
        naturalKey: reason,
        ackedId: null,
        ackedCreated: null,
        variables: {
          input: { idempotencyKey: randomUUID(), customerId: someone, points: 5, reason },
        },
      };
    } else if (op === 7) {
      const email = `fault-${tag}@example.com`;
      write = {
        kind: 'customer',
        naturalKey: email,
        ackedId: null,
        ackedCreated: null,
        variables: {
          input: {
            idempotencyKey: randomUUID(),
            email,
            givenName: 'Fault',
            familyName: `Client ${tag}`,
          },
        },
      };
    }
    return write;
  }

  private async loop(client: number, key: string) {
    for (let n = 0; this.running; n++) {
      const write = this.newWrite(client, n);
      if (!write) {
        const someone = this.options.customerIds[(client + n) % this.options.customerIds.length];
        const answer = await this.send('read', null, key, { id: someone });
        await sleep(answer.code === 'OK' ? 20 : 250);
        continue;
      }
      this.writes.push(write);
      // Up to three tries, as a client with a retry policy would; what stays unacknowledged the checker resolves.
      for (let tries = 0; tries < 3 && this.running; tries++) {
        const answer = await this.attempt(write, key);
        if (write.ackedId) break;
        await sleep(answer.status === null ? 300 : 200);
      }
      await sleep(20);
    }
  }
}

/** Counts by code, most frequent first. */
export function countBy<T>(items: T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}
