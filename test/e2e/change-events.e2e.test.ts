import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';
import { describeIf } from '../support/requirements';
import { beforeCommit } from '../../src/common/domain-events';

// Issue 18: typed domain events and the transactional outbox, read through `events`.
let t: TestApp;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

const EVENTS = `query($first: Int!, $after: String, $types: [ChangeEventType!]) {
  events(first: $first, after: $after, types: $types) {
    totalCount
    edges { cursor node { id type name customerId sequence occurredAt data redacted } }
    pageInfo { hasNextPage endCursor }
  } }`;

interface EventNode {
  id: string;
  type: string;
  name: string;
  customerId: string | null;
  sequence: string | null;
  occurredAt: string;
  data: any;
  redacted: string[];
}

/** Every event the key may read after `after`, page by page; and the cursor to continue from. */
async function readAll(
  key: string | null = t.adminKey,
  types: string[] | null = null,
  after: string | null = null,
): Promise<{ events: EventNode[]; cursor: string | null }> {
  const events: EventNode[] = [];
  let cursor = after;
  for (;;) {
    const res = await t.gql(EVENTS, { first: 50, after: cursor, types }, key);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    events.push(...res.data.events.edges.map((e: any) => e.node));
    cursor = res.data.events.pageInfo.endCursor;
    if (!res.data.events.pageInfo.hasNextPage) return { events, cursor };
  }
}

const ofCustomer = (events: EventNode[], id: string) => events.filter((e) => e.customerId === id);

beforeAll(async () => {
  t = await startTestApp({ nodeEnv: 'production' });
  await createProducts(t, [
    { sku: 'BEANS', category: 'coffee', unitPrice: '10.00' },
    { sku: 'MUG', category: 'kitchen', unitPrice: '5.00' },
  ]);
});
afterAll(async () => {
  await t.close();
});

describe('change events', () => {
  it('writes one event per change in its transaction, numbered per customer in commit order, with the facts', async () => {
    const { cursor: start } = await readAll();
    const c = await createCustomer(t, { email: 'ev.one@example.com', givenName: 'Eva' });
    const order = await recordOrder(t, c.id, {
      lines: [
        { sku: 'BEANS', quantity: 2, unitPrice: '10.00' },
        { sku: 'MUG', quantity: 1, unitPrice: '5.00' },
      ],
      discount: '5.00',
    });
    await t.ok(
      `mutation($o: ID!, $l: ID!) { recordReturn(input: { orderId: $o, lines: [{ orderLineId: $l, quantity: 1 }], reason: "Chipped, call me on 0911" }) { id } }`,
      { o: order.id, l: order.lines[1].id },
    );
    await t.ok(`mutation($id: ID!) { updateCustomer(id: $id, input: { city: "Split" }) { id } }`, {
      id: c.id,
    });
    const complaint = await t.ok(
      `mutation($id: ID!) { recordFeedback(input: { customerId: $id, kind: COMPLAINT, comment: "Late" }) { id } }`,
      { id: c.id },
    );
    await t.ok(
      `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "Refunded shipping") { id } }`,
      { id: complaint.recordFeedback.id },
    );
    await t.ok(
      `mutation($id: ID!) { logCommunication(input: { customerId: $id, channel: PHONE, direction: INBOUND, purpose: SUPPORT, subject: "Late parcel", agent: "Ana" }) { id } }`,
      { id: c.id },
    );
    const { events } = await readAll(t.adminKey, null, start);
    const mine = ofCustomer(events, c.id);
    expect(mine.map((e) => e.name)).toEqual([
      'customer.created',
      'order.recorded',
      'order.returned',
      'customer.updated',
      'feedback.recorded',
      'complaint.opened',
      'complaint.resolved',
      'communication.logged',
    ]);
    expect(mine.map((e) => e.sequence)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(mine.map((e) => e.type)).toContain('ORDER_RECORDED');
    const [created, recorded, returned, updated] = mine;
    expect(created.data.customer).toMatchObject({
      id: c.id,
      email: 'ev.one@example.com',
      givenName: 'Eva',
    });
    expect(recorded.data.order).toMatchObject({
      id: order.id,
      customerId: c.id,
      gross: { amount: '25.00', currency: 'USD' },
      discount: { amount: '5.00', currency: 'USD' },
      net: { amount: '20.00', currency: 'USD' },
      itemCount: 3,
      lines: [
        { lineNo: 1, sku: 'BEANS', category: 'coffee', quantity: 2, total: { amount: '20.00' } },
        { lineNo: 2, sku: 'MUG', category: 'kitchen', quantity: 1, total: { amount: '5.00' } },
      ],
    });
    // The mug's share of the discount is 1.00, so its refund is 4.00.
    expect(returned.data).toMatchObject({
      refund: { amount: '4.00', currency: 'USD' },
      reason: 'Chipped, call me on 0911',
      lines: [{ lineNo: 2, quantity: 1, refund: { amount: '4.00' } }],
      order: { status: 'PARTIALLY_RETURNED', refunded: { amount: '4.00' } },
    });
    expect(updated.data).toMatchObject({ customer: { city: 'Split' }, changed: ['city'] });
    expect(mine[6].data.feedback).toMatchObject({
      kind: 'COMPLAINT',
      complaintStatus: 'RESOLVED',
      resolution: 'Refunded shipping',
    });
    expect(mine[7].data.communication).toMatchObject({
      channel: 'PHONE',
      subject: 'Late parcel',
      agent: 'Ana',
    });
    // Commit order: no event of this customer is timed before the one before it.
    for (let i = 1; i < mine.length; i++)
      expect(Date.parse(mine[i].occurredAt)).toBeGreaterThanOrEqual(
        Date.parse(mine[i - 1].occurredAt),
      );
  });

  it('writes nothing for a write that fails or for a retry answered from its idempotency key', async () => {
    const c = await createCustomer(t);
    const { cursor } = await readAll();
    const bad = await t.gql(
      `mutation($id: ID!) { recordOrder(input: { customer: { id: $id }, source: "t", externalRef: "BAD-1", currency: "USD",
        placedAt: "2026-01-01T00:00:00Z", lines: [{ sku: "BEANS", quantity: 1, unitPrice: "10.00" }, { sku: "NOPE", quantity: 1, unitPrice: "1.00" }] }) { created } }`,
      { id: c.id },
    );
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const same = `mutation($id: ID!) { recordFeedback(input: { customerId: $id, kind: NPS, score: 9, idempotencyKey: "ev-retry-fb" }) { id } }`;
    const first = await t.ok(same, { id: c.id });
    const again = await t.ok(same, { id: c.id });
    expect(again.recordFeedback.id).toBe(first.recordFeedback.id);
    // An order recorded twice (same source and reference) is one event.
    const input = {
      customer: { id: c.id },
      source: 't',
      externalRef: 'TWICE-1',
      currency: 'USD',
      placedAt: '2026-01-01T00:00:00Z',
      gross: '9.00',
    };
    const RECORD = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created } }`;
    expect((await t.ok(RECORD, { input })).recordOrder.created).toBe(true);
    expect((await t.ok(RECORD, { input })).recordOrder.created).toBe(false);
    const { events } = await readAll(t.adminKey, null, cursor);
    expect(ofCustomer(events, c.id).map((e) => e.name)).toEqual([
      'feedback.recorded',
      'order.recorded',
    ]);
  });

  it('writes order.recorded for every order an import creates, after its new customer, and none for a repeat', async () => {
    const { cursor } = await readAll();
    const file = path.join(os.tmpdir(), `c360-events-import-${process.pid}.csv`);
    fs.writeFileSync(
      file,
      [
        'customer_ref,order_ref,date,amount,quantity,sku',
        'ev-imp-1,EI-1,2026-01-05,24.00,2,BEANS',
        'ev-imp-1,EI-2,2026-03-05,12.00,,',
        'ev-imp-2,EI-3,2026-02-01,bad,,',
      ].join('\n'),
    );
    const report = await t.app.services.orderImport.importFile(file, {
      format: 'csv',
      source: 'events-import',
    });
    expect(report).toMatchObject({ created: 2 });
    const again = await t.app.services.orderImport.importFile(file, {
      format: 'csv',
      source: 'events-import',
    });
    expect(again).toMatchObject({ created: 0 });
    fs.rmSync(file);
    const { events } = await readAll(t.adminKey, null, cursor);
    const imported = events.filter(
      (e) => e.name === 'customer.created' || e.data.order?.source === 'events-import',
    );
    expect(imported.map((e) => e.name)).toEqual([
      'customer.created',
      'order.recorded',
      'order.recorded',
    ]);
    expect(imported.map((e) => e.sequence)).toEqual(['1', '2', '3']);
    expect(imported[1].data).toMatchObject({
      imported: true,
      order: {
        externalRef: 'EI-1',
        net: { amount: '24.00' },
        lines: [{ sku: 'BEANS', category: 'coffee', quantity: 2, unitPrice: { amount: '12.00' } }],
      },
    });
    expect(imported[2].data.order).toMatchObject({ externalRef: 'EI-2', lines: [] });
  });

  it('numbers one customer’s concurrent writes 1, 2, 3… without a gap or a repeat', async () => {
    const c = await createCustomer(t);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        recordOrder(t, c.id, { gross: `${i + 1}.00`, placedAt: daysAgo(30 - i) }),
      ),
    );
    const { events } = await readAll();
    const mine = ofCustomer(events, c.id);
    expect(mine).toHaveLength(13);
    expect(mine.map((e) => Number(e.sequence))).toEqual(
      Array.from({ length: 13 }, (_, i) => i + 1),
    );
    const nets = mine.slice(1).map((e) => Number(e.data.order.net.amount));
    expect(new Set(nets).size).toBe(12);
  });

  it('shows a key only the types its scopes read, and personal fields only with pii:read', async () => {
    const c = await createCustomer(t, {
      email: 'ev.scoped@example.com',
      phone: '+385 91 222 3333',
    });
    await recordOrder(t, c.id, { gross: '12.00' });
    const ordersOnly = await t.keyWith(['orders:read']);
    const customersNoPii = await t.keyWith(['customers:read']);
    const customersPii = await t.keyWith(['customers:read', 'pii:read']);
    const orders = ofCustomer((await readAll(ordersOnly)).events, c.id);
    expect(orders.map((e) => e.name)).toEqual(['order.recorded']);
    const denied = await t.gql(EVENTS, { first: 5, types: ['CUSTOMER_CREATED'] }, ordersOnly);
    expect(denied.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredScopes: ['customers:read'],
    });
    expect(denied.data?.events ?? null).toBeNull();
    const plain = ofCustomer((await readAll(customersNoPii)).events, c.id);
    expect(plain.map((e) => e.name)).toEqual(['customer.created']);
    expect(plain[0].data.customer).not.toHaveProperty('email');
    expect(plain[0].data.customer).not.toHaveProperty('phone');
    expect(plain[0].data.customer).toMatchObject({ id: c.id, databaseId: c.databaseId });
    expect(plain[0].redacted).toEqual(
      expect.arrayContaining([
        'customer.givenName',
        'customer.familyName',
        'customer.email',
        'customer.phone',
      ]),
    );
    expect(JSON.stringify(plain)).not.toContain('ev.scoped@example.com');
    const full = ofCustomer((await readAll(customersPii)).events, c.id);
    expect(full[0].data.customer).toMatchObject({
      email: 'ev.scoped@example.com',
      phone: '+385912223333',
    });
    expect(full[0].redacted).toEqual([]);
    const none = await t.keyWith(['schema:read']);
    const refused = await t.gql(EVENTS, { first: 5 }, none);
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(EVENTS, { first: 5 }, null);
    expect(anonymous.errors?.[0].extensions.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });

  it('pages with cursors, keeps the cursor on an empty page, and refuses hostile arguments', async () => {
    const c = await createCustomer(t);
    for (let i = 0; i < 3; i++) await recordOrder(t, c.id, { gross: '1.00' });
    const all = await readAll();
    const first = await t.ok(EVENTS, { first: 2 });
    expect(first.events.edges).toHaveLength(2);
    expect(first.events.pageInfo.hasNextPage).toBe(true);
    const next = await t.ok(EVENTS, { first: 2, after: first.events.pageInfo.endCursor });
    expect(next.events.edges[0].node.id).toBe(all.events[2].id);
    const atEnd = await t.ok(EVENTS, { first: 10, after: all.cursor });
    expect(atEnd.events.edges).toEqual([]);
    expect(atEnd.events.pageInfo).toEqual({ hasNextPage: false, endCursor: all.cursor });
    expect(atEnd.events.totalCount).toBe(0);
    for (const [variables, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ first: 5, after: 'bm90IGEgY3Vyc29y' }, 'after'],
      [{ first: 5, after: first.events.pageInfo.endCursor.slice(0, -4) }, 'after'],
      [{ first: 5, types: [] }, 'types'],
    ] as const) {
      const res = await t.gql(EVENTS, variables);
      expect(res.status).toBeLessThan(500);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    for (const variables of [
      { first: 5, after: 'x\u0000y' },
      { first: 5, types: ['ORDER_EXPLODED'] },
      { first: 5, types: Array.from({ length: 5000 }, () => 'ORDER_RECORDED') },
    ]) {
      const res = await t.gql(EVENTS, variables);
      expect(res.status).toBeLessThan(500);
      expect(res.errors?.[0].extensions.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    }
    // The same read through GET.
    const viaGet = await request(t.app.app)
      .get('/graphql')
      .query({ query: '{ events(first: 1) { edges { node { id name } } } }' })
      .set('apollo-require-preflight', '1')
      .set('authorization', `Bearer ${t.adminKey}`);
    expect(viaGet.status).toBe(200);
    expect(viaGet.body.data.events.edges[0].node.id).toBe(all.events[0].id);
  });

  it('announces loyalty points with the balance and tier changes, in the order’s transaction', async () => {
    await t.ok(`mutation { configureLoyaltyProgram(input: { name: "Club", tierBasis: SPEND_12M, pointsValidityMonths: 12, tiers: [
      { code: "MEMBER", name: "Member", threshold: "0" }, { code: "GOLD", name: "Gold", threshold: "100.00" }] }) { name } }`);
    await t.ok(`mutation($input: LoyaltyRulesInput!) { setLoyaltyRules(input: $input) { id } }`, {
      input: { effectiveFrom: daysAgo(400), pointsPerUnit: 1, welcomeBonus: 50 },
    });
    const c = await createCustomer(t);
    const { cursor } = await readAll();
    await recordOrder(t, c.id, { gross: '30.00', placedAt: daysAgo(3) });
    await recordOrder(t, c.id, { gross: '80.00', placedAt: daysAgo(2) });
    const mine = ofCustomer((await readAll(t.adminKey, null, cursor)).events, c.id);
    // Within one transaction: the order, the tier it reached, then the points (published once all are in).
    expect(mine.map((e) => e.name)).toEqual([
      'order.recorded',
      'loyalty.tier_changed',
      'loyalty.points_changed',
      'order.recorded',
      'loyalty.tier_changed',
      'loyalty.points_changed',
    ]);
    expect(mine[2].data).toMatchObject({
      balance: 80,
      entries: [
        { kind: 'EARN', points: 30 },
        { kind: 'EARN', points: 50, reason: 'Welcome bonus' },
      ],
    });
    expect(mine[1].data).toMatchObject({ fromTier: null, toTier: 'MEMBER' });
    expect(mine[5].data).toMatchObject({ balance: 160, entries: [{ kind: 'EARN', points: 80 }] });
    expect(mine[4].data).toMatchObject({ fromTier: 'MEMBER', toTier: 'GOLD' });
    const loyaltyOnly = await t.keyWith(['loyalty:read']);
    const seen = ofCustomer((await readAll(loyaltyOnly, null, cursor)).events, c.id);
    expect(seen.map((e) => e.name)).toEqual([
      'loyalty.tier_changed',
      'loyalty.points_changed',
      'loyalty.tier_changed',
      'loyalty.points_changed',
    ]);
  });

  it('announces a churn level change and a CLV move past the share, not every refresh', async () => {
    const ids: { id: string; databaseId: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await createCustomer(t);
      ids.push(c);
      for (let k = 0; k < 2 + (i % 3); k++)
        await recordOrder(t, c.id, {
          gross: `${20 + i * 5}.00`,
          placedAt: daysAgo(300 - k * 60 - i),
        });
    }
    await t.ok(`mutation($d: LocalDate!) { fitModels(asOf: $d) { id } }`, {
      d: new Date().toISOString().slice(0, 10),
    });
    const { cursor } = await readAll();
    const { id: target, databaseId: dbId } = ids[0];
    // Pretend the stored level and the announced CLV were other values: the next refresh announces both moves.
    await t.sql(
      `update customer_metrics set churn_level = 'LOW', announced_predicted_clv_minor = greatest(predicted_clv_minor * 3, 10000) where customer_id = $1`,
      [dbId],
    );
    await t.ok(
      `mutation($id: ID!) { recordFeedback(input: { customerId: $id, kind: NPS, score: 8 }) { id } }`,
      { id: target },
    );
    const after = await t.sql(
      `select churn_level, predicted_clv_minor, announced_predicted_clv_minor from customer_metrics where customer_id = $1`,
      [dbId],
    );
    const mine = ofCustomer((await readAll(t.adminKey, null, cursor)).events, target);
    const names = mine.map((e) => e.name);
    if (after[0].churn_level !== 'LOW') {
      const change = mine.find((e) => e.name === 'metrics.churn_risk_changed')!;
      expect(change.data).toMatchObject({
        fromLevel: 'LOW',
        toLevel: after[0].churn_level,
        cause: 'FEEDBACK',
      });
    } else {
      expect(names).not.toContain('metrics.churn_risk_changed');
    }
    const clv = mine.find((e) => e.name === 'metrics.clv_changed');
    expect(clv?.data).toMatchObject({ cause: 'FEEDBACK', to: { currency: 'USD' } });
    expect(after[0].announced_predicted_clv_minor).toBe(after[0].predicted_clv_minor);
    // A second refresh with nothing changed announces nothing more.
    const { cursor: later } = await readAll();
    await t.ok(
      `mutation($id: ID!) { recordFeedback(input: { customerId: $id, kind: NPS, score: 8 }) { id } }`,
      { id: target },
    );
    const more = ofCustomer((await readAll(t.adminKey, null, later)).events, target);
    expect(more.map((e) => e.name)).toEqual(['feedback.recorded']);
  });

  it('erasure announces customer.erased and empties the person’s earlier events', async () => {
    const c = await createCustomer(t, { email: 'ev.erase@example.com' });
    await recordOrder(t, c.id, { gross: '3.00' });
    await t.ok(`mutation($id: ID!) { eraseCustomer(id: $id) { erasedAt } }`, { id: c.id });
    // (A loyalty program runs since an earlier test: the order's points and tier are events too.)
    const all = ofCustomer((await readAll()).events, c.id);
    const mine = all.filter((e) => !e.name.startsWith('loyalty.'));
    expect(mine.map((e) => e.name)).toEqual([
      'customer.created',
      'order.recorded',
      'customer.erased',
    ]);
    expect(mine[2].data).toEqual({ customerId: c.id });
    expect(JSON.stringify(all)).not.toContain('ev.erase@example.com');
    expect(mine[0].data).toEqual({});
    expect(mine[1].data).toEqual({});
  });
});

describeIf({
  met: Boolean(process.env.DATABASE_URL),
  reason: 'two transactions open at once need PostgreSQL (the embedded database runs one session)',
})('change events across transactions', () => {
  it('positions commit in the order they count: a writer waits for the one before it to commit', async () => {
    const c = await createCustomer(t);
    const other = await createCustomer(t);
    const { cursor } = await readAll();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let paused!: () => void;
    const atCommit = new Promise<void>((resolve) => (paused = resolve));
    // A write that has inserted its event (and holds the outbox lock) but not yet committed.
    const slow = t.database.db.dataSource.transaction(async (manager) => {
      t.app.services.outbox.append(manager, [
        { customerId: c.databaseId, type: 'order.recorded', data: { slow: true } },
      ]);
      beforeCommit(
        manager,
        'test: pause before COMMIT',
        async () => {
          paused();
          await held;
        },
        { last: true },
      );
    });
    await atCommit;
    const fast = recordOrder(t, other.id, { gross: '2.00' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Readers are not blocked, and see neither write yet.
    const meanwhile = await readAll(t.adminKey, null, cursor);
    expect(meanwhile.events.filter((e) => [c.id, other.id].includes(e.customerId!))).toEqual([]);
    release();
    await slow;
    await fast;
    const after = await readAll(t.adminKey, null, cursor);
    const mine = after.events.filter((e) => [c.id, other.id].includes(e.customerId!));
    expect(mine[0]).toMatchObject({ customerId: c.id, data: { slow: true } });
    expect(mine.slice(1).every((e) => e.customerId === other.id)).toBe(true);
    expect(mine.slice(1).map((e) => e.name)).toContain('order.recorded');
  });
});
