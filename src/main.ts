import { ConfigError, loadConfig } from './config';
import type { Tracing } from './tracing';

// Tracing patches http, pg and graphql as they load, so it starts before the server's modules are required.
async function main() {
  const config = loadConfig();
  // The OpenTelemetry SDK is loaded only when tracing is on: it adds start-up time and memory otherwise.
  const tracing: Tracing | null = config.otlpEndpoint
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on, on purpose
      (require('./tracing') as typeof import('./tracing')).startTracing(
        config.otlpEndpoint,
        config.otelServiceName,
      )
    : null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after tracing has started, on purpose
  const { runServer } = require('./server') as typeof import('./server');
  await runServer(config, tracing);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
