import { publicEvent } from '../../common/public-events';
import { toGlobalId } from '../../common/relay';
import type { Customer } from './customer.types';

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** A customer was created: through createCustomer, or by the first order or import naming a new identifier. */
    'customer.created': { customer: Customer };
    /** A customer's profile, identifiers or consents changed; `changed` names the inputs that were given. */
    'customer.updated': { customer: Customer; changed: string[] };
    /** A customer's personal data was erased (the pseudonymous id stays, with orders for bookkeeping). */
    'customer.erased': { customerId: string };
  }
}

/** The profile as public events show it; its personal fields are the GraphQL ones that need pii:read. */
function customerPayload(c: Customer) {
  return {
    id: c.id,
    databaseId: c.databaseId,
    givenName: c.givenName,
    familyName: c.familyName,
    email: c.email,
    phone: c.phone,
    birthDate: c.birthDate,
    locale: c.locale,
    country: c.country,
    city: c.city,
    tags: c.tags,
    signupAt: c.signupAt,
  };
}

const PERSONAL = [
  'customer.givenName',
  'customer.familyName',
  'customer.email',
  'customer.phone',
  'customer.birthDate',
  'customer.city',
];

export const CUSTOMER_PUBLIC_EVENTS = [
  publicEvent({
    type: 'customer.created',
    enumName: 'CUSTOMER_CREATED',
    description: 'A customer was created (data.customer: the profile).',
    from: 'customer.created',
    scope: 'customers:read',
    personal: PERSONAL,
    toOutbox: ({ customer }) => [
      { customerId: customer.databaseId, data: { customer: customerPayload(customer) } },
    ],
  }),
  publicEvent({
    type: 'customer.updated',
    enumName: 'CUSTOMER_UPDATED',
    description:
      'A customer’s profile, identifiers or consents changed (data.customer as it now reads; data.changed: the inputs given).',
    from: 'customer.updated',
    scope: 'customers:read',
    personal: PERSONAL,
    toOutbox: ({ customer, changed }) => [
      { customerId: customer.databaseId, data: { customer: customerPayload(customer), changed } },
    ],
  }),
  publicEvent({
    type: 'customer.erased',
    enumName: 'CUSTOMER_ERASED',
    description:
      'A customer’s personal data was erased; consumers must erase their copies (data.customerId).',
    from: 'customer.erased',
    scope: 'customers:read',
    personal: [],
    toOutbox: ({ customerId }) => [
      { customerId, data: { customerId: toGlobalId('Customer', customerId) } },
    ],
  }),
];
