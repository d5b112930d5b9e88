import 'reflect-metadata';
import request from 'supertest';
import { createApp, App } from '../../src/app';
import { addDays } from '../../src/common/shop-time';
import { createTestDatabase, TestDatabase } from '../support/test-db';

// Issue 18: the jobs that publish change events (action-due, points-expiry-notice) and prune them (prune-events),
// driven by a test clock on the real scheduler and pg-boss.
const TODAY = new Date().toISOString().slice(0, 10);
let clock = new Date(`${TODAY}T01:00:00Z`);

let database: TestDatabase;
let app: App;
let adminKey: string;

const gql = async (query: string, variables: Record<string, unknown> = {}, key = adminKey) => {
  const res = await request(app.app)
    .post('/graphql')
    .set('content-type', 'application/json')
    .set('authorization', `Bearer ${key}`)
    .send({ query, variables });
  return res.body;
};
const ok = async (query: string, variables: Record<string, unknown> = {}) => {
  const body = await gql(query, variables);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

async function eventually<T>(check: () => Promise<T | undefined>, what: string, bound = 60_000) {
  const until = Date.now() + bound;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Moves the clock, ticks the scheduler and waits for the job's run of that slot to succeed. */
async function runAt(iso: string, job: string) {
  clock = new Date(iso);
  const before = await runsOf(job);
  // The runner's own loop ticks too (with the same clock), so either may claim the slot: no count is asserted.
  await app.jobs!.tick();
  return eventually(async () => {
    const runs = await runsOf(job);
    return runs.filter((r) => r.status === 'SUCCEEDED').length >
      before.filter((r) => r.status === 'SUCCEEDED').length
      ? runs
      : undefined;
  }, `${job} at ${iso}`);
}

async function runsOf(job: string): Promise<{ status: string }[]> {
  const { jobs } = await ok(`{ jobs(runs: 20) { name recentRuns { status error } } }`);
  return jobs.find((j: { name: string }) => j.name === job).recentRuns;
}

async function eventsOf(types: string[], key = adminKey) {
  const body = await gql(
    `query($types: [ChangeEventType!]) { events(first: 100, types: $types) { nodes { name customerId data redacted } } }`,
    { types },
    key,
  );
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data.events.nodes as {
    name: string;
    customerId: string;
    data: any;
    redacted: string[];
  }[];
}

beforeAll(async () => {
  database = await createTestDatabase({
    jobSchedules: {
      JOB_SCHEDULE_METRICS_REFRESH: 'off',
      JOB_SCHEDULE_POINTS_EXPIRY: 'off',
      JOB_SCHEDULE_BIRTHDAY_BONUSES: 'off',
      JOB_SCHEDULE_ASSOCIATION_MINING: 'off',
      JOB_SCHEDULE_PRUNE_IDEMPOTENCY_KEYS: 'off',
    },
  });
  app = await createApp(database.config, database.db, {
    jobs: { work: true, clock: () => new Date(clock) },
  });
  adminKey = (await app.services.apiKeys.create('tests', ['admin'], null)).key;
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

describe('jobs that publish change events', () => {
  it('prune-events deletes events older than EVENT_RETENTION_DAYS, and only those', async () => {
    const { createCustomer: old } = await ok(
      `mutation { createCustomer(input: { givenName: "Old", email: "old.events@example.com" }) { databaseId } }`,
    );
    const { createCustomer: fresh } = await ok(
      `mutation { createCustomer(input: { givenName: "Fresh" }) { databaseId } }`,
    );
    await database.db.dataSource.query(
      `update outbox_events set occurred_at = now() - interval '31 days' where customer_id = $1`,
      [old.databaseId],
    );
    await runAt(`${TODAY}T03:45:05Z`, 'prune-events');
    const left = await database.db.dataSource.query(
      `select customer_id from outbox_events where customer_id = any($1::uuid[])`,
      [[old.databaseId, fresh.databaseId]],
    );
    expect(left).toEqual([{ customer_id: fresh.databaseId }]);
  });

  it('action-due announces today’s greeting once; its day and reason only for pii:read', async () => {
    const [, month, day] = TODAY.split('-');
    const { createCustomer: c } = await ok(
      `mutation($b: LocalDate!) { createCustomer(input: { givenName: "Bea", email: "bea.due@example.com", birthDate: $b,
        consents: [{ channel: EMAIL, granted: true, source: "checkout" }] }) { id } }`,
      { b: `1990-${month}-${day}` },
    );
    await runAt(`${TODAY}T07:00:05Z`, 'action-due');
    const due = (await eventsOf(['ACTION_DUE'])).filter((e) => e.customerId === c.id);
    const greeting = due.filter((e) => e.data.kind === 'GREETING');
    expect(greeting).toHaveLength(1);
    expect(greeting[0].data).toMatchObject({
      kind: 'GREETING',
      channel: 'EMAIL',
      personal: { dueDay: TODAY, reason: `Birthday on ${TODAY}` },
    });
    const metricsOnly = (await app.services.apiKeys.create('m', ['metrics:read'], null)).key;
    const seen = (await eventsOf(['ACTION_DUE'], metricsOnly)).filter(
      (e) => e.customerId === c.id && e.data.kind === 'GREETING',
    );
    expect(seen).toHaveLength(1);
    expect(seen[0].data).not.toHaveProperty('personal');
    expect(seen[0].redacted).toEqual(['personal']);
    expect(JSON.stringify(seen)).not.toContain(TODAY.slice(5));
    // The same day's slot is claimed once: ticking again runs nothing and announces nothing more.
    expect(await app.jobs!.tick()).toBe(0);
    expect(
      (await eventsOf(['ACTION_DUE'])).filter(
        (e) => e.customerId === c.id && e.data.kind === 'GREETING',
      ),
    ).toHaveLength(1);
  });

  it('points-expiry-notice announces points LOYALTY_EXPIRY_NOTICE_DAYS ahead, each expiry day once', async () => {
    await ok(`mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: POINTS_12M, pointsValidityMonths: 1, tiers: [
      { code: "MEMBER", name: "Member", threshold: "0" }] }) { name } }`);
    const { createCustomer: c } = await ok(
      `mutation { createCustomer(input: { givenName: "Pia" }) { id } }`,
    );
    // Earned a month before the day 14 days ahead: those points lapse at its start; a later lot lapses 6 days after.
    const monthBefore = (day: string) => {
      const [y, m, d] = day.split('-').map(Number);
      const date = new Date(Date.UTC(y, m - 2, d, 12));
      return date.toISOString();
    };
    const lapsing = addDays(TODAY, 14);
    const earn = `mutation($id: ID!, $p: Int!, $at: DateTimeISO!) { earnLoyaltyPoints(input: { customerId: $id, points: $p, reason: "visit", occurredAt: $at }) { expiresAt } }`;
    const first = await ok(earn, { id: c.id, p: 40, at: monthBefore(lapsing) });
    await ok(earn, { id: c.id, p: 25, at: monthBefore(addDays(lapsing, 6)) });
    // Ten of the older points are spent: 30 of that lot lapse.
    await ok(
      `mutation($id: ID!) { redeemLoyaltyPoints(input: { customerId: $id, points: 10, reason: "coffee" }) { points } }`,
      { id: c.id },
    );
    await runAt(`${TODAY}T08:00:05Z`, 'points-expiry-notice');
    const notices = (await eventsOf(['LOYALTY_POINTS_EXPIRING'])).filter(
      (e) => e.customerId === c.id,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0].data).toMatchObject({ points: 30 });
    expect(Date.parse(notices[0].data.expiresAt)).toBe(
      Date.parse(first.earnLoyaltyPoints.expiresAt),
    );
    // The next day announces the day after: nothing for this customer until its later lot is 14 days away.
    await runAt(`${addDays(TODAY, 1)}T08:00:05Z`, 'points-expiry-notice');
    expect(
      (await eventsOf(['LOYALTY_POINTS_EXPIRING'])).filter((e) => e.customerId === c.id),
    ).toHaveLength(1);
    // After three days without a server, the catch-up run announces each missed day: the later lot among them.
    await runAt(`${addDays(TODAY, 7)}T08:00:05Z`, 'points-expiry-notice');
    const all = (await eventsOf(['LOYALTY_POINTS_EXPIRING'])).filter((e) => e.customerId === c.id);
    expect(all.map((e) => e.data.points)).toEqual([30, 25]);
  });
});
