import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createProducts, recordOrder } from '../support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await createProducts(t, [
    { sku: 'TILE', unitPrice: '25.00', category: 'tiles' },
    { sku: 'TUB', unitPrice: '400.00' },
    { sku: 'TAP', unitPrice: '3.33' },
  ]);
});
afterAll(async () => {
  await t.close();
});

const RECORD = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created order { id databaseId status channel externalRef
  gross { amount currency minorUnits } discount { amount } net { amount } refunded { amount } itemCount
  lines { id lineNo quantity unitPrice { amount } lineTotal { amount } product { sku category } } customer { id } } } }`;

const SUMMARY = `query($id: ID!) { customer(id: $id) { summary { orderCount netSpent { amount } grossSpent { amount } refunded { amount }
  averageOrderValue { amount } firstOrderAt lastOrderAt daysSinceLastOrder averageDaysBetweenOrders } } }`;

describe('recordOrder', () => {
  it('records an order with lines in one go and is idempotent on (source, externalRef)', async () => {
    const { id } = await createCustomer(t);
    const input = {
      customer: { id },
      source: 'shopify',
      externalRef: 'S-100',
      placedAt: '2026-01-02T10:00:00Z',
      status: 'FULFILLED',
      channel: 'APP',
      currency: 'USD',
      discount: '5.00',
      lines: [
        { sku: 'TILE', quantity: 4, unitPrice: '25.00' },
        { sku: 'TAP', quantity: 3, unitPrice: '3.33' },
      ],
    };
    const first = await t.ok(RECORD, { input });
    expect(first.recordOrder.created).toBe(true);
    expect(first.recordOrder.order).toMatchObject({
      status: 'FULFILLED',
      channel: 'APP',
      gross: { amount: '109.99', currency: 'USD', minorUnits: '10999' },
      discount: { amount: '5.00' },
      net: { amount: '104.99' },
      refunded: { amount: '0.00' },
      itemCount: 7,
      customer: { id },
    });
    expect(
      first.recordOrder.order.lines.map((l: any) => [l.lineNo, l.product.sku, l.lineTotal.amount]),
    ).toEqual([
      [1, 'TILE', '100.00'],
      [2, 'TAP', '9.99'],
    ]);
    const again = await t.ok(RECORD, { input: { ...input, discount: '0' } });
    expect(again.recordOrder).toMatchObject({
      created: false,
      order: { id: first.recordOrder.order.id, net: { amount: '104.99' } },
    });
    expect(
      (await t.sql('select count(*)::int as n from orders where external_ref = $1', ['S-100']))[0]
        .n,
    ).toBe(1);
  });

  it('creates the customer from an identifier when a shop sends one it has not seen', async () => {
    const input = {
      customer: {
        identifierType: 'SHOP_CUSTOMER_ID',
        identifierSource: 'shopify',
        identifierValue: 'cust-77',
      },
      source: 'shopify',
      externalRef: 'S-200',
      placedAt: '2026-02-01T10:00:00Z',
      currency: 'USD',
      gross: '12.50',
    };
    const res = await t.ok(RECORD, { input });
    const found = await t.ok(
      `{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "cust-77") { id signupAt summary { orderCount netSpent { amount } } } }`,
    );
    expect(found.customerByIdentifier).toMatchObject({
      id: res.recordOrder.order.customer.id,
      signupAt: '2026-02-01T10:00:00.000Z',
      summary: { orderCount: 1, netSpent: { amount: '12.50' } },
    });
  });

  it.each([
    [{ lines: [{ sku: 'NOPE', quantity: 1, unitPrice: '1.00' }] }, 'lines[0].sku'],
    [{ currency: 'EUR', gross: '1.00' }, 'currency'],
    [{ gross: '10.00', discount: '11.00' }, 'discount'],
    [{ gross: '10.001' }, 'gross'],
    [{}, 'gross'],
    [{ gross: '1.00', lines: [{ sku: 'TILE', quantity: 1, unitPrice: '25.00' }] }, 'gross'],
  ])('rejects %j with BAD_USER_INPUT on %s and stores nothing', async (overrides, field) => {
    const { id } = await createCustomer(t);
    const res = await t.gql(RECORD, {
      input: {
        customer: { id },
        source: 'test',
        externalRef: `bad-${field}-${Math.random()}`,
        placedAt: '2026-01-01T00:00:00Z',
        currency: 'USD',
        ...overrides,
      },
    });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(
      (
        await t.sql(
          `select count(*)::int as n from orders o join customers c on c.id = o.customer_id where c.email like 'test%' and o.external_ref like 'bad-%'`,
        )
      )[0].n,
    ).toBe(0);
  });

  it('rejects a quantity below one through class-validator', async () => {
    const { id } = await createCustomer(t);
    const res = await t.gql(RECORD, {
      input: {
        customer: { id },
        source: 'test',
        externalRef: 'q0',
        placedAt: '2026-01-01T00:00:00Z',
        currency: 'USD',
        lines: [{ sku: 'TILE', quantity: 0, unitPrice: '1.00' }],
      },
    });
    expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions.fields[0].field).toBe('lines.0.quantity');
  });
});

describe('the order roll-up on the customer row', () => {
  it('counts every order when many are recorded for one customer at the same moment', async () => {
    const { id, databaseId } = await createCustomer(t);
    // Each request is its own transaction on its own connection; each computes the roll-up after the others may
    // have inserted but not yet committed, which is where a roll-up without a row lock loses orders.
    const placed = Array.from({ length: 12 }, (_, i) =>
      recordOrder(t, id, {
        placedAt: `2026-04-${String(i + 1).padStart(2, '0')}T10:00:00Z`,
        gross: '10.00',
      }),
    );
    await Promise.all(placed);
    const [row] = await t.sql(
      `select c.order_count, c.net_spent_minor::text as net, c.last_order_at,
        (select count(*)::int from orders o where o.customer_id = c.id) as counted from customers c where c.id = $1`,
      [databaseId],
    );
    expect(row).toMatchObject({ order_count: 12, counted: 12, net: '12000' });
    expect(row.last_order_at.toISOString()).toBe('2026-04-12T10:00:00.000Z');
  });
});

describe('recordReturn', () => {
  it('refunds the units’ share of what was paid, marks the order and keeps the summary net of refunds', async () => {
    const { id } = await createCustomer(t);
    const order = await recordOrder(t, id, {
      placedAt: '2026-03-01T10:00:00Z',
      discount: '42.50',
      lines: [
        { sku: 'TUB', quantity: 1, unitPrice: '400.00' },
        { sku: 'TILE', quantity: 2, unitPrice: '25.00' },
      ],
    });
    const RETURN = `mutation($input: RecordReturnInput!) { recordReturn(input: $input) { status refunded { amount } returns { quantity refund { amount } reason }
      lines { returnedQuantity refunded { amount } } } }`;
    const partial = await t.ok(RETURN, {
      input: {
        orderId: order.id,
        lines: [{ orderLineId: order.lines[1].id, quantity: 1 }],
        reason: 'broken',
        returnedAt: '2026-03-10T00:00:00Z',
      },
    });
    // The order paid 407.50 for 450.00 of goods: the tub line paid 362.22, the tile line the remaining 45.28, so one of two tiles refunds 22.64.
    expect(partial.recordReturn).toMatchObject({
      status: 'PARTIALLY_RETURNED',
      refunded: { amount: '22.64' },
      returns: [{ quantity: 1, refund: { amount: '22.64' }, reason: 'broken' }],
    });
    const tooMany = await t.gql(RETURN, {
      input: {
        orderId: order.id,
        lines: [
          { orderLineId: order.lines[0].id, quantity: 1 },
          { orderLineId: order.lines[1].id, quantity: 2 },
        ],
      },
    });
    expect(tooMany.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'lines[1].quantity',
    });
    expect(
      (
        await t.sql('select count(*)::int as n from order_returns where order_id = $1', [
          order.databaseId,
        ])
      )[0].n,
    ).toBe(1);
    const full = await t.ok(RETURN, {
      input: {
        orderId: order.id,
        lines: [
          { orderLineId: order.lines[0].id, quantity: 1 },
          { orderLineId: order.lines[1].id, quantity: 1, refund: '22.64' },
        ],
      },
    });
    expect(full.recordReturn.status).toBe('RETURNED');
    const summary = (await t.ok(SUMMARY, { id })).customer.summary;
    expect(summary).toMatchObject({
      orderCount: 1,
      grossSpent: { amount: '450.00' },
      refunded: { amount: '407.50' },
      netSpent: { amount: '0.00' },
    });
    const tooMuch = await t.gql(RETURN, {
      input: { orderId: order.id, lines: [{ orderLineId: order.lines[0].id, quantity: 1 }] },
    });
    expect(tooMuch.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for an unknown order and BAD_USER_INPUT for a line of another order', async () => {
    const { id } = await createCustomer(t);
    const a = await recordOrder(t, id, {
      lines: [{ sku: 'TILE', quantity: 1, unitPrice: '25.00' }],
    });
    const b = await recordOrder(t, id, {
      lines: [{ sku: 'TILE', quantity: 1, unitPrice: '25.00' }],
    });
    const RETURN = `mutation($input: RecordReturnInput!) { recordReturn(input: $input) { status } }`;
    const missing = await t.gql(RETURN, {
      input: {
        orderId: '00000000-0000-4000-8000-000000000000',
        lines: [{ orderLineId: a.lines[0].id, quantity: 1 }],
      },
    });
    expect(missing.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const foreign = await t.gql(RETURN, {
      input: { orderId: a.id, lines: [{ orderLineId: b.lines[0].id, quantity: 1 }] },
    });
    expect(foreign.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'lines[0].orderLineId',
    });
  });
});

describe('recordOrders (batch) and the summary', () => {
  it('records each order on its own and reports a result per item', async () => {
    const { id } = await createCustomer(t);
    const base = { customer: { id }, source: 'batch', currency: 'USD' };
    const data = await t.ok(
      `mutation($orders: [RecordOrderInput!]!) { recordOrders(orders: $orders) { index created order { externalRef } error { code field } } }`,
      {
        orders: [
          { ...base, externalRef: 'B1', placedAt: '2026-01-01T10:00:00Z', gross: '10.00' },
          { ...base, externalRef: 'B2', placedAt: '2026-01-01T18:00:00Z', gross: '20.00' },
          {
            ...base,
            externalRef: 'B3',
            placedAt: '2026-01-11T10:00:00Z',
            gross: '30.00',
            lines: [{ sku: 'TILE', quantity: 1, unitPrice: '25.00' }],
          },
          {
            ...base,
            externalRef: 'B4',
            placedAt: '2026-01-21T10:00:00Z',
            gross: '33.00',
            status: 'CANCELLED',
          },
          { ...base, externalRef: 'B5', placedAt: '2026-01-31T10:00:00Z', gross: '40.00' },
          { ...base, externalRef: 'B1', placedAt: '2026-01-01T10:00:00Z', gross: '10.00' },
        ],
      },
    );
    expect(
      data.recordOrders.map((r: any) => [
        r.index,
        r.created,
        r.order?.externalRef ?? null,
        r.error?.field ?? null,
      ]),
    ).toEqual([
      [0, true, 'B1', null],
      [1, true, 'B2', null],
      [2, false, null, 'gross'],
      [3, true, 'B4', null],
      [4, true, 'B5', null],
      [5, false, 'B1', null],
    ]);
    const summary = (await t.ok(SUMMARY, { id })).customer.summary;
    // Cancelled B4 does not count and B3 was rejected; B1 and B2 share a day: one 30-day gap.
    expect(summary).toMatchObject({
      orderCount: 3,
      netSpent: { amount: '70.00' },
      averageOrderValue: { amount: '23.33' },
      firstOrderAt: '2026-01-01T10:00:00.000Z',
      lastOrderAt: '2026-01-31T10:00:00.000Z',
      averageDaysBetweenOrders: 30,
    });
    expect(summary.daysSinceLastOrder).toBe(
      Math.floor((Date.now() - Date.parse('2026-01-31T10:00:00Z')) / 86_400_000),
    );
  });

  it('pages a customer’s orders newest first, filters by status and finds products by sku', async () => {
    const { id } = await createCustomer(t);
    for (let day = 1; day <= 5; day++)
      await recordOrder(t, id, {
        gross: `${day}.00`,
        placedAt: `2026-04-0${day}T10:00:00Z`,
        status: day === 3 ? 'CANCELLED' : 'FULFILLED',
      });
    const PAGE = `query($id: ID!, $after: String, $statuses: [OrderStatus!]) { customer(id: $id) { orders(first: 2, after: $after, statuses: $statuses) {
      totalCount pageInfo { hasNextPage endCursor } nodes { gross { amount } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await t.ok(PAGE, { id, after })).customer.orders;
      expect(page.totalCount).toBe(5);
      seen.push(...page.nodes.map((n: any) => n.gross.amount));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['5.00', '4.00', '3.00', '2.00', '1.00']);
    const cancelled = (await t.ok(PAGE, { id, statuses: ['CANCELLED'] })).customer.orders;
    expect(cancelled).toMatchObject({ totalCount: 1, nodes: [{ gross: { amount: '3.00' } }] });
    expect(
      (await t.ok(`{ productBySku(sku: "TUB") { sku unitPrice { amount } } }`)).productBySku,
    ).toEqual({ sku: 'TUB', unitPrice: { amount: '400.00' } });
  });
});
