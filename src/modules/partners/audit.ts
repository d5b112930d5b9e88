import type { ApolloServerPlugin } from '@apollo/server';
import { DataSource } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { coalescing } from '../../common/coalescing';
import { queryPrepared } from '../../common/sql';
import { requestFacts } from '../../common/observability';
import type { Principal } from '../../common/scopes';
import { logger } from '../../common/logger';
import { isUnavailable, UnavailableError } from '../../common/errors';

@ObjectType({ description: 'One audited request: a read of personal data or a write.' })
export class AuditEvent {
  @Field(() => ID, { description: 'Event id.' }) id: string;
  @Field(() => ID, { nullable: true, description: 'The API key used.' }) keyId: string | null;
  @Field({ description: 'The key’s name.' }) keyName: string;
  @Field({ description: 'The request id (x-request-id).' }) requestId: string;
  @Field({ description: 'query or mutation.' }) operationType: string;
  @Field({ description: 'Operation name, or "anonymous".' }) operationName: string;
  @Field(() => [String], {
    description:
      'Kinds of personal data returned: name, email, phone, birth_date, name_day, address, identifier, all.',
  })
  piiCategories: string[];
  @Field(() => Int, { description: 'How many customers’ personal data were returned.' })
  customers: number;
  @Field({ description: 'OK, or the error codes.' }) result: string;
  @Field({ description: 'When.' }) occurredAt: Date;
}

type AuditRow = [
  keyId: string,
  keyName: string,
  requestId: string,
  operationType: string,
  operationName: string,
  pii: string[],
  customers: number,
  result: string,
];
const AUDIT_COLUMNS = [
  'keyId',
  'keyName',
  'requestId',
  'operationType',
  'operationName',
  'pii',
  'customers',
  'result',
] as const;

export class AuditService {
  // Each response waits until its own row is committed (the log must not lose a read); rows of concurrent
  // requests are committed together, one insert for all (group commit).
  private readonly recorder = coalescing<AuditRow, true>(async (rows) => {
    // One statement text for any number of rows (columns as arrays), so each connection prepares it once.
    // Categories travel comma-joined: they are fixed identifiers (name, email…), never free text.
    const columns = AUDIT_COLUMNS.map((_, i) =>
      rows.map((row) => (i === 5 ? row[5].join(',') : row[i])),
    );
    await queryPrepared(
      this.dataSource,
      `insert into audit_events (key_id, key_name, request_id, operation_type, operation_name, pii_categories, customers, result, occurred_at)
       select key_id, key_name, request_id, operation_type, operation_name, string_to_array(pii, ','), customers, result, now()
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])
         as row(key_id, key_name, request_id, operation_type, operation_name, pii, customers, result)`,
      columns,
    );
    return rows.map(() => true as const);
  });

  constructor(private readonly dataSource: DataSource) {}

  async list(first: number, keyId: string | null): Promise<AuditEvent[]> {
    return this.dataSource.query(
      `select id, key_id as "keyId", key_name as "keyName", request_id as "requestId", operation_type as "operationType",
         operation_name as "operationName", pii_categories as "piiCategories", customers, result, occurred_at as "occurredAt"
       from audit_events where ($2::uuid is null or key_id = $2) order by occurred_at desc, id desc limit $1`,
      [first, keyId],
    );
  }

  /**
   * Records every request by a key that read personal data or wrote; never values or variables. A write's row is
   * written in the write's own transaction (see RequestFacts.auditWrite): a committed write always has its row, and a
   * failed audit insert rolls the write back instead of turning a committed write into an error afterwards.
   */
  plugin(): ApolloServerPlugin<{ principal: Principal | null }> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ operation, operationName, contextValue }) => {
          const facts = requestFacts.getStore();
          const principal = contextValue.principal;
          if (!facts || !principal || operation?.operation !== 'mutation') return;
          facts.auditWrite = {
            committedId: null,
            record: async (manager) => {
              const [{ id }] = await manager.query(
                `insert into audit_events (key_id, key_name, request_id, operation_type, operation_name, pii_categories, customers, result, occurred_at)
                 values ($1, $2, $3, 'mutation', $4, $5, $6, 'OK', now()) returning id`,
                [
                  principal.keyId,
                  principal.name,
                  facts.requestId,
                  operationName ?? 'anonymous',
                  [...(facts.piiCategories ?? [])].sort(),
                  facts.piiCustomers?.size ?? 0,
                ],
              );
              return id as string;
            },
          };
        },
        willSendResponse: async ({ operation, operationName, errors, contextValue }) => {
          const facts = requestFacts.getStore();
          const principal = contextValue.principal;
          const pii = [...(facts?.piiCategories ?? [])];
          if (!principal || !operation || (operation.operation !== 'mutation' && pii.length === 0))
            return;
          const codes = [
            ...new Set(
              (errors ?? []).map((e) =>
                typeof e.extensions?.code === 'string'
                  ? e.extensions.code
                  : 'INTERNAL_SERVER_ERROR',
              ),
            ),
          ];
          const result = codes.length ? codes.join(',') : 'OK';
          const committedId = facts?.auditWrite?.committedId;
          if (committedId) {
            // The row committed with the write; what the response added since (personal data returned, errors of a
            // later root field) is noted if it can be. The write stands either way, so a failure here is only logged.
            if (pii.length > 0 || result !== 'OK') {
              await this.dataSource
                .query(
                  'update audit_events set pii_categories = $2, customers = $3, result = $4 where id = $1',
                  [committedId, pii.sort(), facts?.piiCustomers?.size ?? 0, result],
                )
                .catch((error) =>
                  logger.error(
                    { err: error },
                    'audit: could not note the response on a committed write’s row',
                  ),
                );
            }
            return;
          }
          const row: AuditRow = [
            principal.keyId,
            principal.name,
            facts?.requestId ?? 'unknown',
            operation.operation,
            operationName ?? 'anonymous',
            pii.sort(),
            facts?.piiCustomers?.size ?? 0,
            result,
          ];
          // A mutation that reaches here committed nothing (every write runs in a transaction, which holds its row):
          // its row is kept if it can be, and its response, already an error or a no-op, is not changed by it.
          if (operation.operation === 'mutation') {
            await this.recorder
              .load(row)
              .catch((error) =>
                logger.error(
                  { err: error },
                  'audit: could not record a mutation that committed nothing',
                ),
              );
            return;
          }
          // Personal data is not sent without its row; without a database, that is an outage (503), not a fault.
          await this.recorder.load(row).catch((error) => {
            throw isUnavailable(error) ? new UnavailableError() : error;
          });
        },
      }),
    };
  }
}
