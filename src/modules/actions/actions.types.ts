import { ArgsType, Field, Float, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../common/dates';
import { ConsentableChannel } from '../../common/channels';
import { describeEnum } from '../../common/enums';
import { Money } from '../../common/money';
import { Connection } from '../../common/pagination';

export enum ActionKindName {
  REORDER_REMINDER = 'REORDER_REMINDER',
  WIN_BACK = 'WIN_BACK',
  GREETING = 'GREETING',
  COMPLEMENTARY_PRODUCT = 'COMPLEMENTARY_PRODUCT',
  SERVICE_FOLLOW_UP = 'SERVICE_FOLLOW_UP',
  THANK_YOU = 'THANK_YOU',
  TIER_NUDGE = 'TIER_NUDGE',
  POINTS_EXPIRING = 'POINTS_EXPIRING',
}
describeEnum(ActionKindName, 'ActionKind', 'Kinds of next best action.', {
  REORDER_REMINDER: 'A product the customer buys on a cycle is due again.',
  WIN_BACK: 'A customer with high churn risk worth winning back.',
  GREETING: 'A birthday, name day or signup anniversary within a week.',
  COMPLEMENTARY_PRODUCT: 'A product that goes with what the customer bought.',
  SERVICE_FOLLOW_UP: 'An open complaint or a detractor score to follow up.',
  THANK_YOU: 'A key customer (top 20% by predicted CLV) to thank.',
  TIER_NUDGE: 'Close to the next loyalty tier.',
  POINTS_EXPIRING: 'Loyalty points about to expire.',
});

export type ContactChannel = ConsentableChannel;
export const ContactChannel = describeEnum(
  { ...ConsentableChannel },
  'ContactChannel',
  'Channel an action uses; always one the customer consented to.',
  {
    EMAIL: 'Email.',
    SMS: 'Text message.',
    PHONE: 'Phone call.',
    PUSH: 'App push notification.',
  },
);

export enum MomentKindName {
  BIRTHDAY = 'BIRTHDAY',
  NAME_DAY = 'NAME_DAY',
  SIGNUP_ANNIVERSARY = 'SIGNUP_ANNIVERSARY',
}
describeEnum(MomentKindName, 'MomentKind', 'A yearly moment.', {
  BIRTHDAY: 'Birthday (personal data; use with care).',
  NAME_DAY: 'Name day.',
  SIGNUP_ANNIVERSARY: 'Anniversary of the signup date.',
});

@ObjectType({ description: 'A suggested action for one customer, with its reason.' })
export class NextBestAction {
  customerId: string;
  /** The personal data the action is built on (a birthday greeting); not a field. */
  personalData?: string;
  @Field(() => ActionKindName, { description: 'What to do.' }) kind: ActionKindName;
  @Field({ description: 'Why, in words.' }) reason: string;
  @Field(() => LocalDateScalar, { description: 'When to act.' }) dueDate: string;
  @Field(() => ContactChannel, { description: 'The channel, one the customer consented to.' })
  channel: ContactChannel;
  @Field(() => Money, { description: 'Expected value of acting (0 for pure care actions).' })
  expectedValue: Money;
}

@ObjectType({ description: 'A product the customer buys on a cycle, and when it is due again.' })
export class ReplenishmentCycle {
  customerId: string;
  productId: string;
  @Field({ description: 'Product sku.' }) sku: string;
  @Field({ description: 'Product name.' }) name: string;
  @Field({ description: 'Product category.' }) category: string;
  @Field(() => Int, { description: 'Days on which the customer bought it.' }) purchases: number;
  @Field(() => Int, { description: 'Median days between purchases.' }) typicalIntervalDays: number;
  @Field(() => LocalDateScalar, { description: 'Last purchase day.' }) lastPurchaseDate: string;
  @Field(() => LocalDateScalar, { description: 'Last purchase plus the typical interval.' })
  dueDate: string;
  @Field(() => Float, {
    description: '0–1: more purchases and steadier gaps give more confidence.',
  })
  confidence: number;
}

@ObjectType({ description: 'A yearly moment of a customer.' })
export class CustomerMoment {
  customerId: string;
  @Field(() => MomentKindName, { description: 'Which moment.' }) kind: MomentKindName;
  @Field(() => LocalDateScalar, { description: 'Its next date.' }) date: string;
  @Field(() => Int, {
    nullable: true,
    description: 'Age or years as a customer on that date; null for name days.',
  })
  years: number | null;
}

@ObjectType({ description: 'An association rule A → B mined from order lines.' })
export class ProductComplement {
  productId: string;
  @Field(() => Float, {
    description: 'Share of customers who bought A and then B within the window.',
  })
  support: number;
  @Field(() => Float, { description: 'Of customers who bought A, the share who then bought B.' })
  confidence: number;
  @Field(() => Float, {
    description: 'Confidence over B’s base rate; above 1 means A makes B more likely.',
  })
  lift: number;
}

@ObjectType({ description: 'A product recommended to a customer because of what they bought.' })
export class ProductRecommendation {
  productId: string;
  becauseOfIds: string[];
  @Field(() => Float, { description: 'The best lift among the rules that suggest it.' })
  lift: number;
  @Field(() => Float, { description: 'The confidence of that rule.' }) confidence: number;
}

export const ReplenishmentConnection = Connection(
  ReplenishmentCycle,
  'ReplenishmentConnection',
  'replenishment cycles due',
);
export const MomentConnection = Connection(CustomerMoment, 'MomentConnection', 'upcoming moments');
export const NextBestActionConnection = Connection(
  NextBestAction,
  'NextBestActionConnection',
  'next best actions across the base',
);

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' }) first: number;
  @Field(() => String, { nullable: true, description: 'Opaque cursor: items after this one.' })
  after?: string | null;
}
