import { AsyncLocalStorage } from 'node:async_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';

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
    requests: new Counter({ name: 'graphql_requests_total', help: 'GraphQL requests by operation type and name.', labelNames: ['type', 'operation'], registers: [registry] }),
    duration: new Histogram({ name: 'graphql_operation_duration_seconds', help: 'GraphQL request duration by operation type and name.', labelNames: ['type', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    errors: new Counter({ name: 'graphql_errors_total', help: 'GraphQL errors by extensions.code.', labelNames: ['code'], registers: [registry] }),
    sqlStatements: new Histogram({ name: 'graphql_sql_statements_per_request', help: 'SQL statements run for one GraphQL request.',
      buckets: [0, 1, 2, 5, 10, 20, 35, 50, 100, 250], registers: [registry] }),
    throttled: new Counter({ name: 'graphql_throttled_requests_total', help: 'Requests refused because the key had used up its rate-limit budget (429).', registers: [registry] }),
    compiledRequests: new Counter({ name: 'graphql_compiled_requests_total', help: 'Queries answered from one compiled SQL statement per root field instead of per-field resolvers.', registers: [registry] }),
    pool: new Gauge({ name: 'db_pool_connections', help: 'PostgreSQL pool connections by state.', labelNames: ['state'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Records each operation in the metrics and one JSON log line: request id, operation, duration, SQL
 * statements and error codes; never variables or results, which may hold personal data. Operation names are
 * client-chosen, so only names that exist in a parsed document are used and anonymous ones are "anonymous".
 */
export function observabilityPlugin(metrics: Metrics, logger: Logger): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const type = ctx.operation?.operation ?? 'invalid';
          const operation = ctx.operation ? ctx.operationName ?? 'anonymous' : 'invalid';
          const codes = (ctx.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          const facts = requestFacts.getStore();
          metrics.requests.inc({ type, operation });
          metrics.duration.observe({ type, operation }, seconds);
          for (const code of codes) metrics.errors.inc({ code });
          if (codes.includes('THROTTLED')) metrics.throttled.inc();
          if (facts) metrics.sqlStatements.observe(facts.sqlStatements);
          const keyId = (ctx.contextValue as { principal?: { keyId: string } | null }).principal?.keyId;
          logger.info({ requestId: facts?.requestId, keyId, type, operation, ms: Math.round(seconds * 1000), sqlStatements: facts?.sqlStatements, errors: codes }, 'graphql');
        },
      };
    },
  };
}
