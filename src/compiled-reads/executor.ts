import type { ApolloServerPlugin } from '@apollo/server';
import {
  FieldNode,
  FragmentDefinitionNode,
  getVariableValues,
  GraphQLField,
  GraphQLSchema,
} from 'graphql';
import { context, trace } from '@opentelemetry/api';
import { hasScope, Principal } from '../common/scopes';
import { NotCompilable, SelectionCompiler } from './compiler';
import type { FinishContext, TypeProjections } from './projection';

export interface RootField {
  node: FieldNode;
  definition: GraphQLField<unknown, unknown>;
  args: Record<string, unknown>;
}

/** A root field compiled and ready: `run` does its one statement. */
export interface RootRead {
  run(context: FinishContext): Promise<{ value: unknown; personalDataOf: string[] }>;
}

/**
 * Compiles one root field (throwing NotCompilable when it cannot), without touching the database. Arguments are
 * checked here as the resolver would check them; a reader that cannot tell leaves the field to the resolver.
 */
export type RootReader = (compiler: SelectionCompiler, field: RootField) => Promise<RootRead>;

export interface CompiledReadsOptions {
  schema: GraphQLSchema;
  projections: TypeProjections;
  roots: Record<string, RootReader>;
  /** Records that personal fields of these customers were sent (the audit log), as the field checks do. */
  notePersonalData(fields: ReadonlySet<string>, customerIds: readonly string[]): void;
  onCompiled?(): void;
  /** A compiled statement failed (the database went away, or a projection is wrong); the resolvers then answer. */
  onFailed?(error: unknown): void;
}

// A no-op until tracing is switched on (OTEL_EXPORTER_OTLP_ENDPOINT), as the rest of the API is.
const tracer = trace.getTracer('customer360-compiled-reads');

interface ReadContext {
  principal: Principal | null;
  now: Date;
}

/**
 * Answers a query from compiled SQL when every root field has a reader and every selected field a projection,
 * and when the key holds every scope the selection needs. Otherwise, and for mutations, it returns null and
 * graphql-js runs the resolvers as always: errors (a missing scope, bad arguments) come from there, so both
 * paths answer alike. Parsing, validation, depth and cost limits run before this, whichever path answers.
 */
export function compiledReadsPlugin(
  options: CompiledReadsOptions,
): ApolloServerPlugin<ReadContext> {
  const queryType = options.schema.getQueryType();
  return {
    async requestDidStart() {
      return {
        async responseForOperation({
          operation,
          operationName,
          document,
          request,
          contextValue,
          response,
        }) {
          // No operation: the name matched none in the document, and execution reports that.
          if (
            !operation ||
            operation.operation !== 'query' ||
            !queryType ||
            !contextValue.principal
          )
            return null;
          const coerced = getVariableValues(
            options.schema,
            operation.variableDefinitions ?? [],
            request.variables ?? {},
          );
          if (coerced.errors) return null;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === 'FragmentDefinition')
              fragments[definition.name.value] = definition;
          }
          const reads: { key: string; read: RootRead }[] = [];
          const requiredScopes = new Set<string>();
          const personalFields = new Set<string>();
          try {
            const top = new SelectionCompiler(
              options.schema,
              options.projections,
              fragments,
              coerced.coerced,
            );
            for (const field of top.fields(queryType, operation.selectionSet)) {
              const name = field.node.name.value;
              const reader = options.roots[name];
              if (!reader) return null;
              // A compiler per root field: each runs its own statement with its own parameters.
              const compiler = new SelectionCompiler(
                options.schema,
                options.projections,
                fragments,
                coerced.coerced,
              );
              const definition = compiler.fieldDefinition(queryType, field);
              const read = await reader(compiler, {
                node: field.node,
                definition,
                args: compiler.args(definition, field.node),
              });
              compiler.facts.requiredScopes.forEach((s) => requiredScopes.add(s));
              compiler.facts.personalFields.forEach((f) => personalFields.add(f));
              reads.push({ key: field.key, read });
            }
          } catch (error) {
            if (error instanceof NotCompilable) return null;
            throw error;
          }
          if (reads.length === 0) return null;
          for (const scope of requiredScopes)
            if (!hasScope(contextValue.principal, scope)) return null;
          let results;
          // Where graphql-js would trace its execution, a span of the same name says the compiled reads answered.
          const span = tracer.startSpan(`query ${operationName ?? ''}`.trim(), {
            attributes: {
              'graphql.operation.type': 'query',
              'graphql.operation.name': operationName ?? '',
              'c360.compiled_reads': true,
            },
          });
          try {
            results = await context.with(trace.setSpan(context.active(), span), () =>
              Promise.all(reads.map(({ read }) => read.run({ now: contextValue.now }))),
            );
          } catch (error) {
            // The resolvers answer instead, with the errors clients know (an outage is SERVICE_UNAVAILABLE there).
            span.recordException(error as Error);
            options.onFailed?.(error);
            return null;
          } finally {
            span.end();
          }
          if (personalFields.size > 0)
            options.notePersonalData(
              personalFields,
              results.flatMap((r) => r.personalDataOf),
            );
          options.onCompiled?.();
          const data = Object.fromEntries(reads.map(({ key }, i) => [key, results[i].value]));
          return { http: response.http, body: { kind: 'single', singleResult: { data } } };
        },
      };
    },
  };
}
