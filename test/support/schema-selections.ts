import {
  getNamedType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import type { FieldProjection, SqlObject, TypeProjections } from '../../src/compiled-reads';
import { requiredScopesOf } from '../../src/common/require-scopes';

/**
 * Selections generated from the schema (and the compiled reads' projections), so that the guards cover every field
 * as it is declared today and a new field is covered without anyone editing a list. Arguments keep their defaults;
 * a connection is asked for with `first`.
 */

/** Nested pages are asked for this many nodes. */
export const NESTED_FIRST = 3;

/** GraphQL's own depth: the document's limit is MAX_DEPTH (10); the root's `customers { nodes` take two. */
const MAX_SELECTION_DEPTH = 7;

type AnyField = GraphQLField<unknown, unknown>;

/** A connection (nodes and totalCount) read by a field with a `first` argument. */
export function isConnectionField(field: AnyField): boolean {
  const type = getNamedType(field.type);
  return (
    isObjectType(type) && 'nodes' in type.getFields() && field.args.some((a) => a.name === 'first')
  );
}

/** A required argument without a default cannot be generated; none exists today, and such a field is left out. */
function generatable(field: AnyField): boolean {
  return field.args.every(
    (a) =>
      !isNonNullType(a.type) ||
      a.defaultValue !== undefined ||
      (a.name === 'first' && isConnectionField(field)),
  );
}

/**
 * One field with everything below it: leaves as they are, objects with their fields, connections as
 * `(first: 3) { totalCount nodes { … } }`, unions and interfaces by each type's leaves. A type already on the path is
 * not entered again (Order.customer under Customer), and nesting stops at a depth the document limit allows.
 */
export function fieldSelection(
  schema: GraphQLSchema,
  field: AnyField,
  path: readonly string[] = [],
  depth = 0,
): string | null {
  if (!generatable(field)) return null;
  const type = getNamedType(field.type);
  if (isLeafType(type)) return field.name;
  if (depth >= MAX_SELECTION_DEPTH || path.includes(type.name)) return null;
  if (isConnectionField(field)) {
    const nodes = (type as GraphQLObjectType).getFields().nodes;
    const inner = objectSelection(
      schema,
      getNamedType(nodes.type),
      [...path, type.name],
      depth + 2,
    );
    return `${field.name}(first: ${NESTED_FIRST}) { totalCount${inner ? ` nodes { ${inner} }` : ''} }`;
  }
  const inner = objectSelection(schema, type, path, depth + 1);
  return inner ? `${field.name} { ${inner} }` : null;
}

function objectSelection(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  path: readonly string[],
  depth: number,
): string | null {
  if (isAbstractType(type)) {
    const members = schema.getPossibleTypes(type);
    // A name with different types in two members (Order.channel, Communication.channel) is aliased by type.
    const typesOf = new Map<string, Set<string>>();
    for (const t of members)
      for (const f of leaves(t))
        typesOf.set(f.name, (typesOf.get(f.name) ?? new Set()).add(String(f.type)));
    const named = (t: GraphQLObjectType, f: AnyField) =>
      (typesOf.get(f.name)?.size ?? 0) > 1 ? `${t.name}_${f.name}: ${f.name}` : f.name;
    const parts = members.map(
      (t) =>
        `... on ${t.name} { ${leaves(t)
          .map((f) => named(t, f))
          .join(' ')} }`,
    );
    return `__typename ${parts.join(' ')}`;
  }
  if (!isObjectType(type)) return null;
  const parts = Object.values(type.getFields())
    .map((f) => fieldSelection(schema, f, [...path, type.name], depth))
    .filter((s): s is string => s !== null);
  return parts.length ? parts.join(' ') : null;
}

function leaves(type: GraphQLObjectType): AnyField[] {
  return Object.values(type.getFields()).filter(
    (f) => isLeafType(getNamedType(f.type)) && generatable(f),
  );
}

/**
 * Selections of `typeName` with every field that has a projection, below it too: one per alternative of the `object`
 * projections that fall back (`otherwise`), so each way a field can be read is read once. Personal fields only at
 * the root, the only place the compiled reads answer them.
 */
export function projectedSelections(
  schema: GraphQLSchema,
  projections: TypeProjections,
  typeName: string,
): string[] {
  const count = Math.max(
    1,
    ...Object.values(projections).flatMap((fields) =>
      Object.values(fields).map((p) => alternatives(p).length),
    ),
  );
  return Array.from({ length: count }, (_, variant) =>
    projectedObject(schema, projections, typeName, variant, true),
  );
}

function alternatives(projection: FieldProjection): FieldProjection[] {
  return projection.kind === 'object' && projection.otherwise
    ? [projection, ...alternatives(projection.otherwise)]
    : [projection];
}

function projectedObject(
  schema: GraphQLSchema,
  projections: TypeProjections,
  typeName: string,
  variant: number,
  root: boolean,
): string {
  const type = schema.getType(typeName) as GraphQLObjectType;
  const parts = ['__typename'];
  for (const [name, projection] of Object.entries(projections[typeName] ?? {})) {
    const field = type.getFields()[name];
    if (!field || (!root && requiredScopesOf(field).includes('pii:read'))) continue;
    const chosen = alternatives(projection)[Math.min(variant, alternatives(projection).length - 1)];
    parts.push(projectedField(schema, projections, field, chosen, variant));
  }
  return parts.join(' ');
}

function projectedField(
  schema: GraphQLSchema,
  projections: TypeProjections,
  field: AnyField,
  projection: FieldProjection,
  variant: number,
): string {
  const child = getNamedType(field.type);
  switch (projection.kind) {
    case 'value':
      return field.name;
    case 'one':
    case 'many':
      return `${field.name} { ${projectedObject(schema, projections, child.name, variant, false)} }`;
    case 'page': {
      const nodes = getNamedType((child as GraphQLObjectType).getFields().nodes.type);
      return `${field.name}(first: ${NESTED_FIRST}) { __typename totalCount nodes { ${projectedObject(schema, projections, nodes.name, variant, false)} } }`;
    }
    case 'object':
      return `${field.name} { ${sqlObjectSelection(child as GraphQLObjectType, projection.value)} }`;
    case 'computed': {
      // Every field the finishing step accepts, each with what is below it.
      const accepted = Object.values((child as GraphQLObjectType).getFields())
        .filter((f) => !projection.accepts || projection.accepts(new Set([f.name])))
        .map((f) => fieldSelection(schema, f, [child.name], 3))
        .filter((s): s is string => s !== null);
      return `${field.name} { __typename ${accepted.join(' ')} }`;
    }
  }
}

function sqlObjectSelection(type: GraphQLObjectType, value: SqlObject): string {
  const parts = ['__typename'];
  for (const [name, inner] of Object.entries(value.fields)) {
    if (typeof inner === 'function') parts.push(name);
    else
      parts.push(
        `${name} { ${sqlObjectSelection(getNamedType(type.getFields()[name].type) as GraphQLObjectType, inner)} }`,
      );
  }
  return parts.join(' ');
}

/**
 * The field a response path (keys joined by dots, list indices left out) names, from `typeName` down; a key aliased
 * by type in a union (`Order_channel`) names that member's field.
 */
export function fieldAtPath(
  schema: GraphQLSchema,
  typeName: string,
  path: string,
): AnyField | null {
  let type: GraphQLNamedType | undefined = schema.getType(typeName) ?? undefined;
  let field: AnyField | null = null;
  for (const key of path.split('.')) {
    if (!type) return null;
    const members: GraphQLObjectType[] = isAbstractType(type)
      ? [...schema.getPossibleTypes(type)]
      : isObjectType(type)
        ? [type]
        : [];
    field = null;
    for (const member of members) {
      const name = key.startsWith(`${member.name}_`) ? key.slice(member.name.length + 1) : key;
      field = member.getFields()[name] ?? null;
      if (field) break;
    }
    if (!field) return null;
    type = getNamedType(field.type);
  }
  return field;
}

/**
 * How the compiled reads reach each type they cover from `Customer`, as a function wrapping a selection of that type
 * into one of Customer: `orders(first: 3) { nodes { … } }`, `summary { … }`, `orders(…) { nodes { lines { … } } }`.
 */
export function routesFromCustomer(
  schema: GraphQLSchema,
  projections: TypeProjections,
): Map<string, (inner: string) => string> {
  const routes = new Map<string, (inner: string) => string>([['Customer', (inner) => inner]]);
  const queue = ['Customer'];
  while (queue.length > 0) {
    const typeName = queue.shift()!;
    const outer = routes.get(typeName)!;
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const [name, projection] of Object.entries(projections[typeName] ?? {})) {
      const child = getNamedType(type.getFields()[name].type) as GraphQLObjectType;
      const target =
        projection.kind === 'page' ? getNamedType(child.getFields().nodes.type).name : child.name;
      if (routes.has(target) || projection.kind === 'value') continue;
      routes.set(
        target,
        projection.kind === 'page'
          ? (inner) => outer(`${name}(first: ${NESTED_FIRST}) { nodes { ${inner} } }`)
          : (inner) => outer(`${name} { ${inner} }`),
      );
      queue.push(target);
    }
  }
  return routes;
}
