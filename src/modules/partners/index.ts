export { ApiKeyService } from './api-key.service';
export { ApiKeyResolver, AuditResolver, GdprResolver } from './api-key.resolver';
export { AuditService } from './audit';
export { GdprService } from './gdpr.service';
export { enforceScopes, notePersonalFieldsRead, requireScope, presentedKey } from './auth';
export { SCOPES, READ_SCOPES, hasScope } from '../../common/scopes';
export type { Principal, Scope } from '../../common/scopes';
export { costPlugin, MAX_QUERY_COST } from './cost';
export { loadTrustedDocuments, refuseUntrustedDocuments, trustedDocumentsPlugin } from './trusted-documents';
