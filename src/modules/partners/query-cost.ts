import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLSchema,
  isCompositeType,
  isInputObjectType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SchemaMetaFieldDef,
  SelectionSetNode,
  TypeMetaFieldDef,
  typeFromAST,
  ValueNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import type { FieldCost } from '../../common/cost-hints';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/pagination';

/** A cost and the variables it was computed from (their values decide whether another request may reuse it). */
export interface CostResult {
  cost: number;
  variables: string[];
}

/**
 * Shopify's model, computed in one pass over the document: a scalar costs 0, an object 1 plus its children, a
 * connection (or any field with first/last) 2 plus its page size times its children. On top of it:
 * - a field with a list of ids (nodes) costs per id;
 * - a mutation costs 1 point per item it writes (its largest list of input objects) plus its result per item;
 * - a field that declares a cost (@CostOf: model horizons, base-wide scans) costs that plus its children (plus its
 *   page, when it is paged).
 * Each fragment is costed once and reused at every spread, so a document that spreads fragments 2^22 times costs
 * as much work as its size: graphql-query-complexity expanded every spread and gave up (throwing) past its node limit.
 * Page sizes a resolver will refuse (below 1, not a number) are charged as the largest page, so that no argument can
 * make a query cheaper than a valid one; throws when the document cannot be costed, and the caller refuses it.
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
): CostResult {
  const operation = pickOperation(document, operationName);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const used = new Set<string>();
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();

  const argumentValues = (def: GraphQLField<unknown, unknown>, node: FieldNode) => {
    for (const arg of node.arguments ?? []) collectVariables(arg.value, used);
    return getArgumentValues(def, node, variables);
  };
  const included = (node: {
    directives?: readonly {
      name: { value: string };
      arguments?: readonly { name: { value: string }; value: ValueNode }[];
    }[];
  }) => {
    for (const directive of node.directives ?? []) {
      if (directive.name.value !== 'skip' && directive.name.value !== 'include') continue;
      const value = directive.arguments?.find((a) => a.name.value === 'if')?.value;
      if (!value) continue;
      collectVariables(value, used);
      const condition =
        value.kind === Kind.VARIABLE
          ? variables[value.name.value]
          : value.kind === Kind.BOOLEAN
            ? value.value
            : undefined;
      if (typeof condition !== 'boolean')
        throw new TypeError('A @skip or @include condition is not a boolean');
      if ((directive.name.value === 'skip') === condition) return false;
    }
    return true;
  };
  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name))
      throw new TypeError(`Fragment ${name} is unknown or cyclic`);
    inProgress.add(name);
    const type = typeFromAST(schema, fragment.typeCondition);
    if (!isCompositeType(type)) throw new TypeError(`Fragment ${name} is not on an object type`);
    const cost = setCost(fragment.selectionSet, type);
    inProgress.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };
  // Selections that apply whatever the object's concrete type are added; those for one concrete type are added per
  // type, and the most expensive type is charged (an object is one type at a time).
  const setCost = (set: SelectionSetNode, parent: GraphQLCompositeType): number => {
    let always = 0;
    const byType = new Map<string, number>();
    const add = (typeName: string | undefined, cost: number) => {
      const conditional =
        typeName !== undefined &&
        typeName !== parent.name &&
        isObjectType(schema.getType(typeName));
      if (!conditional) always += cost;
      else byType.set(typeName, (byType.get(typeName) ?? 0) + cost);
    };
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) always += fieldCost(selection, parent);
      else if (selection.kind === Kind.FRAGMENT_SPREAD)
        add(
          fragments.get(selection.name.value)?.typeCondition.name.value,
          fragmentCost(selection.name.value),
        );
      else {
        const type = selection.typeCondition
          ? typeFromAST(schema, selection.typeCondition)
          : parent;
        if (!isCompositeType(type))
          throw new TypeError('An inline fragment is not on an object type');
        add(type.name, setCost(selection.selectionSet, type));
      }
    }
    return always + Math.max(0, ...byType.values());
  };
  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType): number => {
    if (node.name.value === '__typename') return 0;
    const def = fieldDefinition(schema, parent, node.name.value);
    if (!def) throw new TypeError(`Unknown field ${parent.name}.${node.name.value}`);
    const named = getNamedType(def.type);
    if (isLeafType(named)) return 0;
    const children = node.selectionSet
      ? setCost(node.selectionSet, named as GraphQLCompositeType)
      : 0;
    const isRootMutation = parent === schema.getMutationType();
    const args = argumentValues(def, node);
    if (isRootMutation) return writtenItems(def, args) * (1 + children);
    const declared = def.extensions?.cost as FieldCost | undefined;
    const size = pageSize(args, named.name);
    // A paged field that declares a cost (a base-wide scan behind a page) pays it on top of its page.
    if (declared)
      return (
        checked(declared(args)) + (size !== null ? 2 + size * Math.max(children, 1) : children)
      );
    if (size !== null) return 2 + size * Math.max(children, 1);
    if (Array.isArray(args.ids)) return Math.max(args.ids.length, 1) * (1 + children);
    return 1 + children;
  };

  // Subscriptions are refused over HTTP before anything runs (refuseSubscriptionsOverHttp): nothing to charge.
  if (operation.operation === 'subscription' && !schema.getSubscriptionType())
    return { cost: 0, variables: [] };
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) throw new TypeError(`The schema has no ${operation.operation} type`);
  const cost = setCost(operation.selectionSet, root);
  if (Number.isNaN(cost)) throw new TypeError('The cost is not a number');
  return { cost, variables: [...used].sort() };
}

function pickOperation(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) throw new TypeError('The operation to cost is not in the document');
  return operation;
}

function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  // graphql-js keeps the meta fields out of getFields().
  if (parent === schema.getQueryType() && name === '__schema') return SchemaMetaFieldDef;
  if (parent === schema.getQueryType() && name === '__type') return TypeMetaFieldDef;
  return 'getFields' in parent ? parent.getFields()[name] : undefined;
}

/** first or last as charged; null for a field that is not paged. */
function pageSize(args: Record<string, unknown>, typeName: string): number | null {
  const given = args.first ?? args.last;
  if (given === undefined || given === null)
    return typeName.endsWith('Connection') ? DEFAULT_PAGE_SIZE : null;
  if (typeof given !== 'number' || !Number.isInteger(given) || given < 1) return MAX_PAGE_SIZE;
  return given;
}

/** The items a mutation writes: the length of its largest list of input objects, at least 1. */
function writtenItems(def: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  let items = 1;
  for (const arg of def.args) {
    const type = getNullableType(arg.type);
    const value = args[arg.name];
    if (isListType(type) && isInputObjectType(getNamedType(type)) && Array.isArray(value))
      items = Math.max(items, value.length);
  }
  return items;
}

function checked(cost: number): number {
  if (typeof cost !== 'number' || Number.isNaN(cost) || cost < 0)
    throw new TypeError('A declared field cost is not a number of points');
  return cost;
}

function collectVariables(value: ValueNode, into: Set<string>) {
  if (value.kind === Kind.VARIABLE) into.add(value.name.value);
  else if (value.kind === Kind.LIST) for (const v of value.values) collectVariables(v, into);
  else if (value.kind === Kind.OBJECT)
    for (const f of value.fields) collectVariables(f.value, into);
}
