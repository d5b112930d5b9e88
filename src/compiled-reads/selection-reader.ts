import {
  FieldNode,
  FragmentDefinitionNode,
  getArgumentValues,
  getDirectiveValues,
  GraphQLField,
  GraphQLIncludeDirective,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSkipDirective,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  getNamedType,
  getNullableType,
  SelectionSetNode,
  visit,
} from 'graphql';
import { requiredScopesOf } from '../common/require-scopes';

/** Thrown while compiling when a selection has something the compiler does not read; resolvers take it then. */
export class NotCompilable extends Error {}

/** What a compiled request needs to be allowed, and what it reads. */
export interface CompileFacts {
  requiredScopes: Set<string>;
  /** Personal-data fields selected on root nodes (the only place they may be). */
  personalFields: Set<string>;
}

export interface Field {
  key: string;
  node: FieldNode;
}

const selectionVariables = new WeakMap<SelectionSetNode, string[]>();

/**
 * The compiler's reading of a GraphQL selection, before any SQL: fields with fragments inlined and @include/@skip
 * applied, their definitions (collecting the scopes they need), arguments, the variables a selection reads, and
 * the picking of a selection out of a JS value. The SQL side is SelectionCompiler (compiler.ts).
 */
export class SelectionReader {
  readonly facts: CompileFacts = { requiredScopes: new Set(), personalFields: new Set() };

  constructor(
    protected readonly fragments: Record<string, FragmentDefinitionNode>,
    protected readonly variables: Record<string, unknown>,
  ) {}

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
          const condition =
            selection.kind === 'InlineFragment'
              ? selection.typeCondition?.name.value
              : this.fragments[selection.name.value]?.typeCondition.name.value;
          if (condition && condition !== type.name)
            throw new NotCompilable(`fragment on ${condition}`);
          const inner =
            selection.kind === 'InlineFragment'
              ? selection.selectionSet
              : this.fragments[selection.name.value]?.selectionSet;
          if (!inner) throw new NotCompilable('unknown fragment');
          visit(inner);
        }
      }
    };
    if (selectionSet) visit(selectionSet);
    return fields;
  }

  protected included(node: { directives?: readonly { name: { value: string } }[] }): boolean {
    for (const directive of node.directives ?? []) {
      if (directive.name.value !== 'include' && directive.name.value !== 'skip')
        throw new NotCompilable(`@${directive.name.value}`);
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

  /** Every variable a selection set reads, in its fragments too. */
  protected variablesOf(selectionSet: SelectionSetNode): string[] {
    let names = selectionVariables.get(selectionSet);
    if (!names) {
      const found = new Set<string>();
      const visited = new Set<string>();
      const walk = (node: SelectionSetNode) =>
        visit(node, {
          Variable: (variable) => {
            found.add(variable.name.value);
          },
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

  childObject(type: GraphQLOutputType, field: Field, list: boolean): GraphQLObjectType {
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
  picker(
    type: GraphQLOutputType,
    selectionSet: SelectionSetNode | undefined,
  ): (value: any) => unknown {
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
      if (requiredScopesOf(definition).includes('pii:read'))
        throw new NotCompilable('personal data in a computed value');
      if (Object.keys(this.args(definition, field.node)).length > 0)
        throw new NotCompilable(`arguments on ${name}`);
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
