import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ConfigError } from '../config';
import { logger } from '../common/logger';

/**
 * One owner per embedded data folder (STACK P19, P24): PGlite has no lock of its own, and two processes writing
 * one folder lose rows from indexes or leave it unopenable. The lock is proper-lockfile's (an atomic mkdir whose
 * mtime the owner refreshes); inside it the owner writes who it is and where it lends the database, so that a
 * second process can name it or connect through it. Inside, not beside: a lock directory just made is empty, so
 * nobody mistakes the previous owner's record for the new owner's.
 */
export const LOCK_NAME = 'c360.lock';
const OWNER_FILE = 'owner.json';
const ownerFile = (dataDir: string) => path.join(dataDir, LOCK_NAME, OWNER_FILE);

// A long stale period: PGlite runs on the event loop, so a long statement delays the owner's mtime refresh, and a
// lock taken over from a live owner is the corruption this prevents. A dead owner on this host is detected by
// its pid instead (below), so a crashed server does not keep the folder for a minute.
const STALE_MS = 60_000;
const UPDATE_MS = 10_000;

export interface EmbeddedOwner {
  pid: number;
  hostname: string;
  /** What holds it: `server` or the CLI command. */
  role: string;
  startedAt: string;
  /** Where the owner serves the PostgreSQL protocol for its guests; null: it lends nothing (a CLI run). */
  lending: { host: string; port: number } | null;
}

export interface EmbeddedLock {
  owner: EmbeddedOwner;
  /** Records where the database is lent, once the socket listens. */
  announce(lending: EmbeddedOwner['lending']): void;
  release(): Promise<void>;
}

/** Another live process owns the folder. */
export class EmbeddedDatabaseBusyError extends ConfigError {
  constructor(
    readonly dataDir: string,
    readonly owner: EmbeddedOwner | null,
  ) {
    super(
      owner
        ? `The embedded database ${dataDir} is in use by process ${owner.pid} (${owner.role}, on ${owner.hostname} since ${owner.startedAt}). ` +
            (owner.lending
              ? 'Stop it first; the CLI and psql work through it while it runs.'
              : 'Wait for it to finish, or stop it.')
        : `The embedded database ${dataDir} is locked (${path.join(dataDir, LOCK_NAME)}) by a process that has not said who it is yet; try again.`,
    );
  }
}

export function readOwner(dataDir: string): EmbeddedOwner | null {
  try {
    return JSON.parse(fs.readFileSync(ownerFile(dataDir), 'utf8')) as EmbeddedOwner;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Folders this process holds: our own pid in a lock is a pid reused after a restart only when we hold nothing there.
const heldHere = new Set<string>();

/** A lock whose recorded owner ran on this host and is gone (or is our own pid, reused after a restart). */
function isAbandoned(dataDir: string, owner: EmbeddedOwner | null): boolean {
  if (owner === null || owner.hostname !== os.hostname()) return false;
  return owner.pid === process.pid ? !heldHere.has(path.resolve(dataDir)) : !isAlive(owner.pid);
}

/** Takes the folder's lock or throws EmbeddedDatabaseBusyError naming the owner. */
export async function lockEmbeddedDatabase(dataDir: string, role: string): Promise<EmbeddedLock> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lockfilePath = path.join(dataDir, LOCK_NAME);
  const options = {
    lockfilePath,
    stale: STALE_MS,
    update: UPDATE_MS,
    realpath: false,
    // The lock was lost (its mtime could not be refreshed, or another process took it): writing on could corrupt
    // the folder, so the process stops rather than throwing from a timer.
    onCompromised: (error: Error) => {
      logger.fatal({ err: error, dataDir }, 'embedded database lock compromised; stopping');
      process.exit(1);
    },
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTEMPTY: proper-lockfile found the lock stale by its mtime but cannot rmdir it, our owner record is inside.
    if (code !== 'ELOCKED' && code !== 'ENOTEMPTY') throw error;
    const previous = readOwner(dataDir);
    if (code === 'ELOCKED' && !isAbandoned(dataDir, previous))
      throw new EmbeddedDatabaseBusyError(dataDir, previous);
    // proper-lockfile would wait out the stale period; the pid says the owner is gone now. The removal and the
    // retake are not one atomic step, so two successors could race; the retake itself (mkdir) still admits one.
    fs.rmSync(lockfilePath, { recursive: true, force: true });
    logger.warn(
      { dataDir, previousPid: previous?.pid },
      'took over the embedded database lock of a process that is gone',
    );
    try {
      release = await lockfile.lock(dataDir, options);
    } catch (retry) {
      if ((retry as NodeJS.ErrnoException).code === 'ELOCKED')
        throw new EmbeddedDatabaseBusyError(dataDir, readOwner(dataDir));
      throw retry;
    }
  }
  heldHere.add(path.resolve(dataDir));
  const owner: EmbeddedOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    role,
    startedAt: new Date().toISOString(),
    lending: null,
  };
  // Writing into the lock directory moves its mtime, which proper-lockfile reads as another process taking the
  // lock: the mtime it set is put back. Both writes happen at start, well before its first refresh (UPDATE_MS).
  const write = () => {
    const { atime, mtime } = fs.statSync(lockfilePath);
    fs.writeFileSync(ownerFile(dataDir), `${JSON.stringify(owner)}\n`, { mode: 0o600 });
    fs.utimesSync(lockfilePath, atime, mtime);
  };
  write();
  return {
    owner,
    announce(lending) {
      owner.lending = lending;
      write();
    },
    async release() {
      fs.rmSync(ownerFile(dataDir), { force: true });
      await release();
      heldHere.delete(path.resolve(dataDir));
    },
  };
}
