import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { loadConfig } from '../../../src/config';
import { createSchema } from '../../../src/schema';
import { createResolvers, createServices } from '../../../src/container';
import { MAX_TOKENS, queryLimits } from '../../../src/common/query-limits';
import { queryCost } from '../../../src/modules/partners/query-cost';

let schema: GraphQLSchema;
beforeAll(async () => {
  const config = loadConfig({});
  schema = await createSchema(
    createResolvers(config, createServices(config, new DataSource({ type: 'postgres' }))),
  );
});

/** One fragment's body: spreads of earlier fragments (mostly the one just before), sometimes nested or aliased. */
const fragmentBody = fc.record({
  spreads: fc.array(
    fc.record({
      back: fc.nat({ max: 3 }),
      wrap: fc.constantFrom('plain', 'inline', 'nested', 'aliased'),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

/** A chain of fragments on Customer, each spreading earlier ones: the fan-out that made validation exponential. */
const fanOutDocument = fc.array(fragmentBody, { minLength: 1, maxLength: 40 }).map((bodies) => {
  const fragments = ['fragment F0 on Customer { id orders(first: 2) { nodes { id } } }'];
  bodies.forEach((body, i) => {
    const n = i + 1;
    const parts = body.spreads.map(({ back, wrap }, k) => {
      const spread = `...F${Math.max(0, n - 1 - back)}`;
      if (wrap === 'inline') return `... on Customer { ${spread} }`;
      if (wrap === 'nested') return `orders(first: 1) { nodes { customer { ${spread} } } }`;
      if (wrap === 'aliased') return `a${k}: id ${spread}`;
      return spread;
    });
    fragments.push(`fragment F${n} on Customer { ${parts.join(' ')} }`);
  });
  return `query { customers(first: 1) { nodes { ...F${bodies.length} } } } ${fragments.join(' ')}`;
});

describe('validation and costing time', () => {
  it('stays within a bound for any fragment fan-out within the token limit', () => {
    fc.assert(
      fc.property(fanOutDocument, (source) => {
        let document;
        try {
          document = parse(source, { maxTokens: MAX_TOKENS });
        } catch {
          return; // over the token limit: refused before validation
        }
        const started = performance.now();
        const errors = validate(schema, document, [...specifiedRules, queryLimits()]);
        // Costing runs on documents that validated (Apollo stops at validation errors) but must be linear anyway.
        queryCost(schema, document, {}, undefined);
        const ms = performance.now() - started;
        // Not a speed target (that is `npm run bench -- validation`: p50 about 3 ms): a guard against the exponential
        // case, which took 13 s. 2 s holds on a 2-core machine under a full test run and four other processes.
        expect({
          ms: Math.round(ms),
          bound: ms < 2000,
          unknown: errors
            .filter((e) => /Cannot query|Unknown/.test(e.message))
            .map((e) => e.message),
        }).toEqual({ ms: expect.any(Number), bound: true, unknown: [] });
      }),
      {
        numRuns: 150,
        examples: [
          [
            `query { customers(first: 1) { nodes { ...F22 } } } fragment F0 on Customer { id } ${Array.from({ length: 22 }, (_, i) => `fragment F${i + 1} on Customer { ...F${i} ...F${i} }`).join(' ')}`,
          ],
        ],
      },
    );
  });
});
