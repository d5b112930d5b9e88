import { ERASED, type TextColumns } from '../../common/personal-data';
export { CustomerService, normaliseIdentifier } from './customer.service';
export type { CustomerOrderStats, CustomerReference } from './customer.service';
export { CustomerListService } from './customer-list.service';
export type { CustomerFilterExtension, CustomerSortExtension } from './customer-list.service';
export { Customer, CustomerConnection, IdentifierType, ConsentChannel } from './customer.types';
export { CustomerFilter, CustomerOrderField } from './customer.inputs';
export { createCustomerLoaders } from './customer.loaders';
export { CustomerResolver } from './customer.resolver';
export { customerProjections, customerResolverOnly, customerRootReaders, ORDER_ROLLUP_SQL } from './customer.compiled';

/** The module's text and jsonb columns: personal ones are emptied by erasure, the rest say why they stay. */
export const customerTextColumns: TextColumns[] = [
  { table: 'customers', customerKey: 'id',
    personal: { given_name: 'null', family_name: 'null', sort_name: `''`, email: 'null', phone: 'null', locale: 'null', city: 'null', tags: `'{}'`, attributes: `'{}'` },
    notPersonal: { country: 'ISO 3166 country code, kept for aggregates by country (identifies no one)' } },
  { table: 'customer_identifiers', customerKey: 'customer_id', deleteRows: true,
    personal: { value: 'null', source: 'null' }, notPersonal: { type: 'IdentifierType code' } },
  { table: 'customer_consent_events', customerKey: 'customer_id',
    personal: { source: ERASED }, notPersonal: { channel: 'ConsentChannel code; the history of grants stays as proof of consent' } },
];
