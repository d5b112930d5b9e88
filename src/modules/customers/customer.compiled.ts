import { getNamedType, GraphQLObjectType } from 'graphql';
import type { DataSource } from 'typeorm';
import { ArgumentValidationError } from 'type-graphql';
import {
  column,
  compileConnection,
  CompiledConnection,
  globalId,
  NotCompilable,
  RawJson,
  ResolverOnlyFields,
  RootReader,
  timestamp,
  TypeProjections,
} from '../../compiled-reads';
import { BadUserInputError } from '../../common/errors';
import { isUuid, parseGlobalId } from '../../common/relay';
import { queryPrepared } from '../../common/sql';
import { validateArgument } from '../../common/validation';
import { CustomerListService } from './customer-list.service';
import { CustomerOrder, CustomersArgs } from './customer.inputs';
import { customerFilterClass } from './customer-filter.inputs';

/**
 * The order roll-up on the customer row (see CustomerService.refreshOrderStats), as SQL over a customers row: the
 * same figures as an aggregate over the customer's counted orders, read without touching the orders.
 */
export const ORDER_ROLLUP_SQL = {
  orderCount: (c: string) => `${c}.order_count`,
  netSpentMinor: (c: string) => `${c}.net_spent_minor`,
  firstOrderAt: (c: string) => `${c}.first_order_at`,
  lastOrderAt: (c: string) => `${c}.last_order_at`,
};

/** Customer's fields in SQL, each equal to what toCustomer makes of the row. */
export const customerProjections: TypeProjections = {
  Customer: {
    id: globalId('Customer'),
    databaseId: column('id'),
    givenName: column('given_name'),
    familyName: column('family_name'),
    fullName: {
      kind: 'value',
      sql: (c) =>
        `nullif(concat_ws(' ', nullif(${c}.given_name, ''), nullif(${c}.family_name, '')), '')`,
    },
    email: column('email'),
    phone: column('phone'),
    birthDate: { kind: 'value', sql: (c) => `${c}.birth_date::text` },
    nameDay: {
      kind: 'object',
      // Null unless both parts are set, as toCustomer decides.
      value: {
        fields: { month: (c) => `${c}.name_day_month`, day: (c) => `${c}.name_day_day` },
        nullWhen: (c) =>
          `coalesce(${c}.name_day_month, 0) = 0 or coalesce(${c}.name_day_day, 0) = 0`,
      },
    },
    locale: column('locale'),
    country: { kind: 'value', sql: (c) => `trim(${c}.country::text)` },
    city: column('city'),
    signupAt: timestamp('signup_at'),
    tags: { kind: 'value', sql: (c) => `to_json(${c}.tags)` },
    attributes: column('attributes'),
    createdAt: timestamp('created_at'),
    updatedAt: timestamp('updated_at'),
    consents: {
      kind: 'many',
      // The latest event per channel, as consentsByCustomerIds reads it.
      from: (
        c,
        e,
      ) => `(select distinct on (x.channel) x.* from customer_consent_events x where x.customer_id = ${c}.id
        order by x.channel, x.occurred_at desc, x.created_at desc) ${e}`,
      orderBy: (e) => `${e}.channel`,
    },
  },
  MarketingConsent: {
    channel: column('channel'),
    granted: column('granted'),
    changedAt: timestamp('occurred_at'),
    source: column('source'),
  },
};

export const customerResolverOnly: ResolverOnlyFields = {
  Customer: {
    identifiers:
      'email and phone values are masked one by one without pii:read and audited per customer; the compiler audits whole fields',
  },
};

function databaseIdOf(id: unknown): string {
  const text = String(id);
  if (isUuid(text)) return text.toLowerCase();
  const parsed = parseGlobalId(text);
  // A malformed id is an error the resolver words.
  if (!parsed || parsed.typeName !== 'Customer') throw new NotCompilable('customer id');
  return parsed.id.toLowerCase();
}

// Validation is a function of the argument values alone, so a verdict is kept per value (a list paged or polled
// with the same filter is validated once); bounded, as clients choose the values.
const validArguments = new Set<string>();
const MAX_VALID_ARGUMENTS = 1000;

/** The arguments as type-graphql hands them to the resolver: instances, validated the same way. */
async function customersArgs(raw: Record<string, unknown>): Promise<CustomersArgs> {
  const args = Object.assign(new CustomersArgs(), raw, {
    filter: raw.filter ? Object.assign(new (customerFilterClass())(), raw.filter) : raw.filter,
    orderBy: raw.orderBy ? Object.assign(new CustomerOrder(), raw.orderBy) : raw.orderBy,
  });
  const key = JSON.stringify(raw);
  if (validArguments.has(key)) return args;
  try {
    await validateArgument(args);
  } catch (error) {
    if (error instanceof ArgumentValidationError) throw new NotCompilable('invalid arguments');
    throw error;
  }
  if (validArguments.size >= MAX_VALID_ARGUMENTS) validArguments.clear();
  validArguments.add(key);
  return args;
}

/** `customer(id)` and `customers(…)` from compiled SQL: one statement each (plus the count when asked for). */
export function customerRootReaders(
  dataSource: DataSource,
  list: CustomerListService,
): Record<string, RootReader> {
  return {
    async customer(compiler, { node, definition, args }) {
      const databaseId = databaseIdOf(args.id);
      const customer = compiler.compileRootObject(
        getNamedType(definition.type) as GraphQLObjectType,
        node.selectionSet,
        'c',
      );
      // Built in SQL alone, the node is passed on as the text PostgreSQL wrote.
      const raw = customer.patch === null;
      const sql = `select c.id, ${raw ? `(${customer.sql})::text` : customer.sql} as node from customers c where c.id = ${compiler.params.add(databaseId, 'uuid')}`;
      const values = compiler.params.values;
      return {
        async run(context) {
          const [row]: { id: string; node: any }[] = await queryPrepared(dataSource, sql, values);
          if (!row) return { value: null, personalDataOf: [] };
          if (raw) return { value: new RawJson(row.node), personalDataOf: [row.id] };
          customer.patch?.(row.node, context);
          return { value: row.node, personalDataOf: [row.id] };
        },
      };
    },

    async customers(compiler, { node, definition, args }) {
      let connection: CompiledConnection | null = null;
      let plan;
      // The search matches names and emails (see CustomerResolver.customers): without pii:read the resolver refuses
      // it, and with it the page is audited as the resolver audits it.
      if ((args.filter as { search?: unknown } | null | undefined)?.search != null) {
        compiler.facts.requiredScopes.add('pii:read');
        compiler.facts.personalFields.add('fullName').add('email');
      }
      try {
        plan = list.plan(await customersArgs(args), (params) => {
          // The nodes' parameters (a nested page's filter) are numbered after the list's own conditions.
          compiler.useParams(params);
          connection = compileConnection(
            compiler,
            getNamedType(definition.type) as GraphQLObjectType,
            node.selectionSet,
            'c',
          );
          return connection.raw
            ? `(${connection.node.sql})::text as node`
            : `${connection.node.sql} as node`;
        });
      } catch (error) {
        if (error instanceof BadUserInputError) throw new NotCompilable('list arguments'); // the resolver reports them
        throw error;
      }
      const compiled = connection as unknown as CompiledConnection;
      return {
        async run(context) {
          const ids: string[] = [];
          const page = await list.fetch(plan, (row) => {
            ids.push(row.id);
            return compiled.raw ? new RawJson(row.node as string) : row.node;
          });
          return { value: await compiled.shape(page, context), personalDataOf: ids };
        },
      };
    },
  };
}
