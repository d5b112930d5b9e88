import path from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createApp, App } from '../../src/app';
import { logger } from '../../src/common/logger';

const SAMPLE = path.resolve(__dirname, '../../../shared/datasets/cdnow/CDNOW_sample.txt');
const TIER_NUDGE = '{ nextBestActions(kind: TIER_NUDGE, first: 1) { edges { node { dueDate } } } }';
// 100 customers, each with 7 ten-year CLVs and 7 ten-year expected purchases (aliases: different horizons).
const ADMIN_MODELS = `{ customers(first: 100) { nodes { metrics { ${Array.from(
  { length: 7 },
  (_, i) =>
    `c${i}: predictedClv(months: ${120 - i}) { value { amount } } e${i}: expectedPurchases(days: ${3650 - i}) { value }`,
).join(' ')} } } } }`;

// Production mode, on the CDNOW sample (2,357 customers) with a fitted model.
let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await startTestApp({ nodeEnv: 'production' });
  await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
  await t.app.services.modelFits.fit('1997-09-30', 'week');
  key = await t.keyWith(['customers:read', 'orders:read', 'metrics:read', 'loyalty:read']);
});
afterAll(async () => {
  await t.close();
});

const post = (query: string, as = key, app: App = t.app) =>
  request(app.app).post('/graphql').set('x-api-key', as).send({ query });

describe('base-wide windows', () => {
  it.each([
    [
      'cycles due over any day there is',
      '{ replenishmentDue(from: "0001-01-01", to: "9999-12-31", first: 1) { totalCount } }',
      'from',
    ],
    [
      'cycles due over 367 days',
      '{ replenishmentDue(from: "1997-01-01", to: "1998-01-03", first: 1) { totalCount } }',
      'to',
    ],
    [
      'actions due over any day there is',
      '{ nextBestActions(kind: TIER_NUDGE, dueFrom: "0001-01-01", dueTo: "9999-12-31", first: 1) { totalCount } }',
      'dueFrom',
    ],
    [
      'actions due over 367 days',
      '{ nextBestActions(kind: GREETING, dueFrom: "2030-01-01", dueTo: "2031-01-03", first: 1) { totalCount } }',
      'dueTo',
    ],
  ])('refuses %s with BAD_USER_INPUT', async (_name, query, field) => {
    const res = await post(query);
    expect(res.status).toBe(200);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('accepts a window of a year (366 days, the documented maximum)', async () => {
    const res = await post(
      '{ replenishmentDue(from: "1997-01-01", to: "1998-01-02", first: 1) { totalCount } }',
    );
    expect(res.body.errors).toBeUndefined();
  });
});

describe('base-wide costs', () => {
  it('prices scoring the whole base as such, whatever the page', async () => {
    // Two of them are over the 1,000-point limit: refused before anything runs, with the cost.
    const twice = await post(
      `{ a: ${TIER_NUDGE.slice(1, -1)} b: ${TIER_NUDGE.slice(1, -1)} }`,
      await t.keyWith(['metrics:read']),
    );
    expect(twice.status).toBe(400);
    // Each: 500 for the scoring, plus the page of one: 2 + 1 × (edges 1 + node 1).
    expect(twice.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: 'cost',
      cost: 2 * (500 + 4),
    });
  });

  it.each([
    [
      'actions scored on their candidates',
      '{ nextBestActions(kind: WIN_BACK, first: 1) { edges { node { dueDate } } } }',
      200 + 4,
    ],
    [
      'cycles due',
      '{ replenishmentDue(from: "1997-01-01", to: "1997-12-31", first: 1) { edges { node { dueDate } } } }',
      100 + 4,
    ],
    [
      'upcoming moments',
      '{ upcomingMoments(days: 366, first: 1) { edges { node { date } } } }',
      100 + 4,
    ],
    ['RFM segments as of a day', '{ segments(asOf: "1997-09-30") { segment } }', 200],
    // The spend matrix (50 + 1 per cohort month) and the forecast, charged once for the list (300).
    [
      'cohort forecasts',
      '{ cohortValue(from: "1997-01-01", to: "1997-12-31", asOf: "1997-09-30") { cohort forecast { months } } }',
      50 + 12 + 300,
    ],
  ])('prices %s as a scan of the base', async (_name, query, cost) => {
    const res = await post(
      query,
      await t.keyWith(['customers:read', 'orders:read', 'metrics:read', 'loyalty:read']),
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions.cost.requestedQueryCost).toBe(cost);
  });
});

describe('long requests share the process and stop at the deadline', () => {
  // Deadlines shorter than the work: scoring the 2,357 customers, and the 1,400 ten-year predictions.
  let scoring: App;
  let hurried: App;
  beforeAll(async () => {
    scoring = await createApp(
      { ...t.database.config, nodeEnv: 'production', requestTimeoutMs: 250 },
      t.database.db,
    );
    hurried = await createApp(
      { ...t.database.config, nodeEnv: 'production', requestTimeoutMs: 800 },
      t.database.db,
    );
  });
  afterAll(async () => {
    await scoring.stop();
    await hurried.stop();
  });

  /** Sends the heavy request, then the light one once the heavy one is computing; the order they finished in. */
  async function race(heavy: () => request.Test, light: () => request.Test, afterMs: number) {
    const order: string[] = [];
    const heavyDone = heavy().then((res) => {
      order.push('heavy');
      return res;
    });
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    const lightRes = await light();
    order.push('light');
    return { order, heavy: await heavyDone, light: lightRes };
  }

  /** The error codes of the operation's log line, written when its execution ends (after any deadline answer). */
  function codesLoggedFor(operation: string): Promise<string[]> {
    const info = logger.info.bind(logger);
    return new Promise((resolve) => {
      const spy = jest
        .spyOn(logger, 'info')
        .mockImplementation((fields: unknown, ...rest: unknown[]) => {
          const line = fields as { operation?: string; errors?: string[] };
          if (line?.operation === operation) {
            spy.mockRestore();
            resolve(line.errors ?? []);
          }
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- it is needed: pino's overloads refuse (unknown, ...unknown[])
          return (info as (...args: unknown[]) => void)(fields, ...rest);
        });
    });
  }

  it('scores the whole base in slices: another key is answered meanwhile, and the scoring stops at the deadline', async () => {
    const other = await t.keyWith(['customers:read']);
    const logged = codesLoggedFor('Scoring');
    const { order, heavy, light } = await race(
      () => post(`query Scoring ${TIER_NUDGE}`, key, scoring),
      () => post('{ customers(first: 1) { totalCount } }', other, scoring),
      100,
    );
    expect(light.status).toBe(200);
    expect(heavy.status).toBe(400);
    expect(heavy.body.errors[0].extensions).toEqual({ code: 'REQUEST_TIMEOUT', timeoutMs: 250 });
    expect(order).toEqual(['light', 'heavy']);
    // The scoring itself stopped at the deadline (before, it ran over the whole base after the timeout's answer).
    expect(await logged).toContain('REQUEST_TIMEOUT');
  });

  it('fits a model in slices through the API: /healthz answers meanwhile, and a fit past the deadline stops and stores nothing', async () => {
    const before = await t.sql('select count(*)::int as fits from model_fits');
    const logged = codesLoggedFor('SlowFit');
    let lightMs = 0;
    const { heavy, light } = await race(
      () =>
        post(
          'mutation SlowFit { fitModels(asOf: "1997-09-30", timeUnit: DAY, purchaseModel: PARETO_NBD) { id } }',
          t.adminKey,
          scoring,
        ),
      () => {
        const sent = Date.now();
        return request(scoring.app)
          .get('/healthz')
          .then((res) => {
            lightMs = Date.now() - sent;
            return res;
          }) as unknown as request.Test;
      },
      100,
    );
    expect(light.status).toBe(200);
    expect(heavy.status).toBe(400);
    expect(heavy.body.errors[0].extensions).toEqual({ code: 'REQUEST_TIMEOUT', timeoutMs: 250 });
    // The probe waits at most for the optimiser iteration in progress (tens of ms; a few hundred on a loaded
    // machine), not for the fit: unsliced, the fit held the event loop for its whole run (seconds) and then answered.
    expect(lightMs).toBeLessThan(1500);
    expect(await logged).toContain('REQUEST_TIMEOUT');
    expect(await t.sql('select count(*)::int as fits from model_fits')).toEqual(before);
  });

  it('computes an admin document’s per-customer models in slices: /healthz answers meanwhile, the deadline on time', async () => {
    const { order, heavy, light } = await race(
      () => post(ADMIN_MODELS, t.adminKey, hurried),
      () => request(hurried.app).get('/healthz'),
      300,
    );
    expect(light.status).toBe(200);
    expect(heavy.status).toBe(400);
    expect(heavy.body.errors[0].extensions).toEqual({ code: 'REQUEST_TIMEOUT', timeoutMs: 800 });
    // Before, every loop's slice ran in the same turn of the event loop: the deadline's answer (and /healthz) came
    // only after all of them, so the timeout answered first.
    expect(order).toEqual(['light', 'heavy']);
  });
});
