import type { DomainEventBus } from '../../common/domain-events';
import { DataSource } from 'typeorm';
import { AppError, BadUserInputError } from '../../common/errors';
import { CustomerService } from '../customers';
import { MetricsService } from './metrics.service';
import { FitRecord, ModelFitService } from './model-fit.service';
import { currencyExponent } from '../../common/money';
import {
  HISTORY_MIN_CLV_CHANGE_MAJOR,
  HISTORY_MIN_PROBABILITY_CHANGE,
  HISTORY_RELATIVE_CHANGE,
  MetricsChangeCause,
} from './metrics-history.types';

export interface RefreshOptions {
  /** The moment the metrics are computed for (stored as as_of): now by default. */
  asOf?: Date;
  onProgress?: (done: number) => void;
  /** Stops between chunks (server shutdown); the chunks already written stay. */
  signal?: AbortSignal;
}

export interface RefreshReport {
  customers: number;
  seconds: number;
  asOf: Date;
  fitId: string;
  /** Customers whose metrics changed (a history row each). */
  changes: number;
}

/**
 * A refresh that did not finish: how many customers were refreshed and that the others keep their previous
 * values. The cause is kept for the log (safeError), never put in the message: a driver's message quotes values.
 */
export class MetricsRefreshError extends AppError {
  constructor(
    readonly refreshed: number,
    readonly asOf: Date,
    reason: string,
    override readonly cause?: unknown,
  ) {
    super(
      `Stored metrics refresh as of ${asOf.toISOString()} did not finish (${reason}): ${refreshed} customers were refreshed, the others keep their previous stored values; run refresh-metrics`,
      'INTERNAL_SERVER_ERROR',
      { refreshed },
    );
    this.name = 'MetricsRefreshError';
  }
}

const CHUNK = 5000;
/** Past this many customers touched, an import refreshes everyone (one pass in id order is cheaper). */
const LARGE_IMPORT = 20_000;
/** pg_try_advisory_lock key of the whole-base refresh (any constant shared by every server of one database). */
const REFRESH_LOCK = 7_172_001;
/** The horizon of the stored predicted CLV (and of segments as of a day, which must agree with it). */
export const STORED_CLV = { months: 12, monthlyDiscountRate: 0.01 };

/** `b` moved from `a` by more than the relative threshold ($11) and the floor (`floor`), or one of them is null. */
const moved = (a: string, b: string, floor: string) =>
  `((${a} is null) <> (${b} is null) or coalesce(abs(${b} - ${a}) > greatest($11::float8 * greatest(abs(${a}), abs(${b})), ${floor}::float8), false))`;

/**
 * See MetricsStoreService.write; $1 fit, $2-$8 the batch, $9 as-of, $10 cause, $11-$13 thresholds, $14 rows kept,
 * $15 the CLV share that is announced (metrics.clv_changed). Returns the count of history rows and, as JSON, the
 * customers whose churn level changed or whose CLV moved past $15 since its last announcement.
 */
const WRITE_SQL = `with m as (
    select * from unnest($2::uuid[], $3::float8[], $4::bigint[], $5::float8[], $6::text[], $7::text[], $8::timestamptz[])
      as m(id, alive, clv, score, level, segment, next)
  ), old as (
    select customer_id, churn_level, recorded_churn_level, recorded_probability_alive, recorded_predicted_clv_minor,
      announced_predicted_clv_minor
    from customer_metrics where customer_id = any($2::uuid[]) for update
  ), d as (
    select m.*, old.recorded_churn_level, old.recorded_probability_alive, old.recorded_predicted_clv_minor,
      old.churn_level as old_level, old.announced_predicted_clv_minor as announced,
      (old.customer_id is not null and old.churn_level is distinct from m.level) as level_changed,
      (old.customer_id is not null and ${moved('old.announced_predicted_clv_minor', 'm.clv', '$13')
        .split('$11')
        .join('$15')}) as clv_changed,
      (old.customer_id is null or old.recorded_churn_level is distinct from m.level
        or ${moved('old.recorded_probability_alive', 'm.alive', '$12')}
        or ${moved('old.recorded_predicted_clv_minor', 'm.clv', '$13')}) as changed
    from m left join old on old.customer_id = m.id
  ), stored as (
    insert into customer_metrics (customer_id, fit_id, probability_alive, predicted_clv_minor, churn_score, churn_level, rfm_segment,
      expected_next_order_at, as_of, computed_at, recorded_churn_level, recorded_probability_alive, recorded_predicted_clv_minor,
      announced_predicted_clv_minor)
    select id, $1, alive, clv, score, level, segment, next, $9, now(),
      case when changed then level else recorded_churn_level end,
      case when changed then alive else recorded_probability_alive end,
      case when changed then clv else recorded_predicted_clv_minor end,
      case when clv_changed or announced is null then clv else announced end
    from d
    on conflict (customer_id) do update set fit_id = excluded.fit_id, probability_alive = excluded.probability_alive,
      predicted_clv_minor = excluded.predicted_clv_minor, churn_score = excluded.churn_score, churn_level = excluded.churn_level,
      rfm_segment = excluded.rfm_segment, expected_next_order_at = excluded.expected_next_order_at, as_of = excluded.as_of,
      computed_at = excluded.computed_at, recorded_churn_level = excluded.recorded_churn_level,
      recorded_probability_alive = excluded.recorded_probability_alive, recorded_predicted_clv_minor = excluded.recorded_predicted_clv_minor,
      announced_predicted_clv_minor = excluded.announced_predicted_clv_minor
  ), history as (
    insert into customer_metrics_history (customer_id, as_of, cause, fit_id, churn_level, probability_alive, predicted_clv_minor)
    select id, $9, $10, $1, level, alive, clv from d where changed
    returning 1
  ), pruned as (
    -- The statement sees the history as it was before it: keep the newest $14 - 1 beside the row it adds.
    delete from customer_metrics_history h using (
      select id from (
        select id, row_number() over (partition by customer_id order by as_of desc, id desc) as n
        from customer_metrics_history where customer_id in (select id from d where changed)) r
      where n >= $14) p
    where h.id = p.id
  )
  select (select count(*)::int from history) as changed,
    coalesce((select json_agg(json_build_object('customerId', id, 'fromLevel', old_level, 'toLevel', level,
      'levelChanged', level_changed, 'fromClvMinor', announced::text, 'toClvMinor', clv::text, 'clvChanged', clv_changed,
      'score', score) order by id)
      from d where level_changed or clv_changed), '[]'::json) as announced`;

interface Announcement {
  customerId: string;
  fromLevel: string | null;
  toLevel: string | null;
  levelChanged: boolean;
  fromClvMinor: string | null;
  toClvMinor: string | null;
  clvChanged: boolean;
  score: number | null;
}

/** Keeps customer_metrics in step with the current fit, so lists filter and sort on metrics by index. */
export class MetricsStoreService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    private readonly fits: ModelFitService,
    private readonly customers: CustomerService,
    private readonly currency: string,
    /** History rows kept per customer (METRICS_HISTORY_PER_CUSTOMER). */
    private readonly historyPerCustomer: number,
    /** METRICS_CLV_EVENT_PERCENT. */
    private readonly clvEventPercent: number,
    private readonly events: DomainEventBus,
  ) {}

  /**
   * Recomputes every customer's stored metrics as of one moment, a chunk at a time. Each chunk is one statement,
   * so it is written whole or not at all; on a failure (or a stop through `signal`) the chunks not yet written keep
   * their previous values, and the error says how far the refresh came.
   */
  async refreshAll(
    cause: MetricsChangeCause,
    options: RefreshOptions | ((done: number) => void) = {},
  ): Promise<RefreshReport> {
    const {
      onProgress,
      asOf = new Date(),
      signal,
    } = typeof options === 'function' ? { onProgress: options } : options;
    const started = process.hrtime.bigint();
    const fit = await this.fits.current();
    if (!fit) throw new BadUserInputError('Fit the models first (fit-models)', { field: 'fit' });
    let after: string | null = null;
    let done = 0;
    let changes = 0;
    for (;;) {
      if (signal?.aborted) throw new MetricsRefreshError(done, asOf, 'it was stopped');
      const ids = await this.customers.idsAfter(after, CHUNK);
      if (ids.length === 0) break;
      try {
        changes += await this.write(ids, fit, asOf, cause);
      } catch (error) {
        throw new MetricsRefreshError(done, asOf, 'a chunk failed', error);
      }
      done += ids.length;
      after = ids[ids.length - 1];
      onProgress?.(done);
    }
    return {
      customers: done,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      asOf,
      fitId: fit.id,
      changes,
    };
  }

  /**
   * refreshAll by one process at a time: on PostgreSQL under a session advisory lock, so that of several servers
   * sharing the database one refreshes and the others skip (null). An embedded PGlite has a single owner (and a
   * single connection, which a held lock would take): `sharedDatabase: false` refreshes without the lock.
   */
  async refreshAllExclusively(
    sharedDatabase: boolean,
    cause: MetricsChangeCause,
    options: RefreshOptions = {},
  ): Promise<RefreshReport | null> {
    if (!sharedDatabase) return this.refreshAll(cause, options);
    const runner = this.dataSource.createQueryRunner('master');
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('select pg_try_advisory_lock($1) as locked', [
        REFRESH_LOCK,
      ]);
      if (!locked) return null;
      try {
        return await this.refreshAll(cause, options);
      } finally {
        await runner.query('select pg_advisory_unlock($1)', [REFRESH_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The customers an import touched, or everyone after a large import; nothing before the first fit. */
  async refreshAfterImport(customerIds: readonly string[]): Promise<void> {
    const fit = await this.fits.current();
    if (!fit) return;
    if (customerIds.length > LARGE_IMPORT) {
      await this.refreshAll(MetricsChangeCause.IMPORT);
      return;
    }
    const asOf = new Date();
    for (let i = 0; i < customerIds.length; i += CHUNK) {
      try {
        await this.write(customerIds.slice(i, i + CHUNK), fit, asOf, MetricsChangeCause.IMPORT);
      } catch (error) {
        throw new MetricsRefreshError(i, asOf, 'a chunk failed', error);
      }
    }
  }

  /** Recomputes some customers (after their orders or feedback changed); nothing before the first fit. */
  async refreshCustomers(
    customerIds: readonly string[],
    cause: MetricsChangeCause,
    failWithoutFit = false,
  ): Promise<void> {
    const fit = await this.fits.current();
    if (!fit) {
      if (failWithoutFit)
        throw new BadUserInputError('Fit the models first (fit-models)', { field: 'fit' });
      return;
    }
    await this.write(customerIds, fit, new Date(), cause);
  }

  /**
   * One statement for a batch of customers, so a batch and its history are stored whole or not at all. It locks the
   * batch's stored rows first (`for update` reads the newest committed version, so two refreshes of one customer
   * never both record the same change), compares each with the values of the customer's newest history row
   * (`recorded_*`), upserts every row, appends a history row for each one that changed and prunes those customers'
   * history to the newest `historyPerCustomer`. Returns how many changed.
   */
  private async write(
    customerIds: readonly string[],
    fit: FitRecord,
    asOf: Date,
    cause: MetricsChangeCause,
  ): Promise<number> {
    const sources = await this.metrics.sourcesFor(customerIds, asOf, fit);
    const rows = sources.map((source) => {
      const m = this.metrics.metrics(source, this.currency);
      const clv = this.metrics.predictedClvValue(
        source,
        STORED_CLV.months,
        STORED_CLV.monthlyDiscountRate,
        this.currency,
      );
      return {
        id: source.customerId,
        alive: m.probabilityAlive,
        clv: clv?.minorUnits ?? null,
        score: m.churnRisk?.score ?? null,
        level: m.churnRisk?.level ?? null,
        segment: m.rfm?.segment ?? null,
        next: m.expectedNextOrderAt,
      };
    });
    const params = [
      fit.id,
      rows.map((r) => r.id),
      rows.map((r) => r.alive),
      rows.map((r) => r.clv),
      rows.map((r) => r.score),
      rows.map((r) => r.level),
      rows.map((r) => r.segment),
      rows.map((r) => r.next),
      asOf,
      cause,
      HISTORY_RELATIVE_CHANGE,
      HISTORY_MIN_PROBABILITY_CHANGE,
      HISTORY_MIN_CLV_CHANGE_MAJOR * 10 ** currencyExponent(this.currency),
      this.historyPerCustomer,
      this.clvEventPercent / 100,
    ];
    // A transaction of one statement, so the change events of the batch commit with it (the outbox).
    return this.dataSource.transaction(async (manager) => {
      const [{ changed, announced }]: { changed: number; announced: Announcement[] }[] =
        await manager.query(WRITE_SQL, params);
      for (const a of announced) {
        if (a.levelChanged)
          await this.events.publish(manager, 'metrics.churn_risk_changed', {
            customerId: a.customerId,
            fromLevel: a.fromLevel,
            toLevel: a.toLevel,
            score: a.score,
            cause,
            asOf,
          });
        if (a.clvChanged)
          await this.events.publish(manager, 'metrics.clv_changed', {
            customerId: a.customerId,
            fromMinor: a.fromClvMinor,
            toMinor: a.toClvMinor,
            currency: this.currency,
            cause,
            asOf,
          });
      }
      return changed;
    });
  }

  /** When the stalest stored row was computed (null: none stored). */
  async oldestComputedAt(): Promise<Date | null> {
    const [row] = await this.dataSource.query(
      'select min(computed_at) as oldest from customer_metrics',
    );
    return row?.oldest ? new Date(row.oldest) : null;
  }

  /** The stored predicted CLV at a quantile of the base (0.8: the key-customer line), in minor units. */
  async predictedClvQuantile(q: number): Promise<number | null> {
    const [row] = await this.dataSource.query(
      'select percentile_disc($1) within group (order by predicted_clv_minor) as value from customer_metrics where predicted_clv_minor is not null',
      [q],
    );
    return row?.value == null ? null : Number(row.value);
  }

  /** Stored metrics per customer (null when none were stored yet). */
  async storedByCustomerIds(customerIds: readonly string[]) {
    const rows: {
      customer_id: string;
      probability_alive: number | null;
      predicted_clv_minor: string | null;
      churn_level: string | null;
      churn_score: number | null;
      rfm_segment: string | null;
      computed_at: Date;
    }[] = await this.dataSource.query(
      'select * from customer_metrics where customer_id = any($1::uuid[])',
      [customerIds],
    );
    const byId = new Map(rows.map((r) => [r.customer_id, r]));
    return customerIds.map((id) => byId.get(id) ?? null);
  }

  /** Customers whose stored churn level is this one. */
  async customerIdsWithChurnLevel(level: string): Promise<string[]> {
    return (
      await this.dataSource.query(
        'select customer_id from customer_metrics where churn_level = $1',
        [level],
      )
    ).map((r: { customer_id: string }) => r.customer_id);
  }
}
