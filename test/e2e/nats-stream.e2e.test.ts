import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startTestApp, TestApp } from '../support/test-app';
import { startServerProcess } from '../support/server-process';
import { createCustomer, recordOrder } from '../support/factories';
import { testPort } from '../support/own-cluster-db';
import { natsServerAvailable, OwnNats, startOwnNats } from '../support/nats-server';
import { Client } from 'pg';
import { describeIf, natsServer, NATS_TEST_URL, postgres } from '../support/requirements';
import { toGlobalId } from '../../src/common/relay';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Received {
  subject: string;
  msgId: string | undefined;
  body: {
    id: string;
    type: string;
    customerId: string | null;
    sequence: string | null;
    occurredAt: string;
    data: Record<string, any>;
    redacted: string[];
  };
}

interface OutboxRow {
  id: string;
  type: string;
  customer_id: string | null;
  sequence: string | null;
}

async function streamMessages(nc: NatsConnection, stream: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(stream)).state.messages;
}

/** Waits (polling, with a generous deadline) until the stream holds `count` messages. */
async function untilStreamHolds(nc: NatsConnection, stream: string, count: number) {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if ((await streamMessages(nc, stream).catch(() => -1)) >= count) return;
    await sleep(100);
  }
}

/** Every message of the stream, in stream order, through an ordered JetStream consumer. */
async function readStream(nc: NatsConnection, stream: string): Promise<Received[]> {
  const total = await streamMessages(nc, stream);
  const consumer = await jetstream(nc).consumers.get(stream);
  const received: Received[] = [];
  while (received.length < total) {
    const batch = await consumer.fetch({ max_messages: total - received.length, expires: 2000 });
    let got = 0;
    for await (const m of batch) {
      got += 1;
      received.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), body: m.json() });
    }
    if (got === 0) break;
  }
  return received;
}

async function writeSome(t: TestApp, customers: number) {
  for (let i = 0; i < customers; i++) {
    const c = await createCustomer(t);
    await recordOrder(t, c.id, { gross: '12.50' });
    await recordOrder(t, c.id, { gross: '7.00' });
  }
}

/** Every outbox event is on the stream exactly once, with its subject, its id as Nats-Msg-Id, in order per customer. */
async function expectExactlyOnce(t: TestApp, received: Received[], prefix: string) {
  const outbox: OutboxRow[] = await t.sql(
    'select id::text, type, customer_id, sequence::text from outbox_events order by position',
  );
  expect(outbox.length).toBeGreaterThan(0);
  expect(received.map((m) => m.body.id)).toEqual(outbox.map((e) => e.id));
  const ids = received.map((m) => m.body.id);
  expect(new Set(ids).size).toBe(ids.length);
  const lastSequence = new Map<string, number>();
  received.forEach((m, i) => {
    const row = outbox[i];
    expect(m.subject).toBe(`${prefix}.${row.type}`);
    expect(m.msgId).toBe(row.id);
    expect(m.body.type).toBe(row.type);
    expect(m.body.sequence).toBe(row.sequence);
    expect(m.body.customerId).toBe(row.customer_id && toGlobalId('Customer', row.customer_id));
    if (row.customer_id) {
      const seq = Number(row.sequence);
      expect(seq).toBeGreaterThan(lastSequence.get(row.customer_id) ?? 0);
      lastSequence.set(row.customer_id, seq);
    }
  });
  return outbox;
}

const unique = () => randomBytes(4).toString('hex');

describeIf(natsServer())('the outbox on a NATS JetStream stream', () => {
  let t: TestApp | null = null;
  let nc: NatsConnection | null = null;
  const stream = `C360_TEST_${unique()}`;
  const prefix = `c360test${unique()}`;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_TEST_URL });
    t = await startTestApp({
      natsUrl: NATS_TEST_URL,
      natsStream: stream,
      natsSubjectPrefix: prefix,
    });
  });
  afterAll(async () => {
    await t?.close();
    if (nc) {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });

  it('publishes every event once, in order, across a restart that re-publishes from an older position', async () => {
    const publisher = t!.app.natsStream!;
    publisher.start();
    await writeSome(t!, 2);
    const firstCount = Number((await t!.sql('select count(*) as n from outbox_events'))[0].n);
    await untilStreamHolds(nc!, stream, firstCount);
    await publisher.stop();
    expect(await streamMessages(nc!, stream)).toBe(firstCount);

    // Written while the publisher is stopped; then the reader's position is lost, as after a crash between the
    // acks and the position's update: everything is sent again and JetStream drops what it has (Nats-Msg-Id).
    await writeSome(t!, 2);
    await t!.sql("delete from outbox_consumers where name = 'nats'");
    publisher.start();
    const total = Number((await t!.sql('select count(*) as n from outbox_events'))[0].n);
    await untilStreamHolds(nc!, stream, total);
    // The position catches up with the head: everything re-sent was acknowledged (as a duplicate or not).
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      const [row] = await t!.sql(
        "select position::text as position from outbox_consumers where name = 'nats'",
      );
      const [head] = await t!.sql('select max(position)::text as position from outbox_events');
      if (row?.position === head.position) break;
      await sleep(100);
    }
    const received = await readStream(nc!, stream);
    expect(received.length).toBe(total);
    await expectExactlyOnce(t!, received, prefix);
    expect(publisher.status().published).toBe(total);

    // Personal fields are withheld by default (NATS_PERSONAL_DATA=false) and named in `redacted`.
    const created = received.find((m) => m.body.type === 'customer.created')!;
    expect(created.body.data.customer.email).toBeUndefined();
    expect(created.body.redacted).toContain('customer.email');

    // /readyz reports the stream as information (idle once the last batch's position is recorded).
    const until = Date.now() + 10_000;
    while (publisher.status().state !== 'idle' && Date.now() < until) await sleep(50);
    const ready = await request(t!.app.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.natsStream).toMatchObject({ stream, state: 'idle', lastError: null });
  });
});

describeIf(natsServer())('the NATS stream with personal data on', () => {
  it('carries the personal fields in full', async () => {
    const stream = `C360_TEST_${unique()}`;
    const prefix = `c360test${unique()}`;
    const nc = await connect({ servers: NATS_TEST_URL });
    const t = await startTestApp({
      natsUrl: NATS_TEST_URL,
      natsStream: stream,
      natsSubjectPrefix: prefix,
      natsPersonalData: true,
    });
    try {
      t.app.natsStream!.start();
      await createCustomer(t, { email: 'stream.reader@example.com' });
      await untilStreamHolds(nc, stream, 1);
      const [message] = await readStream(nc, stream);
      expect(message.body.data.customer.email).toBe('stream.reader@example.com');
      expect(message.body.redacted).toEqual([]);
    } finally {
      await t.close();
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });
});

describeIf({ met: natsServerAvailable(), reason: 'needs nats-server on PATH' })(
  'when NATS is down at start and goes away',
  () => {
    let own: OwnNats | null = null;
    let t: TestApp | null = null;
    afterEach(async () => {
      await t?.close();
      t = null;
      await own?.remove();
      own = null;
    });

    it('keeps serving, retries, and resumes from its position without loss or duplicates', async () => {
      const port = testPort(7);
      const url = `nats://127.0.0.1:${port}`;
      const prefix = 'c360';
      t = await startTestApp({ natsUrl: url, natsStream: 'C360', natsSubjectPrefix: prefix });
      const publisher = t.app.natsStream!;
      publisher.start();
      // NATS is not there yet: writes still succeed, the publisher retries and says so.
      await writeSome(t, 1);
      const end = Date.now() + 10_000;
      while (publisher.status().state !== 'retrying' && Date.now() < end) await sleep(50);
      expect(publisher.status().state).toBe('retrying');
      const ready = await request(t.app.app).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.natsStream.state).toBe('retrying');

      own = await startOwnNats(port);
      const nc = await connect({ servers: url });
      let count = Number((await t.sql('select count(*) as n from outbox_events'))[0].n);
      await untilStreamHolds(nc, 'C360', count);
      expect(await streamMessages(nc, 'C360')).toBe(count);
      await nc.close();

      // NATS goes away (killed) while events are written, and comes back on the same store.
      await own.kill();
      await writeSome(t, 2);
      await own.restart();
      const again = await connect({ servers: url });
      try {
        count = Number((await t.sql('select count(*) as n from outbox_events'))[0].n);
        await untilStreamHolds(again, 'C360', count);
        const received = await readStream(again, 'C360');
        expect(received.length).toBe(count);
        await expectExactlyOnce(t, received, prefix);
      } finally {
        await again.close();
      }
    });
  },
);

describeIf(natsServer(), postgres())('two servers on one PostgreSQL', () => {
  it('publish one at a time: while another holds the lock, this one stands by', async () => {
    const stream = `C360_TEST_${unique()}`;
    const prefix = `c360test${unique()}`;
    const nc = await connect({ servers: NATS_TEST_URL });
    // A pool of one: the lock is held on a connection of its own, so the publisher's reads still get one.
    const t = await startTestApp({
      natsUrl: NATS_TEST_URL,
      natsStream: stream,
      natsSubjectPrefix: prefix,
      dbPoolSize: 1,
    });
    // The other server: a session of its own holding the publisher's lock.
    const other = new Client({ connectionString: t.database.config.databaseUrl! });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock(hashtextextended($1, 0))', [
        'outbox-consumer:nats',
      ]);
      const publisher = t.app.natsStream!;
      publisher.start();
      await writeSome(t, 1);
      const end = Date.now() + 10_000;
      while (publisher.status().state !== 'standby' && Date.now() < end) await sleep(50);
      expect(publisher.status().state).toBe('standby');
      expect(publisher.status().published).toBe(0);

      await other.query('select pg_advisory_unlock(hashtextextended($1, 0))', [
        'outbox-consumer:nats',
      ]);
      const count = Number((await t.sql('select count(*) as n from outbox_events'))[0].n);
      await untilStreamHolds(nc, stream, count);
      await expectExactlyOnce(t, await readStream(nc, stream), prefix);
    } finally {
      await other.end();
      await t.close();
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });
});

describeIf(natsServer(), postgres())('the server process with NATS_URL', () => {
  it('publishes from src/main.ts and still exits 0 on SIGTERM', async () => {
    const stream = `C360_TEST_${unique()}`;
    const prefix = `c360test${unique()}`;
    const nc = await connect({ servers: NATS_TEST_URL });
    // Events written before the server starts (its publisher begins at the start of the outbox).
    const t = await startTestApp();
    await writeSome(t, 2);
    await t.app.stop();
    const server = await startServerProcess(
      {
        DATABASE_URL: t.database.config.databaseUrl!,
        LOG_LEVEL: 'silent',
        NATS_URL: NATS_TEST_URL,
        NATS_STREAM: stream,
        NATS_SUBJECT_PREFIX: prefix,
      },
      testPort(8),
    );
    try {
      const count = Number((await t.sql('select count(*) as n from outbox_events'))[0].n);
      await untilStreamHolds(nc, stream, count);
      await expectExactlyOnce(t, await readStream(nc, stream), prefix);
      const ready = await request(server.baseUrl).get('/readyz');
      expect(ready.body.natsStream.stream).toBe(stream);
      expect(await server.terminate()).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await t.database.drop();
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });
});
