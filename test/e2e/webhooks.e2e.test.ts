import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { Client } from 'pg';
import { startTestApp, startTestAppOn, TestApp } from '../support/test-app';
import { PgCluster, startPgCluster } from '../support/pg-cluster';
import { describeIf, pgBinaries, postgres } from '../support/requirements';
import { createCustomer, recordOrder } from '../support/factories';
import { startServerProcess, ServerProcess } from '../support/server-process';
import { databaseOn, testPort } from '../support/own-cluster-db';

/** What the loopback receiver got: one entry per request, its signature checked against the endpoint's secrets. */
interface Received {
  path: string;
  id: string;
  signatures: string[];
  headers: Record<string, string>;
  raw: string;
  body: any;
  at: number;
}

type Answer = number | 'hang';

/** A loopback HTTP receiver; `answer` decides each request's status (or holds it open). */
async function startReceiver() {
  const received: Received[] = [];
  const held: http.ServerResponse[] = [];
  let answer: (r: Received) => Answer = () => 200;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      const entry: Received = {
        path: req.url ?? '',
        id: headers['webhook-id'],
        signatures: headers['webhook-signature'].split(' '),
        headers,
        raw,
        body: JSON.parse(raw),
        at: Date.now(),
      };
      received.push(entry);
      const a = answer(entry);
      if (a === 'hang') held.push(res);
      else res.writeHead(a).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    answer: (fn: (r: Received) => Answer) => (answer = fn),
    at: (path: string) => received.filter((r) => r.path === path),
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), within a bound; no timed assertion. */
async function eventually<T>(
  check: () => Promise<T> | T,
  what: string,
  ms = 30_000,
): Promise<Exclude<T, false | null | undefined>> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false && value !== null)
      return value as Exclude<T, false | null | undefined>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const verifies = (secret: string, r: Received) => {
  try {
    new Webhook(secret).verify(r.raw, r.headers);
    return true;
  } catch {
    return false;
  }
};

const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id status eventTypes apiKeyId } } }`;
const ENDPOINTS = `{ webhookEndpoints { id status disabledReason } }`;
const DELIVERIES = `query($id: ID!, $status: WebhookDeliveryStatus) {
  webhookDeliveries(endpointId: $id, status: $status, first: 100) {
    totalCount nodes { id eventId status attempts lastStatusCode lastLatencyMs lastError deliveredAt } } }`;

async function keyId(t: TestApp, key: string) {
  const publicId = key.split('_')[1];
  const [row] = await t.sql('select id from api_keys where public_id = $1', [publicId]);
  return row.id as string;
}

describe('signed webhooks', () => {
  let t: TestApp;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let adminKeyId: string;

  const createEndpoint = async (path: string, eventTypes: string[], apiKeyId = adminKeyId) =>
    (await t.ok(CREATE, { input: { url: rx.url(path), eventTypes, apiKeyId } }))
      .createWebhookEndpoint as { secret: string; endpoint: { id: string } };

  beforeAll(async () => {
    rx = await startReceiver();
    t = await startTestApp({
      webhookAllowPrivate: true,
      webhookRetryBaseMs: 100,
      webhookMaxAttempts: 4,
      webhookPollIntervalMs: 20,
      webhookTimeoutMs: 2000,
    });
    adminKeyId = await keyId(t, t.adminKey);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it('delivers every event once, in order per customer, signed, and only what the key may read', async () => {
    const piiFree = await t.keyWith(['customers:read', 'orders:read']);
    const full = await createEndpoint('/full', ['CUSTOMER_CREATED', 'ORDER_RECORDED']);
    const partial = await createEndpoint(
      '/partial',
      ['CUSTOMER_CREATED', 'ORDER_RECORDED'],
      await keyId(t, piiFree),
    );
    const customers = [];
    for (let i = 0; i < 3; i += 1) customers.push(await createCustomer(t));
    for (let round = 0; round < 2; round += 1)
      for (const c of customers) await recordOrder(t, c.id, { gross: '10.00' });
    // 3 customer.created + 6 order.recorded per endpoint
    await eventually(
      () => rx.at('/full').length >= 9 && rx.at('/partial').length >= 9,
      '18 deliveries',
    );
    for (const [path, secret] of [
      ['/full', full.secret],
      ['/partial', partial.secret],
    ]) {
      const got = rx.at(path);
      expect(got).toHaveLength(9);
      expect(new Set(got.map((r) => r.id)).size).toBe(9);
      for (const r of got) {
        expect(verifies(secret, r)).toBe(true);
        expect(r.body.id).toBe(r.id);
      }
      for (const c of customers) {
        const mine = got.filter((r) => r.body.customerId === c.id);
        expect(mine.map((r) => r.body.type)).toEqual([
          'customer.created',
          'order.recorded',
          'order.recorded',
        ]);
        expect(mine.map((r) => Number(r.body.sequence))).toEqual([1, 2, 3]);
      }
    }
    const fullCreated = rx.at('/full').find((r) => r.body.type === 'customer.created')!;
    expect(fullCreated.body.data.customer.email).toMatch(/@example\.com$/);
    expect(fullCreated.body.redacted).toEqual([]);
    const partialCreated = rx.at('/partial').filter((r) => r.body.type === 'customer.created');
    for (const r of partialCreated) {
      expect(r.body.data.customer.email).toBeUndefined();
      expect(r.body.redacted).toContain('customer.email');
      expect(r.raw).not.toMatch(/@example\.com/);
    }
    const page = await t.ok(DELIVERIES, { id: full.endpoint.id, status: 'DELIVERED' });
    expect(page.webhookDeliveries.totalCount).toBe(9);
    for (const d of page.webhookDeliveries.nodes) {
      expect(d).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200 });
      expect(d.lastLatencyMs).toBeGreaterThanOrEqual(0);
    }
    await t.ok(`mutation($id: ID!) { disableWebhookEndpoint(id: $id) { id } }`, {
      id: full.endpoint.id,
    });
    await t.ok(`mutation($id: ID!) { disableWebhookEndpoint(id: $id) { id } }`, {
      id: partial.endpoint.id,
    });
  }, 60_000);

  it('retries a 500 with growing gaps, holding back only that customer’s later events', async () => {
    const endpoint = await createEndpoint('/retry', ['CUSTOMER_CREATED', 'ORDER_RECORDED']);
    const a = await createCustomer(t, {}); // blocked: its customer.created fails three times
    let failing = '';
    rx.answer((r) => {
      if (r.path !== '/retry') return 200;
      if (!failing && r.body.customerId === a.id) failing = r.id;
      return r.id === failing && rx.received.filter((x) => x.id === failing).length <= 3
        ? 500
        : 200;
    });
    await recordOrder(t, a.id, { gross: '10.00' });
    const b = await createCustomer(t, {});
    await eventually(() => rx.at('/retry').some((r) => r.body.customerId === b.id), 'customer b');
    // b went through while a's first event was still failing, and a's order waited behind it.
    const aEvents = () => rx.at('/retry').filter((r) => r.body.customerId === a.id);
    expect(aEvents().every((r) => r.body.type === 'customer.created')).toBe(true);
    await eventually(() => aEvents().some((r) => r.body.type === 'order.recorded'), 'a’s order');
    const attempts = aEvents().filter((r) => r.id === failing);
    expect(attempts).toHaveLength(4);
    const gaps = attempts.slice(1).map((r, i) => r.at - attempts[i].at);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(gaps[2]).toBeGreaterThan(gaps[1]);
    // Every attempt of the blocked event came before its customer's next event.
    const orderAt = aEvents().findIndex((r) => r.body.type === 'order.recorded');
    expect(
      aEvents()
        .slice(0, orderAt)
        .map((r) => r.id),
    ).toEqual([failing, failing, failing, failing]);
    const page = await t.ok(DELIVERIES, { id: endpoint.endpoint.id, status: null });
    const blocked = page.webhookDeliveries.nodes.find((d: any) => d.eventId === failing);
    expect(blocked).toMatchObject({ status: 'DELIVERED', attempts: 4, lastStatusCode: 200 });
    // Redelivery: a new attempt with the same webhook-id.
    const redelivered = await t.ok(
      `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status } }`,
      { id: blocked.id },
    );
    expect(redelivered.redeliverWebhook.status).toBe('PENDING');
    await eventually(() => rx.received.filter((r) => r.id === failing).length === 5, 'redelivery');
    await t.ok(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, {
      id: endpoint.endpoint.id,
    });
    rx.answer(() => 200);
  }, 60_000);

  it('disables an endpoint at once on 410 Gone, and after the last retry, with a webhook.endpoint_disabled event', async () => {
    const gone = await createEndpoint('/gone', ['CUSTOMER_CREATED']);
    const broken = await createEndpoint('/broken', ['CUSTOMER_CREATED']);
    const watcher = await createEndpoint('/watcher', ['WEBHOOK_ENDPOINT_DISABLED']);
    rx.answer((r) => (r.path === '/gone' ? 410 : r.path === '/broken' ? 503 : 200));
    await createCustomer(t);
    const status = async (id: string) =>
      (await t.ok(ENDPOINTS)).webhookEndpoints.find((e: any) => e.id === id);
    await eventually(async () => (await status(gone.endpoint.id)).status === 'DISABLED', 'gone');
    expect(rx.at('/gone')).toHaveLength(1);
    expect((await status(gone.endpoint.id)).disabledReason).toBe('GONE');
    await eventually(
      async () => (await status(broken.endpoint.id)).status === 'DISABLED',
      'broken',
    );
    expect(rx.at('/broken')).toHaveLength(4);
    expect((await status(broken.endpoint.id)).disabledReason).toBe('RETRIES_EXHAUSTED');
    const events = await t.ok(
      `{ events(first: 100, types: [WEBHOOK_ENDPOINT_DISABLED]) { nodes { customerId data } } }`,
    );
    const byEndpoint = (id: string) =>
      events.events.nodes.find((n: any) => n.data.endpoint.id === id);
    expect(byEndpoint(gone.endpoint.id)).toMatchObject({
      customerId: null,
      data: { reason: 'GONE', delivery: { lastStatusCode: 410, attempts: 1 } },
    });
    expect(byEndpoint(broken.endpoint.id)).toMatchObject({
      data: { reason: 'RETRIES_EXHAUSTED', delivery: { lastStatusCode: 503, attempts: 4 } },
    });
    // The event is itself delivered to endpoints that asked for it (a system event: no customer).
    await eventually(() => rx.at('/watcher').length >= 2, 'disabled events delivered');
    expect(rx.at('/watcher').every((r) => verifies(watcher.secret, r))).toBe(true);
    const page = await t.ok(DELIVERIES, { id: broken.endpoint.id, status: 'FAILED' });
    expect(page.webhookDeliveries.nodes[0]).toMatchObject({ attempts: 4, lastError: 'HTTP 503' });
    rx.answer(() => 200);
    await t.ok(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, {
      id: watcher.endpoint.id,
    });
  }, 60_000);

  it('cuts off a receiver that hangs at WEBHOOK_TIMEOUT_MS and retries it', async () => {
    const { endpoint } = await createEndpoint('/slow', ['CUSTOMER_CREATED']);
    rx.answer((r) => (r.path === '/slow' && rx.at('/slow').length === 1 ? 'hang' : 200));
    await createCustomer(t);
    const [held, retried] = await eventually(
      () => rx.at('/slow').length >= 2 && rx.at('/slow'),
      'the retry after the timeout',
    );
    expect(retried.id).toBe(held.id);
    const page = await eventually(async () => {
      const p = await t.ok(DELIVERIES, { id: endpoint.id, status: 'DELIVERED' });
      return p.webhookDeliveries.nodes.length === 1 && p;
    }, 'delivered');
    expect(page.webhookDeliveries.nodes[0]).toMatchObject({ attempts: 2, lastStatusCode: 200 });
    rx.answer(() => 200);
    await t.ok(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: endpoint.id });
  }, 60_000);

  it('signs with both secrets during a rotation’s overlap, and only with the new one after', async () => {
    const { endpoint, secret: oldSecret } = await createEndpoint('/rotate', ['CUSTOMER_CREATED']);
    const rotate = `mutation($id: ID!, $h: Int!) { rotateWebhookSecret(id: $id, overlapHours: $h) { secret endpoint { previousSecretExpiresAt } } }`;
    const overlap = (await t.ok(rotate, { id: endpoint.id, h: 2 })).rotateWebhookSecret;
    expect(overlap.endpoint.previousSecretExpiresAt).not.toBeNull();
    await createCustomer(t);
    const [during] = await eventually(
      () => rx.at('/rotate').length === 1 && rx.at('/rotate'),
      'one',
    );
    expect(during.signatures).toHaveLength(2);
    expect(during.signatures.every((s) => s.startsWith('v1,'))).toBe(true);
    expect(verifies(oldSecret, during)).toBe(true);
    expect(verifies(overlap.secret, during)).toBe(true);
    const after = (await t.ok(rotate, { id: endpoint.id, h: 0 })).rotateWebhookSecret;
    await createCustomer(t);
    const [, next] = await eventually(
      () => rx.at('/rotate').length === 2 && rx.at('/rotate'),
      'two',
    );
    expect(next.signatures).toHaveLength(1);
    expect(verifies(after.secret, next)).toBe(true);
    expect(verifies(overlap.secret, next)).toBe(false);
    expect(verifies(oldSecret, next)).toBe(false);
    await t.ok(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: endpoint.id });
  }, 60_000);

  it('refuses event types the key may not read, unknown ids, and stops when the key is revoked', async () => {
    const ordersOnly = await t.keyWith(['orders:read']);
    const ordersKeyId = await keyId(t, ordersOnly);
    const refused = await t.gql(CREATE, {
      input: { url: rx.url('/x'), eventTypes: ['CUSTOMER_CREATED'], apiKeyId: ordersKeyId },
    });
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const unknown = await t.gql(
      `mutation { enableWebhookEndpoint(id: "6f1c1f4e-4a52-4d51-9d38-1f1b0b5d2e11") { id } }`,
    );
    expect(unknown.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const notAdmin = await t.gql(ENDPOINTS, {}, ordersOnly);
    expect(notAdmin.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const ep = await createEndpoint('/revoked', ['ORDER_RECORDED'], ordersKeyId);
    await t.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: ordersKeyId });
    const c = await createCustomer(t);
    await recordOrder(t, c.id, { gross: '10.00' });
    await eventually(
      async () =>
        (await t.ok(ENDPOINTS)).webhookEndpoints.find((e: any) => e.id === ep.endpoint.id)
          .disabledReason === 'API_KEY_INACTIVE',
      'disabled for the revoked key',
    );
    expect(rx.at('/revoked')).toHaveLength(0);
  }, 60_000);
});

describe('webhook addresses in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ nodeEnv: 'production', webhookAllowPrivate: false });
  }, 60_000);
  afterAll(async () => t?.close());

  it.each([
    ['http://example.com/hook', 'https only'],
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://localhost/hook', 'a name for loopback'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://169.254.169.254/latest', 'link-local (cloud metadata)'],
    ['https://[::1]/hook', 'IPv6 loopback'],
    ['https://[::ffff:192.168.0.1]/hook', 'IPv4-mapped private'],
    ['https://[fd00::1]/hook', 'IPv6 unique local'],
  ])('refuses %s (%s) with BAD_USER_INPUT', async (url) => {
    const keyId = (await t.sql('select id from api_keys limit 1'))[0].id;
    const res = await t.gql(CREATE, {
      input: { url, eventTypes: ['CUSTOMER_CREATED'], apiKeyId: keyId },
    });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
  });
});

/**
 * The database of the server processes: a clone of the template on PostgreSQL, a data folder on the embedded
 * database (its admin key made by the CLI before the servers start, the folder then owned by one server at a time).
 */
async function serverDatabase(): Promise<{
  env: Record<string, string>;
  adminKey: string;
  drop: () => Promise<void>;
}> {
  if (process.env.DATABASE_URL) {
    const t = await startTestApp();
    await t.app.stop(); // only the server processes deliver
    return {
      env: { DATABASE_URL: t.database.config.databaseUrl! },
      adminKey: t.adminKey,
      drop: () => t.database.drop(),
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c360-webhooks-'));
  const run = spawnSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      'src/cli/main.ts',
      'apikey',
      'create',
      '--name',
      'tests',
      '--scopes',
      'admin',
    ],
    {
      cwd: path.resolve(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PGLITE_DATA_DIR: dataDir,
      },
    },
  );
  const adminKey = /c360_\S+/.exec(run.stdout)?.[0];
  if (!adminKey) throw new Error(`no key from the CLI: ${run.stdout}${run.stderr}`);
  return {
    env: { PGLITE_DATA_DIR: dataDir },
    adminKey,
    drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

describe('a server killed mid-delivery', () => {
  let db: Awaited<ReturnType<typeof serverDatabase>>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let first: ServerProcess | null = null;
  let second: ServerProcess | null = null;

  beforeAll(async () => {
    rx = await startReceiver();
    db = await serverDatabase();
  }, 120_000);

  afterAll(async () => {
    for (const s of [first, second]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    await rx?.close();
    await db?.drop();
  });

  it('sends the delivery again after a restart, with the same webhook-id', async () => {
    const env = {
      ...db.env,
      LOG_LEVEL: 'silent',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '3000',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    };
    first = await startServerProcess(env, testPort(31));
    const gql = async (base: string, query: string, variables: Record<string, unknown> = {}) => {
      const res = await request(base)
        .post('/graphql')
        .set('authorization', `Bearer ${db.adminKey}`)
        .send({ query, variables });
      expect(res.body.errors).toBeUndefined();
      return res.body.data;
    };
    const keys = await gql(first.baseUrl, '{ apiKeys { id publicId } }');
    const apiKeyId = keys.apiKeys.find((k: any) => k.publicId === db.adminKey.split('_')[1]).id;
    const created = await gql(first.baseUrl, CREATE, {
      input: { url: rx.url('/crash'), eventTypes: ['CUSTOMER_CREATED'], apiKeyId },
    });
    const { secret, endpoint } = created.createWebhookEndpoint;
    rx.answer(() => 'hang');
    await gql(
      first.baseUrl,
      `mutation { createCustomer(input: { givenName: "K", familyName: "Ill", email: "kill@example.com" }) { id } }`,
    );
    await eventually(() => rx.at('/crash').length === 1, 'the held request');
    first.child.kill('SIGKILL');
    await first.exited;
    rx.answer(() => 200);
    second = await startServerProcess(env, testPort(32));
    const again = await eventually(
      () => rx.at('/crash').length >= 2 && rx.at('/crash'),
      'redelivery',
      60_000,
    );
    expect(again[1].id).toBe(again[0].id);
    expect(verifies(secret, again[1])).toBe(true);
    const delivered = await eventually(async () => {
      const page = await gql(second!.baseUrl, DELIVERIES, { id: endpoint.id, status: 'DELIVERED' });
      return page.webhookDeliveries.nodes[0];
    }, 'recorded as delivered');
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    expect(delivered.eventId).toBe(again[0].id);
    expect(await second.terminate()).toBe(0);
  }, 180_000);
});

// The database stops under the worker and comes back: rounds fail and are logged, the process goes on, and the
// deliveries resume. A cluster of the test's own (the machine's PostgreSQL is never stopped).
describeIf(postgres(), pgBinaries())('webhooks while the database is away', () => {
  let cluster: PgCluster;
  let t: TestApp;
  let rx: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    rx = await startReceiver();
    cluster = startPgCluster(testPort(33));
    const admin = new Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('create database c360');
    await admin.end();
    t = await startTestAppOn(
      await databaseOn(cluster.url('c360'), {
        webhookAllowPrivate: true,
        webhookPollIntervalMs: 20,
        webhookRetryBaseMs: 100,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close().catch(() => undefined);
    cluster?.stop('immediate');
    cluster?.remove();
    await rx?.close();
  });

  it('keeps running through the outage and delivers what was written before and after it', async () => {
    const apiKeyId = await keyId(t, t.adminKey);
    await t.ok(CREATE, {
      input: { url: rx.url('/outage'), eventTypes: ['CUSTOMER_CREATED'], apiKeyId },
    });
    await createCustomer(t);
    await eventually(() => rx.at('/outage').length === 1, 'the first delivery');
    cluster.stop('fast');
    // Many worker rounds fail meanwhile (each poll, 20 ms); none may take the process down.
    await new Promise((r) => setTimeout(r, 1000));
    cluster.start();
    await eventually(async () => {
      const res = await t.gql(`{ webhookEndpoints { id } }`);
      return !res.errors;
    }, 'the database back');
    await createCustomer(t);
    const got = await eventually(() => rx.at('/outage').length >= 2 && rx.at('/outage'), 'after');
    expect(new Set(got.map((r) => r.id)).size).toBe(2);
  }, 120_000);
});
