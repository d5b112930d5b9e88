import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary folder, its own port), so that a test can stop
 * and start it, or stream it to a replica, without touching the machine's server. PostgreSQL refuses to run as
 * root, so as root the commands run as the `postgres` user.
 */
export interface PgCluster {
  port: number;
  dataDir: string;
  url(database?: string): string;
  start(): void;
  /** pg_ctl stop: fast (the default) rolls back and disconnects; immediate is a crash (recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): void;
  /** The postmaster's pid (first line of postmaster.pid) and its children's (backends and workers), to SIGSTOP. */
  pids(): number[];
  /** A streaming replica of this cluster (pg_basebackup -R), started on its own port. */
  streamingReplica(port: number): PgCluster;
  remove(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length)
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  return path.join(root, versions[0], 'bin');
}

const asRoot = process.getuid?.() === 0;

function run(command: string, args: string[]) {
  const file = path.join(binDir(), command);
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe' });
  else execFileSync(file, args, { stdio: 'pipe' });
}

function ownedFolder(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  return dir;
}

export function pgBinariesAvailable(): boolean {
  try {
    return fs.existsSync(path.join(binDir(), 'initdb'));
  } catch {
    return false;
  }
}

function cluster(port: number, parent: string, dataDir: string): PgCluster {
  const logFile = path.join(parent, 'server.log');
  return {
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: () =>
      run('pg_ctl', [
        '-D',
        dataDir,
        '-l',
        logFile,
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -k ${parent} -c listen_addresses=127.0.0.1`,
        'start',
      ]),
    stop: (mode = 'fast') => run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']),
    pids() {
      const postmaster = Number(
        fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], {
        encoding: 'utf8',
      })
        .split('\n')
        .map((line) => Number(line.trim()))
        .filter((pid) => pid > 0);
      return [postmaster, ...children];
    },
    streamingReplica(replicaPort: number) {
      const replicaParent = ownedFolder('c360-replica');
      const replicaDir = path.join(replicaParent, 'data');
      run('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-D',
        replicaDir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
      ]);
      const replica = cluster(replicaPort, replicaParent, replicaDir);
      replica.start();
      return replica;
    },
    remove() {
      try {
        this.stop();
      } catch {
        // already stopped
      }
      fs.rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** initdb with trust authentication (replication included) and start it on `port`. */
export function startPgCluster(port: number): PgCluster {
  const parent = ownedFolder('c360-cluster');
  const dataDir = path.join(parent, 'data');
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  fs.appendFileSync(
    path.join(dataDir, 'postgresql.conf'),
    '\nfsync = off\nwal_level = replica\nmax_wal_senders = 4\n',
  );
  const created = cluster(port, parent, dataDir);
  created.start();
  return created;
}
