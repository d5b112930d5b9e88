import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const RECORD = `mutation($input: RecordFeedbackInput!) { recordFeedback(input: $input) { id kind score scaleMin scaleMax comment touchpoint givenAt
  complaintStatus resolution resolvedAt order { id } customer { id } } }`;

describe('feedback', () => {
  it('records NPS, CSAT, reviews, complaints and testimonials, and sums them up on the customer', async () => {
    const { id } = await createCustomer(t);
    const order = await recordOrder(t, id, { gross: '10.00' });
    await t.ok(RECORD, {
      input: { customerId: id, kind: 'NPS', score: 6, givenAt: '2026-01-01T00:00:00Z' },
    });
    const nps = await t.ok(RECORD, {
      input: {
        customerId: id,
        kind: 'NPS',
        score: 9,
        touchpoint: 'thank-you page',
        orderId: order.id,
        givenAt: '2026-02-01T00:00:00Z',
      },
    });
    expect(nps.recordFeedback).toMatchObject({
      kind: 'NPS',
      score: 9,
      scaleMin: 0,
      scaleMax: 10,
      order: { id: order.id },
      customer: { id },
    });
    await t.ok(RECORD, { input: { customerId: id, kind: 'CSAT', score: 4 } });
    await t.ok(RECORD, {
      input: { customerId: id, kind: 'CSAT', score: 10, scaleMin: 0, scaleMax: 10 },
    });
    await t.ok(RECORD, { input: { customerId: id, kind: 'TESTIMONIAL', comment: 'Lovely shop' } });
    const complaint = await t.ok(RECORD, {
      input: { customerId: id, kind: 'COMPLAINT', comment: 'Parcel arrived broken' },
    });
    expect(complaint.recordFeedback).toMatchObject({ complaintStatus: 'OPEN', resolution: null });
    const summary = await t.ok(
      `query($id: ID!) { customer(id: $id) { summary { latestNps averageCsat openComplaints }
      feedback(first: 10, kinds: [NPS]) { totalCount nodes { score } } } }`,
      { id },
    );
    // CSAT 4 of 1–5, and 10 of 0–10 rescaled to 5: mean 4.5.
    expect(summary.customer.summary).toEqual({ latestNps: 9, averageCsat: 4.5, openComplaints: 1 });
    expect(summary.customer.feedback).toEqual({
      totalCount: 2,
      nodes: [{ score: 9 }, { score: 6 }],
    });

    const resolved = await t.ok(
      `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "Sent a new one") { complaintStatus resolution resolvedAt } }`,
      { id: complaint.recordFeedback.id },
    );
    expect(resolved.resolveComplaint).toMatchObject({
      complaintStatus: 'RESOLVED',
      resolution: 'Sent a new one',
    });
    const twice = await t.gql(
      `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "again") { id } }`,
      { id: complaint.recordFeedback.id },
    );
    expect(twice.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const notComplaint = await t.gql(
      `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "x") { id } }`,
      { id: nps.recordFeedback.id },
    );
    expect(notComplaint.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    [{ kind: 'NPS', score: 11 }, 'score'],
    [{ kind: 'NPS' }, 'score'],
    [{ kind: 'NPS', score: 5, scaleMax: 5 }, 'scaleMax'],
    [{ kind: 'CSAT', score: 0 }, 'score'],
    [{ kind: 'COMPLAINT', comment: '  ' }, 'comment'],
    [{ kind: 'TESTIMONIAL' }, 'comment'],
  ])('rejects %j on %s and stores nothing', async (input, field) => {
    const { id, databaseId } = await createCustomer(t);
    const res = await t.gql(RECORD, { input: { customerId: id, ...input } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(
      (
        await t.sql('select count(*)::int as n from feedback where customer_id = $1', [databaseId])
      )[0].n,
    ).toBe(0);
  });

  it('refuses an order of another customer and a missing customer', async () => {
    const a = await createCustomer(t);
    const b = await createCustomer(t);
    const order = await recordOrder(t, b.id, { gross: '1.00' });
    const foreign = await t.gql(RECORD, {
      input: { customerId: a.id, kind: 'NPS', score: 5, orderId: order.id },
    });
    expect(foreign.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'orderId',
    });
    const missing = await t.gql(RECORD, {
      input: { customerId: '00000000-0000-4000-8000-000000000000', kind: 'NPS', score: 5 },
    });
    expect(missing.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('communications', () => {
  const LOG = `mutation($input: LogCommunicationInput!) { logCommunication(input: $input) { id channel direction purpose subject outcome occurredAt agent
    order { id } complaint { id kind } customer { id } } }`;

  it('logs contacts linked to orders and complaints, and lists them newest first with a channel filter', async () => {
    const { id } = await createCustomer(t);
    const order = await recordOrder(t, id, { gross: '5.00' });
    const complaint = await t.ok(RECORD, {
      input: { customerId: id, kind: 'COMPLAINT', comment: 'Wrong size' },
    });
    const call = await t.ok(LOG, {
      input: {
        customerId: id,
        channel: 'PHONE',
        direction: 'INBOUND',
        purpose: 'SUPPORT',
        subject: 'Wrong size',
        outcome: 'RESOLVED',
        occurredAt: '2026-05-02T09:00:00Z',
        complaintId: complaint.recordFeedback.id,
        orderId: order.id,
        agent: 'Ana',
      },
    });
    expect(call.logCommunication).toMatchObject({
      channel: 'PHONE',
      complaint: { id: complaint.recordFeedback.id, kind: 'COMPLAINT' },
      order: { id: order.id },
      agent: 'Ana',
    });
    await t.ok(LOG, {
      input: {
        customerId: id,
        channel: 'EMAIL',
        direction: 'OUTBOUND',
        purpose: 'CAMPAIGN',
        subject: 'Spring sale',
        occurredAt: '2026-05-01T09:00:00Z',
      },
    });
    const list = await t.ok(
      `query($id: ID!) { customer(id: $id) { all: communications(first: 5) { totalCount nodes { channel } }
      emails: communications(first: 5, channels: [EMAIL]) { totalCount nodes { subject } } } }`,
      { id },
    );
    expect(list.customer.all).toEqual({
      totalCount: 2,
      nodes: [{ channel: 'PHONE' }, { channel: 'EMAIL' }],
    });
    expect(list.customer.emails).toEqual({ totalCount: 1, nodes: [{ subject: 'Spring sale' }] });
  });

  it('rejects an inbound campaign and a complaint that is not this customer’s', async () => {
    const a = await createCustomer(t);
    const b = await createCustomer(t);
    const complaint = await t.ok(RECORD, {
      input: { customerId: b.id, kind: 'COMPLAINT', comment: 'x' },
    });
    const inbound = await t.gql(LOG, {
      input: { customerId: a.id, channel: 'EMAIL', direction: 'INBOUND', purpose: 'CAMPAIGN' },
    });
    expect(inbound.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'direction',
    });
    const foreign = await t.gql(LOG, {
      input: {
        customerId: a.id,
        channel: 'PHONE',
        direction: 'OUTBOUND',
        purpose: 'SUPPORT',
        complaintId: complaint.recordFeedback.id,
      },
    });
    expect(foreign.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'complaintId',
    });
  });
});
