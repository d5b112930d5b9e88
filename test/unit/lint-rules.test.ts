import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';

/**
 * The layout rules of .dependency-cruiser.js catch what they promise. A small tree, written to a temporary folder
 * with the same src/ layout (and stub typeorm / type-graphql packages), holds one violation of each rule beside code
 * that is allowed; dependency-cruiser runs once over it with the project's own config.
 */
const ROOT = path.resolve(__dirname, '../..');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

const FILES: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true },
  }),
  'node_modules/type-graphql/package.json': JSON.stringify({
    name: 'type-graphql',
    main: 'index.js',
    types: 'index.d.ts',
  }),
  'node_modules/type-graphql/index.js': 'exports.Field = () => () => undefined;\n',
  'node_modules/type-graphql/index.d.ts': 'export declare function Field(): PropertyDecorator;\n',
  'node_modules/typeorm/package.json': JSON.stringify({
    name: 'typeorm',
    main: 'index.js',
    types: 'index.d.ts',
  }),
  'node_modules/typeorm/index.js': 'exports.Column = () => () => undefined;\n',
  'node_modules/typeorm/index.d.ts': 'export declare function Column(): PropertyDecorator;\n',

  'src/common/request-context.ts': 'export interface Loaders { [module: string]: unknown }\n',
  // common imports a module: forbidden.
  'src/common/leak.ts': "export { OrderService } from '../modules/orders';\n",

  'src/modules/customers/customer.entity.ts': 'export class CustomerEntity { id!: string; }\n',
  'src/modules/customers/customer.service.ts':
    'export class CustomerService { find(id: string) { return id; } }\n',
  // customers depends on another module: forbidden (edges point toward customers).
  'src/modules/customers/customer.loaders.ts':
    "import { OrderService } from '../orders';\nexport const make = (o: OrderService) => o;\n",
  'src/modules/customers/index.ts':
    "export { CustomerService } from './customer.service';\nexport { CustomerEntity } from './customer.entity';\n",

  // An entity's relation to another module's entity: allowed (the foreign-key exception).
  'src/modules/orders/order.entity.ts':
    "import { CustomerEntity } from '../customers/customer.entity';\nexport class OrderEntity { customer!: CustomerEntity; }\n",
  // A deep import of another module's service: forbidden.
  'src/modules/orders/order.service.ts':
    "import { CustomerService } from '../customers/customer.service';\n" +
    "import type { Order } from './order.types';\n" +
    'export class OrderService { constructor(readonly customers: CustomerService) {} get(): Order | null { return null; } }\n',
  // A circle of type-only imports: forbidden too.
  'src/modules/orders/order.types.ts':
    "import type { OrderLine } from './order-line.types';\nexport interface Order { lines: OrderLine[] }\n",
  'src/modules/orders/order-line.types.ts':
    "import type { Order } from './order.types';\nexport interface OrderLine { order: Order }\n",
  'src/modules/orders/index.ts': "export { OrderService } from './order.service';\n",

  // Through the index: allowed.
  'src/modules/feedback/feedback.service.ts':
    "import { CustomerService } from '../customers';\nexport const f = (c: CustomerService) => c;\n",
  // type-graphql in an entity, typeorm in a GraphQL types file: forbidden.
  'src/modules/feedback/feedback.entity.ts':
    "import { Field } from 'type-graphql';\nexport const decorate = Field;\n",
  'src/modules/feedback/feedback.types.ts':
    "import { Column } from 'typeorm';\nexport const decorate = Column;\n",

  // A model doing I/O: forbidden. Importing another model: allowed.
  'src/modules/metrics/models/bg-nbd.ts':
    "import fs from 'node:fs';\nimport { gammaln } from './special-functions';\nexport const read = () => fs.readFileSync('x') && gammaln;\n",
  'src/modules/metrics/models/special-functions.ts': 'export const gammaln = (x: number) => x;\n',
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string; dependencyTypes: string[] }[];
}

let violations: Violation[];
let errRun: { status: number | null; stdout: string };

/** Runs dependency-cruiser's CLI in `cwd`; resolves with its exit status and output. */
function depcruise(
  cwd: string,
  output: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [DEPCRUISE, 'src', '-c', path.join(ROOT, '.dependency-cruiser.js'), '-T', output],
      { cwd },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'c360-lint-rules-'));
  try {
    for (const [file, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    // JSON to read the violations; `err`, the reporter `npm run lint` uses, for the exit status that fails it.
    const [run, err] = await Promise.all([depcruise(dir, 'json'), depcruise(dir, 'err')]);
    errRun = err;
    if (!run.stdout)
      throw new Error(`dependency-cruiser printed nothing (status ${run.status}): ${run.stderr}`);
    violations = (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary
      .violations;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// dependency-cruiser reports a cycle once, from one of its members.
const found = () =>
  [
    ...new Set(
      violations.map(
        (v) => `${v.rule.name}: ${v.rule.name === 'no-circular' ? 'a cycle' : v.from}`,
      ),
    ),
  ].sort();

it('fails on a circle of type-only imports, a deep import and each layout rule, and on nothing else', () => {
  expect(found()).toEqual([
    'common-imports-no-module: src/common/leak.ts',
    'customers-depend-on-no-module: src/modules/customers/customer.loaders.ts',
    'entities-no-type-graphql: src/modules/feedback/feedback.entity.ts',
    'models-are-pure: src/modules/metrics/models/bg-nbd.ts',
    'modules-only-through-index: src/modules/orders/order.service.ts',
    'no-circular: a cycle',
    'types-no-typeorm: src/modules/feedback/feedback.types.ts',
  ]);
});

it('exits non-zero, as `npm run lint` sees it', () => {
  expect(errRun.status).not.toBe(0);
  expect(errRun.stdout).toContain(
    'error modules-only-through-index: src/modules/orders/order.service.ts → src/modules/customers/customer.service.ts',
  );
});

it('counts type-only imports in a cycle', () => {
  const cycles = violations.filter((v) => v.rule.name === 'no-circular');
  expect(cycles).toHaveLength(1);
  const members = [cycles[0].from, ...(cycles[0].cycle ?? []).map((step) => step.name)];
  expect(new Set(members)).toEqual(
    new Set(['src/modules/orders/order.types.ts', 'src/modules/orders/order-line.types.ts']),
  );
  expect(cycles[0].cycle?.every((step) => step.dependencyTypes.includes('type-only'))).toBe(true);
});

it('names the deep import it refuses', () => {
  const deep = violations.find((v) => v.rule.name === 'modules-only-through-index');
  expect(deep?.to).toBe('src/modules/customers/customer.service.ts');
});
