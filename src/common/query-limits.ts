import { FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 15;
export const MAX_TOKENS = 1000;

/**
 * Depth and alias limits as plain graphql-js validation rules. Hand-written (about forty lines) rather than
 * graphql-armor, which would bring the envelop plugin system into an Apollo server for two checks.
 */
export function queryLimits(maxDepth = MAX_DEPTH, maxAliases = MAX_ALIASES): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    let aliases = 0;
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) aliases += 1;
          if (selection.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, seen));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
        } else {
          const name = selection.name.value;
          if (seen.has(name)) continue; // cycles are reported by NoFragmentCycles
          deepest = Math.max(deepest, depthOf(fragments.get(name)?.selectionSet, new Set([...seen, name])));
        }
      }
      return deepest;
    };
    for (const definition of context.getDocument().definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const depth = depthOf(definition.selectionSet, new Set());
      if (depth > maxDepth) {
        context.reportError(new GraphQLError(`The query is ${depth} levels deep; at most ${maxDepth} are allowed`, { nodes: [definition], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' } }));
      }
    }
    if (aliases > maxAliases) {
      context.reportError(new GraphQLError(`The query uses ${aliases} aliases; at most ${maxAliases} are allowed`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases' } }));
    }
    return {};
  };
}
