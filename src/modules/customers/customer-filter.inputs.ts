import { ClassType, Field, InputType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, IsISO31661Alpha2, IsOptional, Length } from 'class-validator';
import type { SortKey } from '../../common/pagination';
import type { SqlParams } from '../../common/sql';

/**
 * CustomerFilter is assembled: the customers module declares its own conditions here, and each module that owns
 * data a list can be filtered by (open complaints, loyalty tier, stored metrics, segments) contributes a class of
 * its fields with their condition (CustomerFilterContribution), as graphql-modules does with `extend input`. The
 * composition root hands the contributions to this module (customersModule.extend), which builds the one input
 * class from them before the schema is built; this module imports none of them.
 */
@InputType()
export class CustomerFilterFields {
  @Field(() => String, {
    nullable: true,
    description:
      'Text contained in the name or email (case-insensitive). Matches personal data, so it needs the pii:read scope.',
  })
  @IsOptional()
  @Length(1, 100)
  search?: string | null;

  @Field(() => [String], { nullable: true, description: 'The customer has all of these tags.' })
  @IsOptional()
  @ArrayMaxSize(20)
  tags?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Country is one of these (ISO 3166-1 alpha-2).',
  })
  @IsOptional()
  @IsISO31661Alpha2({ each: true })
  countries?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Signed up at or after.' })
  signedUpFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Signed up before.' })
  signedUpBefore?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last order at or after.' })
  lastOrderFrom?: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Last order before (customers without orders are excluded).',
  })
  lastOrderBefore?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Net spent (in the shop currency) at least this, e.g. "100.00".',
  })
  totalSpentMin?: string | null;

  @Field(() => String, { nullable: true, description: 'Net spent at most this.' })
  totalSpentMax?: string | null;

  @Field(() => Date, { nullable: true, description: 'Changed at or after (incremental reads).' })
  updatedSince?: Date | null;
}

/** A CustomerFilter: the customers module's fields, and those the other modules add (each reads only its own). */
export type CustomerFilter = CustomerFilterFields & Record<string, unknown>;

/** Another module's part of CustomerFilter. */
export interface CustomerFilterContribution<F extends object = object> {
  /**
   * Adds the module's fields to the class being assembled (type-graphql's mixin classes; a superclass that no field names is not emitted):
   * `(Base) => { @InputType() class F extends Base { @Field(…) field?: … } return F; }`.
   */
  fields(Base: ClassType): ClassType<F>;
  /** Its condition as SQL on `c` (customers), or null when none of its fields is set; its tables stay its own. */
  condition(filter: F, params: SqlParams, settings: { currency: string }): string | null;
}

/** What another module adds to the customers module (its manifest's `extend.customers`). */
export interface CustomerListExtension {
  filter?: CustomerFilterContribution<any>; // each reads its own fields
  sorts?: CustomerSortContribution[];
}

/** A sort key owned by another module: a left join on `c` and a non-null expression over it. */
export interface CustomerSortContribution {
  /** The CustomerOrderField value, SCREAMING_SNAKE. */
  field: string;
  description: string;
  join: string;
  key: SortKey;
}

export enum CustomerOrderField {
  NAME = 'NAME',
  SIGNUP_DATE = 'SIGNUP_DATE',
  LAST_ORDER_DATE = 'LAST_ORDER_DATE',
  TOTAL_SPENT = 'TOTAL_SPENT',
  UPDATED_AT = 'UPDATED_AT',
}
const ORDER_FIELD_VALUES: Record<string, { description: string }> = {
  NAME: { description: 'Family name, then given name.' },
  SIGNUP_DATE: { description: 'Signup date.' },
  LAST_ORDER_DATE: {
    description: 'Date of the last order; customers who never ordered sort as the oldest.',
  },
  TOTAL_SPENT: { description: 'Net spent over all orders.' },
  UPDATED_AT: { description: 'Last change of the record.' },
};
// type-graphql reads the enum's keys when the schema is built, so the contributed sort keys added below appear.
registerEnumType(CustomerOrderField, {
  name: 'CustomerOrderField',
  description: 'What to sort customers by (ties broken by id).',
  valuesConfig: ORDER_FIELD_VALUES,
});

let assembled: { from: readonly object[]; filter: ClassType<CustomerFilter> } | null = null;

/**
 * Builds CustomerFilter from the contributions and adds the contributed sort keys to CustomerOrderField. Classes
 * given to type-graphql are global to the process, so this happens once; the same contributions again return the
 * same class, and different ones are a mistake of the composition root.
 */
export function assembleCustomerFilter(
  filters: readonly CustomerFilterContribution[],
  sorts: readonly CustomerSortContribution[],
): ClassType<CustomerFilter> {
  const from = [...filters, ...sorts];
  if (assembled) {
    if (assembled.from.length !== from.length || assembled.from.some((c, i) => c !== from[i]))
      throw new Error('CustomerFilter was assembled from other contributions');
    return assembled.filter;
  }
  const Mixed = filters.reduce<ClassType>(
    (Base, contribution) => contribution.fields(Base),
    CustomerFilterFields,
  );
  @InputType('CustomerFilter', {
    description: 'Which customers to list; all conditions must hold.',
  })
  class AssembledCustomerFilter extends Mixed {}
  for (const sort of sorts) {
    (CustomerOrderField as Record<string, string>)[sort.field] = sort.field;
    ORDER_FIELD_VALUES[sort.field] = { description: sort.description };
  }
  assembled = { from, filter: AssembledCustomerFilter as ClassType<CustomerFilter> };
  return assembled.filter;
}

/** The assembled class (for `@Arg(() => …)` thunks, which run when the schema is built, and for instances). */
export function customerFilterClass(): ClassType<CustomerFilter> {
  if (!assembled)
    throw new Error(
      'CustomerFilter is assembled by the composition root (customersModule) before use',
    );
  return assembled.filter;
}
