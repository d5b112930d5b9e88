import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startServerProcess, ServerProcess } from '../support/server-process';
import { testPort } from '../support/own-cluster-db';
import { describeIf, embedded } from '../support/requirements';

// The embedded database's owner and its guests (STACK P24): the real server process on a data folder, the real CLI
// beside it. PGlite only: with DATABASE_URL there is no folder to own.
const describeEmbedded = describeIf(embedded());
const ROOT = path.resolve(__dirname, '..', '..');
const ORDERS = 600;
const ENV = { LOG_LEVEL: 'warn', DEMO_SEED_CUSTOMERS: '0' };

function cli(dataDir: string, args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args],
    {
      cwd: ROOT,
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
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The process's exit code and all it printed; for a server expected to refuse. */
function runToExit(
  env: Record<string, string>,
  port: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOST: '127.0.0.1',
          PORT: String(port),
          NODE_ENV: 'test',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const customersQuery = (key: string, baseUrl: string) =>
  request(baseUrl)
    .post('/graphql')
    .set('authorization', `Bearer ${key}`)
    .send({ query: '{ customers(first: 1) { totalCount } }' });

describeEmbedded('the embedded database with its server running', () => {
  let dataDir: string;
  let server: ServerProcess | null = null;
  let key: string;
  const env = () => ({ ...ENV, PGLITE_DATA_DIR: dataDir });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c360-owner-'));
    server = await startServerProcess(env(), testPort(21));
  });
  afterAll(async () => {
    await server?.terminate();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a key through the server, which then accepts it', async () => {
    const run = cli(dataDir, [
      'apikey',
      'create',
      '--name',
      'beside the server',
      '--scopes',
      'customers:read',
    ]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`pid ${server!.child.pid}`);
    key = run.stdout.trim().split('\n').pop()!;
    const res = await customersQuery(key, server!.baseUrl);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it(`imports ${ORDERS} orders through the server: every one is indexed and points at its customer`, async () => {
    const file = path.join(dataDir, '..', `${path.basename(dataDir)}-orders.csv`);
    const lines = Array.from(
      { length: ORDERS },
      (_, i) =>
        `cust-${i % 50},ord-${i},2026-01-${String((i % 28) + 1).padStart(2, '0')},${(i % 90) + 10}.50`,
    );
    fs.writeFileSync(file, `customer_ref,order_ref,date,amount\n${lines.join('\n')}\n`);
    try {
      const run = cli(dataDir, ['import-orders', file, '--format', 'csv', '--source', 'beside']);
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({
        rows: ORDERS,
        created: ORDERS,
        rejected: 0,
      });
    } finally {
      fs.rmSync(file, { force: true });
    }
    const res = await customersQuery(key, server!.baseUrl);
    expect(res.body.data.customers.totalCount).toBe(50);
    const check = cli(dataDir, ['check']);
    expect(check.status).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({
      indexes: { checked: true, damaged: [] },
      foreignKeys: { broken: [] },
      rollUps: { mismatched: 0 },
      damaged: false,
    });
  });

  it('psql connects the same way (the address the server printed)', () => {
    const psql = spawnSync(
      'psql',
      [
        '-h',
        path.resolve(dataDir),
        '-p',
        '5432',
        '-U',
        'postgres',
        '-Atc',
        `select count(*) from orders where source = 'beside'`,
        'postgres',
      ],
      { encoding: 'utf8' },
    );
    if (psql.error) return; // no psql on this machine
    expect(psql.stdout.trim()).toBe(String(ORDERS));
    expect(server!.output()).toContain(`psql -h ${path.resolve(dataDir)} -p 5432`);
  });

  it('refuses a second server on the same folder, naming the owner', async () => {
    const second = await runToExit(env(), testPort(22));
    expect(second.code).toBe(1);
    expect(second.output).toContain(`in use by process ${server!.child.pid} (server`);
  });

  it('keeps everything across a restart, and check passes with no server (the CLI owns the folder)', async () => {
    expect(await server!.terminate()).toBe(0);
    server = null;
    expect(fs.existsSync(path.join(dataDir, 'c360.lock'))).toBe(false);
    const check = cli(dataDir, ['check']);
    expect(check.status).toBe(0);
    expect(check.stderr).not.toContain('working through it');
    server = await startServerProcess(env(), testPort(21));
    const res = await customersQuery(key, server.baseUrl);
    expect(res.body.data.customers.totalCount).toBe(50);
  });

  it('takes over the lock of a server that was killed', async () => {
    const killedPid = server!.child.pid!;
    server!.child.kill('SIGKILL');
    await server!.exited;
    server = null;
    expect(
      JSON.parse(fs.readFileSync(path.join(dataDir, 'c360.lock', 'owner.json'), 'utf8')).pid,
    ).toBe(killedPid);
    server = await startServerProcess(env(), testPort(23));
    expect(server.output()).toContain(`"previousPid":${killedPid}`);
    expect((await customersQuery(key, server.baseUrl)).body.data.customers.totalCount).toBe(50);
  });
});
