import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import WebSocket from 'ws';
import { startTestApp, startTestAppOn, TestApp } from '../support/test-app';
import { PgCluster, startPgCluster } from '../support/pg-cluster';
import { databaseOn, testPort } from '../support/own-cluster-db';
import { describeIf, pgBinaries, postgres } from '../support/requirements';
import { createCustomer, recordOrder } from '../support/factories';

/**
 * A hostile client against the change-event surfaces of issue 18 in production mode: the events query, the
 * subscriptions over graphql-ws, the webhook endpoints and the jobs admin query. Every answer must be a clear
 * error with a stable extensions.code, never a 5xx, a crash or a hang, and no personal data for a key without
 * pii:read.
 */
let t: TestApp;
let wsUrl: string;
let customerId: string;
const EMAIL = 'hostile-events@example.com';
const PHONE = '+41791234567';
const GIVEN = 'Hostilde';

beforeAll(async () => {
  t = await startTestApp({ nodeEnv: 'production', webhookAllowPrivate: false });
  await new Promise<void>((resolve) => t.app.httpServer.listen(0, '127.0.0.1', resolve));
  wsUrl = `ws://127.0.0.1:${(t.app.httpServer.address() as AddressInfo).port}/graphql`;
  customerId = (
    await createCustomer(t, {
      email: EMAIL,
      phone: PHONE,
      givenName: GIVEN,
      familyName: 'Eventsson',
    })
  ).id;
  await recordOrder(t, customerId, { gross: '12.00' });
  await t.ok(
    'mutation($id: ID!) { updateCustomer(id: $id, input: { tags: ["hostile"] }) { id } }',
    { id: customerId },
  );
}, 60_000);
afterAll(async () => {
  await t.close();
});

const post = (body: string | object, key: string | null = t.adminKey) => {
  const req = request(t.app.app).post('/graphql').set('content-type', 'application/json');
  if (key) req.set('authorization', `Bearer ${key}`);
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
};
const codeOf = (res: request.Response) => res.body?.errors?.[0]?.extensions?.code ?? null;
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const EVENTS_Q =
  'query($after: String, $types: [ChangeEventType!], $first: Int!) { events(first: $first, after: $after, types: $types) { edges { cursor node { id type customerId data redacted } } pageInfo { endCursor hasNextPage } } }';
const events = (variables: Record<string, unknown>, key: string | null = t.adminKey) =>
  post({ query: EVENTS_Q, variables: { first: 100, ...variables } }, key);

describe('events query', () => {
  const CASES: [string, () => Promise<request.Response>, number, string | null][] = [
    ['no key (POST)', () => events({}, null), 401, 'UNAUTHENTICATED'],
    [
      'no key (GET)',
      () =>
        request(t.app.app).get(
          `/graphql?query=${encodeURIComponent('{ events(first: 1) { edges { cursor } } }')}`,
        ),
      401,
      'UNAUTHENTICATED',
    ],
    ['first 0', () => events({ first: 0 }), 200, 'BAD_USER_INPUT'],
    ['first 101', () => events({ first: 101 }), 200, 'BAD_USER_INPUT'],
    ['first negative', () => events({ first: -1 }), 200, 'BAD_USER_INPUT'],
    ['first over Int', () => events({ first: 2 ** 40 }), 400, 'BAD_USER_INPUT'],
    ['empty types', () => events({ types: [] }), 200, 'BAD_USER_INPUT'],
    ['unknown type', () => events({ types: ['DROP_TABLE'] }), 400, 'BAD_USER_INPUT'],
    [
      'type with a NUL byte',
      () => events({ types: ['ORDER_RECORDED\u0000'] }),
      400,
      'BAD_USER_INPUT',
    ],
    ['cursor with a NUL byte', () => events({ after: 'a\u0000b' }), 400, 'BAD_USER_INPUT'],
    ['garbage cursor', () => events({ after: '!!!not base64!!!' }), 200, 'BAD_USER_INPUT'],
    ['100 kB cursor', () => events({ after: 'A'.repeat(100_000) }), 200, 'BAD_USER_INPUT'],
    [
      'forged cursor: 19 digits',
      () => events({ after: b64('["9999999999999999999"]') }),
      200,
      'BAD_USER_INPUT',
    ],
    ['forged cursor: negative', () => events({ after: b64('["-1"]') }), 200, 'BAD_USER_INPUT'],
    ['forged cursor: a number', () => events({ after: b64('[1]') }), 200, 'BAD_USER_INPUT'],
    ['forged cursor: SQL', () => events({ after: b64(`["1' or '1'='1"]`) }), 200, 'BAD_USER_INPUT'],
    [
      'forged cursor: object',
      () => events({ after: b64('{"position":"1"}') }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'forged cursor: deep array',
      () => events({ after: b64('['.repeat(5000) + ']'.repeat(5000)) }),
      200,
      'BAD_USER_INPUT',
    ],
    ['forged cursor: exponent', () => events({ after: b64('["1e308"]') }), 200, 'BAD_USER_INPUT'],
    [
      'types with 100k entries (over the body limit)',
      () => events({ types: Array(100_000).fill('ORDER_RECORDED') }),
      413,
      null,
    ],
    [
      'types with 40k entries (within the body limit)',
      () => events({ types: Array(40_000).fill('CUSTOMER_CREATED') }),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'types with 100k entries inline',
      () =>
        post({
          query: `{ events(first: 1, types: [${Array(100_000).fill('A').join(',')}]) { edges { cursor } } }`,
        }),
      400,
      null,
    ],
    [
      'alias fan-out on events',
      () =>
        post({
          query: `{ ${[...Array(50).keys()].map((i) => `e${i}: events(first: 100) { edges { node { data } } }`).join(' ')} }`,
        }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'alias fan-out on ChangeEvent.data',
      () =>
        post({
          query: `{ events(first: 100) { edges { node { ${[...Array(50).keys()].map((i) => `d${i}: data`).join(' ')} } } } }`,
        }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'fragment fan-out on ChangeEvent',
      () =>
        post({
          query: `{ events(first: 100) { edges { node { ${'...F '.repeat(5000)} } } } } fragment F on ChangeEvent { data redacted }`,
        }),
      400,
      null,
    ],
    [
      'nested fragment fan-out on ChangeEvent',
      () =>
        post({
          query: `{ events(first: 100) { edges { node { ...A } } } }
            fragment A on ChangeEvent { ...B ...B ...B ...B ...B ...B ...B ...B ...B ...B }
            fragment B on ChangeEvent { ...C ...C ...C ...C ...C ...C ...C ...C ...C ...C }
            fragment C on ChangeEvent { ...D ...D ...D ...D ...D ...D ...D ...D ...D ...D }
            fragment D on ChangeEvent { data redacted id }`,
        }),
      null as never,
      null,
    ],
    [
      'subscription over HTTP POST',
      () => post({ query: 'subscription { events { id } }' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'subscription over HTTP GET',
      () =>
        request(t.app.app)
          .get(`/graphql?query=${encodeURIComponent('subscription { events { id } }')}`)
          .set('authorization', `Bearer ${t.adminKey}`),
      405,
      'BAD_REQUEST',
    ],
    [
      'jobs without a key',
      () => post({ query: '{ jobs { name } }' }, null),
      401,
      'UNAUTHENTICATED',
    ],
  ];

  it.each(CASES)('%s', async (_name, send, status, code) => {
    const res = await send();
    expect(res.status).toBeLessThan(500);
    if (status !== null) expect(res.status).toBe(status);
    if (code) expect(codeOf(res)).toBe(code);
    if (status !== null && status >= 400 && status !== 413)
      expect(res.body.errors?.[0]?.extensions?.code).toBeTruthy();
  });

  it('GET with a key reads events; a cursor is sealed: a tampered one is BAD_USER_INPUT', async () => {
    const res = await request(t.app.app)
      .get(`/graphql?query=${encodeURIComponent('{ events(first: 1) { edges { cursor } } }')}`)
      .set('authorization', `Bearer ${t.adminKey}`);
    expect(res.status).toBe(200);
    expect(res.body.data.events.edges).toHaveLength(1);
    const cursor: string = res.body.data.events.edges[0].cursor;
    expect((await events({ after: cursor })).body.errors).toBeUndefined();
    const flipped = cursor.slice(0, -2) + (cursor.endsWith('AA') ? 'BB' : 'AA');
    expect(codeOf(await events({ after: flipped }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await events({ after: cursor + cursor }))).toBe('BAD_USER_INPUT');
  });

  it('refuses wrong scopes with FORBIDDEN and requiredScopes', async () => {
    const customersOnly = await t.keyWith(['customers:read']);
    const asked = await events({ types: ['ORDER_RECORDED'] }, customersOnly);
    expect(asked.body.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredScopes: ['orders:read'],
    });
    const none = await t.keyWith(['schema:read']);
    expect(codeOf(await events({}, none))).toBe('FORBIDDEN');
    expect(codeOf(await post({ query: '{ jobs { name } }' }, customersOnly))).toBe('FORBIDDEN');
    expect(
      codeOf(
        await events(
          { types: ['WEBHOOK_ENDPOINT_DISABLED'] },
          await t.keyWith(['customers:read', 'orders:read', 'pii:read']),
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('shows a key without pii:read no personal data, and one without orders:read no order event', async () => {
    const key = await t.keyWith(['customers:read', 'metrics:read', 'loyalty:read']);
    const seen: any[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const res: request.Response = await events({ after }, key);
      expect(res.body.errors).toBeUndefined();
      seen.push(...res.body.data.events.edges.map((e: any) => e.node));
      after = res.body.data.events.pageInfo.endCursor;
      if (!res.body.data.events.pageInfo.hasNextPage) break;
    }
    const mine = seen.filter((e) => e.customerId === customerId);
    expect(mine.map((e) => e.type)).toEqual(
      expect.arrayContaining(['CUSTOMER_CREATED', 'CUSTOMER_UPDATED']),
    );
    expect(seen.filter((e) => e.type.startsWith('ORDER_'))).toEqual([]);
    const text = JSON.stringify(seen);
    for (const secret of [EMAIL, PHONE, GIVEN, 'Eventsson']) expect(text).not.toContain(secret);
    expect(mine.find((e) => e.type === 'CUSTOMER_CREATED').redacted).toEqual(
      expect.arrayContaining(['customer.email', 'customer.phone', 'customer.givenName']),
    );
  });

  it('shows action.due of a reorder reminder only with orders:read, its greeting details only with pii:read', async () => {
    const customer = await createCustomer(t);
    const actions = t.app.services.actions as unknown as {
      events: { publish(manager: unknown, name: string, event: unknown): Promise<void> };
    };
    const action = (kind: string, personalData: boolean) => ({
      kind,
      channel: 'EMAIL',
      dueDay: '2026-12-24',
      reason: `${kind} reason`,
      expectedValueMinor: 1234,
      weight: 0.5,
      personalData,
    });
    await t.database.db.dataSource.transaction(async (manager) => {
      await actions.events.publish(manager, 'action.due', {
        customerId: customer.databaseId,
        action: action('REORDER_REMINDER', false),
        currency: 'CHF',
      });
      await actions.events.publish(manager, 'action.due', {
        customerId: customer.databaseId,
        action: action('BIRTHDAY_GREETING', true),
        currency: 'CHF',
      });
    });
    const dueOf = async (scopes: string[]) => {
      const key = await t.keyWith(scopes);
      const found: any[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page += 1) {
        const res: request.Response = await events({ after, types: ['ACTION_DUE'] }, key);
        expect(res.body.errors).toBeUndefined();
        found.push(...res.body.data.events.edges.map((e: any) => e.node));
        after = res.body.data.events.pageInfo.endCursor;
        if (!res.body.data.events.pageInfo.hasNextPage) break;
      }
      return found.filter((e) => e.customerId === customer.id);
    };
    const metricsOnly = await dueOf(['metrics:read']);
    expect(metricsOnly.map((e) => e.data.kind)).toEqual(['BIRTHDAY_GREETING']);
    expect(metricsOnly[0].data).not.toHaveProperty('personal');
    expect(JSON.stringify(metricsOnly)).not.toContain('BIRTHDAY_GREETING reason');
    expect(metricsOnly[0].redacted).toEqual(['personal']);
    const withOrders = await dueOf(['metrics:read', 'orders:read', 'pii:read']);
    expect(withOrders.map((e) => e.data.kind).sort()).toEqual([
      'BIRTHDAY_GREETING',
      'REORDER_REMINDER',
    ]);
    expect(withOrders.find((e) => e.data.kind === 'BIRTHDAY_GREETING').data.personal.reason).toBe(
      'BIRTHDAY_GREETING reason',
    );
  });
});

describe('webhook endpoints', () => {
  const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) { secret endpoint { id url status eventTypes } } }`;
  let keyId: string;
  beforeAll(async () => {
    keyId = (await t.sql('select id from api_keys order by created_at limit 1'))[0].id;
  });
  const create = (input: Record<string, unknown>, key: string | null = t.adminKey) =>
    post(
      {
        query: CREATE,
        variables: { input: { eventTypes: ['CUSTOMER_CREATED'], apiKeyId: keyId, ...input } },
      },
      key,
    );

  it.each([
    ['http://example.com/hook', 'http in production'],
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://127.1/hook', 'short loopback'],
    ['https://0x7f000001/hook', 'hex loopback'],
    ['https://2130706433/hook', 'decimal loopback'],
    ['https://0177.0.0.1/hook', 'octal loopback'],
    ['https://0.0.0.0/hook', 'this host'],
    ['https://[::1]/hook', 'IPv6 loopback'],
    ['https://[::]/hook', 'IPv6 unspecified'],
    ['https://[::ffff:127.0.0.1]/hook', 'IPv4-mapped loopback'],
    ['https://[::ffff:7f00:1]/hook', 'IPv4-mapped loopback, hex'],
    ['https://[::ffff:169.254.169.254]/hook', 'IPv4-mapped metadata'],
    ['https://[64:ff9b::10.0.0.1]/hook', 'NAT64 private'],
    ['https://[::127.0.0.1]/hook', 'IPv4-compatible loopback (::7f00:1)'],
    ['https://[::10.0.0.1]/hook', 'IPv4-compatible private'],
    ['https://[::ffff:0:127.0.0.1]/hook', 'IPv4-translated loopback'],
    ['https://[0:0:0:0:0:ffff:7f00:1]/hook', 'IPv4-mapped, spelled out'],
    ['https://[fe80::1]/hook', 'IPv6 link-local'],
    ['https://localhost/hook', 'localhost'],
    ['https://localhost./hook', 'localhost with a trailing dot'],
    ['https://LOCALHOST/hook', 'localhost in capitals'],
    ['https://user:pass@example.com/hook', 'credentials'],
    ['https://user@example.com/hook', 'user name only'],
    ['https://exa\u0000mple.com/hook', 'NUL in the host'],
    ['https://example.com/ho\u0000ok', 'NUL in the path'],
    [`https://example.com/${'a'.repeat(100_000)}`, '100 kB URL'],
    [`https://example.com/${'a'.repeat(2100)}`, 'just over 2048'],
    ['ftp://example.com/hook', 'ftp'],
    ['file:///etc/passwd', 'file'],
    ['javascript:alert(1)', 'javascript'],
    ['//example.com/hook', 'scheme-relative'],
    ['', 'empty'],
    ['https://', 'no host'],
    ['https://no-such-host.invalid/hook', 'a name that does not resolve'],
  ])('refuses url %# (%s) with BAD_USER_INPUT', async (url) => {
    const res = await create({ url });
    expect(res.status).toBeLessThan(500);
    expect(res.body.data?.createWebhookEndpoint ?? null).toBeNull();
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses without a key, without admin, and for event types the key may not read', async () => {
    expect(codeOf(await create({ url: 'https://example.com/h' }, null))).toBe('UNAUTHENTICATED');
    const reader = await t.keyWith(['customers:read', 'orders:read', 'pii:read']);
    expect(codeOf(await create({ url: 'https://example.com/h' }, reader))).toBe('FORBIDDEN');
    expect(codeOf(await post({ query: '{ webhookEndpoints { id } }' }, reader))).toBe('FORBIDDEN');
    const issued = await t.app.services.apiKeys.create('webhook view', ['customers:read'], null);
    const res = await create({
      url: 'https://example.com/h',
      apiKeyId: issued.record.id,
      eventTypes: ['ORDER_RECORDED'],
    });
    expect(res.body.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredScopes: ['orders:read'],
    });
    expect(
      codeOf(
        await create({
          url: 'https://example.com/h',
          apiKeyId: '00000000-0000-0000-0000-000000000000',
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(codeOf(await create({ url: 'https://example.com/h', apiKeyId: 'a\u0000b' }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it.each([
    ['eventTypes with 100k entries', { eventTypes: Array(100_000).fill('CUSTOMER_CREATED') }, 413],
    ['eventTypes with 40k entries', { eventTypes: Array(40_000).fill('CUSTOMER_CREATED') }, 400],
    ['eventTypes empty', { eventTypes: [] }, 200],
    ['eventTypes unknown', { eventTypes: ['NOPE'] }, 400],
    ['description of 100 kB', { description: 'x'.repeat(100_000) }, 200],
    ['description with NUL', { description: 'a\u0000b' }, 400],
  ])('refuses %s', async (_name, input, status) => {
    const res = await create({ url: 'https://example.com/h', ...input });
    expect(res.status).toBe(status);
    if (status !== 413) {
      expect(res.body.data?.createWebhookEndpoint ?? null).toBeNull();
      expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses private addresses on update too', async () => {
    // No public endpoint can be created without DNS: write one directly to exercise the update's checks.
    const mutation = `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) {
      updateWebhookEndpoint(id: $id, input: $input) { id url } }`;
    for (const url of [
      'https://127.0.0.1/x',
      'http://example.com/x',
      `https://e.com/${'a'.repeat(5000)}`,
    ]) {
      const res = await post({
        query: mutation,
        variables: { id: '00000000-0000-0000-0000-000000000000', input: { url } },
      });
      expect(res.status).toBeLessThan(500);
      expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(codeOf(res));
    }
  });
});

describe('subscriptions: raw graphql-ws frames', () => {
  const PROTOCOL = 'graphql-transport-ws';
  interface Raw {
    socket: WebSocket;
    messages: any[];
    closed: Promise<{ code: number; reason: string }>;
    next(): Promise<any>;
  }
  const open = (): Promise<Raw> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, PROTOCOL);
      const messages: any[] = [];
      let wake: (() => void) | null = null;
      const closed = new Promise<{ code: number; reason: string }>((done) =>
        socket.on('close', (code, reason) => {
          wake?.();
          done({ code, reason: reason.toString() });
        }),
      );
      socket.on('message', (data: Buffer) => {
        messages.push(JSON.parse(data.toString('utf8')));
        wake?.();
      });
      socket.on('error', () => undefined);
      const raw: Raw = {
        socket,
        messages,
        closed,
        async next() {
          while (messages.length === 0 && socket.readyState <= WebSocket.OPEN)
            await new Promise<void>((r) => (wake = r));
          return messages.shift() ?? null;
        },
      };
      socket.once('open', () => resolve(raw));
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
  const init = async (payload: unknown = { authorization: `Bearer ${t.adminKey}` }) => {
    const raw = await open();
    raw.socket.send(JSON.stringify({ type: 'connection_init', payload }));
    const ack = await raw.next();
    expect(ack?.type).toBe('connection_ack');
    return raw;
  };
  const subscribe = (raw: Raw, id: string, query: string, variables?: unknown) =>
    raw.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));

  it('closes on subscribing before connection_init (4401)', async () => {
    const raw = await open();
    subscribe(raw, '1', 'subscription { events { id } }');
    expect((await raw.closed).code).toBe(4401);
  });

  it('closes on invalid JSON and binary frames (4400), the server keeps serving', async () => {
    const a = await open();
    a.socket.send('{"type": "connection_init", ');
    expect((await a.closed).code).toBe(4400);
    const b = await open();
    b.socket.send(Buffer.from([0x00, 0xff, 0xfe, 0x01]), { binary: true });
    expect((await b.closed).code).toBe(4400);
    const c = await init();
    c.socket.send('\u0000');
    expect((await c.closed).code).toBe(4400);
    const d = await init();
    d.socket.send(JSON.stringify({ type: 'subscribe', id: 'x' }));
    expect((await d.closed).code).toBe(4400);
    expect((await request(t.app.app).get('/healthz')).status).toBe(200);
  });

  it('refuses a second connection_init (4429) and a key hidden in odd places (4401)', async () => {
    const raw = await init();
    raw.socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    expect((await raw.closed).code).toBe(4429);
    for (const payload of [
      null,
      'Bearer x',
      [t.adminKey],
      { authorization: t.adminKey },
      { apiKey: 42 },
      { authorization: 'Bearer ' },
    ]) {
      const other = await open();
      other.socket.send(JSON.stringify({ type: 'connection_init', payload }));
      expect([4400, 4401]).toContain((await other.closed).code);
    }
    const nul = await open();
    nul.socket.send(
      JSON.stringify({ type: 'connection_init', payload: { apiKey: `${t.adminKey}\u0000` } }),
    );
    expect((await nul.closed).code).toBe(4403);
  });

  it('refuses a huge connection_init payload without reading it (1009)', async () => {
    const raw = await open();
    raw.socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${t.adminKey}`, junk: 'x'.repeat(2 * 1024 * 1024) },
      }),
    );
    expect((await raw.closed).code).toBe(1009);
    const huge = await init();
    subscribe(huge, '1', `subscription { events { id } } # ${'x'.repeat(2 * 1024 * 1024)}`);
    expect((await huge.closed).code).toBe(1009);
    expect((await init()).socket.readyState).toBe(WebSocket.OPEN);
  }, 30_000);

  it('answers subscribe floods: over 20 per connection is BAD_REQUEST, a duplicate id closes (4409)', async () => {
    const raw = await init();
    for (let i = 0; i < 60; i += 1) subscribe(raw, `s${i}`, 'subscription { events { id } }');
    const errors: any[] = [];
    while (errors.length < 40) {
      const m = await raw.next();
      if (!m) break;
      if (m.type === 'error') errors.push(m);
    }
    expect(errors).toHaveLength(40);
    for (const e of errors) expect(e.payload[0].extensions.code).toBe('BAD_REQUEST');
    subscribe(raw, 's0', 'subscription { events { id } }');
    expect((await raw.closed).code).toBe(4409);
  });

  it('many connections at once are served and closed cleanly', async () => {
    const sockets = await Promise.all([...Array(50).keys()].map(() => init()));
    for (const raw of sockets) subscribe(raw, '1', 'subscription { events { id } }');
    for (const raw of sockets) raw.socket.close(1000);
    await Promise.all(sockets.map((raw) => raw.closed));
    expect((await events({ first: 1 })).status).toBe(200);
  });

  it('applies the HTTP limits to subscribe messages', async () => {
    const raw = await init({ apiKey: await t.keyWith(['customers:read']) });
    const cases: [string, string, unknown, string][] = [
      [
        'a',
        'subscription($t: [ChangeEventType!]) { events(types: $t) { id } }',
        { t: ['ORDER_RECORDED'] },
        'FORBIDDEN',
      ],
      [
        'b',
        'subscription($t: [ChangeEventType!]) { events(types: $t) { id } }',
        { t: [] },
        'BAD_USER_INPUT',
      ],
      [
        'c',
        'subscription($t: [ChangeEventType!]) { events(types: $t) { id } }',
        { t: Array(40_000).fill('CUSTOMER_CREATED') },
        'BAD_USER_INPUT',
      ],
      [
        'd',
        'subscription($id: ID!) { customerChanged(id: $id) { id } }',
        { id: 'a\u0000b' },
        'BAD_USER_INPUT',
      ],
      [
        'e',
        'subscription($id: ID!) { customerChanged(id: $id) { id } }',
        { id: 'x'.repeat(100_000) },
        'BAD_USER_INPUT',
      ],
      [
        'f',
        `subscription { events { ${[...Array(50).keys()].map((i) => `d${i}: data`).join(' ')} } }`,
        undefined,
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        'g',
        `subscription { events { ...F } } fragment F on ChangeEvent { ${'...G '.repeat(3000)} } fragment G on ChangeEvent { data }`,
        undefined,
        'GRAPHQL_PARSE_FAILED', // the token limit
      ],
      [
        'g2',
        `subscription { events { ...F } } fragment F on ChangeEvent { ${'...G '.repeat(400)} } fragment G on ChangeEvent { d1: data d2: data d3: data }`,
        undefined,
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        'h',
        `subscription { a: events { id } b: events { id } }`,
        undefined,
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        'i',
        `subscription { events(types: [${Array(100_000).fill('A').join(',')}]) { id } }`,
        undefined,
        'GRAPHQL_PARSE_FAILED',
      ],
      ['j', 'mutation { createCustomer(input: {}) { id } }', undefined, 'BAD_REQUEST'],
    ];
    for (const [id, query, variables] of cases) subscribe(raw, id, query, variables);
    const codes: Record<string, string> = {};
    while (Object.keys(codes).length < cases.length) {
      const m = await raw.next();
      if (!m)
        throw new Error(
          `closed: ${JSON.stringify(await raw.closed)} after ${JSON.stringify(codes)}`,
        );
      if (m.type === 'error') codes[m.id] = m.payload[0].extensions?.code;
      else if (m.type === 'next' && m.payload.errors)
        codes[m.id] = m.payload.errors[0].extensions?.code;
    }
    expect(codes).toEqual(Object.fromEntries(cases.map(([id, , , code]) => [id, code])));
    raw.socket.close();
  });

  it('sends a key without pii:read or orders:read neither personal data nor order events', async () => {
    const raw = await init({ apiKey: await t.keyWith(['customers:read']) });
    subscribe(
      raw,
      'c',
      'subscription($id: ID!) { customerChanged(id: $id) { type data redacted } }',
      { id: customerId },
    );
    subscribe(raw, 'e', 'subscription { events { type data redacted } }');
    const got: any[] = [];
    for (
      let round = 0;
      round < 40 &&
      !got.some((m) => m.payload.data?.customerChanged?.data?.customer?.tags?.[0] === 'last');
      round += 1
    ) {
      await recordOrder(t, customerId, { gross: '3.00' });
      await t.ok(
        'mutation($id: ID!, $tags: [String!]) { updateCustomer(id: $id, input: { tags: $tags, email: "hostile-events2@example.com" }) { id } }',
        { id: customerId, tags: [round >= 1 ? 'last' : 'first'] },
      );
      await new Promise((r) => setTimeout(r, 200));
      while (raw.messages.length) got.push(raw.messages.shift());
    }
    const types = got.map((m) => (m.payload.data?.customerChanged ?? m.payload.data?.events)?.type);
    expect(types).toContain('CUSTOMER_UPDATED');
    expect(types.filter((ty) => ty?.startsWith('ORDER_'))).toEqual([]);
    const text = JSON.stringify(got);
    for (const secret of ['hostile-events2@example.com', EMAIL, PHONE, GIVEN])
      expect(text).not.toContain(secret);
    raw.socket.close();
  });
});

describe('webhook admin arguments (an endpoint on a private address, allowed here)', () => {
  let w: TestApp;
  let endpointId: string;
  beforeAll(async () => {
    w = await startTestApp({ nodeEnv: 'production', webhookAllowPrivate: true });
    const keyId = (await w.sql('select id from api_keys order by created_at limit 1'))[0].id;
    const created = await w.ok(
      `mutation($input: CreateWebhookEndpointInput!) {
        createWebhookEndpoint(input: $input) { endpoint { id } } }`,
      {
        input: {
          url: 'https://127.0.0.1:9/hook',
          eventTypes: ['CUSTOMER_CREATED'],
          apiKeyId: keyId,
        },
      },
    );
    endpointId = created.createWebhookEndpoint.endpoint.id;
  }, 60_000);
  afterAll(async () => w?.close());

  const ROTATE =
    'mutation($id: ID!, $h: Int!) { rotateWebhookSecret(id: $id, overlapHours: $h) { secret } }';
  const DELIVERIES =
    'query($id: ID!, $first: Int!, $after: String) { webhookDeliveries(endpointId: $id, first: $first, after: $after) { edges { cursor } } }';

  it.each([
    ['overlapHours -1', ROTATE, () => ({ id: endpointId, h: -1 }), 'BAD_USER_INPUT'],
    ['overlapHours 169', ROTATE, () => ({ id: endpointId, h: 169 }), 'BAD_USER_INPUT'],
    ['overlapHours over Int', ROTATE, () => ({ id: endpointId, h: 2 ** 40 }), 'BAD_USER_INPUT'],
    [
      'rotate an unknown endpoint',
      ROTATE,
      () => ({ id: '00000000-0000-0000-0000-000000000000', h: 1 }),
      'NOT_FOUND',
    ],
    ['rotate with a NUL id', ROTATE, () => ({ id: 'a\u0000b', h: 1 }), 'BAD_USER_INPUT'],
    ['deliveries first 0', DELIVERIES, () => ({ id: endpointId, first: 0 }), 'BAD_USER_INPUT'],
    ['deliveries first 101', DELIVERIES, () => ({ id: endpointId, first: 101 }), 'BAD_USER_INPUT'],
    [
      'deliveries forged cursor',
      DELIVERIES,
      () => ({ id: endpointId, first: 1, after: b64('["1"]') }),
      'BAD_USER_INPUT',
    ],
    [
      'deliveries 100 kB cursor',
      DELIVERIES,
      () => ({ id: endpointId, first: 1, after: 'A'.repeat(100_000) }),
      'BAD_USER_INPUT',
    ],
    [
      'deliveries of a garbage id',
      DELIVERIES,
      () => ({ id: "'; drop table x; --", first: 1 }),
      null,
    ],
    [
      'jobs runs 0',
      'query($r: Int!) { jobs(runs: $r) { name } }',
      () => ({ r: 0 }),
      'BAD_USER_INPUT',
    ],
    [
      'jobs runs 51',
      'query($r: Int!) { jobs(runs: $r) { name } }',
      () => ({ r: 51 }),
      'BAD_USER_INPUT',
    ],
  ])('%s', async (_name, query, variables, code) => {
    const res = await request(w.app.app)
      .post('/graphql')
      .set('authorization', `Bearer ${w.adminKey}`)
      .send({ query, variables: variables() });
    expect(res.status).toBeLessThan(500);
    const got = res.body.errors?.[0]?.extensions?.code;
    if (code) expect(got).toBe(code);
    else expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(got);
  });

  it('refuses the webhook admin surface to a key without admin', async () => {
    const key = await w.keyWith(['customers:read', 'orders:read', 'pii:read', 'metrics:read']);
    for (const [query, variables] of [
      [ROTATE, { id: endpointId, h: 1 }],
      [DELIVERIES, { id: endpointId, first: 1 }],
      ['{ webhookEndpoints { id url } }', {}],
      ['mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }', { id: endpointId }],
    ] as const) {
      const res = await request(w.app.app)
        .post('/graphql')
        .set('authorization', `Bearer ${key}`)
        .send({ query, variables });
      expect(res.status).toBeLessThan(500);
      expect(res.body.errors?.[0]?.extensions?.code).toMatch(
        /^(FORBIDDEN|GRAPHQL_VALIDATION_FAILED)$/,
      );
      expect(JSON.stringify(res.body)).not.toContain('127.0.0.1:9');
    }
  });
});

// Stops and starts a PostgreSQL cluster of the test's own; PostgreSQL deployments only.
describeIf(postgres(), pgBinaries())('the event surfaces while PostgreSQL is away', () => {
  let cluster: PgCluster;
  let d: TestApp;
  let url: string;

  beforeAll(async () => {
    cluster = startPgCluster(testPort(61));
    const admin = new Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('create database c360');
    await admin.end();
    d = await startTestAppOn(
      await databaseOn(cluster.url('c360'), {
        nodeEnv: 'production',
        apiKeyHashKey: randomBytes(32).toString('hex'),
      }),
    );
    await new Promise<void>((resolve) => d.app.httpServer.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(d.app.httpServer.address() as AddressInfo).port}/graphql`;
  }, 120_000);

  afterAll(async () => {
    await d?.close();
    cluster?.remove();
  });

  const connectionClose = (key: string) =>
    new Promise<number | 'ack'>((resolve) => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      socket.on('error', () => undefined);
      socket.on('open', () =>
        socket.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: key } })),
      );
      socket.on('message', (data: Buffer) => {
        if (JSON.parse(data.toString('utf8')).type === 'connection_ack') {
          socket.close();
          resolve('ack');
        }
      });
      socket.on('close', (code) => resolve(code));
    });

  it('answers 503 SERVICE_UNAVAILABLE for events, jobs and webhooks, closes a new socket with 1013, and recovers', async () => {
    const key = await d.keyWith(['customers:read']);
    const unused = await d.keyWith(['customers:read']);
    expect(await connectionClose(key)).toBe('ack');
    cluster.stop();
    for (const query of [
      '{ events(first: 5) { edges { cursor } } }',
      '{ jobs { name } }',
      '{ webhookEndpoints { id } }',
    ]) {
      const res = await d.gql(query);
      expect(res.status).toBe(503);
      expect(res.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    }
    const closed = await connectionClose(unused);
    // Not 4500 (an internal error): the key could not be checked, a temporary condition as HTTP's 503.
    expect(closed).toBe(1013);
    cluster.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await request(d.app.app).get('/readyz')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect((await d.gql('{ events(first: 5) { edges { cursor } } }')).errors).toBeUndefined();
    expect(await connectionClose(key)).toBe('ack');
  }, 90_000);
});
