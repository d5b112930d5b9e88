import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';

// Production mode: what partners get.
let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await startTestApp({ nodeEnv: 'production' });
  customerId = (await createCustomer(t)).id;
});
afterAll(async () => {
  await t.close();
});

const post = (key: string, body: object) =>
  request(t.app.app).post('/graphql').set('x-api-key', key).send(body);
const get = (key: string, query: string) =>
  request(t.app.app)
    .get('/graphql')
    .query({ query })
    .set('x-api-key', key)
    .set('apollo-require-preflight', '1')
    .set('accept', 'application/json');

/** 13 levels of fragments that each spread the one below twice: 2^13 copies of a page of orders. */
const FAN_OUT = `query { customers(first: 10) { nodes { ...F13 } } } fragment F0 on Customer { orders(first: 10) { nodes { id } } } ${Array.from(
  { length: 13 },
  (_, i) => `fragment F${i + 1} on Customer { ...F${i} ...F${i} }`,
).join(' ')}`;

describe('query cost', () => {
  it('refuses a fragment fan-out by its full cost, over POST and GET, and leaves the bucket untouched', async () => {
    const key = await t.keyWith(['customers:read', 'orders:read']);
    for (const res of [await post(key, { query: FAN_OUT }), await get(key, FAN_OUT)]) {
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        limit: 'cost',
        maxCost: 1000,
      });
      expect(res.body.errors[0].extensions.cost).toBeGreaterThan(1000);
      expect(res.body.data).toBeUndefined();
    }
    const next = await post(key, { query: '{ customers(first: 1) { nodes { id } } }' });
    expect(next.body.extensions.cost.currentlyAvailable).toBe(2000 - 3);
  });

  it('refuses a GET without a key before parsing or costing it', async () => {
    const res = await request(t.app.app)
      .get('/graphql')
      .query({ query: FAN_OUT })
      .set('apollo-require-preflight', '1');
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('charges a page size the resolver refuses as the largest page, so siblings are charged in full', async () => {
    const key = await t.keyWith(['customers:read']);
    const res = await post(key, {
      query: '{ a: customers(last: -1) { totalCount } b: customers(first: 3) { nodes { id } } }',
    });
    expect(res.status).toBe(200);
    expect(res.body.errors[0]).toMatchObject({
      path: ['a'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    // a: 2 + 100 × 1, b: 2 + 3 × 1 (a negative page used to subtract from the siblings' cost).
    expect(res.body.extensions.cost.requestedQueryCost).toBe(102 + 5);
  });

  it('charges nodes(ids) per id', async () => {
    const key = await t.keyWith(['customers:read']);
    const res = await post(key, {
      query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      variables: { ids: Array(100).fill(customerId) },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.nodes).toHaveLength(100);
    expect(res.body.extensions.cost.requestedQueryCost).toBe(100);
  });

  it('charges a batch write per item written', async () => {
    const key = await t.keyWith(['orders:write']);
    const orders = Array.from({ length: 20 }, (_, i) => ({
      customer: { id: customerId },
      source: 'cost-test',
      externalRef: `C${i}`,
      placedAt: '2026-01-01T00:00:00Z',
      currency: 'USD',
      gross: '1.00',
    }));
    const res = await post(key, {
      query:
        'mutation($o: [RecordOrderInput!]!) { recordOrders(orders: $o) { index error { code } } }',
      variables: { o: orders },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.recordOrders.filter((r: any) => r.error)).toEqual([]);
    // 20 orders × (1 point for the write + 1 for the error object of its result).
    expect(res.body.extensions.cost.requestedQueryCost).toBe(40);
  });
});

describe('concurrent requests per key', () => {
  let server: http.Server;
  let port: number;
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({
      nodeEnv: 'production',
      maxConcurrentRequestsPerKey: 1,
      requestTimeoutMs: 500,
    });
    server = limited.app.httpServer.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await limited.close();
  });

  const BODY = JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' });
  /** A request whose body has not been sent yet: it holds its slot until it is finished, aborted or timed out. */
  const held = (key: string) => {
    const req = http.request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/graphql',
      headers: {
        'x-api-key': key,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(BODY),
      },
    });
    const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
    });
    const state = { answered: false };
    response.then(
      () => (state.answered = true),
      () => (state.answered = true),
    );
    req.flushHeaders();
    return { response, state, finish: () => req.end(BODY), abort: () => req.destroy() };
  };
  const probe = (key: string) =>
    request(server)
      .post('/graphql')
      .set('x-api-key', key)
      .set('content-type', 'application/json')
      .send(BODY);
  /** Probes until one gets the wanted status (a request that was just released may still be closing). */
  const probeUntil = async (key: string, status: number) => {
    for (let i = 0; i < 100; i++) {
      const res = await probe(key);
      if (res.status === status) return res;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no probe got ${status}`);
  };
  /**
   * A held request that has its slot: proven by a probe refused with 429. A probe that overtakes the held request
   * takes the slot itself and the held one is refused; then it is sent again.
   */
  const occupy = async (key: string) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const h = held(key);
      h.response.catch(() => {});
      for (let i = 0; i < 50 && !h.state.answered; i++) {
        const res = await probe(key);
        if (res.status === 429 && !h.state.answered) return { ...h, refused: res };
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      h.abort();
    }
    throw new Error('the held request never kept its slot');
  };

  it('answers 429 THROTTLED over the limit, not for other keys, and frees the slot however a request ends', async () => {
    const key = await limited.keyWith(['customers:read']);
    const other = await limited.keyWith(['customers:read']);
    // Finished normally.
    const a = await occupy(key);
    const refused = a.refused;
    expect(refused.body.errors[0].extensions).toMatchObject({
      code: 'THROTTLED',
      limit: 'concurrency',
      maxConcurrent: 1,
    });
    expect(refused.headers['retry-after']).toBe('1');
    expect((await probe(other)).status).toBe(200);
    a.finish();
    expect((await a.response).status).toBe(200);
    await probeUntil(key, 200);
    // The client went away.
    const b = await occupy(key);
    b.abort();
    await probeUntil(key, 200);
    // The deadline passed (the body never came).
    const c = await occupy(key);
    const timedOut = await c.response;
    expect(timedOut).toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: 'REQUEST_TIMEOUT', timeoutMs: 500 } }] },
    });
    c.abort();
    // The request failed.
    expect((await probe(key).send('{"query": "{ nope }"}')).status).toBe(400);
    const last = await probe(key);
    expect(last.status).toBe(200);
  });
});
