import { Arg, Ctx, Extensions, ID, Query, Resolver } from 'type-graphql';
import { ARGUMENT_MAX_ITEMS } from './common/input-guard';
import type { RequestContext } from './common/request-context';
import { BadUserInputError } from './common/errors';
import { isUuid, Node, parseGlobalId } from './common/relay';
import { hasScope } from './common/scopes';
import { requireScope } from './modules/partners';
import type { NodeType } from './common/module-manifest';

export const MAX_NODES = 100;

/** node(id) and nodes(ids): each type through its owning module's loader and scope (the manifests' nodeTypes). */
@Resolver()
export class NodeResolver {
  constructor(private readonly types: Record<string, NodeType>) {}

  @Query(() => Node, {
    nullable: true,
    description:
      'Any object by its global id or its UUID (databaseId); null when it does not exist or the key may not read its type.',
  })
  node(
    @Arg('id', () => ID, { description: 'A global id, or a UUID (databaseId).' }) id: string,
    @Ctx() ctx: RequestContext,
  ) {
    return fetchNode(this.types, ctx, id);
  }

  @Extensions({ [ARGUMENT_MAX_ITEMS]: { ids: MAX_NODES } })
  @Query(() => [Node], {
    nullable: 'items',
    description: `Objects by global id or UUID, in the order given (at most ${MAX_NODES}); null for each that does not exist.`,
  })
  nodes(
    @Arg('ids', () => [ID], { description: 'Global ids or UUIDs (databaseId), mixed as you like.' })
    ids: string[],
    @Ctx() ctx: RequestContext,
  ) {
    return Promise.all(ids.map((id) => fetchNode(this.types, ctx, id)));
  }
}

function fetchNode(
  types: Record<string, NodeType>,
  ctx: RequestContext,
  globalId: string,
): Promise<Node | null> {
  if (isUuid(globalId)) return findByUuid(types, ctx, globalId.toLowerCase());
  const parsed = parseGlobalId(globalId);
  const type = parsed && Object.hasOwn(types, parsed.typeName) ? types[parsed.typeName] : null;
  if (!parsed || !type) throw new BadUserInputError('Not a global id of this API', { field: 'id' });
  requireScope(ctx.principal, type.scope);
  return type.fetch(ctx, parsed.id.toLowerCase());
}

/**
 * A bare UUID says nothing of its type. Ids are random (gen_random_uuid, 122 bits), so one names at most one row of
 * all the node tables: it is looked for in every type the key may read, each through its loader, so that a whole
 * nodes(ids:) list costs one batched statement per type, not one per id. Types the key may not read are not looked
 * in: the id alone cannot tell that it is one of theirs, so the answer is null, as for an id that exists nowhere.
 * Should a UUID ever be found twice (rows written with ids of their own), it is refused rather than guessed.
 */
async function findByUuid(
  types: Record<string, NodeType>,
  ctx: RequestContext,
  id: string,
): Promise<Node | null> {
  const readable = Object.values(types).filter((type) => hasScope(ctx.principal, type.scope));
  const found = (await Promise.all(readable.map((type) => type.fetch(ctx, id)))).filter(
    (node): node is Node => node !== null && node !== undefined,
  );
  if (found.length > 1)
    throw new BadUserInputError('This UUID is the id of more than one object; pass its global id', {
      field: 'id',
    });
  return found[0] ?? null;
}
