import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from './config';
import { mergeProjections } from './compiled-reads';
import type {
  ModuleEnvironment,
  ModuleManifest,
  NodeType,
  PersonalDataHandler,
  ServicesOf,
} from './common/module-manifest';
import { jobsModule } from './modules/jobs';
import { eventsModule } from './modules/events';
import { customersModule } from './modules/customers';
import { ordersModule } from './modules/orders';
import { feedbackModule } from './modules/feedback';
import { communicationsModule } from './modules/communications';
import { loyaltyModule } from './modules/loyalty';
import { metricsModule } from './modules/metrics';
import { timelineModule } from './modules/timeline';
import { actionsModule } from './modules/actions';
import { partnersModule } from './modules/partners';
import { webhooksModule } from './modules/webhooks';
import { migrationTextColumns } from './db/data-source';
import { idempotencyTextColumns } from './common/idempotency';
import { NodeResolver } from './node.resolver';
import { DomainEventBus } from './common/domain-events';
import type { Loaders, RequestContext } from './common/request-context';
import type { Principal } from './common/scopes';
import type { JobDefinition } from './common/jobs';

/**
 * The modules, each after the modules it depends on (its services factory receives theirs). This list is the
 * only place that names them; everything below iterates it.
 */
export const MODULES = [
  jobsModule,
  eventsModule,
  customersModule,
  ordersModule,
  feedbackModule,
  communicationsModule,
  loyaltyModule,
  metricsModule,
  timelineModule,
  actionsModule,
  partnersModule,
  webhooksModule,
] as const;

type Manifest = ModuleManifest<object, never>;
const manifests: readonly Manifest[] = MODULES;

/** Every text, text[] and jsonb column of every table, classified by the module that owns it (see TextColumns). */
export const TEXT_COLUMNS = [
  ...manifests.flatMap((m) => m.textColumns ?? []),
  ...migrationTextColumns,
  ...idempotencyTextColumns,
];

/** GraphQL field → kind of personal data, for the audit log (see PersonalDataCategories), from the manifests. */
export const PERSONAL_DATA_CATEGORIES: Record<string, string> = Object.assign(
  {},
  ...manifests.map((m) => m.personalFields ?? {}),
);

/** Every kind of event on a customer's timeline, from the manifests. */
const TIMELINE_SOURCES = manifests.flatMap((m) => m.timelineSources ?? []);

/** Every public change event type, from the manifests. */
const PUBLIC_EVENTS = manifests.flatMap((m) => m.publicEvents ?? []);

export type Services = ServicesOf<typeof MODULES>;

/** The composition root: every module's services, built once, in the order of MODULES; then their subscriptions. */
export function createServices(config: AppConfig, dataSource: DataSource): Services {
  const services: Record<string, unknown> = {};
  const personalData: PersonalDataHandler[] = [];
  const events = new DomainEventBus();
  for (const manifest of manifests) {
    const env: ModuleEnvironment = {
      dataSource,
      settings: config,
      textColumns: TEXT_COLUMNS,
      timelineSources: TIMELINE_SOURCES,
      publicEvents: PUBLIC_EVENTS,
      personalData,
      events,
      extensions: extensionsOf(manifest.name),
    };
    Object.assign(services, manifest.services(env, services as never));
  }
  for (const manifest of manifests) {
    manifest.subscribe?.(services as never, events);
    const handler = manifest.personalData?.(services as never);
    if (handler) personalData.push(handler);
  }
  return services as Services;
}

/** What the other modules add to one (their `extend[name]`), in the order of MODULES. */
function extensionsOf(name: string): unknown[] {
  return manifests.flatMap((m) => (m.extend && name in m.extend ? [m.extend[name]] : []));
}

/**
 * What the compiled reads know: each module's field projections, the root fields they answer, and the fields of
 * covered types each module leaves to the resolvers (checked against the schema by a test, not used to answer).
 */
export function createCompiledReads(config: AppConfig, dataSource: DataSource, services: Services) {
  const env: ModuleEnvironment = {
    dataSource,
    settings: config,
    textColumns: TEXT_COLUMNS,
    timelineSources: TIMELINE_SOURCES,
    publicEvents: PUBLIC_EVENTS,
    personalData: [],
    events: new DomainEventBus(),
    extensions: [],
  };
  return {
    projections: mergeProjections(
      ...manifests.flatMap((m) => (m.projections ? [m.projections(config)] : [])),
    ),
    resolverOnly: mergeProjections(
      ...manifests.flatMap((m) => (m.resolverOnly ? [m.resolverOnly] : [])),
    ),
    roots: Object.assign(
      {},
      ...manifests.map((m) =>
        m.rootReaders?.({ ...env, extensions: extensionsOf(m.name) }, services as never),
      ),
    ),
  };
}

/** The types node(id) reaches, with their scopes, from every manifest. */
export const NODE_TYPES: Record<string, NodeType> = Object.assign(
  {},
  ...manifests.map((m) => m.nodeTypes ?? {}),
);

export function createResolvers(config: AppConfig, services: Services) {
  return [
    new NodeResolver(NODE_TYPES),
    ...manifests.flatMap((m) => m.resolvers?.(services as never, config) ?? []),
  ];
}

/**
 * Loaders live for one request only, so no request sees another's cached rows. Each module's are made when a
 * resolver first asks for them: a request answered by the compiled reads asks for none. The record's type is the
 * open `Loaders` of common/request-context.ts, which each module's loaders file extends.
 */
export function createLoaders(services: Services, now: Date): Loaders {
  const made: Partial<Record<keyof Loaders, unknown>> = {};
  const loaders = {};
  for (const { loaders: factory } of manifests) {
    if (!factory) continue;
    Object.defineProperty(loaders, factory.key, {
      enumerable: true,
      get: () => (made[factory.key] ??= factory.create(services as never, now)),
    });
  }
  return loaders as Loaders;
}

export function createContext(
  services: Services,
  requestId: string = randomUUID(),
  principal: Principal | null = null,
): RequestContext {
  const now = new Date();
  return { requestId, principal, now, loaders: createLoaders(services, now) };
}

/** Every module's background jobs (their manifest's `jobs`), in the order of MODULES. */
export function collectJobs(config: AppConfig, services: Services): JobDefinition[] {
  return manifests.flatMap((m) => m.jobs?.(services as never, config) ?? []);
}
