import type { TypeProjections } from '../../common/compiled-reads';
import { readSpendFigures, spendFiguresSql } from '../orders';
import { NOT_ASKED, SATISFACTION_FIELDS, summariseCustomer } from './customer-summary';

/**
 * Customer.summary in SQL: the orders module's spend aggregate, summarised by the same pure function as the
 * resolver's. Feedback figures are left to the resolver.
 */
export function customerSummaryProjections(shopCurrency: string): TypeProjections {
  return {
    Customer: {
      summary: {
        kind: 'computed',
        sql: (c) => spendFiguresSql(`${c}.id`),
        finish: (figures, { now }) => summariseCustomer(readSpendFigures(figures), NOT_ASKED, now, shopCurrency),
        accepts: (fields) => ![...fields].some((f) => SATISFACTION_FIELDS.has(f)),
      },
    },
  };
}
