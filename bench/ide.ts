import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startScriptNodeFlags } from './api';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/data-source';
import { hasPendingMigrations, migrate } from '../src/db/bootstrap';

const ROOT = path.resolve(__dirname, '..');
const PORT = 4391;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

function fetchPage(encoding: string): Promise<{ ms: number; bytes: number; status: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port: PORT,
        path: '/graphql',
        agent: false,
        headers: { accept: BROWSER_ACCEPT, 'accept-encoding': encoding },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () =>
          resolve({
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            bytes,
            status: res.statusCode ?? 0,
          }),
        );
      },
    );
    req.on('error', reject);
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * `npm run bench -- ide [--concurrency 200] [--rounds 5]`: the server as `npm start` runs it (compiled, its V8
 * flags, production mode with IDE_ENABLED=true, an embedded database of its own), then rounds of concurrent browser
 * requests for the IDE page (half gzip, half identity). Prints the RSS at ready, its peak in each round and the
 * median latency of each round, so the 1st request can be compared with the 1,000th.
 */
export async function benchIde(options: { concurrency: number; rounds: number }) {
  if (process.env.DATABASE_URL) {
    const db = await openDatabase(loadConfig());
    if (await hasPendingMigrations(db)) await migrate(db);
    await db.close();
  }
  // The build of `npm start`: compiles only what changed and deletes compiled files whose source is gone.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c360-bench-ide-'));
  const server = spawn(
    process.execPath,
    [
      ...startScriptNodeFlags().split(' ').filter(Boolean),
      path.join(ROOT, 'dist', 'src', 'main.js'),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        IDE_ENABLED: 'true',
        PORT: String(PORT),
        API_KEY_HASH_KEY: 'bench-ide-hash-key-0123456789',
        PGLITE_DATA_DIR: dataDir,
        DEMO_SEED_CUSTOMERS: '0',
        LOG_LEVEL: 'warn',
        ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      },
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      server.stdout.on('data', (chunk) => {
        output += chunk;
        if (/GraphQL API on http/.test(output)) resolve();
      });
      server.stderr.on('data', (chunk) => {
        output += chunk;
      });
      server.once('exit', () => reject(new Error(`the server exited:\n${output}`)));
    });
    const pid = server.pid!;
    console.log(`RSS at ready: ${rssMb(pid).toFixed(0)} MB`);
    const first = await fetchPage('gzip');
    console.log(
      `first request (renders and compresses the page): ${first.ms.toFixed(0)} ms, ${first.bytes} bytes gzip; RSS ${rssMb(pid).toFixed(0)} MB`,
    );
    let served = 1;
    for (let round = 1; round <= options.rounds; round++) {
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMb(pid));
      }, 10);
      const results = await Promise.all(
        Array.from({ length: options.concurrency }, (_, i) =>
          fetchPage(i % 2 ? 'identity' : 'gzip'),
        ),
      );
      clearInterval(sampler);
      served += results.length;
      const failed = results.filter((r) => r.status !== 200).length;
      console.log(
        `round ${round}: ${options.concurrency} concurrent (requests ${served - results.length + 1}–${served}), median ${median(results.map((r) => r.ms)).toFixed(0)} ms, ` +
          `peak RSS ${peak.toFixed(0)} MB, failed ${failed}`,
      );
    }
    const last = await fetchPage('gzip');
    console.log(
      `request ${served + 1} alone: ${last.ms.toFixed(1)} ms; RSS after ${rssMb(pid).toFixed(0)} MB`,
    );
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
