import { Extensions } from 'type-graphql';

/**
 * Marks a query, mutation or field as needing these API-key scopes (all of them; admin holds every scope).
 * The scopes go into the field's schema extensions and `enforceScopes` checks them with one synchronous call
 * before the resolver. type-graphql's @Authorized does the same through its async middleware chain, which
 * cost a tenth of a 50-customer page's CPU (several promises per field, hundreds of fields).
 */
export function RequireScopes(...scopes: string[]): MethodDecorator & PropertyDecorator {
  return Extensions({ requiredScopes: scopes }) as MethodDecorator & PropertyDecorator;
}
