import { ClassType, Field, InputType } from 'type-graphql';
import { IsEnum, IsOptional } from 'class-validator';
import { parseMoney } from '../../common/money';
import type { SqlParams } from '../../common/sql';
import type { CustomerListExtension } from '../customers';
import { ChurnRiskLevel, RfmSegmentName } from './metrics.types';

interface MetricsFilter {
  churnRiskLevel?: ChurnRiskLevel | null;
  predictedClvMin?: string | null;
  rfmSegment?: RfmSegmentName | null;
}

/** What the stored metrics add to a customer list: three conditions and a sort key, on customer_metrics. */
export const metricsCustomerList: CustomerListExtension = {
  filter: {
    fields: (Base: ClassType): ClassType<MetricsFilter> => {
      @InputType()
      class WithMetricsFilter extends Base {
        @Field(() => ChurnRiskLevel, {
          nullable: true,
          description: 'Churn risk level from the stored metrics.',
        })
        @IsOptional()
        @IsEnum(ChurnRiskLevel)
        churnRiskLevel?: ChurnRiskLevel | null;

        @Field(() => String, {
          nullable: true,
          description: 'Stored 12-month predicted CLV at least this, e.g. "100.00".',
        })
        @IsOptional()
        predictedClvMin?: string | null;

        @Field(() => RfmSegmentName, {
          nullable: true,
          description: 'RFM segment from the stored metrics.',
        })
        @IsOptional()
        @IsEnum(RfmSegmentName)
        rfmSegment?: RfmSegmentName | null;
      }
      return WithMetricsFilter;
    },
    condition: (filter: MetricsFilter, params: SqlParams, { currency }: { currency: string }) => {
      const conditions: string[] = [];
      if (filter.churnRiskLevel)
        conditions.push(`m.churn_level = ${params.add(filter.churnRiskLevel)}`);
      if (filter.rfmSegment) conditions.push(`m.rfm_segment = ${params.add(filter.rfmSegment)}`);
      if (filter.predictedClvMin != null) {
        const min = parseMoney(filter.predictedClvMin, currency, 'filter.predictedClvMin');
        conditions.push(`m.predicted_clv_minor >= ${params.add(min.toString(), 'bigint')}`);
      }
      if (conditions.length === 0) return null;
      return `exists (select 1 from customer_metrics m where m.customer_id = c.id and ${conditions.join(' and ')})`;
    },
  },
  sorts: [
    {
      field: 'PREDICTED_CLV',
      description: 'Stored 12-month predicted CLV (customers without one sort as the lowest).',
      join: 'left join customer_metrics cm on cm.customer_id = c.id',
      key: { sql: 'coalesce(cm.predicted_clv_minor, -1)', cast: 'bigint' },
    },
  ],
};
