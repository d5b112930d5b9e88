import fs from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { CriticalityLevel, diff } from '@graphql-inspector/core';

const ROOT = path.resolve(__dirname, '../../..');

describe('schema changes', () => {
  it('makes no breaking change against the released schema that CHANGELOG.md does not declare', async () => {
    const released = buildSchema(
      fs.readFileSync(path.join(ROOT, 'schema.released.graphql'), 'utf8'),
    );
    const current = buildSchema(fs.readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));
    const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    const unreleased = changelog.slice(
      changelog.indexOf('## Unreleased'),
      changelog.indexOf('\n## ', changelog.indexOf('## Unreleased') + 5),
    );
    const breaking = (await diff(released, current)).filter(
      (c) => c.criticality.level === CriticalityLevel.Breaking,
    );
    const undeclared = breaking
      .map((c) => c.message)
      .filter((message) => !unreleased.includes(message));
    expect(undeclared).toEqual([]);
  });

  it('detects a breaking change (the guard itself works)', async () => {
    const before = buildSchema('type Query { a: String! b: Int }');
    const after = buildSchema('type Query { a: String }');
    const breaking = (await diff(before, after))
      .filter((c) => c.criticality.level === CriticalityLevel.Breaking)
      .map((c) => c.message);
    expect(breaking).toEqual(
      expect.arrayContaining(["Field 'b' was removed from object type 'Query'"]),
    );
  });
});
