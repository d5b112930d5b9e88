import { TestApp } from './test-app';

let sequence = 0;

export async function createCustomer(
  t: TestApp,
  input: Record<string, unknown> = {},
): Promise<{ id: string; databaseId: string }> {
  sequence += 1;
  const data = await t.ok(
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id databaseId } }`,
    {
      input: {
        givenName: 'Test',
        familyName: `Customer${sequence}`,
        email: `test${sequence}@example.com`,
        ...input,
      },
    },
  );
  return data.createCustomer;
}

export async function createProducts(
  t: TestApp,
  products: { sku: string; name?: string; category?: string; unitPrice: string }[],
) {
  const data = await t.ok(
    `mutation($products: [ProductInput!]!) { upsertProducts(products: $products) { id databaseId sku } }`,
    { products: products.map((p) => ({ name: p.sku, category: 'general', ...p })) },
  );
  return data.upsertProducts as { id: string; databaseId: string; sku: string }[];
}

export async function recordOrder(t: TestApp, customerId: string, input: Record<string, unknown>) {
  sequence += 1;
  const data = await t.ok(
    `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { created order { id databaseId net { amount } lines { id quantity } } } }`,
    {
      input: {
        customer: { id: customerId },
        source: 'test',
        externalRef: `T${sequence}`,
        currency: 'USD',
        placedAt: new Date().toISOString(),
        ...input,
      },
    },
  );
  return data.recordOrder.order as {
    id: string;
    databaseId: string;
    net: { amount: string };
    lines: { id: string; quantity: number }[];
  };
}
