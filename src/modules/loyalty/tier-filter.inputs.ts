import { ClassType, Field, InputType } from 'type-graphql';
import type { SqlParams } from '../../common/sql';
import type { CustomerListExtension } from '../customers';

interface TierFilter {
  loyaltyTier?: string | null;
}

/** What loyalty adds to a customer list: CustomerFilter.loyaltyTier, on its own tables. */
export const tierFilter: CustomerListExtension = {
  filter: {
    fields: (Base: ClassType): ClassType<TierFilter> => {
      @InputType()
      class WithTierFilter extends Base {
        @Field(() => String, {
          nullable: true,
          description: 'Current loyalty tier code, e.g. "GOLD".',
        })
        loyaltyTier?: string | null;
      }
      return WithTierFilter;
    },
    condition: (filter: TierFilter, params: SqlParams) => {
      if (!filter.loyaltyTier) return null;
      return `exists (select 1 from loyalty_memberships m join loyalty_programs p on p.id = m.program_id and p.active
                      where m.customer_id = c.id and m.tier_code = ${params.add(filter.loyaltyTier)})`;
    },
  },
};
