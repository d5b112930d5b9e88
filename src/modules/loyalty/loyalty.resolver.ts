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
import { idempotentRequest } from '../../common/idempotency';
import type { RequestContext } from '../../common/request-context';
import { Customer } from '../customers';
import { Order, OrderStatus } from '../orders';
import { BadUserInputError } from '../../common/errors';
import { money, Money, parseMoney } from '../../common/money';
import { LoyaltyEarningService, RuleVersion } from './loyalty-earning.service';
import { LoyaltyRules, LoyaltyRulesInput } from './loyalty-rules.types';
import { LoyaltyAnalyticsService, LoyaltyProgramReport } from './loyalty-analytics';
import { ConfigureLoyaltyProgramInput, LedgerArgs, LoyaltyPointsInput } from './loyalty.inputs';
import { LoyaltyProgramService } from './loyalty-program.service';
import { LoyaltyService } from './loyalty.service';
import {
  CustomerLoyalty,
  LoyaltyLedgerConnection,
  LoyaltyLedgerEntry,
  LoyaltyProgram,
  LoyaltyStanding,
  LoyaltyTier,
  TierChange,
} from './loyalty.types';
import { RequireScopes } from '../../common/require-scopes';

@Resolver(() => LoyaltyLedgerEntry)
export class LoyaltyResolver {
  constructor(
    private readonly loyalty: LoyaltyService,
    private readonly programs: LoyaltyProgramService,
  ) {}

  @RequireScopes('loyalty:read')
  @Query(() => LoyaltyProgram, {
    nullable: true,
    description: 'The active loyalty program; null when none is configured.',
  })
  loyaltyProgram() {
    return this.programs.findActive();
  }

  @RequireScopes('admin')
  @Mutation(() => LoyaltyProgram, {
    description: 'Set the program and its tiers; every customer’s tier is re-evaluated.',
  })
  configureLoyaltyProgram(
    @Arg('input', { description: 'The settings.' }) input: ConfigureLoyaltyProgramInput,
  ) {
    return this.programs.configure(input);
  }

  @RequireScopes('loyalty:write')
  @Mutation(() => LoyaltyLedgerEntry, {
    description: 'Add earned points (an order earns at most once).',
  })
  earnLoyaltyPoints(
    @Arg('input', { description: 'Points, positive.' }) input: LoyaltyPointsInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.loyalty.earn(input, idempotentRequest(ctx.principal, 'earnLoyaltyPoints', input));
  }

  @RequireScopes('loyalty:write')
  @Mutation(() => LoyaltyLedgerEntry, {
    description:
      'Spend points; never takes the balance below zero, even under concurrent requests.',
  })
  redeemLoyaltyPoints(
    @Arg('input', { description: 'Points to spend, positive.' }) input: LoyaltyPointsInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.loyalty.redeem(
      input,
      idempotentRequest(ctx.principal, 'redeemLoyaltyPoints', input),
    );
  }

  @RequireScopes('loyalty:write')
  @Mutation(() => LoyaltyLedgerEntry, {
    description: 'Correct the balance by a signed number of points (not below zero).',
  })
  adjustLoyaltyPoints(
    @Arg('input', { description: 'Signed points and the reason.' }) input: LoyaltyPointsInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.loyalty.adjust(
      input,
      idempotentRequest(ctx.principal, 'adjustLoyaltyPoints', input),
    );
  }

  @RequireScopes('orders:read')
  @FieldResolver(() => Order, {
    nullable: true,
    description: 'The order that earned the points, if any.',
  })
  order(@Root() entry: LoyaltyLedgerEntry, @Ctx() ctx: RequestContext) {
    return entry.orderId ? ctx.loaders.orders.byId.load(entry.orderId) : null;
  }
}

const toPairs = (map: Record<string, number>) =>
  Object.entries(map).map(([name, multiplier]) => ({ name, multiplier }));
const toMap = (pairs: { name: string; multiplier: number }[]) =>
  Object.fromEntries(pairs.map((p) => [p.name, p.multiplier]));

@Resolver(() => LoyaltyRules)
export class LoyaltyRulesResolver {
  constructor(
    private readonly earning: LoyaltyEarningService,
    private readonly analytics: LoyaltyAnalyticsService,
    private readonly shopCurrency: string,
  ) {}

  private present(rule: RuleVersion): LoyaltyRules {
    return {
      ...rule,
      categoryMultipliers: toPairs(rule.categoryMultipliers),
      productMultipliers: toPairs(rule.productMultipliers),
      tierMultipliers: toPairs(rule.tierMultipliers),
      minOrder: money(rule.minOrderMinor, this.shopCurrency),
      earningStatuses: rule.earningStatuses as OrderStatus[],
    };
  }

  @RequireScopes('loyalty:read')
  @Query(() => LoyaltyProgramReport, {
    nullable: true,
    description:
      'Members, points issued, redeemed and expired per month, liability and redemption rate.',
  })
  loyaltyReport() {
    return this.analytics.report();
  }

  @RequireScopes('loyalty:read')
  @Query(() => [LoyaltyRules], {
    description: 'Earning rule versions of the active program, newest first.',
  })
  async loyaltyRules() {
    return (await this.earning.rules()).map((r) => this.present(r));
  }

  @RequireScopes('admin')
  @Mutation(() => LoyaltyRules, {
    description:
      'Add a version of the earning rules; past orders keep the version they earned under.',
  })
  async setLoyaltyRules(@Arg('input', { description: 'The rules.' }) input: LoyaltyRulesInput) {
    if (
      input.earningStatuses.some((s) => s === OrderStatus.CANCELLED || s === OrderStatus.RETURNED)
    ) {
      throw new BadUserInputError('Cancelled and returned orders never earn', {
        field: 'earningStatuses',
      });
    }
    const rule = await this.earning.setRules({
      effectiveFrom: input.effectiveFrom,
      pointsPerUnit: input.pointsPerUnit,
      categoryMultipliers: toMap(input.categoryMultipliers),
      productMultipliers: toMap(input.productMultipliers),
      tierMultipliers: toMap(input.tierMultipliers),
      welcomeBonus: input.welcomeBonus,
      birthdayBonus: input.birthdayBonus,
      minOrder: parseMoney(input.minOrder, this.shopCurrency, 'minOrder'),
      earningStatuses: input.earningStatuses,
      pointValueMinor: input.pointValueMinor,
      cashbackPercent: input.cashbackPercent,
    });
    return this.present(rule);
  }
}

@Resolver(() => CustomerLoyalty)
export class CustomerLoyaltyResolver {
  constructor(
    private readonly loyalty: LoyaltyService,
    private readonly shopCurrency: string,
  ) {}

  private async standing(root: CustomerLoyalty, ctx: RequestContext): Promise<LoyaltyStanding> {
    return (await ctx.loaders.loyalty.standing.load(root.customerId)) as LoyaltyStanding;
  }

  @FieldResolver(() => Int, { description: 'Points balance: the sum of the ledger.' })
  balance(@Root() root: CustomerLoyalty, @Ctx() ctx: RequestContext) {
    return ctx.loaders.loyalty.balance.load(root.customerId);
  }

  @FieldResolver(() => LoyaltyTier, {
    nullable: true,
    description: 'Current tier; null below the first threshold.',
  })
  async tier(@Root() root: CustomerLoyalty, @Ctx() ctx: RequestContext) {
    return (await this.standing(root, ctx)).tier;
  }

  @FieldResolver(() => LoyaltyTier, {
    nullable: true,
    description: 'The next tier up; null at the top.',
  })
  async nextTier(@Root() root: CustomerLoyalty, @Ctx() ctx: RequestContext) {
    return (await this.standing(root, ctx)).nextTier;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Points still to earn for the next tier (POINTS_12M programs).',
  })
  async pointsToNextTier(@Root() root: CustomerLoyalty, @Ctx() ctx: RequestContext) {
    return (await this.standing(root, ctx)).pointsToNextTier;
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description: 'Spend still needed for the next tier (SPEND_12M programs).',
  })
  async spendToNextTier(@Root() root: CustomerLoyalty, @Ctx() ctx: RequestContext) {
    return (await this.standing(root, ctx)).spendToNextTier;
  }

  @FieldResolver(() => Float, {
    description:
      'Progress from the current tier’s threshold to the next, 0 to 1 (1 at the top tier).',
  })
  async progressToNextTier(@Root() root: CustomerLoyalty, @Ctx() ctx: RequestContext) {
    return (await this.standing(root, ctx)).progressToNextTier;
  }

  @FieldResolver(() => Int, {
    description:
      'Points that expire within the given days (first in, first out), including overdue points not yet written off.',
  })
  async pointsExpiringSoon(
    @Root() standing: CustomerLoyalty,
    @Arg('days', () => Int, { defaultValue: 30, description: 'Days ahead, 0 to 3650.' })
    days: number,
    @Ctx() ctx: RequestContext,
  ) {
    return this.loyalty.pointsExpiringSoon(
      await ctx.loaders.loyalty.movements.load(standing.customerId),
      new Date(),
      days,
    );
  }

  @FieldResolver(() => Money, {
    description: 'Store credit (cashback) balance: the sum of its own ledger.',
  })
  async storeCredit(@Root() standing: CustomerLoyalty, @Ctx() ctx: RequestContext) {
    return money(
      await ctx.loaders.loyalty.storeCredit.load(standing.customerId),
      this.shopCurrency,
    );
  }

  @FieldResolver(() => [TierChange], {
    description: 'Every tier change with its reason, newest first.',
  })
  tierHistory(@Root() standing: CustomerLoyalty, @Ctx() ctx: RequestContext) {
    return ctx.loaders.loyalty.tierHistory.load(standing.customerId);
  }

  @FieldResolver(() => LoyaltyLedgerConnection, { description: 'The points ledger, newest first.' })
  ledger(@Root() standing: CustomerLoyalty, @Args() args: LedgerArgs, @Ctx() ctx: RequestContext) {
    return ctx.loaders.loyalty.ledgerPage.load({
      parentId: standing.customerId,
      args: { ...args },
    });
  }
}

@Resolver(() => Customer)
export class CustomerLoyaltyFieldResolver {
  @RequireScopes('loyalty:read')
  @FieldResolver(() => CustomerLoyalty, {
    nullable: true,
    description: 'Loyalty balance, tier and ledger; null when no program is configured.',
  })
  async loyalty(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
  ): Promise<CustomerLoyalty | null> {
    return (await ctx.loaders.loyalty.program.load('active'))
      ? Object.assign(new CustomerLoyalty(), { customerId: customer.databaseId })
      : null;
  }
}
