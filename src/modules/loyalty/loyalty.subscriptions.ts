import type { DomainEventBus } from '../../common/domain-events';
import type { LoyaltyEarningService } from './loyalty-earning.service';
import type { LoyaltyProgramService } from './loyalty-program.service';

/**
 * What loyalty does when orders are written: all of it in the order's own transaction, so an order is never
 * recorded without its points, and stored tiers stay in step with the orders they are computed from.
 */
export function subscribeLoyalty(
  s: { loyaltyEarning: LoyaltyEarningService; loyaltyPrograms: LoyaltyProgramService },
  events: DomainEventBus,
): void {
  events.inTransaction('order.recorded', async (manager, { order }) => {
    await s.loyaltyEarning.earnForOrder(manager, order);
    await s.loyaltyPrograms.evaluate(manager, [order.customerId], new Date());
  });
  events.inTransaction('order.returned', async (manager, { order }) => {
    await s.loyaltyEarning.takeBackForReturn(manager, order);
    await s.loyaltyPrograms.evaluate(manager, [order.customerId], new Date());
  });
  events.inTransaction('orders.imported', (manager, { customerIds }) =>
    s.loyaltyPrograms.evaluate(manager, customerIds, new Date()),
  );
}
