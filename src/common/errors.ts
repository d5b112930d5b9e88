import { ASTNode, GraphQLError, GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';

/** The closed set of `extensions.code` values; they are public API and listed in the README. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'THROTTLED'
  | 'SERVICE_UNAVAILABLE'
  | 'REQUEST_TIMEOUT'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_SERVER_ERROR';

export class AppError extends GraphQLError {
  /** `node`: the literal a scalar refused, so the error points at it. */
  constructor(
    message: string,
    code: ErrorCode,
    details: Record<string, unknown> = {},
    node?: ASTNode,
  ) {
    super(message, { extensions: { code, ...details }, nodes: node });
  }
}

export class BadUserInputError extends AppError {
  constructor(message: string, details: { field?: string; [key: string]: unknown } = {}) {
    super(message, 'BAD_USER_INPUT', details);
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super(`${entity} ${id} not found`, 'NOT_FOUND', { entity, id });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 'CONFLICT', details);
  }
}

/**
 * The request ran past its deadline (REQUEST_TIMEOUT_MS) and its work was stopped. HTTP 400, not 5xx: what takes
 * that long is what the client asked for, and sending it again unchanged would take as long.
 */
export class RequestTimeoutError extends AppError {
  constructor(timeoutMs: number) {
    super(
      `The request took longer than ${timeoutMs} ms and was stopped; ask for less (smaller pages, shorter horizons)`,
      'REQUEST_TIMEOUT',
      { timeoutMs, http: { status: 400 } },
    );
  }
}

/** The database is down or restarting (see isUnavailable). Thrown outside a resolver, it makes the response HTTP 503. */
export class UnavailableError extends AppError {
  constructor() {
    super('The database is unavailable; try again shortly', 'SERVICE_UNAVAILABLE', {
      http: { status: 503 },
    });
  }
}

interface PgError {
  code?: string;
  constraint?: string;
}

const isPgError = (error: unknown): error is PgError =>
  typeof error === 'object' && error !== null && typeof (error as PgError).code === 'string';

/** Maps a thrown value to the public error; anything unknown becomes a generic internal error. */
export function toAppError(error: unknown): AppError | GraphQLError {
  if (error instanceof AppError) return error;
  if (error instanceof ArgumentValidationError) {
    const fields = error.extensions.validationErrors as {
      property: string;
      constraints?: object;
    }[];
    return new BadUserInputError(`Invalid input: ${describeValidation(fields)}`, {
      fields: flattenValidation(fields),
    });
  }
  const driverError = (error as { driverError?: unknown })?.driverError ?? error;
  if (isUnavailable(error)) return new UnavailableError();
  if (isPgError(driverError)) {
    if (driverError.code === '23505')
      return new ConflictError('A record with the same unique key exists', {
        constraint: driverError.constraint,
      });
    if (driverError.code === '23503')
      return new BadUserInputError('A referenced record does not exist', {
        constraint: driverError.constraint,
      });
    if (
      driverError.code === '23514' ||
      driverError.code === '22P02' ||
      driverError.code === '22003'
    ) {
      return new BadUserInputError('A value is out of range or malformed', {
        constraint: driverError.constraint,
      });
    }
    if (driverError.code === '57014')
      return new AppError('The query took too long and was cancelled', 'INTERNAL_SERVER_ERROR', {
        reason: 'STATEMENT_TIMEOUT',
      });
  }
  return new AppError('Internal server error', 'INTERNAL_SERVER_ERROR');
}

// Socket errors (Node), PostgreSQL's admin-shutdown and connection classes (57P0x, 08xxx), and what pg and its pool
// say when a connection went away or never came. pg wraps some in others (AggregateError for each address tried).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08P01',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end|connect ECONNREFUSED|the database system is (shutting down|starting up|in recovery mode)|terminating connection|Query read timeout/;

/**
 * Connection-level failures: the database is down or restarting, not a fault of the request. Looks through the
 * wrappers TypeORM and pg put around the cause (driverError, cause, AggregateError's errors), a few levels deep.
 */
export function isUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, driverError, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  const inner = [driverError, cause, ...(Array.isArray(errors) ? errors : [])];
  return inner.some((e) => e !== error && isUnavailable(e, depth + 1));
}

interface ValidationNode {
  property: string;
  constraints?: object;
  children?: ValidationNode[];
}

function flattenValidation(
  nodes: ValidationNode[],
  prefix = '',
): { field: string; problems: string[] }[] {
  return nodes.flatMap((node) => {
    const field = prefix ? `${prefix}.${node.property}` : node.property;
    const own = node.constraints
      ? [{ field, problems: Object.values(node.constraints) as string[] }]
      : [];
    return [...own, ...flattenValidation(node.children ?? [], field)];
  });
}

function describeValidation(nodes: ValidationNode[]): string {
  return flattenValidation(nodes)
    .map((f) => f.problems.join('; '))
    .join('; ');
}

/**
 * Apollo's formatError: the one place where errors become public. GraphQL syntax and validation
 * errors keep their own codes; resolver errors go through toAppError.
 */
export function createErrorFormatter(options: {
  exposeInternals: boolean;
  log: (error: unknown) => void;
}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    const cause = error instanceof GraphQLError ? error.originalError : undefined;
    if (original === error && cause instanceof AppError) {
      // A scalar of ours refused a value: in a literal graphql-js reports it as a validation error (Apollo's
      // GRAPHQL_VALIDATION_FAILED), in a variable as a coercion error; either way it is the scalar's own error.
      const { http: _http, ...extensions }: Record<string, unknown> = { ...cause.extensions };
      return { message: formatted.message, locations: formatted.locations, extensions };
    }
    if (original === error && code && code !== 'INTERNAL_SERVER_ERROR') {
      // Parse, validation and variable-coercion errors from graphql-js and Apollo.
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const status = (original as GraphQLError)?.extensions?.http;
    if (
      original === error &&
      original instanceof GraphQLError &&
      !original.path &&
      status?.status === 400
    ) {
      // Request errors Apollo raises without a code (a persisted query whose hash does not match its text).
      return { message: original.message, extensions: { code: 'BAD_REQUEST' } };
    }
    const mapped = toAppError(original);
    if (mapped.extensions.code === 'INTERNAL_SERVER_ERROR') options.log(original);
    // `http` sets the response status (Apollo reads it from the thrown error); it is not part of the body.
    const { http: _http, ...extensions }: Record<string, unknown> = { ...mapped.extensions };
    if (options.exposeInternals && mapped.extensions.code === 'INTERNAL_SERVER_ERROR') {
      extensions.debugMessage = (original as Error)?.message;
    }
    return {
      message: mapped.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions,
    };
  };
}
