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
  loaders: ReturnType<typeof createLoaders>;
}

/** Loaders live for one request only, so no request sees another's cached rows. */
function createLoaders(services: Services, now: Date) {
  return {
    customers: createCustomerLoaders(services.customers),
    orders: createOrderLoaders(services.orders),
    feedback: createFeedbackLoaders(services.feedback),
    communications: createCommunicationLoaders(services.communications),
    loyalty: createLoyaltyLoaders(services.loyalty, services.loyaltyPrograms, services.loyaltyEarning),
    metrics: createMetricsLoaders(services.metrics, now),
    actions: createActionsLoaders(services.actions, now),
  };
}

export function createContext(services: Services, requestId: string = randomUUID(), principal: Principal | null = null): RequestContext {
  const now = new Date();
  return { requestId, principal, now, loaders: createLoaders(services, now) };
}
