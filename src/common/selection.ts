import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects any of these sub-fields. Fragments count as selecting everything
 * (answering "maybe" is always safe: the caller then loads what it would have loaded anyway).
 */
export function selectsAnyOf(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set && set.selections.some((s) => s.kind !== 'Field' || names.has(s.name.value));
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
