import { loadTrustedDocuments } from './common/persisted-query-manifest';
import { isPhoneRegion } from './common/phone';
import { DEFAULT_SHOP_TIME_ZONE, timeZoneProblem } from './common/shop-time';
import { cronProblem } from './common/cron';

/**
 * Every environment variable the server reads, parsed once into a frozen AppConfig.
 * A small declarative table rather than envalid: it doubles as the README's configuration table
 * (`npm run c360 -- config`) and reports every problem in one message.
 */
export interface AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string | null;
  readonly databaseReplicaUrls: readonly string[];
  readonly pgliteDataDir: string | null;
  readonly dbPoolSize: number;
  readonly dbPreparedStatements: boolean;
  readonly dbStatementTimeoutMs: number;
  readonly dbConnectTimeoutMs: number;
  readonly dbQueryTimeoutMs: number;
  readonly dbProbeTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxConcurrentRequestsPerKey: number;
  readonly shopCurrency: string;
  readonly shopTimeZone: string;
  readonly phoneDefaultRegion: string;
  readonly demoSeedCustomers: number;
  readonly logSql: boolean;
  readonly actionQuietDays: number;
  readonly jobsEnabled: boolean;
  readonly jobsPollIntervalMs: number;
  /** JOB_SCHEDULE_<JOB> variables that are set, by variable name: a cron expression, or `off`. */
  readonly jobSchedules: Readonly<Record<string, string>>;
  readonly metricsHistoryPerCustomer: number;
  readonly clvEventPercent: number;
  readonly eventRetentionDays: number;
  readonly loyaltyExpiryNoticeDays: number;
  readonly webhookAllowPrivate: boolean;
  readonly webhookTimeoutMs: number;
  readonly webhookRetryBaseMs: number;
  readonly webhookMaxAttempts: number;
  readonly webhookPollIntervalMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  readonly apiKeyHashKey: string;
  readonly apiKeyCacheSeconds: number;
  readonly subscriptionPollSeconds: number;
  readonly redisUrl: string | null;
  readonly redisCommandTimeoutMs: number;
  readonly trustedDocumentsFile: string | null;
  readonly federationSubgraph: boolean;
  readonly compiledReads: boolean;
  readonly ideEnabled: boolean;
  readonly otlpEndpoint: string | null;
  readonly otelServiceName: string;
  readonly natsUrl: string | null;
  readonly natsStream: string;
  readonly natsSubjectPrefix: string;
  readonly natsPersonalData: boolean;
}

interface VariableSpec<K extends keyof AppConfig> {
  env: string;
  key: K;
  description: string;
  defaultValue: string;
  parse: (raw: string) => AppConfig[K];
}

class ConfigValueError extends Error {}

const DEVELOPMENT_HASH_KEY = 'development-only-api-key-hash-key';

const integerIn = (min: number, max: number) => (raw: string) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigValueError(`must be an integer from ${min} to ${max}`);
  }
  return value;
};

const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T => {
    if (!values.includes(raw as T))
      throw new ConfigValueError(`must be one of ${values.join(', ')}`);
    return raw as T;
  };

const boolean = (raw: string) => {
  if (!['true', 'false', '1', '0'].includes(raw))
    throw new ConfigValueError('must be true or false');
  return raw === 'true' || raw === '1';
};

const optionalString = (raw: string) => (raw === '' ? null : raw);

const postgresUrl = (raw: string) => {
  if (raw === '') return null;
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new ConfigValueError('must start with postgres://');
  return raw;
};

export const CONFIG_VARIABLES = [
  {
    env: 'NODE_ENV',
    key: 'nodeEnv',
    defaultValue: 'development',
    parse: oneOf('development', 'production', 'test'),
    description:
      'development adds the internal message to INTERNAL_SERVER_ERROR responses; test and production never do.',
  },
  {
    env: 'HOST',
    key: 'host',
    defaultValue: '127.0.0.1',
    parse: (raw: string) => raw,
    description: 'Address the HTTP server listens on (0.0.0.0 in a container).',
  },
  {
    env: 'PORT',
    key: 'port',
    defaultValue: '4000',
    parse: integerIn(0, 65535),
    description: 'HTTP port; GraphQL is served at /graphql.',
  },
  {
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    defaultValue: '',
    parse: postgresUrl,
    description: 'PostgreSQL connection string. Empty: the embedded PGlite database is used.',
  },
  {
    env: 'DATABASE_REPLICA_URLS',
    key: 'databaseReplicaUrls',
    defaultValue: '',
    parse: (raw: string) => {
      const urls = raw
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean);
      for (const url of urls) postgresUrl(url);
      return Object.freeze(urls);
    },
    description:
      'Comma-separated PostgreSQL read replicas (streaming). Reads outside transactions and outside mutations go to them; writes to DATABASE_URL.',
  },
  {
    env: 'PGLITE_DATA_DIR',
    key: 'pgliteDataDir',
    defaultValue: '.data/pglite',
    parse: optionalString,
    description: 'Folder of the embedded database (git-ignored). Empty: in memory, lost at exit.',
  },
  {
    env: 'DB_POOL_SIZE',
    key: 'dbPoolSize',
    defaultValue: '10',
    parse: integerIn(1, 200),
    description: 'PostgreSQL connections per server process (PGlite always uses one).',
  },
  {
    env: 'DB_PREPARED_STATEMENTS',
    key: 'dbPreparedStatements',
    defaultValue: 'true',
    parse: boolean,
    description:
      'Run long statements that repeat (customer lists, compiled reads) as named prepared statements, planned once per connection; false behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21).',
  },
  {
    env: 'DB_STATEMENT_TIMEOUT_MS',
    key: 'dbStatementTimeoutMs',
    defaultValue: '10000',
    parse: integerIn(100, 3600000),
    description: 'PostgreSQL statement_timeout: no single SQL statement of a request runs longer.',
  },
  {
    env: 'DB_CONNECT_TIMEOUT_MS',
    key: 'dbConnectTimeoutMs',
    defaultValue: '3000',
    parse: integerIn(100, 60000),
    description:
      'Client-side deadline of getting a PostgreSQL connection (opening one, or waiting for a free one in the pool); past it the request answers HTTP 503 SERVICE_UNAVAILABLE.',
  },
  {
    env: 'DB_QUERY_TIMEOUT_MS',
    key: 'dbQueryTimeoutMs',
    defaultValue: '0',
    parse: integerIn(0, 3600000),
    description:
      'Client-side deadline of one SQL statement, for a database that no longer answers at all (statement_timeout cannot fire in a frozen server); past it: HTTP 503. 0: DB_STATEMENT_TIMEOUT_MS + 1000, so that PostgreSQL cancels a slow statement first.',
  },
  {
    env: 'DB_PROBE_TIMEOUT_MS',
    key: 'dbProbeTimeoutMs',
    defaultValue: '2000',
    parse: integerIn(100, 60000),
    description:
      'Deadline of the database probes: /readyz, and the watchdog that runs `select 1` on its own connection every second; when the primary misses it, the pool’s connections are cut, so requests waiting on a frozen database answer HTTP 503 within about DB_PROBE_TIMEOUT_MS + 1 s.',
  },
  {
    env: 'REQUEST_TIMEOUT_MS',
    key: 'requestTimeoutMs',
    defaultValue: '15000',
    parse: integerIn(100, 600000),
    description:
      'Deadline of a GraphQL request: past it the client gets HTTP 400 REQUEST_TIMEOUT and the request’s model computations stop.',
  },
  {
    env: 'MAX_CONCURRENT_REQUESTS_PER_KEY',
    key: 'maxConcurrentRequestsPerKey',
    defaultValue: '10',
    parse: integerIn(1, 1000),
    description:
      'GraphQL requests one API key may have in flight in one server process; more answer HTTP 429 THROTTLED (admin keys are not limited).',
  },
  {
    env: 'SHOP_CURRENCY',
    key: 'shopCurrency',
    defaultValue: 'USD',
    parse: (raw: string) => {
      if (!/^[A-Z]{3}$/.test(raw))
        throw new ConfigValueError('must be an ISO 4217 code such as USD');
      return raw;
    },
    description: 'The currency of orders, spend totals and loyalty money values.',
  },
  {
    env: 'SHOP_TIME_ZONE',
    key: 'shopTimeZone',
    defaultValue: DEFAULT_SHOP_TIME_ZONE,
    parse: (raw: string) => {
      const problem = timeZoneProblem(raw);
      if (problem) throw new ConfigValueError(problem);
      return raw;
    },
    description:
      'The shop’s time zone (IANA name, e.g. America/New_York) decides what a day is: same-day purchases, as-of days, report periods, cohort months, birthdays and anniversaries, due dates, points expiry and “today”. Checked at start against Node and the database (pg_timezone_names).',
  },
  {
    env: 'PHONE_DEFAULT_REGION',
    key: 'phoneDefaultRegion',
    defaultValue: 'US',
    parse: (raw: string) => {
      if (!isPhoneRegion(raw.toUpperCase()))
        throw new ConfigValueError('must be an ISO 3166-1 alpha-2 region such as US or HR');
      return raw.toUpperCase();
    },
    description:
      'Region of phone numbers written without a country code (ISO 3166-1 alpha-2). Phones are checked with libphonenumber and stored as E.164.',
  },
  {
    env: 'DEMO_SEED_CUSTOMERS',
    key: 'demoSeedCustomers',
    defaultValue: '300',
    parse: integerIn(0, 100000),
    description: 'Customers seeded when the server starts on an empty embedded database (0: none).',
  },
  {
    env: 'NBA_QUIET_DAYS',
    key: 'actionQuietDays',
    defaultValue: '7',
    parse: integerIn(0, 365),
    description:
      'Next best actions propose nothing to a customer contacted (outbound) within this many days.',
  },
  {
    env: 'JOBS_ENABLED',
    key: 'jobsEnabled',
    defaultValue: 'true',
    parse: boolean,
    description:
      'Run background jobs (scheduled and enqueued, on pg-boss in the database) in this server process. false: it runs none and schedules none (the `jobs` query still answers); several servers may share the work.',
  },
  {
    env: 'JOBS_POLL_INTERVAL_MS',
    key: 'jobsPollIntervalMs',
    defaultValue: '2000',
    parse: integerIn(500, 600000),
    description:
      'How often a server looks for due schedule slots and for queued jobs (a job enqueued in the same process starts at once).',
  },
  {
    env: 'JOB_SCHEDULE_<JOB>',
    key: 'jobSchedules',
    defaultValue: '',
    parse: () => Object.freeze({}),
    description:
      'One per job (JOB_SCHEDULE_METRICS_REFRESH, JOB_SCHEDULE_POINTS_EXPIRY, JOB_SCHEDULE_BIRTHDAY_BONUSES, JOB_SCHEDULE_ASSOCIATION_MINING, JOB_SCHEDULE_PRUNE_IDEMPOTENCY_KEYS): a cron expression (5 fields, or 6 with seconds) in SHOP_TIME_ZONE, or `off`. Unset: the job’s default (docs/jobs.md). A slot missed while no server ran runs once at the next start.',
  },
  {
    env: 'METRICS_HISTORY_PER_CUSTOMER',
    key: 'metricsHistoryPerCustomer',
    defaultValue: '100',
    parse: integerIn(1, 10000),
    description:
      "Changes of stored metrics kept per customer (Customer.metricsHistory), 1 to 10000; a refresh that records a change drops that customer's oldest beyond this.",
  },
  {
    env: 'METRICS_CLV_EVENT_PERCENT',
    key: 'clvEventPercent',
    defaultValue: '20',
    parse: integerIn(1, 1000),
    description:
      'A metrics.clv_changed event is published when a customer’s stored 12-month predicted CLV moved by more than this percentage (1 to 1000) since the value of their last such event (and by at least one unit of the currency).',
  },
  {
    env: 'LOYALTY_EXPIRY_NOTICE_DAYS',
    key: 'loyaltyExpiryNoticeDays',
    defaultValue: '14',
    parse: integerIn(1, 365),
    description:
      'The points-expiry-notice job announces loyalty points this many days before they lapse (loyalty.points_expiring), 1 to 365.',
  },
  {
    env: 'EVENT_RETENTION_DAYS',
    key: 'eventRetentionDays',
    defaultValue: '30',
    parse: integerIn(1, 3650),
    description:
      'Change events older than this many days are pruned from the outbox (the events connection, redelivery), 1 to 3650.',
  },
  {
    env: 'WEBHOOK_ALLOW_PRIVATE',
    key: 'webhookAllowPrivate',
    defaultValue: 'false',
    parse: boolean,
    description:
      'Allow webhook endpoints on private, loopback and link-local addresses (local receivers, tests). Never in a deployment reachable from outside: an endpoint could make the server probe its own network.',
  },
  {
    env: 'WEBHOOK_TIMEOUT_MS',
    key: 'webhookTimeoutMs',
    defaultValue: '10000',
    parse: integerIn(100, 60000),
    description:
      'Deadline of one webhook delivery attempt in milliseconds, answer included; a receiver slower than this gets a retry.',
  },
  {
    env: 'WEBHOOK_RETRY_BASE_MS',
    key: 'webhookRetryBaseMs',
    defaultValue: '5000',
    parse: integerIn(1, 3600000),
    description:
      'Delay before the first webhook retry in milliseconds; later retries wait 6, 24, 120, 360, 720, 1440, 2880, 5760 and 5760 times it (5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h: about a day), each ±20% at random.',
  },
  {
    env: 'WEBHOOK_MAX_ATTEMPTS',
    key: 'webhookMaxAttempts',
    defaultValue: '11',
    parse: integerIn(1, 11),
    description:
      'Attempts of one webhook delivery (the first and its retries) before it is given up and its endpoint disabled (a webhook.endpoint_disabled event).',
  },
  {
    env: 'WEBHOOK_POLL_INTERVAL_MS',
    key: 'webhookPollIntervalMs',
    defaultValue: '1000',
    parse: integerIn(10, 600000),
    description:
      'How often the webhook worker looks for new events and due retries, in milliseconds; a commit in this process wakes it at once.',
  },
  {
    env: 'LOG_LEVEL',
    key: 'logLevel',
    defaultValue: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'silent'),
    description:
      'JSON log level (pino): one line per request with request id, operation, duration and SQL statements; never personal data.',
  },
  {
    env: 'API_KEY_HASH_KEY',
    key: 'apiKeyHashKey',
    defaultValue: DEVELOPMENT_HASH_KEY,
    parse: (raw: string) => {
      if (raw.length < 16) throw new ConfigValueError('must be at least 16 characters');
      return raw;
    },
    description:
      'Server secret for the keyed hash of API keys, and (through HKDF) the key that seals list cursors. Required in production; changing it invalidates every key and every cursor.',
  },
  {
    env: 'API_KEY_CACHE_SECONDS',
    key: 'apiKeyCacheSeconds',
    defaultValue: '60',
    parse: integerIn(0, 3600),
    description:
      'PostgreSQL only: how long a verified API key is kept in memory while the server LISTENs for key changes (a revoked or changed key drops out as soon as PostgreSQL announces it; without the LISTEN connection nothing is kept). 0: every request reads its key. Set 0 when DATABASE_URL goes through a pooler in transaction mode, which does not deliver notifications.',
  },
  {
    env: 'SUBSCRIPTION_POLL_SECONDS',
    key: 'subscriptionPollSeconds',
    defaultValue: '2',
    parse: integerIn(1, 3600),
    description:
      'While GraphQL subscriptions are open, how often the outbox is read even without a wake-up (a commit of this process, or on PostgreSQL the c360_outbox notification): the safety net for a notification lost with its connection.',
  },
  {
    env: 'REDIS_URL',
    key: 'redisUrl',
    defaultValue: '',
    parse: (raw: string) => {
      if (raw === '') return null;
      if (!/^rediss?:\/\//.test(raw)) throw new ConfigValueError('must start with redis://');
      return raw;
    },
    description:
      'Redis for the per-key rate-limit buckets shared by several server processes. Empty: buckets in memory.',
  },
  {
    env: 'REDIS_COMMAND_TIMEOUT_MS',
    key: 'redisCommandTimeoutMs',
    defaultValue: '250',
    parse: integerIn(10, 10000),
    description:
      'Deadline of one Redis command. Redis is optional: while it is down, paused or slower than this, budgets are kept in memory and persisted queries in a local cache (a warn log line, redis_up 0, /readyz detail), and the client reconnects with backoff.',
  },
  {
    env: 'TRUSTED_DOCUMENTS_FILE',
    key: 'trustedDocumentsFile',
    defaultValue: '',
    parse: (raw: string) => {
      if (raw === '') return null;
      try {
        loadTrustedDocuments(raw);
      } catch (error) {
        throw new ConfigValueError((error as Error).message);
      }
      return raw;
    },
    description:
      'Persisted-query manifest (Apollo format) of the registered operations. Keys created with trustedDocumentsOnly run nothing else; any key may send a registered hash alone.',
  },
  {
    env: 'FEDERATION_SUBGRAPH',
    key: 'federationSubgraph',
    defaultValue: 'false',
    parse: boolean,
    description:
      'Serve the graph as an Apollo Federation 2 subgraph: Customer is an entity keyed by id; _entities and _service obey the same scopes.',
  },
  {
    env: 'COMPILED_READS',
    key: 'compiledReads',
    defaultValue: 'true',
    parse: boolean,
    description:
      'Answer queries whose every field has a SQL projection (customer pages and lists) from one compiled statement instead of per-field resolvers; false sends every query through the resolvers.',
  },
  {
    env: 'IDE_ENABLED',
    key: 'ideEnabled',
    defaultValue: '',
    parse: (raw: string) => (raw === '' ? null : boolean(raw)),
    description:
      'Serve the offline GraphiQL page to a browser that opens /graphql. Empty: on, except with NODE_ENV=production. The page itself reads nothing; its requests need a key like any other.',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    key: 'otlpEndpoint',
    defaultValue: '',
    parse: (raw: string) => {
      if (raw === '') return null;
      if (!/^https?:\/\/[^/]+/.test(raw))
        throw new ConfigValueError('must be an http(s) URL such as http://127.0.0.1:4318');
      return raw;
    },
    description:
      'OpenTelemetry collector (OTLP over HTTP). Set: traces of HTTP requests, GraphQL operations and SQL statements are sent to <url>/v1/traces, never variables or SQL parameters. Empty: no tracing.',
  },
  {
    env: 'OTEL_SERVICE_NAME',
    key: 'otelServiceName',
    defaultValue: 'customer360',
    parse: (raw: string) => raw || 'customer360',
    description: 'Service name on the traces.',
  },
  {
    env: 'NATS_URL',
    key: 'natsUrl',
    defaultValue: '',
    parse: (raw: string) => {
      if (raw === '') return null;
      if (!/^(nats|tls):\/\/[^/]+/.test(raw))
        throw new ConfigValueError('must be a NATS URL such as nats://127.0.0.1:4222');
      return raw;
    },
    description:
      'NATS server with JetStream. Set: every change event of the outbox is published once, in commit order, to the subject NATS_SUBJECT_PREFIX.<type> (c360.order.recorded) of the stream NATS_STREAM, with its outbox id as Nats-Msg-Id (see docs/events.md). An internal system-to-system channel: give it only to systems that may hold what it carries. Empty: no stream.',
  },
  {
    env: 'NATS_STREAM',
    key: 'natsStream',
    defaultValue: 'C360',
    parse: (raw: string) => {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw))
        throw new ConfigValueError('must be 1 to 64 letters, digits, _ or -');
      return raw;
    },
    description:
      'JetStream stream of the change events (created with the subjects NATS_SUBJECT_PREFIX.> and a 24 h duplicate window when missing).',
  },
  {
    env: 'NATS_SUBJECT_PREFIX',
    key: 'natsSubjectPrefix',
    defaultValue: 'c360',
    parse: (raw: string) => {
      if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(raw))
        throw new ConfigValueError('must be NATS subject tokens such as c360 or shop1.c360');
      return raw;
    },
    description:
      'First tokens of the stream’s subjects: events go to <prefix>.<type> (c360.order.recorded) and a missing stream is created with the subjects <prefix>.>. Another prefix lets several environments share one NATS.',
  },
  {
    env: 'NATS_PERSONAL_DATA',
    key: 'natsPersonalData',
    defaultValue: 'false',
    parse: boolean,
    description:
      'true: the stream carries personal fields (names, emails, phones) in full, as a key with pii:read sees them, and erasing a customer does not reach messages already in the stream. false: they are withheld and listed in each message’s redacted.',
  },
  {
    env: 'LOG_SQL',
    key: 'logSql',
    defaultValue: 'false',
    parse: boolean,
    description: 'Print every SQL statement (development only).',
  },
] as const satisfies readonly VariableSpec<keyof AppConfig>[];

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const spec of CONFIG_VARIABLES) {
    const raw = env[spec.env] ?? spec.defaultValue;
    try {
      config[spec.key] = (spec.parse as (raw: string) => unknown)(raw.trim());
    } catch (error) {
      if (!(error instanceof ConfigValueError)) throw error;
      problems.push(`${spec.env}=${JSON.stringify(raw)}: ${error.message}`);
    }
  }
  config.jobSchedules = Object.freeze(jobSchedulesOf(env, problems));
  if (env.METRICS_REFRESH_INTERVAL_MINUTES !== undefined)
    problems.push(
      'METRICS_REFRESH_INTERVAL_MINUTES was replaced by JOB_SCHEDULE_METRICS_REFRESH, a cron expression (default "0 3 * * *"; `off` disables it): see docs/jobs.md',
    );
  if (config.ideEnabled === null) config.ideEnabled = config.nodeEnv !== 'production';
  if (config.nodeEnv === 'production' && config.apiKeyHashKey === DEVELOPMENT_HASH_KEY) {
    problems.push('API_KEY_HASH_KEY must be set in production (a long random secret)');
  }
  if ((config.databaseReplicaUrls as string[] | undefined)?.length && !config.databaseUrl) {
    problems.push(
      'DATABASE_REPLICA_URLS needs DATABASE_URL (the primary); the embedded database has no replicas',
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return Object.freeze(config) as unknown as AppConfig;
}

/** The JOB_SCHEDULE_* variables that are set; whether each names a job is checked when the jobs are registered. */
function jobSchedulesOf(env: NodeJS.ProcessEnv, problems: string[]): Record<string, string> {
  const schedules: Record<string, string> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('JOB_SCHEDULE_') || raw === undefined) continue;
    const value = raw.trim();
    const problem = value === 'off' ? null : cronProblem(value);
    if (problem) problems.push(`${name}=${JSON.stringify(raw)}: ${problem}`);
    else schedules[name] = value;
  }
  return schedules;
}
