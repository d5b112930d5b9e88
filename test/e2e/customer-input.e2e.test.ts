import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ phoneDefaultRegion: 'HR' });
});
afterAll(async () => {
  await t.close();
});

const CREATE =
  'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id databaseId email phone birthDate } }';
const UPDATE =
  'mutation($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { id email phone attributes } }';
const create = (input: Record<string, unknown>) => t.gql(CREATE, { input });
const errorOf = (res: { errors?: { extensions: Record<string, any> }[] }) =>
  res.errors?.[0]?.extensions;
const count = async () =>
  (await t.sql<{ n: number }>('select count(*)::int as n from customers'))[0].n;

describe('phone numbers', () => {
  it('are stored as E.164, a number without country code read in the configured region', async () => {
    expect((await t.ok(CREATE, { input: { phone: '091 123 4567' } })).createCustomer.phone).toBe(
      '+385911234567',
    );
    expect(
      (await t.ok(CREATE, { input: { phone: '+1 (212) 555-0123' } })).createCustomer.phone,
    ).toBe('+12125550123');
  });

  it('that are no numbers are refused with BAD_USER_INPUT and nothing is stored', async () => {
    const before = await count();
    for (const phone of ['------', '+1 (555) 123', '12', 'call me maybe']) {
      expect({ phone, error: errorOf(await create({ phone })) }).toMatchObject({
        phone,
        error: { code: 'BAD_USER_INPUT' },
      });
    }
    expect(await count()).toBe(before);
  });
});

describe('birth dates', () => {
  it('in the future or before 1900 are refused with BAD_USER_INPUT', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    for (const birthDate of [tomorrow, '1000-01-01', '1899-12-31']) {
      const res = await create({ birthDate });
      expect({ birthDate, error: errorOf(res) }).toMatchObject({
        birthDate,
        error: { code: 'BAD_USER_INPUT', fields: [{ field: 'birthDate' }] },
      });
    }
    expect(
      (await t.ok(CREATE, { input: { birthDate: '1900-01-01' } })).createCustomer.birthDate,
    ).toBe('1900-01-01');
  });
});

describe('custom attributes', () => {
  it('over 16 KB, 5 levels or 100 keys an object are refused with BAD_USER_INPUT', async () => {
    const before = await count();
    const deep = JSON.parse(`${'{"a":'.repeat(6)}1${'}'.repeat(6)}`);
    const cases = {
      big: { blob: 'x'.repeat(900_000) },
      deep,
      wide: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])),
    };
    for (const [name, attributes] of Object.entries(cases)) {
      expect({ name, error: errorOf(await create({ attributes })) }).toMatchObject({
        name,
        error: { code: 'BAD_USER_INPUT', fields: [{ field: 'attributes' }] },
      });
    }
    expect(await count()).toBe(before);
  });

  it('cannot grow past the limit by merging several updates', async () => {
    const { id, databaseId } = await createCustomer(t, { attributes: { a: 'x'.repeat(10_000) } });
    const res = await t.gql(UPDATE, { id, input: { attributes: { b: 'y'.repeat(10_000) } } });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attributes' });
    const [row] = await t.sql('select attributes from customers where id = $1', [databaseId]);
    expect(Object.keys(row.attributes)).toEqual(['a']);
  });
});

describe('emails', () => {
  it('are unique ignoring case: a second customer with the same email in other case gets CONFLICT', async () => {
    const first = await t.ok(CREATE, { input: { email: 'marija@example.com' } });
    expect(first.createCustomer.email).toBe('marija@example.com');
    const before = await count();
    const second = await create({ email: 'Marija@Example.COM' });
    expect(errorOf(second)).toMatchObject({ code: 'CONFLICT', field: 'email' });
    expect(await count()).toBe(before);
    const other = await createCustomer(t, { email: 'someone@example.com' });
    expect(
      errorOf(await t.gql(UPDATE, { id: other.id, input: { email: 'MARIJA@example.com' } })),
    ).toMatchObject({ code: 'CONFLICT', field: 'email' });
    // The customer may change the case of their own address; it is stored as given.
    expect(
      (await t.ok(UPDATE, { id: first.createCustomer.id, input: { email: 'Marija@Example.com' } }))
        .updateCustomer.email,
    ).toBe('Marija@Example.com');
  });

  it('are refused by the database too, whatever writes them', async () => {
    await t.ok(CREATE, { input: { email: 'ana@example.com' } });
    await expect(
      t.sql(`insert into customers (email, signup_at) values ('ANA@example.com', now())`),
    ).rejects.toThrow(/customers_email_lower_unique/);
  });

  it('are found ignoring case', async () => {
    const { databaseId } = (await t.ok(CREATE, { input: { email: 'Ivan.Horvat@Example.com' } }))
      .createCustomer;
    const found = await t.ok(
      '{ customerByIdentifier(type: EMAIL, value: "ivan.horvat@EXAMPLE.com") { databaseId } }',
    );
    expect(found.customerByIdentifier.databaseId).toBe(databaseId);
  });
});
