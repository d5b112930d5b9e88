import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client, escapeIdentifier } from 'pg';
import { Webhook } from 'standardwebhooks';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { AppConfig } from '../src/config';
import { openDatabase } from '../src/db/data-source';
import { migrate } from '../src/db/bootstrap';
import { createServices } from '../src/container';
import { cpuSeconds, postgresCpuSeconds, startScriptNodeFlags, waitForLine } from './api';

const ROOT = path.resolve(__dirname, '..');
const SERVER_PORT = 4620;
const BENCH_HASH_KEY = 'benchmark-events-key-hash-key-0123456789';
const DRAIN_MS = 30_000;

export interface EventsBenchOptions {
  rate: number;
  seconds: number;
  customers: number;
}

/** Milliseconds since the epoch with sub-millisecond resolution (one clock for every timestamp of the bench). */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one channel (webhook or subscription) received. */
interface Channel {
  /** First receipt time and how many times each order's event came, by order id. */
  byOrder: Map<string, { at: number; occurredAt: number; count: number }>;
  /** Receipts per event id (webhook-id / ChangeEvent.id). */
  byEvent: Map<string, number>;
  lastSequence: Map<string, bigint>;
  outOfOrder: number;
  messages: number;
}
const newChannel = (): Channel => ({
  byOrder: new Map(),
  byEvent: new Map(),
  lastSequence: new Map(),
  outOfOrder: 0,
  messages: 0,
});

interface EventMessage {
  id: string;
  customerId: string;
  sequence: string;
  occurredAt?: string;
  timestamp?: string;
  data: { order?: { id: string } };
}

function receive(channel: Channel, event: EventMessage, at: number) {
  channel.messages += 1;
  channel.byEvent.set(event.id, (channel.byEvent.get(event.id) ?? 0) + 1);
  const sequence = BigInt(event.sequence);
  const last = channel.lastSequence.get(event.customerId);
  if (last !== undefined && sequence <= last) channel.outOfOrder += 1;
  else channel.lastSequence.set(event.customerId, sequence);
  const orderId = event.data.order?.id;
  if (!orderId) return;
  const seen = channel.byOrder.get(orderId);
  if (seen) seen.count += 1;
  else
    channel.byOrder.set(orderId, {
      at,
      occurredAt: Date.parse(event.occurredAt ?? event.timestamp ?? ''),
      count: 1,
    });
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

/** A self-signed certificate for 127.0.0.1: production servers deliver webhooks over https only. */
function makeCertificate(dir: string) {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: fs.readFileSync(path.join(dir, 'key.pem')),
    cert: fs.readFileSync(path.join(dir, 'cert.pem')),
    certPath: path.join(dir, 'cert.pem'),
  };
}

async function adminQuery(databaseUrl: string, sql: string) {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Webhook backlog as the database sees it: deliveries not yet DELIVERED, and order events not yet fanned out. */
async function backlog(db: Client) {
  const { rows } = await db.query(`select
      (select count(*) from webhook_deliveries where status <> 'DELIVERED')::int as undelivered,
      (select count(*) from webhook_deliveries where status = 'FAILED')::int as failed,
      (select count(*) from outbox_events where type = 'order.recorded'
         and position > coalesce((select position from outbox_consumers where name = 'webhooks'), 0))::int as "notFannedOut"`);
  const row = rows[0] as { undelivered: number; failed: number; notFannedOut: number };
  return { ...row, total: row.undelivered + row.notFannedOut };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * `npm run bench -- events [--rate 100] [--seconds 60] [--customers 200]` (PostgreSQL): a throw-away database, the
 * built server as its own production process, an https receiver on loopback registered as a webhook endpoint for
 * ORDER_RECORDED (every signature verified with `standardwebhooks`) and a graphql-ws client subscribed to
 * `events(types: [ORDER_RECORDED])`; orders are recorded through the API at a fixed rate (open loop) and each event
 * is matched to its order by `data.order.id`. Returns false when an event is missing after the drain.
 */
export async function benchEvents(
  config: AppConfig,
  options: EventsBenchOptions,
): Promise<boolean> {
  if (!config.databaseUrl)
    throw new Error('bench events measures the PostgreSQL deployment: set DATABASE_URL');
  const dbName = `c360_bench_events_${process.pid}`;
  const dbUrl = new URL(config.databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  const benchConfig = { ...config, databaseUrl, apiKeyHashKey: BENCH_HASH_KEY };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'c360-bench-events-'));
  const load1 = os.loadavg()[0];

  console.log(`creating database ${dbName}…`);
  await adminQuery(config.databaseUrl, `create database ${escapeIdentifier(dbName)}`);
  let server: ChildProcess | null = null;
  let receiver: https.Server | null = null;
  let ws: ReturnType<typeof createClient> | null = null;
  let sql: Client | null = null;
  try {
    const db = await openDatabase(benchConfig);
    await migrate(db);
    const { key, record } = await createServices(benchConfig, db.dataSource).apiKeys.create(
      'bench events',
      ['admin'],
      new Date(Date.now() + 3_600_000),
    );
    await db.close();

    const certificate = makeCertificate(tmp);
    const webhook = newChannel();
    const subscription = newChannel();
    let verifier: Webhook | null = null;
    let badSignatures = 0;
    receiver = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = now();
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          verifier!.verify(raw, req.headers as Record<string, string>);
        } catch {
          badSignatures += 1;
          res.writeHead(400).end();
          return;
        }
        res.writeHead(204).end();
        receive(webhook, JSON.parse(raw) as EventMessage, at);
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const receiverUrl = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    const serverNodeOptions = startScriptNodeFlags();
    server = spawn(
      process.execPath,
      [...serverNodeOptions.split(' ').filter(Boolean), path.join(ROOT, 'dist', 'src', 'main.js')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORT: String(SERVER_PORT),
          DATABASE_URL: databaseUrl,
          API_KEY_HASH_KEY: BENCH_HASH_KEY,
          WEBHOOK_ALLOW_PRIVATE: 'true',
          // The receiver's self-signed certificate: the server verifies TLS as it would for any endpoint.
          NODE_EXTRA_CA_CERTS: certificate.certPath,
          LOG_LEVEL: 'info',
        },
      },
    );
    await waitForLine(server, /GraphQL API on http/, 'the server');

    const graphqlUrl = `http://127.0.0.1:${SERVER_PORT}/graphql`;
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      if (res.status !== 200 || body.errors || !body.data)
        throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body)}`);
      return body.data;
    };

    const created = (await gql(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }`,
      {
        input: {
          url: receiverUrl,
          eventTypes: ['ORDER_RECORDED'],
          apiKeyId: record.id,
          description: 'bench events',
        },
      },
    )) as { createWebhookEndpoint: { secret: string; endpoint: { id: string } } };
    verifier = new Webhook(created.createWebhookEndpoint.secret);

    console.log(`creating ${options.customers} customers…`);
    const customers: string[] = [];
    let nextCustomer = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (nextCustomer < options.customers) {
          const n = nextCustomer++;
          const data = (await gql(
            `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
            { input: { givenName: 'Bench', familyName: `Customer${n}` } },
          )) as { createCustomer: { id: string } };
          customers[n] = data.createCustomer.id;
        }
      }),
    );

    ws = createClient({
      url: `ws://127.0.0.1:${SERVER_PORT}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
    });
    let subscriptionError: unknown = null;
    ws.subscribe(
      {
        query:
          'subscription { events(types: [ORDER_RECORDED]) { id customerId sequence occurredAt data } }',
      },
      {
        next: (message) => {
          const at = now();
          const event = (message.data as { events?: EventMessage } | null)?.events;
          if (event) receive(subscription, event, at);
          else subscriptionError = message.errors ?? message;
        },
        error: (error) => {
          subscriptionError = error;
        },
        complete: () => {},
      },
    );

    const recordOrder = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created order { id } } }`;
    const orderInput = (ref: string, customer: string) => ({
      input: {
        customer: { id: customer },
        source: 'bench',
        externalRef: ref,
        currency: config.shopCurrency,
        placedAt: new Date().toISOString(),
        gross: '25.00',
        itemCount: 1,
      },
    });

    // Warm-up: an order every 2 s until one has reached both channels, so the subscription is live (one set up
    // after an order committed never sees it) and the delivery worker awake.
    const warmIds = new Set<string>();
    const warmUntil = Date.now() + 60_000;
    const warmedUp = () =>
      [...warmIds].some((id) => webhook.byOrder.has(id) && subscription.byOrder.has(id));
    while (!warmedUp()) {
      if (subscriptionError)
        throw new Error(`subscription failed: ${JSON.stringify(subscriptionError)}`);
      if (Date.now() > warmUntil)
        throw new Error('no warm-up order reached both the webhook and the subscription in 60 s');
      const warm = (await gql(
        recordOrder,
        orderInput(`warm-up-${warmIds.size}`, customers[warmIds.size % customers.length]),
      )) as { recordOrder: { order: { id: string } } };
      warmIds.add(warm.recordOrder.order.id);
      for (let waited = 0; waited < 2000 && !warmedUp(); waited += 20) await sleep(20);
    }

    sql = new Client({ connectionString: databaseUrl });
    await sql.connect();

    // Open loop: order i is sent at start + i / rate, whether or not earlier ones have been answered.
    const total = Math.round(options.rate * options.seconds);
    const interval = 1000 / options.rate;
    const acks = new Map<string, { sent: number; ack: number }>();
    const failures: string[] = [];
    let attempted = 0;
    let lastAck = 0;
    const cpuBefore = { server: cpuSeconds(server.pid!), postgres: postgresCpuSeconds() };
    const started = now();
    const inflight: Promise<void>[] = [];
    console.log(`recording ${total} orders at ${options.rate}/s…`);
    for (let i = 0; i < total; i++) {
      const wait = started + i * interval - now();
      if (wait > 1) await sleep(wait);
      attempted += 1;
      const sent = now();
      inflight.push(
        gql(recordOrder, orderInput(`B${i}`, customers[i % customers.length])).then(
          (data) => {
            const ack = now();
            lastAck = Math.max(lastAck, ack);
            const result = (data as { recordOrder: { created: boolean; order: { id: string } } })
              .recordOrder;
            if (!result.created) failures.push(`B${i}: not created`);
            else acks.set(result.order.id, { sent, ack });
          },
          (error: Error) => {
            failures.push(`B${i}: ${error.message.slice(0, 200)}`);
          },
        ),
      );
    }
    const sendStopped = now();
    const atStop = {
      ...(await backlog(sql)),
      inFlight: attempted - acks.size - failures.length,
      webhookNotYetReceived: [...acks.keys()].filter((id) => !webhook.byOrder.has(id)).length,
      subscriptionNotYetReceived: [...acks.keys()].filter((id) => !subscription.byOrder.has(id))
        .length,
    };
    await Promise.all(inflight);
    const cpu = {
      server: cpuSeconds(server.pid!) - cpuBefore.server,
      postgres: postgresCpuSeconds() - cpuBefore.postgres,
    };
    const loadSeconds = (now() - started) / 1000;

    // Drain: until every acknowledged order reached both channels and nothing is left undelivered, at most 30 s.
    const drainStarted = now();
    let afterDrain = await backlog(sql);
    const missing = (channel: Channel) =>
      [...acks.keys()].filter((id) => !channel.byOrder.has(id)).length;
    while (now() - drainStarted < DRAIN_MS) {
      afterDrain = await backlog(sql);
      if (!missing(webhook) && !missing(subscription) && afterDrain.total === 0) break;
      await sleep(200);
    }
    const drainSeconds = (now() - drainStarted) / 1000;
    // A moment more, so that a late duplicate would be seen too.
    await sleep(500);
    afterDrain = await backlog(sql);

    const channelReport = (channel: Channel) => {
      const fromAck: number[] = [];
      const fromOccurred: number[] = [];
      let beforeAck = 0;
      let duplicatedOrders = 0;
      for (const [id, { ack }] of acks) {
        const seen = channel.byOrder.get(id);
        if (!seen) continue;
        fromAck.push(seen.at - ack);
        if (seen.at < ack) beforeAck += 1;
        fromOccurred.push(seen.at - seen.occurredAt);
        if (seen.count > 1) duplicatedOrders += 1;
      }
      const unexpected = [...channel.byOrder.keys()].filter(
        (id) => !warmIds.has(id) && !acks.has(id),
      ).length;
      return {
        received: fromAck.length,
        missing: missing(channel),
        duplicated: Math.max(
          duplicatedOrders,
          [...channel.byEvent.values()].filter((n) => n > 1).length,
        ),
        unexpected,
        outOfOrder: channel.outOfOrder,
        beforeAck,
        fromAck: percentiles(fromAck),
        fromOccurredAt: percentiles(fromOccurred),
      };
    };
    const mutation = percentiles([...acks.values()].map((a) => a.ack - a.sent));
    const result = {
      bench: 'events',
      rate: options.rate,
      seconds: options.seconds,
      customers: customers.length,
      attempted,
      acknowledged: acks.size,
      failed: failures.length,
      sendSeconds: (sendStopped - started) / 1000,
      achievedRate: acks.size / ((lastAck - started) / 1000),
      mutationMs: mutation,
      webhook: { ...channelReport(webhook), badSignatures },
      subscription: {
        ...channelReport(subscription),
        error: subscriptionError ? JSON.stringify(subscriptionError).slice(0, 300) : null,
      },
      backlogAtStop: atStop,
      backlogAfterDrain: afterDrain,
      drainSeconds,
      serverCpuPercent: (100 * cpu.server) / loadSeconds,
      postgresCpuPercent: (100 * cpu.postgres) / loadSeconds,
      machine: { cpus: os.cpus().length, loadAverage1mAtStart: load1 },
      serverNodeOptions,
    };
    for (const failure of failures.slice(0, 5)) console.log(`failed: ${failure}`);
    printReport(result);
    return (
      result.webhook.missing === 0 &&
      result.subscription.missing === 0 &&
      badSignatures === 0 &&
      result.acknowledged > 0
    );
  } finally {
    await ws?.dispose();
    await sql?.end();
    if (server) await stopProcess(server);
    if (receiver) {
      receiver.closeAllConnections();
      await new Promise((r) => receiver!.close(r));
    }
    await adminQuery(config.databaseUrl, `drop database ${escapeIdentifier(dbName)} with (force)`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

type Percentiles = ReturnType<typeof percentiles>;
interface ChannelResult {
  received: number;
  missing: number;
  duplicated: number;
  unexpected: number;
  outOfOrder: number;
  beforeAck: number;
  fromAck: Percentiles;
  fromOccurredAt: Percentiles;
}

function printReport(r: {
  rate: number;
  seconds: number;
  customers: number;
  attempted: number;
  acknowledged: number;
  failed: number;
  achievedRate: number;
  mutationMs: Percentiles;
  webhook: ChannelResult & { badSignatures: number };
  subscription: ChannelResult;
  backlogAtStop: { total: number; undelivered: number; notFannedOut: number; inFlight: number };
  backlogAfterDrain: { total: number; undelivered: number; failed: number };
  drainSeconds: number;
  serverCpuPercent: number;
  postgresCpuPercent: number;
  machine: { cpus: number; loadAverage1mAtStart: number };
}) {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
  const p = (x: Percentiles) => `${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.p99)} / ${ms(x.max)}`;
  console.log(
    `\n${r.rate} orders/s for ${r.seconds} s over ${r.customers} customers; ${r.machine.cpus} cores, load average ${r.machine.loadAverage1mAtStart.toFixed(2)} at start; ` +
      `server CPU ${r.serverCpuPercent.toFixed(0)}%, PostgreSQL CPU ${r.postgresCpuPercent.toFixed(0)}% (of one core) while sending\n`,
  );
  console.log('| orders | |');
  console.log('|---|---|');
  console.log(
    `| attempted / acknowledged / failed | ${r.attempted} / ${r.acknowledged} / ${r.failed} |`,
  );
  console.log(`| achieved rate | ${r.achievedRate.toFixed(1)} /s |`);
  console.log(`| recordOrder p50 / p95 / p99 / max | ${p(r.mutationMs)} ms |`);
  console.log(
    `| webhook backlog when sending stopped | ${r.backlogAtStop.total} (${r.backlogAtStop.undelivered} deliveries not DELIVERED, ${r.backlogAtStop.notFannedOut} events not fanned out; ${r.backlogAtStop.inFlight} orders in flight) |`,
  );
  console.log(
    `| webhook backlog after the drain | ${r.backlogAfterDrain.total} (${r.backlogAfterDrain.failed} FAILED), drained in ${r.drainSeconds.toFixed(1)} s |`,
  );
  console.log(
    '\n| channel | received | missing | duplicated | out of order | ack → receipt p50 / p95 / p99 / max ms | occurredAt → receipt p50 / p95 / p99 / max ms | before the ack |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, c] of [
    ['webhook', r.webhook],
    ['subscription', r.subscription],
  ] as const)
    console.log(
      `| ${name} | ${c.received} | ${c.missing} | ${c.duplicated} | ${c.outOfOrder} | ${p(c.fromAck)} | ${p(c.fromOccurredAt)} | ${c.beforeAck} |`,
    );
  if (r.webhook.badSignatures) console.log(`\nBAD SIGNATURES: ${r.webhook.badSignatures}`);
  console.log(`\n${JSON.stringify(r)}`);
}
