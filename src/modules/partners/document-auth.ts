import type { ApolloServerPlugin } from '@apollo/server';
import {
  FieldNode,
  FragmentDefinitionNode,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLSkipDirective,
  isInterfaceType,
  isObjectType,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
} from 'graphql';
import { AppError } from '../../common/errors';
import { requiredScopesOf } from '../../common/require-scopes';
import { hasScope, Principal } from '../../common/scopes';

const included = (node: SelectionNode, variables: Record<string, unknown>): boolean =>
  getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
  getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

/** The root fields an operation will execute: fragments followed, @include/@skip applied with these variables. */
export function rootFields(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): FieldNode[] {
  const fields: FieldNode[] = [];
  const spread = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (!included(selection, variables)) continue;
      if (selection.kind === 'Field') fields.push(selection);
      else if (selection.kind === 'InlineFragment') walk(selection.selectionSet);
      else if (!spread.has(selection.name.value) && fragments[selection.name.value]) {
        spread.add(selection.name.value);
        walk(fragments[selection.name.value].selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return fields;
}

/** The scopes of `requiredScopes` on the root fields that this key lacks. */
export function missingRootScopes(
  rootType: GraphQLObjectType,
  fields: FieldNode[],
  principal: Principal | null,
): string[] {
  const missing = new Set<string>();
  for (const node of fields) {
    const field = rootType.getFields()[node.name.value];
    if (!field) continue;
    for (const scope of requiredScopesOf(field))
      if (!hasScope(principal, scope)) missing.add(scope);
  }
  return [...missing];
}

/**
 * The scopes a mutation's whole selection needs that this key lacks: a field below the root that the key may not
 * read (a personal field in the result of updateCustomer) would otherwise be refused only after the write
 * committed. Each fragment is walked once per type it is spread on, so the walk is linear in the document.
 */
export function missingSelectionScopes(
  schema: GraphQLSchema,
  rootType: GraphQLObjectType,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  principal: Principal | null,
): string[] {
  const missing = new Set<string>();
  const walked = new Set<string>();
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType) => {
    for (const selection of set.selections) {
      if (!included(selection, variables)) continue;
      if (selection.kind === 'Field') {
        if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        for (const scope of requiredScopesOf(field))
          if (!hasScope(principal, scope)) missing.add(scope);
        if (selection.selectionSet) walk(selection.selectionSet, getNamedType(field.type));
      } else if (selection.kind === 'InlineFragment') {
        walk(
          selection.selectionSet,
          selection.typeCondition
            ? (schema.getType(selection.typeCondition.name.value) ?? parent)
            : parent,
        );
      } else {
        const fragment = fragments[selection.name.value];
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        const key = `${selection.name.value} on ${parent.name}`;
        if (!fragment || !type || walked.has(key)) continue;
        walked.add(key);
        walk(fragment.selectionSet, type);
      }
    }
  };
  walk(operation.selectionSet, rootType);
  return [...missing];
}

/**
 * Authorises the whole document before any of it runs, as Shopify and GitHub do: when any root field needs a scope
 * the key lacks, the operation is refused with one FORBIDDEN (403) naming every missing scope, so no mutation
 * commits beside a refused one. In a mutation every selected field is checked too (a refused field in the result of
 * a write would come after the commit); in a query, personal fields further down are still checked field by field
 * (their value is nulled, the rest answered), since they write nothing.
 */
export function documentAuthorisationPlugin(): ApolloServerPlugin<{ principal: Principal | null }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          // No operation: the name matched none in the document, and execution reports that.
          const rootType = operation && schema.getRootType(operation.operation);
          if (!operation || !rootType) return;
          // Variables graphql-js cannot coerce stop the operation before anything runs, with their own error.
          const coerced = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            request.variables ?? {},
          );
          if (coerced.errors) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions)
            if (definition.kind === 'FragmentDefinition')
              fragments[definition.name.value] = definition;
          const missing =
            operation.operation === 'mutation'
              ? missingSelectionScopes(
                  schema,
                  rootType,
                  operation,
                  fragments,
                  coerced.coerced,
                  contextValue.principal,
                )
              : missingRootScopes(
                  rootType,
                  rootFields(operation, fragments, coerced.coerced),
                  contextValue.principal,
                );
          if (missing.length === 0) return;
          if (!contextValue.principal)
            throw new AppError('An API key is required', 'UNAUTHENTICATED', {
              http: { status: 401 },
            });
          throw new AppError(
            `This key lacks the scope ${missing.join(', ')} that the operation needs; none of it ran`,
            'FORBIDDEN',
            { requiredScopes: missing, http: { status: 403 } },
          );
        },
      };
    },
  };
}
