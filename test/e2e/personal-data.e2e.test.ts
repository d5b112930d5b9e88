import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';
import { encodeCursor } from '../../src/common/pagination';
import { useCursorSecret } from '../../src/common/cursor-crypto';

// Personal data reached without reading a personal field: cursors, search, lookups, derived text. Both modes.
const MODES = [
  { mode: 'the graph', overrides: { nodeEnv: 'production' as const, federationSubgraph: false } },
  {
    mode: 'the federation subgraph',
    overrides: { nodeEnv: 'production' as const, federationSubgraph: true },
  },
];

const day = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe.each(MODES)(
  'personal data through side channels in $mode (production)',
  ({ overrides }) => {
    let t: TestApp;
    let customer: { id: string; databaseId: string };
    // A birthday three days from now (born 1990), so the greeting falls within the week next best actions look at.
    const birthday = day(3);
    const birthDate = `1990-${birthday.slice(5)}`.replace('1990-02-29', '1990-02-28');
    beforeAll(async () => {
      t = await startTestApp(overrides);
      customer = await createCustomer(t, {
        givenName: 'Zelda',
        familyName: 'Secretfamily',
        email: 'zelda.secret@example.com',
        phone: '+385911111113',
        birthDate,
        identifiers: [
          { type: 'EMAIL', value: 'zelda.secret@example.com', source: 'shop' },
          { type: 'SHOP_CUSTOMER_ID', value: 'Z-1', source: 'shop' },
        ],
        consents: [{ channel: 'EMAIL', granted: true, source: 'test' }],
      });
      for (let i = 0; i < 2; i++) await createCustomer(t);
    });
    afterAll(async () => {
      await t.close();
    });

    const get = (query: string, key: string, variables: Record<string, unknown>) =>
      request(t.app.app)
        .get('/graphql')
        .query({ query, variables: JSON.stringify(variables) })
        .set('authorization', `Bearer ${key}`)
        .set('apollo-require-preflight', '1')
        .set('accept', 'application/json');
    const auditOf = (operationName: string) =>
      t.sql<{ pii_categories: string[]; customers: number }>(
        'select pii_categories, customers from audit_events where operation_name = $1',
        [operationName],
      );

    describe('writes that set an email or a phone', () => {
      it('need pii:read, since a CONFLICT would tell whether someone has that email', async () => {
        const writer = await t.keyWith(['customers:write', 'customers:read']);
        for (const input of [
          '{ email: "zelda.secret@example.com" }',
          '{ phone: "+385911111113" }',
          '{ identifiers: [{ type: EMAIL, value: "zelda.secret@example.com", source: "shop" }] }',
        ]) {
          const res = await t.gql(
            `mutation { createCustomer(input: ${input}) { id } }`,
            {},
            writer,
          );
          expect(res.errors![0].extensions).toMatchObject({
            code: 'FORBIDDEN',
            requiredScopes: ['pii:read'],
          });
        }
        const withPii = await t.gql(
          'mutation { createCustomer(input: { email: "zelda.secret@example.com" }) { id } }',
          {},
          await t.keyWith(['customers:write', 'pii:read']),
        );
        expect(withPii.errors![0].extensions.code).toBe('CONFLICT');
        const plain = await t.gql(
          'mutation { createCustomer(input: { givenName: "NoContact" }) { id } }',
          {},
          writer,
        );
        expect(plain.errors).toBeUndefined();
      });
    });

    describe('saved segments', () => {
      it('show a saved search (a name or an email) only to keys with pii:read', async () => {
        await t.ok(
          'mutation { saveSegment(name: "One person", filter: { search: "zelda.secret@example.com" }) { id } }',
        );
        const read = async (scopes: string[]) =>
          (
            await t.gql('{ savedSegments { name filter } }', {}, await t.keyWith(scopes))
          ).data.savedSegments.find((s: { name: string }) => s.name === 'One person').filter;
        expect(JSON.stringify(await read(['customers:read']))).not.toContain('zelda');
        expect((await read(['customers:read', 'pii:read'])).search).toBe(
          'zelda.secret@example.com',
        );
        // Which customers the hidden search selects would tell what it searched for.
        const members = await t.gql(
          '{ savedSegments { name customers(first: 5) { totalCount } } }',
          {},
          await t.keyWith(['customers:read']),
        );
        expect(members.errors![0].extensions).toMatchObject({
          code: 'FORBIDDEN',
          requiredScopes: ['pii:read'],
        });
      });
    });

    describe('list cursors', () => {
      const PAGES = `query($after: String) { customers(first: 1, after: $after, orderBy: { field: NAME, direction: DESC }) { edges { cursor node { id } } pageInfo { endCursor } } }`;

      it('have the same length whatever the length of the names they were sorted by', async () => {
        await createCustomer(t, { givenName: 'Al', familyName: 'Ab' });
        await createCustomer(t, {
          givenName: 'Maximiliana-Josephina',
          familyName: 'Abercrombie-Oppenheimer',
        });
        const res = await t.gql(
          '{ customers(first: 20) { edges { cursor } } }',
          {},
          await t.keyWith(['customers:read']),
        );
        expect(
          new Set(res.data.customers.edges.map((e: { cursor: string }) => e.cursor.length)).size,
        ).toBe(1);
      });

      it('carry no readable sort value, page on, and refuse tampered, foreign and old-style cursors with BAD_USER_INPUT', async () => {
        const key = await t.keyWith(['customers:read']);
        const first = await t.gql(PAGES, {}, key);
        expect(first.errors).toBeUndefined();
        const cursor: string = first.data.customers.pageInfo.endCursor;
        // Sorted by name, descending, Secretfamily comes first; its cursor must not spell it out.
        expect(first.data.customers.edges[0].node.id).toBe(customer.id);
        for (const text of [
          cursor,
          Buffer.from(cursor, 'base64url').toString('latin1'),
          Buffer.from(cursor, 'base64').toString('latin1'),
        ]) {
          expect(text.toLowerCase()).not.toMatch(/secret|zelda/);
        }
        const second = await t.gql(PAGES, { after: cursor }, key);
        expect(second.errors).toBeUndefined();
        expect(second.data.customers.edges[0].node.id).not.toBe(customer.id);

        const raw = Buffer.from(cursor, 'base64url');
        raw[raw.length - 1] ^= 1;
        const oldStyle = Buffer.from(
          JSON.stringify(['NAME', 'secretfamily zelda', customer.databaseId]),
        ).toString('base64url');
        useCursorSecret('a secret of another deployment');
        const foreign = encodeCursor(['NAME', 'secretfamily zelda', customer.databaseId]);
        useCursorSecret(t.database.config.apiKeyHashKey);
        for (const after of [
          raw.toString('base64url'),
          cursor.slice(0, -4),
          oldStyle,
          foreign,
          '',
          '%%%',
          'A'.repeat(5000),
        ]) {
          for (const res of [
            await t.gql(PAGES, { after }, key),
            await get(PAGES, key, { after }).then((r) => ({
              status: r.status,
              errors: r.body.errors,
            })),
          ]) {
            expect({ after, status: res.status, code: res.errors?.[0].extensions.code }).toEqual({
              after,
              status: 200,
              code: 'BAD_USER_INPUT',
            });
          }
        }
      });
    });

    describe('search and filters', () => {
      const SEARCH = `query Search($s: String!) { customers(first: 5, filter: { search: $s }) { totalCount nodes { id } } }`;
      const SEARCH_NODES = `query SearchNodes($s: String!) { customers(first: 5, filter: { search: $s }) { nodes { id } } }`;

      it('without pii:read, refuse a search (it matches names and emails), whichever engine would answer', async () => {
        const key = await t.keyWith(['customers:read']);
        for (const query of [SEARCH, SEARCH_NODES]) {
          for (const s of ['zelda.secret@', 'zelda.secret@x', 'nobody']) {
            const post = await t.gql(query, { s }, key);
            const viaGet = await get(query, key, { s });
            for (const res of [
              { status: post.status, body: { data: post.data, errors: post.errors } },
              viaGet,
            ]) {
              expect(res.status).toBe(200);
              expect(res.body.data ?? null).toBeNull();
              expect(res.body.errors).toEqual([
                expect.objectContaining({
                  extensions: {
                    code: 'FORBIDDEN',
                    requiredScopes: ['pii:read'],
                    field: 'filter.search',
                  },
                }),
              ]);
            }
          }
        }
        // Filters on fields that are not personal still work.
        const byCountry = await t.gql(
          `{ customers(first: 5, filter: { tags: [] }) { totalCount } }`,
          {},
          key,
        );
        expect(byCountry.errors).toBeUndefined();
      });

      it('with pii:read, search, and the audit log counts the customers found as read', async () => {
        const key = await t.keyWith(['customers:read', 'pii:read']);
        for (const query of [SEARCH, SEARCH_NODES]) {
          const res = await t.gql(query, { s: 'zelda.secret@' }, key);
          expect(res.errors).toBeUndefined();
          expect(res.data.customers.nodes).toEqual([{ id: customer.id }]);
        }
        for (const name of ['Search', 'SearchNodes']) {
          expect(await auditOf(name)).toEqual([
            { pii_categories: ['email', 'name'], customers: 1 },
          ]);
        }
      });
    });

    describe('customerByIdentifier', () => {
      const LOOKUP = `query Lookup($type: IdentifierType!, $value: String!) { customerByIdentifier(type: $type, value: $value) { id } }`;

      it('needs pii:read for EMAIL and PHONE, found or not, so it is no existence oracle; other identifiers need customers:read', async () => {
        const key = await t.keyWith(['customers:read']);
        for (const [type, value] of [
          ['EMAIL', 'zelda.secret@example.com'],
          ['EMAIL', 'nobody@example.com'],
          ['PHONE', '+385911111113'],
        ]) {
          const res = await t.gql(LOOKUP, { type, value }, key);
          expect(res.data ?? { customerByIdentifier: null }).toEqual({
            customerByIdentifier: null,
          });
          expect(res.errors).toEqual([
            expect.objectContaining({
              extensions: { code: 'FORBIDDEN', requiredScopes: ['pii:read'], field: 'type' },
            }),
          ]);
        }
        expect(
          (await t.gql(LOOKUP, { type: 'SHOP_CUSTOMER_ID', value: 'Z-1' }, key)).data
            .customerByIdentifier,
        ).toEqual({ id: customer.id });
        const withPii = await t.gql(
          LOOKUP,
          { type: 'EMAIL', value: 'zelda.secret@example.com' },
          await t.keyWith(['customers:read', 'pii:read']),
        );
        expect(withPii.data.customerByIdentifier).toEqual({ id: customer.id });
        expect(await auditOf('Lookup')).toEqual([{ pii_categories: ['email'], customers: 1 }]);
      });
    });

    describe('derived text', () => {
      const ACTIONS = `query Actions($id: ID!) { customer(id: $id) { nextBestActions { kind reason dueDate } moments { kind date } } }`;
      const ACROSS = `query Across($from: LocalDate!, $to: LocalDate!) { nextBestActions(kind: GREETING, dueFrom: $from, dueTo: $to, first: 50) { nodes { reason dueDate customer { id } } } }`;
      const UPCOMING = `query Upcoming { upcomingMoments(days: 10, first: 50) { nodes { kind date } } }`;

      it('without pii:read, next best actions and moments say nothing of birthdays', async () => {
        const key = await t.keyWith(['customers:read', 'metrics:read']);
        const res = await t.gql(ACTIONS, { id: customer.id }, key);
        expect(res.errors).toBeUndefined();
        const across = await t.gql(ACROSS, { from: day(-1), to: day(8) }, key);
        expect(across.errors).toBeUndefined();
        const upcoming = await t.gql(UPCOMING, {}, key);
        expect(upcoming.errors).toBeUndefined();
        const text = JSON.stringify([res.data, across.data, upcoming.data]);
        expect(text).not.toMatch(/Birthday|BIRTHDAY/);
        expect(text).not.toContain(birthday);
        expect(text).not.toContain(birthDate.slice(5));
      });

      it('with pii:read, they do, and the audit log records the birthday read', async () => {
        const key = await t.keyWith(['customers:read', 'metrics:read', 'pii:read']);
        const res = await t.gql(ACTIONS, { id: customer.id }, key);
        expect(res.errors).toBeUndefined();
        expect(res.data.customer.nextBestActions).toContainEqual({
          kind: 'GREETING',
          reason: `Birthday on ${birthday}`,
          dueDate: birthday,
        });
        expect(res.data.customer.moments).toContainEqual({ kind: 'BIRTHDAY', date: birthday });
        const across = await t.gql(ACROSS, { from: day(-1), to: day(8) }, key);
        expect(across.data.nextBestActions.nodes).toContainEqual({
          reason: `Birthday on ${birthday}`,
          dueDate: birthday,
          customer: { id: customer.id },
        });
        const upcoming = await t.gql(UPCOMING, {}, key);
        expect(upcoming.data.upcomingMoments.nodes).toContainEqual({
          kind: 'BIRTHDAY',
          date: birthday,
        });
        for (const name of ['Actions', 'Across', 'Upcoming']) {
          expect(await auditOf(name)).toEqual([{ pii_categories: ['birth_date'], customers: 1 }]);
        }
      });
    });
  },
);
