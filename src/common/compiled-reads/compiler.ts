import {
  FieldNode, FragmentDefinitionNode, getArgumentValues, getDirectiveValues, getNamedType, getNullableType, GraphQLField,
  GraphQLIncludeDirective, GraphQLObjectType, GraphQLOutputType, GraphQLSchema, GraphQLSkipDirective, isLeafType, isListType,
  isNonNullType, isObjectType, SelectionSetNode, visit,
} from 'graphql';
import { BadUserInputError } from '../errors';
import { requiredScopesOf } from '../require-scopes';
import { keysetSql, resolvePageWindow } from '../pagination';
import { SqlParams } from '../sql';
import { FieldProjection, FinishContext, PageProjection, SqlObject, TypeProjections } from './projection';

/** Thrown while compiling when a selection has something the compiler does not read; resolvers take it then. */
export class NotCompilable extends Error {}

/** Fills in, in place, the fields of a fetched JSON value that need JS (see the `computed` projection). */
type Patch = (value: any, context: FinishContext) => void;

export interface CompiledObject {
  /** A SQL expression building the selection's JSON object for the row alias given to `compileObject`. */
  sql: string;
  patch: Patch | null;
}

/** What a compiled request needs to be allowed, and what it reads. */
export interface CompileFacts {
  requiredScopes: Set<string>;
  /** Personal-data fields selected on root nodes (the only place they may be). */
  personalFields: Set<string>;
}

interface Field {
  key: string;
  node: FieldNode;
}

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
const selectionVariables = new WeakMap<SelectionSetNode, string[]>();
const MAX_VARIANTS_PER_SELECTION = 64;
const ABSENT = '\u0000absent';

/**
 * Turns a GraphQL selection into one SQL statement that builds the response JSON in PostgreSQL, the way
 * PostGraphile does: no resolver runs per field, so a page of fifty customers with their orders costs about
 * what a hand-written statement costs. Only fields with a projection are read this way, and only when every
 * field of the selection has one; anything else (an unknown field, a directive other than @include/@skip, a
 * repeated response key) makes the whole operation go through the resolvers, which stay the reference.
 * Hand-written because no library compiles type-graphql schemas to SQL; join-monster wants its own schema.
 */
export class SelectionCompiler {
  private aliases = 0;
  private sqlParams = new SqlParams();
  readonly facts: CompileFacts = { requiredScopes: new Set(), personalFields: new Set() };

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly projections: TypeProjections,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

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

  /** The fields of a selection set on `type`, fragments inlined, @include/@skip applied. */
  fields(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined): Field[] {
    const fields: Field[] = [];
    const seen = new Set<string>();
    const visit = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (!this.included(selection)) continue;
        if (selection.kind === 'Field') {
          const key = selection.alias?.value ?? selection.name.value;
          // The same key twice means merging sub-selections, which the resolvers do and this does not.
          if (seen.has(key)) throw new NotCompilable(`repeated field ${key}`);
          seen.add(key);
          fields.push({ key, node: selection });
        } else {
          const condition = selection.kind === 'InlineFragment'
            ? selection.typeCondition?.name.value
            : this.fragments[selection.name.value]?.typeCondition.name.value;
          if (condition && condition !== type.name) throw new NotCompilable(`fragment on ${condition}`);
          const inner = selection.kind === 'InlineFragment' ? selection.selectionSet : this.fragments[selection.name.value]?.selectionSet;
          if (!inner) throw new NotCompilable('unknown fragment');
          visit(inner);
        }
      }
    };
    if (selectionSet) visit(selectionSet);
    return fields;
  }

  private included(node: { directives?: readonly { name: { value: string } }[] }): boolean {
    for (const directive of node.directives ?? []) {
      if (directive.name.value !== 'include' && directive.name.value !== 'skip') throw new NotCompilable(`@${directive.name.value}`);
    }
    const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, this.variables);
    if (skip?.if === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, this.variables);
    return include?.if !== false;
  }

  fieldDefinition(type: GraphQLObjectType, field: Field): GraphQLField<unknown, unknown> {
    const definition = type.getFields()[field.node.name.value];
    if (!definition) throw new NotCompilable(`unknown field ${field.node.name.value}`);
    for (const scope of requiredScopesOf(definition)) this.facts.requiredScopes.add(scope);
    return definition;
  }

  args(definition: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    return getArgumentValues(definition, node, this.variables);
  }

  /**
   * A root node's object (see compileObject), compiled once per selection, row alias, parameter position and
   * values of the variables the selection reads (@include/@skip, nested page arguments): a customer page
   * asked for by id after id compiles once. Root arguments are not part of it; their readers plan them.
   */
  compileRootObject(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined, row: string): CompiledObject {
    if (!selectionSet) return this.compileObject(type, selectionSet, row, true);
    let variants = compiledSelections.get(selectionSet);
    if (!variants) compiledSelections.set(selectionSet, (variants = new Map()));
    const read = this.variablesOf(selectionSet).map((name) => (name in this.variables ? this.variables[name] : ABSENT));
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
        result, params: this.params.values.slice(firstParam), aliases: this.aliases - firstAlias,
        requiredScopes: [...this.facts.requiredScopes], personalFields: [...this.facts.personalFields],
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

  /** Every variable a selection set reads, in its fragments too. */
  private variablesOf(selectionSet: SelectionSetNode): string[] {
    let names = selectionVariables.get(selectionSet);
    if (!names) {
      const found = new Set<string>();
      const visited = new Set<string>();
      const walk = (node: SelectionSetNode) => visit(node, {
        Variable: (variable) => { found.add(variable.name.value); },
        FragmentSpread: (spread) => {
          const fragment = this.fragments[spread.name.value];
          if (fragment && !visited.has(spread.name.value)) {
            visited.add(spread.name.value);
            walk(fragment.selectionSet);
          }
        },
      });
      walk(selectionSet);
      names = [...found].sort();
      selectionVariables.set(selectionSet, names);
    }
    return names;
  }

  /**
   * The JSON object of `type` for the row aliased `row`. `personalDataAllowed` is true only for root nodes:
   * personal fields elsewhere would need per-customer audit notes the compiler does not keep.
   */
  compileObject(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined, row: string, personalDataAllowed = false): CompiledObject {
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

  private compileField(projection: FieldProjection, definition: GraphQLField<unknown, unknown>, field: Field, row: string): CompiledObject {
    if (projection.kind !== 'page' && Object.keys(this.args(definition, field.node)).length > 0) {
      throw new NotCompilable(`arguments on ${definition.name}`);
    }
    switch (projection.kind) {
      case 'value':
        if (!isLeafType(getNamedType(definition.type))) throw new NotCompilable(`${definition.name} is not a leaf`);
        return { sql: projection.sql(row), patch: null };
      case 'computed': {
        const pick = this.picker(definition.type, field.node.selectionSet);
        const selected = new Set(field.node.selectionSet ? this.fields(getNamedType(definition.type) as GraphQLObjectType, field.node.selectionSet).map((f) => f.node.name.value) : []);
        if (projection.accepts && !projection.accepts(selected)) throw new NotCompilable(`${definition.name} selection`);
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
        return { sql: projection.when ? `case when ${projection.when(row)} then ${read} end` : read, patch: nested(field.key, object.patch) };
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
        return this.compilePage(projection.page, definition, field, row);
      case 'object': {
        const type = this.childObject(definition.type, field, false);
        const alias = projection.source ? this.alias() : row;
        let sql: string;
        try {
          // An aggregate over `source` gives one row only when it aggregates something.
          if (projection.source && this.fields(type, field.node.selectionSet).every((f) => f.node.name.value === '__typename')) {
            throw new NotCompilable(`${definition.name} without an aggregate`);
          }
          sql = this.compileSqlObject(type, field.node.selectionSet, projection.value, alias);
        } catch (error) {
          if (error instanceof NotCompilable && projection.otherwise) return this.compileField(projection.otherwise, definition, field, row);
          throw error;
        }
        return { sql: projection.source ? `(select ${sql} from ${projection.source(row, alias)})` : sql, patch: null };
      }
    }
  }

  /** The selected fields of an object built in SQL alone (see the `object` projection). */
  private compileSqlObject(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined, value: SqlObject, row: string): string {
    const parts: string[] = [];
    for (const field of this.fields(type, selectionSet)) {
      const name = field.node.name.value;
      if (name === '__typename') {
        parts.push(`'${field.key}', '${type.name}'`);
        continue;
      }
      const definition = this.fieldDefinition(type, field);
      if (requiredScopesOf(definition).includes('pii:read')) throw new NotCompilable('personal data in an SQL object');
      if (Object.keys(this.args(definition, field.node)).length > 0) throw new NotCompilable(`arguments on ${name}`);
      const inner = value.fields[name];
      if (!inner) throw new NotCompilable(`no SQL for ${type.name}.${name}`);
      if (typeof inner === 'function') {
        if (!isLeafType(getNamedType(definition.type))) throw new NotCompilable(`${name} is not a leaf`);
        parts.push(`'${field.key}', ${inner(row)}`);
      } else {
        parts.push(`'${field.key}', ${this.compileSqlObject(this.childObject(definition.type, field, false), field.node.selectionSet, inner, row)}`);
      }
    }
    if (parts.length === 0) throw new NotCompilable('empty selection');
    const object = `json_build_object(${parts.join(', ')})`;
    return value.nullWhen ? `case when ${value.nullWhen(row)} then null else ${object} end` : object;
  }

  /** A nested connection: `nodes` as one lateral, index-ordered `limit n`, `totalCount` as a count. */
  private compilePage(page: PageProjection<any>, definition: GraphQLField<unknown, unknown>, field: Field, row: string): CompiledObject {
    if (row === 't') throw new NotCompilable('page inside a page');
    const args = this.args(definition, field.node);
    let window;
    try {
      window = resolvePageWindow(args, page.keys.length);
    } catch (error) {
      if (error instanceof BadUserInputError) throw new NotCompilable('page arguments'); // the resolvers report it
      throw error;
    }
    if (window.backward) throw new NotCompilable('backward page');
    const connection = getNullableType(definition.type) as GraphQLObjectType;
    const conditions = [`t.${page.parentColumn} = ${row}.${page.parentKey}`, ...(page.where?.(args, this.params) ?? [])];
    const parts: string[] = [];
    const patches: Patch[] = [];
    for (const inner of this.fields(connection, field.node.selectionSet)) {
      const name = inner.node.name.value;
      if (name === '__typename') {
        parts.push(`'${inner.key}', '${connection.name}'`);
      } else if (name === 'totalCount') {
        this.fieldDefinition(connection, inner);
        parts.push(`'${inner.key}', (select count(*) from ${page.table} t where ${conditions.join(' and ')})::int`);
      } else if (name === 'nodes') {
        const nodeType = this.childObject(this.fieldDefinition(connection, inner).type, inner, true);
        const object = this.compileObject(nodeType, inner.node.selectionSet, 't');
        const keyset = keysetSql(page.keys, page.descending, window, this.params.values.length + 1);
        for (const value of keyset.params) this.params.add(value);
        parts.push(`'${inner.key}', coalesce((select json_agg(${object.sql} order by ${keyset.orderBy}) from (
            select * from ${page.table} t where ${conditions.join(' and ')} and ${keyset.where} order by ${keyset.orderBy} limit ${window.limit}) t), '[]'::json)`);
        const patch = nestedList(inner.key, object.patch);
        if (patch) patches.push(patch);
      } else {
        throw new NotCompilable(`${connection.name}.${name}`);
      }
    }
    return { sql: `json_build_object(${parts.join(', ')})`, patch: nested(field.key, combine(patches)) };
  }

  private childObject(type: GraphQLOutputType, field: Field, list: boolean): GraphQLObjectType {
    const nullable = getNullableType(type);
    if (list !== isListType(nullable)) throw new NotCompilable(`${field.key}: list shape`);
    const named = getNamedType(type);
    if (!isObjectType(named)) throw new NotCompilable(`${field.key}: not an object type`);
    return named;
  }

  /**
   * Picks a selection from a JS value the way graphql-js's default resolvers would: property per field,
   * leaves through their scalar's serialize. Used on the objects `computed` projections produce.
   */
  picker(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): (value: any) => unknown {
    if (isNonNullType(type)) return this.picker(type.ofType, selectionSet);
    if (isListType(type)) {
      const item = this.picker(type.ofType, selectionSet);
      return (value) => (value == null ? null : (value as unknown[]).map(item));
    }
    if (isLeafType(type)) return (value) => (value == null ? null : type.serialize(value));
    if (!isObjectType(type)) throw new NotCompilable(`${String(type)} is abstract`);
    const readers = this.fields(type, selectionSet).map((field) => {
      const name = field.node.name.value;
      if (name === '__typename') return { key: field.key, read: () => type.name };
      const definition = this.fieldDefinition(type, field);
      if (requiredScopesOf(definition).includes('pii:read')) throw new NotCompilable('personal data in a computed value');
      if (Object.keys(this.args(definition, field.node)).length > 0) throw new NotCompilable(`arguments on ${name}`);
      const pick = this.picker(definition.type, field.node.selectionSet);
      return { key: field.key, read: (value: any) => pick(value[name]) };
    });
    return (value) => {
      if (value == null) return null;
      const out: Record<string, unknown> = {};
      for (const reader of readers) out[reader.key] = reader.read(value);
      return out;
    };
  }
}

function combine(patches: Patch[]): Patch | null {
  if (patches.length === 0) return null;
  if (patches.length === 1) return patches[0];
  return (value, context) => {
    for (const patch of patches) patch(value, context);
  };
}

function nested(key: string, patch: Patch | null): Patch | null {
  return patch && ((value, context) => {
    if (value[key] != null) patch(value[key], context);
  });
}

function nestedList(key: string, patch: Patch | null): Patch | null {
  return patch && ((value, context) => {
    for (const item of value[key] ?? []) patch(item, context);
  });
}
