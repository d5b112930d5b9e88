import type { FeedbackService } from '../feedback';
import type { OrderImportService, OrderWriterService } from '../orders';
import type { MetricsStoreService } from './metrics-store.service';
import type { ModelFitService } from './model-fit.service';
import { MetricsChangeCause } from './metrics-history.types';

/**
 * Stored metrics follow each customer's writes once they are committed (they read outside the transaction), a
 * new fit (every customer, before fitModels / fit-models answers) and an import (the customers it touched); each
 * refresh says why it ran, which the history of a customer's metrics keeps with every change.
 */
export function subscribeMetrics(s: {
  orderWriter: OrderWriterService;
  orderImport: OrderImportService;
  feedback: FeedbackService;
  modelFits: ModelFitService;
  metricsStore: MetricsStoreService;
}): void {
  s.modelFits.onFitted(async () => {
    await s.metricsStore.refreshAll(MetricsChangeCause.NEW_FIT);
  });
  s.orderImport.onImportFinished((customerIds) => s.metricsStore.refreshAfterImport(customerIds));
  s.orderWriter.onOrderCommitted((customerId, kind) =>
    s.metricsStore.refreshCustomers(
      [customerId],
      kind === 'RETURNED' ? MetricsChangeCause.RETURN : MetricsChangeCause.NEW_ORDER,
    ),
  );
  s.feedback.onFeedbackCommitted((customerId) =>
    s.metricsStore.refreshCustomers([customerId], MetricsChangeCause.FEEDBACK),
  );
}
