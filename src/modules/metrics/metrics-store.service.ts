import { DataSource } from 'typeorm';
import { BadUserInputError } from '../../common/errors';
import { CustomerService } from '../customers';
import { MetricsService } from './metrics.service';
import { ModelFitService } from './model-fit.service';

const CHUNK = 5000;
const STORED_CLV = { months: 12, monthlyDiscountRate: 0.01 };

/** Keeps customer_metrics in step with the current fit, so lists filter and sort on metrics by index. */
export class MetricsStoreService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    private readonly fits: ModelFitService,
    private readonly customers: CustomerService,
    private readonly currency: string,
  ) {}

  /** Recomputes every customer's stored metrics, a chunk at a time. */
  async refreshAll(
    onProgress?: (done: number) => void,
  ): Promise<{ customers: number; seconds: number }> {
    const started = process.hrtime.bigint();
    let after: string | null = null;
    let done = 0;
    for (;;) {
      const ids = await this.customers.idsAfter(after, CHUNK);
      if (ids.length === 0) break;
      await this.refreshCustomers(ids, true);
      done += ids.length;
      after = ids[ids.length - 1];
      onProgress?.(done);
    }
    return { customers: done, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }

  /** Recomputes some customers (after their orders or feedback changed); nothing before the first fit. */
  async refreshCustomers(customerIds: readonly string[], failWithoutFit = false): Promise<void> {
    const fit = await this.fits.current();
    if (!fit) {
      if (failWithoutFit)
        throw new BadUserInputError('Fit the models first (fit-models)', { field: 'fit' });
      return;
    }
    const sources = await this.metrics.sourcesFor(customerIds, new Date(), fit);
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
        at: m.computedAt,
      };
    });
    await this.dataSource.query(
      `insert into customer_metrics (customer_id, fit_id, probability_alive, predicted_clv_minor, churn_score, churn_level, rfm_segment,
         expected_next_order_at, computed_at)
       select id, $1, alive, clv, score, level, segment, next, at
       from unnest($2::uuid[], $3::float8[], $4::bigint[], $5::float8[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[])
         as m(id, alive, clv, score, level, segment, next, at)
       on conflict (customer_id) do update set fit_id = excluded.fit_id, probability_alive = excluded.probability_alive,
         predicted_clv_minor = excluded.predicted_clv_minor, churn_score = excluded.churn_score, churn_level = excluded.churn_level,
         rfm_segment = excluded.rfm_segment, expected_next_order_at = excluded.expected_next_order_at, computed_at = excluded.computed_at`,
      [
        fit.id,
        rows.map((r) => r.id),
        rows.map((r) => r.alive),
        rows.map((r) => r.clv),
        rows.map((r) => r.score),
        rows.map((r) => r.level),
        rows.map((r) => r.segment),
        rows.map((r) => r.next),
        rows.map((r) => r.at),
      ],
    );
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
