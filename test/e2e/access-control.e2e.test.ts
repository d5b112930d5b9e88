import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, recordOrder } from '../support/factories';

// Both ways the server can serve the graph, in production mode: the subgraph is rebuilt from SDL, and every check
// must hold there as in the plain graph (compiled reads included).
const MODES = [
  { mode: 'the graph', overrides: { nodeEnv: 'production' as const, federationSubgraph: false } },
  {
    mode: 'the federation subgraph',
    overrides: { nodeEnv: 'production' as const, federationSubgraph: true },
  },
];

const PAGE = `query($id: ID!) { customer(id: $id) { id country email phone fullName city birthDate identifiers { type value } orders(first: 1) { totalCount } } }`;
const HUNDRED = `query Harvest { customers(first: 100) { nodes { id email givenName familyName phone birthDate city } } }`;

describe.each(MODES)('access control in $mode (production)', ({ overrides }) => {
  let t: TestApp;
  let customerId: string;
  beforeAll(async () => {
    t = await startTestApp(overrides);
    const c = await createCustomer(t, {
      email: 'pii@example.com',
      phone: '+385911111111',
      city: 'Zagreb',
      birthDate: '1990-01-02',
      identifiers: [
        { type: 'EMAIL', value: 'pii@example.com', source: 'shop' },
        { type: 'SHOP_CUSTOMER_ID', value: 'S-9', source: 'shop' },
      ],
    });
    customerId = c.id;
    await recordOrder(t, customerId, { gross: '10.00' });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (query: string, key: string, variables?: Record<string, unknown>) =>
    request(t.app.app)
      .get('/graphql')
      .query({ query, ...(variables ? { variables: JSON.stringify(variables) } : {}) })
      .set('authorization', `Bearer ${key}`)
      .set('apollo-require-preflight', '1')
      .set('accept', 'application/json');
  const auditOf = (operationName: string) =>
    t.sql<{ pii_categories: string[]; customers: number; result: string }>(
      'select pii_categories, customers, result from audit_events where operation_name = $1',
      [operationName],
    );

  describe('scopes', () => {
    it('nulls personal fields with FORBIDDEN on their paths and keeps the rest of the response', async () => {
      const key = await t.keyWith(['customers:read', 'orders:read']);
      const res = await t.gql(PAGE, { id: customerId }, key);
      expect(res.status).toBe(200);
      expect(res.data.customer).toMatchObject({
        id: customerId,
        email: null,
        phone: null,
        fullName: null,
        city: null,
        birthDate: null,
        orders: { totalCount: 1 },
      });
      expect(res.data.customer.identifiers).toEqual(
        expect.arrayContaining([
          { type: 'EMAIL', value: null },
          { type: 'SHOP_CUSTOMER_ID', value: 'S-9' },
        ]),
      );
      const paths = res.errors!.map((e) => e.path!.join('.'));
      expect(paths).toEqual(
        expect.arrayContaining([
          'customer.email',
          'customer.phone',
          'customer.fullName',
          'customer.city',
          'customer.birthDate',
        ]),
      );
      expect(res.errors!.every((e) => e.extensions.code === 'FORBIDDEN')).toBe(true);
      const withPii = await t.gql(
        PAGE,
        { id: customerId },
        await t.keyWith(['customers:read', 'orders:read', 'pii:read']),
      );
      expect(withPii.errors).toBeUndefined();
      expect(withPii.data.customer.email).toBe('pii@example.com');
    });

    it('checks the scope of every operation and every way to reach a record, node and nodes included', async () => {
      const readOnly = await t.keyWith(['customers:read']);
      const write = await t.gql(
        `mutation { createCustomer(input: { givenName: "X" }) { id } }`,
        {},
        readOnly,
      );
      expect(write.errors?.[0].extensions).toMatchObject({
        code: 'FORBIDDEN',
        requiredScopes: ['customers:write'],
      });
      const orders = await t.gql(
        `query($id: ID!) { customer(id: $id) { orders(first: 1) { totalCount } } }`,
        { id: customerId },
        readOnly,
      );
      expect(orders.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const { customer } = await t.ok(
        `query($id: ID!) { customer(id: $id) { orders(first: 1) { nodes { id } } } }`,
        { id: customerId },
      );
      const viaNode = await t.gql(
        `query($id: ID!) { node(id: $id) { id } }`,
        { id: customer.orders.nodes[0].id },
        readOnly,
      );
      expect(viaNode.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const viaNodes = await t.gql(
        `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
        { ids: [customer.orders.nodes[0].id] },
        readOnly,
      );
      expect(viaNodes.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const lookup = await t.gql(
        `{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "S-9") { id email } }`,
        {},
        await t.keyWith(['orders:read']),
      );
      expect(lookup.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const timeline = await t.gql(
        `query($id: ID!) { customer(id: $id) { timeline(first: 10) { nodes { kind } } } }`,
        { id: customerId },
        readOnly,
      );
      expect(timeline.data.customer.timeline.nodes).toEqual([]);
      const admin = await t.gql(
        `mutation { createApiKey(name: "x", scopes: ["admin"]) { key } }`,
        {},
        readOnly,
      );
      expect(admin.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });

    it('allows introspection only with schema:read', async () => {
      const denied = await t.gql(
        '{ __schema { queryType { name } } }',
        {},
        await t.keyWith(['customers:read']),
      );
      expect(denied.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const typeProbe = await t.gql(
        '{ __type(name: "Customer") { name } }',
        {},
        await t.keyWith(['customers:read']),
      );
      expect(typeProbe.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const bi = await t.gql(
        '{ __schema { queryType { name } } }',
        {},
        await t.keyWith(['schema:read']),
      );
      expect(bi.data.__schema.queryType.name).toBe('Query');
    });

    it('gives a schema:read key no customers, and a key without pii:read no personal fields of a page, unaudited or not', async () => {
      for (let i = 0; i < 3; i++)
        await createCustomer(t, { phone: '+385911111112', city: 'Split', birthDate: '1991-03-04' });
      const schemaOnly = await t.gql(HUNDRED, {}, await t.keyWith(['schema:read']));
      expect(schemaOnly.status).toBe(403);
      expect(schemaOnly.data ?? null).toBeNull();
      expect(schemaOnly.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({
            code: 'FORBIDDEN',
            requiredScopes: ['customers:read'],
          }),
        }),
      ]);
      const viaGet = await get(HUNDRED, await t.keyWith(['schema:read']));
      expect(viaGet.status).toBe(403);
      expect(viaGet.body.errors[0].extensions.code).toBe('FORBIDDEN');

      // A page of customers is what the compiled reads answer: the same checks must hold there.
      const noPii = await t.gql(HUNDRED, {}, await t.keyWith(['customers:read']));
      expect(noPii.data.customers.nodes.length).toBeGreaterThanOrEqual(4);
      for (const node of noPii.data.customers.nodes) {
        expect(node).toEqual({
          id: expect.any(String),
          email: null,
          givenName: null,
          familyName: null,
          phone: null,
          birthDate: null,
          city: null,
        });
      }
      expect(new Set(noPii.errors!.map((e) => e.extensions.code))).toEqual(new Set(['FORBIDDEN']));

      const withPii = await t.gql(HUNDRED, {}, await t.keyWith(['customers:read', 'pii:read']));
      expect(withPii.errors).toBeUndefined();
      expect(withPii.data.customers.nodes.map((n: { email: string }) => n.email)).toContain(
        'pii@example.com',
      );
      // Reads of personal data are audited; the refused ones read none.
      const audit = await auditOf('Harvest');
      expect(audit).toEqual([
        {
          pii_categories: expect.arrayContaining([
            'email',
            'name',
            'phone',
            'birth_date',
            'address',
          ]),
          customers: withPii.data.customers.nodes.length,
          result: 'OK',
        },
      ]);
    });
  });

  describe('the whole document is authorised before any of it runs', () => {
    const skus = async (sku: string) =>
      (
        await t.sql<{ n: number }>('select count(*)::int as n from products where sku = $1', [sku])
      )[0].n;
    const product = (sku: string) =>
      `upsertProducts(products: [{ sku: "${sku}", name: "Half", category: "test", unitPrice: "1.00" }]) { id }`;

    it('refuses a mutation document with one FORBIDDEN naming the missing scopes, and commits nothing', async () => {
      const writer = await t.keyWith(['orders:write']);
      const res = await t.gql(
        `mutation { a: ${product('HALF-1')} b: createApiKey(name: "x", scopes: ["admin"]) { key } }`,
        {},
        writer,
      );
      expect(res.status).toBe(403);
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'FORBIDDEN', requiredScopes: ['admin'] } }),
      ]);
      expect(await skus('HALF-1')).toBe(0);
      const both = await t.gql(
        `mutation { a: ${product('HALF-2')} b: createCustomer(input: { givenName: "Y" }) { id } c: revokeApiKey(id: "x") { id } }`,
        {},
        writer,
      );
      expect(both.errors?.[0].extensions.requiredScopes).toEqual(['customers:write', 'admin']);
      expect(await skus('HALF-2')).toBe(0);
      const alone = await t.gql(`mutation { a: ${product('HALF-3')} }`, {}, writer);
      expect(alone.errors).toBeUndefined();
      expect(await skus('HALF-3')).toBe(1);
    });

    it('refuses a mutation whose result selects a field the key may not read, before it writes', async () => {
      const writer = await t.keyWith(['customers:write']);
      const { id } = (await t.ok('mutation { createCustomer(input: { givenName: "Sel" }) { id } }'))
        .createCustomer;
      const tagsOf = async () =>
        (
          await t.sql<{ tags: string[] }>('select tags from customers where given_name = $1', [
            'Sel',
          ])
        )[0].tags;
      for (const selection of [
        '{ email }',
        '{ ...P } } fragment P on Customer { fullName',
        '{ ... on Customer { phone } }',
      ]) {
        const res = await t.gql(
          `mutation($id: ID!) { updateCustomer(id: $id, input: { tags: ["probe-sel"] }) ${selection} }`,
          { id },
          writer,
        );
        expect(res.status).toBe(403);
        expect(res.errors![0].extensions).toMatchObject({
          code: 'FORBIDDEN',
          requiredScopes: ['pii:read'],
        });
      }
      expect(await tagsOf()).not.toContain('probe-sel');
      const allowed = await t.gql(
        'mutation($id: ID!) { updateCustomer(id: $id, input: { tags: ["probe-sel"] }) { id tags } }',
        { id },
        writer,
      );
      expect(allowed.errors).toBeUndefined();
      expect(await tagsOf()).toContain('probe-sel');
    });

    it('finds root fields inside fragments and after @include/@skip with variables', async () => {
      const writer = await t.keyWith(['orders:write']);
      const named = await t.gql(
        `mutation { a: ${product('FRAG-1')} ...Keys } fragment Keys on Mutation { b: createApiKey(name: "x", scopes: ["admin"]) { key } }`,
        {},
        writer,
      );
      expect(named.errors?.[0].extensions).toEqual({
        code: 'FORBIDDEN',
        requiredScopes: ['admin'],
      });
      expect(await skus('FRAG-1')).toBe(0);
      const conditional = `mutation($keys: Boolean!, $skip: Boolean!) { a: ${product('FRAG-2')}
        ... on Mutation @include(if: $keys) { b: createApiKey(name: "x", scopes: ["admin"]) { key } }
        c: createApiKey(name: "y", scopes: ["admin"]) @skip(if: $skip) { key } }`;
      const included = await t.gql(conditional, { keys: true, skip: true }, writer);
      expect(included.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const notSkipped = await t.gql(conditional, { keys: false, skip: false }, writer);
      expect(notSkipped.errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect(await skus('FRAG-2')).toBe(0);
      // Left out by its variables, the admin field does not run, so nothing stands in the way.
      const excluded = await t.gql(conditional, { keys: false, skip: true }, writer);
      expect(excluded.errors).toBeUndefined();
      expect(await skus('FRAG-2')).toBe(1);
    });

    it('refuses a query with a root field out of scope as a whole, over GET as over POST', async () => {
      const reader = await t.keyWith(['customers:read']);
      const query = 'query Mixed { customers(first: 1) { totalCount } apiKeys { id } }';
      for (const res of [
        await t.gql(query, {}, reader),
        await get(query, reader).then((r) => ({
          status: r.status,
          data: r.body.data,
          errors: r.body.errors,
        })),
      ]) {
        expect(res.status).toBe(403);
        expect(res.data ?? null).toBeNull();
        expect(res.errors).toEqual([
          expect.objectContaining({ extensions: { code: 'FORBIDDEN', requiredScopes: ['admin'] } }),
        ]);
      }
      const unknownVariables = await t.gql(
        'query($n: Int!) { customers(first: $n) { totalCount } }',
        { n: 'many' },
        reader,
      );
      expect(unknownVariables.status).toBe(400);
      expect(unknownVariables.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });
  });
});
