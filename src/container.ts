import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from './config';
import { createCustomerLoaders, customerProjections, customerResolverOnly, customerRootReaders, CustomerListService, CustomerResolver, CustomerService, customerTextColumns } from './modules/customers';
import { mergeProjections } from './common/compiled-reads';
import {
  createOrderLoaders, CustomerOrdersResolver, orderProjections, orderResolverOnly, OrderImportService, OrderResolver, OrderReturnResolver, OrderService,
  orderTextColumns, OrderWriterService, OrderSpendService, ProductAffinityQueries, PurchaseHistoryQueries,
} from './modules/orders';
import { createFeedbackLoaders, CustomerFeedbackResolver, feedbackProjections, feedbackResolverOnly, FeedbackResolver, FeedbackService, feedbackTextColumns } from './modules/feedback';
import {
  createCommunicationLoaders, communicationProjections, communicationResolverOnly, CommunicationResolver, CommunicationService, communicationTextColumns, CustomerCommunicationsResolver,
} from './modules/communications';
import {
  createLoyaltyLoaders, CustomerLoyaltyFieldResolver, CustomerLoyaltyResolver, loyaltyProjections, loyaltyResolverOnly, LoyaltyAnalyticsService, LoyaltyEarningService, LoyaltyProgramService, LoyaltyResolver, LoyaltyRulesResolver,
  LoyaltyService, loyaltyTextColumns,
} from './modules/loyalty';
import {
  createMetricsLoaders, AnalyticsResolver, AnalyticsService, CustomerMetricsFieldResolver, customerSummaryProjections, CustomerMetricsResolver, CustomerSummaryResolver, MetricsService, MetricsStoreService, ModelFitResolver,
  metricsResolverOnly, metricsTextColumns, ModelFitService,
} from './modules/metrics';
import { CustomerTimelineResolver, TIMELINE_SOURCES, timelineResolverOnly } from './modules/timeline';
import {
  createActionsLoaders, ActionsQueryResolver, ActionsService, CustomerActionsResolver, CustomerMomentResolver, NextBestActionResolver, ProductComplementResolver,
  ProductComplementsResolver, ReplenishmentCycleResolver,
  actionsResolverOnly, actionsTextColumns, ProductRecommendationResolver, SegmentsResolver, SegmentsService,
} from './modules/actions';
import { ApiKeyResolver, ApiKeyService, AuditResolver, AuditService, GdprResolver, GdprService, partnerTextColumns } from './modules/partners';
import { migrationTextColumns } from './db/data-source';
import { idempotencyTextColumns } from './common/idempotency';
import { NodeResolver } from './node.resolver';
import type { Loaders, RequestContext } from './common/request-context';
import type { Principal } from './common/scopes';

/** Every text, text[] and jsonb column of every table, classified by the module that owns it (see TextColumns). */
export const TEXT_COLUMNS = [
  ...customerTextColumns, ...orderTextColumns, ...feedbackTextColumns, ...communicationTextColumns, ...loyaltyTextColumns,
  ...metricsTextColumns, ...actionsTextColumns, ...partnerTextColumns, ...migrationTextColumns, ...idempotencyTextColumns,
];

/** The composition root: every service is built here, once, by hand. */
export function createServices(config: AppConfig, dataSource: DataSource) {
  const customers = new CustomerService(dataSource, config.phoneDefaultRegion);
  const orders = new OrderService(dataSource, config.shopCurrency);
  const orderSpend = new OrderSpendService(dataSource);
  const purchaseHistory = new PurchaseHistoryQueries(dataSource);
  const productAffinity = new ProductAffinityQueries(dataSource);
  const orderWriter = new OrderWriterService(dataSource, orders, orderSpend, customers);
  const orderImport = new OrderImportService(dataSource, orders, orderSpend, customers);
  const feedback = new FeedbackService(dataSource, customers, orders);
  const communications = new CommunicationService(dataSource, customers, orders, feedback);
  const loyaltyPrograms = new LoyaltyProgramService(dataSource, orders, orderSpend);
  const loyalty = new LoyaltyService(dataSource, loyaltyPrograms, customers, orders);
  const loyaltyEarning = new LoyaltyEarningService(dataSource, loyaltyPrograms, orders);
  const loyaltyAnalytics = new LoyaltyAnalyticsService(dataSource, loyaltyPrograms, loyaltyEarning);
  // Earning is part of the order's own transaction: an order is never recorded without its points.
  orderWriter.onOrderWritten(async (manager: EntityManager, event) => {
    if (event.kind === 'RECORDED') await loyaltyEarning.earnForOrder(manager, event.orderId);
    else await loyaltyEarning.takeBackForReturn(manager, event.orderId);
  });
  orderWriter.onOrderWritten(loyalty.onOrderWritten);
  orderImport.onOrdersImported((manager: EntityManager, customerIds: string[]) => loyaltyPrograms.evaluate(manager, customerIds, new Date()));
  const modelFits = new ModelFitService(dataSource, purchaseHistory);
  const metrics = new MetricsService(modelFits, purchaseHistory, orderSpend, feedback, communications);
  const analytics = new AnalyticsService(dataSource, purchaseHistory, feedback, config.shopCurrency);
  const metricsStore = new MetricsStoreService(dataSource, metrics, modelFits, customers, config.shopCurrency);
  const segments = new SegmentsService(dataSource, config.shopCurrency);
  const customerList = new CustomerListService(dataSource, config.shopCurrency,
    [feedback.openComplaintFilter, loyaltyPrograms.tierFilter, metricsStore.filter, segments.filter], { PREDICTED_CLV: metricsStore.predictedClvSort });
  // Stored metrics follow each customer's writes once they are committed (they read outside the transaction).
  orderWriter.onOrderCommitted((customerId) => metricsStore.refreshCustomers([customerId]));
  feedback.onFeedbackCommitted((customerId) => metricsStore.refreshCustomers([customerId]));
  const actions = new ActionsService(dataSource, customers, orders, productAffinity, communications, loyalty, loyaltyEarning, metrics, metricsStore,
    config.shopCurrency, config.actionQuietDays);
  const apiKeys = new ApiKeyService(dataSource, config.apiKeyHashKey, config.apiKeyCacheSeconds);
  const gdpr = new GdprService(dataSource, customers, orders, feedback, communications, loyalty, metricsStore, segments, TEXT_COLUMNS);
  const audit = new AuditService(dataSource);
  return { apiKeys, gdpr, audit, actions, segments, customers, customerList, orders, orderSpend, purchaseHistory, productAffinity, orderWriter, orderImport, feedback, communications, loyaltyPrograms, loyalty, loyaltyEarning, loyaltyAnalytics, modelFits, metrics, metricsStore, analytics };
}

export type Services = ReturnType<typeof createServices>;

/**
 * What the compiled reads know: each module's field projections, the root fields they answer, and the fields of
 * covered types each module leaves to the resolvers (checked against the schema by a test, not used to answer).
 */
export function createCompiledReads(config: AppConfig, dataSource: DataSource, services: Services) {
  return {
    projections: mergeProjections(customerProjections, orderProjections(config.shopCurrency), feedbackProjections, communicationProjections,
      loyaltyProjections, customerSummaryProjections(config.shopCurrency)),
    resolverOnly: mergeProjections(customerResolverOnly, orderResolverOnly, feedbackResolverOnly, communicationResolverOnly, loyaltyResolverOnly,
      metricsResolverOnly, timelineResolverOnly, actionsResolverOnly),
    roots: customerRootReaders(dataSource, services.customerList),
  };
}

export function createResolvers(config: AppConfig, services: Services) {
  return [
    new NodeResolver(),
    new ApiKeyResolver(services.apiKeys),
    new GdprResolver(services.gdpr),
    new AuditResolver(services.audit),
    new CustomerResolver(services.customers, services.customerList),
    new OrderResolver(services.orderWriter, services.orders),
    new OrderReturnResolver(),
    new CustomerOrdersResolver(),
    new FeedbackResolver(services.feedback),
    new CustomerFeedbackResolver(),
    new CommunicationResolver(services.communications),
    new CustomerCommunicationsResolver(),
    new LoyaltyResolver(services.loyalty, services.loyaltyPrograms),
    new LoyaltyRulesResolver(services.loyaltyEarning, services.loyaltyAnalytics, config.shopCurrency),
    new CustomerLoyaltyResolver(services.loyalty, config.shopCurrency),
    new CustomerLoyaltyFieldResolver(),
    new CustomerSummaryResolver(config.shopCurrency),
    new CustomerTimelineResolver(TIMELINE_SOURCES),
    new ModelFitResolver(services.modelFits),
    new AnalyticsResolver(services.analytics),
    new CustomerActionsResolver(services.actions, config.shopCurrency),
    new ActionsQueryResolver(services.actions, config.shopCurrency),
    new NextBestActionResolver(),
    new ReplenishmentCycleResolver(),
    new CustomerMomentResolver(),
    new ProductRecommendationResolver(),
    new ProductComplementResolver(),
    new ProductComplementsResolver(),
    new SegmentsResolver(services.segments, services.customerList),
    new CustomerMetricsFieldResolver(services.metrics, config.shopCurrency),
    new CustomerMetricsResolver(services.metrics, config.shopCurrency),
  ];
}

/**
 * Loaders live for one request only, so no request sees another's cached rows. Each module's are made when a
 * resolver first asks for them: a request answered by the compiled reads asks for none. The record's type is the
 * open `Loaders` of common/request-context.ts, which each module's loaders file extends.
 */
export function createLoaders(services: Services, now: Date): Loaders {
  const made: Partial<Loaders> = {};
  return {
    get customers() { return (made.customers ??= createCustomerLoaders(services.customers)); },
    get orders() { return (made.orders ??= createOrderLoaders(services.orders, services.orderSpend)); },
    get feedback() { return (made.feedback ??= createFeedbackLoaders(services.feedback)); },
    get communications() { return (made.communications ??= createCommunicationLoaders(services.communications)); },
    get loyalty() { return (made.loyalty ??= createLoyaltyLoaders(services.loyalty, services.loyaltyPrograms, services.loyaltyEarning)); },
    get metrics() { return (made.metrics ??= createMetricsLoaders(services.metrics, now)); },
    get actions() { return (made.actions ??= createActionsLoaders(services.actions, now)); },
  };
}

export function createContext(services: Services, requestId: string = randomUUID(), principal: Principal | null = null): RequestContext {
  const now = new Date();
  return { requestId, principal, now, loaders: createLoaders(services, now) };
}
