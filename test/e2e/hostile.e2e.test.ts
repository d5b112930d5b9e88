import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await startTestApp();
  customerId = (await createCustomer(t)).id;
});
afterAll(async () => {
  await t.close();
});

const post = (body: string | object, headers: Record<string, string> = {}) => {
  const req = request(t.app.app).post('/graphql').set('authorization', `Bearer ${t.adminKey}`);
  for (const [k, v] of Object.entries(headers)) req.set(k, v);
  return typeof body === 'string'
    ? req.set('content-type', headers['content-type'] ?? 'application/json').send(body)
    : req.send(body);
};

const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** Each hostile request with the HTTP status and extensions.code it must get; none may get a 500. */
const CASES: [string, () => Promise<request.Response>, number, string | null][] = [
  [
    'malformed JSON body',
    () => post('{"query": "{ customers(first: 1) { totalCount } }"'),
    400,
    null,
  ],
  [
    'invalid UTF-8 in the body',
    () =>
      post(
        Buffer.from([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString(
          'latin1',
        ),
      ),
    400,
    null,
  ],
  [
    'NUL byte inside a string argument',
    () =>
      post({ query: '{ customers(first: 1, filter: { search: "a\\u0000b" }) { totalCount } }' }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'NUL byte in a variable',
    () =>
      post({
        query: 'query($v: String!) { productBySku(sku: $v) { id } }',
        variables: { v: 'a\u0000b' },
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'NUL byte in a JSON attribute',
    () =>
      post({
        query: 'mutation($a: JSONObject) { createCustomer(input: { attributes: $a }) { id } }',
        variables: { a: { note: 'a\u0000b' } },
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'body over 1 MB',
    () => post({ query: `{ customers(first: 1) { totalCount } } # ${'x'.repeat(1_100_000)}` }),
    413,
    null,
  ],
  [
    'text/plain POST (CSRF)',
    () =>
      post('{"query":"{ customers(first: 1) { totalCount } }"}', { 'content-type': 'text/plain' }),
    400,
    null,
  ],
  // No cookies, no CSRF: a key travels in a header no cross-site form can set, so it counts as the preflight header.
  [
    'GET query with a key and no preflight header',
    () =>
      request(t.app.app)
        .get('/graphql?query=%7B__typename%7D')
        .set('authorization', `Bearer ${t.adminKey}`),
    200,
    null,
  ],
  [
    'GET query without a key',
    () => request(t.app.app).get('/graphql?query=%7B__typename%7D'),
    401,
    'UNAUTHENTICATED',
  ],
  [
    'query string instead of a key',
    () => request(t.app.app).post('/graphql?api_key=whatever').send({ query: '{ __typename }' }),
    401,
    'UNAUTHENTICATED',
  ],
  ['empty query', () => post({ query: '' }), 400, 'BAD_REQUEST'],
  ['no query at all', () => post({ variables: {} }), 400, 'BAD_REQUEST'],
  [
    'unknown operation name',
    () => post({ query: 'query A { __typename }', operationName: 'B' }),
    400,
    null,
  ],
  [
    'first over 100 directly',
    () => post({ query: '{ customers(first: 101) { totalCount } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'first over 100 through variables',
    () =>
      post({
        query: 'query($n: Int) { customers(first: $n) { totalCount } }',
        variables: { n: 1000 },
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a connection without first or last',
    () => post({ query: '{ customers { totalCount } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'negative last',
    () => post({ query: '{ customers(last: -5) { totalCount } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'first as a string',
    () =>
      post({
        query: 'query($n: Int) { customers(first: $n) { totalCount } }',
        variables: { n: '10' },
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'float for an Int',
    () => post({ query: '{ customers(first: 1.5) { totalCount } }' }),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ],
  [
    'unknown enum value',
    () => post({ query: '{ customers(first: 1, orderBy: { field: DROP_TABLE }) { totalCount } }' }),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ],
  [
    'SQL meta-characters in search',
    () =>
      post({
        query: `{ customers(first: 5, filter: { search: "'; drop table customers; --" }) { totalCount } }`,
      }),
    200,
    null,
  ],
  [
    'LIKE wildcards in search',
    () => post({ query: '{ customers(first: 5, filter: { search: "%_%" }) { totalCount } }' }),
    200,
    null,
  ],
  [
    'SQL in a tag',
    () =>
      post({
        query: `{ customers(first: 5, filter: { tags: ["x') or 1=1 --"] }) { totalCount } }`,
      }),
    200,
    null,
  ],
  [
    'JSON meta-characters in attributes',
    () =>
      post({
        query: 'mutation($a: JSONObject) { createCustomer(input: { attributes: $a }) { id } }',
        variables: { a: { '"}, {"x': '\\u0000', nested: { $where: '1' } } },
      }),
    200,
    null,
  ],
  [
    'non-object attributes',
    () =>
      post({
        query: 'mutation($a: JSONObject) { createCustomer(input: { attributes: $a }) { id } }',
        variables: { a: [1, 2] },
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'invalid email',
    () => post({ query: 'mutation { createCustomer(input: { email: "a@b" }) { id } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'invalid phone',
    () => post({ query: 'mutation { createCustomer(input: { phone: "call me maybe" }) { id } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a phone of dashes',
    () => post({ query: 'mutation { createCustomer(input: { phone: "------" }) { id } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a birth date in the year 1000',
    () => post({ query: 'mutation { createCustomer(input: { birthDate: "1000-01-01" }) { id } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a birth date in the future',
    () => post({ query: 'mutation { createCustomer(input: { birthDate: "2999-01-01" }) { id } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'attributes with an array of 300,000 items',
    () =>
      post({
        query: 'mutation($a: JSONObject) { createCustomer(input: { attributes: $a }) { id } }',
        variables: { a: { list: Array(300_000).fill(0) } },
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    '900 KB of attributes',
    () =>
      post({
        query: 'mutation($a: JSONObject) { createCustomer(input: { attributes: $a }) { id } }',
        variables: { a: { blob: 'x'.repeat(900_000) } },
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a lone surrogate in a name',
    () =>
      post({
        query: 'mutation($g: String) { createCustomer(input: { givenName: $g }) { id } }',
        variables: { g: 'a\ud800b' },
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'an emoji in a name (a surrogate pair)',
    () =>
      post({
        query: 'mutation($g: String) { createCustomer(input: { givenName: $g }) { id } }',
        variables: { g: 'Ana \ud83d\ude00' },
      }),
    200,
    null,
  ],
  [
    'a signup in year 0',
    () =>
      post({
        query: 'mutation { createCustomer(input: { signupAt: "0000-01-01T00:00:00Z" }) { id } }',
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'a signup next year',
    () =>
      post({
        query: `mutation { createCustomer(input: { signupAt: "${new Date().getUTCFullYear() + 1}-01-01T00:00:00Z" }) { id } }`,
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'invalid date',
    () => post({ query: 'mutation { createCustomer(input: { birthDate: "1990-02-31" }) { id } }' }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'invalid date through variables',
    () =>
      post({
        query: 'mutation($d: LocalDate) { createCustomer(input: { birthDate: $d }) { id } }',
        variables: { d: '1990-02-31' },
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'a malformed id',
    () => post({ query: '{ customer(id: "../../etc/passwd") { id } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'an id of another type',
    () =>
      post({
        query: `{ customer(id: "${Buffer.from('Order:00000000-0000-4000-8000-000000000000').toString('base64url')}") { id } }`,
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a huge money amount',
    () =>
      post({
        query:
          '{ customers(first: 1, filter: { totalSpentMin: "99999999999999999999.99" }) { totalCount } }',
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a tampered cursor timestamp',
    () =>
      post({
        query: `{ customers(first: 1, orderBy: { field: SIGNUP_DATE }, after: "${cursor(['SIGNUP_DATE', '2026-99-01 00:00:00+00', customerId])}") { totalCount } }`,
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a cursor timestamp out of range in a nested page',
    () =>
      post({
        query: `{ customers(first: 1) { nodes { orders(first: 1, after: "${cursor(['2026-01-01 25:00:00+00', customerId])}") { nodes { id } } } } }`,
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'a cursor id that is no uuid',
    () =>
      post({
        query: `{ customers(first: 1, orderBy: { field: TOTAL_SPENT }, after: "${cursor(['TOTAL_SPENT', '1', 'x'])}") { totalCount } }`,
      }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    '60,000 countries in a filter',
    () =>
      post({
        query:
          'query($c: [String!]) { customers(first: 1, filter: { countries: $c }) { totalCount } }',
        variables: { c: Array(60_000).fill('HR') },
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'a garbage cursor',
    () =>
      post({ query: '{ customers(first: 1, after: "eyJub3QiOiJhIGN1cnNvciJ9") { totalCount } }' }),
    200,
    'BAD_USER_INPUT',
  ],
  [
    'field-name probing',
    () => post({ query: `{ customer(id: "${'x'}") { passwrd } }` }),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ],
  [
    'a fragment cycle',
    () =>
      post({
        query:
          'query { customers(first: 1) { ...A } } fragment A on CustomerConnection { ...B } fragment B on CustomerConnection { ...A }',
      }),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ],
  [
    'directive flood',
    () => post({ query: `{ __typename ${'@include(if: true) '.repeat(60)} }` }),
    400,
    null,
  ],
  [
    '101 ids to nodes',
    () =>
      post({
        query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
        variables: { ids: Array(101).fill(customerId) },
      }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'a mutation sent as GET',
    () =>
      request(t.app.app)
        .get('/graphql')
        .query({ query: 'mutation { createCustomer(input: {}) { id } }' })
        .set('apollo-require-preflight', '1')
        .set('authorization', `Bearer ${t.adminKey}`),
    405,
    null,
  ],
  [
    'a batch of 600 orders (over 500)',
    () =>
      post({
        query: 'mutation($o: [RecordOrderInput!]!) { recordOrders(orders: $o) { index } }',
        variables: {
          o: Array(600).fill({
            customer: { id: customerId },
            source: 's',
            externalRef: 'r',
            placedAt: '2026-01-01T00:00:00Z',
            currency: 'USD',
            gross: '1.00',
          }),
        },
      }),
    400,
    'BAD_USER_INPUT',
  ],
];

describe('hostile and malformed requests', () => {
  it.each(CASES)('%s gets its documented answer and no 500', async (_name, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    if (code) expect(JSON.stringify(res.body)).toContain(`"code":"${code}"`);
    expect(JSON.stringify(res.body ?? '')).not.toMatch(
      /stack|node_modules|\/work\/|select .* from/i,
    );
  });

  it('keeps serving after all of them, and wrote nothing half-way', async () => {
    const res = await post({ query: '{ customers(first: 1) { totalCount } }' });
    expect(res.status).toBe(200);
    const [{ n }] = await t.sql(`select count(*)::int as n from orders where source = 's'`);
    expect(n).toBe(0);
  });
});
