import { spawnSync } from 'node:child_process';
import { pgBinariesAvailable } from './pg-cluster';
import { redisServerAvailable } from './redis-server';

/**
 * Tests that need something a machine may lack. When a requirement is not met the block is skipped and its name ends
 * with ` [skipped: <reason>]`, which test/support/skip-reporter.js prints after the run, one line per file and reason.
 */
export interface Requirement {
  met: boolean;
  reason: string;
}

export const SKIP_MARK = ' [skipped: ';

export const postgres = (): Requirement => ({
  met: Boolean(process.env.DATABASE_URL),
  reason: 'needs PostgreSQL (DATABASE_URL)',
});
export const embedded = (): Requirement => ({
  met: !process.env.DATABASE_URL,
  reason: 'embedded PGlite only (DATABASE_URL is set)',
});
export const pgBinaries = (): Requirement => ({
  met: pgBinariesAvailable(),
  reason: 'needs the PostgreSQL server programs (initdb, pg_ctl) for a cluster of its own',
});
export const redisServer = (): Requirement => ({
  met: redisServerAvailable(),
  reason: 'needs redis-server on PATH',
});

/** The machine's NATS server (JetStream on), probed once per file with a TCP connect. */
export const NATS_TEST_URL = 'nats://127.0.0.1:4222';
let natsReachable: boolean | undefined;
export const natsServer = (): Requirement => {
  natsReachable ??=
    spawnSync(
      process.execPath,
      [
        '-e',
        "require('net').connect(4222, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))",
      ],
      { timeout: 3000 },
    ).status === 0;
  return { met: natsReachable, reason: `needs a NATS server with JetStream at ${NATS_TEST_URL}` };
};

function unmet(requirements: Requirement[]): string | null {
  const reasons = requirements.filter((r) => !r.met).map((r) => r.reason);
  return reasons.length ? `${SKIP_MARK}${reasons.join('; ')}]` : null;
}

/** `describe` when every requirement is met, else `describe.skip` with the reason in the name. */
export function describeIf(...requirements: Requirement[]): (name: string, fn: () => void) => void {
  const mark = unmet(requirements);
  return mark ? (name, fn) => describe.skip(`${name}${mark}`, fn) : describe;
}

/** `it` when every requirement is met, else `it.skip` with the reason in the name. */
export function itIf(
  ...requirements: Requirement[]
): (name: string, fn: jest.ProvidesCallback, timeout?: number) => void {
  const mark = unmet(requirements);
  return mark ? (name, fn, timeout) => it.skip(`${name}${mark}`, fn, timeout) : it;
}
