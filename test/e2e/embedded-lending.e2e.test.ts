import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { Database, openDatabase } from '../../src/db/data-source';
import { migrate } from '../../src/db/bootstrap';
import { describeIf, embedded } from '../support/requirements';

// PGlite is one PostgreSQL session (STACK P24): the server's transactions and a tool's, arriving through the lent
// socket, must not interleave in it. The owner and the guests here are in one process, as clients of one lender.
const describeEmbedded = describeIf(embedded());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEmbedded('the lent embedded database', () => {
  let dataDir: string;
  let owner: Database;
  let guest: Client;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c360-lend-'));
    const config = {
      ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      databaseUrl: null,
      pgliteDataDir: dataDir,
    };
    owner = await openDatabase(config, undefined, { role: 'server', lend: true });
    await migrate(owner);
    await owner.dataSource.query('create table lend_probe (who text not null)');
    guest = new Client({ ...owner.embedded!.lending!, user: 'postgres', database: 'postgres' });
    await guest.connect();
  });
  afterAll(async () => {
    await guest?.end();
    await owner?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => owner.dataSource.query('truncate lend_probe'));

  const probe = async () =>
    (await owner.dataSource.query('select who from lend_probe order by who')).map(
      (r: { who: string }) => r.who,
    );

  it('holds a guest statement until the server transaction ends, outside it', async () => {
    let serverEnded = 0;
    const server = owner.dataSource
      .transaction(async (manager) => {
        await manager.query(`insert into lend_probe values ('server')`);
        await sleep(400);
        serverEnded = Date.now();
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await sleep(100);
    await guest.query(`insert into lend_probe values ('guest')`);
    const guestDone = Date.now();
    await server;
    expect(guestDone).toBeGreaterThanOrEqual(serverEnded);
    expect(await probe()).toEqual(['guest']); // the server's ROLLBACK did not take the guest's row with it
  });

  it('holds the server until a guest transaction ends, outside it', async () => {
    await guest.query('begin');
    await guest.query(`insert into lend_probe values ('guest')`);
    let serverDone = 0;
    const server = owner.dataSource.query(`insert into lend_probe values ('server')`).then(() => {
      serverDone = Date.now();
    });
    await sleep(300);
    expect(serverDone).toBe(0);
    await guest.query('rollback');
    await server;
    expect(await probe()).toEqual(['server']);
  });

  it('serialises two transactions that both write: each commits or rolls back only its own rows', async () => {
    const other = new Client({
      ...owner.embedded!.lending!,
      user: 'postgres',
      database: 'postgres',
    });
    await other.connect();
    try {
      const a = (async () => {
        await guest.query('begin');
        await guest.query(`insert into lend_probe values ('a1')`);
        await sleep(200);
        await guest.query(`insert into lend_probe values ('a2')`);
        await guest.query('commit');
      })();
      const b = (async () => {
        await sleep(50);
        await other.query('begin');
        await other.query(`insert into lend_probe values ('b1')`);
        await other.query('rollback');
      })();
      const server = owner.dataSource.transaction(async (manager) => {
        await sleep(20);
        await manager.query(`insert into lend_probe values ('s1')`);
      });
      await Promise.all([a, b, server]);
      expect(await probe()).toEqual(['a1', 'a2', 's1']);
    } finally {
      await other.end();
    }
  });

  it('keeps parameterised statements of different connections apart (extended protocol)', async () => {
    const other = new Client({
      ...owner.embedded!.lending!,
      user: 'postgres',
      database: 'postgres',
    });
    await other.connect();
    try {
      // One statement at a time per connection, the three connections at once.
      const ask = async (
        run: (sql: string, p: unknown[]) => Promise<{ v: number }[]>,
        base: number,
      ) => {
        const answers: boolean[] = [];
        for (let i = 0; i < 80; i++)
          answers.push((await run('select $1::int + 0 as v', [base + i]))[0].v === base + i);
        return answers;
      };
      const results = await Promise.all([
        ask(async (sql, p) => (await guest.query(sql, p)).rows, 1000),
        ask(async (sql, p) => (await other.query(sql, p)).rows, 2000),
        ask((sql, p) => owner.dataSource.query(sql, p), 3000),
      ]);
      expect(results.flat().every(Boolean)).toBe(true);
    } finally {
      await other.end();
    }
  });

  it('makes a second open of the folder in this process a guest, not a second owner', async () => {
    const second = await openDatabase({
      ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      databaseUrl: null,
      pgliteDataDir: dataDir,
    });
    try {
      expect(second.embedded?.guestOf?.pid).toBe(process.pid);
      await second.dataSource.query(`insert into lend_probe values ('second')`);
      expect(await probe()).toEqual(['second']);
    } finally {
      await second.close();
    }
  });
});
