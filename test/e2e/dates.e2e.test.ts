import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';

/**
 * The date rule (docs/dates.md): days are LocalDate (YYYY-MM-DD), moments are DateTimeISO with an offset. Every
 * refusal is BAD_USER_INPUT with the expected format and an example, in a literal as in a variable, and nothing a
 * client sends as a date reaches the database unchecked (no 500). Production mode: no debug details either way.
 */
let t: TestApp;
let customerId: string;

beforeAll(async () => {
  t = await startTestApp({ nodeEnv: 'production' });
  customerId = (await createCustomer(t)).id;
});
afterAll(async () => {
  await t.close();
});

const DAY = { expected: 'YYYY-MM-DD', example: '2026-01-31' };
const INSTANT = { code: 'BAD_USER_INPUT', example: '2026-01-31T09:30:00Z' };

/** A day argument (replenishmentDue's from) and a moment argument (a communication's occurredAt), both ways. */
const dayLiteral = (value: string) =>
  t.gql(`{ replenishmentDue(from: ${JSON.stringify(value)}, to: "2026-12-31") { totalCount } }`);
const dayVariable = (value: unknown) =>
  t.gql(`query($d: LocalDate!) { replenishmentDue(from: $d, to: "2026-12-31") { totalCount } }`, {
    d: value,
  });
const LOG = (
  at: string,
) => `mutation${at.startsWith('$') ? '($at: DateTimeISO)' : ''} { logCommunication(input: { customerId: "CUSTOMER", channel: EMAIL,
  direction: OUTBOUND, purpose: CAMPAIGN, occurredAt: ${at} }) { occurredAt } }`;
const instantLiteral = (value: string) =>
  t.gql(LOG(JSON.stringify(value)).replace('CUSTOMER', customerId));
const instantVariable = (value: unknown) =>
  t.gql(LOG('$at').replace('CUSTOMER', customerId), { at: value });

function expectDateError(
  res: { status: number; errors?: { message: string; extensions: Record<string, unknown> }[] },
  kind: 'day' | 'instant',
) {
  expect(res.status).toBe(400);
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0].extensions).toEqual(
    kind === 'day' ? { code: 'BAD_USER_INPUT', ...DAY } : expect.objectContaining(INSTANT),
  );
  // The message names the format and shows an example, whatever the value was.
  expect(res.errors![0].message).toContain(
    kind === 'day' ? 'YYYY-MM-DD, e.g. 2026-01-31' : 'e.g. 2026-01-31T09:30:00Z',
  );
  expect(res.errors![0].message).not.toContain('\u0000');
}

describe('days (LocalDate)', () => {
  it.each([
    ['an instant where a day is meant', '2026-01-01T00:00:00Z'],
    ['a day that is not in the calendar', '2026-02-30'],
    ['month 13', '2026-13-01'],
    ['the year 10000', '10000-01-01'],
    ['the year 0000', '0000-01-01'],
    ['a NUL byte', '2026-01-01\u0000'],
    ['a day without leading zeros', '2026-1-5'],
    ['words', 'tomorrow'],
  ])('%s is refused with the format, as a literal and as a variable', async (_name, value) => {
    expectDateError(await dayLiteral(value), 'day');
    expectDateError(await dayVariable(value), 'day');
  });

  it('a number or an object is refused the same way', async () => {
    expectDateError(
      await t.gql('{ replenishmentDue(from: 20260101, to: "2026-12-31") { totalCount } }'),
      'day',
    );
    expectDateError(await dayVariable(20260101), 'day');
    expectDateError(await dayVariable({ year: 2026 }), 'day');
  });

  it('in a nested input (a birth date) too, and says which day is wrong', async () => {
    const literal = await t.gql(
      'mutation { createCustomer(input: { givenName: "Ana", birthDate: "1990-02-29" }) { id } }',
    );
    expectDateError(literal, 'day');
    expect(literal.errors![0].message).toMatch(/February 1990 has 28 days/);
    const variable = await t.gql(
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      { input: { givenName: 'Ana', birthDate: '1990-02-29' } },
    );
    expectDateError(variable, 'day');
    expect(variable.errors![0].message).toMatch(/^Variable "\$input" got invalid value/);
  });

  it('a leap day and the last day of the year 9999 are days; far ones are refused by the argument, not the database', async () => {
    const leap = await t.gql(
      'query($d: LocalDate!) { replenishmentDue(from: $d, to: "2028-03-01") { totalCount } }',
      { d: '2028-02-29' },
    );
    expect(leap.errors).toBeUndefined();
    const far = await t.gql(
      '{ replenishmentDue(from: "9999-12-30", to: "9999-12-31") { totalCount } }',
    );
    expect(far.status).toBe(200);
    expect(far.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('reports take their first and last day, both inclusive, and answer with days', async () => {
    const { retention } = await t.ok(
      '{ retention(periodStart: "2026-01-01", periodEnd: "2026-03-31") { periodStart periodEnd } }',
    );
    expect(retention).toEqual({ periodStart: '2026-01-01', periodEnd: '2026-03-31' });
    expect(
      (await t.ok('{ nps(from: "2026-01-01", to: "2026-01-01") { responses } }')).nps.responses,
    ).toBe(0);
    expect(
      (await t.gql('{ cohorts(from: "2026-01-01T00:00:00Z", to: "2026-03-31") { cohort } }'))
        .errors![0].extensions.code,
    ).toBe('BAD_USER_INPUT');
    const backwards = await t.gql('{ nps(from: "2026-01-02", to: "2026-01-01") { responses } }');
    expect(backwards.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

describe('moments (DateTimeISO)', () => {
  it.each([
    ['a day without a time', '2026-01-01', /add one and an offset, e.g. 2026-01-01T00:00:00Z/],
    ['a time without an offset', '2026-01-01T10:00:00', /has no offset/],
    ['a day that is not in the calendar', '2026-02-30T10:00:00Z', /February 2026 has 28 days/],
    ['hour 25', '2026-01-01T25:00:00Z', /no such time of day/],
    ['the year 10000', '10000-01-01T00:00:00Z', /year past 9999/],
    ['past 9999 once in UTC', '9999-12-31T23:30:00-01:00', /outside the years 0001 to 9999/],
    ['a NUL byte', '2026-01-01T10:00:00Z\u0000', /not a date and time/],
  ])(
    '%s is refused with the format, as a literal and as a variable',
    async (_name, value, reason) => {
      const literal = await instantLiteral(value);
      expectDateError(literal, 'instant');
      expect(literal.errors![0].message).toMatch(reason);
      expectDateError(await instantVariable(value), 'instant');
    },
  );

  it('a number is refused, as a literal and as a variable', async () => {
    expectDateError(await t.gql(LOG('1767225600000').replace('CUSTOMER', customerId)), 'instant');
    expectDateError(await instantVariable(1767225600000), 'instant');
  });

  it('an offset, a fraction or no seconds are read as the moment they name, and sent back in UTC', async () => {
    const at = async (value: string) =>
      (await t.ok(LOG('$at').replace('CUSTOMER', customerId), { at: value })).logCommunication
        .occurredAt;
    expect(await at('2026-01-31T10:30:00+01:00')).toBe('2026-01-31T09:30:00.000Z');
    expect(await at('2026-01-31T09:30:00.1234Z')).toBe('2026-01-31T09:30:00.123Z');
    expect(await at('2026-01-31T09:30Z')).toBe('2026-01-31T09:30:00.000Z');
  });

  it('filters and key expiry take moments, and refuse days with the format', async () => {
    expectDateError(
      await t.gql('{ customers(first: 1, filter: { signedUpFrom: "2026-01-01" }) { totalCount } }'),
      'instant',
    );
    expectDateError(
      await t.gql(
        'mutation { createApiKey(name: "x", scopes: ["customers:read"], expiresAt: "2027-02-30T00:00:00Z") { key } }',
      ),
      'instant',
    );
  });
});

describe('the first and last days and moments there are', () => {
  it.each([
    '{ retention(periodStart: "9999-01-01", periodEnd: "9999-12-31") { rate } }',
    '{ nps(from: "0001-01-01", to: "0001-01-31") { responses } }',
    '{ cohorts(from: "9999-11-01", to: "9999-12-31") { cohort } }',
    '{ modelReport(calibrationEnd: "0001-01-01", holdoutEnd: "0001-02-01") { customers } }',
    '{ modelReport(calibrationEnd: "9999-10-01", holdoutEnd: "9999-12-31") { customers } }',
    'mutation { fitModels(asOf: "9999-12-31", timeUnit: WEEK) { customers } }',
    '{ customers(first: 1) { nodes { a: metrics(asOf: "0001-01-01") { asOf probabilityAlive } b: metrics(asOf: "9999-12-31") { asOf } } } }',
    '{ segments(asOf: "0001-01-01") { segment } b: segments(asOf: "9999-12-31") { segment } }',
    '{ cohorts(from: "9999-11-01", to: "9999-12-31", asOf: "9999-12-31") { cohort } }',
    '{ cohorts(from: "0001-01-01", to: "0001-12-31", asOf: "0001-01-01") { cohort } }',
    '{ cohortValue(from: "0001-01-01", to: "0001-12-31", asOf: "0001-06-30") { cohort forecast { months } } }',
    '{ cohortValue(from: "9999-01-01", to: "9999-12-31", asOf: "9999-12-31") { cohort } }',
    'mutation { fitModels(asOf: "0001-01-01", timeUnit: DAY) { customers } }',
    '{ customers(first: 1, filter: { signedUpFrom: "0001-01-01T00:00:00Z", lastOrderBefore: "9999-12-31T23:59:59.999Z", updatedSince: "0001-01-01T00:00Z" }) { totalCount } }',
    'mutation { createApiKey(name: "far", scopes: ["customers:read"], expiresAt: "9999-12-31T23:59:59Z") { apiKey { expiresAt } } }',
    `mutation { a: logCommunication(input: { customerId: "CUSTOMER", channel: EMAIL, direction: OUTBOUND, purpose: CAMPAIGN, occurredAt: "0001-01-01T00:00:00Z" }) { occurredAt }
      b: logCommunication(input: { customerId: "CUSTOMER", channel: EMAIL, direction: OUTBOUND, purpose: CAMPAIGN, occurredAt: "9999-12-31T23:59:59.999Z" }) { occurredAt } }`,
  ])('%s: an answer or BAD_USER_INPUT, never a 500', async (query) => {
    const res = await t.gql(query.replace(/CUSTOMER/g, customerId));
    expect(res.status).toBeLessThan(500);
    for (const error of res.errors ?? []) expect(error.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('in the federation subgraph (rebuilt from SDL), the same scalars', () => {
  let sub: TestApp;
  beforeAll(async () => {
    sub = await startTestApp({ nodeEnv: 'production', federationSubgraph: true });
  });
  afterAll(async () => {
    await sub.close();
  });

  it('refuse bad days and moments alike, and read an offset as the moment it names', async () => {
    expectDateError(
      await sub.gql('{ replenishmentDue(from: "2026-02-30", to: "2026-12-31") { totalCount } }'),
      'day',
    );
    expectDateError(
      await sub.gql(
        'query($d: LocalDate!) { replenishmentDue(from: $d, to: "2026-12-31") { totalCount } }',
        { d: '2026-02-30' },
      ),
      'day',
    );
    expectDateError(
      await sub.gql('{ nps(from: "2026-01-01T00:00:00Z", to: "2026-01-31") { responses } }'),
      'day',
    );
    const { id } = await createCustomer(sub);
    expectDateError(await sub.gql(LOG('"2026-01-01"').replace('CUSTOMER', id)), 'instant');
    expectDateError(
      await sub.gql(LOG('$at').replace('CUSTOMER', id), { at: '2026-01-01' }),
      'instant',
    );
    const logged = await sub.ok(LOG('$at').replace('CUSTOMER', id), {
      at: '2026-01-31T10:30:00+01:00',
    });
    expect(logged.logCommunication.occurredAt).toBe('2026-01-31T09:30:00.000Z');
  });
});

describe('CLI date options', () => {
  // An address where no database answers: a date option is refused before the CLI opens one.
  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args],
      {
        cwd: path.resolve(__dirname, '../..'),
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
          NODE_ENV: 'production',
          API_KEY_HASH_KEY: 'cli-dates-test-secret-0123456789',
        },
      },
    );

  it.each([
    [
      ['apikey', 'create', '--name', 'x', '--scopes', 'admin', '--expires', '2026-02-30'],
      /^--expires: "2026-02-30" is not a day of the calendar \(February 2026 has 28 days\); expected a day, YYYY-MM-DD, e.g. 2026-01-31/,
    ],
    [
      ['apikey', 'create', '--name', 'x', '--scopes', 'admin', '--expires', '2027-01-01T10:00'],
      /^--expires: "2027-01-01T10:00" has no offset/,
    ],
    [
      ['apikey', 'create', '--name', 'x', '--scopes', 'admin', '--expires', '2020-01-01'],
      /^--expires: 2020-01-01 is already past/,
    ],
    [['loyalty', 'expire', '--until', 'next week'], /^--until: "next week" is not a day/],
    [['fit-models', '--as-of', '2026-13-01'], /^--as-of: "2026-13-01" has no month 13/],
    [
      ['export', 'customers', '--updated-since', '2026-11-01 25:00Z'],
      /^--updated-since: "2026-11-01 25:00Z" has no such time of day/,
    ],
  ])(
    '%j: one line, before any SQL',
    (args, message) => {
      const result = run(...args);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    },
    60_000,
  );
});
