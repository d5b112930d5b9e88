import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, getNamedType, GraphQLSchema, isLeafType, Kind, visit } from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { AppError } from '../../common/errors';
import { BUCKET_CAPACITY, CostBucket, RESTORE_PER_SECOND } from '../../common/cost-bucket';
import { DEFAULT_PAGE_SIZE } from '../../common/pagination';
import { hasScope, Principal } from '../../common/scopes';

export const MAX_QUERY_COST = 1000;

/**
 * Shopify's model: a scalar costs 0, an object 1 plus its children, a connection 2 plus its page size times
 * its children. Page sizes come from the variables too, so `first: $n` cannot hide a large page.
 */
const connectionEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (isLeafType(getNamedType(field.type))) return 0;
  const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : null;
  if (size !== null || getNamedType(field.type).name.endsWith('Connection')) return 2 + (size ?? DEFAULT_PAGE_SIZE) * Math.max(childComplexity, 1);
  return 1 + childComplexity;
};

/** The variables a document's cost depends on: page sizes (first, last) and the conditions of @include/@skip. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      if (node.value.kind !== Kind.VARIABLE) return;
      const onDirective = (ancestors[ancestors.length - 1] as { kind?: string } | undefined)?.kind === Kind.DIRECTIVE;
      if (onDirective || node.name.value === 'first' || node.name.value === 'last') names.add(node.value.name.value);
    },
  });
  return [...names].sort();
}

const MAX_COSTS_PER_DOCUMENT = 32;

/**
 * The cost of a document is the same for every request that sends the same page sizes and conditions, so it is
 * computed once per (document, those variables). Apollo hands the same parsed document to each request with the same
 * text, hence the WeakMap; the per-document map is bounded.
 */
class CostMemo {
  private readonly documents = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();

  cost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): number {
    let entry = this.documents.get(document);
    if (!entry) {
      entry = { variables: costVariables(document), costs: new Map() };
      this.documents.set(document, entry);
    }
    const key = JSON.stringify([operationName ?? null, ...entry.variables.map((name) => variables[name] ?? null)]);
    const known = entry.costs.get(key);
    if (known !== undefined) return known;
    const cost = getComplexity({ schema, query: document, variables, operationName, estimators: [connectionEstimator] });
    if (entry.costs.size >= MAX_COSTS_PER_DOCUMENT) entry.costs.clear();
    entry.costs.set(key, cost);
    return cost;
  }
}

/**
 * Static cost before execution, and a per-key leaky bucket (2,000 points, 100 a second). `admin` keys
 * (the shop's own tools) are measured but not limited.
 */
export function costPlugin(bucket: CostBucket): ApolloServerPlugin<{ principal: Principal | null }> {
  const memo = new CostMemo();
  return {
    async requestDidStart() {
      let cost = 0;
      let remaining = BUCKET_CAPACITY;
      return {
        async didResolveOperation({ request, document, schema, contextValue, response }) {
          try {
            cost = memo.cost(schema, document, request.variables ?? {}, request.operationName ?? undefined);
          } catch {
            // Variables that do not coerce: execution refuses them next with BAD_USER_INPUT, before any cost is run up.
            return;
          }
          const principal = contextValue.principal;
          if (!principal || hasScope(principal, 'admin')) return;
          if (cost > MAX_QUERY_COST) {
            throw new AppError(`The query costs ${cost} points; at most ${MAX_QUERY_COST} are allowed`, 'BAD_USER_INPUT',
              { limit: 'cost', cost, maxCost: MAX_QUERY_COST, http: { status: 400 } });
          }
          const result = await bucket.take(principal.keyId, cost);
          remaining = result.remaining;
          if (!result.allowed) {
            response.http.headers.set('retry-after', String(result.retryAfterSeconds));
            throw new AppError(`Rate limit: ${cost} points needed, ${result.remaining} available`, 'THROTTLED',
              { cost, remaining: result.remaining, retryAfterSeconds: result.retryAfterSeconds, http: { status: 429 } });
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            cost: { requestedQueryCost: cost, maximumAvailable: BUCKET_CAPACITY, currentlyAvailable: remaining, restoreRate: RESTORE_PER_SECOND },
          };
        },
      };
    },
  };
}
