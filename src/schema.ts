import 'reflect-metadata';
import path from 'node:path';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, NonEmptyArray, PubSub } from 'type-graphql';
import { enforceScopes } from './modules/partners';
import { PERSONAL_DATA_CATEGORIES } from './container';
import { validateArgument } from './common/validation';
import { DateTimeScalar } from './common/dates';

export const SCHEMA_FILE = path.resolve(__dirname, '..', 'schema.graphql');

type ResolverInstance = object;

const NO_TOPICS: PubSub = {
  publish: () => undefined,
  subscribe: () => {
    throw new Error(
      'Subscriptions here have a subscribe function of their own; there are no topics',
    );
  },
};

/** Builds the executable schema from resolver instances made in the composition root. */
export async function createSchema(resolvers: ResolverInstance[]): Promise<GraphQLSchema> {
  const byClass = new Map<Function, ResolverInstance>(resolvers.map((r) => [r.constructor, r]));
  const schema = await buildSchema({
    resolvers: resolvers.map((r) => r.constructor) as unknown as NonEmptyArray<Function>,
    container: { get: (someClass) => byClass.get(someClass as Function) },
    // class-validator on every input and args class, forbidUnknownValues off (see validateArgument).
    validateFn: validateArgument,
    // Every `Date` is an instant (see common/dates.ts); days are declared with LocalDateScalar.
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // Every @Subscription brings its own `subscribe` (the outbox feed); type-graphql asks for a pubSub all the same.
    pubSub: NO_TOPICS,
  });
  enforceScopes(schema, PERSONAL_DATA_CATEGORIES);
  // type-graphql gives the root types no description; BI tools show them first.
  schema.getQueryType()!.description =
    'Reads: customers with everything about them, single objects by id, the loyalty program.';
  schema.getMutationType()!.description =
    'Writes from the systems that feed the graph; each runs in one transaction.';
  const subscriptions = schema.getSubscriptionType();
  if (subscriptions)
    subscriptions.description =
      'Change events pushed as they commit, over WebSocket only (graphql-ws protocol on /graphql).';
  return schema;
}

/** The committed schema.graphql is exactly this text. */
export function printCommittedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
