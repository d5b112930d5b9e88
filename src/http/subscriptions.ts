import http from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  DocumentNode,
  ExecutionArgs,
  FragmentDefinitionNode,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { CloseCode, type Context, type SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError } from '../common/errors';
import { logger } from '../common/logger';
import type { CostBucket } from '../common/cost-bucket';
import { checkOperationInput } from '../common/input-guard';
import { MAX_TOKENS, queryLimits } from '../common/query-limits';
import { sha256, type TrustedDocuments } from '../common/persisted-query-manifest';
import type { RequestContext } from '../common/request-context';
import { createContext, Services } from '../container';
import {
  hasScope,
  MAX_QUERY_COST,
  missingRootScopes,
  Principal,
  queryCost,
  rootFields,
} from '../modules/partners';
import type { ChangeSubscriptions } from '../modules/events';
import { directiveLimit } from './document-limits';

/** A client may hold this many subscriptions on one connection. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
/** Keys are checked again this often (a revocation elsewhere reaches a process without a key-change listener). */
const KEY_RECHECK_MS = 30_000;
/** WebSocket close code for a temporary condition of the server (RFC 6455 registry: Try Again Later). */
const TRY_AGAIN_LATER = 1013;
/** After the close frames are sent, sockets still open are cut past this. */
const CLOSE_GRACE_MS = 2_000;

interface Connection {
  key: string;
  principal: Principal;
}

export interface SubscriptionServerDeps {
  httpServer: http.Server;
  schema: GraphQLSchema;
  services: Services;
  changeSubscriptions: ChangeSubscriptions;
  bucket: CostBucket;
  trustedDocuments: TrustedDocuments | null;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  isProduction: boolean;
  /** The largest WebSocket message read (the HTTP body limit); a larger one closes the socket with 1009. */
  maxMessageBytes: number;
}

/** The key of `connection_init`: `{ authorization: 'Bearer …' }`, `{ apiKey }` or `{ 'x-api-key' }`. */
function keyOf(params: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!params) return null;
  const auth = params.authorization ?? params.Authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth))
    return auth.replace(/^Bearer\s+/i, '').trim() || null;
  const key = params.apiKey ?? params['x-api-key'];
  return typeof key === 'string' && key.trim() ? key.trim() : null;
}

const asErrors = (error: unknown): readonly GraphQLError[] => {
  if (error instanceof GraphQLError) return [error];
  throw error;
};

/** graphql-js's own errors with the codes Apollo gives them over HTTP. */
const withCode = (errors: readonly GraphQLError[], code: string) =>
  errors.map((e) =>
    e.extensions.code
      ? e
      : new GraphQLError(e.message, {
          nodes: e.nodes,
          source: e.source,
          positions: e.positions,
          extensions: { ...e.extensions, code },
        }),
  );

/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol) on the HTTP server's /graphql: the API key in
 * connection_init (none: 4401, refused: 4403, database away: 1013), then every subscribe message passes what an
 * HTTP request passes (parse and token limit, validation with depth, alias and directive limits, input guard, cost
 * and the key's bucket, trusted documents, the whole-document scope check). A key revoked or changed closes its
 * sockets (4403). A message over the HTTP body limit closes the socket (1009).
 */
export function createSubscriptionServer(deps: SubscriptionServerDeps) {
  const { schema, services, bucket } = deps;
  const wss = new WebSocketServer({
    server: deps.httpServer,
    path: '/graphql',
    maxPayload: deps.maxMessageBytes,
  });
  const connections = new Map<WebSocket, Connection>();
  const rules = [...specifiedRules, queryLimits(), directiveLimit()];

  const recheck = async () => {
    for (const [socket, connection] of connections) {
      let principal: Principal | null;
      try {
        principal = await services.apiKeys.authenticate(connection.key);
      } catch {
        continue; // The database is away: the key is checked again at the next change or round.
      }
      const same =
        principal &&
        principal.scopes.size === connection.principal.scopes.size &&
        [...principal.scopes].every((s) => connection.principal.scopes.has(s));
      if (!same) {
        connections.delete(socket);
        socket.close(CloseCode.Forbidden, 'The API key was revoked or changed');
      }
    }
  };
  let checking: Promise<void> | null = null;
  const recheckSoon = () => {
    checking ??= recheck().finally(() => (checking = null));
  };
  services.apiKeys.onKeyChanged(() => recheckSoon());
  const timer = setInterval(recheckSoon, KEY_RECHECK_MS);
  timer.unref();

  const prepare = async (
    ctx: Context<Record<string, unknown>, Extra>,
    payload: SubscribePayload,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    const connection = connections.get(ctx.extra.socket);
    if (!connection) throw new AppError('The connection is not authenticated', 'UNAUTHENTICATED');
    const { principal } = connection;
    if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION)
      throw new AppError(
        `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`,
        'BAD_REQUEST',
      );
    const query = registeredText(payload, principal, deps.trustedDocuments);
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_TOKENS });
    } catch (error) {
      return withCode(asErrors(error), 'GRAPHQL_PARSE_FAILED');
    }
    const invalid = validate(schema, document, rules);
    if (invalid.length) return withCode(invalid, 'GRAPHQL_VALIDATION_FAILED');
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) throw new AppError('The document names no such operation', 'BAD_REQUEST');
    if (operation.operation !== 'subscription')
      throw new AppError(
        'Only subscriptions are served over WebSocket; send queries and mutations over HTTP',
        'BAD_REQUEST',
      );
    const coerced = getVariableValues(
      schema,
      operation.variableDefinitions ?? [],
      payload.variables ?? {},
    );
    if (coerced.errors) return withCode(coerced.errors, 'BAD_USER_INPUT');
    checkOperationInput(schema, document, operation, payload.variables ?? {});
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions)
      if (d.kind === 'FragmentDefinition') fragments[d.name.value] = d;
    const missing = missingRootScopes(
      schema.getSubscriptionType()!,
      rootFields(operation, fragments, coerced.coerced),
      principal,
    );
    if (missing.length)
      throw new AppError(
        `This key lacks the scope ${missing.join(', ')} that the operation needs`,
        'FORBIDDEN',
        { requiredScopes: missing },
      );
    await chargeCost(schema, document, coerced.coerced, payload, principal, bucket);
    const contextValue: RequestContext = {
      ...createContext(services, randomUUID(), principal),
      changeSubscriptions: deps.changeSubscriptions,
    };
    return {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: coerced.coerced,
      contextValue,
    };
  };

  const format = (errors: readonly GraphQLError[]) =>
    errors.map((e) => deps.formatError(e.toJSON(), e));

  const disposable = useServer<Record<string, unknown>>(
    {
      schema,
      isProd: deps.isProduction,
      onConnect: async (ctx) => {
        const key = keyOf(ctx.connectionParams);
        if (!key) {
          ctx.extra.socket.close(CloseCode.Unauthorized, 'An API key is required');
          return false;
        }
        let principal: Principal | null;
        try {
          principal = await services.apiKeys.authenticate(key);
        } catch (error) {
          // The database is away: a temporary condition (1013 Try Again Later), as HTTP answers 503.
          logger.warn({ err: error }, 'subscriptions: the API key could not be checked');
          ctx.extra.socket.close(TRY_AGAIN_LATER, 'The database is unavailable; try again later');
          return false;
        }
        if (!principal) return false;
        connections.set(ctx.extra.socket, { key, principal });
        return true;
      },
      onClose: (ctx) => {
        connections.delete(ctx.extra.socket);
      },
      onSubscribe: async (ctx, _id, payload) => {
        try {
          return await prepare(ctx, payload);
        } catch (error) {
          return asErrors(error);
        }
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
    },
    wss,
  );

  return {
    /** How many connections are open (tests, metrics). */
    get size() {
      return connections.size;
    },
    /** Closes every socket with 1001 (going away) and stops accepting new ones. */
    async close(): Promise<void> {
      clearInterval(timer);
      await checking;
      for (const client of wss.clients) client.close(1001, 'The server is shutting down');
      const cut = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, CLOSE_GRACE_MS);
      cut.unref();
      try {
        await disposable.dispose();
      } catch (error) {
        logger.warn({ err: error }, 'subscriptions: closing the WebSocket server failed');
      }
      clearTimeout(cut);
    },
  };
}

/** The query text; a key limited to trusted documents names a registered one (its hash, or the text of one). */
function registeredText(
  payload: SubscribePayload,
  principal: Principal,
  documents: TrustedDocuments | null,
): string {
  const hash = (payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)
    ?.sha256Hash;
  const registered =
    typeof hash === 'string'
      ? documents?.byHash.get(hash)
      : payload.query
        ? documents?.byHash.get(sha256(payload.query))
        : undefined;
  if (principal.trustedDocumentsOnly && !registered)
    throw new AppError(
      'This API key may run only registered operations: send the sha256Hash of an operation in the trusted-documents manifest',
      'BAD_REQUEST',
    );
  const text = payload.query || registered?.body;
  if (!text) throw new AppError('The subscribe message has no query', 'BAD_REQUEST');
  return text;
}

async function chargeCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  payload: SubscribePayload,
  principal: Principal,
  bucket: CostBucket,
): Promise<void> {
  let cost: number;
  try {
    cost = queryCost(schema, document, variables, payload.operationName ?? undefined).cost;
  } catch {
    throw new AppError('The query’s cost could not be computed', 'BAD_USER_INPUT', {
      limit: 'cost',
    });
  }
  if (hasScope(principal, 'admin')) return;
  if (cost > MAX_QUERY_COST)
    throw new AppError(
      `The query costs ${cost} points; at most ${MAX_QUERY_COST} are allowed`,
      'BAD_USER_INPUT',
      { limit: 'cost', cost, maxCost: MAX_QUERY_COST },
    );
  const taken = await bucket.take(principal.keyId, cost);
  if (!taken.allowed)
    throw new AppError(
      `Rate limit: ${cost} points needed, ${taken.remaining} available`,
      'THROTTLED',
      { cost, remaining: taken.remaining, retryAfterSeconds: taken.retryAfterSeconds },
    );
}
