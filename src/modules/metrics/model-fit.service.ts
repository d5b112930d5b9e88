import type { DomainEventBus } from '../../common/domain-events';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { BadUserInputError } from '../../common/errors';
import { ShopTime } from '../../common/shop-time';
import { PurchaseHistory, PurchaseHistoryQueries } from '../orders';
import { PurchaseSummary, toColumns } from './models/bg-nbd';
import { fitPurchaseModelSteps, PurchaseModelName } from './models/purchase-models';
import { runInSlices } from '../../common/cooperative';
import { fitGammaGamma } from './models/gamma-gamma';
import { quintileCuts } from './models/rfm';
import { TimeUnit } from './models/clv';
import { ModelFitEntity } from './model-fit.entity';

export const DAYS_PER_UNIT: Record<TimeUnit, number> = { week: 7, day: 1 };

/** A purchase history in the model's time unit; spend in major units. */
export function toModelInput(history: PurchaseHistory, unit: TimeUnit) {
  const days = DAYS_PER_UNIT[unit];
  return {
    x: history.x,
    tx: history.recencyDays / days,
    T: history.ageDays / days,
    mBar: history.x > 0 ? Number(history.repeatValueMinor) / history.x / 100 : 0,
  };
}

export interface FitRecord {
  id: string;
  asOf: string;
  timeUnit: TimeUnit;
  purchaseModel: PurchaseModelName;
  purchaseParams: Record<string, number> & { logLikelihood: number; iterations: number };
  purchaseCovariance: number[][];
  gammaGamma: {
    p: number;
    q: number;
    gamma: number;
    logLikelihood: number;
    converged: boolean;
  } | null;
  rfmCuts: { recencyDays: number[]; frequency: number[]; monetaryMinor: number[] };
  customers: number;
  repeatCustomers: number;
  fittedAt: Date;
  durationMs: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** A fit was stored and is now current; its handlers (the refresh of stored metrics) run before fit() answers. */
    'model.fitted': { fit: FitRecord };
  }
}

export class ModelFitService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly purchases: PurchaseHistoryQueries,
    private readonly shopTime: ShopTime,
    private readonly events: DomainEventBus,
  ) {}

  /** Fits BG/NBD and Gamma-Gamma on every customer's purchases up to the end of asOf, stores the fit, and awaits the model.fitted handlers (stored metrics). */
  async fit(asOf: string, unit: TimeUnit, model: PurchaseModelName = 'BG_NBD'): Promise<FitRecord> {
    if (!DAY.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`)))
      throw new BadUserInputError('asOf must be a date, YYYY-MM-DD', { field: 'asOf' });
    // A fit as of a day still to come would measure every customer's silence up to it.
    if (asOf > this.shopTime.dayOf(new Date()))
      throw new BadUserInputError(
        `asOf ${asOf} is after today (${this.shopTime.dayOf(new Date())})`,
        {
          field: 'asOf',
          max: this.shopTime.dayOf(new Date()),
        },
      );
    const started = process.hrtime.bigint();
    const histories = await this.purchases.purchaseSummaries(asOf, null);
    if (histories.filter((h) => h.x > 0).length < 2) {
      throw new BadUserInputError('Fitting needs customers with repeat purchases before asOf', {
        field: 'asOf',
      });
    }
    const inputs = histories.map((h) => toModelInput(h, unit));
    const columns = toColumns(inputs.map(({ x, tx, T }): PurchaseSummary => ({ x, tx, T })));
    // In slices: through the API the fit yields to other requests between optimiser iterations and stops at the
    // request's deadline (REQUEST_TIMEOUT, nothing stored); the CLI has no deadline.
    const purchase = await runInSlices(fitPurchaseModelSteps(model, columns));
    const repeat = inputs
      .filter((i) => i.x > 0 && i.mBar > 0)
      .map((i) => ({ x: i.x, mBar: i.mBar }));
    const gg = repeat.length >= 2 ? fitGammaGamma(repeat) : null;
    const rfmCuts = {
      recencyDays: quintileCuts(histories.map((h) => h.ageDays - h.recencyDays)),
      frequency: quintileCuts(histories.map((h) => h.x + 1)),
      monetaryMinor: quintileCuts(histories.map((h) => Number(h.totalValueMinor))),
    };
    const record = this.dataSource.getRepository(ModelFitEntity).create({
      asOf,
      timeUnit: unit,
      purchaseModel: model,
      purchaseParams: {
        ...purchase.params,
        logLikelihood: purchase.logLikelihood,
        iterations: purchase.iterations,
        converged: purchase.converged,
      },
      purchaseCovariance: purchase.covariance,
      gammaGamma: gg && { ...gg.params, logLikelihood: gg.logLikelihood, converged: gg.converged },
      rfmCuts,
      customers: histories.length,
      repeatCustomers: histories.filter((h) => h.x > 0).length,
      fittedAt: new Date(),
      durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
    });
    const saved = toRecord(await this.dataSource.getRepository(ModelFitEntity).save(record));
    await this.events.publishCommitted('model.fitted', { fit: saved });
    return saved;
  }

  async current(): Promise<FitRecord | null> {
    const [row] = await this.dataSource
      .getRepository(ModelFitEntity)
      .find({ order: { fittedAt: 'DESC', id: 'DESC' }, take: 1 });
    return row ? toRecord(row) : null;
  }

  /**
   * The fit metrics as of a day use: the newest fitted of those whose as-of is that day or earlier, so that nothing
   * after the day went into it; null when every fit is later (or there is none).
   */
  async newestUpTo(day: string): Promise<FitRecord | null> {
    const [row] = await this.dataSource.getRepository(ModelFitEntity).find({
      where: { asOf: LessThanOrEqual(day) },
      order: { fittedAt: 'DESC', id: 'DESC' },
      take: 1,
    });
    return row ? toRecord(row) : null;
  }

  async history(limit: number): Promise<FitRecord[]> {
    const rows = await this.dataSource
      .getRepository(ModelFitEntity)
      .find({ order: { fittedAt: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(toRecord);
  }
}

function toRecord(row: ModelFitEntity): FitRecord {
  return row as unknown as FitRecord;
}
