import { randomUUID } from 'node:crypto';
import type { Services } from './container';
import type { Principal } from './modules/partners';
import { createCustomerLoaders } from './modules/customers/customer.loaders';
import { createOrderLoaders } from './modules/orders/order.loaders';
import { createFeedbackLoaders } from './modules/feedback/feedback.loaders';
import { createCommunicationLoaders } from './modules/communications/communication.loaders';
import { createLoyaltyLoaders } from './modules/loyalty/loyalty.loaders';
import { createMetricsLoaders } from './modules/metrics/metrics.loaders';
import { createActionsLoaders } from './modules/actions/actions.loaders';

export interface RequestContext {
  requestId: string;
  /** The API key's holder and scopes; null without a valid key. */
  principal: Principal | null;
  /** One clock reading per request, so every field of a response agrees on "now". */
  now: Date;
  loaders: Loaders;
}

/**
 * Loaders live for one request only, so no request sees another's cached rows. Each module's are made when a
 * resolver first asks for them: a request answered by the compiled reads asks for none.
 */
function createLoaders(services: Services, now: Date) {
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

interface Loaders {
  customers: ReturnType<typeof createCustomerLoaders>;
  orders: ReturnType<typeof createOrderLoaders>;
  feedback: ReturnType<typeof createFeedbackLoaders>;
  communications: ReturnType<typeof createCommunicationLoaders>;
  loyalty: ReturnType<typeof createLoyaltyLoaders>;
  metrics: ReturnType<typeof createMetricsLoaders>;
  actions: ReturnType<typeof createActionsLoaders>;
}

export function createContext(services: Services, requestId: string = randomUUID(), principal: Principal | null = null): RequestContext {
  const now = new Date();
  return { requestId, principal, now, loaders: createLoaders(services, now) };
}
