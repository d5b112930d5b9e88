import { Client } from 'pg';
import { PgCluster, pgBinariesAvailable, startPgCluster } from '../support/pg-cluster';
import { databaseOn, testPort } from '../support/own-cluster-db';
import { startTestAppOn } from '../support/test-app';
import { OwnRedis, redisServerAvailable, startOwnRedis } from '../support/redis-server';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { Attempt, countBy, FAULT_SOURCE, FaultLoad, Write } from '../support/fault-load';
import { runIntegrityCheck } from '../../src/cli/check';

/*
 * Faults injected under load, every client outcome recorded, the final database checked against that history.
 * A PostgreSQL cluster, a redis-server and the server process of the test's own, so that it can stop, crash and
 * freeze them: PostgreSQL stop fast / immediate / SIGSTOP, Redis kill / stop / SIGSTOP, the server kill -9 and
 * SIGTERM. Runs in the PostgreSQL leg of CI (it needs PostgreSQL's server binaries and redis-server).
 */
const runs = process.env.DATABASE_URL && pgBinariesAvailable() && redisServerAvailable();
const describeWhenRunnable = runs ? describe : describe.skip;

const SECRET = 'fault-suite-secret-0123456789abcdef';
const CLIENTS = 4;
/** Longest any answer may take: the server's own deadlines (request 6 s, connect 2 s, probe 1 s) plus slack. */
const DEADLINE_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWhenRunnable(
  'fault injection under load (PostgreSQL cluster, redis-server and server process of its own)',
  () => {
    let cluster: PgCluster;
    let redis: OwnRedis;
    let server: ServerProcess;
    let frozen: number[] = [];
    const serverPort = testPort(40);
    const redisPort = testPort(41);
    let env: Record<string, string>;
    let keys: string[] = [];
    const customerIds: string[] = [];
    const timeline: string[] = [];

    beforeAll(async () => {
      cluster = startPgCluster(testPort(42));
      const admin = new Client({ connectionString: cluster.url() });
      await admin.connect();
      await admin.query('create database c360');
      await admin.end();
      redis = await startOwnRedis(redisPort);

      // Keys, products, the loyalty program and rules, and customers, through the API of an in-process app.
      const t = await startTestAppOn(
        await databaseOn(cluster.url('c360'), { apiKeyHashKey: SECRET }),
      );
      keys = [
        t.adminKey,
        ...(await Promise.all(
          Array.from({ length: CLIENTS }, () =>
            t.app.services.apiKeys.create('fault client', ['admin'], null),
          ),
        ).then((created) => created.map((k) => k.key))),
      ];
      await t.ok(`mutation { upsertProducts(products: [
      { sku: "FAULT-0", name: "Tile", category: "tiles", unitPrice: "19.99" },
      { sku: "FAULT-1", name: "Grout", category: "tiles", unitPrice: "19.99" },
      { sku: "FAULT-2", name: "Tap", category: "bath", unitPrice: "19.99" }]) { sku } }`);
      await t.ok(`mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: SPEND_12M, tiers: [
      { code: "BASE", name: "Base", threshold: "0" }, { code: "GOLD", name: "Gold", threshold: "200.00" }] }) { name } }`);
      await t.ok('mutation { setLoyaltyRules(input: { pointsPerUnit: 1 }) { version } }');
      for (let i = 0; i < 12; i++) {
        const created = await t.ok<{ createCustomer: { id: string } }>(
          'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
          { input: { email: `seed-${i}@example.com`, givenName: 'Seed', familyName: String(i) } },
        );
        customerIds.push(created.createCustomer.id);
      }
      await t.app.stop();
      await t.database.drop();

      env = {
        DATABASE_URL: cluster.url('c360'),
        REDIS_URL: redis.url,
        NODE_ENV: 'production',
        API_KEY_HASH_KEY: SECRET,
        LOG_LEVEL: 'error',
        REQUEST_TIMEOUT_MS: '6000',
        DB_STATEMENT_TIMEOUT_MS: '3000',
        DB_CONNECT_TIMEOUT_MS: '2000',
        DB_PROBE_TIMEOUT_MS: '1000',
        REDIS_COMMAND_TIMEOUT_MS: '250',
      };
      server = await startServerProcess(env, serverPort);
    }, 180_000);

    afterAll(async () => {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
      await redis?.kill();
      cluster?.remove();
    });

    const base = () => `http://127.0.0.1:${serverPort}`;

    /** Polls /readyz until `accept` says yes; the time it took, or a failure naming the phase. */
    async function settle(
      phase: string,
      accept: (body: any, status: number) => boolean,
      ms = 40_000,
    ) {
      const started = Date.now();
      while (Date.now() - started < ms) {
        try {
          const res = await fetch(`${base()}/readyz`, { signal: AbortSignal.timeout(3000) });
          const body = await res.json().catch(() => null);
          if (accept(body, res.status)) {
            timeline.push(`${phase}: ready again after ${Date.now() - started} ms`);
            return;
          }
        } catch {
          // not answering yet
        }
        await sleep(200);
      }
      throw new Error(
        `${phase}: the server did not become ready within ${ms} ms\n${server.output().slice(-3000)}`,
      );
    }
    const ready = (body: any, status: number) => status === 200 && body?.status === 'ready';
    const readyWithRedis = (body: any, status: number) =>
      ready(body, status) && body?.redis === 'up';

    /** The server process must have lived through a fault that was not its own. */
    const alive = (phase: string) => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        throw new Error(
          `${phase}: the server exited (${server.child.exitCode ?? server.child.signalCode})\n${server.output().slice(-3000)}`,
        );
      }
    };

    it('loses no acknowledged write, stores none twice, answers every request within its deadline, and stays up', async () => {
      const load = new FaultLoad({
        baseUrl: base(),
        keys: keys.slice(1),
        customerIds,
        clientTimeoutMs: 20_000,
      });
      const phase = async (name: string, fault: () => Promise<void> | void) => {
        load.phase = name;
        const started = Date.now();
        await fault();
        timeline.push(`${name}: fault over after ${Date.now() - started} ms`);
      };
      load.start();
      await sleep(2000);

      await phase('postgres stop -m fast', async () => {
        cluster.stop('fast');
        await sleep(2000);
        cluster.start();
      });
      await settle('postgres stop -m fast', ready);
      alive('postgres stop -m fast');

      await phase('postgres stop -m immediate', async () => {
        cluster.stop('immediate');
        await sleep(2000);
        cluster.start();
      });
      await settle('postgres stop -m immediate', ready);
      alive('postgres stop -m immediate');

      await phase('postgres SIGSTOP', async () => {
        frozen = cluster.pids();
        for (const pid of frozen) process.kill(pid, 'SIGSTOP');
        await sleep(4000);
        for (const pid of frozen) process.kill(pid, 'SIGCONT');
        frozen = [];
      });
      await settle('postgres SIGSTOP', readyWithRedis);
      alive('postgres SIGSTOP');

      await phase('redis kill -9', async () => {
        await redis.kill();
        await sleep(2000);
        redis = await startOwnRedis(redisPort);
      });
      await settle('redis kill -9', readyWithRedis);
      alive('redis kill -9');

      await phase('redis stop (SIGTERM)', async () => {
        await redis.terminate();
        await sleep(2000);
        redis = await startOwnRedis(redisPort);
      });
      await settle('redis stop (SIGTERM)', readyWithRedis);
      alive('redis stop (SIGTERM)');

      await phase('redis SIGSTOP', async () => {
        redis.pause();
        await sleep(3000);
        redis.resume();
      });
      await settle('redis SIGSTOP', readyWithRedis);
      alive('redis SIGSTOP');

      await phase('server kill -9', async () => {
        server.child.kill('SIGKILL');
        await server.exited;
        server = await startServerProcess(env, serverPort);
      });
      await settle('server kill -9', readyWithRedis);

      let drainExit: number | null = -1;
      await phase('server SIGTERM', async () => {
        drainExit = await server.terminate();
        server = await startServerProcess(env, serverPort);
      });
      await settle('server SIGTERM', readyWithRedis);
      load.phase = 'after the faults';
      await sleep(2000);
      await load.stop();
      expect(drainExit).toBe(0);

      // The checker. First what the database holds for each write the clients never saw acknowledged.
      const db = new Client({ connectionString: cluster.url('c360') });
      await db.connect();
      const stored = async () => {
        const rows = async (sql: string) =>
          new Map<string, string[]>(
            (await db.query(sql)).rows.map((r: { key: string; ids: string[] }) => [r.key, r.ids]),
          );
        return {
          order: await rows(
            `select external_ref as key, array_agg(id::text) as ids from orders where source = '${FAULT_SOURCE}' group by 1`,
          ),
          customer: await rows(
            `select lower(email) as key, array_agg(id::text) as ids from customers where email like 'fault-%' group by 1`,
          ),
          earn: await rows(
            `select reason as key, array_agg(id::text) as ids from loyalty_ledger_entries where reason like 'fault-earn-%' group by 1`,
          ),
        };
      };
      const before = await stored();
      const unacknowledged = load.writes.filter((w) => w.ackedId === null);
      const failedButStored = unacknowledged.filter((w) => before[w.kind].has(w.naturalKey));
      const storedIdOf = (w: Write) => before[w.kind].get(w.naturalKey)?.[0];
      const expectedIds = new Map(failedButStored.map((w) => [w, storedIdOf(w)]));

      // Then each of them retried with its own idempotency (same input, same key): it must now be acknowledged,
      // and one that was stored must come back as what was stored, not as a second write.
      const retries: Attempt[] = [];
      load.phase = 'checker retries';
      for (const write of unacknowledged) {
        for (let i = 0; i < 5 && write.ackedId === null; i++) {
          await load.attempt(write, keys[0]);
          retries.push(load.attempts[load.attempts.length - 1]);
          if (write.ackedId === null) await sleep(500);
        }
      }
      const after = await stored();
      const violations: string[] = [];
      for (const write of load.writes) {
        const ids = after[write.kind].get(write.naturalKey) ?? [];
        if (write.ackedId === null)
          violations.push(
            `${write.kind} ${write.naturalKey}: never acknowledged, even by the checker's retries`,
          );
        if (ids.length !== 1)
          violations.push(`${write.kind} ${write.naturalKey}: stored ${ids.length} times`);
        else if (write.ackedId !== null && ids[0] !== write.ackedId)
          violations.push(
            `${write.kind} ${write.naturalKey}: acknowledged as ${write.ackedId}, stored as ${ids[0]}`,
          );
      }
      for (const [write, id] of expectedIds) {
        if (write.ackedId !== id)
          violations.push(
            `${write.kind} ${write.naturalKey}: stored as ${id} before the retry, the retry answered ${write.ackedId}`,
          );
        if (write.kind === 'order' && write.ackedCreated !== false)
          violations.push(
            `order ${write.naturalKey}: was stored, yet the retry said it created it`,
          );
      }
      // Nothing of the kind the load did not write (the orders of new identifiers made one customer each).
      const extra = Number(
        (
          await db.query(
            `select count(*) from customer_identifiers where source = '${FAULT_SOURCE}'`,
          )
        ).rows[0].count,
      );
      const orderedWithNewIdentifier = new Set(
        load.writes
          .filter((w) => w.kind === 'order' && (w.variables.input as any).customer.identifierValue)
          .map((w) => (w.variables.input as any).customer.identifierValue),
      ).size;
      if (extra !== orderedWithNewIdentifier)
        violations.push(
          `identifiers of new customers: ${extra} stored for ${orderedWithNewIdentifier} ordered`,
        );
      await db.end();

      // Every answer within its deadline, none a 500; the integrity check passes on the final database.
      const answered = load.attempts;
      const late = answered.filter((a) => a.ms > DEADLINE_MS);
      const serverErrors = answered.filter(
        (a) => a.status !== null && a.status >= 500 && a.status !== 503,
      );
      const unexpectedCodes = answered.filter(
        (a) =>
          ![
            'OK',
            'SERVICE_UNAVAILABLE',
            'REQUEST_TIMEOUT',
            'ECONNREFUSED',
            'ECONNRESET',
            'UND_ERR_SOCKET',
            'EPIPE',
          ].includes(a.code),
      );
      const checkDb = await databaseOn(cluster.url('c360'), { apiKeyHashKey: SECRET });
      const integrity = await runIntegrityCheck(checkDb.db, checkDb.config);
      await checkDb.drop();

      const writeAttempts = answered.filter((a) => a.kind !== 'read');
      const acknowledgedDuringFaults = load.writes.length - unacknowledged.length;
      const longest = answered.reduce((m, a) => (a.ms > m.ms ? a : m), answered[0]);
      const byPhase = Object.entries(countBy(answered, (a) => a.phase)).map(([p, n]) => {
        const inPhase = answered.filter((a) => a.phase === p);
        return `  ${p}: ${n} requests, ${inPhase.filter((a) => a.code === 'OK').length} OK, longest ${Math.max(...inPhase.map((a) => a.ms))} ms, ${JSON.stringify(
          countBy(
            inPhase.filter((a) => a.code !== 'OK'),
            (a) => a.code,
          ),
        )}`;
      });
      process.stdout.write(
        [
          'fault injection:',
          ...timeline.map((line) => `  ${line}`),
          `writes attempted ${load.writes.length} (${writeAttempts.length} requests): acknowledged under faults ${acknowledgedDuringFaults}, ` +
            `unacknowledged ${unacknowledged.length} of which stored ${failedButStored.length}, found after the checker's retries ` +
            `${load.writes.filter((w) => (after[w.kind].get(w.naturalKey) ?? []).length === 1).length}; ` +
            `orders answered created:false after a failed try ${load.writes.filter((w) => w.kind === 'order' && w.ackedCreated === false).length}`,
          `reads ${answered.filter((a) => a.kind === 'read').length}; answers by code ${JSON.stringify(countBy(answered, (a) => a.code))}`,
          `longest wait ${longest.ms} ms (${longest.kind}, ${longest.code}, during ${longest.phase}); retries by the checker ${retries.length}`,
          'by phase:',
          ...byPhase,
          `integrity: ${integrity.damaged ? 'DAMAGED' : 'clean'} (roll-ups mismatched ${integrity.rollUps.mismatched}, negative balances ${integrity.loyalty.negativeBalances})`,
          '',
        ].join('\n'),
      );

      expect(violations).toEqual([]);
      expect(late.map((a) => `${a.kind} ${a.code} ${a.ms} ms during ${a.phase}`)).toEqual([]);
      expect(serverErrors.map((a) => `${a.kind} ${a.status} ${a.code} during ${a.phase}`)).toEqual(
        [],
      );
      expect(unexpectedCodes.map((a) => `${a.kind} ${a.code} during ${a.phase}`)).toEqual([]);
      expect(integrity.damaged).toBe(false);
      // The load was real: writes under every fault, and most of them acknowledged while it lasted.
      expect(load.writes.length).toBeGreaterThan(200);
      expect(acknowledgedDuringFaults / load.writes.length).toBeGreaterThan(0.5);
      expect(
        new Set(answered.filter((a) => a.code !== 'OK').map((a) => a.phase)).size,
      ).toBeGreaterThanOrEqual(3);
    }, 420_000);
  },
);
