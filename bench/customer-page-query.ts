/** The customer page of the README and the statement-count test: 50 customers with every nested field. */
export const CUSTOMER_PAGE_QUERY = `query($first: Int!) { customers(first: $first, orderBy: { field: TOTAL_SPENT, direction: DESC }) { totalCount edges { cursor node {
  id databaseId fullName email phone birthDate nameDay { month day } country city signupAt tags attributes
  identifiers { type value source } consents { channel granted changedAt source }
  summary { orderCount netSpent { amount currency } grossSpent { amount } refunded { amount } averageOrderValue { amount } firstOrderAt lastOrderAt
    daysSinceLastOrder averageDaysBetweenOrders latestNps averageCsat openComplaints }
  orders(first: 5) { totalCount pageInfo { hasNextPage endCursor } nodes { id externalRef placedAt status channel gross { amount } net { amount }
    refunded { amount } lines { lineNo quantity unitPrice { amount } lineTotal { amount } product { sku name category } } returns { quantity refund { amount } } } }
  feedback(first: 5) { totalCount nodes { kind score comment complaintStatus order { id } product { sku } } }
  communications(first: 5) { totalCount nodes { channel purpose subject outcome complaint { id } order { id } } }
  loyalty { balance tier { code } nextTier { code } spendToNextTier { amount } progressToNextTier pointsExpiringSoon(days: 30)
    ledger(first: 5) { totalCount nodes { kind points reason order { id } } } }
  timeline(first: 10) { totalCount pageInfo { hasNextPage } nodes { kind occurredAt title subject { __typename
    ... on Order { externalRef } ... on OrderReturn { quantity } ... on Feedback { kind } ... on Communication { channel } ... on LoyaltyLedgerEntry { points } } } }
} } } }`;
