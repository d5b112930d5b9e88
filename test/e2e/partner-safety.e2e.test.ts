import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
import { createApp, App } from '../../src/app';
import { MAX_OPERATION_LABELS } from '../../src/common/observability';
import { SqlStatementLogger } from '../../src/common/sql-statements';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The transport in production mode (NODE_ENV=production, as Apollo reads it too): what a client without a key
 * can make the server do, the IDE page, metric labels, introspection for BI keys, transport errors.
 */
const QUERY = '{ __typename }';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
let t: TestApp;
let ide: App;
let savedNodeEnv: string | undefined;

beforeAll(async () => {
  savedNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  t = await startTestApp({ nodeEnv: 'production', ideEnabled: false });
  ide = await createApp({ ...t.database.config, ideEnabled: true }, t.database.db, {
    ideKey: null,
  });
});
afterAll(async () => {
  await ide?.stop();
  await t?.close();
  process.env.NODE_ENV = savedNodeEnv;
});

const get = (app: App, query: Record<string, string>, headers: Record<string, string> = {}) => {
  const req = request(app.app).get('/graphql').query(query);
  for (const [k, v] of Object.entries(headers)) req.set(k, v);
  return req;
};

describe('GET /graphql is authenticated like POST', () => {
  it.each([
    ['curl and fetch (Accept: */*)', { accept: '*/*' }],
    ['no Accept header', {}],
    ['a browser Accept header with a query parameter', { accept: BROWSER_ACCEPT }],
  ])(
    'answers 401 UNAUTHENTICATED without a key: %s',
    async (_name, headers: Record<string, string>) => {
      for (const app of [t.app, ide]) {
        const res = await get(app, { query: QUERY }, headers);
        expect(res.status).toBe(401);
        expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
    },
  );

  it('refuses an unauthenticated document before parsing it (a syntax error is still 401)', async () => {
    const res = await get(ide, { query: '{ ((( not graphql' }, { accept: '*/*' });
    expect(res.status).toBe(401);
  });

  it('runs a GET with a key sent as curl sends it (no preflight header: keys are never ambient credentials)', async () => {
    for (const header of [
      { authorization: `Bearer ${t.adminKey}` },
      { 'x-api-key': t.adminKey },
    ] as Record<string, string>[]) {
      const res = await get(
        t.app,
        { query: 'query Typename { __typename }' },
        { accept: '*/*', ...header },
      );
      expect(res.status).toBe(200);
      expect(res.body.data.__typename).toBe('Query');
    }
  });

  it('runs a persisted query over GET with the key (register by POST, then the hash alone)', async () => {
    const query = 'query PersistedOverGet { customers(first: 1) { totalCount } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash } });
    await request(t.app.app)
      .post('/graphql')
      .set('x-api-key', t.adminKey)
      .send({ query, extensions: JSON.parse(extensions) })
      .expect(200);
    const res = await get(t.app, { extensions }, { 'x-api-key': t.adminKey });
    expect(res.status).toBe(200);
    expect(res.body.data.customers.totalCount).toEqual(expect.any(Number));
  });
});

describe('the IDE page', () => {
  it('is off in production by default: a browser gets the JSON 401 like any other client', async () => {
    const res = await get(t.app, {}, { accept: BROWSER_ACCEPT });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('is served to a browser only, compressed as asked, from the same bytes every time, with an ETag', async () => {
    const plain = await get(ide, {}, { accept: BROWSER_ACCEPT, 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toMatch(/text\/html/);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toContain('GraphiQL');
    const etag = plain.headers.etag;
    expect(etag).toMatch(/^".+"$/);
    const raw = (encoding: string) =>
      get(ide, {}, { accept: BROWSER_ACCEPT, 'accept-encoding': encoding })
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
    const gz = await raw('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    const br = await raw('br, gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.etag).toBe(etag);
    // The client library decodes bodies; these compare the wire bytes' decoded forms with the plain page.
    expect(Number(gz.headers['content-length'])).toBeLessThan(Buffer.byteLength(plain.text) / 2);
    expect(Number(br.headers['content-length'])).toBeLessThan(Buffer.byteLength(plain.text) / 2);
    const again = await get(ide, {}, { accept: BROWSER_ACCEPT, 'accept-encoding': 'identity' });
    expect(again.text).toBe(plain.text);
    const revalidated = await get(ide, {}, { accept: BROWSER_ACCEPT, 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
  });

  it('answers 200 concurrent browser requests with the same page', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        get(
          ide,
          {},
          { accept: BROWSER_ACCEPT, 'accept-encoding': 'gzip', 'if-none-match': '"stale"' },
        ),
      ),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(responses.map((r) => r.headers['content-length'])).size).toBe(1);
  });

  it('is not served for HEAD with a query, nor to a client asking for JSON first', async () => {
    expect((await get(ide, {}, { accept: 'application/json, text/html' })).status).toBe(401);
    expect((await get(ide, { operationName: 'X' }, { accept: BROWSER_ACCEPT })).status).toBe(401);
  });
});

describe('metric labels', () => {
  it('keep at most MAX_OPERATION_LABELS client-chosen operation names, the rest as other; unauthenticated requests add none', async () => {
    const names = Array.from({ length: MAX_OPERATION_LABELS + 50 }, (_, i) => `Unique${i}`);
    for (const name of names.slice(0, 20))
      await get(t.app, { query: `query Anon${name} { __typename }` }, { accept: '*/*' }).expect(
        401,
      );
    for (const name of names) {
      await request(t.app.app)
        .post('/graphql')
        .set('x-api-key', t.adminKey)
        .send({ query: `query ${name} { __typename }` })
        .expect(200);
    }
    const metrics = await request(t.app.app)
      .get('/metrics')
      .set('authorization', `Bearer ${t.adminKey}`)
      .expect(200);
    const labels = new Set(
      [...metrics.text.matchAll(/graphql_requests_total\{[^}]*operation="([^"]+)"/g)].map(
        (m) => m[1],
      ),
    );
    expect(labels.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 3); // + anonymous, invalid, other
    expect(labels).toContain('other');
    expect([...labels].some((l) => l.startsWith('Anon'))).toBe(false);
  });
});

describe('introspection in production', () => {
  const INTROSPECTION = '{ __schema { queryType { name } types { name description } } }';

  it('answers a schema:read key, over POST and GET', async () => {
    const key = await t.keyWith(['schema:read']);
    const post = await t.gql(INTROSPECTION, {}, key);
    expect(post.errors).toBeUndefined();
    expect(post.data.__schema.queryType.name).toBe('Query');
    expect(
      post.data.__schema.types.find((type: { name: string }) => type.name === 'Customer')
        .description,
    ).toBeTruthy();
    const res = await get(
      t.app,
      { query: '{ __type(name: "Customer") { name } }' },
      { 'x-api-key': key },
    );
    expect(res.status).toBe(200);
    expect(res.body.data.__type.name).toBe('Customer');
  });

  it('refuses a key without schema:read with FORBIDDEN', async () => {
    const key = await t.keyWith(['customers:read']);
    const res = await t.gql(INTROSPECTION, {}, key);
    expect(res.status).toBe(403);
    expect(res.errors![0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('transport errors are JSON with a stable code', () => {
  const post = (body: string, headers: Record<string, string> = {}) => {
    const req = request(t.app.app)
      .post('/graphql')
      .set('x-api-key', t.adminKey)
      .set('content-type', 'application/json');
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.send(body);
  };

  it('a body over 1 MB: 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(1_100_000)}` }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('malformed JSON: 400 BAD_REQUEST, as JSON', async () => {
    const res = await post('{"query": "{ __typename }"');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('a subscription over HTTP: 400 BAD_REQUEST', async () => {
    const res = await post(JSON.stringify({ query: 'subscription { events { id } }' }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('more than 50 directives: 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const fields = Array.from({ length: 51 }, () => '... @include(if: true) { __typename }').join(
      ' ',
    );
    const res = await post(JSON.stringify({ query: `{ ${fields} }` }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'directives',
    });
  });

  it('an x-request-id that is not a short token is replaced, never stored', async () => {
    const long = 'r'.repeat(15_000);
    const res = await post(JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': long });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await post(JSON.stringify({ query: '{ __typename }' }), {
      'x-request-id': 'partner-42.a',
    });
    expect(kept.headers['x-request-id']).toBe('partner-42.a');
    const rows = await t.sql(
      'select count(*)::int as n from audit_events where length(request_id) > 128',
    );
    expect(rows[0].n).toBe(0);
  });
});

describe('key checks take the same path for unknown and known public ids', () => {
  const forge = (publicId: string) => {
    const body = `c360_${publicId}_${'A'.repeat(32)}`;
    return `${body}_${createHmac('sha256', 'c360-key-checksum').update(body).digest('hex').slice(0, 6)}`;
  };
  const statementsOf = async (key: string) => {
    const before = SqlStatementLogger.count;
    expect(await t.app.services.apiKeys.authenticate(key)).toBeNull();
    return SqlStatementLogger.count - before;
  };

  it('an unknown public id costs the same statements as a known one with a wrong secret, first and again', async () => {
    const known = forge(t.adminKey.split('_')[1]);
    if (process.env.DATABASE_URL) {
      // Kept lookups need the LISTEN connection (PostgreSQL): wait until a repeated lookup is answered from memory.
      const until = Date.now() + 10_000;
      while ((await statementsOf(known)) > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
    }
    const unknownIds = ['ZZZZZZZZZZZZ', 'YYYYYYYYYYYY'];
    const first = await Promise.all(unknownIds.map((id) => statementsOf(forge(id))));
    const again = await Promise.all(unknownIds.map((id) => statementsOf(forge(id))));
    const knownAgain = await statementsOf(known);
    expect(again).toEqual([knownAgain, knownAgain]);
    expect(first.every((n) => n <= 1)).toBe(true);
  });
});
