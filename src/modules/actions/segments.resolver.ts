import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { toDatabaseId } from '../../common/relay';
import { ConnectionArgs } from '../../common/pagination';
import {
  CustomerConnection,
  type CustomerFilter,
  customerFilterClass,
  CustomerListService,
} from '../customers';
import { SegmentReport } from './segments';
import { SegmentsService } from './segments.service';
import { RequireScopes } from '../../common/require-scopes';
import { hasScope, Principal, requirePersonalData } from '../../common/scopes';

@ObjectType({ description: 'A saved customer filter.' })
export class SavedSegment {
  @Field(() => ID, { description: 'Saved segment id.' }) id: string;
  @Field({ description: 'Unique name.' }) name: string;
  @Field(() => String, { nullable: true, description: 'What it is for.' }) description:
    string | null;
  @Field(() => GraphQLJSONObject, {
    description:
      'The CustomerFilter it applies, as JSON. Its search text (which can be a name or an email) only for keys with pii:read; otherwise "search" reads "(needs pii:read)".',
  })
  filter: Record<string, unknown>;
  @Field({ description: 'When it was saved.' }) createdAt: Date;
}

@Resolver(() => SavedSegment)
export class SegmentsResolver {
  constructor(
    private readonly segments: SegmentsService,
    private readonly customerList: CustomerListService,
  ) {}

  @RequireScopes('metrics:read')
  @Query(() => [SegmentReport], {
    description:
      'Segments with meaning: each with its rule, how many customers, their spend and predicted CLV.',
  })
  segmentReports() {
    return this.segments.reports();
  }

  @RequireScopes('customers:read')
  @Query(() => [SavedSegment], { description: 'Saved customer filters, by name.' })
  savedSegments() {
    return this.segments.list();
  }

  @RequireScopes('admin')
  @Mutation(() => SavedSegment, { description: 'Save a customer filter under a unique name.' })
  saveSegment(
    @Arg('name', { description: 'Unique name.' }) name: string,
    @Arg('filter', () => customerFilterClass(), {
      description: 'The same filter input as customers.',
    })
    filter: CustomerFilter,
    @Arg('description', () => String, { nullable: true, description: 'What it is for.' })
    description?: string | null,
  ) {
    return this.segments.save(name, description ?? null, filter);
  }

  @RequireScopes('admin')
  @Mutation(() => Boolean, { description: 'Delete a saved segment.' })
  deleteSegment(@Arg('id', () => ID, { description: 'Saved segment id.' }) id: string) {
    return this.segments.remove(toDatabaseId(id, 'SavedSegment'));
  }

  // A saved search is text an admin typed, often a person's name or email: personal data like the fields it matches.
  @FieldResolver(() => GraphQLJSONObject)
  filter(
    @Root() segment: SavedSegment,
    @Ctx() ctx: { principal: Principal | null },
  ): Record<string, unknown> {
    if (segment.filter.search == null || hasScope(ctx.principal, 'pii:read')) return segment.filter;
    return { ...segment.filter, search: '(needs pii:read)' };
  }

  @FieldResolver(() => CustomerConnection, {
    description:
      'The customers the saved filter selects now, by name. A filter with a search needs pii:read, as the search itself does.',
  })
  customers(
    @Root() segment: SavedSegment,
    @Args() page: ConnectionArgs,
    @Ctx() ctx: { principal: Principal | null },
  ) {
    // Which customers a saved search selects tells what it searched for, as a search of one's own would.
    if (segment.filter.search != null) requirePersonalData(ctx.principal, 'filter.search');
    return this.customerList.list({ ...page, filter: this.segments.toFilter(segment.filter) });
  }
}
