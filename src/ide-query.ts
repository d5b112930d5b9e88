/** The README's first queries, preloaded in the offline GraphiQL page. */
export const IDE_DEFAULT_QUERY = `# The customer page: everything about the most recent customer, in one request.
{
  customers(first: 1, orderBy: { field: LAST_ORDER_DATE, direction: DESC }) {
    nodes {
      id fullName email tags
      summary { orderCount netSpent { amount currency } averageDaysBetweenOrders daysSinceLastOrder latestNps openComplaints }
      metrics { probabilityAlive predictedClv { value { amount } low { amount } high { amount } } churnRisk { level reasons { description weight } } rfm { segment } }
      loyalty { balance tier { name } nextTier { name } spendToNextTier { amount } progressToNextTier pointsExpiringSoon(days: 30) }
      nextBestActions { kind reason dueDate channel }
      timeline(first: 10) { nodes { kind occurredAt title } }
    }
  }
}
`;
