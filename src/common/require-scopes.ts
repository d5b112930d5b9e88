import { Extensions } from 'type-graphql';

/**
 * Marks a query, mutation or field as needing these API-key scopes (all of them; admin holds every scope).
 * The scopes go into the field's schema extensions and `enforceScopes` checks them with one synchronous call
 * before the resolver. type-graphql's @Authorized does the same through its async middleware chain, which
 * cost a tenth of a 50-customer page's CPU (several promises per field, hundreds of fields).
 */
export function RequireScopes(...scopes: string[]): MethodDecorator & PropertyDecorator {
  return Extensions({ requiredScopes: scopes });
}

/**
 * The scopes a field needs, as @RequireScopes recorded them. The one source every check reads: the per-field
 * check, the whole-document check before execution and the compiled reads' planner. A schema rebuilt from SDL
 * (the federation subgraph) has them copied over (see federation.ts), since SDL cannot carry extensions.
 */
export function requiredScopesOf(field: {
  extensions?: Readonly<Record<string, unknown>> | null;
}): readonly string[] {
  return (field.extensions?.requiredScopes as readonly string[] | undefined) ?? [];
}
