import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { LocalDateScalar } from '../../common/dates';
import {
  ArrayMaxSize,
  IsDate,
  IsEmail,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsLocale,
  IsOptional,
  Length,
  Max,
  MaxDate,
  MaxLength,
  Min,
  MinDate,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IDEMPOTENCY_KEY_DESCRIPTION } from '../../common/idempotency';
import { IsBoundedJson } from '../../common/validation';
import { GraphQLJSONObject } from 'graphql-scalars';
import { SortDirection } from '../../common/enums';
import { ConnectionArgs } from '../../common/pagination';
import { ConsentChannel, IdentifierType } from './customer.types';
import { CustomerFilter, customerFilterClass, CustomerOrderField } from './customer-filter.inputs';

/** What one customer's custom attributes may hold: enough for a profile, not a document store. */
export const ATTRIBUTE_BOUNDS = { maxBytes: 16 * 1024, maxDepth: 5, maxKeys: 100 };
export const EARLIEST_BIRTH_DATE = '1900-01-01';
/** No shop's customer signed up before 1970; a signup in the future (a minute of clock skew aside) is a mistake. */
const EARLIEST_SIGNUP = new Date('1970-01-01T00:00:00Z');

/**
 * A birth date from EARLIEST_BIRTH_DATE up to today (UTC). Validators have no request clock, so "today" is the
 * process clock's; a day's difference near midnight does not matter for a date of birth.
 */
function IsBirthDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isBirthDate',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        value >= EARLIEST_BIRTH_DATE &&
        value <= new Date().toISOString().slice(0, 10),
      defaultMessage: () => `$property must be from ${EARLIEST_BIRTH_DATE} to today`,
    },
  });
}

@InputType({ description: 'An identifier to link to a customer.' })
export class IdentifierInput {
  @Field(() => IdentifierType, { description: 'Kind of identifier.' })
  type: IdentifierType;

  @Field({ description: 'The identifier value.' })
  @Length(1, 200)
  value: string;

  @Field({ description: 'The system it comes from, e.g. "shopify".' })
  @Length(1, 100)
  source: string;
}

@InputType({ description: 'A change of marketing consent on one channel.' })
export class ConsentInput {
  @Field(() => ConsentChannel, { description: 'The channel.' })
  channel: ConsentChannel;

  @Field({ description: 'True to record consent, false to record its withdrawal.' })
  granted: boolean;

  @Field({ description: 'Where it was given or withdrawn, e.g. "checkout".' })
  @Length(1, 100)
  source: string;

  @Field(() => Date, { nullable: true, description: 'When; defaults to now.' })
  @IsOptional()
  @IsDate()
  occurredAt?: Date | null;
}

@InputType({ description: 'A month and day.' })
export class NameDayInput {
  @Field(() => Int, { description: 'Month, 1 to 12.' })
  @IsInt()
  @Min(1)
  @Max(12)
  month: number;

  @Field(() => Int, { description: 'Day, 1 to 31 (checked against the month).' })
  @IsInt()
  @Min(1)
  @Max(31)
  day: number;
}

@InputType({
  description:
    'Profile fields; on update, omitted fields stay as they are and null clears a field.',
})
export class CustomerProfileInput {
  @Field(() => String, { nullable: true, description: 'Given name.' })
  @IsOptional()
  @MaxLength(200)
  givenName?: string | null;

  @Field(() => String, { nullable: true, description: 'Family name.' })
  @IsOptional()
  @MaxLength(200)
  familyName?: string | null;

  @Field(() => String, { nullable: true, description: 'Primary email.' })
  @IsOptional()
  @IsEmail()
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Primary phone; stored as E.164 such as +385911234567. A number without its country code is read as one of the configured default region (PHONE_DEFAULT_REGION).',
  })
  @IsOptional()
  @MaxLength(40)
  phone?: string | null;

  @Field(() => LocalDateScalar, {
    nullable: true,
    description: `Date of birth, YYYY-MM-DD, from ${EARLIEST_BIRTH_DATE} to today.`,
  })
  @IsOptional()
  @IsBirthDate()
  birthDate?: string | null;

  @Field(() => NameDayInput, { nullable: true, description: 'Name day.' })
  @IsOptional()
  @ValidateNested()
  nameDay?: NameDayInput | null;

  @Field(() => String, { nullable: true, description: 'Locale, BCP 47.' })
  @IsOptional()
  @IsLocale()
  locale?: string | null;

  @Field(() => String, { nullable: true, description: 'Country, ISO 3166-1 alpha-2.' })
  @IsOptional()
  @IsISO31661Alpha2()
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  @IsOptional()
  @MaxLength(200)
  city?: string | null;

  @Field(() => [String], { nullable: true, description: 'Tags; replaces the existing set.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Length(1, 50, { each: true })
  tags?: string[] | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: `Custom attributes; merged into the existing object (a key set to null is removed). At most ${ATTRIBUTE_BOUNDS.maxBytes / 1024} KB as JSON (after the merge too), ${ATTRIBUTE_BOUNDS.maxDepth} levels deep, ${ATTRIBUTE_BOUNDS.maxKeys} keys per object.`,
  })
  @IsOptional()
  @IsBoundedJson(ATTRIBUTE_BOUNDS)
  attributes?: Record<string, unknown> | null;
}

@InputType({ description: 'A new customer.' })
export class CreateCustomerInput extends CustomerProfileInput {
  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Signup date (the anniversary), from 1970-01-01 to now; defaults to now.',
  })
  @IsOptional()
  @IsDate()
  @MinDate(EARLIEST_SIGNUP)
  @MaxDate(() => new Date(Date.now() + 60_000))
  signupAt?: Date | null;

  @Field(() => [IdentifierInput], { nullable: true, description: 'Identifiers to link.' })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(20)
  identifiers?: IdentifierInput[] | null;

  @Field(() => [ConsentInput], { nullable: true, description: 'Consents to record.' })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(10)
  consents?: ConsentInput[] | null;
}

@InputType({ description: 'Changes to a customer.' })
export class UpdateCustomerInput extends CustomerProfileInput {
  @Field(() => Date, {
    nullable: true,
    description: 'Corrected signup date, from 1970-01-01 to now.',
  })
  @IsOptional()
  @IsDate()
  @MinDate(EARLIEST_SIGNUP)
  @MaxDate(() => new Date(Date.now() + 60_000))
  signupAt?: Date | null;

  @Field(() => [IdentifierInput], {
    nullable: true,
    description: 'Identifiers to link in addition to the existing ones.',
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(20)
  addIdentifiers?: IdentifierInput[] | null;

  @Field(() => [IdentifierInput], { nullable: true, description: 'Identifiers to unlink.' })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(20)
  removeIdentifiers?: IdentifierInput[] | null;

  @Field(() => [ConsentInput], {
    nullable: true,
    description: 'Consent changes to record (history is kept).',
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(10)
  consents?: ConsentInput[] | null;
}

@InputType({ description: 'Sort order of a customer list.' })
export class CustomerOrder {
  @Field(() => CustomerOrderField, { description: 'The sort key.' })
  field: CustomerOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'The direction.' })
  @IsIn([SortDirection.ASC, SortDirection.DESC])
  direction: SortDirection;
}

@ArgsType()
export class CustomersArgs extends ConnectionArgs {
  @Field(() => customerFilterClass(), {
    nullable: true,
    description: 'Conditions on the customers.',
  })
  @IsOptional()
  @ValidateNested()
  filter?: CustomerFilter | null;

  @Field(() => CustomerOrder, {
    nullable: true,
    description: 'Sort order; default name ascending.',
  })
  @IsOptional()
  @ValidateNested()
  orderBy?: CustomerOrder | null;
}
