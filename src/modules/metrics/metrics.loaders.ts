import { asOfMoment } from '../../common/as-of';
import DataLoader from 'dataloader';
import { BadUserInputError } from '../../common/errors';
import { MetricsSource } from './customer-metrics';
import { createNestedPageLoader } from '../../common/nested-pages';
import { MetricsService } from './metrics.service';
import { MetricsHistoryService } from './metrics-history.service';
import { MetricsChange, MetricsHistoryArgs } from './metrics-history.types';

/**
 * Each as-of day of a request is one batch of statements for all its customers, so a request may ask for a few
 * days side by side (this quarter against the last) but not fan out over hundreds by aliases.
 */
export const MAX_AS_OF_DAYS_PER_REQUEST = 10;

/** Customer.metrics sources of one request: today's (the request's clock), and one batch per other asOf day. */
export const createMetricsLoaders = (
  metrics: MetricsService,
  history: MetricsHistoryService,
  now: Date,
) => {
  const historyCounts = new DataLoader((ids: readonly string[]) => history.countByCustomerIds(ids));
  const today = metrics.shopTime.dayOf(now);
  const sources = new DataLoader((ids: readonly string[]) => metrics.sourcesFor(ids, now));
  const byDay = new Map<string, DataLoader<string, MetricsSource>>();
  return {
    sources,
    /** The loader for an asOf day: today's is `sources`; a later day is refused. */
    sourcesAsOf(day: string | null | undefined): DataLoader<string, MetricsSource> {
      if (day == null || day === today) return sources;
      const moment = asOfMoment(metrics.shopTime, day, now);
      let loader = byDay.get(day);
      if (!loader) {
        if (byDay.size >= MAX_AS_OF_DAYS_PER_REQUEST - 1)
          throw new BadUserInputError(
            `A request can ask for metrics as of at most ${MAX_AS_OF_DAYS_PER_REQUEST} different days, today included`,
            { field: 'asOf', max: MAX_AS_OF_DAYS_PER_REQUEST },
          );
        loader = new DataLoader((ids: readonly string[]) => metrics.sourcesFor(ids, moment));
        byDay.set(day, loader);
      }
      return loader;
    },
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
