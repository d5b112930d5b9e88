import { ClassType, Field, InputType } from 'type-graphql';
import type { CustomerListExtension } from '../customers';

interface ComplaintFilter {
  hasOpenComplaint?: boolean | null;
}

/** What feedback adds to a customer list: CustomerFilter.hasOpenComplaint, on its own table. */
export const complaintFilter: CustomerListExtension = {
  filter: {
    fields: (Base: ClassType): ClassType<ComplaintFilter> => {
      @InputType()
      class WithComplaintFilter extends Base {
        @Field(() => Boolean, {
          nullable: true,
          description: 'True: only customers with an open complaint; false: only those without.',
        })
        hasOpenComplaint?: boolean | null;
      }
      return WithComplaintFilter;
    },
    condition: (filter: ComplaintFilter) => {
      if (filter.hasOpenComplaint == null) return null;
      const exists = `exists (select 1 from feedback f where f.customer_id = c.id and f.kind = 'COMPLAINT' and f.complaint_status = 'OPEN')`;
      return filter.hasOpenComplaint ? exists : `not ${exists}`;
    },
  },
};
