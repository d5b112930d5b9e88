import { PassThrough } from 'node:stream';
import request from 'supertest';
import { exportCustomers } from '../../src/cli/export-customers';
import { createCustomer, recordOrder } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('operations endpoints', () => {
  it('answers liveness and readiness', async () => {
    expect((await request(t.app.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(t.app.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
  });

  it('exports Prometheus metrics: requests by operation, errors by code, SQL statements per request', async () => {
    await request(t.app.app)
      .post('/graphql')
      .set('authorization', `Bearer ${t.adminKey}`)
      .set('x-request-id', 'req-42')
      .send({ query: 'query CustomerCount { customers(first: 1) { totalCount } }' })
      .expect('x-request-id', 'req-42');
    await request(t.app.app)
      .post('/graphql')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ query: '{ customer(id: "nope") { id } }' });
    expect((await request(t.app.app).get('/metrics')).status).toBe(401);
    expect(
      (
        await request(t.app.app)
          .get('/metrics')
          .set('x-api-key', await t.keyWith(['customers:read']))
      ).status,
    ).toBe(403);
    const text = (
      await request(t.app.app).get('/metrics').set('authorization', `Bearer ${t.adminKey}`)
    ).text;
    expect(text).toMatch(/graphql_requests_total\{type="query",operation="CustomerCount"\} 1/);
    expect(text).toMatch(/graphql_errors_total\{code="BAD_USER_INPUT"\} 1/);
    expect(text).toMatch(/graphql_sql_statements_per_request_count 2/);
    expect(text).toMatch(/process_cpu_user_seconds_total/);
  });

  it('serves GraphiQL from the package itself, with the README query preloaded and nothing from a CDN', async () => {
    const res = await request(t.app.app).get('/graphql').set('accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/GraphiQL/);
    expect(res.text).toMatch(/LAST_ORDER_DATE/);
    expect(res.text).not.toMatch(/<script[^>]+src="https?:/);
    expect(res.text).not.toMatch(/<link[^>]+href="https?:/);
  });

  it('turns readiness off when shutting down', async () => {
    const other = await startTestApp();
    await other.app.stop();
    const res = await request(other.app.app).get('/readyz');
    expect(res.status).toBe(503);
    await other.database.drop();
  });
});

describe('BI export', () => {
  it('streams every customer with summary and metrics as NDJSON or CSV, optionally only those changed since', async () => {
    const a = await createCustomer(t, { country: 'HR', tags: ['vip', 'coffee'] });
    await recordOrder(t, a.id, { gross: '12.34', placedAt: '2026-01-01T00:00:00Z' });
    const mark = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const b = await createCustomer(t, { givenName: 'Comma, "quoted"' });
    const collect = async (format: 'ndjson' | 'csv', since: Date | null) => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c) => chunks.push(c));
      const count = await exportCustomers(t.app.services, 'USD', format, since, out);
      return { count, text: Buffer.concat(chunks).toString('utf8') };
    };
    const all = await collect('ndjson', null);
    const rows = all.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(all.count).toBe(rows.length);
    expect(rows.find((r) => r.databaseId === a.databaseId)).toMatchObject({
      country: 'HR',
      tags: 'vip|coffee',
      orderCount: 1,
      netSpent: '12.34',
      currency: 'USD',
    });
    const recent = await collect('csv', mark);
    expect(recent.count).toBe(1);
    const lines = recent.text.trim().split('\n');
    expect(lines[0]).toMatch(/^id,databaseId,givenName,familyName,email/);
    expect(lines[1]).toContain('"Comma, ""quoted"""');
    expect(lines[1]).toContain(b.databaseId);
  });
});
