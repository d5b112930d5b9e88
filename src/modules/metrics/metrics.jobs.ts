import type { JobDefinition } from '../../common/jobs';
import type { ModuleSettings } from '../../common/module-manifest';
import { BadUserInputError } from '../../common/errors';
import type { MetricsStoreService } from './metrics-store.service';
import { MetricsChangeCause } from './metrics-history.types';

/**
 * The stored metrics age with time between fits and imports (probability alive decays without purchases), so the
 * whole base is recomputed on a schedule (it replaced METRICS_REFRESH_INTERVAL_MINUTES). The job queue keeps two
 * servers from running it at once; the advisory lock of refreshAllExclusively also keeps `c360 refresh-metrics` out.
 */
export function metricsJobs(store: MetricsStoreService, settings: ModuleSettings): JobDefinition[] {
  return [
    {
      name: 'metrics-refresh',
      description:
        'Recomputes every stored metric from the current fit as time passes (cause TIME_PASSING); skipped before the first fit.',
      schedule: '0 3 * * *',
      retry: { retryLimit: 3, retryDelaySeconds: 300, backoff: true },
      expireInSeconds: 2 * 60 * 60,
      run: async ({ signal }) => {
        try {
          const report = await store.refreshAllExclusively(
            settings.databaseUrl !== null,
            MetricsChangeCause.TIME_PASSING,
            { signal },
          );
          if (!report) return { skipped: 'another process is refreshing' };
          return {
            customers: report.customers,
            changes: report.changes,
            seconds: report.seconds,
            asOf: report.asOf,
          };
        } catch (error) {
          // Before the first fit there is nothing to compute: not a failure to retry.
          if (error instanceof BadUserInputError) return { skipped: 'no fit yet (fit-models)' };
          throw error;
        }
      },
    },
  ];
}
