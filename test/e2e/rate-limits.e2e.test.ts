import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createApp } from '../../src/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const PAGE = 'query($n: Int) { customers(first: $n) { nodes { id country } } }';

describe('query cost and rate limits', () => {
  it('reports the cost and the remaining budget on every response', async () => {
    const key = await t.keyWith(['customers:read']);
    const res = await request(t.app.app)
      .post('/graphql')
      .set('x-api-key', key)
      .send({ query: PAGE, variables: { n: 10 } });
    // A connection costs 2 plus its page size times its children: 2 + 10 x 1 (each customer object; scalars are free).
    expect(res.body.extensions.cost).toEqual({
      requestedQueryCost: 12,
      maximumAvailable: 2000,
      currentlyAvailable: 1988,
      restoreRate: 100,
    });
  });

  it('refuses a query over 1,000 points, page sizes in variables included', async () => {
    const key = await t.keyWith(['customers:read', 'orders:read']);
    const nested =
      'query($n: Int, $m: Int) { customers(first: $n) { nodes { orders(first: $m) { nodes { id } } } } }';
    const res = await t.gql(nested, { n: 50, m: 50 }, key);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: 'cost',
      maxCost: 1000,
    });
    expect((await t.gql(nested, { n: 5, m: 5 }, key)).status).toBe(200);
  });

  it('charges each request what its own page sizes and @include conditions cost (the cost is memoised per document and those only)', async () => {
    const key = await t.keyWith(['customers:read', 'orders:read']);
    const query =
      'query($n: Int, $with: Boolean!, $c: String!) { customers(first: $n, filter: { countries: [$c] }) { nodes { id orders(first: 10) @include(if: $with) { nodes { id } } } } }';
    const cost = async (variables: Record<string, unknown>) =>
      (await request(t.app.app).post('/graphql').set('x-api-key', key).send({ query, variables }))
        .body.extensions.cost.requestedQueryCost;
    expect(await cost({ n: 5, with: false, c: 'HR' })).toBe(7);
    expect(await cost({ n: 5, with: true, c: 'HR' })).toBe(2 + 5 * (1 + 2 + 10));
    expect(await cost({ n: 6, with: false, c: 'HR' })).toBe(8);
    expect(await cost({ n: 5, with: false, c: 'SI' })).toBe(7);
  });

  it('answers 429 THROTTLED with Retry-After when the key’s bucket is empty, and not for other keys', async () => {
    const key = await t.keyWith(['customers:read']);
    let throttled: request.Response | null = null;
    for (let i = 0; i < 40 && !throttled; i++) {
      const res = await request(t.app.app)
        .post('/graphql')
        .set('x-api-key', key)
        .send({ query: PAGE, variables: { n: 100 } });
      if (res.status === 429) throttled = res;
    }
    expect(throttled).not.toBeNull();
    expect(throttled!.body.errors[0].extensions.code).toBe('THROTTLED');
    expect(Number(throttled!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const other = await t.gql(PAGE, { n: 100 }, await t.keyWith(['customers:read']));
    expect(other.status).toBe(200);
  });

  it('shares one budget per key between server processes through Redis', async () => {
    const a = await startTestApp({ redisUrl: 'redis://127.0.0.1:6379' });
    try {
      const key = await a.keyWith(['customers:read']);
      const b = await createApp(a.database.config, a.database.db);
      try {
        const first = await request(a.app.app)
          .post('/graphql')
          .set('x-api-key', key)
          .send({ query: PAGE, variables: { n: 100 } });
        const second = await request(b.app)
          .post('/graphql')
          .set('x-api-key', key)
          .send({ query: PAGE, variables: { n: 100 } });
        expect(first.body.extensions.cost.currentlyAvailable).toBeLessThanOrEqual(1898 + 1);
        expect(second.body.extensions.cost.currentlyAvailable).toBeLessThan(
          first.body.extensions.cost.currentlyAvailable,
        );
      } finally {
        await b.stop();
      }
    } finally {
      await a.close();
    }
  });
});
