export { ApiKeyService } from './api-key.service';
export { ApiKeyResolver, GdprResolver } from './api-key.resolver';
export { GdprService } from './gdpr.service';
export { scopeChecker, requireScope, presentedKey } from './auth';
export { SCOPES, READ_SCOPES, hasScope } from './scopes';
export type { Principal, Scope } from './scopes';
