/** Scopes per domain and action; `admin` holds every scope. */
export const SCOPES = [
  'customers:read', 'customers:write', 'pii:read', 'orders:read', 'orders:write', 'feedback:read', 'feedback:write',
  'communications:read', 'communications:write', 'loyalty:read', 'loyalty:write', 'metrics:read', 'schema:read', 'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

export const READ_SCOPES: Scope[] = ['customers:read', 'orders:read', 'feedback:read', 'communications:read', 'loyalty:read', 'metrics:read', 'schema:read'];

export interface Principal {
  keyId: string;
  name: string;
  scopes: ReadonlySet<string>;
  /** Only operations from the trusted-documents manifest may run with this key. */
  trustedDocumentsOnly: boolean;
}

export const hasScope = (principal: Principal | null, scope: string): boolean =>
  principal !== null && (principal.scopes.has(scope) || principal.scopes.has('admin'));
