import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';
import { describeIf, postgres } from '../support/requirements';

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await startTestApp();
  const c = await createCustomer(t, {
    email: 'pii@example.com',
    phone: '+385911111111',
    city: 'Zagreb',
    birthDate: '1990-01-02',
    identifiers: [
      { type: 'EMAIL', value: 'pii@example.com', source: 'shop' },
      { type: 'SHOP_CUSTOMER_ID', value: 'S-9', source: 'shop' },
    ],
  });
  customerId = c.id;
  await recordOrder(t, customerId, { gross: '10.00' });
});
afterAll(async () => {
  await t.close();
});

const PAGE = `query($id: ID!) { customer(id: $id) { id country email phone fullName city birthDate identifiers { type value } orders(first: 1) { totalCount } } }`;

describe('API keys', () => {
  it('refuses requests without a key, with a malformed, unknown, revoked or expired key: 401 UNAUTHENTICATED', async () => {
    const none = await t.gql(PAGE, { id: customerId }, null);
    expect(none.status).toBe(401);
    expect(none.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    // The checksum is hex, so the last character is changed to one it cannot already be.
    const mistyped = `${t.adminKey.slice(0, -1)}${t.adminKey.endsWith('0') ? '1' : '0'}`;
    for (const key of [
      'nonsense',
      mistyped,
      'c360_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB_000000',
    ]) {
      const res = await t.gql(PAGE, { id: customerId }, key);
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const { createApiKey } = await t.ok(
      `mutation { createApiKey(name: "partner", scopes: ["customers:read"]) { key apiKey { id scopes } } }`,
    );
    expect((await t.gql(PAGE, { id: customerId }, createApiKey.key)).status).toBe(200);
    await t.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, {
      id: createApiKey.apiKey.id,
    });
    expect((await t.gql(PAGE, { id: customerId }, createApiKey.key)).status).toBe(401);
    const stored = await t.sql('select secret_hash from api_keys where id = $1', [
      createApiKey.apiKey.id,
    ]);
    expect(createApiKey.key).not.toContain(stored[0].secret_hash);
  });

  it('takes the key from X-API-Key too, and rotation keeps the old key for its grace period', async () => {
    const { createApiKey } = await t.ok(
      `mutation { createApiKey(name: "rotating", scopes: ["customers:read"]) { key apiKey { id } } }`,
    );
    const res = await request(t.app.app)
      .post('/graphql')
      .set('x-api-key', createApiKey.key)
      .send({ query: '{ customers(first: 1) { totalCount } }' });
    expect(res.status).toBe(200);
    const { rotateApiKey } = await t.ok(
      `mutation($id: ID!) { rotateApiKey(id: $id, graceHours: 1) { key apiKey { rotatedFromId } } }`,
      { id: createApiKey.apiKey.id },
    );
    expect(rotateApiKey.apiKey.rotatedFromId).toBe(createApiKey.apiKey.id);
    expect(
      (await t.gql('{ customers(first: 1) { totalCount } }', {}, createApiKey.key)).status,
    ).toBe(200);
    expect(
      (await t.gql('{ customers(first: 1) { totalCount } }', {}, rotateApiKey.key)).status,
    ).toBe(200);
    const second = (await t.ok('{ apiKeys { id rotatedFromId } }')).apiKeys.find(
      (k: any) => k.rotatedFromId === createApiKey.apiKey.id,
    );
    const { rotateApiKey: third } = await t.ok(
      `mutation($id: ID!) { rotateApiKey(id: $id, graceHours: 0) { key } }`,
      { id: second.id },
    );
    expect((await t.gql('{ customers(first: 1) { totalCount } }', {}, third.key)).status).toBe(200);
    expect(
      (await t.gql('{ customers(first: 1) { totalCount } }', {}, rotateApiKey.key)).status,
    ).toBe(401);
  });
});

// The scope checks run in both modes, graph and subgraph: test/e2e/access-control.e2e.test.ts.

describe('query limits', () => {
  it('rejects deep nesting, alias floods, token floods and batched arrays with clear errors, and keeps serving', async () => {
    const deep = await t.gql(
      `{ customers(first: 1) { nodes { orders(first: 1) { nodes { customer { orders(first: 1) { nodes { customer { orders(first: 1) { nodes { id } } } } } } } } } } }`,
    );
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0].extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'depth',
    });
    const aliases = Array.from(
      { length: 16 },
      (_, i) => `a${i}: customers(first: 1) { totalCount }`,
    ).join(' ');
    const flood = await t.gql(`{ ${aliases} }`);
    expect(flood.errors?.[0].extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'aliases',
    });
    const tokens = await t.gql(`{ customers(first: 1) { ${'totalCount '.repeat(1200)} } }`);
    expect(tokens.status).toBe(400);
    expect(tokens.errors?.[0].message).toMatch(/1000 tokens/);
    const batched = await request(t.app.app)
      .post('/graphql')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send([
        { query: '{ customers(first: 1) { totalCount } }' },
        { query: '{ customers(first: 1) { totalCount } }' },
      ]);
    expect(batched.status).toBe(400);
    const fine = await t.gql('{ customers(first: 1) { totalCount } }');
    expect(fine.status).toBe(200);
  });
});

describe('GDPR', () => {
  it('exports everything about a customer, then erases every personal field in one go, keeping orders and totals', async () => {
    const c = await createCustomer(t, {
      givenName: 'Erika',
      familyName: 'Erased',
      email: 'erika@example.com',
      phone: '+385922222222',
      city: 'Split',
      identifiers: [{ type: 'EMAIL', value: 'erika@example.com', source: 'shop' }],
    });
    await recordOrder(t, c.id, { gross: '42.00' });
    await t.ok(
      `mutation($id: ID!) { recordFeedback(input: { customerId: $id, kind: COMPLAINT, comment: "Call me at erika@example.com" }) { id } }`,
      { id: c.id },
    );
    await t.ok(
      `mutation($id: ID!) { logCommunication(input: { customerId: $id, channel: EMAIL, direction: INBOUND, purpose: SUPPORT, subject: "From erika@example.com" }) { id } }`,
      { id: c.id },
    );
    const { exportCustomerData: data } = await t.ok(
      `query($id: ID!) { exportCustomerData(id: $id) }`,
      { id: c.id },
    );
    expect(data.customer.email).toBe('erika@example.com');
    expect(data.orders).toHaveLength(1);
    expect(data.feedback).toHaveLength(1);
    expect(data.communications).toHaveLength(1);
    expect(data.identifiers).toHaveLength(1);
    const { eraseCustomer } = await t.ok(
      `mutation($id: ID!) { eraseCustomer(id: $id) { customerId erasedAt } }`,
      { id: c.id },
    );
    expect(eraseCustomer.erasedAt).toBeTruthy();
    // No text column anywhere still holds the email.
    const tables: { table_name: string; column_name: string }[] = await t.sql(
      `select table_name, column_name from information_schema.columns where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb')`,
    );
    for (const { table_name, column_name } of tables) {
      const hits = await t.sql(
        `select count(*)::int as n from "${table_name}" where "${column_name}"::text ilike '%erika@example.com%'`,
      );
      expect({ table: table_name, column: column_name, n: hits[0].n }).toEqual({
        table: table_name,
        column: column_name,
        n: 0,
      });
    }
    const after = await t.ok(
      `query($id: ID!) { customer(id: $id) { email fullName summary { orderCount netSpent { amount } } } }`,
      { id: c.id },
    );
    expect(after.customer).toEqual({
      email: null,
      fullName: null,
      summary: { orderCount: 1, netSpent: { amount: '42.00' } },
    });
    const again = await t.ok(`mutation($id: ID!) { eraseCustomer(id: $id) { erasedAt } }`, {
      id: c.id,
    });
    expect(again.eraseCustomer.erasedAt).toBe(eraseCustomer.erasedAt);
    const partner = await t.gql(
      `mutation($id: ID!) { eraseCustomer(id: $id) { erasedAt } }`,
      { id: c.id },
      await t.keyWith(['customers:write']),
    );
    expect(partner.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('audit log', () => {
  it('records reads of personal data and writes: key, operation, categories, customer count and result, never values', async () => {
    const key = await t.keyWith(['customers:read', 'pii:read', 'customers:write']);
    await t.gql(
      `query CustomerPage($id: ID!) { customer(id: $id) { email phone country } }`,
      { id: customerId },
      key,
    );
    await t.gql(`query NoPii($id: ID!) { customer(id: $id) { country } }`, { id: customerId }, key);
    await t.gql(
      `mutation Bad { createCustomer(input: { email: "not-an-email" }) { id } }`,
      {},
      key,
    );
    const { auditEvents } = await t.ok(
      `{ auditEvents(first: 20) { keyName operationType operationName piiCategories customers result } }`,
    );
    const mine = auditEvents.filter(
      (e: any) => e.keyName === 'test customers:read pii:read customers:write',
    );
    expect(mine).toEqual([
      {
        keyName: expect.any(String),
        operationType: 'mutation',
        operationName: 'Bad',
        piiCategories: [],
        customers: 0,
        result: 'BAD_USER_INPUT',
      },
      {
        keyName: expect.any(String),
        operationType: 'query',
        operationName: 'CustomerPage',
        piiCategories: ['email', 'phone'],
        customers: 1,
        result: 'OK',
      },
    ]);
    const rows = await t.sql(`select * from audit_events`);
    expect(JSON.stringify(rows)).not.toContain('pii@example.com');
  });
});

describe('races', () => {
  it('stores an order sent several times at once exactly once', async () => {
    const input = {
      customer: { id: customerId },
      source: 'race',
      externalRef: 'SAME-1',
      placedAt: '2026-03-01T00:00:00Z',
      currency: 'USD',
      gross: '9.00',
    };
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.gql(
          `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created order { id } } }`,
          { input },
        ),
      ),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(new Set(results.map((r) => r.data.recordOrder.order.id)).size).toBe(1);
    expect(results.filter((r) => r.data.recordOrder.created)).toHaveLength(1);
    const [{ n }] = await t.sql(`select count(*)::int as n from orders where source = 'race'`);
    expect(n).toBe(1);
  });
});

describe('GraphQL over HTTP', () => {
  it('follows the spec’s musts for POST and GET', async () => {
    const auth = { authorization: `Bearer ${t.adminKey}` };
    const post = await request(t.app.app)
      .post('/graphql')
      .set(auth)
      .set('accept', 'application/graphql-response+json')
      .send({ query: '{ __typename }' });
    expect(post.status).toBe(200);
    expect(post.headers['content-type']).toMatch(/application\/graphql-response\+json/);
    expect(post.body).toEqual({ data: { __typename: 'Query' }, extensions: expect.any(Object) });
    const json = await request(t.app.app)
      .post('/graphql')
      .set(auth)
      .set('accept', 'application/json')
      .send({ query: '{ __typename }' });
    expect(json.headers['content-type']).toMatch(/application\/json/);
    const get = await request(t.app.app)
      .get('/graphql')
      .query({ query: '{ __typename }' })
      .set(auth)
      .set('apollo-require-preflight', '1')
      .set('accept', 'application/json');
    expect(get.status).toBe(200);
    expect(get.body.data).toEqual({ __typename: 'Query' });
    const variables = await request(t.app.app)
      .get('/graphql')
      .query({
        query: 'query($n: Int) { customers(first: $n) { totalCount } }',
        variables: '{"n":1}',
      })
      .set(auth)
      .set('apollo-require-preflight', '1')
      .set('accept', 'application/json');
    expect(variables.status).toBe(200);
    const invalid = await request(t.app.app)
      .post('/graphql')
      .set(auth)
      .set('accept', 'application/graphql-response+json')
      .send({ query: '{ nope }' });
    expect(invalid.status).toBe(400);
  });
});

describe('many requests at once', () => {
  // Key checks and audit rows of concurrent requests share statements (test/unit/coalescing.test.ts pins the
  // batching; how much is shared here depends on timing). What must hold whatever the timing: each its own answer.
  it('each gets its own key checked and its own audit row', async () => {
    const readers = await Promise.all(
      [1, 2, 3].map(() => t.keyWith(['customers:read', 'pii:read'])),
    );
    const revoked = await t.ok(
      `mutation { createApiKey(name: "soon revoked", scopes: ["customers:read"]) { key apiKey { id } } }`,
    );
    await t.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, {
      id: revoked.createApiKey.apiKey.id,
    });
    const keys = Array.from({ length: 30 }, (_, i) =>
      i % 10 === 9 ? revoked.createApiKey.key : readers[i % 3],
    );
    const before = await t.sql(`select count(*)::int as n from audit_events`);
    const responses = await Promise.all(
      keys.map((key, i) =>
        request(t.app.app)
          .post('/graphql')
          .set('authorization', `Bearer ${key}`)
          .set('x-request-id', `burst-${i}`)
          .send({
            query: `query Burst($id: ID!) { customer(id: $id) { email } }`,
            variables: { id: customerId },
          }),
      ),
    );
    responses.forEach((res, i) => {
      if (keys[i] === revoked.createApiKey.key) expect(res.status).toBe(401);
      else expect(res.body.data.customer.email).toBe('pii@example.com');
    });
    const rows = await t.sql(
      `select request_id from audit_events where operation_name = 'Burst' order by request_id`,
    );
    const served = keys
      .map((k, i) => (k === revoked.createApiKey.key ? null : `burst-${i}`))
      .filter(Boolean)
      .sort();
    expect(rows.map((r: { request_id: string }) => r.request_id)).toEqual(served);
    expect((await t.sql(`select count(*)::int as n from audit_events`))[0].n - before[0].n).toBe(
      served.length,
    );
  });
});

const describeOnPostgres = describeIf(postgres());

describeOnPostgres('verified keys kept in memory while PostgreSQL announces key changes', () => {
  const QUERY = '{ customers(first: 1) { totalCount } }';
  const LISTENER = `select pid from pg_stat_activity where application_name = 'c360 api key changes' and datname = current_database()`;

  /** Polls until `check` holds (the announcement travels asynchronously, in milliseconds); fails after 3 s. */
  async function eventually(check: () => Promise<boolean>) {
    const deadline = Date.now() + 3000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('the condition did not hold within 3 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('a key read once is not read again; changed by anyone, it is read again, and revoked, refused', async () => {
    await eventually(async () => (await t.sql(LISTENER)).length === 1);
    const key = await t.keyWith(['customers:read']);
    // The first request reads the key (and notes when it was last used).
    const first = await t.gql(QUERY, {}, key);
    // The listener may have connected just now: a lookup made before it did is not kept, so ask until one is.
    let kept = first.statements;
    await eventually(
      async () => (kept = (await t.gql(QUERY, {}, key)).statements) < first.statements,
    );
    expect((await t.gql(QUERY, {}, key)).statements).toBe(kept);
    // Another process (here: plain SQL) re-scopes the key: the announcement drops it, the next request reads it again.
    await t.sql(
      `update api_keys set scopes = '{customers:read,pii:read}' where name = 'test customers:read'`,
    );
    await eventually(async () => (await t.gql(QUERY, {}, key)).statements === kept + 1);
    await t.sql(`update api_keys set revoked_at = now() where name = 'test customers:read'`);
    await eventually(async () => (await t.gql(QUERY, {}, key)).status === 401);
  });

  it('a key revoked through the API is refused by the next request, without waiting for the announcement', async () => {
    const { createApiKey } = await t.ok(
      `mutation { createApiKey(name: "kept then revoked", scopes: ["customers:read"]) { key apiKey { id } } }`,
    );
    const key = createApiKey.key;
    await eventually(async () => {
      const before = (await t.gql(QUERY, {}, key)).statements;
      return (await t.gql(QUERY, {}, key)).statements < before;
    });
    await t.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, {
      id: createApiKey.apiKey.id,
    });
    expect((await t.gql(QUERY, {}, key)).status).toBe(401);
  });

  it('when the LISTEN connection is cut, nothing is kept until it is back; then revocations are heard again', async () => {
    await eventually(async () => (await t.sql(LISTENER)).length === 1);
    const [{ pid }] = await t.sql(LISTENER);
    const key = await t.keyWith(['customers:read', 'orders:read']);
    await eventually(async () => {
      const before = (await t.gql(QUERY, {}, key)).statements;
      return (await t.gql(QUERY, {}, key)).statements < before;
    });
    await t.sql('select pg_terminate_backend($1)', [pid]);
    // Until the listener is back, a change cannot be announced, so each request reads its key: this revocation
    // is seen at once although nobody hears of it.
    await eventually(async () => (await t.sql(LISTENER)).every((row) => row.pid !== pid));
    await t.sql(
      `update api_keys set revoked_at = now() where name = 'test customers:read orders:read'`,
    );
    await eventually(async () => (await t.gql(QUERY, {}, key)).status === 401);
    // It reconnects (with backoff) and announcements work again.
    await eventually(async () => (await t.sql(LISTENER)).length === 1);
    const second = await t.keyWith(['customers:read', 'feedback:read']);
    await eventually(async () => {
      const before = (await t.gql(QUERY, {}, second)).statements;
      return (await t.gql(QUERY, {}, second)).statements < before;
    });
    await t.sql(
      `update api_keys set revoked_at = now() where name = 'test customers:read feedback:read'`,
    );
    await eventually(async () => (await t.gql(QUERY, {}, second)).status === 401);
  });
});
