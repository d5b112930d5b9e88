import type { DomainEventBus } from '../../common/domain-events';
import type { MetricsStoreService } from './metrics-store.service';
import { MetricsChangeCause } from './metrics-history.types';

/**
 * Stored metrics follow each customer's writes once they are committed (they read outside the transaction), a
 * new fit (every customer, before fitModels / fit-models answers) and an import (the customers it touched); each
 * refresh says why it ran, which the history of a customer's metrics keeps with every change.
 */
export function subscribeMetrics(
  s: { metricsStore: MetricsStoreService },
  events: DomainEventBus,
): void {
  events.afterCommit('model.fitted', async () => {
    await s.metricsStore.refreshAll(MetricsChangeCause.NEW_FIT);
  });
  events.afterCommit('orders.import_finished', ({ customerIds }) =>
    s.metricsStore.refreshAfterImport(customerIds),
  );
  events.afterCommit('order.recorded', ({ order }) =>
    s.metricsStore.refreshCustomers([order.customerId], MetricsChangeCause.NEW_ORDER),
  );
  events.afterCommit('order.returned', ({ order }) =>
    s.metricsStore.refreshCustomers([order.customerId], MetricsChangeCause.RETURN),
  );
  events.afterCommit('feedback.recorded', ({ feedback }) =>
    s.metricsStore.refreshCustomers([feedback.customerId], MetricsChangeCause.FEEDBACK),
  );
  events.afterCommit('complaint.resolved', ({ feedback }) =>
    s.metricsStore.refreshCustomers([feedback.customerId], MetricsChangeCause.FEEDBACK),
  );
}
