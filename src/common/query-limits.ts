import {
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 15;
export const MAX_TOKENS = 1000;

interface Measure {
  depth: number;
  /** Aliases as executed: a fragment spread twice counts its aliases twice. */
  aliases: number;
}

/**
 * Depth and alias limits as plain graphql-js validation rules. Hand-written (about forty lines) rather than
 * graphql-armor, which would bring the envelop plugin system into an Apollo server for two checks.
 *
 * Each fragment is measured once and its measure reused at every spread: walking spreads afresh made 22 fragments
 * that each spread the previous twice (900 bytes) cost 2^22 walks. Memoised, the rule visits every selection of the
 * document once, so it is linear in the document's size; the alias count still multiplies through spreads (it can
 * grow large as a number, never as work).
 */
export function queryLimits(maxDepth = MAX_DEPTH, maxAliases = MAX_ALIASES): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION)
        fragments.set(definition.name.value, definition);
    }
    const measured = new Map<string, Measure>();
    const inProgress = new Set<string>();
    const fragmentMeasure = (name: string): Measure => {
      const known = measured.get(name);
      if (known) return known;
      // A cycle is reported by NoFragmentCycles; here it only must not recurse for ever.
      if (inProgress.has(name)) return { depth: 0, aliases: 0 };
      inProgress.add(name);
      const measure = measureSet(fragments.get(name)?.selectionSet);
      inProgress.delete(name);
      measured.set(name, measure);
      return measure;
    };
    const measureSet = (set: SelectionSetNode | undefined): Measure => {
      const total: Measure = { depth: 0, aliases: 0 };
      if (!set) return total;
      for (const selection of set.selections) {
        let inner: Measure;
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) total.aliases += 1;
          if (selection.name.value.startsWith('__')) continue;
          const child = measureSet(selection.selectionSet);
          inner = { depth: 1 + child.depth, aliases: child.aliases };
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          inner = measureSet(selection.selectionSet);
        } else {
          inner = fragmentMeasure(selection.name.value);
        }
        total.depth = Math.max(total.depth, inner.depth);
        total.aliases += inner.aliases;
      }
      return total;
    };
    let aliases = 0;
    for (const definition of context.getDocument().definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const { depth, aliases: own } = measureSet(definition.selectionSet);
      aliases += own;
      if (depth > maxDepth) {
        context.reportError(
          new GraphQLError(`The query is ${depth} levels deep; at most ${maxDepth} are allowed`, {
            nodes: [definition],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' },
          }),
        );
      }
    }
    if (aliases > maxAliases) {
      const shown = aliases > Number.MAX_SAFE_INTEGER ? 'more than 2^53' : String(aliases);
      context.reportError(
        new GraphQLError(`The query uses ${shown} aliases; at most ${maxAliases} are allowed`, {
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases' },
        }),
      );
    }
    return {};
  };
}
