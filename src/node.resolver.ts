import { Arg, Ctx, Extensions, ID, Query, Resolver } from 'type-graphql';
import { ARGUMENT_MAX_ITEMS } from './common/input-guard';
import type { RequestContext } from './common/request-context';
import { BadUserInputError } from './common/errors';
import { isUuid, Node, parseGlobalId } from './common/relay';
import { hasScope } from './common/scopes';
import { requireScope } from './modules/partners';

type NodeFetcher = (ctx: RequestContext, id: string) => Promise<Node | null>;

/** How node(id) reaches each type: through the owning module's loader. */
export const NODE_FETCHERS: Record<string, NodeFetcher> = {
  Customer: (ctx, id) => ctx.loaders.customers.byId.load(id),
  Order: (ctx, id) => ctx.loaders.orders.byId.load(id),
  Product: (ctx, id) => ctx.loaders.orders.productById.load(id),
  OrderReturn: (ctx, id) => ctx.loaders.orders.returnById.load(id),
  Feedback: (ctx, id) => ctx.loaders.feedback.byId.load(id),
  Communication: (ctx, id) => ctx.loaders.communications.byId.load(id),
  LoyaltyLedgerEntry: (ctx, id) => ctx.loaders.loyalty.byId.load(id),
};

/** The scope that reads each type: node(id) is no way around the scopes. */
const NODE_SCOPES: Record<string, string> = {
  Customer: 'customers:read', Order: 'orders:read', Product: 'orders:read', OrderReturn: 'orders:read', Feedback: 'feedback:read',
  Communication: 'communications:read', LoyaltyLedgerEntry: 'loyalty:read',
};

export const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id or its UUID (databaseId); null when it does not exist or the key may not read its type.' })
  node(@Arg('id', () => ID, { description: 'A global id, or a UUID (databaseId).' }) id: string, @Ctx() ctx: RequestContext) {
    return fetchNode(ctx, id);
  }

  @Extensions({ [ARGUMENT_MAX_ITEMS]: { ids: MAX_NODES } })
  @Query(() => [Node], { nullable: 'items', description: `Objects by global id or UUID, in the order given (at most ${MAX_NODES}); null for each that does not exist.` })
  nodes(@Arg('ids', () => [ID], { description: 'Global ids or UUIDs (databaseId), mixed as you like.' }) ids: string[], @Ctx() ctx: RequestContext) {
    return Promise.all(ids.map((id) => fetchNode(ctx, id)));
  }
}

function fetchNode(ctx: RequestContext, globalId: string): Promise<Node | null> {
  if (isUuid(globalId)) return findByUuid(ctx, globalId.toLowerCase());
  const parsed = parseGlobalId(globalId);
  const fetcher = parsed && NODE_FETCHERS[parsed.typeName];
  if (!parsed || !fetcher) throw new BadUserInputError('Not a global id of this API', { field: 'id' });
  requireScope(ctx.principal, NODE_SCOPES[parsed.typeName]);
  return fetcher(ctx, parsed.id.toLowerCase());
}

/**
 * A bare UUID says nothing of its type. Ids are random (gen_random_uuid, 122 bits), so one names at most one row of
 * all the node tables: it is looked for in every type the key may read, each through its loader, so that a whole
 * nodes(ids:) list costs one batched statement per type, not one per id. Types the key may not read are not looked
 * in: the id alone cannot tell that it is one of theirs, so the answer is null, as for an id that exists nowhere.
 * Should a UUID ever be found twice (rows written with ids of their own), it is refused rather than guessed.
 */
async function findByUuid(ctx: RequestContext, id: string): Promise<Node | null> {
  const readable = Object.entries(NODE_FETCHERS).filter(([typeName]) => hasScope(ctx.principal, NODE_SCOPES[typeName]));
  const found = (await Promise.all(readable.map(([, fetch]) => fetch(ctx, id)))).filter((node): node is Node => node !== null && node !== undefined);
  if (found.length > 1) throw new BadUserInputError('This UUID is the id of more than one object; pass its global id', { field: 'id' });
  return found[0] ?? null;
}
