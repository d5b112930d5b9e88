import type { ApolloServerPlugin } from '@apollo/server';
import type { Principal } from '../../common/scopes';
import { sha256, type TrustedDocuments } from '../../common/persisted-query-manifest';

/** A registered hash runs without a registration round trip: the manifest supplies the text. */
export function trustedDocumentsPlugin(documents: TrustedDocuments | null): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)
        ?.sha256Hash;
      if (!documents || typeof hash !== 'string' || request.query !== undefined) return;
      const registered = documents.byHash.get(hash);
      if (registered) request.query = registered.body;
    },
  };
}

interface GraphQLHttpParams {
  query?: unknown;
  extensions?: unknown;
}

/** The document a request names: its persisted-query hash, or the SHA-256 of the text it sends. */
function requestedHash(params: GraphQLHttpParams): string | null {
  let extensions = params.extensions;
  if (typeof extensions === 'string') {
    try {
      extensions = JSON.parse(extensions);
    } catch {
      extensions = undefined;
    }
  }
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery?.sha256Hash;
  if (typeof hash === 'string') return hash;
  return typeof params.query === 'string' ? sha256(params.query) : null;
}

/**
 * A key marked trustedDocumentsOnly (a partner integration) runs only registered operations, whether it sends
 * the hash or the full text. Checked before Apollo sees the request, so a refused document is never parsed and
 * costs the key nothing.
 */
export function refuseUntrustedDocuments(documents: TrustedDocuments | null) {
  return (
    req: { method: string; body?: GraphQLHttpParams; query?: unknown },
    res: { locals: Record<string, unknown>; status(code: number): { json(body: unknown): void } },
    next: () => void,
  ) => {
    const principal = res.locals.principal as Principal | undefined;
    if (!principal?.trustedDocumentsOnly) return next();
    const hash = requestedHash(
      ((req.method === 'GET' ? req.query : req.body) as GraphQLHttpParams) ?? {},
    );
    if (hash && documents?.byHash.has(hash)) return next();
    res.status(400).json({
      errors: [
        {
          message:
            'This API key may run only registered operations: send the sha256Hash of an operation in the trusted-documents manifest',
          extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' },
        },
      ],
    });
  };
}
