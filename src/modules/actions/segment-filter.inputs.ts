import { ClassType, Field, InputType } from 'type-graphql';
import { IsEnum, IsOptional } from 'class-validator';
import { BadUserInputError } from '../../common/errors';
import type { CustomerListExtension } from '../customers';
import { SEGMENT_RULES, SegmentKind } from './segments';

interface SegmentFilter {
  segment?: SegmentKind | null;
}

/** What actions add to a customer list: CustomerFilter.segment, the rule of a segment with meaning. */
export const segmentFilter: CustomerListExtension = {
  filter: {
    fields: (Base: ClassType): ClassType<SegmentFilter> => {
      @InputType()
      class WithSegmentFilter extends Base {
        @Field(() => SegmentKind, {
          nullable: true,
          description: 'A segment with meaning (rules in the SegmentKind enum).',
        })
        @IsOptional()
        @IsEnum(SegmentKind)
        segment?: SegmentKind | null;
      }
      return WithSegmentFilter;
    },
    condition: (filter: SegmentFilter) => {
      if (!filter.segment) return null;
      // A saved segment's filter comes back from JSON unchecked by GraphQL.
      const rule = SEGMENT_RULES[filter.segment];
      if (!rule)
        throw new BadUserInputError(`Unknown segment ${filter.segment}`, {
          field: 'filter.segment',
        });
      return `(${rule.sql})`;
    },
  },
};
