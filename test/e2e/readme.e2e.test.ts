import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/test-app';
import { seedDemoData } from '../../src/seed/seed';
import { parseGlobalId } from '../../src/common/relay';
import { testPort } from '../support/own-cluster-db';

/*
 * The README's examples run as written, so the README cannot drift from the API: every GraphQL block (with the
 * JSON block right after it as its variables), every curl body, and on PostgreSQL the quick start, line by line.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Block {
  lang: string;
  body: string;
  line: number;
  marker: string | null;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    const before = markdown.slice(0, m.index);
    const marker = /<!-- readme-test: ([\w-]+) -->\s*$/.exec(before)?.[1] ?? null;
    found.push({ lang: m[1], body: m[2], line: before.split('\n').length, marker });
  }
  return found;
}

interface Example {
  line: number;
  query: string;
  variables: Record<string, unknown>;
}

/** GraphQL blocks, each with the JSON block that follows it directly; and the bodies of the curl commands. */
function examples(markdown: string): Example[] {
  const all = blocks(markdown);
  const out: Example[] = [];
  all.forEach((block, i) => {
    if (block.lang === 'graphql') {
      const next = all[i + 1];
      const adjacent =
        next &&
        next.lang === 'json' &&
        next.line - (block.line + block.body.split('\n').length) <= 2;
      out.push({
        line: block.line,
        query: block.body,
        variables: adjacent ? JSON.parse(next.body) : {},
      });
    }
    if (block.lang === 'sh') {
      for (const command of block.body.split('\n').filter((l) => l.startsWith('curl '))) {
        const body = /-d '([^']*)'/.exec(command)?.[1];
        if (body)
          out.push({ line: block.line, ...(JSON.parse(body) as { query: string }), variables: {} });
      }
    }
  });
  return out;
}

/** `"<Order id>"` becomes the last Order id an earlier answer held. */
function substitute(value: unknown, ids: Map<string, string>, line: number): unknown {
  if (typeof value === 'string') {
    const placeholder = /^<([A-Za-z]+) id>$/.exec(value);
    if (!placeholder) return value;
    const id = ids.get(placeholder[1]);
    if (!id)
      throw new Error(
        `README line ${line}: no earlier example answered with a ${placeholder[1]} id`,
      );
    return id;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids, line));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids, line)]));
  }
  return value;
}

function collectIds(value: unknown, ids: Map<string, string>) {
  if (Array.isArray(value)) value.forEach((v) => collectIds(v, ids));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'id' && typeof v === 'string') {
        const parsed = parseGlobalId(v);
        if (parsed) ids.set(parsed.typeName, v);
      } else collectIds(v, ids);
    }
  }
}

describe('README examples', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedDemoData(t.database.db, t.database.config, {
      customers: 40,
      currency: 'USD',
      asOf: new Date(new Date().toISOString().slice(0, 10)),
    });
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('has examples of every mutation the README promises', () => {
    const operations = examples(README)
      .map((e) => e.query)
      .join('\n');
    for (const mutation of [
      'createCustomer',
      'upsertProducts',
      'recordOrder',
      'recordReturn',
      'recordFeedback',
      'earnLoyaltyPoints',
      'redeemLoyaltyPoints',
    ]) {
      expect({ mutation, shown: operations.includes(`${mutation}(`) }).toEqual({
        mutation,
        shown: true,
      });
    }
  });

  it('runs every GraphQL block and curl body as written, in order, without an error', async () => {
    const ids = new Map<string, string>();
    const results: { line: number; errors: unknown }[] = [];
    for (const example of examples(README)) {
      const res = await t.gql(
        example.query,
        substitute(example.variables, ids, example.line) as Record<string, unknown>,
      );
      results.push({ line: example.line, errors: res.errors ?? null });
      expect({ line: example.line, status: res.status }).toEqual({
        line: example.line,
        status: 200,
      });
      if (res.data) collectIds(res.data, ids);
    }
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

// The quick start creates a database on the PostgreSQL of DATABASE_URL, so it runs in the PostgreSQL pass.
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('README PostgreSQL quick start (needs DATABASE_URL)', () => {
  const database = `c360_readme_${process.pid}`;
  const admin = () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = '/postgres';
    return url.toString();
  };
  afterAll(async () => {
    const client = new Client({ connectionString: admin() });
    await client.connect();
    await client.query(`drop database if exists ${database} with (force)`);
    await client.end();
  });

  it('works pasted line by line: create the database, migrate, seed, make a key, start, query', async () => {
    const quickStart = blocks(README).find((b) => b.marker === 'postgres-quick-start');
    expect(quickStart).toBeDefined();
    const lines = quickStart!.body.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('npm start');
    const url = new URL(process.env.DATABASE_URL!);
    // The README's host, port and database name become this test's; `npm install` has been done by the test run.
    const script = lines
      .slice(0, -1)
      .filter((line) => line !== 'npm install')
      .map((line) =>
        line
          .replaceAll('127.0.0.1:5432/c360', `${url.host}/${database}`)
          .replaceAll("'create database c360'", `'create database ${database}'`)
          .replaceAll('-h 127.0.0.1 ', `-h ${url.hostname} -p ${url.port || 5432} `),
      )
      .join('\n');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      LOG_LEVEL: 'warn',
    };
    const output = execFileSync(
      'bash',
      [
        '-euo',
        'pipefail',
        '-c',
        `${script}\necho "C360_KEY=$C360_KEY"\necho "DATABASE_URL=$DATABASE_URL"`,
      ],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 },
    );
    expect(output).toMatch(/Applied|applied|migration/i);
    const key = /^C360_KEY=(c360_\S+)$/m.exec(output)?.[1];
    const databaseUrl = /^DATABASE_URL=(\S+)$/m.exec(output)?.[1];
    expect(key).toBeDefined();

    const port = testPort(44);
    const server = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...env, DATABASE_URL: databaseUrl!, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let log = '';
    server.stdout.on('data', (c) => {
      log += c;
    });
    server.stderr.on('data', (c) => {
      log += c;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`npm start did not start:\n${log}`)),
          180_000,
        );
        server.stdout.on('data', () => {
          if (/GraphQL API on http/.test(log)) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.once('exit', () => {
          clearTimeout(timer);
          reject(new Error(`npm start exited:\n${log}`));
        });
      });
      // The curl of the README's next block, with this port.
      const after = README.slice(README.indexOf('<!-- readme-test: postgres-quick-start -->'));
      const curl = blocks(after)[1]
        .body.split('\n')
        .find((l) => l.startsWith('curl '))!;
      const answer = execFileSync(
        'bash',
        ['-c', curl.replace('127.0.0.1:4000', `127.0.0.1:${port}`)],
        { env: { ...env, C360_KEY: key! }, encoding: 'utf8' },
      );
      const body = JSON.parse(answer);
      expect(body.errors).toBeUndefined();
      expect(body.data.customers.totalCount).toBe(1000);
    } finally {
      process.kill(-server.pid!, 'SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  }, 420_000);
});
