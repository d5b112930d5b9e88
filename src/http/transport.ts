import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestFacts } from '../common/observability';
import { logger } from '../common/logger';
import { isUnavailable } from '../common/errors';

/** A client's x-request-id is kept when it is a plain token of at most 128 characters; otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function acceptRequestId(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** The request id comes in as x-request-id (or is made here), goes back out, and is on every log line. */
export function requestId(req: Request, res: Response, next: NextFunction) {
  const id = acceptRequestId(req.headers['x-request-id']);
  res.setHeader('x-request-id', id);
  requestFacts.run({ requestId: id, sqlStatements: 0 }, next);
}

/**
 * A transport error (the request never reached GraphQL) in the body shape of a GraphQL error, so a client
 * branches on `extensions.code` whatever refused it.
 */
export function sendTransportError(
  res: Response,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
}

/**
 * Errors of the body parser (malformed JSON, a body over the limit, an unsupported charset) as JSON with a
 * stable code instead of express's HTML page; one log line names the kind, never the body.
 */
export function bodyErrors(limitBytes: number) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = error as { type?: string; status?: number; statusCode?: number };
    const status = e.status ?? e.statusCode ?? 500;
    if (res.headersSent || status >= 500) return next(error);
    logger.info({ kind: e.type ?? 'body', status }, 'request body refused');
    if (status === 413)
      return sendTransportError(
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        `The request body is larger than ${limitBytes} bytes`,
        { maxBytes: limitBytes },
      );
    if (e.type === 'entity.parse.failed')
      return sendTransportError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
    if (status === 415)
      return sendTransportError(
        res,
        415,
        'BAD_REQUEST',
        'The request body has an unsupported encoding or charset',
      );
    return sendTransportError(res, status, 'BAD_REQUEST', 'The request body could not be read');
  };
}

/** The last handler: whatever escaped is logged (without the request's data) and answered as JSON, never HTML. */
export function lastResortErrors(error: unknown, _req: Request, res: Response, next: NextFunction) {
  logger.error({ err: error }, 'unhandled error in the HTTP layer');
  if (res.headersSent) return next(error);
  // A statement that failed after the operation ran (the audit row of a read) while the database was away.
  if (isUnavailable(error))
    return sendTransportError(
      res,
      503,
      'SERVICE_UNAVAILABLE',
      'The database is unavailable; try again shortly',
    );
  sendTransportError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}
