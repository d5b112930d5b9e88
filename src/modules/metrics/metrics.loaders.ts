import DataLoader from 'dataloader';
import { createNestedPageLoader } from '../../common/nested-pages';
import { MetricsService } from './metrics.service';
import { MetricsHistoryService } from './metrics-history.service';
import { MetricsChange, MetricsHistoryArgs } from './metrics-history.types';

export const createMetricsLoaders = (
  metrics: MetricsService,
  history: MetricsHistoryService,
  asOf: Date,
) => {
  const historyCounts = new DataLoader((ids: readonly string[]) => history.countByCustomerIds(ids));
  return {
    sources: new DataLoader((ids: readonly string[]) => metrics.sourcesFor(ids, asOf)),
    historyPage: createNestedPageLoader<MetricsChange, MetricsHistoryArgs>((ids, args) =>
      history.pagesByCustomerIds(ids, args, (id) => historyCounts.load(id)),
    ),
  };
};

export type MetricsLoaders = ReturnType<typeof createMetricsLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    metrics: MetricsLoaders;
  }
}
