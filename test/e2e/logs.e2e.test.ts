import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { migrate } from '../../src/db/bootstrap';
import { createServices } from '../../src/container';
import { createTestDatabase, TestDatabase } from '../support/test-db';
import { startServerProcess, ServerProcess } from '../support/server-process';
import { testPort } from '../support/own-cluster-db';

/**
 * The real server process in production mode, sent requests whose error paths used to print personal data,
 * bodies and forged lines to stderr: every line it writes must be JSON (or one of its start-up sentences), carry
 * the request id when it belongs to a request, and hold none of the values the requests carried.
 */
const HASH_KEY = 'logs-test-hash-key-0123456789abcdef';
const EMAIL = 'planted.person.4711@example.com';
const SEARCH = 'planted-search-term-4711';
const BODY_SECRET = 'planted-body-secret-4711';

describe('server logs in production', () => {
  let server: ServerProcess;
  let database: TestDatabase | null = null;
  let dataDir: string | null = null;
  let key: string;

  beforeAll(async () => {
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      API_KEY_HASH_KEY: HASH_KEY,
      LOG_LEVEL: 'info',
    };
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase({ apiKeyHashKey: HASH_KEY });
      key = (
        await createServices(database.config, database.db.dataSource).apiKeys.create(
          'logs',
          ['admin'],
          null,
        )
      ).key;
      await database.db.close();
      env.DATABASE_URL = database.config.databaseUrl!;
    } else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c360-logs-'));
      const config = {
        ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
        pgliteDataDir: dataDir,
        apiKeyHashKey: HASH_KEY,
      };
      const db = await openDatabase(config);
      await migrate(db);
      key = (await createServices(config, db.dataSource).apiKeys.create('logs', ['admin'], null))
        .key;
      await db.close();
      env.PGLITE_DATA_DIR = dataDir;
    }
    server = await startServerProcess(env, testPort(6));
    const gql = (body: object | string, requestId: string) =>
      request(server.baseUrl)
        .post('/graphql')
        .set('x-api-key', key)
        .set('x-request-id', requestId)
        .set('content-type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body));
    // The same email identifier twice: the second insert violates its unique key, with the email among the parameters.
    const create = {
      query:
        'mutation($e: String!) { createCustomer(input: { givenName: "Planted", identifiers: [{ type: EMAIL, value: $e, source: "shop" }] }) { id } }',
      variables: { e: EMAIL },
    };
    expect((await gql(create, 'logs-create-1')).status).toBe(200);
    const duplicate = await gql(create, 'logs-duplicate');
    expect(duplicate.body.errors[0].extensions.code).toBe('CONFLICT');
    await gql(
      {
        query: '{ customers(first: 1, filter: { search: $s }) { totalCount } }'.replace(
          '$s',
          JSON.stringify(`${SEARCH}\u0000`),
        ),
      },
      'logs-nul',
    );
    await gql(
      {
        query: `{ customers(first: 1, after: ${JSON.stringify('x\n{"forged":"line"}\n')}) { totalCount } }`,
      },
      'logs-cursor',
    );
    const malformed = await gql(
      `{"query": "{ __typename }", "secret": "${BODY_SECRET}"`,
      'logs-malformed',
    );
    expect(malformed.status).toBe(400);
    await server.terminate();
  }, 120_000);

  afterAll(async () => {
    if (database) await database.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes only JSON lines, besides its start-up and shutdown sentences', () => {
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.trim());
    const plain = lines.filter((line) => !line.startsWith('{'));
    for (const line of plain)
      expect(line).toMatch(
        /^(Customer 360 GraphQL API on http|SIGTERM: finishing|Embedded database migrated|Embedded database lent to local tools|Demo API key \(| {2}c360_|\(node:\d+\) |\(Use `node)/,
      );
    for (const line of lines.filter((l) => l.startsWith('{'))) {
      const parsed = JSON.parse(line);
      expect(parsed.forged).toBeUndefined();
    }
  });

  it('puts the request id on every line of a request', () => {
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    for (const id of ['logs-create-1', 'logs-duplicate', 'logs-nul', 'logs-cursor']) {
      expect(lines.some((l) => l.requestId === id && l.msg === 'graphql')).toBe(true);
    }
    expect(
      lines.some((l) => l.requestId === 'logs-malformed' && l.msg === 'request body refused'),
    ).toBe(true);
    const ofRequests = lines.filter(
      (l) => l.msg !== 'graphql' && /sql|graphql|request|auth|compiled/.test(String(l.msg)),
    );
    for (const line of ofRequests) expect(line.requestId).toEqual(expect.any(String));
  });

  it('never logs SQL parameters, search terms, bodies, emails or the key', () => {
    const output = server.output();
    for (const planted of [EMAIL, SEARCH, BODY_SECRET, key, 'PARAMETERS'])
      expect(output).not.toContain(planted);
  });
});
