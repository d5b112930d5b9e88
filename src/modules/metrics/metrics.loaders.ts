import DataLoader from 'dataloader';
import { MetricsService } from './metrics.service';

export const createMetricsLoaders = (metrics: MetricsService, asOf: Date) => ({
  sources: new DataLoader((ids: readonly string[]) => metrics.sourcesFor(ids, asOf)),
});

export type MetricsLoaders = ReturnType<typeof createMetricsLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    metrics: MetricsLoaders;
  }
}
