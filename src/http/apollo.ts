import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLSchema } from 'graphql';
import { AppConfig } from '../config';
import { Database } from '../db/data-source';
import type { RequestContext } from '../common/request-context';
import { createCompiledReads, PERSONAL_DATA_CATEGORIES, Services } from '../container';
import { compiledReadsPlugin, stringifyResult } from '../compiled-reads';
import { createErrorFormatter } from '../common/errors';
import {
  createMetrics,
  observabilityPlugin,
  OperationLabels,
  requestFacts,
} from '../common/observability';
import { logger } from '../common/logger';
import { unavailableStatusPlugin } from './unavailable-status';
import { directiveLimit, refuseSubscriptionsOverHttp } from './document-limits';
import { MAX_TOKENS, queryLimits } from '../common/query-limits';
import { inputGuardPlugin } from '../common/input-guard';
import type { SharedStores } from '../common/shared-stores';
import {
  costPlugin,
  documentAuthorisationPlugin,
  hasScope,
  personalFieldsNoter,
  trustedDocumentsPlugin,
} from '../modules/partners';
import { introspectionGuard } from '../introspection-guard';
import type { TrustedDocuments } from '../common/persisted-query-manifest';

export interface ApolloDeps {
  schema: GraphQLSchema;
  config: AppConfig;
  db: Database;
  services: Services;
  httpServer: http.Server;
  metrics: ReturnType<typeof createMetrics>;
  shared: SharedStores;
  trustedDocuments: TrustedDocuments | null;
}

/**
 * The GraphQL server and its plugins, in the order they must run: drain, observability, the checks (audit, trusted
 * documents, input, cost, introspection, scopes), and last the compiled reads, which answer only after every check.
 */
export function createApolloServer({
  schema,
  config,
  db,
  services,
  httpServer,
  metrics,
  shared,
  trustedDocuments,
}: ApolloDeps) {
  const bucket = shared.bucket;
  return new ApolloServer<RequestContext>({
    schema,
    formatError: createErrorFormatter({
      exposeInternals: config.nodeEnv === 'development',
      log: (error) => logger.error({ err: error }, 'graphql: internal error'),
    }),
    includeStacktraceInErrorResponses: false,
    // JSON.stringify, splicing in the JSON text of nodes PostgreSQL built (see RawJson).
    stringifyResult,
    validationRules: [queryLimits(), directiveLimit()],
    // Introspection is answered in every mode, production included: BI tools and codegen read the schema with a
    // schema:read key. Who may is decided per request by introspectionGuard below (Apollo has no per-request switch).
    introspection: true,
    parseOptions: { maxTokens: MAX_TOKENS },
    allowBatchedHttpRequests: false,
    // CSRF needs ambient credentials (cookies); this API has none: every request that reaches Apollo carries its key
    // in a header a cross-site form or <img> cannot set, so a key header counts as the preflight header.
    csrfPrevention: {
      requestHeaders: [
        'authorization',
        'x-api-key',
        'x-apollo-operation-name',
        'apollo-require-preflight',
      ],
    },
    // Automatic persisted queries: in Redis when several processes serve, so a hash registered on one works on all.
    persistedQueries: {
      ttl: 7 * 24 * 3600,
      ...(shared.documentCache ? { cache: shared.documentCache } : {}),
    },
    hideSchemaDetailsFromClientErrors: true,
    // main.ts handles SIGTERM itself: readiness first, then drain.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo turns on inline traces (timings per field, for GraphOS) for any subgraph; we report to no one.
      ...(config.federationSubgraph ? [ApolloServerPluginInlineTraceDisabled()] : []),
      // No field sets cache hints, and Apollo's cache-control plugin would wrap every field resolver to look for them.
      ApolloServerPluginCacheControlDisabled(),
      // The IDE page is served by idePage before the key check; Apollo's own landing page loads from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      observabilityPlugin(
        metrics,
        logger,
        new OperationLabels(
          new Set(
            [...(trustedDocuments?.byHash.values() ?? [])].flatMap((d) => (d.name ? [d.name] : [])),
          ),
        ),
      ),
      refuseSubscriptionsOverHttp(),
      unavailableStatusPlugin(),
      // A request that writes reads from the primary too, so replication lag never hides its own writes.
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation }) {
              const facts = requestFacts.getStore();
              if (facts && operation?.operation === 'mutation') facts.readsFromPrimary = true;
            },
          };
        },
      },
      services.audit.plugin(),
      trustedDocumentsPlugin(trustedDocuments),
      // NUL characters and list sizes in every argument, before any resolver runs.
      inputGuardPlugin(),
      costPlugin(bucket),
      introspectionGuard((ctx: RequestContext) => hasScope(ctx.principal, 'schema:read')),
      documentAuthorisationPlugin(),
      // Last: it answers from compiled SQL only after every check above has passed.
      ...(config.compiledReads
        ? [
            compiledReadsPlugin({
              schema,
              ...createCompiledReads(config, db.dataSource, services),
              notePersonalData: personalFieldsNoter(PERSONAL_DATA_CATEGORIES),
              onCompiled: () => metrics.compiledRequests.inc(),
              onFailed: (error) =>
                logger.error(
                  { err: error },
                  'compiled reads: the statement failed; the resolvers answer instead',
                ),
            }),
          ]
        : []),
    ],
  });
}
