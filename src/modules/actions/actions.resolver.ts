import { addDays, ShopTime } from '../../common/shop-time';
import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  Float,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { LocalDateScalar } from '../../common/dates';
import type { RequestContext } from '../../common/request-context';
import { AppError, BadUserInputError } from '../../common/errors';
import { money } from '../../common/money';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, Page } from '../../common/pagination';
import { Customer } from '../customers';
import { hasScope, Principal } from '../../common/scopes';
import { notePersonalData } from '../../common/observability';
import { Product } from '../orders';
import { ActionsService, Replenishment } from './actions.service';
import {
  ActionKindName,
  CustomerMoment,
  ForwardPageArgs,
  MomentConnection,
  MomentKindName,
  NextBestAction,
  NextBestActionConnection,
  ProductComplement,
  ProductRecommendation,
  ReplenishmentConnection,
  ReplenishmentCycle,
} from './actions.types';
import type { ProposedAction } from './next-best-action';
import { RequireScopes } from '../../common/require-scopes';
import { ACTION_SOURCE_SCOPE } from './actions.events';
import { CostOf } from '../../common/cost-hints';
import { EARLIEST_DAY, LATEST_DAY, MAX_WINDOW_DAYS } from './day-window';

/**
 * The base-wide lists compute over every customer (or every purchase cycle) whatever the page, so they are priced as
 * such: the cost walk is static, so the price is declared, not counted. Scoring everyone (each customer's metrics,
 * a year's CLV, loyalty, consents) is priced at half the per-query limit, so one key runs one about every 5 s once its
 * bucket is spent; the kinds scored only on candidates (cycles due, high churn) and the single-table scans less.
 * The deadline bounds each run's work; these bound how often.
 */
export const BASE_SCORING_COST = 500;
export const CANDIDATE_SCORING_COST = 200;
export const BASE_SCAN_COST = 100;
const NARROWED_KINDS: readonly string[] = ['REORDER_REMINDER', 'WIN_BACK'];
const actionsCost = (args: Record<string, unknown>) =>
  NARROWED_KINDS.includes(String(args.kind)) ? CANDIDATE_SCORING_COST : BASE_SCORING_COST;
const WINDOW = `at most ${MAX_WINDOW_DAYS} days after the first, both between ${EARLIEST_DAY} and ${LATEST_DAY}`;

/** Pages a sorted in-memory list by the tuple key of its items (the lists here are computed, not stored). */
function pageOf<T>(items: T[], args: ForwardPageArgs, keyOf: (item: T) => string[]): Page<T> {
  if (args.first < 1 || args.first > MAX_PAGE_SIZE)
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  const after = args.after
    ? (decodeCursor(args.after, 'after', keyOf(items[0] ?? ({} as T)).length || 3) as string[])
    : null;
  const start = after
    ? items.findIndex((item) => keyOf(item).join('\u0000') > after.join('\u0000'))
    : 0;
  const slice = start < 0 ? [] : items.slice(start, start + args.first);
  const edges = slice.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes: slice,
    pageInfo: {
      hasNextPage: start >= 0 && start + args.first < items.length,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    countAll: async () => items.length,
  };
}

// Birthdays and name days are personal data (so are actions built on them: "Birthday on 2026-12-06", due that day).
const MOMENT_PERSONAL_DATA: Partial<Record<string, string>> = {
  BIRTHDAY: 'birth_date',
  NAME_DAY: 'name_day',
};

/** Keeps what holds personal data only for keys with pii:read. */
function withoutPersonalData<T>(
  principal: Principal | null,
  items: T[],
  personalDataOf: (item: T) => string | undefined,
): T[] {
  return hasScope(principal, 'pii:read') ? items : items.filter((item) => !personalDataOf(item));
}

/** The audit log's note for what is sent (after paging: what the response holds). */
function notePersonal<T extends { customerId: string }>(
  items: readonly T[],
  personalDataOf: (item: T) => string | undefined,
): void {
  for (const item of items) {
    const category = personalDataOf(item);
    if (category) notePersonalData(category, item.customerId);
  }
}

/**
 * An action's reason and value speak of the data it was built from ("Detractor NPS answer (5)", "159 points expire
 * within 30 days", a product bought): it is listed only to keys that may read that data themselves.
 */

function readableActions<T extends { kind: string; personalData?: string }>(
  principal: Principal | null,
  items: T[],
): T[] {
  return withoutPersonalData(principal, items, actionData).filter((a) => {
    const scope = ACTION_SOURCE_SCOPE[a.kind];
    return !scope || hasScope(principal, scope);
  });
}

const momentData = (m: { kind: string }) => MOMENT_PERSONAL_DATA[m.kind];
const actionData = (a: { personalData?: string }) => a.personalData;

const toCycle = (r: Replenishment): ReplenishmentCycle => ({
  ...r,
  lastPurchaseDate: r.lastPurchaseDay,
  dueDate: r.dueDay,
});

@Resolver(() => Customer)
export class CustomerActionsResolver {
  constructor(
    private readonly actions: ActionsService,
    private readonly currency: string,
  ) {}

  @RequireScopes('orders:read')
  @FieldResolver(() => [ReplenishmentCycle], {
    description: 'Products the customer buys on a cycle, with when each is due again.',
  })
  async replenishment(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.actions.replenishment.load(customer.databaseId)).map(toCycle);
  }

  @RequireScopes('orders:read')
  @FieldResolver(() => [ProductRecommendation], {
    description: 'Products that go with what the customer bought, not yet bought, best lift first.',
  })
  async recommendedProducts(
    @Root() customer: Customer,
    @Arg('first', () => Int, { defaultValue: 5, description: 'How many, 1 to 20.' }) first: number,
    @Ctx() ctx: RequestContext,
  ) {
    if (first < 1 || first > 20)
      throw new BadUserInputError('first must be 1 to 20', { field: 'first' });
    const list = await ctx.loaders.actions.recommendations.load({
      id: customer.databaseId,
      arg: first,
    });
    return list.map((r) => ({ ...r, becauseOfIds: r.becauseOf }));
  }

  @RequireScopes('customers:read')
  @FieldResolver(() => [CustomerMoment], {
    description:
      'Birthday, name day and signup anniversary within the coming year, soonest first. Birthdays and name days are personal data: listed only for keys with pii:read.',
  })
  moments(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    const moments = withoutPersonalData(
      ctx.principal,
      this.actions.momentsOf(customer, ctx.now),
      momentData,
    ).map((m) => ({
      customerId: customer.databaseId,
      kind: m.kind as MomentKindName,
      date: m.day,
      years: m.years,
    }));
    notePersonal(moments, momentData);
    return moments;
  }

  @RequireScopes('metrics:read')
  @FieldResolver(() => [NextBestAction], {
    description:
      'What to do next for this customer, ranked; only on consented channels, nothing within the quiet period. Birthday and name-day greetings are personal data: listed only for keys with pii:read; actions built on orders, feedback or loyalty only for keys that may read those.',
  })
  async nextBestActions(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    const actions = readableActions(
      ctx.principal,
      await ctx.loaders.actions.nextBestActions.load(customer.databaseId),
    ).map((a) => toAction(customer.databaseId, a, this.currency));
    notePersonal(actions, actionData);
    return actions;
  }
}

export function toAction(customerId: string, a: ProposedAction, currency: string): NextBestAction {
  return {
    customerId,
    kind: a.kind as ActionKindName,
    reason: a.reason,
    dueDate: a.dueDay,
    channel: a.channel,
    expectedValue: money(BigInt(Math.max(0, Math.round(a.expectedValueMinor))), currency),
    personalData: a.personalData,
  };
}

@Resolver()
export class ActionsQueryResolver {
  constructor(
    private readonly actions: ActionsService,
    private readonly currency: string,
    private readonly shopTime: ShopTime,
  ) {}

  @RequireScopes('orders:read')
  @CostOf(() => BASE_SCAN_COST)
  @Query(() => ReplenishmentConnection, {
    description: `Replenishment cycles falling due between two days, soonest first, for reminder campaigns. Computes every cycle of the base: costs ${BASE_SCAN_COST} points plus its page.`,
  })
  async replenishmentDue(
    @Arg('from', () => LocalDateScalar, {
      description: `First due day, ${EARLIEST_DAY} to ${LATEST_DAY}.`,
    })
    from: string,
    @Arg('to', () => LocalDateScalar, { description: `Last due day: ${WINDOW}.` }) to: string,
    @Args() page: ForwardPageArgs,
  ) {
    const items = (await this.actions.replenishmentDue(from, to)).map(toCycle);
    return pageOf(items, page, (r) => [r.dueDate, r.customerId, r.productId]);
  }

  @RequireScopes('customers:read')
  @CostOf(() => BASE_SCAN_COST)
  @Query(() => MomentConnection, {
    description: `Customers’ birthdays, name days and signup anniversaries in the coming days, soonest first. Birthdays and name days only for keys with pii:read. Reads every customer: costs ${BASE_SCAN_COST} points plus its page.`,
  })
  async upcomingMoments(
    @Arg('days', () => Int, { description: 'Days ahead, 0 to 366.' }) days: number,
    @Args() page: ForwardPageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    const items = withoutPersonalData(
      ctx.principal,
      await this.actions.upcomingMoments(ctx.now, days),
      momentData,
    ).map((m) => ({
      customerId: m.customerId,
      kind: m.kind as MomentKindName,
      date: m.day,
      years: m.years,
    }));
    const result = pageOf(items, page, (m) => [m.date, m.customerId, m.kind]);
    notePersonal(result.nodes, momentData);
    return result;
  }

  @RequireScopes('metrics:read')
  @CostOf(actionsCost)
  @Query(() => NextBestActionConnection, {
    description: `Next best actions of one kind across the base, due in a window, for campaign tools. Birthday and name-day greetings only for keys with pii:read; reorder and complementary-product actions only with orders:read, service follow-ups and thank-yous with feedback:read, tier nudges and expiring points with loyalty:read. Scores every customer: costs ${BASE_SCORING_COST} points plus its page (REORDER_REMINDER and WIN_BACK, scored on their candidates only: ${CANDIDATE_SCORING_COST}).`,
  })
  async nextBestActions(
    @Arg('kind', () => ActionKindName, { description: 'Which actions.' }) kind: ActionKindName,
    @Arg('dueFrom', () => LocalDateScalar, {
      nullable: true,
      description: `Due on or after, ${EARLIEST_DAY} to ${LATEST_DAY}; default today (the shop's day, SHOP_TIME_ZONE).`,
    })
    dueFrom: string | null,
    @Arg('dueTo', () => LocalDateScalar, {
      nullable: true,
      description: `Due on or before, ${WINDOW}; default in 7 days.`,
    })
    dueTo: string | null,
    @Args() page: ForwardPageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    const sourceScope = ACTION_SOURCE_SCOPE[kind];
    if (sourceScope && !hasScope(ctx.principal, sourceScope)) {
      throw new AppError(`Actions of kind ${kind} need the scope ${sourceScope}`, 'FORBIDDEN', {
        requiredScopes: [sourceScope],
      });
    }
    const today = this.shopTime.dayOf(ctx.now);
    const from = dueFrom ?? today;
    const to = dueTo ?? addDays(today, 7);
    const items = (await this.actions.actionsAcrossBase(kind, from, to, ctx.now)).map(
      ({ customerId, action }) => toAction(customerId, action, this.currency),
    );
    const result = pageOf(readableActions(ctx.principal, items), page, (a) => [
      a.dueDate,
      a.customerId,
      a.reason,
    ]);
    notePersonal(result.nodes, actionData);
    return result;
  }

  @RequireScopes('admin')
  @Mutation(() => Int, {
    description:
      'Mine association rules from order lines (A then B within the window); returns how many were kept.',
  })
  async mineAssociations(
    @Arg('windowDays', () => Int, {
      defaultValue: 180,
      description: 'B must follow A within this many days.',
    })
    windowDays: number,
    @Arg('minSupport', () => Float, {
      defaultValue: 0.001,
      description: 'Keep rules with at least this share of customers.',
    })
    minSupport: number,
  ) {
    return (await this.actions.mineAssociations(windowDays, minSupport)).rules;
  }
}

// Every row of a base-wide list names its customer, so a campaign tool needs no second query: one loader batch a
// page. The customer's personal fields keep their own checks (pii:read).
@Resolver(() => NextBestAction)
export class NextBestActionResolver {
  @RequireScopes('customers:read')
  @FieldResolver(() => Customer, { description: 'The customer.' })
  customer(@Root() action: NextBestAction, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customers.byId.load(action.customerId);
  }
}

@Resolver(() => ReplenishmentCycle)
export class ReplenishmentCycleResolver {
  @RequireScopes('customers:read')
  @FieldResolver(() => Customer, {
    nullable: true,
    description:
      'The customer who buys on this cycle (needs customers:read; without it null, with FORBIDDEN, and the rest of the row stays).',
  })
  customer(@Root() cycle: ReplenishmentCycle, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customers.byId.load(cycle.customerId);
  }
}

@Resolver(() => CustomerMoment)
export class CustomerMomentResolver {
  @RequireScopes('customers:read')
  @FieldResolver(() => Customer, {
    nullable: true,
    description:
      'The customer whose moment it is (needs customers:read, which upcomingMoments needs too).',
  })
  customer(@Root() moment: CustomerMoment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customers.byId.load(moment.customerId);
  }
}

@Resolver(() => ProductRecommendation)
export class ProductRecommendationResolver {
  @FieldResolver(() => Product, { description: 'The recommended product.' })
  product(@Root() r: ProductRecommendation, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orders.productById.load(r.productId);
  }

  @FieldResolver(() => [Product], {
    description: 'What the customer bought that suggests it ("because you bought …").',
  })
  async becauseOf(@Root() r: ProductRecommendation, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.orders.productById.loadMany(r.becauseOfIds)).filter(
      (p) => p && !(p instanceof Error),
    );
  }
}

@Resolver(() => ProductComplement)
export class ProductComplementResolver {
  @FieldResolver(() => Product, { description: 'The product that tends to follow.' })
  product(@Root() c: ProductComplement, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orders.productById.load(c.productId);
  }
}

@Resolver(() => Product)
export class ProductComplementsResolver {
  @RequireScopes('orders:read')
  @FieldResolver(() => [ProductComplement], {
    description: 'Products customers buy after this one, best lift first.',
  })
  async complements(
    @Root() product: Product,
    @Arg('first', () => Int, { defaultValue: 5, description: 'How many, 1 to 20.' }) first: number,
    @Ctx() ctx: RequestContext,
  ) {
    if (first < 1 || first > 20)
      throw new BadUserInputError('first must be 1 to 20', { field: 'first' });
    const list = await ctx.loaders.actions.complements.load({ id: product.databaseId, arg: first });
    return list.map((c) => ({
      productId: c.consequentId,
      support: c.support,
      confidence: c.confidence,
      lift: c.lift,
    }));
  }
}
