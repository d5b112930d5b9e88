import http from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import { AppConfig } from './config';
import { Database } from './db/data-source';
import { collectJobs, createContext, createResolvers, createServices, Services } from './container';
import { startJobs, type JobsOptions } from './jobs';
import type { JobRunner } from './jobs/runner';
import { createSchema } from './schema';
import { createMetrics, requestFacts } from './common/observability';
import { configureLogger } from './common/logger';
import { idePage } from './http/ide-page';
import { HttpDrain } from './http/drain';
import { bodyErrors, lastResortErrors, requestId } from './http/transport';
import { createApolloServer } from './http/apollo';
import { probeRoutes } from './http/probes';
import { requireKey } from './http/key-check';
import { sendTextWithoutCopy } from './http/send-text';
import { createSharedStores } from './common/shared-stores';
import {
  hasScope,
  KeyChangeListener,
  Principal,
  refuseUntrustedDocuments,
} from './modules/partners';
import { toSubgraphSchema } from './federation';
import { loadTrustedDocuments } from './common/persisted-query-manifest';
import { useCursorSecret } from './common/cursor-crypto';
import { requestGuards } from './common/request-guards';
import { NatsStreamPublisher } from './modules/events';
import { ChangeSubscriptions, OutboxFeed } from './modules/events';
import { createSubscriptionServer } from './http/subscriptions';
import { createErrorFormatter } from './common/errors';
import { logger } from './common/logger';

/**
 * The HTTP application: express with the drain first, the probes, and /graphql behind the IDE page, the key check,
 * the request guards and the body limits; the GraphQL server and its plugins are http/apollo.ts.
 */
export interface App {
  app: express.Express;
  httpServer: http.Server;
  services: Services;
  /** The outbox's NATS JetStream publisher when NATS_URL is set; the caller starts it (runServer, tests). */
  natsStream: NatsStreamPublisher | null;
  /** The job runner of this process (null unless createApp was given `jobs`); see src/jobs/. */
  jobs: JobRunner | null;
  /** Stops Apollo (draining in-flight requests), the NATS publisher and the jobs; the caller closes the database. */
  stop: () => Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;

export async function createApp(
  config: AppConfig,
  db: Database,
  options: { ideKey?: string | null; jobs?: JobsOptions } = {},
): Promise<App> {
  const services = createServices(config, db.dataSource);
  // The jobs are listed (the `jobs` query) in every app; they run only where `jobs` is given (server.ts, tests).
  const jobs = await startJobs(config, db, services, collectJobs(config, services), options.jobs);
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
  const natsStream = config.natsUrl
    ? new NatsStreamPublisher(
        services.changeEvents,
        db.kind === 'postgres' ? config.databaseUrl : null,
        {
          url: config.natsUrl,
          stream: config.natsStream,
          subjectPrefix: config.natsSubjectPrefix,
          personalData: config.natsPersonalData,
        },
      )
    : null;
  let shuttingDown = false;
  const apollo = createApolloServer({
    schema,
    config,
    db,
    services,
    httpServer,
    metrics,
    shared,
    trustedDocuments,
  });
  await apollo.start();
  // GraphQL subscriptions over WebSocket on the same server and path (graphql-ws), fed by one outbox reader.
  const feed = new OutboxFeed(
    services.outbox,
    db.kind === 'postgres' ? (config.databaseUrl ?? null) : null,
    config.subscriptionPollSeconds * 1000,
  );
  const subscriptions = createSubscriptionServer({
    httpServer,
    schema,
    services,
    changeSubscriptions: new ChangeSubscriptions(feed, services.changeEvents),
    bucket,
    trustedDocuments,
    formatError: createErrorFormatter({
      exposeInternals: config.nodeEnv === 'development',
      log: (error) => logger.error({ err: error }, 'subscriptions: internal error'),
    }),
    isProduction: config.nodeEnv === 'production',
    maxMessageBytes: MAX_BODY_BYTES,
  });

  probeRoutes(app, {
    db,
    apiKeys: services.apiKeys,
    metrics,
    probeTimeoutMs: config.dbProbeTimeoutMs,
    shuttingDown: () => shuttingDown,
    sharedStatus: () => ({
      ...shared.status(),
      ...(natsStream ? { natsStream: natsStream.status() } : {}),
    }),
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
    requireKey(services.apiKeys),
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
  // Webhook deliveries (idle until an endpoint exists); stopped first on shutdown, its requests bounded.
  await services.webhookDispatcher.start();
  return {
    app,
    httpServer,
    services,
    natsStream,
    jobs,
    stop: async () => {
      shuttingDown = true;
      await services.webhookDispatcher.stop();
      // Before the drain, which would cut the upgraded sockets without a close frame.
      await subscriptions.close();
      await feed.stop();
      await drain.drain();
      await apollo.stop();
      await natsStream?.stop();
      await jobs?.stop();
      await keyChanges?.stop();
      await bucket.close();
      await shared.close();
    },
  };
}
