import net from 'node:net';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/test-app';
import { startServerProcess, ServerProcess } from '../support/server-process';
import { testPort } from '../support/own-cluster-db';
import { describeIf, postgres } from '../support/requirements';

// Holds a request inside PostgreSQL with a table lock, so PostgreSQL deployments only.
const describeOnPostgres = describeIf(postgres());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECRET = 'drain-test-secret-0123456789abcdef';

/** One kept-alive HTTP/1.1 connection, written by hand so that the test decides which request goes on which socket. */
class RawConnection {
  readonly socket: net.Socket;
  private text = '';
  error: string | null = null;
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.text += chunk;
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error = error.code ?? error.message;
    });
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  send(key: string, body: object) {
    const json = JSON.stringify(body);
    this.socket.write(
      `POST /graphql HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n` +
        `Authorization: Bearer ${key}\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    );
  }

  /** The responses received so far: status and the Connection header. */
  responses(): { status: number; connection: string | null }[] {
    return [...this.text.matchAll(/HTTP\/1\.1 (\d{3})[^\r]*\r\n((?:[^\r]+\r\n)*)\r\n/g)].map(
      (m) => ({
        status: Number(m[1]),
        connection: /^connection: *(.+)$/im.exec(m[2])?.[1].trim().toLowerCase() ?? null,
      }),
    );
  }

  async waitForResponses(n: number, ms = 10_000) {
    const end = Date.now() + ms;
    while (this.responses().length < n && Date.now() < end) await sleep(20);
  }
}

describeOnPostgres('SIGTERM with kept-alive connections', () => {
  let t: TestApp;
  let server: ServerProcess;
  let locker: Client;

  beforeAll(async () => {
    t = await startTestApp({ apiKeyHashKey: SECRET });
    await t.app.stop();
    server = await startServerProcess(
      {
        DATABASE_URL: t.database.config.databaseUrl!,
        NODE_ENV: 'production',
        API_KEY_HASH_KEY: SECRET,
        LOG_LEVEL: 'silent',
      },
      testPort(36),
    );
    locker = new Client({ connectionString: t.database.config.databaseUrl! });
    await locker.connect();
  }, 120_000);

  afterAll(async () => {
    await locker.end().catch(() => undefined);
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await t.database.drop();
  });

  it('runs no request whose answer cannot be delivered: idle connections close, new work gets 503 with Connection: close', async () => {
    const port = Number(new URL(server.baseUrl).port);
    const mutation = (email: string) => ({
      query: 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      variables: { input: { email } },
    });
    // Four connections that have served a request and wait, kept alive, for the next.
    const idle = Array.from({ length: 4 }, () => new RawConnection(port));
    for (const c of idle) c.send(t.adminKey, { query: '{ __typename }' });
    for (const c of idle) await c.waitForResponses(1);
    expect(idle.map((c) => c.responses()[0].status)).toEqual([200, 200, 200, 200]);

    // One request held inside PostgreSQL keeps the drain going.
    await locker.query('begin');
    await locker.query('lock table customers in access exclusive mode');
    const busy = new RawConnection(port);
    busy.send(t.adminKey, { query: '{ customers(first: 1) { totalCount } }' });
    await sleep(500);
    server.child.kill('SIGTERM');
    await sleep(300);

    // New work during the drain: on each idle connection, and on the busy one behind its request.
    idle.forEach((c, i) => c.send(t.adminKey, mutation(`idle${i}@example.com`)));
    busy.send(t.adminKey, mutation('busy@example.com'));
    await sleep(500);
    await locker.query('commit');
    await busy.waitForResponses(1);
    await Promise.race([Promise.all([...idle, busy].map((c) => c.closed)), sleep(10_000)]);
    expect(await server.exited).toBe(0);

    const stored = new Set(
      (await locker.query(`select email from customers`)).rows.map(
        (r: { email: string }) => r.email,
      ),
    );
    const outcomes = [
      ...idle.map((c, i) => ({
        email: `idle${i}@example.com`,
        got: c.responses().slice(1),
        error: c.error,
      })),
      { email: 'busy@example.com', got: busy.responses().slice(1), error: busy.error },
    ];
    for (const o of outcomes) {
      // Work that ran was answered; whatever was answered during the drain was a 503 that closes the connection.
      expect({ email: o.email, stored: stored.has(o.email), answered: o.got.length > 0 }).toEqual({
        email: o.email,
        stored: false,
        answered: o.got.length > 0,
      });
      for (const response of o.got) expect(response).toEqual({ status: 503, connection: 'close' });
    }
    // The request in flight was finished and told the connection closes.
    expect(busy.responses()[0]).toEqual({ status: 200, connection: 'close' });
  }, 60_000);
});
