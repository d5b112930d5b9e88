import express from 'express';
import { toAppError } from '../common/errors';
import { logger } from '../common/logger';
import { ApiKeyService, presentedKey, Principal } from '../modules/partners';
import { sendTransportError } from './transport';

/**
 * No anonymous access: every request to /graphql that is not the IDE page, GET or POST, needs a valid key before
 * anything is parsed. The principal is left in `res.locals.principal` for the context.
 */
export function requireKey(apiKeys: ApiKeyService) {
  return async (req: express.Request, res: express.Response, next: express.NextFunction) => {
    const key = presentedKey(req.headers);
    let principal: Principal | null;
    try {
      principal = key ? await apiKeys.authenticate(key) : null;
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
  };
}
