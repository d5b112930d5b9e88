export { ApiKeyService } from './api-key.service';
export { ApiKeyResolver } from './api-key.resolver';
export { scopeChecker, requireScope, presentedKey } from './auth';
export { SCOPES, READ_SCOPES, hasScope } from './scopes';
export type { Principal, Scope } from './scopes';
