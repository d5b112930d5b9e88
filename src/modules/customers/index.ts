import { CUSTOMER_PUBLIC_EVENTS } from './customer.events';
import { ERASED, type TextColumns } from '../../common/personal-data';
import type { ModuleManifest } from '../../common/module-manifest';
import { CustomerService } from './customer.service';
import { CustomerListService } from './customer-list.service';
import { assembleCustomerFilter, type CustomerListExtension } from './customer-filter.inputs';
import { createCustomerLoaders } from './customer.loaders';
import { CustomerResolver } from './customer.resolver';
import {
  customerProjections,
  customerResolverOnly,
  customerRootReaders,
} from './customer.compiled';
import { CUSTOMER_ENTITIES } from './customer.entity';
export { CustomerService, normaliseIdentifier } from './customer.service';
export type { CustomerOrderStats, CustomerReference } from './customer.service';
export { CustomerListService } from './customer-list.service';
export { Customer, CustomerConnection, IdentifierType, ConsentChannel } from './customer.types';
export { customerFilterClass, CustomerOrderField } from './customer-filter.inputs';
export type {
  CustomerFilter,
  CustomerFilterContribution,
  CustomerListExtension,
  CustomerSortContribution,
} from './customer-filter.inputs';
export { ORDER_ROLLUP_SQL } from './customer.compiled';

/** The module's text and jsonb columns: personal ones are emptied by erasure, the rest say why they stay. */
const customerTextColumns: TextColumns[] = [
  {
    table: 'customers',
    customerKey: 'id',
    personal: {
      given_name: 'null',
      family_name: 'null',
      sort_name: `''`,
      email: 'null',
      phone: 'null',
      locale: 'null',
      city: 'null',
      tags: `'{}'`,
      attributes: `'{}'`,
    },
    notPersonal: {
      country: 'ISO 3166 country code, kept for aggregates by country (identifies no one)',
    },
  },
  {
    table: 'customer_identifiers',
    customerKey: 'customer_id',
    deleteRows: true,
    personal: { value: 'null', source: 'null' },
    notPersonal: { type: 'IdentifierType code' },
  },
  {
    table: 'customer_consent_events',
    customerKey: 'customer_id',
    personal: { source: ERASED },
    notPersonal: {
      channel: 'ConsentChannel code; the history of grants stays as proof of consent',
    },
  },
];

/** Customers depend on no module: what others add to a customer list arrives as `extensions` (CustomerListExtension). */
export const customersModule = {
  name: 'customers',
  entities: CUSTOMER_ENTITIES,
  publicEvents: CUSTOMER_PUBLIC_EVENTS,
  services({ dataSource, settings, extensions, events }) {
    const added = extensions as CustomerListExtension[];
    const filters = added.flatMap((e) => (e.filter ? [e.filter] : []));
    const sorts = added.flatMap((e) => e.sorts ?? []);
    assembleCustomerFilter(filters, sorts);
    return {
      customers: new CustomerService(dataSource, settings.phoneDefaultRegion, events),
      customerList: new CustomerListService(dataSource, settings.shopCurrency, filters, sorts),
    };
  },
  resolvers: (s) => [new CustomerResolver(s.customers, s.customerList)],
  loaders: { key: 'customers', create: (s) => createCustomerLoaders(s.customers) },
  projections: () => customerProjections,
  resolverOnly: customerResolverOnly,
  rootReaders: ({ dataSource }, s) => customerRootReaders(dataSource, s.customerList),
  nodeTypes: {
    Customer: { scope: 'customers:read', fetch: (ctx, id) => ctx.loaders.customers.byId.load(id) },
  },
  textColumns: customerTextColumns,
  personalFields: {
    givenName: 'name',
    familyName: 'name',
    fullName: 'name',
    email: 'email',
    phone: 'phone',
    birthDate: 'birth_date',
    nameDay: 'name_day',
    city: 'address',
  },
} satisfies ModuleManifest<{ customers: CustomerService; customerList: CustomerListService }>;
