import pino from 'pino';
import { requestFacts } from './observability';

/**
 * The one JSON logger of the process. Every line carries the request id of the request it belongs to (from
 * requestFacts), and pino escapes every string, so a client-chosen value (a cursor with a newline, an operation
 * name) cannot forge a line. Nothing logs SQL parameters, variables or bodies: errors go through `safeError`.
 */
export const logger = pino({
  level: 'info',
  redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
  mixin() {
    const requestId = requestFacts.getStore()?.requestId;
    return requestId ? { requestId } : {};
  },
  serializers: { err: (error: unknown) => safeError(error) },
});

/** Sets the level once the configuration is read (LOG_LEVEL; tests run silent). */
export function configureLogger(level: pino.LevelWithSilent): void {
  logger.level = level;
}

// Fields of PostgreSQL's errors that name things, never values (the message and `detail` can hold values).
const SAFE_DRIVER_FIELDS = [
  'code',
  'constraint',
  'table',
  'column',
  'routine',
  'severity',
] as const;

/**
 * What may be logged of a thrown value: its class, the driver's codes and where it was thrown. A database
 * error's message and detail quote the values of the statement ("invalid input syntax for type uuid: \"…\"",
 * "Key (email)=(…) already exists") and TypeORM's QueryFailedError carries the parameters, so neither is kept;
 * other errors keep a message cut to 300 characters.
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const e = error as Error & Record<string, unknown>;
  const driver = (e.driverError ??
    (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e : null)) as Record<
    string,
    unknown
  > | null;
  const out: Record<string, unknown> = { type: e.constructor?.name ?? e.name ?? 'Error' };
  if (driver) {
    for (const field of SAFE_DRIVER_FIELDS)
      if (typeof driver[field] === 'string') out[field] = driver[field];
  } else if (typeof e.message === 'string' && !(error instanceof SyntaxError)) {
    out.message = e.message.slice(0, 300);
  }
  if (typeof e.code === 'string' && !out.code) out.code = e.code.slice(0, 40);
  // Stack frames only: the first line of a stack repeats the message.
  if (typeof e.stack === 'string')
    out.stack = e.stack
      .split('\n')
      .slice(1, 12)
      .map((line) => line.trim())
      .join('\n');
  return out;
}
