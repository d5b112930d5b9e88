import { isoTimestampSql, moneySql, type TypeProjections } from '../../common/compiled-reads';
import { countedOrdersSql, readSpendFigures, SPEND_SQL, spendFiguresSql } from '../orders';
import { NOT_ASKED, SATISFACTION_FIELDS, summariseCustomer } from './customer-summary';

/**
 * Customer.summary in SQL: the spend fields as aggregates over the orders module's counted orders, each equal to
 * what summariseCustomer makes of the same figures (the compiled-reads test compares them field by field). The
 * fields that need the request's clock or a rounded float (daysSinceLastOrder, averageDaysBetweenOrders) are
 * summarised by that pure function itself; feedback figures are left to the resolver.
 */
export function customerSummaryProjections(shopCurrency: string): TypeProjections {
  const shop = { code: shopCurrency };
  const netSpent = (o: string) => `${SPEND_SQL.netMinor(o)} - ${SPEND_SQL.refundedMinor(o)}`;
  return {
    Customer: {
      summary: {
        kind: 'object',
        source: (c, o) => countedOrdersSql(`${c}.id`, o),
        value: {
          fields: {
            orderCount: SPEND_SQL.orderCount,
            netSpent: moneySql(netSpent, shop),
            grossSpent: moneySql(SPEND_SQL.grossMinor, shop),
            refunded: moneySql(SPEND_SQL.refundedMinor, shop),
            // Half-up to the minor unit in integers, truncating as BigInt division does: summariseCustomer's rule.
            averageOrderValue: { ...moneySql((o) => `div(2 * (${netSpent(o)}) + count(*), 2 * count(*))`, shop), nullWhen: () => 'count(*) = 0' },
            firstOrderAt: (o) => isoTimestampSql(SPEND_SQL.firstOrderAt(o)),
            lastOrderAt: (o) => isoTimestampSql(SPEND_SQL.lastOrderAt(o)),
          },
        },
        otherwise: {
          kind: 'computed',
          sql: (c) => spendFiguresSql(`${c}.id`),
          finish: (figures, { now }) => summariseCustomer(readSpendFigures(figures), NOT_ASKED, now, shopCurrency),
          accepts: (fields) => ![...fields].some((f) => SATISFACTION_FIELDS.has(f)),
        },
      },
    },
  };
}
