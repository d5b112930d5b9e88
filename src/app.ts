import http from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { AppConfig } from './config';
import { Database } from './db/data-source';
import type { RequestContext } from './common/request-context';
import {
  createCompiledReads,
  createContext,
  createResolvers,
  createServices,
  PERSONAL_DATA_CATEGORIES,
  Services,
} from './container';
import { compiledReadsPlugin, stringifyResult } from './compiled-reads';
import { createSchema } from './schema';
import { createErrorFormatter, toAppError } from './common/errors';
import {
  createMetrics,
  observabilityPlugin,
  OperationLabels,
  requestFacts,
} from './common/observability';
import { configureLogger, logger } from './common/logger';
import { hasPendingMigrations } from './db/bootstrap';
import { withDeadline } from './db/watchdog';
import { idePage } from './http/ide-page';
import { HttpDrain } from './http/drain';
import { unavailableStatusPlugin } from './http/unavailable-status';
import { bodyErrors, lastResortErrors, requestId, sendTransportError } from './http/transport';
import { directiveLimit, refuseSubscriptionsOverHttp } from './http/document-limits';
import { MAX_TOKENS, queryLimits } from './common/query-limits';
import { inputGuardPlugin } from './common/input-guard';
import { createSharedStores } from './common/shared-stores';
import { costPlugin, personalFieldsNoter } from './modules/partners';
import { hasScope, presentedKey, Principal } from './modules/partners';
import { introspectionGuard } from './introspection-guard';
import { toSubgraphSchema } from './federation';
import {
  KeyChangeListener,
  refuseUntrustedDocuments,
  trustedDocumentsPlugin,
} from './modules/partners';
import { loadTrustedDocuments } from './common/persisted-query-manifest';
import { useCursorSecret } from './common/cursor-crypto';
import { documentAuthorisationPlugin } from './modules/partners';
import { requestGuards } from './common/request-guards';

export interface App {
  app: express.Express;
  httpServer: http.Server;
  services: Services;
  /** Stops Apollo (draining in-flight requests); the caller closes the database. */
  stop: () => Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Express's res.send copies every string body of 1,000 characters or more into a Buffer to learn its length;
 * Apollo's express integration sends each GraphQL response that way. A response that is plainly a string is
 * measured and written as it is instead (what express would send: the same status, headers and bytes).
 */
function sendTextWithoutCopy(
  req: express.Request,
  res: express.Response,
  next: express.NextFunction,
) {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (
      typeof body !== 'string' ||
      req.method === 'HEAD' ||
      res.statusCode === 204 ||
      res.statusCode === 304 ||
      !res.getHeader('content-type')
    )
      return send(body);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
    return res;
  };
  next();
}

export async function createApp(
  config: AppConfig,
  db: Database,
  options: { ideKey?: string | null } = {},
): Promise<App> {
  const services = createServices(config, db.dataSource);
  useCursorSecret(config.apiKeyHashKey);
  const graph = await createSchema(createResolvers(config, services));
  const schema = config.federationSubgraph
    ? toSubgraphSchema(graph, [
        {
          typeName: 'Customer',
          scope: 'customers:read',
          load: (id, ctx) => ctx.loaders.customers.byId.load(id),
        },
      ])
    : graph;
  const app = express();
  app.disable('x-powered-by');
  // Express hashes every body it sends for an ETag: a SHA-1 over each GraphQL response (hundreds of KB for a
  // page of customers) that no client revalidates, since queries are POSTed. Off.
  app.set('etag', false);
  const httpServer = http.createServer(app);
  // First of all middleware: while the server drains, no new request starts work (see HttpDrain).
  const drain = new HttpDrain(httpServer);
  app.use(drain.refuseWhileDraining);
  configureLogger(config.logLevel);
  const metrics = createMetrics();
  // Redis is optional at every moment: never awaited here, with local stand-ins while it is away.
  const shared = await createSharedStores(
    config.redisUrl,
    config.redisCommandTimeoutMs,
    metrics.registry,
  );
  const bucket = shared.bucket;
  const trustedDocuments = config.trustedDocumentsFile
    ? loadTrustedDocuments(config.trustedDocumentsFile)
    : null;
  // Verified keys are kept in memory only while this connection hears of every change to them (PostgreSQL only).
  const keyChanges =
    db.kind === 'postgres' && config.databaseUrl && config.apiKeyCacheSeconds > 0
      ? new KeyChangeListener(config.databaseUrl, services.apiKeys.keyChanges)
      : null;
  keyChanges?.start();
  let shuttingDown = false;
  const apollo = new ApolloServer<RequestContext>({
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
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (shuttingDown) return void res.status(503).json({ status: 'shutting down' });
    try {
      // Each probe has a deadline of its own: a frozen database must not hang the orchestrator's probe.
      await withDeadline(db.dataSource.query('select 1'), config.dbProbeTimeoutMs);
      if (await withDeadline(hasPendingMigrations(db), config.dbProbeTimeoutMs))
        return void res.status(503).json({ status: 'migrations pending' });
      res.json({ status: 'ready', database: db.kind, ...shared.status() });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  // Metrics describe the whole service: only for admin keys (Prometheus sends one as a bearer token).
  app.get('/metrics', async (req, res) => {
    const key = presentedKey(req.headers);
    const principal = key ? await services.apiKeys.authenticate(key).catch(() => null) : null;
    if (!hasScope(principal, 'admin'))
      return void res.status(principal ? 403 : 401).json({ error: 'an admin API key is required' });
    const pool = (
      db.dataSource.driver as unknown as {
        master?: { totalCount: number; idleCount: number; waitingCount: number };
      }
    ).master;
    if (pool) {
      metrics.pool.set({ state: 'total' }, pool.totalCount);
      metrics.pool.set({ state: 'idle' }, pool.idleCount);
      metrics.pool.set({ state: 'waiting' }, pool.waitingCount);
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(
    '/graphql',
    requestId,
    // A browser navigating here gets the offline GraphiQL page (when IDE_ENABLED); it runs nothing itself.
    idePage({
      enabled: config.ideEnabled,
      apiKey: options.ideKey ?? null,
      currency: config.shopCurrency,
    }),
    // No anonymous access: every other request, GET or POST, needs a valid key before anything is parsed.
    async (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const key = presentedKey(req.headers);
      let principal: Principal | null;
      try {
        principal = key ? await services.apiKeys.authenticate(key) : null;
      } catch (error) {
        // A key cannot be checked while the database is away: that is an outage, not a bad key.
        const appError = toAppError(error);
        const unavailable = appError.extensions.code === 'SERVICE_UNAVAILABLE';
        if (!unavailable) logger.error({ err: error }, 'auth: the key check failed');
        return sendTransportError(
          res,
          unavailable ? 503 : 500,
          String(appError.extensions.code),
          appError.message,
        );
      }
      if (!principal) {
        return sendTransportError(
          res,
          401,
          'UNAUTHENTICATED',
          key
            ? 'The API key is invalid, revoked or expired'
            : 'An API key is required: Authorization: Bearer <key> or X-API-Key',
        );
      }
      res.locals.principal = principal;
      next();
    },
    requestGuards({
      timeoutMs: config.requestTimeoutMs,
      maxConcurrentPerKey: config.maxConcurrentRequestsPerKey,
      isExempt: (p) => hasScope(p as Principal, 'admin'),
    }),
    express.json({ limit: MAX_BODY_BYTES }),
    bodyErrors(MAX_BODY_BYTES),
    refuseUntrustedDocuments(trustedDocuments),
    sendTextWithoutCopy,
    expressMiddleware(apollo, {
      context: async ({ res }) =>
        createContext(
          services,
          requestFacts.getStore()?.requestId ?? randomUUID(),
          (res.locals.principal as Principal) ?? null,
        ),
    }),
  );
  app.use(lastResortErrors);
  return {
    app,
    httpServer,
    services,
    stop: async () => {
      shuttingDown = true;
      await drain.drain();
      await apollo.stop();
      await keyChanges?.stop();
      await bucket.close();
      await shared.close();
    },
  };
}
