import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client, escapeIdentifier } from 'pg';
import { AppConfig } from '../src/config';
import { openDatabase } from '../src/db/data-source';
import { hasPendingMigrations, migrate } from '../src/db/bootstrap';
import { seedDemoData } from '../src/seed/seed';
import { createServices } from '../src/container';
import { apiScenarios, Scenario } from './api-scenarios';

const ROOT = path.resolve(__dirname, '..');
const SERVER_PORT = 4610;
const FLOOR_PORT = 4611;
const BENCH_HASH_KEY = 'benchmark-api-key-hash-key-0123456789';

interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencies: number[];
}
interface Measured {
  rps: number;
  p50: number;
  p99: number;
  statements: number | null;
  rssMb: number;
  failures: number;
  serverCpuMs: number;
  postgresCpuMs: number;
}
/** A load run and the CPU the server and PostgreSQL spent meanwhile. */
interface Run {
  result: LoadResult;
  peakRssMb: number;
  serverCpu: number;
  postgresCpu: number;
}

export interface ApiBenchOptions {
  customers: number;
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  connections: number;
  only: string | null;
  /** V8 flags for the server process only, e.g. --max-old-space-size=224 (the floor and the load generator keep the defaults). */
  serverNodeOptions: string;
}

/**
 * Resolves on the child's start-up line, then stops listening: a listener left on its output would keep every
 * request log line the server writes, and the bench's own process would spend CPU on them while it measures.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      seen += chunk.toString();
    };
    const onExit = (code: number | null) => {
      stop();
      reject(new Error(`${what} exited (${code}):\n${seen}`));
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${what} did not start:\n${seen}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        stop();
        resolve();
      }
    };
    function stop() {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onOutput);
      child.off('exit', onExit);
      // Whatever the child writes from now on is read and dropped, so its pipes never fill.
      child.stdout!.resume();
      child.stderr!.resume();
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onOutput);
    child.once('exit', onExit);
  });
}

/**
 * CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s on Linux); with
 * `children`, also what its ended children used (the postmaster's, for backends that closed meanwhile).
 */
export function cpuSeconds(pid: number, children = false): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (
      (Number(fields[11]) +
        Number(fields[12]) +
        (children ? Number(fields[13]) + Number(fields[14]) : 0)) /
      100
    );
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/** CPU seconds of every local PostgreSQL process (postmaster and backends); 0 when the server is elsewhere. */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        total += cpuSeconds(Number(entry), true);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** One autocannon run in its own process, with the server's RSS sampled while it runs. */
async function load(
  url: string,
  headers: Record<string, string>,
  bodies: string[],
  seconds: number,
  connections: number,
  serverPid: number,
): Promise<Run> {
  let peak = rssMb(serverPid);
  const cpuBefore = { server: cpuSeconds(serverPid), postgres: postgresCpuSeconds() };
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(serverPid));
  }, 250);
  const plan = JSON.stringify({ url, headers, bodies, connections, seconds });
  const out = await new Promise<string>((resolve, reject) => {
    // The compiled load generator (built with the server), so that a round does not begin with ts-node compiling it.
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'bench', 'load.js'), plan], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (c) => {
      text += c;
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`load generator exited ${code}`)),
    );
  });
  clearInterval(sampler);
  return {
    result: JSON.parse(out) as LoadResult,
    peakRssMb: peak,
    serverCpu: cpuSeconds(serverPid) - cpuBefore.server,
    postgresCpu: postgresCpuSeconds() - cpuBefore.postgres,
  };
}

async function post(url: string, headers: Record<string, string>, body: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return res.json() as Promise<{ data?: unknown; errors?: unknown[] }>;
}

/** SQL statements per GraphQL request so far, from the server's own Prometheus histogram. */
async function statementTotals(adminKey: string): Promise<{ sum: number; count: number }> {
  const text = await (
    await fetch(`http://127.0.0.1:${SERVER_PORT}/metrics`, {
      headers: { authorization: `Bearer ${adminKey}` },
    })
  ).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    sum: read('graphql_sql_statements_per_request_sum'),
    count: read('graphql_sql_statements_per_request_count'),
  };
}

/** The V8 flags `npm start` gives the server, so the bench measures the server as it is deployed. */
export function startScriptNodeFlags(): string {
  const start: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts
    .start;
  return /\bnode ((?:--\S+ ?)*)dist\/src\/main\.js/.exec(start)?.[1]?.trim() ?? '';
}

/** Creates the database DATABASE_URL names when the server has none by that name (a bench database of its own). */
async function ensureDatabase(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      console.log(`creating database ${name}…`);
      await admin.query(`create database ${escapeIdentifier(name)}`);
    }
  } finally {
    await admin.end();
  }
}

export async function benchApi(config: AppConfig, options: ApiBenchOptions) {
  if (!config.databaseUrl)
    throw new Error('bench api measures the PostgreSQL deployment: set DATABASE_URL');
  await ensureDatabase(config.databaseUrl);
  const db = await openDatabase(config);
  if (await hasPendingMigrations(db)) await migrate(db);
  const [{ count }] = await db.dataSource.query('select count(*)::int as count from customers');
  if (count < options.customers) {
    console.log(`seeding ${options.customers - count} customers…`);
    const report = await seedDemoData(db, config, {
      customers: options.customers - count,
      currency: config.shopCurrency,
    });
    console.log(
      `seed: ${report.customers} customers, ${report.orders} orders in ${report.seconds.toFixed(1)} s`,
    );
  } else console.log(`reusing the seeded database (${count} customers)`);
  const customerIds = (
    await db.dataSource.query(
      `select id from customers where order_count > 0 order by md5(id::text) limit 1000`,
    )
  ).map((r: { id: string }) => r.id);
  const countries = (
    await db.dataSource.query(
      `select country from customers where country is not null group by country having count(*) >= 50 order by count(*) desc limit 10`,
    )
  ).map((r: { country: string }) => r.country.trim());
  const benchConfig = { ...config, apiKeyHashKey: BENCH_HASH_KEY };
  const keys = createServices(benchConfig, db.dataSource).apiKeys;
  const { key, record } = await keys.create(
    'benchmark api',
    ['admin'],
    new Date(Date.now() + 4 * 3_600_000),
  );
  await db.close();

  // The build of `npm start`: compiles only what changed and deletes compiled files whose source is gone.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const server = spawn(
    process.execPath,
    [
      ...options.serverNodeOptions.split(' ').filter(Boolean),
      path.join(ROOT, 'dist', 'src', 'main.js'),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(SERVER_PORT),
        API_KEY_HASH_KEY: BENCH_HASH_KEY,
        LOG_LEVEL: 'info',
        DB_POOL_SIZE: String(config.dbPoolSize),
      },
    },
  );
  const floor = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.join(__dirname, 'floor-server.ts'),
      String(FLOOR_PORT),
      config.databaseUrl,
      config.shopCurrency,
      String(config.dbPoolSize),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    await Promise.all([
      waitForLine(server, /GraphQL API on http/, 'the server'),
      waitForLine(floor, /floor listening/, 'the floor'),
    ]);
    const auth = { authorization: `Bearer ${key}` };
    const graphqlUrl = `http://127.0.0.1:${SERVER_PORT}/graphql`;
    const floorUrl = `http://127.0.0.1:${FLOOR_PORT}/`;
    const scenarios = apiScenarios(config.shopCurrency, { customerIds, countries }).filter(
      (s) => !options.only || s.name.startsWith(options.only),
    );
    const rows: string[] = [];
    for (const scenario of scenarios) {
      const values = Array.from({ length: 200 }, (_, i) => scenario.variable(i));
      const graphqlBodies = values.map((v) =>
        JSON.stringify({ query: scenario.query, variables: scenario.variables(v) }),
      );
      const floorBodies = values.map((v) => JSON.stringify({ scenario: scenario.name, value: v }));
      await checkSameData(scenario, values.slice(0, 5), graphqlUrl, auth, floorUrl);
      for (const [url, headers, bodies] of [
        [graphqlUrl, auth, graphqlBodies],
        [floorUrl, {}, floorBodies],
      ] as const) {
        await load(
          url,
          headers,
          [...bodies],
          options.warmupSeconds,
          options.connections,
          server.pid!,
        );
      }
      const totals = { graphql: [] as Run[], floor: [] as Run[] };
      let graphqlRss = 0;
      const before = await statementTotals(key);
      // Alternating rounds, so that a slow moment of the machine falls on both sides alike; which side goes first
      // alternates too (GraphQL, floor, then floor, GraphQL), so neither always follows the other's load.
      for (let round = 0; round < options.rounds; round++) {
        const seconds = options.seconds / options.rounds;
        const runGraphql = () =>
          load(graphqlUrl, auth, graphqlBodies, seconds, options.connections, server.pid!);
        const runFloor = () =>
          load(floorUrl, {}, floorBodies, seconds, options.connections, floor.pid!);
        let g: Run;
        let f: Run;
        if (round % 2 === 0) {
          g = await runGraphql();
          f = await runFloor();
        } else {
          f = await runFloor();
          g = await runGraphql();
        }
        totals.graphql.push(g);
        graphqlRss = Math.max(graphqlRss, g.peakRssMb);
        totals.floor.push(f);
        console.log(
          `${scenario.name}, round ${round + 1}: GraphQL ${g.result.rps.toFixed(0)} req/s p99 ${g.result.p99} ms, ` +
            `floor ${f.result.rps.toFixed(0)} req/s p99 ${f.result.p99} ms (${(g.result.rps / f.result.rps).toFixed(2)}×)`,
        );
      }
      const after = await statementTotals(key);
      const graphql = summarise(
        totals.graphql,
        (after.sum - before.sum) / Math.max(1, after.count - before.count),
        graphqlRss,
      );
      const floorResult = summarise(totals.floor, 1, rssMb(floor.pid!));
      rows.push(...tableRows(scenario.name, graphql, floorResult));
    }
    console.log(
      `\n${options.connections} connections, ${options.warmupSeconds} s warm-up, ${options.seconds} s measured per side in ${options.rounds} alternating rounds; ` +
        `PostgreSQL pool ${config.dbPoolSize}; ${customerIds.length} sample customers, countries ${countries.join(',')}; server node flags: ${options.serverNodeOptions || '(none)'}\n`,
    );
    console.log(
      '| load | server | req/s | p50 ms | p99 ms | SQL statements / request | server CPU ms / request | PostgreSQL CPU ms / request | server RSS MB | failed |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    server.kill('SIGTERM');
    floor.kill('SIGTERM');
    const cleanup = await openDatabase(config);
    await createServices(benchConfig, cleanup.dataSource).apiKeys.revoke(record.id);
    await cleanup.close();
  }
}

function summarise(measured: Run[], statements: number, rss: number): Measured {
  const runs = measured.map((m) => m.result);
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const perRequestMs = (seconds: number) => (1000 * seconds) / Math.max(1, requests);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  // Percentiles over every response of every round of this side.
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const percentile = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  return {
    rps: requests / seconds,
    p50: percentile(0.5),
    p99: percentile(0.99),
    statements,
    rssMb: rss,
    failures: runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    serverCpuMs: perRequestMs(measured.reduce((n, m) => n + m.serverCpu, 0)),
    postgresCpuMs: perRequestMs(measured.reduce((n, m) => n + m.postgresCpu, 0)),
  };
}

function tableRows(name: string, graphql: Measured, floor: Measured): string[] {
  const fmt = (m: Measured, label: string) =>
    `| ${name} | ${label} | ${m.rps.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.statements?.toFixed(1) ?? '-'} | ` +
    `${m.serverCpuMs.toFixed(2)} | ${m.postgresCpuMs.toFixed(2)} | ${m.rssMb.toFixed(0)} | ${m.failures} |`;
  return [
    fmt(graphql, 'GraphQL'),
    fmt(floor, 'SQL floor'),
    `| ${name} | **ratio** | **${(graphql.rps / floor.rps).toFixed(2)}×** | ${(graphql.p50 / floor.p50).toFixed(2)}× | **${(graphql.p99 / floor.p99).toFixed(2)}×** | | ` +
      `${(graphql.serverCpuMs / floor.serverCpuMs).toFixed(2)}× | ${(graphql.postgresCpuMs / floor.postgresCpuMs).toFixed(2)}× | | |`,
  ];
}

/** Key order aside, the floor must serve exactly what the graph serves, or the comparison means nothing. */
async function checkSameData(
  scenario: Scenario,
  values: string[],
  graphqlUrl: string,
  auth: Record<string, string>,
  floorUrl: string,
) {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  for (const value of values) {
    const graphql = await post(
      graphqlUrl,
      auth,
      JSON.stringify({ query: scenario.query, variables: scenario.variables(value) }),
    );
    if (graphql.errors)
      throw new Error(`${scenario.name}: GraphQL errors ${JSON.stringify(graphql.errors)}`);
    const floor = await post(floorUrl, {}, JSON.stringify({ scenario: scenario.name, value }));
    if (!isDeepStrictEqual(canonical(graphql.data), canonical(floor.data))) {
      const a = JSON.stringify(canonical(graphql.data));
      const b = JSON.stringify(canonical(floor.data));
      const at = [...a].findIndex((ch, i) => ch !== b[i]);
      throw new Error(
        `${scenario.name} (${value}): the floor differs from the graph near\n graph: …${a.slice(Math.max(0, at - 200), at + 200)}\n floor: …${b.slice(Math.max(0, at - 200), at + 200)}`,
      );
    }
  }
  console.log(
    `${scenario.name}: the floor serves the same data as the graph (${values.length} samples checked)`,
  );
}
