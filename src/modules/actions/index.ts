import { ACTION_PUBLIC_EVENTS } from './actions.events';
import type { TextColumns } from '../../common/personal-data';
import { ShopTime } from '../../common/shop-time';
import type { ModuleManifest } from '../../common/module-manifest';
import type { CustomerListService, CustomerService } from '../customers';
import type { OrderService, ProductAffinityQueries } from '../orders';
import type { CommunicationService } from '../communications';
import type { LoyaltyEarningService, LoyaltyService } from '../loyalty';
import type { MetricsService, MetricsStoreService } from '../metrics';
import { ActionsService } from './actions.service';
import { actionsJobs } from './actions.jobs';
import { createActionsLoaders } from './actions.loaders';
import { actionsResolverOnly } from './actions.compiled';
import {
  ActionsQueryResolver,
  CustomerActionsResolver,
  CustomerMomentResolver,
  NextBestActionResolver,
  ProductComplementResolver,
  ProductComplementsResolver,
  ProductRecommendationResolver,
  ReplenishmentCycleResolver,
} from './actions.resolver';
import { SegmentsService } from './segments.service';
import { SegmentsResolver } from './segments.resolver';
import { ACTIONS_ENTITIES } from './saved-segment.entity';
import { segmentFilter } from './segment-filter.inputs';
export { ActionsService } from './actions.service';
export { SegmentsService } from './segments.service';

/**
 * Saved segments belong to no customer, but their filter, name or description may quote one (`search` by an email);
 * erasure redacts the erased person's email and phone wherever a saved segment quotes them (SegmentsService.redact).
 */
const actionsTextColumns: TextColumns[] = [
  {
    table: 'saved_segments',
    customerKey: null,
    personal: { name: 'redacted', description: 'redacted', filter: 'redacted' },
    notPersonal: {},
  },
];

interface ActionsDeps {
  customers: CustomerService;
  customerList: CustomerListService;
  orders: OrderService;
  productAffinity: ProductAffinityQueries;
  communications: CommunicationService;
  loyalty: LoyaltyService;
  loyaltyEarning: LoyaltyEarningService;
  metrics: MetricsService;
  metricsStore: MetricsStoreService;
}

export const actionsModule = {
  name: 'actions',
  entities: ACTIONS_ENTITIES,
  publicEvents: ACTION_PUBLIC_EVENTS,
  services: ({ dataSource, settings, events }, d) => ({
    segments: new SegmentsService(dataSource, settings.shopCurrency),
    actions: new ActionsService(
      dataSource,
      d.customers,
      d.orders,
      d.productAffinity,
      d.communications,
      d.loyalty,
      d.loyaltyEarning,
      d.metrics,
      d.metricsStore,
      settings.shopCurrency,
      settings.actionQuietDays,
      new ShopTime(settings.shopTimeZone),
      events,
    ),
  }),
  resolvers: (s, settings) => [
    new CustomerActionsResolver(s.actions, settings.shopCurrency),
    new ActionsQueryResolver(s.actions, settings.shopCurrency, new ShopTime(settings.shopTimeZone)),
    new NextBestActionResolver(),
    new ReplenishmentCycleResolver(),
    new CustomerMomentResolver(),
    new ProductRecommendationResolver(),
    new ProductComplementResolver(),
    new ProductComplementsResolver(),
    new SegmentsResolver(s.segments, s.customerList),
  ],
  loaders: { key: 'actions', create: (s, now) => createActionsLoaders(s.actions, now) },
  resolverOnly: actionsResolverOnly,
  textColumns: actionsTextColumns,
  personalData: (s) => ({
    eraseInTransaction: (manager, _id, quotable) => s.segments.redact(manager, [...quotable]),
  }),
  extend: { customers: segmentFilter },
  jobs: (s, settings) => actionsJobs(s.actions, new ShopTime(settings.shopTimeZone)),
} satisfies ModuleManifest<{ segments: SegmentsService; actions: ActionsService }, ActionsDeps>;
