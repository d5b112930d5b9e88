import path from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createApp, App } from '../../src/app';
import { requestFacts } from '../../src/common/observability';
import { RequestTimeoutError } from '../../src/common/errors';

const SAMPLE = path.resolve(__dirname, '../../../shared/datasets/cdnow/CDNOW_sample.txt');
const LONG_BACKTEST =
  '{ modelReport(calibrationEnd: "1997-09-30", holdoutEnd: "1999-09-27") { customers weekly { week } } }';

// Production mode, on the CDNOW sample (2,357 customers) with a fitted model.
let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await startTestApp({ nodeEnv: 'production' });
  await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
  await t.app.services.modelFits.fit('1997-09-30', 'week');
  key = await t.keyWith(['customers:read', 'metrics:read']);
});
afterAll(async () => {
  await t.close();
});

const post = (query: string, app: App = t.app, as = key) =>
  request(app.app).post('/graphql').set('x-api-key', as).send({ query });
const get = (query: string) =>
  request(t.app.app)
    .get('/graphql')
    .query({ query })
    .set('x-api-key', key)
    .set('apollo-require-preflight', '1')
    .set('accept', 'application/json');

describe('model horizons', () => {
  it.each([
    [
      'a holdout past its maximum',
      '{ modelReport(calibrationEnd: "2025-06-01", holdoutEnd: "9999-12-31") { r } }',
      'holdoutEnd',
    ],
    [
      'cohorts over more than ten years',
      '{ cohorts(from: "1990-01-01", to: "2000-12-31") { cohort } }',
      'to',
    ],
    [
      'an NPS period over more than ten years',
      '{ nps(from: "1990-01-01", to: "2000-12-31") { score } }',
      'to',
    ],
    [
      'retention over more than ten years',
      '{ retention(periodStart: "1990-01-01", periodEnd: "2000-12-31") { rate } }',
      'periodEnd',
    ],
    [
      'expected purchases past 3650 days',
      '{ customers(first: 1) { nodes { metrics { expectedPurchases(days: 3651) { value } } } } }',
      'days',
    ],
  ])('refuses %s with BAD_USER_INPUT, over POST and GET', async (_name, query, field) => {
    for (const res of [await post(query), await get(query)]) {
      expect(res.status).toBe(200);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('charges model work by its horizon: a page of ten-year predictions is over the limit, a short one is not', async () => {
    const long = await post(
      '{ customers(first: 100) { nodes { metrics { expectedPurchases(days: 3650) { value } predictedClv(months: 120) { value { amount } } } } } }',
    );
    expect(long.status).toBe(400);
    expect(long.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
    const short = await post(
      '{ customers(first: 5) { nodes { metrics { expectedPurchases(days: 30) { value } predictedClv(months: 12) { value { amount } } } } } }',
    );
    expect(short.status).toBe(200);
    expect(short.body.errors).toBeUndefined();
    // 2 + 5 × (nodes 1 + metrics 1 + expectedPurchases 1 + ⌈30/365⌉ + predictedClv 1 + ⌈12²/100⌉ + its value 1).
    expect(short.body.extensions.cost.requestedQueryCost).toBe(2 + 5 * 8);
    const report = await post(
      '{ modelReport(calibrationEnd: "1997-09-30", holdoutEnd: "1997-12-30") { customers } }',
    );
    expect(report.body.extensions.cost.requestedQueryCost).toBe(300 + 6 * 13);
  });
});

describe('request deadline', () => {
  it('answers REQUEST_TIMEOUT once the deadline passes during a long computation', async () => {
    const hurried = await createApp(
      { ...t.database.config, nodeEnv: 'production', requestTimeoutMs: 100 },
      t.database.db,
    );
    try {
      const res = await post(LONG_BACKTEST, hurried);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [
          { message: expect.any(String), extensions: { code: 'REQUEST_TIMEOUT', timeoutMs: 100 } },
        ],
      });
      // The process is free again: the next request answers normally.
      expect((await post('{ customers(first: 1) { totalCount } }', hurried)).status).toBe(200);
    } finally {
      await hurried.stop();
    }
  });

  it('stops the model computation at the deadline instead of running it to the end', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new RequestTimeoutError(50)), 50);
    const report = requestFacts.run(
      { requestId: 'deadline-test', sqlStatements: 0, signal: controller.signal },
      () => t.app.services.analytics.modelReport('1997-09-30', '1999-09-27'),
    );
    await expect(report).rejects.toMatchObject({ extensions: { code: 'REQUEST_TIMEOUT' } });
    // It stopped at a checkpoint shortly after the deadline, not after the whole backtest (unbounded before).
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('lets other requests run while a long computation is under way', async () => {
    const order: string[] = [];
    // A key of its own: the backtest costs 924 of the bucket's 2,000 points.
    const fresh = await t.keyWith(['customers:read', 'metrics:read']);
    const heavy = post(LONG_BACKTEST, t.app, fresh).then((res) => {
      order.push('heavy');
      return res;
    });
    // Sent once the heavy request is computing (its reads are done when it has held the loop for a slice).
    await new Promise((resolve) => setTimeout(resolve, 150));
    const light = await post('{ customers(first: 1) { totalCount } }');
    order.push('light');
    expect(light.status).toBe(200);
    expect((await heavy).status).toBe(200);
    expect(order).toEqual(['light', 'heavy']);
  });
});
