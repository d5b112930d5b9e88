import { AsyncLocalStorage } from 'node:async_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';

/** Per-request facts gathered while the request runs (SQL statements are counted by the TypeORM logger). */
export interface RequestFacts {
  requestId: string;
  sqlStatements: number;
  /** Set for a request that writes: all its reads then go to the primary (read your own writes). */
  readsFromPrimary?: boolean;
  /** Kinds of personal data the response contains, and whose (for the audit log). */
  piiCategories?: Set<string>;
  piiCustomers?: Set<string>;
  /** Aborted when the request's deadline passes or its client goes away; long computations check it (cooperative.ts). */
  signal?: AbortSignal;
  /**
   * Set by the audit log for a request that writes. ReplicatedDataSource.transaction runs `record` at the end of the
   * request's first write transaction, before its commit, so a write and its audit row commit together or not at all;
   * `committed` then tells the audit log that the row exists (and its id).
   */
  auditWrite?: { record: (manager: EntityManager) => Promise<string>; committedId: string | null };
}

/** Notes that personal data of one customer went into the response. */
export function notePersonalData(category: string, customerId: string | undefined) {
  const facts = requestFacts.getStore();
  if (!facts) return;
  (facts.piiCategories ??= new Set()).add(category);
  if (customerId) (facts.piiCustomers ??= new Set()).add(customerId);
}

export const requestFacts = new AsyncLocalStorage<RequestFacts>();

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL requests by operation type and name.',
      labelNames: ['type', 'operation'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL request duration by operation type and name.',
      labelNames: ['type', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'graphql_errors_total',
      help: 'GraphQL errors by extensions.code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    sqlStatements: new Histogram({
      name: 'graphql_sql_statements_per_request',
      help: 'SQL statements run for one GraphQL request.',
      buckets: [0, 1, 2, 5, 10, 20, 35, 50, 100, 250],
      registers: [registry],
    }),
    throttled: new Counter({
      name: 'graphql_throttled_requests_total',
      help: 'Requests refused because the key had used up its rate-limit budget (429).',
      registers: [registry],
    }),
    compiledRequests: new Counter({
      name: 'graphql_compiled_requests_total',
      help: 'Queries answered from one compiled SQL statement per root field instead of per-field resolvers.',
      registers: [registry],
    }),
    pool: new Gauge({
      name: 'db_pool_connections',
      help: 'PostgreSQL pool connections by state.',
      labelNames: ['state'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** How many distinct client-chosen operation names one process labels its metrics with before using "other". */
export const MAX_OPERATION_LABELS = 100;

/**
 * Operation names are chosen by clients, and every label value is a Prometheus series kept for the life of the
 * process: the registered operations (trusted documents) always get their own, and then the first `limit` other
 * names seen; every later name is counted as "other". Names are cut to 64 characters.
 */
export class OperationLabels {
  private readonly seen = new Set<string>();

  constructor(
    private readonly registered: ReadonlySet<string>,
    private readonly limit = MAX_OPERATION_LABELS,
  ) {}

  label(name: string): string {
    const cut = name.slice(0, 64);
    if (this.registered.has(cut) || this.seen.has(cut)) return cut;
    if (this.seen.size >= this.limit) return 'other';
    this.seen.add(cut);
    return cut;
  }
}

// graphql-js and Apollo codes are a closed set too, but extensions.code is only a string: bound it the same way.
const KNOWN_CODE = /^[A-Z_]{1,40}$/;

/**
 * Records each operation in the metrics and one JSON log line: request id, operation, duration, SQL
 * statements and error codes; never variables or results, which may hold personal data. Only requests that
 * passed the key check reach Apollo, so only they are counted; their names are bounded by OperationLabels.
 */
export function observabilityPlugin(
  metrics: Metrics,
  logger: Logger,
  labels: OperationLabels,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const type = ctx.operation?.operation ?? 'invalid';
          const operation = ctx.operation
            ? ctx.operationName
              ? labels.label(ctx.operationName)
              : 'anonymous'
            : 'invalid';
          const codes = (ctx.errors ?? []).map((e) => {
            const code =
              typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR';
            return KNOWN_CODE.test(code) ? code : 'OTHER';
          });
          const facts = requestFacts.getStore();
          metrics.requests.inc({ type, operation });
          metrics.duration.observe({ type, operation }, seconds);
          for (const code of codes) metrics.errors.inc({ code });
          if (codes.includes('THROTTLED')) metrics.throttled.inc();
          if (facts) metrics.sqlStatements.observe(facts.sqlStatements);
          const keyId = (ctx.contextValue as { principal?: { keyId: string } | null }).principal
            ?.keyId;
          logger.info(
            {
              keyId,
              type,
              operation,
              ms: Math.round(seconds * 1000),
              sqlStatements: facts?.sqlStatements,
              errors: codes,
            },
            'graphql',
          );
        },
      };
    },
  };
}
