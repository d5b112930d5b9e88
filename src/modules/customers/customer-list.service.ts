import { DataSource } from 'typeorm';
import { BadUserInputError } from '../../common/errors';
import { SortDirection } from '../../common/enums';
import { parseMoney } from '../../common/money';
import {
  keysetSql,
  Page,
  PageWindow,
  resolvePageWindow,
  SortKey,
  toPage,
} from '../../common/pagination';
import { queryPrepared, SqlParams } from '../../common/sql';
import { Customer, CustomerRow, toCustomer } from './customer.types';
import { CustomersArgs } from './customer.inputs';
import {
  CustomerFilter,
  CustomerFilterContribution,
  CustomerOrderField,
  CustomerSortContribution,
} from './customer-filter.inputs';

const SORT_KEYS: Partial<Record<CustomerOrderField, SortKey>> = {
  NAME: { sql: 'c.sort_name', cast: 'text' },
  SIGNUP_DATE: { sql: 'c.signup_at', cast: 'timestamptz' },
  LAST_ORDER_DATE: {
    sql: `coalesce(c.last_order_at, '-infinity'::timestamptz)`,
    cast: 'timestamptz',
  },
  TOTAL_SPENT: { sql: 'c.net_spent_minor', cast: 'bigint' },
  UPDATED_AT: { sql: 'c.updated_at', cast: 'timestamptz' },
};
const ID_KEY: SortKey = { sql: 'c.id', cast: 'uuid' };

export interface CustomerListPlan {
  field: CustomerOrderField;
  window: PageWindow;
  sql: string;
  values: unknown[];
  countSql: string;
  countValues: unknown[];
}

interface ListedRow extends CustomerRow {
  /** A node's JSON, when the compiled reads chose the columns. */
  node?: unknown;
  /** The sort key as PostgreSQL prints it: exact (microseconds, bigint) when cast back. */
  sort_value: string;
}

export class CustomerListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shopCurrency: string,
    private readonly filters: readonly CustomerFilterContribution[],
    sorts: readonly CustomerSortContribution[],
  ) {
    this.sortExtensions = Object.fromEntries(sorts.map((sort) => [sort.field, sort]));
  }

  /** Sort keys other modules own, by CustomerOrderField value. */
  private readonly sortExtensions: Record<string, CustomerSortContribution>;

  async list(args: CustomersArgs): Promise<Page<Customer>> {
    return this.fetch(
      this.plan(args, () => 'c.*'),
      toCustomer,
    );
  }

  /**
   * The statement for a page of customers; `projection` chooses what each row carries (`c.*`, or a node's
   * JSON from the compiled reads, which may add parameters of its own). Throws on bad arguments, runs nothing.
   */
  plan(args: CustomersArgs, projection: (params: SqlParams) => string): CustomerListPlan {
    const field = args.orderBy?.field ?? CustomerOrderField.NAME;
    const descending = args.orderBy?.direction === SortDirection.DESC;
    const window = resolvePageWindow(args, 3);
    if (window.cursor && window.cursor[0] !== field) {
      throw new BadUserInputError('The cursor belongs to a different sort order', {
        field: window.backward ? 'before' : 'after',
      });
    }
    const params = new SqlParams();
    const conditions = this.conditions(args.filter ?? {}, params);
    const conditionValues = [...params.values];
    const sortKey = SORT_KEYS[field] ?? this.sortExtensions[field]?.key;
    if (!sortKey)
      throw new BadUserInputError(`Sorting by ${field} is not available`, { field: 'orderBy' });
    const join = this.sortExtensions[field]?.join ?? '';
    const where = conditions.join(' and ');
    const columns = projection(params);
    const keys = [sortKey, ID_KEY];
    const pageWindow = { ...window, cursor: window.cursor?.slice(1) ?? null };
    const keyset = keysetSql(keys, descending, pageWindow, params.values.length + 1);
    return {
      field,
      window,
      sql: `select ${columns}, c.id as id, (${sortKey.sql})::text as sort_value from customers c ${join}
        where ${where} and ${keyset.where} order by ${keyset.orderBy} limit ${window.limit + 1}`,
      values: [...params.values, ...keyset.params],
      countSql: `select count(*) from customers c where ${where}`,
      countValues: conditionValues,
    };
  }

  async fetch<T>(plan: CustomerListPlan, map: (row: ListedRow) => T): Promise<Page<T>> {
    const rows: ListedRow[] = await queryPrepared(this.dataSource, plan.sql, plan.values);
    const countAll = async () => {
      const [{ count }] = await queryPrepared(this.dataSource, plan.countSql, plan.countValues);
      return Number(count);
    };
    return toPage(rows, plan.window, (row) => [plan.field, row.sort_value, row.id], countAll, map);
  }

  private conditions(filter: CustomerFilter, params: SqlParams): string[] {
    const conditions = ['true'];
    if (filter.search) {
      const pattern = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      const p = params.add(pattern);
      conditions.push(`(c.sort_name like ${p} or lower(c.email) like ${p})`);
    }
    if (filter.tags?.length) conditions.push(`c.tags @> ${params.add(filter.tags, 'text[]')}`);
    if (filter.countries?.length)
      conditions.push(
        `c.country = any(${params.add(
          filter.countries.map((c) => c.toUpperCase()),
          'bpchar[]',
        )})`,
      );
    if (filter.signedUpFrom) conditions.push(`c.signup_at >= ${params.add(filter.signedUpFrom)}`);
    if (filter.signedUpBefore)
      conditions.push(`c.signup_at < ${params.add(filter.signedUpBefore)}`);
    if (filter.lastOrderFrom)
      conditions.push(`c.last_order_at >= ${params.add(filter.lastOrderFrom)}`);
    if (filter.lastOrderBefore)
      conditions.push(`c.last_order_at < ${params.add(filter.lastOrderBefore)}`);
    if (filter.totalSpentMin != null) {
      const min = parseMoney(filter.totalSpentMin, this.shopCurrency, 'filter.totalSpentMin');
      conditions.push(`c.net_spent_minor >= ${params.add(min.toString(), 'bigint')}`);
    }
    if (filter.totalSpentMax != null) {
      const max = parseMoney(filter.totalSpentMax, this.shopCurrency, 'filter.totalSpentMax');
      conditions.push(`c.net_spent_minor <= ${params.add(max.toString(), 'bigint')}`);
    }
    if (filter.updatedSince) conditions.push(`c.updated_at >= ${params.add(filter.updatedSince)}`);
    for (const contribution of this.filters) {
      const condition = contribution.condition(filter, params, { currency: this.shopCurrency });
      if (condition) conditions.push(condition);
    }
    return conditions;
  }
}
