import { getNamedType, GraphQLObjectType, SelectionSetNode } from 'graphql';
import type { Page } from '../common/pagination';
import { CompiledObject, NotCompilable, SelectionCompiler } from './compiler';
import type { FinishContext } from './projection';

export interface CompiledConnection {
  /** The node's JSON for the row alias passed in (SQL `null` when no node is selected). */
  node: CompiledObject;
  /** A node is selected and built in SQL alone: fetch it as text and pass it on as RawJson. */
  raw: boolean;
  /** Builds the selected connection from a page of fetched node JSON. */
  shape(page: Page<any>, context: FinishContext): Promise<Record<string, unknown>>;
}

type Part = (page: Page<any>) => unknown;

/**
 * A root connection (nodes, edges, pageInfo, totalCount) over rows its service pages as usual: the service keeps
 * its filters, keyset cursors and count, and only the nodes are built in SQL. One node selection only: `nodes`
 * or `edges { node }`, not both.
 */
export function compileConnection(
  compiler: SelectionCompiler,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode | undefined,
  row: string,
): CompiledConnection {
  let node: CompiledObject | null = null;
  const compileNode = (nodeType: GraphQLObjectType, set: SelectionSetNode | undefined) => {
    if (node) throw new NotCompilable('two node selections');
    node = compiler.compileRootObject(nodeType, set, row);
  };
  const parts: { key: string; part: Part }[] = [];
  for (const field of compiler.fields(type, selectionSet)) {
    const name = field.node.name.value;
    if (name === '__typename') {
      parts.push({ key: field.key, part: () => type.name });
      continue;
    }
    const definition = compiler.fieldDefinition(type, field);
    if (name === 'nodes') {
      compileNode(getNamedType(definition.type) as GraphQLObjectType, field.node.selectionSet);
      parts.push({ key: field.key, part: (page) => page.nodes });
    } else if (name === 'edges') {
      const edgeType = getNamedType(definition.type) as GraphQLObjectType;
      const edgeParts: { key: string; read: (edge: Page<any>['edges'][number]) => unknown }[] = [];
      for (const edgeField of compiler.fields(edgeType, field.node.selectionSet)) {
        const edgeName = edgeField.node.name.value;
        if (edgeName === '__typename') {
          edgeParts.push({ key: edgeField.key, read: () => edgeType.name });
          continue;
        }
        const edgeDefinition = compiler.fieldDefinition(edgeType, edgeField);
        if (edgeName === 'cursor')
          edgeParts.push({ key: edgeField.key, read: (edge) => edge.cursor });
        else if (edgeName === 'node') {
          compileNode(
            getNamedType(edgeDefinition.type) as GraphQLObjectType,
            edgeField.node.selectionSet,
          );
          edgeParts.push({ key: edgeField.key, read: (edge) => edge.node });
        } else throw new NotCompilable(`${edgeType.name}.${edgeName}`);
      }
      parts.push({
        key: field.key,
        part: (page) =>
          page.edges.map((edge) => Object.fromEntries(edgeParts.map((p) => [p.key, p.read(edge)]))),
      });
    } else if (name === 'pageInfo') {
      const pick = compiler.picker(definition.type, field.node.selectionSet);
      parts.push({ key: field.key, part: (page) => pick(page.pageInfo) });
    } else if (name === 'totalCount') {
      parts.push({ key: field.key, part: (page) => page.countAll() });
    } else {
      throw new NotCompilable(`${type.name}.${name}`);
    }
  }
  const compiled: CompiledObject = node ?? { sql: 'null::json', patch: null };
  return {
    node: compiled,
    raw: node !== null && compiled.patch === null,
    async shape(page, context) {
      if (compiled.patch) for (const item of page.nodes) compiled.patch(item, context);
      const values = await Promise.all(parts.map((p) => p.part(page)));
      return Object.fromEntries(parts.map((p, i) => [p.key, values[i]]));
    },
  };
}
