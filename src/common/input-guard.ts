import type { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  getVariableValues,
  GraphQLInputType,
  GraphQLSchema,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  OperationDefinitionNode,
  TypeInfo,
  ValueNode,
  valueFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { BadUserInputError } from './errors';

/** Items in any list argument or input field, unless it declares its own limit (Shopify's 250, SECURITY.md A.7). */
export const DEFAULT_MAX_ITEMS = 250;

/**
 * Field extension naming the list arguments that take more (or fewer) items than DEFAULT_MAX_ITEMS:
 * `@Extensions({ [ARGUMENT_MAX_ITEMS]: { orders: 500 } })` on the query or mutation.
 */
export const ARGUMENT_MAX_ITEMS = 'argumentMaxItems';
/** Input-field extension with that field's own list limit: `@Extensions({ [MAX_ITEMS]: 500 })`. */
export const MAX_ITEMS = 'maxItems';

// Refused before anything runs, as graphql-js refuses a variable of the wrong type: HTTP 400.
const REFUSED = { status: 400 };

interface ArgumentPosition {
  /** `customers.filter`: the field and argument, the start of every path an error names. */
  path: string;
  type: GraphQLInputType;
  value: ValueNode;
  maxItems: number;
}

// Apollo hands every request with the same text the same parsed document, so each is walked once.
const positionsByDocument = new WeakMap<DocumentNode, ArgumentPosition[]>();

function argumentPositions(schema: GraphQLSchema, document: DocumentNode): ArgumentPosition[] {
  let positions = positionsByDocument.get(document);
  if (positions) return positions;
  positions = [];
  const found = positions;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();
        if (!argument) return;
        const owner = typeInfo.getDirective()?.name ?? typeInfo.getFieldDef()?.name ?? '?';
        const limits = (
          typeInfo.getDirective()
            ? undefined
            : typeInfo.getFieldDef()?.extensions?.[ARGUMENT_MAX_ITEMS]
        ) as Record<string, number> | undefined;
        found.push({
          path: `${owner}.${argument.name}`,
          type: argument.type,
          value: node.value,
          maxItems: limits?.[argument.name] ?? DEFAULT_MAX_ITEMS,
        });
      },
    }),
  );
  positionsByDocument.set(document, positions);
  return positions;
}

/** Walks one coerced argument value along its input type: list sizes, and NUL in every string. */
function checkValue(value: unknown, type: GraphQLInputType, path: string, maxItems: number): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(value, type.ofType, path, maxItems);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkValue(value, type.ofType, path, DEFAULT_MAX_ITEMS);
    if (value.length > maxItems) {
      throw new BadUserInputError(
        `${path} has ${value.length} items; at most ${maxItems} are allowed`,
        { field: path, maxItems, http: REFUSED },
      );
    }
    value.forEach((item, i) => checkValue(item, type.ofType, `${path}[${i}]`, DEFAULT_MAX_ITEMS));
    return;
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      const limit = field.extensions?.[MAX_ITEMS] as number | undefined;
      checkValue(
        (value as Record<string, unknown>)[field.name],
        field.type,
        `${path}.${field.name}`,
        limit ?? DEFAULT_MAX_ITEMS,
      );
    }
    return;
  }
  // Scalars (String, ID, dates, JSON) and enums: whatever strings they carry, keys of JSON objects included.
  checkNoNul(value, path);
}

/**
 * PostgreSQL text cannot hold U+0000, so a NUL would surface as a database error (a 500). JSON values can be
 * nested as deep as the body allows, hence a loop with a stack rather than recursion.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkNoNul(value: unknown, path: string): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000'))
        throw new BadUserInputError(
          `${path} contains a NUL character (U+0000), which is not allowed`,
          { field: path, http: REFUSED },
        );
      // A lone surrogate is no character at all: UTF-8 cannot hold it, and it would be stored silently as U+FFFD.
      if (LONE_SURROGATE.test(item))
        throw new BadUserInputError(
          `${path} contains an unpaired UTF-16 surrogate, which is not text`,
          { field: path, http: REFUSED },
        );
    } else if (Array.isArray(item)) {
      // One by one: spreading an array of a few hundred thousand items would overflow the call's arguments.
      for (const nested of item) stack.push(nested);
    } else if (item !== null && typeof item === 'object' && !(item instanceof Date)) {
      for (const [key, nested] of Object.entries(item)) {
        stack.push(key, nested);
      }
    }
  }
}

/** The checks on the coerced arguments of one operation; throws BadUserInputError on the first problem. */
export function checkOperationInput(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
) {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, {
    maxErrors: 1,
  });
  // Variables that do not coerce are reported by graphql-js itself when the operation executes.
  if (coerced.errors) return;
  for (const position of argumentPositions(schema, document)) {
    if (position.value.kind === Kind.NULL) continue;
    const value = valueFromAST(position.value, position.type, coerced.coerced);
    checkValue(value, position.type, position.path, position.maxItems);
  }
}

/**
 * Every string and list a client sends passes here, whatever field takes it: one place for the limits that no
 * argument should go without, instead of a check in each of the resolvers that would otherwise pass the value on.
 */
export function inputGuardPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) checkOperationInput(schema, document, operation, request.variables ?? {});
        },
      };
    },
  };
}
