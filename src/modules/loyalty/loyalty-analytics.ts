import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ShopTime } from '../../common/shop-time';
import { DataSource } from 'typeorm';
import { money, Money } from '../../common/money';
import { LoyaltyEarningService } from './loyalty-earning.service';
import { LoyaltyProgramService } from './loyalty-program.service';

@ObjectType({ description: 'Points moved in one month.' })
export class LoyaltyMonth {
  @Field({ description: 'Month, YYYY-MM.' }) month: string;
  @Field(() => Int, { description: 'Points earned (including bonuses and positive adjustments).' })
  issued: number;
  @Field(() => Int, { description: 'Points redeemed.' }) redeemed: number;
  @Field(() => Int, { description: 'Points expired.' }) expired: number;
}

@ObjectType({ description: 'How the loyalty program is doing, for BI.' })
export class LoyaltyProgramReport {
  @Field(() => Int, { description: 'Customers with a ledger entry.' }) members: number;
  @Field(() => Int, { description: 'Members with a ledger movement in the last 12 months.' })
  activeMembers: number;
  @Field(() => Int, { description: 'Points outstanding: the sum of all balances.' })
  outstandingPoints: number;
  @Field(() => Money, {
    description: 'What the outstanding points are worth at the current rules’ point value.',
  })
  liability: Money;
  @Field(() => Float, {
    nullable: true,
    description: 'Redeemed points / issued points, over all time; null before any were issued.',
  })
  redemptionRate: number | null;
  @Field(() => [LoyaltyMonth], {
    description: 'Issued, redeemed and expired per month, oldest first.',
  })
  months: LoyaltyMonth[];
}

export class LoyaltyAnalyticsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programs: LoyaltyProgramService,
    private readonly earning: LoyaltyEarningService,
    private readonly shopTime: ShopTime,
  ) {}

  async report(): Promise<LoyaltyProgramReport | null> {
    const program = await this.programs.findActive();
    if (!program) return null;
    const [totals] = await this.dataSource.query(
      `select count(distinct customer_id)::int as members,
         count(distinct customer_id) filter (where occurred_at >= now() - interval '12 months')::int as active,
         coalesce(sum(points), 0)::bigint::text as outstanding,
         coalesce(sum(points) filter (where points > 0 and kind in ('EARN', 'ADJUST')), 0)::bigint::text as issued,
         coalesce(-sum(points) filter (where kind = 'REDEEM'), 0)::bigint::text as redeemed
       from loyalty_ledger_entries where program_id = $1`,
      [program.id],
    );
    const months: { month: string; issued: number; redeemed: number; expired: number }[] =
      await this.dataSource.query(
        `select to_char(date_trunc('month', ${this.shopTime.localSql('occurred_at')}), 'YYYY-MM') as month,
         coalesce(sum(points) filter (where points > 0 and kind in ('EARN', 'ADJUST')), 0)::int as issued,
         coalesce(-sum(points) filter (where kind = 'REDEEM'), 0)::int as redeemed,
         coalesce(-sum(points) filter (where kind = 'EXPIRE'), 0)::int as expired
       from loyalty_ledger_entries where program_id = $1 group by 1 order by 1`,
        [program.id],
      );
    const [rule] = await this.earning.rules();
    const pointValue = rule?.pointValueMinor ?? 1;
    const issued = Number(totals.issued);
    return {
      members: totals.members,
      activeMembers: totals.active,
      outstandingPoints: Number(totals.outstanding),
      liability: money(
        BigInt(Math.round(Number(totals.outstanding) * pointValue)),
        program.currency,
      ),
      redemptionRate:
        issued > 0 ? Math.round((Number(totals.redeemed) / issued) * 10_000) / 10_000 : null,
      months,
    };
  }
}
