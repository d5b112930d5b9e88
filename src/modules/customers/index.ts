export { CustomerService, normaliseIdentifier } from './customer.service';
export type { CustomerOrderStats, CustomerReference } from './customer.service';
export { CustomerListService } from './customer-list.service';
export type { CustomerFilterExtension, CustomerSortExtension } from './customer-list.service';
export { Customer, CustomerConnection, IdentifierType, ConsentChannel } from './customer.types';
export { CustomerFilter, CustomerOrderField } from './customer.inputs';
export { createCustomerLoaders } from './customer.loaders';
export { CustomerResolver } from './customer.resolver';
export { customerProjections, customerRootReaders, ORDER_ROLLUP_SQL } from './customer.compiled';
