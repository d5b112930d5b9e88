import type { TextColumns } from '../../common/personal-data';
import type { ModuleManifest } from '../../common/module-manifest';
import type { CustomerService } from '../customers';
import { ApiKeyService } from './api-key.service';
import { ApiKeyResolver, AuditResolver, GdprResolver } from './api-key.resolver';
import { AuditService } from './audit';
import { GdprService } from './gdpr.service';
import { PARTNER_ENTITIES } from './api-key.entity';
export { ApiKeyService } from './api-key.service';
export { KeyChangeListener, KEY_CHANGES_CHANNEL } from './key-change-listener';
export { AuditService } from './audit';
export { GdprService } from './gdpr.service';
export { enforceScopes, personalFieldsNoter, requireScope, presentedKey } from './auth';
export type { PersonalDataCategories } from './auth';
export { SCOPES, READ_SCOPES, hasScope } from '../../common/scopes';
export type { Principal, Scope } from '../../common/scopes';
export { costPlugin, MAX_QUERY_COST } from './cost';
export { documentAuthorisationPlugin, missingRootScopes, rootFields } from './document-auth';
export { queryCost } from './query-cost';
export { refuseUntrustedDocuments, trustedDocumentsPlugin } from './trusted-documents';

/** Keys belong to partners; audit events never hold personal values (SECURITY.md A.10), so erasure leaves them. */
const partnerTextColumns: TextColumns[] = [
  {
    table: 'api_keys',
    customerKey: null,
    personal: {},
    notPersonal: {
      name: 'the partner’s label for the key',
      public_id: 'key id',
      secret_hash: 'keyed hash of the key',
      scopes: 'scope names',
    },
  },
  {
    table: 'audit_events',
    customerKey: null,
    personal: {},
    notPersonal: {
      key_name: 'the partner’s label for the key',
      request_id: 'request id',
      operation_type: 'query or mutation',
      operation_name: 'the client’s operation name, never values',
      pii_categories: 'category names (email, phone…)',
      result: 'OK or error codes',
    },
  },
];

/** Keys, the audit log and data-subject requests (erasure and export reach every module's classified columns). */
export const partnersModule = {
  name: 'partners',
  entities: PARTNER_ENTITIES,
  services: ({ dataSource, settings, textColumns, personalData }, d) => ({
    apiKeys: new ApiKeyService(dataSource, settings.apiKeyHashKey, settings.apiKeyCacheSeconds),
    gdpr: new GdprService(dataSource, d.customers, textColumns, personalData),
    audit: new AuditService(dataSource),
  }),
  resolvers: (s) => [
    new ApiKeyResolver(s.apiKeys),
    new GdprResolver(s.gdpr),
    new AuditResolver(s.audit),
  ],
  textColumns: partnerTextColumns,
} satisfies ModuleManifest<
  { apiKeys: ApiKeyService; gdpr: GdprService; audit: AuditService },
  { customers: CustomerService }
>;
