import { METRICS_PUBLIC_EVENTS } from './metrics.events';
import type { TextColumns } from '../../common/personal-data';
import type { ModuleManifest } from '../../common/module-manifest';
import { ShopTime } from '../../common/shop-time';
import type { CustomerService } from '../customers';
import type {
  CohortValueQueries,
  OrderImportService,
  OrderSpendService,
  OrderWriterService,
  PurchaseHistoryQueries,
} from '../orders';
import type { FeedbackService } from '../feedback';
import type { CommunicationService } from '../communications';
import { CustomerSummaryResolver } from './customer-summary.resolver';
import { ModelFitService } from './model-fit.service';
import { MetricsService } from './metrics.service';
import { createMetricsLoaders } from './metrics.loaders';
import {
  ModelFitResolver,
  CustomerMetricsFieldResolver,
  CustomerMetricsResolver,
} from './metrics.resolver';
import { MetricsStoreService } from './metrics-store.service';
import { MetricsHistoryService } from './metrics-history.service';
import { MetricsHistoryResolver } from './metrics-history.resolver';
import { MetricsChangeCause } from './metrics-history.types';
import { AnalyticsService } from './analytics.service';
import { AnalyticsResolver } from './analytics.resolver';
import { CohortValueService } from './cohort-value.service';
import { CohortForecastResolver, CohortValueResolver } from './cohort-value.resolver';
import { customerSummaryProjections, metricsResolverOnly } from './customer-summary.compiled';
import { METRICS_ENTITIES } from './customer-metrics.entity';
import { metricsCustomerList } from './metrics-filter.inputs';
import { subscribeMetrics } from './metrics.subscriptions';
import { metricsJobs } from './metrics.jobs';
export { CustomerSummary, summariseCustomer } from './customer-summary';
export { fitBgBb } from './models/bg-bb';
export type { PeriodSummary } from './models/bg-bb';
export { ModelFitService } from './model-fit.service';
export { MetricsService } from './metrics.service';
export { MetricsStoreService } from './metrics-store.service';
export { MetricsChangeCause } from './metrics-history.types';
export { AnalyticsService } from './analytics.service';

/**
 * Stored metrics and their history hold no personal text and are kept: erasure recomputes the metrics from what
 * remains (a change is recorded with the cause ERASURE); model fits describe the whole base.
 */
const metricsTextColumns: TextColumns[] = [
  {
    table: 'customer_metrics',
    customerKey: 'customer_id',
    personal: {},
    notPersonal: {
      churn_level: 'LOW, MEDIUM or HIGH',
      recorded_churn_level: 'LOW, MEDIUM or HIGH',
      rfm_segment: 'RFM segment code',
    },
  },
  {
    // Derived from the pseudonymous orders and scores that erasure keeps, as customer_metrics is; kept.
    table: 'customer_metrics_history',
    customerKey: 'customer_id',
    personal: {},
    notPersonal: { churn_level: 'LOW, MEDIUM or HIGH', cause: 'MetricsChangeCause code' },
  },
  {
    table: 'model_fits',
    customerKey: null,
    personal: {},
    notPersonal: {
      purchase_model: 'model name',
      time_unit: 'unit name',
      purchase_params: 'fitted parameters',
      purchase_covariance: 'fitted parameters',
      gamma_gamma: 'fitted parameters',
      rfm_cuts: 'quantile cuts over the base',
    },
  },
];

interface MetricsServices {
  modelFits: ModelFitService;
  metrics: MetricsService;
  analytics: AnalyticsService;
  metricsStore: MetricsStoreService;
  metricsHistory: MetricsHistoryService;
  cohortValue: CohortValueService;
}
interface MetricsDeps {
  customers: CustomerService;
  purchaseHistory: PurchaseHistoryQueries;
  cohortSpend: CohortValueQueries;
  orderSpend: OrderSpendService;
  orderWriter: OrderWriterService;
  orderImport: OrderImportService;
  feedback: FeedbackService;
  communications: CommunicationService;
}

export const metricsModule = {
  name: 'metrics',
  entities: METRICS_ENTITIES,
  publicEvents: METRICS_PUBLIC_EVENTS,
  services(
    { dataSource, settings, events },
    { customers, purchaseHistory, cohortSpend, orderSpend, feedback, communications },
  ) {
    const shopTime = new ShopTime(settings.shopTimeZone);
    const modelFits = new ModelFitService(dataSource, purchaseHistory, shopTime, events);
    const metrics = new MetricsService(
      modelFits,
      purchaseHistory,
      orderSpend,
      feedback,
      communications,
      shopTime,
    );
    return {
      modelFits,
      metrics,
      analytics: new AnalyticsService(
        dataSource,
        purchaseHistory,
        feedback,
        settings.shopCurrency,
        shopTime,
        modelFits,
        metrics,
      ),
      metricsStore: new MetricsStoreService(
        dataSource,
        metrics,
        modelFits,
        customers,
        settings.shopCurrency,
        settings.metricsHistoryPerCustomer,
        settings.clvEventPercent,
        events,
      ),
      metricsHistory: new MetricsHistoryService(dataSource, settings.shopCurrency),
      cohortValue: new CohortValueService(
        cohortSpend,
        modelFits,
        metrics,
        settings.shopCurrency,
        shopTime,
      ),
    };
  },
  resolvers: (s, settings) => [
    new CustomerSummaryResolver(settings.shopCurrency),
    new ModelFitResolver(s.modelFits),
    new AnalyticsResolver(s.analytics),
    new CohortValueResolver(s.cohortValue),
    new CohortForecastResolver(),
    new CustomerMetricsFieldResolver(s.metrics, settings.shopCurrency),
    new CustomerMetricsResolver(s.metrics, settings.shopCurrency),
    new MetricsHistoryResolver(),
  ],
  loaders: {
    key: 'metrics',
    create: (s, now) => createMetricsLoaders(s.metrics, s.metricsHistory, now),
  },
  projections: (settings) =>
    customerSummaryProjections(settings.shopCurrency, new ShopTime(settings.shopTimeZone)),
  resolverOnly: metricsResolverOnly,
  textColumns: metricsTextColumns,
  personalData: (s) => ({
    exportRows: async (id) => ({
      storedMetrics: (await s.metricsStore.storedByCustomerIds([id]))[0],
      metricsHistory: await s.metricsHistory.exportRows(id),
    }),
    // Stored metrics are recomputed from what remains once the erasure is committed.
    afterErasure: (id) => s.metricsStore.refreshCustomers([id], MetricsChangeCause.ERASURE),
  }),
  extend: { customers: metricsCustomerList },
  subscribe: subscribeMetrics,
  jobs: (s, settings) => metricsJobs(s.metricsStore, settings),
} satisfies ModuleManifest<MetricsServices, MetricsDeps>;
