import { ChildProcess, spawn, spawnSync } from 'node:child_process';

/** A redis-server of the test's own (no persistence, its own port), so a test can kill, pause and restart it. */
export interface OwnRedis {
  url: string;
  child: ChildProcess;
  /** SIGSTOP / SIGCONT of this server's pid only. */
  pause(): void;
  resume(): void;
  /** SIGKILL, and wait until it has gone. */
  kill(): Promise<void>;
  /** SIGTERM (Redis shuts down cleanly), and wait until it has gone. */
  terminate(): Promise<void>;
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

export async function startOwnRedis(port: number): Promise<OwnRedis> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    );
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    pause: () => process.kill(child.pid!, 'SIGSTOP'),
    resume: () => process.kill(child.pid!, 'SIGCONT'),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGCONT');
        process.kill(child.pid!, 'SIGKILL');
      }
      await exited;
    },
    async terminate() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
