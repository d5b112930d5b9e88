import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const CUSTOMER_FIELDS = `id databaseId givenName familyName fullName email phone birthDate nameDay { month day } locale country city
  signupAt tags attributes createdAt updatedAt identifiers { type value source } consents { channel granted changedAt source }`;

describe('createCustomer and updateCustomer', () => {
  it('stores the whole profile with identifiers and consents, and reads it back by id and identifier', async () => {
    const input = {
      givenName: 'Ana',
      familyName: 'Horvat',
      email: 'ana.horvat@example.com',
      phone: '+385911234567',
      birthDate: '1990-05-17',
      nameDay: { month: 7, day: 26 },
      locale: 'hr-HR',
      country: 'hr',
      city: 'Zagreb',
      signupAt: '2024-03-01T10:00:00.000Z',
      tags: ['vip'],
      attributes: { crmId: 42 },
      identifiers: [
        { type: 'SHOP_CUSTOMER_ID', value: 'S-1', source: 'shopify' },
        { type: 'EMAIL', value: 'Ana.Horvat@Example.com', source: 'newsletter' },
      ],
      consents: [
        { channel: 'EMAIL', granted: true, source: 'checkout' },
        { channel: 'SMS', granted: false, source: 'checkout' },
      ],
    };
    const { createCustomer: created } = await t.ok(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ${CUSTOMER_FIELDS} } }`,
      { input },
    );
    expect(created).toMatchObject({
      givenName: 'Ana',
      familyName: 'Horvat',
      fullName: 'Ana Horvat',
      country: 'HR',
      birthDate: '1990-05-17',
      nameDay: { month: 7, day: 26 },
      signupAt: '2024-03-01T10:00:00.000Z',
      tags: ['vip'],
      attributes: { crmId: 42 },
    });
    expect(created.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'EMAIL', value: 'ana.horvat@example.com', source: 'newsletter' },
        { type: 'SHOP_CUSTOMER_ID', value: 'S-1', source: 'shopify' },
      ]),
    );
    expect(created.consents.map((c: any) => [c.channel, c.granted])).toEqual([
      ['EMAIL', true],
      ['SMS', false],
    ]);

    const byId = await t.ok(`query($id: ID!) { customer(id: $id) { id email } }`, {
      id: created.id,
    });
    expect(byId.customer).toEqual({ id: created.id, email: 'ana.horvat@example.com' });
    const byUuid = await t.ok(`query($id: ID!) { customer(id: $id) { id } }`, {
      id: created.databaseId,
    });
    expect(byUuid.customer.id).toBe(created.id);
    const byIdentifier = await t.ok(
      `{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "S-1") { id } }`,
    );
    expect(byIdentifier.customerByIdentifier.id).toBe(created.id);
    await createCustomer(t, {
      identifiers: [{ type: 'SHOP_CUSTOMER_ID', value: 'S-1', source: 'woocommerce' }],
    });
    const ambiguous = await t.gql(
      `{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "S-1") { id } }`,
    );
    expect(ambiguous.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'source',
    });
    const bySource = await t.ok(
      `{ customerByIdentifier(type: SHOP_CUSTOMER_ID, value: "S-1", source: "shopify") { id } }`,
    );
    expect(bySource.customerByIdentifier.id).toBe(created.id);
    expect(
      (await t.ok(`{ customerByIdentifier(type: LOYALTY_CARD, value: "none") { id } }`))
        .customerByIdentifier,
    ).toBeNull();
    const byEmail = await t.ok(
      `{ customerByIdentifier(type: EMAIL, value: " ANA.horvat@example.com ", source: "newsletter") { id } }`,
    );
    expect(byEmail.customerByIdentifier.id).toBe(created.id);
  });

  it('updates only the given fields, merges attributes, keeps consent history and links or unlinks identifiers', async () => {
    const { id } = await createCustomer(t, {
      attributes: { a: 1, b: 2 },
      consents: [{ channel: 'EMAIL', granted: true, source: 'checkout' }],
      identifiers: [{ type: 'LOYALTY_CARD', value: 'L-9', source: 'pos' }],
    });
    const { updateCustomer } = await t.ok(
      `mutation($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { ${CUSTOMER_FIELDS} } }`,
      {
        id,
        input: {
          city: 'Split',
          attributes: { b: null, c: 3 },
          consents: [{ channel: 'EMAIL', granted: false, source: 'preference centre' }],
          addIdentifiers: [{ type: 'PHONE', value: '+385 91 000 1111', source: 'pos' }],
          removeIdentifiers: [{ type: 'LOYALTY_CARD', value: 'L-9', source: 'pos' }],
        },
      },
    );
    expect(updateCustomer).toMatchObject({
      givenName: 'Test',
      city: 'Split',
      attributes: { a: 1, c: 3 },
    });
    expect(updateCustomer.consents).toEqual([
      expect.objectContaining({ channel: 'EMAIL', granted: false, source: 'preference centre' }),
    ]);
    expect(updateCustomer.identifiers).toEqual([
      { type: 'PHONE', value: '+385910001111', source: 'pos' },
    ]);
    const history = await t.sql(
      'select granted from customer_consent_events where customer_id = $1 order by occurred_at',
      [updateCustomer.databaseId],
    );
    expect(history.map((h) => h.granted)).toEqual([true, false]);
  });

  it('rejects invalid input with BAD_USER_INPUT naming the fields, and writes nothing', async () => {
    const before = await t.sql('select count(*)::int as n from customers');
    const res = await t.gql(
      `mutation { createCustomer(input: { email: "nope", country: "XX", nameDay: { month: 13, day: 1 } }) { id } }`,
    );
    expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const fields = res.errors![0].extensions.fields.map((f: any) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'country', 'nameDay.month']));
    const feb30 = await t.gql(
      `mutation { createCustomer(input: { nameDay: { month: 2, day: 30 } }) { id } }`,
    );
    expect(feb30.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'nameDay.day',
    });
    const after = await t.sql('select count(*)::int as n from customers');
    expect(after[0].n).toBe(before[0].n);
  });

  it('answers CONFLICT when an identifier belongs to someone else, and rolls the whole creation back', async () => {
    await createCustomer(t, { identifiers: [{ type: 'EXTERNAL', value: 'X-1', source: 'crm' }] });
    const before = await t.sql('select count(*)::int as n from customers');
    const res = await t.gql(
      `mutation { createCustomer(input: { givenName: "Dup", identifiers: [{ type: EXTERNAL, value: "X-1", source: "crm" }] }) { id } }`,
    );
    expect(res.errors?.[0].extensions.code).toBe('CONFLICT');
    expect((await t.sql('select count(*)::int as n from customers'))[0].n).toBe(before[0].n);
  });

  it('returns null for a missing customer, NOT_FOUND for updating one, and BAD_USER_INPUT for a malformed id', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(
      (await t.ok(`query($id: ID!) { customer(id: $id) { id } }`, { id: missing })).customer,
    ).toBeNull();
    const update = await t.gql(
      `mutation($id: ID!) { updateCustomer(id: $id, input: { city: "X" }) { id } }`,
      { id: missing },
    );
    expect(update.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const bad = await t.gql(`{ customer(id: "not-an-id") { id } }`);
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.status).toBe(200);
  });
});
