import DataLoader from 'dataloader';
import { CustomerService } from './customer.service';

export const createCustomerLoaders = (customers: CustomerService) => ({
  byId: new DataLoader((ids: readonly string[]) => customers.findByIds(ids)),
  identifiers: new DataLoader((ids: readonly string[]) => customers.identifiersByCustomerIds(ids)),
  consents: new DataLoader((ids: readonly string[]) => customers.consentsByCustomerIds(ids)),
});

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    customers: CustomerLoaders;
  }
}
