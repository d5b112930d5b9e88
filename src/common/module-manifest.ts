import type { DataSource, EntityManager } from 'typeorm';
import type { DomainEventBus } from './domain-events';
import type { PublicEventSpec } from './public-events';
import type { ResolverOnlyFields, RootReader, TypeProjections } from '../compiled-reads';
import type { TextColumns } from './personal-data';
import type { Loaders, RequestContext } from './request-context';
import type { Node } from './relay';
import type { TimelineSource } from './timeline-source';
import type { JobDefinition } from './jobs';

/** The settings a module may read: the part of AppConfig (src/config.ts) that modules need, so no module imports it. */
export interface ModuleSettings {
  readonly shopCurrency: string;
  /** SHOP_TIME_ZONE: modules build their ShopTime (common/shop-time.ts) from it. */
  readonly shopTimeZone: string;
  readonly phoneDefaultRegion: string;
  readonly actionQuietDays: number;
  readonly apiKeyHashKey: string;
  readonly apiKeyCacheSeconds: number;
  readonly metricsHistoryPerCustomer: number;
  /** METRICS_CLV_EVENT_PERCENT: the CLV move that publishes metrics.clv_changed. */
  readonly clvEventPercent: number;
  /** EVENT_RETENTION_DAYS: how long the outbox keeps events. */
  readonly eventRetentionDays: number;
  /** LOYALTY_EXPIRY_NOTICE_DAYS: how long before points lapse they are announced. */
  readonly loyaltyExpiryNoticeDays: number;
  /** DATABASE_URL: PostgreSQL, which several servers may share (null: the embedded PGlite). */
  readonly databaseUrl: string | null;
  /** NODE_ENV: webhooks accept only https URLs in production. */
  readonly nodeEnv: string;
  /** WEBHOOK_ALLOW_PRIVATE: webhooks may go to private and loopback addresses (tests, local receivers). */
  readonly webhookAllowPrivate: boolean;
  /** WEBHOOK_TIMEOUT_MS: one delivery attempt's deadline, answer included. */
  readonly webhookTimeoutMs: number;
  /** WEBHOOK_RETRY_BASE_MS: the first retry's delay; later ones are multiples of it (webhook-retry.ts). */
  readonly webhookRetryBaseMs: number;
  /** WEBHOOK_MAX_ATTEMPTS: attempts of one delivery before it is given up and its endpoint disabled. */
  readonly webhookMaxAttempts: number;
  /** WEBHOOK_POLL_INTERVAL_MS: how often the delivery worker looks for due work besides being woken. */
  readonly webhookPollIntervalMs: number;
}

/**
 * A module's part of a data-subject request (partners' GdprService). Columns are emptied from `textColumns`; these
 * hooks are for what a column list cannot do. `quotable` holds the erased person's identifiers (email, phone…).
 */
export interface PersonalDataHandler {
  /** Its rows about one customer for an export (Art. 15/20), as sections of the one JSON document. */
  exportRows?(customerId: string): Promise<Record<string, unknown>>;
  /** Inside the erasure's transaction, after the columns are emptied (redact quotes of the person elsewhere). */
  eraseInTransaction?(
    manager: EntityManager,
    customerId: string,
    quotable: readonly string[],
  ): Promise<void>;
  /** After the erasure committed (recompute what is derived from what remains). */
  afterErasure?(customerId: string): Promise<void>;
}

/** What the composition root hands each module's service factory. */
export interface ModuleEnvironment {
  dataSource: DataSource;
  /** The one domain event bus: services publish on it, `subscribe` registers handlers on it. */
  events: DomainEventBus;
  settings: ModuleSettings;
  /** What other modules contribute to this one (their `extend[name]`), in the order of the manifests. */
  extensions: unknown[];
  /** Every table's classified text columns, from every manifest and the root's own tables (export and erasure). */
  textColumns: readonly TextColumns[];
  /** Every manifest's public event types, in the order of the manifests. */
  publicEvents: readonly PublicEventSpec[];
  /** Every manifest's timeline sources, in the order of the manifests. */
  timelineSources: readonly TimelineSource[];
  /** Every manifest's personal-data handlers, in the order of the manifests; complete once all services exist. */
  personalData: readonly PersonalDataHandler[];
}

/** How node(id) reaches one type, and the scope that reads it (node(id) is no way around the scopes). */
export interface NodeType {
  scope: string;
  fetch(ctx: RequestContext, id: string): Promise<Node | null>;
}

/**
 * One module, as the composition root sees it (STYLE rule 8). `S` is the module's services, `D` the services of the
 * modules it depends on (which come before it in the list of manifests). The root iterates the manifests: it never
 * names a module's classes, tables or fields.
 */
export interface ModuleManifest<S extends object = object, D extends object = object> {
  name: string;
  /** Its TypeORM entity classes (the same array src/db/entities.ts imports from its entity file). */
  entities: (new (...args: never[]) => object)[];
  /** Its singletons, built once; `deps` holds the services of every module listed before it. */
  services(env: ModuleEnvironment, deps: D): S;
  /** Its resolver instances (type-graphql classes), given every module's services. */
  resolvers?(services: D & S, settings: ModuleSettings): object[];
  /** Its per-request loaders, made lazily into `ctx.loaders[loaders.key]` when a resolver first asks. */
  loaders?: { key: keyof Loaders; create(services: D & S, now: Date): Loaders[keyof Loaders] };
  /** Its field projections for the compiled reads, and the fields of covered types it leaves to the resolvers. */
  projections?(settings: ModuleSettings): TypeProjections;
  resolverOnly?: ResolverOnlyFields;
  /** The root fields the compiled reads answer from its tables. */
  rootReaders?(env: ModuleEnvironment, services: D & S): Record<string, RootReader>;
  /** GraphQL types node(id) can return, by type name. */
  nodeTypes?: Record<string, NodeType>;
  /** Its public change event types (outbox, `events`, webhooks, subscriptions, NATS), made from its domain events. */
  publicEvents?: PublicEventSpec[];
  /** The kinds of events it puts on a customer's timeline. */
  timelineSources?: TimelineSource<any>[]; // each describes its own records
  /** Its part of export and erasure beyond `textColumns`, given its services. */
  personalData?(services: D & S): PersonalDataHandler;
  /** Its GraphQL fields that need pii:read, by name → the kind of personal data the audit log records (name, email…). */
  personalFields?: Record<string, string>;
  /** Every text, text[] and jsonb column of its tables, classified for export and erasure. */
  textColumns?: TextColumns[];
  /** What it adds to other modules, by their name (e.g. CustomerFilter fields and sort keys to `customers`). */
  extend?: Record<string, unknown>;
  /**
   * Its background jobs (common/jobs.ts): scheduled ones (a default cron, JOB_SCHEDULE_<JOB> overrides it) and
   * handlers of what code enqueues; collected by the composition root and run by src/jobs/ on pg-boss.
   */
  jobs?(services: D & S, settings: ModuleSettings): JobDefinition<any>[]; // each reads its own data
  /** Registers its handlers of domain events (its own and other modules'), once every service exists. */
  subscribe?(services: D & S, events: DomainEventBus): void;
}

/** The services of a list of manifests, merged (each module's record keeps its own keys). */
export type ServicesOf<M extends readonly ModuleManifest<object, never>[]> = UnionToIntersection<
  ReturnType<M[number]['services']>
>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;
