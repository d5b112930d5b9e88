import { Field, ID, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../common/dates';
import { GraphQLJSONObject } from 'graphql-scalars';
import { ConsentableChannel } from '../../common/channels';
import { describeEnum } from '../../common/enums';
import { Node, toGlobalId } from '../../common/relay';
import { Connection } from '../../common/pagination';
import { RequireScopes } from '../../common/require-scopes';

export enum IdentifierType {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  SHOP_CUSTOMER_ID = 'SHOP_CUSTOMER_ID',
  LOYALTY_CARD = 'LOYALTY_CARD',
  EXTERNAL = 'EXTERNAL',
}
describeEnum(
  IdentifierType,
  'IdentifierType',
  'Kind of identifier another system knows a customer by.',
  {
    EMAIL: 'An email address (personal data).',
    PHONE: 'A phone number (personal data).',
    SHOP_CUSTOMER_ID: "The customer's id in a shop system or imported file.",
    LOYALTY_CARD: 'A loyalty card number.',
    EXTERNAL: 'Any other system id (CRM, marketing tool, support desk).',
  },
);

export type ConsentChannel = ConsentableChannel;
export const ConsentChannel = describeEnum(
  { ...ConsentableChannel },
  'ConsentChannel',
  'A marketing channel that needs the customer’s consent.',
  {
    EMAIL: 'Marketing email.',
    SMS: 'Marketing text messages.',
    PHONE: 'Marketing phone calls.',
    PUSH: 'App push notifications.',
  },
);

@ObjectType({
  description:
    'An id by which another system knows this customer; (type, source, value) is unique.',
})
export class CustomerIdentifier {
  @Field(() => IdentifierType, { description: 'What kind of identifier this is.' })
  type: IdentifierType;

  @Field(() => String, {
    nullable: true,
    description:
      'The identifier itself, e.g. the shop customer number; null for email and phone identifiers without pii:read.',
  })
  value: string | null;

  @Field({ description: 'The system the identifier comes from, e.g. "shopify", "cdnow", "pos".' })
  source: string;

  @Field({ description: 'When the identifier was linked to the customer.' })
  createdAt: Date;
}

@ObjectType({
  description:
    'The current marketing consent on one channel, with when and where it was last changed.',
})
export class MarketingConsent {
  @Field(() => ConsentChannel, { description: 'The channel.' })
  channel: ConsentChannel;

  @Field({ description: 'True when the customer agreed to marketing on this channel.' })
  granted: boolean;

  @Field({ description: 'When consent was given or withdrawn.' })
  changedAt: Date;

  @Field({
    description:
      'Where consent was given or withdrawn, e.g. "checkout", "preference centre", "store".',
  })
  source: string;
}

@ObjectType({ description: 'A name day: a month and day celebrated every year.' })
export class NameDay {
  @Field(() => Int, { description: 'Month, 1 to 12.' })
  month: number;

  @Field(() => Int, { description: 'Day of the month, 1 to 31.' })
  day: number;
}

@ObjectType({
  implements: Node,
  description:
    'A customer: profile, identifiers and consents; other modules add orders, feedback, communications, loyalty and metrics.',
})
export class Customer extends Node {
  __typename: 'Customer';

  @Field(() => ID, { description: 'The database id (UUID); stable, for joins in BI tools.' })
  databaseId: string;

  @RequireScopes('pii:read')
  @Field(() => String, { nullable: true, description: 'Given (first) name. Personal data.' })
  givenName: string | null;

  @RequireScopes('pii:read')
  @Field(() => String, { nullable: true, description: 'Family (last) name. Personal data.' })
  familyName: string | null;

  @RequireScopes('pii:read')
  @Field(() => String, {
    nullable: true,
    description: 'Given and family name joined, for display. Personal data.',
  })
  fullName: string | null;

  @RequireScopes('pii:read')
  @Field(() => String, { nullable: true, description: 'Primary email address. Personal data.' })
  email: string | null;

  @RequireScopes('pii:read')
  @Field(() => String, {
    nullable: true,
    description: 'Primary phone number, E.164 preferred. Personal data.',
  })
  phone: string | null;

  @RequireScopes('pii:read')
  @Field(() => LocalDateScalar, { nullable: true, description: 'Date of birth. Personal data.' })
  birthDate: string | null;

  @RequireScopes('pii:read')
  @Field(() => NameDay, {
    nullable: true,
    description:
      'Name day (month and day), where the customer’s culture celebrates one. Personal data.',
  })
  nameDay: NameDay | null;

  @Field(() => String, { nullable: true, description: 'Preferred locale, BCP 47, e.g. "hr-HR".' })
  locale: string | null;

  @Field(() => String, { nullable: true, description: 'Country, ISO 3166-1 alpha-2.' })
  country: string | null;

  @RequireScopes('pii:read')
  @Field(() => String, { nullable: true, description: 'City. Personal data.' })
  city: string | null;

  @Field({ description: 'When the customer signed up: their anniversary.' })
  signupAt: Date;

  @Field(() => [String], { description: 'Free tags, e.g. "vip", "wholesale".' })
  tags: string[];

  @Field(() => GraphQLJSONObject, {
    description: 'Custom attributes from other systems (JSON object).',
  })
  attributes: Record<string, unknown>;

  @Field({ description: 'When the record was created here.' })
  createdAt: Date;

  @Field({
    description:
      'When the record last changed here (profile, identifiers, consents or order totals).',
  })
  updatedAt: Date;
}

export const CustomerConnection = Connection(Customer, 'CustomerConnection', 'customers');

/** A row of `select c.* from customers c` as pg returns it. */
export interface CustomerRow {
  id: string;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  phone: string | null;
  birth_date: string | null;
  name_day_month: number | null;
  name_day_day: number | null;
  locale: string | null;
  country: string | null;
  city: string | null;
  signup_at: Date;
  tags: string[];
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  sort_name: string;
  net_spent_minor: string;
  last_order_at: Date | null;
}

export function toCustomer(row: CustomerRow): Customer {
  const fullName = [row.given_name, row.family_name].filter(Boolean).join(' ') || null;
  // An instance, not a plain object: type-graphql copies a plain root into one for each of a customer's field resolvers.
  return Object.assign(new Customer(), {
    __typename: 'Customer',
    id: toGlobalId('Customer', row.id),
    databaseId: row.id,
    givenName: row.given_name,
    familyName: row.family_name,
    fullName,
    email: row.email,
    phone: row.phone,
    birthDate: row.birth_date,
    nameDay:
      row.name_day_month && row.name_day_day
        ? { month: row.name_day_month, day: row.name_day_day }
        : null,
    locale: row.locale,
    country: row.country ? row.country.trim() : null,
    city: row.city,
    signupAt: row.signup_at,
    tags: row.tags,
    attributes: row.attributes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
