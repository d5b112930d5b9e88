export { CustomerSummaryResolver } from './customer-summary.resolver';
export { CustomerSummary, summariseCustomer } from './customer-summary';
