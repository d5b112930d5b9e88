import type { TextColumns } from '../../common/personal-data';
export { CustomerSummaryResolver } from './customer-summary.resolver';
export { CustomerSummary, summariseCustomer } from './customer-summary';
export { ModelFitService } from './model-fit.service';
export { MetricsService } from './metrics.service';
export { createMetricsLoaders } from './metrics.loaders';
export { ModelFitResolver, CustomerMetricsFieldResolver, CustomerMetricsResolver } from './metrics.resolver';
export { MetricsStoreService } from './metrics-store.service';
export { AnalyticsService } from './analytics.service';
export { AnalyticsResolver } from './analytics.resolver';
export { customerSummaryProjections, metricsResolverOnly } from './customer-summary.compiled';

/** Stored metrics are recomputed after erasure from what remains; model fits describe the whole base. */
export const metricsTextColumns: TextColumns[] = [
  { table: 'customer_metrics', customerKey: 'customer_id', personal: {}, notPersonal: { churn_level: 'LOW, MEDIUM or HIGH', rfm_segment: 'RFM segment code' } },
  { table: 'model_fits', customerKey: null, personal: {},
    notPersonal: { purchase_model: 'model name', time_unit: 'unit name', purchase_params: 'fitted parameters', purchase_covariance: 'fitted parameters', gamma_gamma: 'fitted parameters', rfm_cuts: 'quantile cuts over the base' } },
];
