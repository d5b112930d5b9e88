import http from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { AppConfig } from './config';
import { Database } from './db/data-source';
import { createContext, RequestContext } from './context';
import { createResolvers, createServices, Services } from './container';
import { createSchema } from './schema';
import { createErrorFormatter } from './common/errors';

export interface App {
  app: express.Express;
  httpServer: http.Server;
  services: Services;
  /** Stops Apollo (draining in-flight requests); the caller closes the database. */
  stop(): Promise<void>;
}

export const MAX_BODY_BYTES = '1mb';

export async function createApp(config: AppConfig, db: Database): Promise<App> {
  const services = createServices(config, db.dataSource);
  const schema = await createSchema(createResolvers(config, services));
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createErrorFormatter({
      exposeInternals: config.nodeEnv === 'development',
      log: (error) => console.error('[graphql] internal error', error),
    }),
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    // Apollo's default landing page loads from a CDN and is blank offline.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(services, (req.headers['x-request-id'] as string) || randomUUID()),
    }),
  );
  return { app, httpServer, services, stop: () => apollo.stop() };
}
