import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LocalDateScalar } from '../../common/dates';
import type { RequestContext } from '../../common/request-context';
import { BadUserInputError } from '../../common/errors';
import { Customer } from '../customers';
import { CustomerMetrics } from './customer-metrics';
import {
  CountPrediction,
  ModelFit,
  ModelTimeUnit,
  MoneyPrediction,
  PredictedClvArgs,
  PurchaseModel,
} from './metrics.types';
import { MetricsService, toModelFit } from './metrics.service';
import { ModelFitService } from './model-fit.service';
import { MAX_AS_OF_DAYS_PER_REQUEST } from './metrics.loaders';
import { RequireScopes } from '../../common/require-scopes';
import { CostOf } from '../../common/cost-hints';

export const MAX_EXPECTED_PURCHASES_DAYS = 3650;

/**
 * Model work grows with the horizon, so the cost does, at about a point per millisecond of CPU or more. Both intervals
 * walk the predictive count distribution, n = 0 to its 90th percentile, for each of 200 parameter draws; measured on
 * the CDNOW fits (2,357 customers, weeks; `npm run bench -- intervals`, an idle machine), per customer: expectedPurchases 0.07 ms (BG/NBD) to 0.5 ms (Pareto/NBD)
 * at 90 days and 0.3 to 1 ms at 3,650 days. predictedClv adds a point prediction per month: 0.1 to 0.5 ms at 12
 * months and 0.4 to 1 ms at 120 (18 ms when each draw was evaluated month by month, which this price was set for;
 * it is kept). Counts past 256 are found by bisection on the CDF instead of walked: a customer with 300 purchase
 * days in 78 weeks takes 15 ms (MBG/NBD) to 80 ms (Pareto/NBD) at ten years on a loaded machine, priced like any
 * customer (11 points): the price cannot see the customer; the work runs in slices and stops at the deadline.
 */
const clvCost = (args: Record<string, unknown>) =>
  1 + Math.ceil((Number(args.months) || 120) ** 2 / 100);
const expectedPurchasesCost = (args: Record<string, unknown>) =>
  1 + Math.ceil((Number(args.days) || MAX_EXPECTED_PURCHASES_DAYS) / 365);

@Resolver(() => ModelFit)
export class ModelFitResolver {
  constructor(private readonly fits: ModelFitService) {}

  @RequireScopes('metrics:read')
  @Query(() => ModelFit, {
    nullable: true,
    description: 'The current model fit (the newest); null before the first.',
  })
  async modelFit() {
    const fit = await this.fits.current();
    return fit && toModelFit(fit);
  }

  @RequireScopes('metrics:read')
  @Query(() => [ModelFit], { description: 'Model fits, newest first.' })
  async modelFits(
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 1 to 100.' })
    first: number,
  ) {
    if (first < 1 || first > 100)
      throw new BadUserInputError('first must be between 1 and 100', { field: 'first' });
    return (await this.fits.history(first)).map(toModelFit);
  }

  @RequireScopes('admin')
  @Mutation(() => ModelFit, {
    description:
      'Fit a purchase model (BG/NBD by default) and Gamma-Gamma on the whole base with purchases up to asOf, store the fit and make it current. The fit yields to other requests between optimiser iterations and stops at the request deadline (REQUEST_TIMEOUT, nothing stored): fit a large base with `npm run c360 -- fit-models`, which has none.',
  })
  async fitModels(
    @Arg('asOf', () => LocalDateScalar, { description: 'Use purchases up to the end of this day.' })
    asOf: string,
    @Arg('timeUnit', () => ModelTimeUnit, {
      defaultValue: ModelTimeUnit.WEEK,
      description: 'Time unit of the purchase model.',
    })
    timeUnit: ModelTimeUnit,
    @Arg('purchaseModel', () => PurchaseModel, {
      defaultValue: PurchaseModel.BG_NBD,
      description: 'Which purchase model to fit.',
    })
    purchaseModel: PurchaseModel,
  ) {
    return toModelFit(await this.fits.fit(asOf, timeUnit, purchaseModel));
  }
}

@Resolver(() => Customer)
export class CustomerMetricsFieldResolver {
  constructor(
    private readonly metricsService: MetricsService,
    private readonly shopCurrency: string,
  ) {}

  @RequireScopes('metrics:read')
  @FieldResolver(() => CustomerMetrics, {
    description:
      'Computed metrics: CLV, activity, churn risk with reasons, RFM, NPS and CSAT, as of a day (today by default).',
  })
  async metrics(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('asOf', () => LocalDateScalar, {
      nullable: true,
      description: `The day to compute the metrics as of: only what had happened by its end counts, with the newest model fit as of that day or earlier. Today by default; a later day is refused; at most ${MAX_AS_OF_DAYS_PER_REQUEST} different days in one request.`,
    })
    asOf?: string | null,
  ) {
    return this.metricsService.metricsInSlices(
      await ctx.loaders.metrics.sourcesAsOf(asOf).load(customer.databaseId),
      this.shopCurrency,
    );
  }
}

@Resolver(() => CustomerMetrics)
export class CustomerMetricsResolver {
  constructor(
    private readonly metrics: MetricsService,
    private readonly shopCurrency: string,
  ) {}

  @CostOf(clvCost)
  @FieldResolver(() => MoneyPrediction, {
    nullable: true,
    description:
      'Discounted CLV over the coming months with an 80% predictive interval (see MoneyPrediction); null before the first fit. Costs 1 + ceil(months² / 100) points (145 at 120 months).',
  })
  predictedClv(@Root() metrics: CustomerMetrics, @Args() args: PredictedClvArgs) {
    return this.metrics.predictedClv(
      metrics.source,
      args.months,
      args.discountRate,
      this.shopCurrency,
    );
  }

  @CostOf(expectedPurchasesCost)
  @FieldResolver(() => CountPrediction, {
    nullable: true,
    description:
      'Expected purchases in the coming days with an 80% predictive interval of the count (see CountPrediction); null before the first fit. Costs 1 + ceil(days / 365) points.',
  })
  expectedPurchases(
    @Root() metrics: CustomerMetrics,
    @Arg('days', () => Int, {
      defaultValue: 90,
      description: `Days ahead, 1 to ${MAX_EXPECTED_PURCHASES_DAYS}.`,
    })
    days: number,
  ) {
    if (!Number.isInteger(days) || days < 1 || days > MAX_EXPECTED_PURCHASES_DAYS) {
      throw new BadUserInputError(`days must be 1 to ${MAX_EXPECTED_PURCHASES_DAYS}`, {
        field: 'days',
        max: MAX_EXPECTED_PURCHASES_DAYS,
      });
    }
    return this.metrics.expectedPurchasesIn(metrics.source, days);
  }
}
