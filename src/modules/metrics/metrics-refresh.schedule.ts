import { BadUserInputError } from '../../common/errors';
import { logger } from '../../common/logger';
import type { MetricsStoreService } from './metrics-store.service';
import { MetricsChangeCause } from './metrics-history.types';

/**
 * Recomputes every stored metric at a fixed interval inside the server process, so that they age with time
 * (probability alive decays without purchases) between fits and imports. A run is skipped while one is going, and
 * on PostgreSQL while another server holds the refresh lock; a failure is logged and the next run tries again, so
 * nothing here can crash the server. stop() (shutdown) clears the timer and stops a run between two chunks.
 */
export class MetricsRefreshSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly store: MetricsStoreService,
    private readonly intervalMinutes: number,
    /** PostgreSQL, which several servers may share: refresh under the advisory lock. */
    private readonly sharedDatabase: boolean,
  ) {}

  /**
   * Does nothing when the interval is 0 (off). Checks a minute after start and then every min(interval, 1 h), and
   * refreshes when the stalest stored row is an interval old, so that restarts do not postpone the refresh.
   */
  start(): void {
    if (this.intervalMinutes <= 0 || this.timer || this.abort.signal.aborted) return;
    const check = () => void this.runIfDue();
    this.timer = setTimeout(() => {
      check();
      this.timer = setInterval(check, Math.min(this.intervalMinutes, 60) * 60_000);
      this.timer.unref();
    }, 60_000);
    this.timer.unref();
  }

  private async runIfDue(): Promise<void> {
    try {
      const oldest = await this.store.oldestComputedAt();
      if (oldest && Date.now() - oldest.getTime() < this.intervalMinutes * 60_000) return;
    } catch (error) {
      logger.error({ err: error }, 'metrics refresh: could not read the stored metrics age');
      return;
    }
    await this.runOnce();
  }

  /** One refresh; resolves when it is done or skipped, and never rejects. */
  async runOnce(): Promise<void> {
    if (this.running || this.abort.signal.aborted) {
      if (this.running) logger.info('metrics refresh: skipped, the previous run is still going');
      return;
    }
    this.running = (async () => {
      try {
        const report = await this.store.refreshAllExclusively(
          this.sharedDatabase,
          MetricsChangeCause.TIME_PASSING,
          { signal: this.abort.signal },
        );
        if (report)
          logger.info(
            {
              customers: report.customers,
              changes: report.changes,
              seconds: report.seconds,
              asOf: report.asOf,
            },
            'metrics refresh: stored metrics refreshed',
          );
        else logger.info('metrics refresh: skipped, another server is refreshing');
      } catch (error) {
        // Before the first fit there is nothing to compute: not an error.
        if (error instanceof BadUserInputError)
          logger.info('metrics refresh: skipped, no fit yet (fit-models)');
        else logger.error({ err: error }, 'metrics refresh: failed');
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Clears the timer and waits for a run in progress, which stops after its current chunk. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
