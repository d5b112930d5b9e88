import type { TypeProjections } from '../../common/compiled-reads';

/** Customer.loyalty in SQL: null without an active program (as the resolver), and the balance from the ledger. */
export const loyaltyProjections: TypeProjections = {
  Customer: {
    loyalty: {
      kind: 'one',
      from: (c, l) => `(select ${c}.id as customer_id) ${l} where exists (select 1 from loyalty_programs p where p.active)`,
    },
  },
  CustomerLoyalty: {
    balance: { kind: 'value', sql: (l) => `(select coalesce(sum(e.points), 0)::int from loyalty_ledger_entries e where e.customer_id = ${l}.customer_id)` },
  },
};
