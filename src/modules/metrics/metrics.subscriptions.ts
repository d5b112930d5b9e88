import type { FeedbackService } from '../feedback';
import type { OrderWriterService } from '../orders';
import type { MetricsStoreService } from './metrics-store.service';

/** Stored metrics follow each customer's writes once they are committed (they read outside the transaction). */
export function subscribeMetrics(s: {
  orderWriter: OrderWriterService;
  feedback: FeedbackService;
  metricsStore: MetricsStoreService;
}): void {
  s.orderWriter.onOrderCommitted((customerId) => s.metricsStore.refreshCustomers([customerId]));
  s.feedback.onFeedbackCommitted((customerId) => s.metricsStore.refreshCustomers([customerId]));
}
