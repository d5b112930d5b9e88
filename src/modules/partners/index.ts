import type { TextColumns } from '../../common/personal-data';
export { ApiKeyService } from './api-key.service';
export { KeyChangeListener, KEY_CHANGES_CHANNEL } from './key-change-listener';
export { ApiKeyResolver, AuditResolver, GdprResolver } from './api-key.resolver';
export { AuditService } from './audit';
export { GdprService } from './gdpr.service';
export { enforceScopes, notePersonalFieldsRead, requireScope, presentedKey } from './auth';
export { SCOPES, READ_SCOPES, hasScope } from '../../common/scopes';
export type { Principal, Scope } from '../../common/scopes';
export { costPlugin, MAX_QUERY_COST } from './cost';
export { documentAuthorisationPlugin } from './document-auth';
export { refuseUntrustedDocuments, trustedDocumentsPlugin } from './trusted-documents';

/** Keys belong to partners; audit events never hold personal values (SECURITY.md A.10), so erasure leaves them. */
export const partnerTextColumns: TextColumns[] = [
  { table: 'api_keys', customerKey: null, personal: {},
    notPersonal: { name: 'the partner’s label for the key', public_id: 'key id', secret_hash: 'keyed hash of the key', scopes: 'scope names' } },
  { table: 'audit_events', customerKey: null, personal: {},
    notPersonal: { key_name: 'the partner’s label for the key', request_id: 'request id', operation_type: 'query or mutation',
      operation_name: 'the client’s operation name, never values', pii_categories: 'category names (email, phone…)', result: 'OK or error codes' } },
];
