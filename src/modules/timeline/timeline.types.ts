import { ArgsType, Field, Int, ObjectType, createUnionType } from 'type-graphql';
import { IsOptional } from 'class-validator';
import { describeEnum } from '../../common/enums';
import { Connection } from '../../common/pagination';
import { Order, OrderReturn } from '../orders';
import { Feedback } from '../feedback';
import { Communication } from '../communications';
import { LoyaltyLedgerEntry } from '../loyalty';

export enum TimelineEventKind {
  COMMUNICATION = 'COMMUNICATION',
  FEEDBACK = 'FEEDBACK',
  LOYALTY = 'LOYALTY',
  ORDER = 'ORDER',
  RETURN = 'RETURN',
}
describeEnum(TimelineEventKind, 'TimelineEventKind', 'Kinds of events on a customer timeline.', {
  COMMUNICATION: 'A contact in either direction.',
  FEEDBACK: 'A score, review, complaint or testimonial.',
  LOYALTY: 'Points earned, redeemed, expired or adjusted.',
  ORDER: 'An order placed.',
  RETURN: 'Items returned.',
});

export const TimelineSubject = createUnionType({
  name: 'TimelineSubject',
  description: 'The record behind a timeline event.',
  types: () => [Order, OrderReturn, Feedback, Communication, LoyaltyLedgerEntry] as const,
  resolveType: (value: { __typename: string }) => value.__typename,
});

@ObjectType({ description: 'One event in a customer’s history.' })
export class TimelineEvent {
  @Field(() => TimelineEventKind, { description: 'What happened.' })
  kind: TimelineEventKind;

  @Field({ description: 'When it happened.' })
  occurredAt: Date;

  @Field({ description: 'One line for a customer page, e.g. "Order 1001: 3 items, 45.00 USD".' })
  title: string;

  @Field(() => TimelineSubject, { description: 'The order, return, feedback, communication or ledger entry itself.' })
  subject: typeof TimelineSubject;

  databaseId: string;
}

export const TimelineConnection = Connection(TimelineEvent, 'TimelineConnection', 'timeline events, newest first');

@ArgsType()
export class TimelineArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 100; required.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Opaque cursor: events older than this one.' })
  after?: string | null;

  @Field(() => [TimelineEventKind], { nullable: true, description: 'Only these kinds; default all.' })
  @IsOptional()
  kinds?: TimelineEventKind[] | null;
}
