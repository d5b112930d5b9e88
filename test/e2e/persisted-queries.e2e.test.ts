import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { startTestApp, TestApp } from '../support/test-app';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

const REGISTERED =
  'query PartnerCustomers($n: Int!) { customers(first: $n) { totalCount nodes { id } } }';
const OTHER = '{ customers(first: 3) { nodes { id email } } }';

function manifestFile(
  operations: { id: string; name: string; type: string; body: string }[],
): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'c360-pq-')), 'manifest.json');
  fs.writeFileSync(
    file,
    JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }),
  );
  return file;
}

describe('automatic persisted queries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: object) =>
    request(t.app.app).post('/graphql').set('authorization', `Bearer ${t.adminKey}`).send(body);
  const query = `{ customers(first: 2) { totalCount } } # apq ${Date.now()}`;

  it('asks for the text of an unknown hash, registers it with the text, then runs it from the hash alone (POST and GET)', async () => {
    const unknown = await post({ extensions: persisted(sha256(query)) });
    expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post({ query, extensions: persisted(sha256(query)) });
    expect(registered.body.data.customers.totalCount).toBe(0);
    const byHash = await post({ extensions: persisted(sha256(query)) });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data.customers.totalCount).toBe(0);
    const overGet = await request(t.app.app)
      .get('/graphql')
      .set('authorization', `Bearer ${t.adminKey}`)
      .set('accept', 'application/json')
      .set('apollo-require-preflight', 'true')
      .query({ extensions: JSON.stringify(persisted(sha256(query))) });
    expect(overGet.status).toBe(200);
    expect(overGet.body.data.customers.totalCount).toBe(0);
  });

  it('refuses a text whose hash does not match', async () => {
    const res = await post({ query, extensions: persisted(sha256('{ something else }')) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      message: 'provided sha does not match query',
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('shares registered hashes between server processes through Redis', async () => {
    const a = await startTestApp({ redisUrl: 'redis://127.0.0.1:6379' });
    try {
      const b = await createApp(a.database.config, a.database.db);
      try {
        const text = `{ customers(first: 1) { totalCount } } # shared ${Date.now()}`;
        await request(a.app.app)
          .post('/graphql')
          .set('authorization', `Bearer ${a.adminKey}`)
          .send({ query: text, extensions: persisted(sha256(text)) })
          .expect(200);
        const other = await request(b.app)
          .post('/graphql')
          .set('authorization', `Bearer ${a.adminKey}`)
          .send({ extensions: persisted(sha256(text)) });
        expect(other.body.errors).toBeUndefined();
        expect(other.body.data.customers.totalCount).toBe(0);
      } finally {
        await b.stop();
      }
    } finally {
      await a.close();
    }
  });
});

describe('trusted documents', () => {
  let t: TestApp;
  let partnerKey: string;
  beforeAll(async () => {
    t = await startTestApp({
      trustedDocumentsFile: manifestFile([
        { id: sha256(REGISTERED), name: 'PartnerCustomers', type: 'query', body: REGISTERED },
      ]),
    });
    const issued =
      await t.ok(`mutation { createApiKey(name: "partner", scopes: ["customers:read", "pii:read"], trustedDocumentsOnly: true) {
      key apiKey { trustedDocumentsOnly } } }`);
    expect(issued.createApiKey.apiKey.trustedDocumentsOnly).toBe(true);
    partnerKey = issued.createApiKey.key;
  });
  afterAll(async () => {
    await t.close();
  });

  const asPartner = (body: object, key = partnerKey) =>
    request(t.app.app).post('/graphql').set('x-api-key', key).send(body);

  it('runs a registered operation from its hash alone, with no registration round trip, or from its text', async () => {
    const byHash = await asPartner({
      extensions: persisted(sha256(REGISTERED)),
      variables: { n: 5 },
    });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data.customers).toEqual({ totalCount: 0, nodes: [] });
    const byText = await asPartner({ query: REGISTERED, variables: { n: 5 } });
    expect(byText.body.data.customers.totalCount).toBe(0);
  });

  it('refuses anything else from a trusted-documents-only key, before it is parsed or charged', async () => {
    for (const body of [
      { query: OTHER },
      { extensions: persisted(sha256(OTHER)) },
      { query: '{ __schema { types { name } } }' },
      { query: 'not even graphql' },
      {},
    ]) {
      const res = await asPartner(body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(res.body.extensions).toBeUndefined();
    }
    const overGet = await request(t.app.app)
      .get('/graphql')
      .set('x-api-key', partnerKey)
      .set('accept', 'application/json')
      .set('apollo-require-preflight', 'true')
      .query({ query: OTHER });
    expect(overGet.status).toBe(400);
    expect(overGet.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('leaves other keys free to run any operation, and a rotated key keeps the restriction', async () => {
    const ordinary = await t.keyWith(['customers:read']);
    expect((await asPartner({ query: OTHER }, ordinary)).body.data.customers.nodes).toEqual([]);
    const [{ id }] = await t.sql("select id from api_keys where name = 'partner'");
    const rotated = await t.ok(
      `mutation($id: ID!) { rotateApiKey(id: $id, graceHours: 0) { key apiKey { trustedDocumentsOnly } } }`,
      { id },
    );
    expect(rotated.rotateApiKey.apiKey.trustedDocumentsOnly).toBe(true);
    expect(
      (await asPartner({ query: OTHER }, rotated.rotateApiKey.key)).body.errors[0].extensions.code,
    ).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('refuses to start with a manifest that is missing, malformed or has an id that is not its body’s hash', () => {
    const forged = manifestFile([
      { id: sha256(REGISTERED), name: 'Forged', type: 'query', body: OTHER },
    ]);
    expect(() => loadConfig({ TRUSTED_DOCUMENTS_FILE: forged })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUSTED_DOCUMENTS_FILE: forged })).toThrow(
      /not the SHA-256 of its body/,
    );
    expect(() =>
      loadConfig({ TRUSTED_DOCUMENTS_FILE: '/nonexistent/manifest.json', PORT: 'x' }),
    ).toThrow(/PORT[\s\S]*TRUSTED_DOCUMENTS_FILE.*cannot read/);
  });
});
