import type { Principal } from './scopes';

/**
 * The loaders of one request, by module. Open on purpose: each module's `*.loaders.ts` adds its own record by
 * declaration merging (graphql-modules' global context), so this file, and `common/`, never import a module:
 *
 *   declare module '../../common/request-context' {
 *     interface Loaders { orders: OrderLoaders }
 *   }
 *
 * The composition root (container.ts) builds them, lazily, per request.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the modules (declaration merging)
export interface Loaders {}

export interface RequestContext {
  requestId: string;
  /** The API key's holder and scopes; null without a valid key. */
  principal: Principal | null;
  /** One clock reading per request, so every field of a response agrees on "now". */
  now: Date;
  loaders: Loaders;
}
