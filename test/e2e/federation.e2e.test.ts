import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { createCustomer, recordOrder } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const ENTITY = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Customer { id fullName email summary { orderCount } } } }`;

describe('as an Apollo Federation subgraph (FEDERATION_SUBGRAPH=true)', () => {
  let t: TestApp;
  let customer: { id: string; databaseId: string };
  beforeAll(async () => {
    t = await startTestApp({ federationSubgraph: true });
    customer = await createCustomer(t, { givenName: 'Fede', familyName: 'Ration' });
    await recordOrder(t, customer.id, { gross: '10.00' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('publishes its SDL with Customer as an entity keyed by id, to keys with schema:read only', async () => {
    const { _service } = await t.ok('{ _service { sdl } }');
    expect(_service.sdl).toMatch(/@link\(url: "https:\/\/specs.apollo.dev\/federation\/v2.3"/);
    expect(_service.sdl).toMatch(/type Customer implements Node\s+@key\(fields: "id"\)/);
    expect(_service.sdl).toMatch(/"""One customer by id; null when there is none."""/);
    const refused = await t.gql('{ _service { sdl } }', {}, await t.keyWith(['customers:read']));
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('composes into a supergraph with another subgraph that extends Customer', async () => {
    const { _service } = await t.ok('{ _service { sdl } }');
    const reviews =
      parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Customer @key(fields: "id") { id: ID! reviewCount: Int! }
      type Query { topReviewers: [Customer!]! }`);
    const result = composeServices([
      { name: 'customer360', typeDefs: parse(_service.sdl), url: 'http://127.0.0.1:4000/graphql' },
      { name: 'reviews', typeDefs: reviews, url: 'http://127.0.0.1:4001/graphql' },
    ]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toMatch(/reviewCount: Int! @join__field\(graph: REVIEWS\)/);
  });

  it('resolves Customer references by global id or UUID, with the same fields as the graph', async () => {
    const key = await t.keyWith(['customers:read', 'pii:read', 'orders:read']);
    const res = await t.gql(
      ENTITY,
      {
        representations: [
          { __typename: 'Customer', id: customer.id },
          { __typename: 'Customer', id: customer.databaseId },
          { __typename: 'Customer', id: '00000000-0000-4000-8000-000000000000' },
        ],
      },
      key,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data._entities).toEqual([
      {
        id: customer.id,
        fullName: 'Fede Ration',
        email: expect.stringMatching(/@example.com$/),
        summary: { orderCount: 1 },
      },
      {
        id: customer.id,
        fullName: 'Fede Ration',
        email: expect.stringMatching(/@example.com$/),
        summary: { orderCount: 1 },
      },
      null,
    ]);
  });

  it('applies the access checks of customer(id) to entity lookups', async () => {
    const noCustomers = await t.gql(
      ENTITY,
      { representations: [{ __typename: 'Customer', id: customer.id }] },
      await t.keyWith(['orders:read']),
    );
    expect(noCustomers.data._entities).toEqual([null]);
    expect(noCustomers.errors?.[0]).toMatchObject({
      path: ['_entities', 0],
      extensions: { code: 'FORBIDDEN', requiredScopes: ['customers:read'] },
    });

    const noPii = await t.gql(
      ENTITY,
      { representations: [{ __typename: 'Customer', id: customer.id }] },
      await t.keyWith(['customers:read', 'orders:read']),
    );
    expect(noPii.data._entities[0]).toMatchObject({
      id: customer.id,
      fullName: null,
      email: null,
      summary: { orderCount: 1 },
    });
    expect(noPii.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);

    const badId = await t.gql(ENTITY, {
      representations: [{ __typename: 'Customer', id: 'not-an-id' }],
    });
    expect(badId.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(
      (
        await t.gql(
          ENTITY,
          { representations: [{ __typename: 'Customer', id: customer.id }] },
          null,
        )
      ).status,
    ).toBe(401);
  });

  it('still serves the ordinary graph, with its limits', async () => {
    const data = await t.ok('{ customers(first: 5) { totalCount nodes { fullName } } }');
    expect(data.customers.totalCount).toBe(1);
    const deep = await t.gql(`{ customers(first: 101) { totalCount } }`);
    expect(deep.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('without the switch', () => {
  it('has no federation fields', async () => {
    const t = await startTestApp();
    try {
      const res = await t.gql('{ _service { sdl } }');
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await t.close();
    }
  });
});
