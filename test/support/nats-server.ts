import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A nats-server of the test's own (JetStream on, its own port and store), so a test can kill and restart it. */
export interface OwnNats {
  url: string;
  /** SIGKILL, and wait until it has gone (the store is kept for a restart). */
  kill(): Promise<void>;
  /** Starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Kills it and removes its store. */
  remove(): Promise<void>;
}

export function natsServerAvailable(): boolean {
  return spawnSync('nats-server', ['--version']).status === 0;
}

async function launch(port: number, store: string): Promise<ChildProcess> {
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`nats-server did not start:\n${output}`)),
      10_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Server is ready/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited:\n${output}`));
    });
  });
  return child;
}

export async function startOwnNats(port: number): Promise<OwnNats> {
  const store = mkdtempSync(path.join(tmpdir(), 'c360-nats-'));
  let child: ChildProcess | null = await launch(port, store);
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    process.kill(running.pid!, 'SIGKILL');
    await exited;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      child = await launch(port, store);
    },
    async remove() {
      await kill();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
