import {
  isoTimestampSql,
  moneySql,
  type MoneyCurrency,
  type ResolverOnlyFields,
  type SqlObject,
  type TypeProjections,
} from '../../compiled-reads';
import { ORDER_ROLLUP_SQL } from '../customers';
import { ShopTime } from '../../common/shop-time';
import { countedOrdersSql, readSpendFigures, SPEND_SQL, spendFiguresSql } from '../orders';
import { NOT_ASKED, SATISFACTION_FIELDS, summariseCustomer } from './customer-summary';

/** Half-up to the minor unit in integers, truncating as BigInt division does: summariseCustomer's rule. */
function averageOrderValueSql(
  netMinor: (row: string) => string,
  count: (row: string) => string,
  shop: MoneyCurrency,
): SqlObject {
  return {
    ...moneySql((r) => `div(2 * (${netMinor(r)}) + ${count(r)}, 2 * ${count(r)})`, shop),
    nullWhen: (r) => `${count(r)} = 0`,
  };
}

/**
 * Customer.summary in SQL, each field equal to what summariseCustomer makes of the same figures (the
 * compiled-reads test compares them field by field), read the cheapest way the selection allows:
 * 1. from the order roll-up on the customer row, when only its figures are asked for (count, net spend, average
 *    order value, first and last order): no orders are read at all;
 * 2. as aggregates over the orders module's counted orders (gross spend and refunds are not rolled up);
 * 3. the fields that need the request's clock or a float division (daysSinceLastOrder, averageDaysBetweenOrders)
 *    are summarised by that pure function itself; feedback figures are left to the resolver.
 */
export function customerSummaryProjections(
  shopCurrency: string,
  shopTime: ShopTime,
): TypeProjections {
  const shop = { code: shopCurrency };
  const netSpent = (o: string) => `${SPEND_SQL.netMinor(o)} - ${SPEND_SQL.refundedMinor(o)}`;
  return {
    Customer: {
      summary: {
        kind: 'object',
        value: {
          fields: {
            orderCount: ORDER_ROLLUP_SQL.orderCount,
            netSpent: moneySql(ORDER_ROLLUP_SQL.netSpentMinor, shop),
            averageOrderValue: averageOrderValueSql(
              ORDER_ROLLUP_SQL.netSpentMinor,
              ORDER_ROLLUP_SQL.orderCount,
              shop,
            ),
            firstOrderAt: (c) => isoTimestampSql(ORDER_ROLLUP_SQL.firstOrderAt(c)),
            lastOrderAt: (c) => isoTimestampSql(ORDER_ROLLUP_SQL.lastOrderAt(c)),
          },
        },
        otherwise: {
          kind: 'object',
          source: (c, o) => countedOrdersSql(`${c}.id`, o),
          value: {
            fields: {
              orderCount: SPEND_SQL.orderCount,
              netSpent: moneySql(netSpent, shop),
              grossSpent: moneySql(SPEND_SQL.grossMinor, shop),
              refunded: moneySql(SPEND_SQL.refundedMinor, shop),
              averageOrderValue: averageOrderValueSql(netSpent, SPEND_SQL.orderCount, shop),
              firstOrderAt: (o) => isoTimestampSql(SPEND_SQL.firstOrderAt(o)),
              lastOrderAt: (o) => isoTimestampSql(SPEND_SQL.lastOrderAt(o)),
            },
          },
          otherwise: {
            kind: 'computed',
            sql: (c) => spendFiguresSql(`${c}.id`, shopTime),
            finish: (figures, { now }) =>
              summariseCustomer(readSpendFigures(figures), NOT_ASKED, now, shopCurrency),
            accepts: (fields) => ![...fields].some((f) => SATISFACTION_FIELDS.has(f)),
          },
        },
      },
    },
  };
}

const SATISFACTION =
  "feedback figures come from the feedback module's aggregates, which the summary's SQL does not read";

export const metricsResolverOnly: ResolverOnlyFields = {
  Customer: {
    metrics:
      "the models (BG/NBD, Gamma-Gamma, churn risk, RFM) run in JS on fitted parameters, at the request's clock",
    metricsHistory:
      'a nested page of customer_metrics_history, by the loaders (one statement per page size)',
  },
  CustomerSummary: Object.fromEntries(
    [...SATISFACTION_FIELDS].map((field) => [field, SATISFACTION]),
  ),
};
