import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { startServerProcess, ServerProcess } from '../support/server-process';
import { testPort } from '../support/own-cluster-db';

interface Span {
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** A stand-in OpenTelemetry collector: keeps every OTLP/HTTP JSON trace export it receives. */
function startCollector(): Promise<{ url: string; spans: Span[]; raw: string[]; close(): void }> {
  const spans: Span[] = [];
  const raw: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      raw.push(body);
      if (req.url === '/v1/traces') {
        for (const rs of JSON.parse(body).resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? []) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        spans,
        raw,
        close: () => server.close(),
      }),
    ),
  );
}

const SECRET = 'secret-search-term-4711';
const QUERY =
  'query TracedCustomers($search: String) { customers(first: 5, filter: { search: $search }) { totalCount nodes { email } } }';

describe('the server process: OpenTelemetry traces and JSON logs', () => {
  let t: TestApp | null = null;
  let dataDir: string | null = null;
  let server: ServerProcess;
  let key: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let exitCode: number | null;
  const onPostgres = Boolean(process.env.DATABASE_URL);

  beforeAll(async () => {
    collector = await startCollector();
    const env: Record<string, string> = {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'c360-test',
      LOG_LEVEL: 'info',
    };
    if (onPostgres) {
      t = await startTestApp();
      await t.app.stop();
      key = t.adminKey;
      env.DATABASE_URL = t.database.config.databaseUrl!;
    } else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c360-process-'));
      env.PGLITE_DATA_DIR = dataDir;
    }
    server = await startServerProcess(env, testPort(4));
    if (!onPostgres) key = fs.readFileSync(path.join(dataDir!, 'demo-api-key'), 'utf8').trim();
    const res = await request(server.baseUrl)
      .post('/graphql')
      .set('x-api-key', key)
      .set('x-request-id', 'trace-me-1')
      .send({ query: QUERY, variables: { search: SECRET } });
    expect(res.status).toBe(200);
    expect(res.body.data.customers.totalCount).toBe(0);
    // identifiers has no SQL projection, so this one runs on the resolvers.
    const resolved = await request(server.baseUrl).post('/graphql').set('x-api-key', key).send({
      query: 'query ResolvedCustomers { customers(first: 2) { nodes { identifiers { type } } } }',
    });
    expect(resolved.status).toBe(200);
    await request(server.baseUrl).get('/healthz').expect(200);
    exitCode = await server.terminate();
  }, 120_000);

  afterAll(async () => {
    collector.close();
    await t?.database.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits cleanly on SIGTERM, flushing the spans it still held', () => {
    expect(exitCode).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: finishing in-flight requests/);
    expect(collector.spans.length).toBeGreaterThan(0);
  });

  it('traces the HTTP request, the GraphQL operation and (on PostgreSQL) each SQL statement', () => {
    const names = collector.spans.map((s) => s.name);
    const attribute = (span: Span, ...keys: string[]) =>
      span.attributes.find((a) => keys.includes(a.key))?.value.stringValue;
    const httpSpan = collector.spans.find(
      (s) => s.name === 'POST' && attribute(s, 'url.path', 'http.target') === '/graphql',
    );
    expect(httpSpan).toBeDefined();
    // The compiled reads answered the first query: their span carries the operation's name; the second ran resolvers.
    const compiled = collector.spans.find((s) => s.name === 'query TracedCustomers');
    expect(compiled && attribute(compiled, 'graphql.operation.name')).toBe('TracedCustomers');
    expect(compiled!.attributes.find((a) => a.key === 'c360.compiled_reads')?.value.boolValue).toBe(
      true,
    );
    expect(names).toContain('query ResolvedCustomers');
    expect(names).toEqual(
      expect.arrayContaining(['graphql.parse', 'graphql.validate', 'graphql.resolve customers']),
    );
    if (onPostgres) {
      const sql = collector.spans.filter((s) =>
        s.attributes.some((a) => a.key === 'db.system' || a.key === 'db.system.name'),
      );
      expect(sql.length).toBeGreaterThan(0);
    }
    expect(names.some((n) => /healthz/.test(n))).toBe(false);
  });

  it('never puts variables or SQL parameters in a span', () => {
    expect(collector.raw.join('\n')).not.toContain(SECRET);
  });

  it('logs one JSON line per operation with request id, key id, operation and duration, and nothing personal', () => {
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const line = lines.find((l) => l.msg === 'graphql' && l.requestId === 'trace-me-1');
    expect(line).toMatchObject({ type: 'query', operation: 'TracedCustomers', errors: [] });
    expect(line.keyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof line.ms).toBe('number');
    expect(server.output()).not.toContain(SECRET);
    // (The embedded database's demo key is printed once at its creation, by design; request logs never hold a key.)
    expect(JSON.stringify(lines)).not.toContain(key);
  });
});
