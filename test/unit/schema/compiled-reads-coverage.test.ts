import { DataSource } from 'typeorm';
import { getNamedType, GraphQLObjectType, GraphQLSchema, isObjectType } from 'graphql';
import { loadConfig } from '../../../src/config';
import { createSchema } from '../../../src/schema';
import { createCompiledReads, createResolvers, createServices } from '../../../src/container';
import {
  FieldProjection,
  NESTED_PAGE_RESOLVER_ONLY,
  ResolverOnlyFields,
  SqlObject,
  TypeProjections,
} from '../../../src/compiled-reads';

/**
 * The compiled reads answer a query only when every field it selects has a SQL projection; any other field sends the
 * whole query to the resolvers, silently. So every field of every type they cover (a type with projections, an
 * object built in SQL, a nested page's connection) is either read by a projection or on its module's resolver-only
 * list with a reason: a new field fails here, by name, until its module decides.
 */
let schema: GraphQLSchema;
let projections: TypeProjections;
let resolverOnly: ResolverOnlyFields;

beforeAll(async () => {
  const config = loadConfig({});
  const dataSource = new DataSource({ type: 'postgres' });
  const services = createServices(config, dataSource);
  schema = await createSchema(createResolvers(config, services));
  ({ projections, resolverOnly } = createCompiledReads(config, dataSource, services));
});

const objectType = (name: string) => schema.getType(name) as GraphQLObjectType;

/** The fields the compiled reads read, by type: projections, the objects built in SQL below them, nested pages. */
function readFields(): Map<string, Set<string>> {
  const read = new Map<string, Set<string>>();
  const add = (type: string, field: string) =>
    read.set(type, (read.get(type) ?? new Set()).add(field));
  const addSqlObject = (type: GraphQLObjectType, value: SqlObject) => {
    for (const [name, inner] of Object.entries(value.fields)) {
      add(type.name, name);
      if (typeof inner !== 'function')
        addSqlObject(getNamedType(type.getFields()[name].type) as GraphQLObjectType, inner);
    }
  };
  const addProjection = (child: GraphQLObjectType, projection: FieldProjection) => {
    if (projection.kind === 'page')
      for (const name of ['nodes', 'totalCount']) add(child.name, name);
    if (projection.kind === 'object') {
      addSqlObject(child, projection.value);
      if (projection.otherwise) addProjection(child, projection.otherwise);
    }
    if (projection.kind === 'computed') {
      for (const name of Object.keys(child.getFields()))
        if (!projection.accepts || projection.accepts(new Set([name]))) add(child.name, name);
    }
  };
  for (const [typeName, fields] of Object.entries(projections)) {
    for (const [name, projection] of Object.entries(fields)) {
      add(typeName, name);
      const child = getNamedType(objectType(typeName)?.getFields()[name]?.type);
      if (isObjectType(child)) addProjection(child, projection);
    }
  }
  return read;
}

/** The connections of nested pages: their edges and pageInfo are left to the resolvers by the engine itself. */
function nestedPageConnections(): Set<string> {
  const connections = new Set<string>();
  for (const [typeName, fields] of Object.entries(projections)) {
    for (const [name, projection] of Object.entries(fields)) {
      if (projection.kind === 'page')
        connections.add(getNamedType(objectType(typeName).getFields()[name].type).name);
    }
  }
  return connections;
}

/** Fields of covered types with neither a projection nor a place on a resolver-only list, as `Type.field`. */
function undecidedFields(leftToResolvers: ResolverOnlyFields): string[] {
  const connections = nestedPageConnections();
  const undecided: string[] = [];
  for (const [typeName, read] of readFields()) {
    for (const name of Object.keys(objectType(typeName).getFields())) {
      const decided =
        read.has(name) ||
        name in (leftToResolvers[typeName] ?? {}) ||
        (connections.has(typeName) && name in NESTED_PAGE_RESOLVER_ONLY);
      if (!decided) undecided.push(`${typeName}.${name}`);
    }
  }
  return undecided;
}

describe('the compiled reads cover every field of the types they read', () => {
  it('every field of a covered type has a projection or is on a resolver-only list', () => {
    // A field named here needs a projection in its module's *.compiled.ts, or an entry with a reason in the module's
    // resolver-only list there (see ResolverOnlyFields).
    expect(undecidedFields(resolverOnly)).toEqual([]);
  });

  it('names a field that has neither (a new field forces a decision)', () => {
    const { identifiers: _left, ...customer } = resolverOnly.Customer;
    expect(undecidedFields({ ...resolverOnly, Customer: customer })).toEqual([
      'Customer.identifiers',
    ]);
    const { latestNps: _nps, ...summary } = resolverOnly.CustomerSummary;
    expect(undecidedFields({ ...resolverOnly, CustomerSummary: summary })).toEqual([
      'CustomerSummary.latestNps',
    ]);
  });

  it('the resolver-only lists name fields of covered types that have no projection, each with a reason', () => {
    const read = readFields();
    const stale: string[] = [];
    for (const [typeName, fields] of Object.entries(resolverOnly)) {
      for (const [name, reason] of Object.entries(fields)) {
        const type = schema.getType(typeName);
        if (!isObjectType(type) || !(name in type.getFields()))
          stale.push(`${typeName}.${name}: no such field`);
        else if (!read.has(typeName))
          stale.push(`${typeName}.${name}: the compiled reads do not read ${typeName}`);
        else if (read.get(typeName)!.has(name)) stale.push(`${typeName}.${name}: has a projection`);
        else if (reason.trim().length < 10) stale.push(`${typeName}.${name}: no reason given`);
      }
    }
    expect(stale).toEqual([]);
  });

  it('every projection names a field of the schema, and the objects it leads to have projections of their own', () => {
    const wrong: string[] = [];
    for (const [typeName, fields] of Object.entries(projections)) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) {
        wrong.push(`${typeName}: not an object type of the schema`);
        continue;
      }
      for (const [name, projection] of Object.entries(fields)) {
        const field = type.getFields()[name];
        if (!field) {
          wrong.push(`${typeName}.${name}: no such field`);
          continue;
        }
        const child = getNamedType(field.type);
        const leadsTo =
          projection.kind === 'page'
            ? getNamedType((child as GraphQLObjectType).getFields().nodes.type).name
            : projection.kind === 'one' || projection.kind === 'many'
              ? child.name
              : null;
        if (leadsTo && !projections[leadsTo])
          wrong.push(`${typeName}.${name}: ${leadsTo} has no projections`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
