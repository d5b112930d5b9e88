import { DataSource } from 'typeorm';
import { GraphQLSchema, isObjectType } from 'graphql';
import { loadConfig } from '../../../src/config';
import { createSchema } from '../../../src/schema';
import { createResolvers, createServices, MODULES, NODE_TYPES } from '../../../src/container';
import { ENTITIES } from '../../../src/db/entities';
import { IdempotencyKeyEntity } from '../../../src/common/idempotency-key.entity';

/**
 * The composition root iterates the module manifests (STYLE rule 8); the one list it cannot build from them is the
 * DataSource's, which the migration CLI loads without resolvers. These check that the two agree and that what the
 * manifests declare exists in the schema.
 */
let schema: GraphQLSchema;

beforeAll(async () => {
  const config = loadConfig({});
  schema = await createSchema(
    createResolvers(config, createServices(config, new DataSource({ type: 'postgres' }))),
  );
});

describe('module manifests', () => {
  it('declare exactly the entities src/db/entities.ts gives TypeORM (plus the root idempotency table)', () => {
    const declared: unknown[] = [
      ...MODULES.flatMap((m): unknown[] => m.entities),
      IdempotencyKeyEntity,
    ];
    expect(new Set(ENTITIES)).toEqual(new Set(declared));
    expect(declared).toHaveLength(new Set(declared).size);
  });

  it('name distinct modules', () => {
    const names = MODULES.map((m) => m.name);
    expect(names).toHaveLength(new Set(names).size);
  });

  it('declare node types that are object types implementing Node', () => {
    for (const typeName of Object.keys(NODE_TYPES)) {
      const type = schema.getType(typeName);
      expect(isObjectType(type) && type.getInterfaces().map((i) => i.name)).toContain('Node');
    }
  });

  it('give the timeline one enum value and one union member per source', () => {
    const sources = MODULES.flatMap((m): { kind: string }[] =>
      'timelineSources' in m ? m.timelineSources : [],
    );
    const kinds = schema.getType('TimelineEventKind');
    const subject = schema.getType('TimelineSubject');
    expect(
      kinds &&
        'getValues' in kinds &&
        kinds
          .getValues()
          .map((v) => v.name)
          .sort(),
    ).toEqual(sources.map((s) => s.kind).sort());
    expect(subject && 'getTypes' in subject && subject.getTypes().length).toBe(sources.length);
  });
});
