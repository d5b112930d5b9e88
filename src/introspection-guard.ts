import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, visit } from 'graphql';
import { AppError } from './common/errors';

// _service is a federation subgraph's schema (SDL): introspection by another name.
const SCHEMA_FIELDS = new Set(['__schema', '__type', '_service']);

// Apollo hands every request with the same text the same parsed document, so each is walked once.
const introspecting = new WeakMap<DocumentNode, boolean>();

function introspects(document: DocumentNode): boolean {
  let known = introspecting.get(document);
  if (known === undefined) {
    known = false;
    visit(document, {
      Field(node) {
        if (SCHEMA_FIELDS.has(node.name.value)) known = true;
      },
    });
    introspecting.set(document, known);
  }
  return known;
}

/** Introspection (__schema, __type) only for keys with schema:read: BI tools get the schema, others do not. */
export function introspectionGuard<C>(
  allowed: (context: C) => boolean,
): ApolloServerPlugin<C & object> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (introspects(document) && !allowed(contextValue)) {
            throw new AppError('Introspection needs the schema:read scope', 'FORBIDDEN', {
              requiredScopes: ['schema:read'],
              http: { status: 403 },
            });
          }
        },
      };
    },
  };
}
