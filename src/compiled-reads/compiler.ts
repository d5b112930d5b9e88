import {
  GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  getNamedType,
  isLeafType,
  SelectionSetNode,
  FragmentDefinitionNode,
} from 'graphql';
import { requiredScopesOf } from '../common/require-scopes';
import { SqlParams } from '../common/sql';
import { FieldProjection, SqlObject, TypeProjections } from './projection';
import { Field, NotCompilable, SelectionReader } from './selection-reader';
import { CompiledObject, combine, nested, nestedList, Patch } from './patches';
import { compilePage } from './page-compiler';

export { NotCompilable } from './selection-reader';
export type { CompileFacts } from './selection-reader';

export type { CompiledObject } from './patches';

/** A root node's selection as compiled once, with what compiling it added to the compiler. */
interface CompiledSelection {
  result: CompiledObject | NotCompilable;
  params: unknown[];
  aliases: number;
  requiredScopes: string[];
  personalFields: string[];
}

// Apollo hands every request with the same text the same parsed document, so a selection set node stands for
// one selection of one document; its compiled SQL is reused while the variables it reads are the same.
const compiledSelections = new WeakMap<SelectionSetNode, Map<string, CompiledSelection>>();
const MAX_VARIANTS_PER_SELECTION = 64;
const ABSENT = '\u0000absent';

/**
 * Turns a GraphQL selection into one SQL statement that builds the response JSON in PostgreSQL, the way
 * PostGraphile does: no resolver runs per field, so a page of fifty customers with their orders costs about
 * what a hand-written statement costs. Only fields with a projection are read this way, and only when every
 * field of the selection has one; anything else (an unknown field, a directive other than @include/@skip, a
 * repeated response key) makes the whole operation go through the resolvers, which stay the reference.
 * Hand-written because no library compiles type-graphql schemas to SQL; join-monster wants its own schema.
 * Reading the selection is SelectionReader's (selection-reader.ts); nested pages are page-compiler.ts.
 */
export class SelectionCompiler extends SelectionReader {
  private aliases = 0;
  private sqlParams = new SqlParams();

  constructor(
    readonly schema: GraphQLSchema,
    private readonly projections: TypeProjections,
    fragments: Record<string, FragmentDefinitionNode>,
    variables: Record<string, unknown>,
  ) {
    super(fragments, variables);
  }

  /** Parameters go here; a reader whose service numbers its own parameters passes that service's collector. */
  get params(): SqlParams {
    return this.sqlParams;
  }

  useParams(params: SqlParams): void {
    this.sqlParams = params;
  }

  alias(): string {
    return `q${++this.aliases}`;
  }

  /**
   * A root node's object (see compileObject), compiled once per selection, row alias, parameter position and
   * values of the variables the selection reads (@include/@skip, nested page arguments): a customer page
   * asked for by id after id compiles once. Root arguments are not part of it; their readers plan them.
   */
  compileRootObject(
    type: GraphQLObjectType,
    selectionSet: SelectionSetNode | undefined,
    row: string,
  ): CompiledObject {
    if (!selectionSet) return this.compileObject(type, selectionSet, row, true);
    let variants = compiledSelections.get(selectionSet);
    if (!variants) compiledSelections.set(selectionSet, (variants = new Map()));
    const read = this.variablesOf(selectionSet).map((name) =>
      name in this.variables ? this.variables[name] : ABSENT,
    );
    const key = JSON.stringify([type.name, row, this.aliases, this.params.values.length, read]);
    let compiled = variants.get(key);
    if (!compiled) {
      const firstParam = this.params.values.length;
      const firstAlias = this.aliases;
      let result: CompiledObject | NotCompilable;
      try {
        result = this.compileObject(type, selectionSet, row, true);
      } catch (error) {
        if (!(error instanceof NotCompilable)) throw error;
        result = error;
      }
      compiled = {
        result,
        params: this.params.values.slice(firstParam),
        aliases: this.aliases - firstAlias,
        requiredScopes: [...this.facts.requiredScopes],
        personalFields: [...this.facts.personalFields],
      };
      if (variants.size >= MAX_VARIANTS_PER_SELECTION) variants.clear();
      variants.set(key, compiled);
    } else {
      for (const value of compiled.params) this.params.add(value);
      this.aliases += compiled.aliases;
      for (const scope of compiled.requiredScopes) this.facts.requiredScopes.add(scope);
      for (const field of compiled.personalFields) this.facts.personalFields.add(field);
    }
    if (compiled.result instanceof NotCompilable) throw compiled.result;
    return compiled.result;
  }

  /**
   * The JSON object of `type` for the row aliased `row`. `personalDataAllowed` is true only for root nodes:
   * personal fields elsewhere would need per-customer audit notes the compiler does not keep.
   */
  compileObject(
    type: GraphQLObjectType,
    selectionSet: SelectionSetNode | undefined,
    row: string,
    personalDataAllowed = false,
  ): CompiledObject {
    const parts: string[] = [];
    const patches: Patch[] = [];
    for (const field of this.fields(type, selectionSet)) {
      if (field.node.name.value === '__typename') {
        parts.push(`'${field.key}', '${type.name}'`);
        continue;
      }
      const definition = this.fieldDefinition(type, field);
      if (requiredScopesOf(definition).includes('pii:read')) {
        if (!personalDataAllowed) throw new NotCompilable('personal data below the root');
        this.facts.personalFields.add(definition.name);
      }
      const projection = this.projections[type.name]?.[definition.name];
      if (!projection) throw new NotCompilable(`no projection for ${type.name}.${definition.name}`);
      const { sql, patch } = this.compileField(projection, definition, field, row);
      parts.push(`'${field.key}', ${sql}`);
      if (patch) patches.push(patch);
    }
    if (parts.length === 0) throw new NotCompilable('empty selection');
    return { sql: `json_build_object(${parts.join(', ')})`, patch: combine(patches) };
  }

  private compileField(
    projection: FieldProjection,
    definition: GraphQLField<unknown, unknown>,
    field: Field,
    row: string,
  ): CompiledObject {
    if (projection.kind !== 'page' && Object.keys(this.args(definition, field.node)).length > 0) {
      throw new NotCompilable(`arguments on ${definition.name}`);
    }
    switch (projection.kind) {
      case 'value':
        if (!isLeafType(getNamedType(definition.type)))
          throw new NotCompilable(`${definition.name} is not a leaf`);
        return { sql: projection.sql(row), patch: null };
      case 'computed': {
        const pick = this.picker(definition.type, field.node.selectionSet);
        const selected = new Set(
          field.node.selectionSet
            ? this.fields(
                getNamedType(definition.type) as GraphQLObjectType,
                field.node.selectionSet,
              ).map((f) => f.node.name.value)
            : [],
        );
        if (projection.accepts && !projection.accepts(selected))
          throw new NotCompilable(`${definition.name} selection`);
        const { key } = field;
        return {
          sql: projection.sql(row),
          patch: (value, context) => {
            value[key] = pick(projection.finish(value[key], context));
          },
        };
      }
      case 'one': {
        const child = this.childObject(definition.type, field, false);
        const alias = this.alias();
        const object = this.compileObject(child, field.node.selectionSet, alias);
        const read = `(select ${object.sql} from ${projection.from(row, alias)})`;
        return {
          sql: projection.when ? `case when ${projection.when(row)} then ${read} end` : read,
          patch: nested(field.key, object.patch),
        };
      }
      case 'many': {
        const child = this.childObject(definition.type, field, true);
        const alias = this.alias();
        const object = this.compileObject(child, field.node.selectionSet, alias);
        return {
          sql: `coalesce((select json_agg(${object.sql} order by ${projection.orderBy(alias)}) from ${projection.from(row, alias)}), '[]'::json)`,
          patch: nestedList(field.key, object.patch),
        };
      }
      case 'page':
        return compilePage(this, projection.page, definition, field, row);
      case 'object': {
        const type = this.childObject(definition.type, field, false);
        const alias = projection.source ? this.alias() : row;
        let sql: string;
        try {
          // An aggregate over `source` gives one row only when it aggregates something.
          if (
            projection.source &&
            this.fields(type, field.node.selectionSet).every(
              (f) => f.node.name.value === '__typename',
            )
          ) {
            throw new NotCompilable(`${definition.name} without an aggregate`);
          }
          sql = this.compileSqlObject(type, field.node.selectionSet, projection.value, alias);
        } catch (error) {
          if (error instanceof NotCompilable && projection.otherwise)
            return this.compileField(projection.otherwise, definition, field, row);
          throw error;
        }
        return {
          sql: projection.source ? `(select ${sql} from ${projection.source(row, alias)})` : sql,
          patch: null,
        };
      }
    }
  }

  /** The selected fields of an object built in SQL alone (see the `object` projection). */
  private compileSqlObject(
    type: GraphQLObjectType,
    selectionSet: SelectionSetNode | undefined,
    value: SqlObject,
    row: string,
  ): string {
    const parts: string[] = [];
    for (const field of this.fields(type, selectionSet)) {
      const name = field.node.name.value;
      if (name === '__typename') {
        parts.push(`'${field.key}', '${type.name}'`);
        continue;
      }
      const definition = this.fieldDefinition(type, field);
      if (requiredScopesOf(definition).includes('pii:read'))
        throw new NotCompilable('personal data in an SQL object');
      if (Object.keys(this.args(definition, field.node)).length > 0)
        throw new NotCompilable(`arguments on ${name}`);
      const inner = value.fields[name];
      if (!inner) throw new NotCompilable(`no SQL for ${type.name}.${name}`);
      if (typeof inner === 'function') {
        if (!isLeafType(getNamedType(definition.type)))
          throw new NotCompilable(`${name} is not a leaf`);
        parts.push(`'${field.key}', ${inner(row)}`);
      } else {
        parts.push(
          `'${field.key}', ${this.compileSqlObject(this.childObject(definition.type, field, false), field.node.selectionSet, inner, row)}`,
        );
      }
    }
    if (parts.length === 0) throw new NotCompilable('empty selection');
    const object = `json_build_object(${parts.join(', ')})`;
    return value.nullWhen
      ? `case when ${value.nullWhen(row)} then null else ${object} end`
      : object;
  }
}
