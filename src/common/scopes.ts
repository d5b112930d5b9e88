import { AppError } from './errors';

/** Scopes per domain and action; `admin` holds every scope. */
export const SCOPES = [
  'customers:read',
  'customers:write',
  'pii:read',
  'orders:read',
  'orders:write',
  'feedback:read',
  'feedback:write',
  'communications:read',
  'communications:write',
  'loyalty:read',
  'loyalty:write',
  'metrics:read',
  'schema:read',
  'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

export const READ_SCOPES: Scope[] = [
  'customers:read',
  'orders:read',
  'feedback:read',
  'communications:read',
  'loyalty:read',
  'metrics:read',
  'schema:read',
];

export interface Principal {
  keyId: string;
  name: string;
  scopes: ReadonlySet<string>;
  /** Only operations from the trusted-documents manifest may run with this key. */
  trustedDocumentsOnly: boolean;
}

export const hasScope = (principal: Principal | null, scope: string): boolean =>
  principal !== null && (principal.scopes.has(scope) || principal.scopes.has('admin'));

/**
 * For reads that are personal data by what they match rather than by a field (a search over names and emails, a
 * lookup by email): without pii:read they are refused, since their answers spell the data out one request at a time.
 */
export function requirePersonalData(principal: Principal | null, field: string): void {
  if (!hasScope(principal, 'pii:read')) {
    throw new AppError(`${field} matches personal data and needs the pii:read scope`, 'FORBIDDEN', {
      requiredScopes: ['pii:read'],
      field,
    });
  }
}
