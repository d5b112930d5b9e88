export { CustomerSummaryResolver } from './customer-summary.resolver';
export { CustomerSummary, summariseCustomer } from './customer-summary';
export { ModelFitService } from './model-fit.service';
export { MetricsService } from './metrics.service';
export { createMetricsLoaders } from './metrics.loaders';
export { ModelFitResolver, CustomerMetricsFieldResolver, CustomerMetricsResolver } from './metrics.resolver';
export { MetricsStoreService } from './metrics-store.service';
export { AnalyticsService } from './analytics.service';
export { AnalyticsResolver } from './analytics.resolver';
