import type { FeedbackService } from '../feedback';
import type { OrderImportService, OrderWriterService } from '../orders';
import type { MetricsStoreService } from './metrics-store.service';
import type { ModelFitService } from './model-fit.service';

/**
 * Stored metrics follow each customer's writes once they are committed (they read outside the transaction), a
 * new fit (every customer, before fitModels / fit-models answers) and an import (the customers it touched).
 */
export function subscribeMetrics(s: {
  orderWriter: OrderWriterService;
  orderImport: OrderImportService;
  feedback: FeedbackService;
  modelFits: ModelFitService;
  metricsStore: MetricsStoreService;
}): void {
  s.modelFits.onFitted(async () => {
    await s.metricsStore.refreshAll();
  });
  s.orderImport.onImportFinished((customerIds) => s.metricsStore.refreshAfterImport(customerIds));
  s.orderWriter.onOrderCommitted((customerId) => s.metricsStore.refreshCustomers([customerId]));
  s.feedback.onFeedbackCommitted((customerId) => s.metricsStore.refreshCustomers([customerId]));
}
