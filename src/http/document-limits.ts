import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import { AppError } from '../common/errors';

export const MAX_DIRECTIVES = 50;

/** At most 50 directives in a document (SECURITY.md A.7): counted once over the document's nodes, linear. */
export function directiveLimit(max = MAX_DIRECTIVES): ValidationRule {
  return (context: ValidationContext) => {
    let directives = 0;
    return {
      Directive() {
        directives += 1;
        if (directives === max + 1) {
          context.reportError(
            new GraphQLError(`The document uses more than ${max} directives`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'directives' },
            }),
          );
        }
      },
    };
  };
}

/**
 * Subscriptions are not served over HTTP (graphql-js would fail them at execution as an internal error): a
 * subscription operation is refused as a bad request before anything runs.
 */
export function refuseSubscriptionsOverHttp(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw new AppError('Subscriptions are not served over HTTP', 'BAD_REQUEST', {
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}
