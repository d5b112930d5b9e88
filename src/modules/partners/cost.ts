import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, getVariableValues, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { AppError } from '../../common/errors';
import { BUCKET_CAPACITY, CostBucket, RESTORE_PER_SECOND } from '../../common/cost-bucket';
import { hasScope, Principal } from '../../common/scopes';
import { queryCost } from './query-cost';
import { logger } from '../../common/logger';

export const MAX_QUERY_COST = 1000;

const MAX_COSTS_PER_DOCUMENT = 32;

/**
 * The cost of a document is the same for every request that gives the same values to the variables the costing read
 * (page sizes, ids lists, horizons, @include/@skip conditions), so it is computed once per (document, those values).
 * Apollo hands the same parsed document to each request with the same text, hence the WeakMap; the per-document list
 * is bounded.
 */
class CostMemo {
  private readonly documents = new WeakMap<
    DocumentNode,
    { names: string[]; key: string; cost: number }[]
  >();

  cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Record<string, unknown>,
    operationName: string | undefined,
  ): number {
    let entries = this.documents.get(document);
    if (!entries) this.documents.set(document, (entries = []));
    const keyOf = (names: string[]) =>
      JSON.stringify([operationName ?? null, ...names.map((name) => variables[name] ?? null)]);
    for (const entry of entries) if (keyOf(entry.names) === entry.key) return entry.cost;
    const { cost, variables: names } = queryCost(schema, document, variables, operationName);
    if (entries.length >= MAX_COSTS_PER_DOCUMENT) entries.length = 0;
    entries.push({ names, key: keyOf(names), cost });
    return cost;
  }
}

/** The request's variables as execution will see them; a value that does not coerce is the client's error. */
function coercedVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode | undefined,
  given: Record<string, unknown>,
) {
  const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], given);
  if (coerced.errors) {
    // With what the scalar said besides (a date's expected format and example).
    const { code: _code, ...details } = coerced.errors[0].extensions;
    throw new AppError(coerced.errors[0].message, 'BAD_USER_INPUT', {
      ...details,
      http: { status: 400 },
    });
  }
  return coerced.coerced;
}

/**
 * Static cost before execution, and a per-key leaky bucket (2,000 points, 100 a second). `admin` keys
 * (the shop's own tools) are measured but not limited.
 */
export function costPlugin(
  bucket: CostBucket,
): ApolloServerPlugin<{ principal: Principal | null }> {
  const memo = new CostMemo();
  return {
    async requestDidStart() {
      let cost = 0;
      let remaining = BUCKET_CAPACITY;
      return {
        async didResolveOperation({
          request,
          document,
          schema,
          contextValue,
          response,
          operation,
        }) {
          const variables = coercedVariables(
            schema,
            operation ?? undefined,
            request.variables ?? {},
          );
          try {
            cost = memo.cost(
              schema,
              document,
              variables,
              operation?.name?.value ?? request.operationName ?? undefined,
            );
          } catch (error) {
            // Fail closed: a request whose cost is unknown is not run, for any key.
            logger.warn({ err: error }, 'cost: the query could not be costed');
            throw new AppError('The query’s cost could not be computed', 'BAD_USER_INPUT', {
              limit: 'cost',
              http: { status: 400 },
            });
          }
          const principal = contextValue.principal;
          if (principal && hasScope(principal, 'admin')) return;
          // Without a key (a GET the key check let through as a browser's) the limit applies all the same.
          if (cost > MAX_QUERY_COST) {
            throw new AppError(
              `The query costs ${cost} points; at most ${MAX_QUERY_COST} are allowed`,
              'BAD_USER_INPUT',
              { limit: 'cost', cost, maxCost: MAX_QUERY_COST, http: { status: 400 } },
            );
          }
          if (!principal) return;
          const result = await bucket.take(principal.keyId, cost);
          remaining = result.remaining;
          if (!result.allowed) {
            response.http.headers.set('retry-after', String(result.retryAfterSeconds));
            throw new AppError(
              `Rate limit: ${cost} points needed, ${result.remaining} available`,
              'THROTTLED',
              {
                cost,
                remaining: result.remaining,
                retryAfterSeconds: result.retryAfterSeconds,
                http: { status: 429 },
              },
            );
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            cost: {
              requestedQueryCost: cost,
              maximumAvailable: BUCKET_CAPACITY,
              currentlyAvailable: remaining,
              restoreRate: RESTORE_PER_SECOND,
            },
          };
        },
      };
    },
  };
}
