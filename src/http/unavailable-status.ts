import type { ApolloServerPlugin } from '@apollo/server';

/**
 * A GraphQL response whose errors include SERVICE_UNAVAILABLE (the database went away or froze under it) is sent
 * with HTTP 503, as the key check's own outage answer is: load balancers and clients retry on the status, and a
 * 200 would tell them the answer is final.
 */
export function unavailableStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          if (
            response.body.singleResult.errors?.some(
              (e) => e.extensions?.code === 'SERVICE_UNAVAILABLE',
            )
          )
            response.http.status = 503;
        },
      };
    },
  };
}
