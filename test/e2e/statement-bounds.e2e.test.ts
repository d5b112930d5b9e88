import request from 'supertest';
import { getNamedType, GraphQLObjectType, GraphQLSchema, isLeafType } from 'graphql';
import { createApp, App } from '../../src/app';
import { SqlStatementLogger } from '../../src/common/sql-statements';
import { seedDemoData } from '../../src/seed/seed';
import { createSchema } from '../../src/schema';
import { createResolvers } from '../../src/container';
import { startTestApp, TestApp } from '../support/test-app';
import { fieldAtPath, fieldSelection } from '../support/schema-selections';

/**
 * For every field of Customer, generated from the schema (arguments defaulted, objects with all that is below them,
 * connections with `first`), a page of 20 customers costs the same SQL statements as a page of 5: loaders batch each
 * level of the selection, so an N+1 anywhere below a customer fails here, naming the field. Run through the resolvers
 * (where N+1s live) and with the compiled reads on. The seed gives each field rows to load, and the test checks that
 * it did: an N+1 hides behind empty results.
 */
let t: TestApp;
let resolvers: App;
let schema: GraphQLSchema;

beforeAll(async () => {
  t = await startTestApp();
  resolvers = await createApp({ ...t.database.config, compiledReads: false }, t.database.db);
  schema = await createSchema(createResolvers(t.database.config, t.app.services));
  // Orders with lines and returns, feedback, communications, loyalty, fitted models, mined product associations.
  await seedDemoData(t.database.db, t.database.config, { customers: 30, currency: 'USD' });
  await enrichSmallPage();
});
afterAll(async () => {
  await resolvers.stop();
  await t.close();
});

/**
 * What the seed does not give every page of 5: a complaint about an order and a product with the inbound call that
 * raised it (Communication.complaint, Feedback.order and .product), and a birthday in three days (a greeting among
 * the next best actions, audited as personal data).
 */
async function enrichSmallPage() {
  const { customers } = await t.ok(
    `{ customers(first: 5) { nodes { id orders(first: 1) { nodes { id lines { product { id } } } } } } }`,
  );
  const soon = new Date(Date.now() + 3 * 86_400_000);
  soon.setUTCFullYear(soon.getUTCFullYear() - 30);
  for (const customer of customers.nodes) {
    const order = customer.orders.nodes[0];
    const product = order?.lines.find(
      (l: { product: { id: string } | null }) => l.product,
    )?.product;
    const { recordFeedback } = await t.ok(
      `mutation($input: RecordFeedbackInput!) { recordFeedback(input: $input) { id } }`,
      {
        input: {
          customerId: customer.id,
          kind: 'COMPLAINT',
          comment: 'late',
          orderId: order?.id,
          productId: product?.id,
        },
      },
    );
    await t.ok(
      `mutation($input: LogCommunicationInput!) { logCommunication(input: $input) { id } }`,
      {
        input: {
          customerId: customer.id,
          channel: 'PHONE',
          direction: 'INBOUND',
          purpose: 'SUPPORT',
          complaintId: recordFeedback.id,
          orderId: order?.id,
        },
      },
    );
    await t.ok(
      `mutation($id: ID!, $d: LocalDate!) { updateCustomer(id: $id, input: { birthDate: $d }) { id } }`,
      { id: customer.id, d: soon.toISOString().slice(0, 10) },
    );
  }
}

async function run(app: App, query: string) {
  const before = SqlStatementLogger.count;
  const res = await request(app.app)
    .post('/graphql')
    .set('authorization', `Bearer ${t.adminKey}`)
    .send({ query });
  return { body: res.body, statements: SqlStatementLogger.count - before };
}

/**
 * Objects and lists (paths under a customer, list indices left out) that are null or empty wherever they occur in
 * the response: a level nothing is loaded for. Leaves may be null.
 */
function emptyPaths(value: unknown): string[] {
  const filled = new Map<string, boolean>();
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      if (v.length > 0) filled.set(path, true);
      for (const item of v) walk(item, path);
      return;
    }
    if (!filled.has(path)) filled.set(path, false);
    if (v === null || v === undefined) return;
    filled.set(path, true);
    if (typeof v === 'object')
      for (const [key, inner] of Object.entries(v)) walk(inner, path ? `${path}.${key}` : key);
  };
  walk(value, '');
  return [...filled]
    .filter(([path, isFilled]) => {
      const field = path ? fieldAtPath(schema, 'Customer', path) : null;
      return !isFilled && field !== null && !isLeafType(getNamedType(field.type));
    })
    .map(([path]) => path);
}

/**
 * What the seed leaves empty on purpose, with the reason; anything else empty means the field was not exercised.
 * The key is a path under `customers.nodes`.
 */
const MAY_BE_EMPTY: Record<string, string> = {};

const customerFields = async () => {
  return Object.values((schema.getType('Customer') as GraphQLObjectType).getFields()).map(
    (field) => ({
      name: field.name,
      selection: fieldSelection(schema, field, ['Customer'], 2),
    }),
  );
};

describe('statements per page of customers, for every field of Customer', () => {
  it('has a generated selection for every field', async () => {
    expect((await customerFields()).filter((f) => f.selection === null).map((f) => f.name)).toEqual(
      [],
    );
  });

  it.each([
    ['resolvers', false],
    ['compiled reads on', true],
  ] as const)('through the %s: 20 customers cost what 5 cost', async (_, compiled) => {
    const app = compiled ? t.app : resolvers;
    const found: Record<string, { small: number; large: number }> = {};
    const empty: Record<string, string[]> = {};
    const errors: Record<string, string[]> = {};
    for (const { name, selection } of await customerFields()) {
      const query = (n: number) => `{ customers(first: ${n}) { nodes { ${selection} } } }`;
      await run(app, query(5)); // warm: key check, the loyalty program, prepared statements
      const small = await run(app, query(5));
      const large = await run(app, query(20));
      if (large.body.errors || small.body.errors) {
        errors[name] = (large.body.errors ?? small.body.errors).map(
          (e: { message: string }) => e.message,
        );
        continue;
      }
      expect(large.body.data.customers.nodes).toHaveLength(20);
      if (large.statements !== small.statements)
        found[name] = { small: small.statements, large: large.statements };
      // On the small page: a level left empty there costs no statement, and would hide an N+1 of the large one.
      const unfilled = emptyPaths(small.body.data.customers.nodes).filter(
        (p) => !(p in MAY_BE_EMPTY),
      );
      if (unfilled.length) empty[name] = unfilled;
    }
    expect({ errors, grows: found, empty }).toEqual({ errors: {}, grows: {}, empty: {} });
  });
});
