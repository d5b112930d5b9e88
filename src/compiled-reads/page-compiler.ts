import { GraphQLField, GraphQLObjectType, getNullableType, SelectionSetNode } from 'graphql';
import { BadUserInputError } from '../common/errors';
import { keysetSql, resolvePageWindow } from '../common/pagination';
import { Field, NotCompilable, SelectionReader } from './selection-reader';
import { CompiledObject, combine, nested, nestedList, Patch } from './patches';
import type { PageProjection } from './projection';
import type { SqlParams } from '../common/sql';

/** What a nested page needs of the compiler (SelectionCompiler), named here so that the two files form no cycle. */
export interface PageCompilerHost extends SelectionReader {
  readonly params: SqlParams;
  compileObject(
    type: GraphQLObjectType,
    selectionSet: SelectionSetNode | undefined,
    row: string,
  ): CompiledObject;
}

/** A nested connection: `nodes` as one lateral, index-ordered `limit n`, `totalCount` as a count. */
export function compilePage(
  compiler: PageCompilerHost,
  page: PageProjection<any>,
  definition: GraphQLField<unknown, unknown>,
  field: Field,
  row: string,
): CompiledObject {
  if (row === 't') throw new NotCompilable('page inside a page');
  const args = compiler.args(definition, field.node);
  let window;
  try {
    window = resolvePageWindow(args, page.keys.length);
  } catch (error) {
    if (error instanceof BadUserInputError) throw new NotCompilable('page arguments'); // the resolvers report it
    throw error;
  }
  if (window.backward) throw new NotCompilable('backward page');
  const connection = getNullableType(definition.type) as GraphQLObjectType;
  const conditions = [
    `t.${page.parentColumn} = ${row}.${page.parentKey}`,
    ...(page.where?.(args, compiler.params) ?? []),
  ];
  const parts: string[] = [];
  const patches: Patch[] = [];
  for (const inner of compiler.fields(connection, field.node.selectionSet)) {
    const name = inner.node.name.value;
    if (name === '__typename') {
      parts.push(`'${inner.key}', '${connection.name}'`);
    } else if (name === 'totalCount') {
      compiler.fieldDefinition(connection, inner);
      parts.push(
        `'${inner.key}', (select count(*) from ${page.table} t where ${conditions.join(' and ')})::int`,
      );
    } else if (name === 'nodes') {
      const nodeType = compiler.childObject(
        compiler.fieldDefinition(connection, inner).type,
        inner,
        true,
      );
      const object = compiler.compileObject(nodeType, inner.node.selectionSet, 't');
      const keyset = keysetSql(
        page.keys,
        page.descending,
        window,
        compiler.params.values.length + 1,
      );
      for (const value of keyset.params) compiler.params.add(value);
      parts.push(`'${inner.key}', coalesce((select json_agg(${object.sql} order by ${keyset.orderBy}) from (
          select * from ${page.table} t where ${conditions.join(' and ')} and ${keyset.where} order by ${keyset.orderBy} limit ${window.limit}) t), '[]'::json)`);
      const patch = nestedList(inner.key, object.patch);
      if (patch) patches.push(patch);
    } else {
      throw new NotCompilable(`${connection.name}.${name}`);
    }
  }
  return {
    sql: `json_build_object(${parts.join(', ')})`,
    patch: nested(field.key, combine(patches)),
  };
}
