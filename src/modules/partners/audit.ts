import type { ApolloServerPlugin } from '@apollo/server';
import { DataSource } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { coalescing } from '../../common/coalescing';
import { queryPrepared } from '../../common/sql';
import { requestFacts } from '../../common/observability';
import type { Principal } from '../../common/scopes';

@ObjectType({ description: 'One audited request: a read of personal data or a write.' })
export class AuditEvent {
  @Field(() => ID, { description: 'Event id.' }) id: string;
  @Field(() => ID, { nullable: true, description: 'The API key used.' }) keyId: string | null;
  @Field({ description: 'The key’s name.' }) keyName: string;
  @Field({ description: 'The request id (x-request-id).' }) requestId: string;
  @Field({ description: 'query or mutation.' }) operationType: string;
  @Field({ description: 'Operation name, or "anonymous".' }) operationName: string;
  @Field(() => [String], { description: 'Kinds of personal data returned: name, email, phone, birth_date, name_day, address, identifier, all.' }) piiCategories: string[];
  @Field(() => Int, { description: 'How many customers’ personal data were returned.' }) customers: number;
  @Field({ description: 'OK, or the error codes.' }) result: string;
  @Field({ description: 'When.' }) occurredAt: Date;
}

type AuditRow = [keyId: string, keyName: string, requestId: string, operationType: string, operationName: string, pii: string[], customers: number, result: string];
const AUDIT_COLUMNS = ['keyId', 'keyName', 'requestId', 'operationType', 'operationName', 'pii', 'customers', 'result'] as const;

export class AuditService {
  // Each response waits until its own row is committed (the log must not lose a read); rows of concurrent
  // requests are committed together, one insert for all (group commit).
  private readonly recorder = coalescing<AuditRow, true>(async (rows) => {
    // One statement text for any number of rows (columns as arrays), so each connection prepares it once.
    // Categories travel comma-joined: they are fixed identifiers (name, email…), never free text.
    const columns = AUDIT_COLUMNS.map((_, i) => rows.map((row) => (i === 5 ? (row[5] as string[]).join(',') : row[i])));
    await queryPrepared(this.dataSource,
      `insert into audit_events (key_id, key_name, request_id, operation_type, operation_name, pii_categories, customers, result, occurred_at)
       select key_id, key_name, request_id, operation_type, operation_name, string_to_array(pii, ','), customers, result, now()
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])
         as row(key_id, key_name, request_id, operation_type, operation_name, pii, customers, result)`, columns);
    return rows.map(() => true as const);
  });

  constructor(private readonly dataSource: DataSource) {}

  async list(first: number, keyId: string | null): Promise<AuditEvent[]> {
    return this.dataSource.query(
      `select id, key_id as "keyId", key_name as "keyName", request_id as "requestId", operation_type as "operationType",
         operation_name as "operationName", pii_categories as "piiCategories", customers, result, occurred_at as "occurredAt"
       from audit_events where ($2::uuid is null or key_id = $2) order by occurred_at desc, id desc limit $1`, [first, keyId]);
  }

  /** Records every request by a key that read personal data or wrote; never values or variables. */
  plugin(): ApolloServerPlugin<{ principal: Principal | null }> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async ({ operation, operationName, errors, contextValue }) => {
          const facts = requestFacts.getStore();
          const principal = contextValue.principal;
          const pii = [...(facts?.piiCategories ?? [])];
          if (!principal || !operation || (operation.operation !== 'mutation' && pii.length === 0)) return;
          const codes = [...new Set((errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          await this.recorder.load([principal.keyId, principal.name, facts?.requestId ?? 'unknown', operation.operation, operationName ?? 'anonymous', pii.sort(),
            facts?.piiCustomers?.size ?? 0, codes.length ? codes.join(',') : 'OK']);
        },
      }),
    };
  }
}
