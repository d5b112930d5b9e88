import {
  ArgsType,
  ClassType,
  Field,
  Int,
  ObjectType,
  createUnionType,
  registerEnumType,
} from 'type-graphql';
import { IsOptional } from 'class-validator';
import { Connection } from '../../common/pagination';
import type { TimelineSource } from '../../common/timeline-source';

/**
 * The kinds of events, one per timeline source: each module that owns records for the timeline declares its kind
 * with its source (its manifest's `timelineSources`), and assembleTimeline adds them here before the schema is
 * built (type-graphql reads an enum's keys then), so this module imports none of them.
 */
export const TimelineEventKind: Record<string, string> = {};
export type TimelineEventKind = string;
const KIND_VALUES: Record<string, { description: string }> = {};
registerEnumType(TimelineEventKind, {
  name: 'TimelineEventKind',
  description: 'Kinds of events on a customer timeline.',
  valuesConfig: KIND_VALUES,
});

let assembled: readonly TimelineSource[] | null = null;

/** Adds the sources' kinds and record types to the schema's enum and union; once per process, as they are global. */
export function assembleTimeline(sources: readonly TimelineSource[]): readonly TimelineSource[] {
  if (assembled) {
    if (assembled.length !== sources.length || assembled.some((s, i) => s !== sources[i]))
      throw new Error('The timeline was assembled from other sources');
    return assembled;
  }
  for (const source of sources) {
    TimelineEventKind[source.kind] = source.kind;
    KIND_VALUES[source.kind] = { description: source.description };
  }
  assembled = sources;
  return sources;
}

export const TimelineSubject = createUnionType({
  name: 'TimelineSubject',
  description: 'The record behind a timeline event.',
  types: () =>
    (assembled ?? []).map((source) => source.type) as unknown as readonly [
      ClassType,
      ...ClassType[],
    ],
  resolveType: (value) => (value as { __typename: string }).__typename,
});

@ObjectType({ description: 'One event in a customer’s history.' })
export class TimelineEvent {
  @Field(() => TimelineEventKind, { description: 'What happened.' })
  kind: TimelineEventKind;

  @Field({ description: 'When it happened.' })
  occurredAt: Date;

  @Field({ description: 'One line for a customer page, e.g. "Order 1001: 3 items, 45.00 USD".' })
  title: string;

  @Field(() => TimelineSubject, {
    description: 'The order, return, feedback, communication or ledger entry itself.',
  })
  subject: typeof TimelineSubject;

  databaseId: string;
}

export const TimelineConnection = Connection(
  TimelineEvent,
  'TimelineConnection',
  'timeline events, newest first',
);

@ArgsType()
export class TimelineArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 100; required.' })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Opaque cursor: events older than this one.',
  })
  after?: string | null;

  @Field(() => [TimelineEventKind], {
    nullable: true,
    description: 'Only these kinds; default all.',
  })
  @IsOptional()
  kinds?: TimelineEventKind[] | null;
}
