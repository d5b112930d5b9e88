import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  DocumentNode,
  GraphQLSchema,
  Lexer,
  parse,
  Source,
  specifiedRules,
  TokenKind,
  validate,
} from 'graphql';
import { loadConfig } from '../src/config';
import { createSchema } from '../src/schema';
import { createResolvers, createServices } from '../src/container';
import { MAX_TOKENS, queryLimits } from '../src/common/query-limits';
import { queryCost } from '../src/modules/partners/query-cost';
import { Random } from '../src/common/random';

function tokens(text: string): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

/** The largest document of a family (grown by n) that stays within the token limit. */
function largest(build: (n: number) => string): string {
  let best = build(1);
  for (let n = 2; n < 2000; n++) {
    const text = build(n);
    if (tokens(text) > MAX_TOKENS) break;
    best = text;
  }
  return best;
}

const LEAF = 'fragment F0 on Customer { id orders(first: 2) { nodes { id } } }';
/** Families that made validators or costing explode elsewhere: fan-out chains, dense fragment graphs, merges. */
const FAMILIES: Record<string, (n: number) => string> = {
  'fan-out 2 per level': (n) =>
    `{ customers(first: 1) { nodes { ...F${n} } } } ${LEAF} ${Array.from({ length: n }, (_, i) => `fragment F${i + 1} on Customer { ...F${i} ...F${i} }`).join(' ')}`,
  'fan-out 4 per level': (n) =>
    `{ customers(first: 1) { nodes { ...F${n} } } } ${LEAF} ${Array.from({ length: n }, (_, i) => `fragment F${i + 1} on Customer { ${`...F${i} `.repeat(4)}}`).join(' ')}`,
  'every fragment spreads all before it': (n) =>
    `{ customers(first: 1) { nodes { ...F${n} } } } ${LEAF} ${Array.from({ length: n }, (_, i) => `fragment F${i + 1} on Customer { ${Array.from({ length: i + 1 }, (_, j) => `...F${j}`).join(' ')} }`).join(' ')}`,
  'same-name fields to merge at every level': (n) =>
    `{ orders(first: 1) { nodes { ...G${n} } } } fragment G0 on Order { id } ${Array.from(
      { length: n },
      (_, i) =>
        `fragment G${i + 1} on Order { customer { orders(first: 1) { nodes { ...G${i} } } } customer { orders(first: 1) { nodes { ...G${i} } } } }`,
    ).join(' ')}`,
  'aliases on one field, repeated': (n) =>
    `{ customers(first: 1) { nodes { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ')} } } }`,
  'inline fragments nested': (n) =>
    `{ customers(first: 1) { nodes { ${'... on Customer { id '.repeat(n)}${'} '.repeat(n)}} } }`,
};

/** Random fan-out documents within the limit (as the property test builds them), seeded so runs compare. */
function randomDocument(random: Random): string {
  const fragments = [LEAF];
  const count = 1 + Math.floor(random.next() * 40);
  for (let n = 1; n <= count; n++) {
    const spreads = Array.from(
      { length: 1 + Math.floor(random.next() * 4) },
      () => `...F${Math.max(0, n - 1 - Math.floor(random.next() * 3))}`,
    );
    fragments.push(`fragment F${n} on Customer { ${spreads.join(' ')} }`);
  }
  return `{ customers(first: 1) { nodes { ...F${count} } } } ${fragments.join(' ')}`;
}

function time(runs: number, work: () => void): Timing {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    work();
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return {
    median: ms[Math.floor(ms.length / 2)],
    p95: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.95))],
    max: ms[ms.length - 1],
  };
}

function measure(schema: GraphQLSchema, document: DocumentNode, runs: number) {
  const rules = [...specifiedRules, queryLimits()];
  const validation = time(runs, () => validate(schema, document, rules));
  const cost = time(runs, () => {
    try {
      queryCost(schema, document, {}, undefined);
    } catch {
      /* refused: timed all the same */
    }
  });
  return { validation, cost };
}

interface Timing {
  median: number;
  p95: number;
  max: number;
}
interface Row {
  name: string;
  tokens: number;
  text?: string;
  validation: Timing;
  cost: Timing;
}

/** `npm run bench -- validation [--runs 50] [--random 2000]`: worst validation and costing times at the token limit. */
export async function benchValidation(runs: number, randomDocuments: number) {
  const config = loadConfig({});
  const schema = await createSchema(
    createResolvers(config, createServices(config, new DataSource({ type: 'postgres' }))),
  );
  const rows: Row[] = [];
  for (const [name, build] of Object.entries(FAMILIES)) {
    const text = largest(build);
    const document = parse(text, { maxTokens: MAX_TOKENS });
    measure(schema, document, 5); // warm-up
    rows.push({ name, tokens: tokens(text), ...measure(schema, document, runs) });
  }
  const random = new Random(0xbe7c);
  const total = (r: Row) => r.validation.median + r.cost.median;
  let worst: Row | null = null;
  for (let i = 0; i < randomDocuments; i++) {
    const text = randomDocument(random);
    if (tokens(text) > MAX_TOKENS) continue;
    const row = {
      name: `random fan-out (worst of ${randomDocuments})`,
      tokens: tokens(text),
      text,
      ...measure(schema, parse(text), 3),
    };
    if (!worst || total(row) > total(worst)) worst = row;
  }
  if (worst) rows.push({ ...worst, ...measure(schema, parse(worst.text!), runs) });
  const f = (v: number) => v.toFixed(2).padStart(7);
  console.log(
    `validation (graphql-js rules + depth/alias limits) and cost, ${runs} runs each; documents at the ${MAX_TOKENS}-token limit`,
  );
  console.log(
    `${'document'.padEnd(42)} tokens  validate p50 / p95 / max ms     cost p50 / p95 / max ms`,
  );
  const cells = (t: Timing) => `${f(t.median)} ${f(t.p95)} ${f(t.max)}`;
  for (const r of rows)
    console.log(
      `${r.name.padEnd(42)} ${String(r.tokens).padStart(6)}  ${cells(r.validation)}    ${cells(r.cost)}`,
    );
  const worst50 = (pick: (r: Row) => Timing) =>
    Math.max(...rows.map((r) => pick(r).median)).toFixed(2);
  const worst95 = (pick: (r: Row) => Timing) =>
    Math.max(...rows.map((r) => pick(r).p95)).toFixed(2);
  console.log(
    `worst p50 (p95): validation ${worst50((r) => r.validation)} (${worst95((r) => r.validation)}) ms, cost ${worst50((r) => r.cost)} (${worst95((r) => r.cost)}) ms; ` +
      "the max column is mostly garbage collection and the machine's other load",
  );
}
