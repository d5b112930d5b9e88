import {
  DocumentNode,
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  visit,
} from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { createResolversMap } from 'type-graphql';
import { toDatabaseId } from './common/relay';
import { requiredScopesOf } from './common/require-scopes';
import { requireScope } from './modules/partners';
import type { RequestContext } from './common/request-context';

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** Federation entities: the type, its key field, the scope an entity lookup needs and how it loads. */
export interface EntityDefinition {
  typeName: string;
  scope: string;
  load(id: string, context: RequestContext): Promise<unknown>;
}

/** Adds `@key(fields: "id")` to each entity type of the printed schema. */
function withEntityKeys(sdl: string, typeNames: Set<string>): DocumentNode {
  return visit(parse(sdl), {
    ObjectTypeDefinition(node) {
      if (!typeNames.has(node.name.value)) return undefined;
      return {
        ...node,
        directives: [
          ...(node.directives ?? []),
          {
            kind: Kind.DIRECTIVE,
            name: { kind: Kind.NAME, value: 'key' },
            arguments: [
              {
                kind: Kind.ARGUMENT,
                name: { kind: Kind.NAME, value: 'fields' },
                value: { kind: Kind.STRING, value: 'id' },
              },
            ],
          },
        ],
      };
    },
  });
}

/**
 * SDL has no place for field extensions, so the subgraph rebuilt from it would lose every field's requiredScopes,
 * and with them the whole-document check and the compiled reads' scope checks and audit notes (which then served
 * personal data to any key). They are copied from the graph the SDL was printed from: one source for both modes.
 */
function copyRequiredScopes(from: GraphQLSchema, to: GraphQLSchema): void {
  for (const type of Object.values(to.getTypeMap())) {
    const source = from.getType(type.name);
    if (
      !(isObjectType(type) || isInterfaceType(type)) ||
      !(isObjectType(source) || isInterfaceType(source))
    )
      continue;
    const sourceFields = source.getFields();
    for (const field of Object.values(type.getFields())) {
      const scopes = sourceFields[field.name] ? requiredScopesOf(sourceFields[field.name]) : [];
      if (scopes.length > 0) field.extensions = { ...field.extensions, requiredScopes: scopes };
    }
  }
}

/**
 * The same graph as an Apollo Federation 2 subgraph: the type-graphql schema printed, its entities keyed by
 * global id, and rebuilt by @apollo/subgraph with the type-graphql resolvers (which carry the scope checks).
 * `_entities` is a direct door to any id, so a lookup needs the same scope as `customer(id)`, and the fields
 * of the entity keep their own checks (personal fields need pii:read).
 */
export function toSubgraphSchema(
  schema: GraphQLSchema,
  entities: EntityDefinition[],
): GraphQLSchema {
  const typeDefs = withEntityKeys(
    `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}`,
    new Set(entities.map((e) => e.typeName)),
  );
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const entity of entities) {
    resolvers[entity.typeName] = {
      ...resolvers[entity.typeName],
      // async: a refused or malformed reference fails its own list item, not the whole _entities list.
      __resolveReference: async (reference: { id: string }, context: RequestContext) => {
        requireScope(context.principal, entity.scope);
        return entity.load(toDatabaseId(String(reference.id), entity.typeName), context);
      },
    };
  }
  const subgraph = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  copyRequiredScopes(schema, subgraph);
  subgraph.getQueryType()!.description = schema.getQueryType()!.description;
  return subgraph;
}
