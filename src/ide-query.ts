/**
 * The ready operations the offline GraphiQL page opens with, one tab each. They are written against the demo data
 * (`demo-shop` identifiers and skus), and a test validates each against the schema and runs it on a seeded server.
 */
export interface IdeOperation {
  /** The operation's name, which GraphiQL shows as the tab's title. */
  name: string;
  query: string;
  /** Default variables, as the JSON text the variables editor shows. */
  variables?: string;
}

const CUSTOMER_PAGE = `# The customer page: everything about the most recent customer, in one request.
query CustomerPage {
  customers(first: 1, orderBy: { field: LAST_ORDER_DATE, direction: DESC }) {
    nodes {
      id fullName email phone city country tags
      summary { orderCount netSpent { amount currency } averageDaysBetweenOrders daysSinceLastOrder latestNps openComplaints }
      metrics { probabilityAlive predictedClv { value { amount } low { amount } high { amount } } churnRisk { level reasons { description weight } } rfm { segment } }
      orders(first: 5) { nodes { externalRef placedAt status net { amount currency } lines { quantity product { name category } } } }
      loyalty {
        balance tier { name } nextTier { name } spendToNextTier { amount } progressToNextTier pointsExpiringSoon(days: 30)
        ledger(first: 5) { nodes { kind points reason occurredAt } }
      }
      nextBestActions { kind reason dueDate channel }
      timeline(first: 10) { nodes { kind occurredAt title } }
    }
  }
}
`;

const CUSTOMER_LIST = `# A filtered list, paged by cursor: run it, then set "after" to pageInfo.endCursor for the next page.
query CustomerList($filter: CustomerFilter, $first: Int = 10, $after: String) {
  customers(first: $first, after: $after, filter: $filter, orderBy: { field: LAST_ORDER_DATE, direction: DESC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id fullName country city
        summary { orderCount netSpent { amount currency } daysSinceLastOrder }
        loyalty { balance tier { name } }
      }
    }
  }
}
`;

const RECORD_ORDER = `# Record an order with lines (needs orders:write). The customer is found, or created, by the shop's identifier;
# the order earns loyalty points in the same transaction. Run it twice: the second time "created" is false.
mutation RecordOrder($input: RecordOrderInput!) {
  recordOrder(input: $input) {
    created
    order {
      id externalRef status placedAt gross { amount currency } net { amount currency }
      lines { quantity unitPrice { amount } product { name category } }
      customer { fullName loyalty { balance ledger(first: 3) { nodes { kind points reason } } } }
    }
  }
}
`;

const LOYALTY_PROGRAM = `# The loyalty program: its tiers and the earning rules new orders earn under.
query LoyaltyProgram {
  loyaltyProgram { name tierBasis pointsValidityMonths tiers { code name thresholdSpend { amount currency } benefits } }
  loyaltyRules { version effectiveFrom pointsPerUnit welcomeBonus birthdayBonus categoryMultipliers { name multiplier } }
}
`;

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The tabs, in order; `now` stamps the example order, so each page's order is new to the database. */
export function ideOperations(options: { currency: string; now: Date }): IdeOperation[] {
  return [
    { name: 'CustomerPage', query: CUSTOMER_PAGE },
    {
      name: 'CustomerList',
      query: CUSTOMER_LIST,
      variables: json({
        first: 10,
        after: null,
        filter: { countries: ['HR', 'SI', 'AT'], tags: ['coffee-regular'] },
      }),
    },
    {
      name: 'RecordOrder',
      query: RECORD_ORDER,
      variables: json({
        input: {
          customer: {
            identifierType: 'SHOP_CUSTOMER_ID',
            identifierSource: 'demo-shop',
            identifierValue: 'C0000001',
          },
          source: 'graphiql',
          externalRef: `IDE-${options.now.getTime()}`,
          placedAt: options.now.toISOString(),
          currency: options.currency,
          channel: 'WEB',
          lines: [
            { sku: 'COF-ESP-1KG', quantity: 2, unitPrice: '24.90' },
            { sku: 'COF-FILTERS', quantity: 1, unitPrice: '3.90' },
          ],
        },
      }),
    },
    { name: 'LoyaltyProgram', query: LOYALTY_PROGRAM },
  ];
}

/** The first tab's query (the customer page), also the README's first query. */
export const IDE_DEFAULT_QUERY = CUSTOMER_PAGE;
