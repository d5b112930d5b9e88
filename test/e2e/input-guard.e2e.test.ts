import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';

let t: TestApp;
let schema: GraphQLSchema;
beforeAll(async () => {
  t = await startTestApp();
  // The schema as a client sees it (introspection), so every entry point added later is covered here too.
  schema = buildClientSchema(await t.ok(getIntrospectionQuery()));
});
afterAll(async () => {
  await t.close();
});

const NUL = 'a\u0000b';
// The custom scalars whose values are text a client chooses.
const TEXT_SCALARS = new Set(['String', 'ID', 'JSONObject']);
const SAMPLE: Record<string, string> = {
  String: '"x"',
  ID: '"x"',
  Int: '1',
  Float: '1',
  Boolean: 'true',
  LocalDate: '"2000-01-01"',
  DateTimeISO: '"2026-01-01T00:00:00Z"',
  JSONObject: '{}',
};

/** The smallest literal of a type that passes coercion (required fields only); the request is refused before it runs. */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return '[]';
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter(
      (f) => isNonNullType(f.type) && f.defaultValue === undefined,
    );
    return `{ ${required.map((f) => `${f.name}: ${literal(f.type)}`).join(', ')} }`;
  }
  if (!(type.name in SAMPLE)) throw new Error(`add a sample literal for the scalar ${type.name}`);
  return SAMPLE[type.name];
}

function value(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return value(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter(
      (f) => isNonNullType(f.type) && f.defaultValue === undefined,
    );
    return Object.fromEntries(required.map((f) => [f.name, value(f.type)]));
  }
  return JSON.parse(SAMPLE[type.name]);
}

/** Every place inside an argument's type where a client's text goes: [path, variable value with a NUL there]. */
function textLeaves(type: GraphQLInputType, path: string, seen: Set<string>): [string, unknown][] {
  if (isNonNullType(type)) return textLeaves(type.ofType, path, seen);
  if (isListType(type))
    return textLeaves(type.ofType, `${path}[0]`, seen).map(([p, v]) => [p, [v]]);
  if (isInputObjectType(type)) {
    if (seen.has(type.name)) return [];
    const inner = new Set([...seen, type.name]);
    return Object.values(type.getFields()).flatMap((field) =>
      textLeaves(field.type, `${path}.${field.name}`, inner).map(([p, v]): [string, unknown] => [
        p,
        { ...(value(type) as object), [field.name]: v },
      ]),
    );
  }
  if (isScalarType(type) && TEXT_SCALARS.has(type.name))
    return [[path, type.name === 'JSONObject' ? { note: NUL, [NUL]: 1 } : NUL]];
  return [];
}

const selectionOf = (type: GraphQLNamedType) =>
  isScalarType(type) || isEnumType(type) ? '' : '{ __typename }';
const argsOf = (field: GraphQLField<unknown, unknown>, except?: string) => {
  const required = field.args.filter(
    (a) => a.name !== except && isNonNullType(a.type) && a.defaultValue === undefined,
  );
  return required.map((a) => `${a.name}: ${literal(a.type)}`);
};

/** How a query reaches each object type from the root: a wrapper around an inner selection (shortest path first). */
function pathsFromQuery(): Map<string, (inner: string) => string> {
  const paths = new Map<string, (inner: string) => string>([
    [schema.getQueryType()!.name, (inner) => inner],
  ]);
  const queue: GraphQLObjectType[] = [schema.getQueryType()!];
  while (queue.length > 0) {
    const type = queue.shift()!;
    const wrap = paths.get(type.name)!;
    for (const field of Object.values(type.getFields())) {
      const target = getNamedType(field.type);
      const possible = isAbstractType(target)
        ? schema.getPossibleTypes(target)
        : isObjectType(target)
          ? [target]
          : [];
      for (const next of possible) {
        if (paths.has(next.name) || next.name.startsWith('__')) continue;
        const args = argsOf(field);
        const call = `${field.name}${args.length ? `(${args.join(', ')})` : ''}`;
        const fragment = isAbstractType(target)
          ? (inner: string) => `{ ... on ${next.name} { ${inner} } }`
          : (inner: string) => `{ ${inner} }`;
        paths.set(next.name, (inner) => wrap(`${call} ${fragment(inner)}`));
        queue.push(next);
      }
    }
  }
  return paths;
}

interface Case {
  coordinate: string;
  document: string;
  variables: Record<string, unknown>;
}

function nulCases(): { cases: Case[]; unreachable: string[] } {
  const paths = pathsFromQuery();
  const cases: Case[] = [];
  const unreachable: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    // Subscriptions are not served over HTTP; their arguments' NUL bytes are refused over the WebSocket
    // (test/e2e/hostile-events.e2e.test.ts, customerChanged(id: "a\u0000b")).
    if (type === schema.getSubscriptionType()) continue;
    const isMutation = type === schema.getMutationType();
    const wrap = isMutation ? (inner: string) => inner : paths.get(type.name);
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        for (const [leaf, variable] of textLeaves(arg.type, arg.name, new Set())) {
          const coordinate = `${type.name}.${field.name}(${leaf})`;
          if (!wrap) {
            unreachable.push(coordinate);
            continue;
          }
          const args = [`${arg.name}: $v`, ...argsOf(field, arg.name)];
          const selection = wrap(
            `${field.name}(${args.join(', ')}) ${selectionOf(getNamedType(field.type))}`,
          );
          cases.push({
            coordinate,
            document: `${isMutation ? 'mutation' : 'query'}($v: ${arg.type.toString()}) { ${selection} }`,
            variables: { v: variable },
          });
        }
      }
    }
  }
  return { cases, unreachable };
}

describe('NUL characters in input', () => {
  it('are refused with BAD_USER_INPUT at every text argument and input field of the schema', async () => {
    const { cases, unreachable } = nulCases();
    expect(unreachable).toEqual([]);
    // Far more than the 17 entry points the issue found: every nested input field and list counts on its own.
    expect(cases.length).toBeGreaterThan(100);
    const wrong: string[] = [];
    for (const c of cases) {
      const res = await t.gql(c.document, c.variables);
      const code = res.errors?.[0]?.extensions.code;
      if (res.status !== 400 || code !== 'BAD_USER_INPUT' || res.errors!.length !== 1)
        wrong.push(`${c.coordinate}: ${res.status} ${code} ${res.errors?.[0]?.message}`);
    }
    expect(wrong).toEqual([]);
  });

  it('are refused in literals, in JSON keys and in lists, naming the field', async () => {
    const literalNul = await t.gql(
      '{ customers(first: 1, filter: { search: "a\\u0000b" }) { totalCount } }',
    );
    expect(literalNul.status).toBe(400);
    expect(literalNul.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'customers.filter.search',
    });
    const key = await t.gql(
      'mutation($a: JSONObject) { createCustomer(input: { attributes: $a }) { id } }',
      { a: { nested: { ['k\u0000']: 1 } } },
    );
    expect(key.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'createCustomer.input.attributes',
    });
    const list = await t.gql(
      'query($t: [String!]) { customers(first: 1, filter: { tags: $t }) { totalCount } }',
      { t: ['ok', 'a\u0000'] },
    );
    expect(list.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'customers.filter.tags[1]',
    });
    const [{ n }] = await t.sql(`select count(*)::int as n from customers`);
    expect(n).toBe(0);
  });
});

describe('list sizes', () => {
  it('refuse a list argument or input field over 250 items, naming it', async () => {
    const countries = await t.gql(
      'query($c: [String!]) { customers(first: 1, filter: { countries: $c }) { totalCount } }',
      { c: Array(60_000).fill('HR') },
    );
    expect(countries.status).toBe(400);
    expect(countries.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'customers.filter.countries',
      maxItems: 250,
    });
    const literal = await t.gql(
      `{ customers(first: 1, filter: { tags: [${Array(251).fill('"t"').join(',')}] }) { totalCount } }`,
    );
    expect(literal.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'customers.filter.tags',
    });
  });

  it('keep the limits a field declares for itself: 100 ids for nodes, 500 orders a batch, 500 lines an order', async () => {
    const { id } = await createCustomer(t);
    const ids = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: Array(101).fill(id),
    });
    expect(ids.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'nodes.ids',
      maxItems: 100,
    });
    expect(
      (await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array(100).fill(id) }))
        .errors,
    ).toBeUndefined();
    const order = {
      customer: { id },
      source: 'guard',
      externalRef: 'r',
      placedAt: '2026-01-01T00:00:00Z',
      currency: 'USD',
      gross: '1.00',
    };
    const batch = await t.gql(
      'mutation($o: [RecordOrderInput!]!) { recordOrders(orders: $o) { index } }',
      { o: Array(501).fill(order) },
    );
    expect(batch.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'recordOrders.orders',
      maxItems: 500,
    });
    const lines = Array(300).fill({ sku: 'nope', quantity: 1, unitPrice: '1.00' });
    const many = await t.gql(
      'mutation($o: RecordOrderInput!) { recordOrder(input: $o) { created } }',
      { o: { ...order, gross: null, lines } },
    );
    // Past the list check: the lines are refused for their unknown sku, not for their number.
    expect(many.errors?.[0].extensions.field).not.toBe('recordOrder.input.lines');
  });
});
