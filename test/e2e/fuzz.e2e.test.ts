import { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createApp, App } from '../../src/app';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';

/**
 * Hostile documents and bodies, generated: fragment fan-outs, aliases, nesting, variables, huge lists, NUL bytes,
 * odd encodings, over GET and POST, with and without a key, against a production-mode server on a real socket.
 * Whatever arrives, the answer is not a 5xx, comes within its deadline, and the server answers the next request.
 * CI runs a fixed seed and a bounded count; `FUZZ_RUNS=2000 FUZZ_SEED=$RANDOM npm test -- test/e2e/fuzz` runs longer.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
// REQUEST_TIMEOUT_MS's default is 15 s: an answer must come within it and a margin for a loaded machine.
const DEADLINE_MS = 25_000;

let t: TestApp;
let app: App;
let base: string;
let partnerKey: string;
let customerId: string;
let savedNodeEnv: string | undefined;

beforeAll(async () => {
  savedNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  t = await startTestApp({ nodeEnv: 'production', ideEnabled: false });
  customerId = (await createCustomer(t)).id;
  partnerKey = await t.keyWith([
    'customers:read',
    'orders:read',
    'metrics:read',
    'customers:write',
  ]);
  app = await createApp(t.database.config, t.database.db);
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await app?.stop();
  app?.httpServer.close();
  await t?.close();
  process.env.NODE_ENV = savedNodeEnv;
});

/** Strings as hostile clients send them: NUL bytes, lone surrogates, control characters, long runs. */
const nasty = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff x',
    '\n{"forged":1}\n',
    '%00',
    '\\u0000',
    "'; drop table customers; --",
    '%_%',
  ),
  fc.nat({ max: 5000 }).map((n) => 'x'.repeat(n)),
);

/** A fan-out: n fragments, each spreading the previous one k times. */
const fanOut = fc
  .record({ n: fc.integer({ min: 1, max: 30 }), k: fc.integer({ min: 1, max: 4 }) })
  .map(({ n, k }) => {
    const fragments = [`fragment F0 on Customer { id }`];
    for (let i = 1; i <= n; i++)
      fragments.push(
        `fragment F${i} on Customer { ${Array.from({ length: k }, () => `...F${i - 1}`).join(' ')} }`,
      );
    return {
      query: `query($n: Int) { customers(first: $n) { nodes { ...F${n} } } } ${fragments.join(' ')}`,
      variables: { n: 5 },
    };
  });

const aliases = fc.integer({ min: 0, max: 40 }).map((n) => ({
  query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} __typename }`,
}));

const pageSize = fc.oneof(
  fc.integer({ min: -10, max: 300 }),
  fc.constantFrom(0, 1, 100, 101, 2 ** 31 - 1, -(2 ** 31)),
);
const nesting = fc
  .record({ a: pageSize, b: pageSize, c: pageSize, variables: fc.boolean() })
  .map(({ a, b, c, variables }) =>
    variables
      ? {
          query:
            'query($a: Int, $b: Int, $c: Int) { customers(first: $a) { nodes { orders(first: $b) { nodes { lines { quantity } } } timeline(first: $c) { nodes { kind } } } } }',
          variables: { a, b, c },
        }
      : {
          query: `{ customers(first: ${a}) { nodes { orders(first: ${b}) { nodes { id } } timeline(first: ${c}) { nodes { kind } } } } }`,
        },
  );

const horizons = fc
  .record({
    days: fc.integer({ min: -100, max: 100_000 }),
    months: fc.integer({ min: -10, max: 10_000 }),
    year: fc.integer({ min: 1, max: 9999 }),
  })
  .map(({ days, months, year }) => ({
    query: `query($d: Int!, $m: Int!, $c: LocalDate!, $h: LocalDate!) { customers(first: 3) { nodes { metrics { expectedPurchases(days: $d) { value } predictedClv(months: $m) { value { amount } } } } }
      modelReport(calibrationEnd: $c, holdoutEnd: $h) { __typename } }`,
    variables: { d: days, m: months, c: '2025-06-01', h: `${String(year).padStart(4, '0')}-12-31` },
  }));

const stringInputs = fc
  .record({
    pick: fc.nat({ max: 7 }),
    s: nasty,
    list: fc.array(nasty, { maxLength: 5 }),
    size: fc.nat({ max: 70_000 }),
  })
  .map(
    ({ pick, s, list, size }) =>
      [
        {
          query: 'query($s: String) { customers(first: 2, filter: { search: $s }) { totalCount } }',
          variables: { s },
        },
        {
          query:
            'query($l: [String!]) { customers(first: 2, filter: { countries: $l }) { totalCount } }',
          variables: { l: Array(size).fill('HR') },
        },
        {
          query:
            'query($l: [String!]) { customers(first: 2, filter: { tags: $l }) { totalCount } }',
          variables: { l: list },
        },
        {
          query: 'query($c: String) { customers(first: 1, after: $c) { totalCount } }',
          variables: { c: s },
        },
        { query: 'query($id: ID!) { customer(id: $id) { id } }', variables: { id: s } },
        {
          query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
          variables: { ids: Array(Math.min(size, 5000)).fill(customerId) },
        },
        {
          query:
            'mutation($g: String, $a: JSONObject) { createCustomer(input: { givenName: $g, attributes: $a }) { id } }',
          variables: { g: s, a: { [s]: list } },
        },
        {
          query: 'mutation($p: String) { createCustomer(input: { phone: $p }) { id } }',
          variables: { p: s },
        },
      ][pick],
  );

const documents = fc.oneof(
  fanOut,
  aliases,
  nesting,
  horizons,
  stringInputs,
  fc.record({ query: nasty }),
  fc.record({
    query: fc.constantFrom(
      'subscription { __typename }',
      '{ __schema { types { name } } }',
      'query { ...A } fragment A on Query { ...A }',
    ),
  }),
);

/** Bodies that are not what they claim: broken JSON, batches, wrong shapes, invalid UTF-8. */
const oddBodies = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '[{"query":"{ __typename }"},{"query":"{ __typename }"}]',
    '{"query": 5}',
    '{"query":"{ __typename }","variables":"[]"}',
    'null',
    '"x"',
    '{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}',
  ),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);

type Shot = {
  method: 'GET' | 'POST';
  key: 'admin' | 'partner' | 'none' | 'bad';
  body: string | Buffer;
  contentType: string;
};

const shots: fc.Arbitrary<Shot> = fc.oneof(
  fc.record({
    method: fc.constantFrom('GET' as const, 'POST' as const),
    key: fc.constantFrom('admin' as const, 'partner' as const, 'none' as const, 'bad' as const),
    body: documents.map((d) => JSON.stringify(d)),
    contentType: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/graphql-response+json',
    ),
  }),
  fc.record({
    method: fc.constant('POST' as const),
    key: fc.constantFrom('admin' as const, 'none' as const),
    body: oddBodies,
    contentType: fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
  }),
);

async function send(shot: Shot): Promise<{ status: number; ms: number }> {
  const headers: Record<string, string> = {
    accept: 'application/graphql-response+json, application/json',
  };
  const key =
    shot.key === 'admin'
      ? t.adminKey
      : shot.key === 'partner'
        ? partnerKey
        : shot.key === 'bad'
          ? 'c360_nope'
          : null;
  if (key) headers.authorization = `Bearer ${key}`;
  let url = base;
  let body: string | Uint8Array | undefined =
    typeof shot.body === 'string' ? shot.body : new Uint8Array(shot.body);
  if (shot.method === 'GET') {
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(String(shot.body));
    } catch {
      /* odd bodies are POSTed only */
    }
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params))
      search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    url = `${base}?${search}`.slice(0, 60_000);
    body = undefined;
  } else {
    headers['content-type'] = shot.contentType;
  }
  const started = Date.now();
  const res = await fetch(url, {
    method: shot.method,
    headers,
    body: body as BodyInit | undefined,
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

describe('fuzzed requests, production mode', () => {
  it(
    'never get a 5xx, answer within the deadline, and leave the server answering',
    async () => {
      await fc.assert(
        fc.asyncProperty(shots, async (shot) => {
          const { status, ms } = await send(shot);
          expect(status).toBeLessThan(500);
          expect(ms).toBeLessThan(DEADLINE_MS);
          const next = await fetch(base, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
            body: JSON.stringify({ query: '{ __typename }' }),
            signal: AbortSignal.timeout(DEADLINE_MS),
          });
          expect(next.status).toBe(200);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    },
    Math.max(300_000, RUNS * 5_000),
  );
});
