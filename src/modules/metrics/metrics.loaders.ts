import DataLoader from 'dataloader';
import { MetricsService } from './metrics.service';

export const createMetricsLoaders = (metrics: MetricsService, asOf: Date) => ({
  sources: new DataLoader((ids: readonly string[]) => metrics.sourcesFor(ids, asOf)),
});
