/**
 * The layout rules of STYLE.md ("Dependency direction"), checked by `npm run lint` (dependency-cruiser).
 * Type-only imports count (tsPreCompilationDeps): a circle made of `import type` hides the real ones.
 * test/unit/lint-rules.test.ts shows that a cycle and a deep import fail these rules.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, `import type` included (STYLE rule 7). The request context is the open interface of ' +
        'common/request-context.ts, which each module extends by declaration merging, so no resolver needs the container.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'modules-only-through-index',
      severity: 'error',
      comment:
        'A module reaches another only through its modules/<name>/index.ts (STYLE rule 5): a deep import such as ' +
        '../orders/order.entity fails. Entity files are checked by entity-relations-only-to-entities instead.',
      from: { path: '^src/modules/([^/]+)/', pathNot: '\\.entity\\.ts$' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'entity-relations-only-to-entities',
      severity: 'error',
      comment:
        "The one exception to modules-only-through-index: an entity may import another module's entity class for a " +
        "TypeORM relation (a foreign key), since going through index.ts would load that module's services and " +
        'resolvers into every entity (and the migration CLI). Today: orders/order.entity.ts, feedback/feedback.entity.ts, ' +
        'communications/communication.entity.ts, loyalty/loyalty.entity.ts and metrics/customer-metrics.entity.ts, each ' +
        '→ customers/customer.entity.ts (customer_id). Anything else of another module goes through its index.ts.',
      from: { path: '^src/modules/([^/]+)/[^/]+\\.entity\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '\\.entity\\.ts$'] },
    },
    {
      name: 'customers-depend-on-no-module',
      severity: 'error',
      comment:
        'Edges point toward customers (STYLE rule 7): orders, feedback … depend on customers, never the reverse ' +
        '(Customer.orders is added by the orders module).',
      from: { path: '^src/modules/customers/' },
      to: { path: '^src/modules/', pathNot: '^src/modules/customers/' },
    },
    {
      name: 'modules-import-no-assembly',
      severity: 'error',
      comment:
        'A module imports other modules (through index.ts), common/ and the compiled-reads engine (both domain-free), ' +
        'never what assembles them (app, container, schema, config, http, db …): those import the modules, so the ' +
        'reverse edge is a cycle in waiting.',
      from: { path: '^src/modules/' },
      to: { path: '^src/', pathNot: ['^src/modules/', '^src/common/', '^src/compiled-reads/'] },
    },
    {
      name: 'outside-modules-through-index',
      severity: 'error',
      comment:
        'Production code outside modules/ (composition root, app, http, db, cli, seed) reaches a module only through ' +
        'its index.ts. Tests may import a module file directly (unit tests of pure code). Exception: ' +
        'src/db/entities.ts, the list of entity classes for the DataSource, imports *.entity.ts files directly so that ' +
        "the migration CLI (ormconfig.ts) loads no resolver or service: it spreads each module's entity array (the same " +
        "array as the module manifest's `entities`), one line per module.",
      from: { path: '^src/', pathNot: ['^src/modules/', '^src/db/entities\\.ts$'] },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'entity-list-only-entities',
      severity: 'error',
      comment:
        "src/db/entities.ts (see outside-modules-through-index) may import a module's entity files, nothing deeper.",
      from: { path: '^src/db/entities\\.ts$' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['\\.entity\\.ts$', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'config-imports-no-module',
      severity: 'error',
      comment: 'config.ts (loadConfig) imports no module (STYLE layout): only common/ helpers.',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/', pathNot: '^src/common/' },
    },
    {
      name: 'config-loads-nothing-tracing-patches',
      severity: 'error',
      comment:
        'main.ts loads config.ts before tracing starts, and tracing patches http, pg and graphql as they load: ' +
        'nothing config.ts reaches may load them (common/errors.ts loads graphql; an import of it in shop-time.ts ' +
        'once left the GraphQL operations untraced).',
      from: { path: '^src/config\\.ts$' },
      to: { path: 'node_modules/(graphql|pg|@apollo|express|typeorm)/', reachable: true },
    },
    {
      name: 'common-imports-no-module',
      severity: 'error',
      comment:
        'src/common/ is domain-free (STYLE rule 6): it imports no module, and nothing that assembles them ' +
        "(app, container, schema …); the module manifest type names the compiled-reads engine's projection types.",
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: ['^src/common/', '^src/compiled-reads/'] },
    },
    {
      name: 'compiled-reads-domain-free',
      severity: 'error',
      comment:
        'src/compiled-reads/ is an engine (GraphQL selections to one SQL statement), not a domain: it imports common/ ' +
        'only; the modules give it their projections through their manifests.',
      from: { path: '^src/compiled-reads/' },
      to: { path: '^src/', pathNot: ['^src/compiled-reads/', '^src/common/'] },
    },
    {
      name: 'models-are-pure',
      severity: 'error',
      comment:
        'metrics/models/* are pure maths (STYLE rule 4): no typeorm, pg, type-graphql, node built-ins or any ' +
        'other I/O; time comes in as an asOf argument. Allowed: each other, src/common/math*, @stdlib special functions.',
      from: { path: '^src/modules/metrics/models/' },
      to: {
        pathNot: ['^src/modules/metrics/models/', '^src/common/math', '^node_modules/@stdlib/'],
      },
    },
    {
      name: 'entities-no-type-graphql',
      severity: 'error',
      comment:
        'Storage classes are not the public contract (STYLE rule 6, "Entities and GraphQL types are separate").',
      from: { path: '\\.entity\\.ts$' },
      to: { path: '^node_modules/(type-graphql|graphql|graphql-scalars)/' },
    },
    {
      name: 'types-no-typeorm',
      severity: 'error',
      comment: 'GraphQL classes know nothing of storage (STYLE rule 6).',
      from: { path: '\\.types\\.ts$' },
      to: { path: '^node_modules/(typeorm|pg)/' },
    },
    {
      name: 'resolvers-no-storage',
      severity: 'error',
      comment:
        'A resolver never imports typeorm, pg or an entity (STYLE rule 1): it calls services and loaders.',
      from: { path: '\\.resolver\\.ts$' },
      to: { path: ['^node_modules/(typeorm|pg)/', '\\.entity\\.ts$'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing package.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    // A git worktree's node_modules may be a symlink to another checkout's; keep its paths as `node_modules/…` so the
    // rules that name packages (models-are-pure, entities-no-type-graphql) see them the same everywhere.
    preserveSymlinks: true,
    exclude: { path: ['^dist/', '^\\.data/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
