import type { OrderImportService, OrderWriterService } from '../orders';
import type { LoyaltyEarningService } from './loyalty-earning.service';
import type { LoyaltyProgramService } from './loyalty-program.service';
import type { LoyaltyService } from './loyalty.service';

/** What loyalty does when orders are written: all of it in the order's own transaction. */
export function subscribeLoyalty(s: {
  orderWriter: OrderWriterService;
  orderImport: OrderImportService;
  loyalty: LoyaltyService;
  loyaltyEarning: LoyaltyEarningService;
  loyaltyPrograms: LoyaltyProgramService;
}): void {
  // Earning is part of the order's own transaction: an order is never recorded without its points.
  s.orderWriter.onOrderWritten(async (manager, event) => {
    if (event.kind === 'RECORDED') await s.loyaltyEarning.earnForOrder(manager, event.orderId);
    else await s.loyaltyEarning.takeBackForReturn(manager, event.orderId);
  });
  s.orderWriter.onOrderWritten(s.loyalty.onOrderWritten);
  s.orderImport.onOrdersImported((manager, customerIds) =>
    s.loyaltyPrograms.evaluate(manager, customerIds, new Date()),
  );
}
