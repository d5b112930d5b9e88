import { LOYALTY_PUBLIC_EVENTS } from './loyalty.events';
import { ERASED, type TextColumns } from '../../common/personal-data';
import { ShopTime } from '../../common/shop-time';
import type { ModuleManifest } from '../../common/module-manifest';
import type { CustomerService } from '../customers';
import type {
  OrderService,
  OrderSpendService,
  OrderWriterService,
  OrderImportService,
} from '../orders';
import { LoyaltyService } from './loyalty.service';
import { LoyaltyProgramService } from './loyalty-program.service';
import { LoyaltyEarningService } from './loyalty-earning.service';
import { LoyaltyAnalyticsService } from './loyalty-analytics';
import { createLoyaltyLoaders } from './loyalty.loaders';
import {
  LoyaltyResolver,
  CustomerLoyaltyResolver,
  CustomerLoyaltyFieldResolver,
  LoyaltyRulesResolver,
} from './loyalty.resolver';
import { loyaltyProjections, loyaltyResolverOnly } from './loyalty.compiled';
import { LOYALTY_ENTITIES } from './loyalty.entity';
import { tierFilter } from './tier-filter.inputs';
import { loyaltyTimelineSource } from './loyalty.timeline';
import { subscribeLoyalty } from './loyalty.subscriptions';
import { loyaltyJobs } from './loyalty.jobs';
export { LoyaltyService } from './loyalty.service';
export { LoyaltyProgramService } from './loyalty-program.service';
export { LoyaltyLedgerEntry, LedgerEntryKind, TierBasis } from './loyalty.types';
export { LoyaltyEarningService } from './loyalty-earning.service';
export { LoyaltyAnalyticsService } from './loyalty-analytics';
export { pointsExpiringWithin } from './loyalty-rules';
export { pointsForOrder, pointsToTakeBack, type EarningRule } from './earning-rules';

/** Points and credit stay after erasure (the balance is their sum); reasons a person typed go. */
const loyaltyTextColumns: TextColumns[] = [
  {
    table: 'loyalty_ledger_entries',
    customerKey: 'customer_id',
    personal: { reason: ERASED },
    notPersonal: { kind: 'LedgerEntryKind code' },
  },
  {
    table: 'store_credit_entries',
    customerKey: 'customer_id',
    personal: {},
    notPersonal: {
      kind: 'CASHBACK, REVERSAL or SPEND',
      currency: 'ISO 4217 code',
      reason: 'written by the server from the rule and the order number',
    },
  },
  {
    table: 'loyalty_memberships',
    customerKey: 'customer_id',
    personal: {},
    notPersonal: { tier_code: 'code of a configured tier' },
  },
  {
    table: 'loyalty_tier_changes',
    customerKey: 'customer_id',
    personal: {},
    notPersonal: {
      from_code: 'code of a configured tier',
      to_code: 'code of a configured tier',
      reason: 'written by the server when it evaluates tiers',
    },
  },
  {
    table: 'loyalty_programs',
    customerKey: null,
    personal: {},
    notPersonal: {
      name: 'program settings',
      currency: 'ISO 4217 code',
      tier_basis: 'TierBasis code',
    },
  },
  {
    table: 'loyalty_tiers',
    customerKey: null,
    personal: {},
    notPersonal: {
      code: 'program settings',
      name: 'program settings',
      benefits: 'program settings',
    },
  },
  {
    table: 'loyalty_rule_versions',
    customerKey: null,
    personal: {},
    notPersonal: {
      category_multipliers: 'earning rules',
      product_multipliers: 'earning rules',
      tier_multipliers: 'earning rules',
      earning_statuses: 'OrderStatus codes',
    },
  },
];

interface LoyaltyServices {
  loyaltyPrograms: LoyaltyProgramService;
  loyalty: LoyaltyService;
  loyaltyEarning: LoyaltyEarningService;
  loyaltyAnalytics: LoyaltyAnalyticsService;
}
type LoyaltyDeps = {
  customers: CustomerService;
  orders: OrderService;
  orderSpend: OrderSpendService;
  orderWriter: OrderWriterService;
  orderImport: OrderImportService;
};

export const loyaltyModule = {
  name: 'loyalty',
  entities: LOYALTY_ENTITIES,
  publicEvents: LOYALTY_PUBLIC_EVENTS,
  services({ dataSource, settings, events }, { customers, orders, orderSpend }) {
    const shopTime = new ShopTime(settings.shopTimeZone);
    const loyaltyPrograms = new LoyaltyProgramService(dataSource, orders, orderSpend, events);
    const loyaltyEarning = new LoyaltyEarningService(
      dataSource,
      loyaltyPrograms,
      orders,
      shopTime,
      events,
    );
    return {
      loyaltyPrograms,
      loyaltyEarning,
      loyalty: new LoyaltyService(dataSource, loyaltyPrograms, customers, orders, shopTime, events),
      loyaltyAnalytics: new LoyaltyAnalyticsService(
        dataSource,
        loyaltyPrograms,
        loyaltyEarning,
        shopTime,
      ),
    };
  },
  resolvers: (s, settings) => [
    new LoyaltyResolver(s.loyalty, s.loyaltyPrograms),
    new LoyaltyRulesResolver(s.loyaltyEarning, s.loyaltyAnalytics, settings.shopCurrency),
    new CustomerLoyaltyResolver(s.loyalty, settings.shopCurrency),
    new CustomerLoyaltyFieldResolver(),
  ],
  loaders: {
    key: 'loyalty',
    create: (s) => createLoyaltyLoaders(s.loyalty, s.loyaltyPrograms, s.loyaltyEarning),
  },
  projections: () => loyaltyProjections,
  resolverOnly: loyaltyResolverOnly,
  nodeTypes: {
    LoyaltyLedgerEntry: {
      scope: 'loyalty:read',
      fetch: (ctx, id) => ctx.loaders.loyalty.byId.load(id),
    },
  },
  textColumns: loyaltyTextColumns,
  personalData: (s) => ({ exportRows: (id) => s.loyalty.exportRows(id) }),
  timelineSources: [loyaltyTimelineSource],
  extend: { customers: tierFilter },
  subscribe: subscribeLoyalty,
  jobs: (s, settings) =>
    loyaltyJobs(
      s.loyaltyEarning,
      s.customers,
      new ShopTime(settings.shopTimeZone),
      settings.loyaltyExpiryNoticeDays,
    ),
} satisfies ModuleManifest<LoyaltyServices, LoyaltyDeps>;
