/**
 * Churn risk, explained. The score starts from the purchase model, 1 − P(alive), and each warning sign
 * the customer shows removes part of the remaining chance that they stay:
 *   stay = P(alive) · Π (1 − weight of each sign present).
 * Every sign present is returned as a reason with the part of the score it adds (the chance of staying it
 * removes), so a person can see why one customer is at risk. The score is the sum of those parts, added in the
 * order the reasons are returned (largest first), so a client adding them up gets the score exactly; it equals
 * 1 − stay up to floating-point rounding. Nothing is rounded: clients round. Weights are product choices, stated
 * here, except NO_SECOND_PURCHASE, whose weight is read from the base (see below).
 */

export type ChurnLevel = 'LOW' | 'MEDIUM' | 'HIGH';

/** Level thresholds, as ChurnRiskLevel describes them: LOW below 0.3, MEDIUM from 0.3 up to below 0.6, HIGH 0.6 or more. */
export const CHURN_LEVEL_THRESHOLDS = { MEDIUM: 0.3, HIGH: 0.6 } as const;

export function churnLevel(score: number): ChurnLevel {
  if (score >= CHURN_LEVEL_THRESHOLDS.HIGH) return 'HIGH';
  if (score >= CHURN_LEVEL_THRESHOLDS.MEDIUM) return 'MEDIUM';
  return 'LOW';
}

/**
 * The base's distribution of the time to a second purchase: for the repeat buyers of the fit, the days from their
 * first purchase day to their second, ascending (one entry per repeat buyer).
 */
export type SecondPurchaseGaps = readonly number[];

/**
 * The share of repeat buyers whose second purchase came sooner than `days` after their first (strictly fewer days):
 * the empirical distribution function at `days`, by binary search; 0 when the base has no repeat buyers.
 */
export function shareReturnedSooner(gaps: SecondPurchaseGaps, days: number): number {
  if (gaps.length === 0) return 0;
  let low = 0;
  let high = gaps.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (gaps[mid] < days) low = mid + 1;
    else high = mid;
  }
  return low / gaps.length;
}

export interface ChurnSignals {
  probabilityAlive: number;
  daysSinceLastPurchase: number | null;
  averageDaysBetweenPurchases: number | null;
  latestNps: number | null;
  openComplaints: number;
  /** Net spend in the last 6 months and the 6 before, in minor units. */
  spendLastHalfYear: number;
  spendPreviousHalfYear: number;
  /** Outbound campaign messages in the last 90 days, and how many were opened, clicked or answered. */
  recentCampaigns: number;
  recentCampaignReactions: number;
  /** Purchase days after the first (the models' x); 0 for a one-time buyer. */
  repeatPurchases: number;
  /** The base's time to a second purchase (see SecondPurchaseGaps). */
  secondPurchaseGaps: SecondPurchaseGaps;
}

export interface ChurnReason {
  code: string;
  description: string;
  /** The part of the score this reason accounts for. */
  weight: number;
}

export const CHURN_WEIGHTS = {
  OVERDUE: 0.35,
  DETRACTOR: 0.25,
  OPEN_COMPLAINT: 0.2,
  FALLING_SPEND: 0.15,
  NO_REACTION: 0.1,
} as const;

/**
 * NO_SECOND_PURCHASE, for one-time buyers only (repeat buyers have OVERDUE and the model): its weight is the share of
 * the base's repeat buyers whose second purchase came sooner than this customer's silence since their first
 * purchase. A one-time buyer silent for ten times the typical gap outlasts almost every repeat buyer's return and
 * scores close to 1 (HIGH); one who bought last week outlasts few of them (LOW).
 */
export type ChurnSignCode = keyof typeof CHURN_WEIGHTS | 'NO_SECOND_PURCHASE';

export function churnRisk(s: ChurnSignals): {
  score: number;
  level: ChurnLevel;
  reasons: ChurnReason[];
} {
  const signs: { code: ChurnSignCode; description: string; weight: number }[] = [];
  const sign = (code: keyof typeof CHURN_WEIGHTS, description: string) =>
    signs.push({ code, description, weight: CHURN_WEIGHTS[code] });
  if (
    s.daysSinceLastPurchase !== null &&
    s.averageDaysBetweenPurchases !== null &&
    s.daysSinceLastPurchase > 1.5 * s.averageDaysBetweenPurchases
  ) {
    sign(
      'OVERDUE',
      `No order for ${s.daysSinceLastPurchase} days against a usual ${Math.round(s.averageDaysBetweenPurchases)}`,
    );
  }
  if (s.repeatPurchases === 0 && s.daysSinceLastPurchase !== null) {
    const share = shareReturnedSooner(s.secondPurchaseGaps, s.daysSinceLastPurchase);
    if (share > 0)
      signs.push({
        code: 'NO_SECOND_PURCHASE',
        description: `One purchase, ${s.daysSinceLastPurchase} days ago: ${formatShare(share)} of repeat buyers had made their second purchase sooner`,
        weight: share,
      });
  }
  if (s.latestNps !== null && s.latestNps <= 6)
    sign('DETRACTOR', `Latest NPS answer was ${s.latestNps} (a detractor)`);
  if (s.openComplaints > 0)
    sign(
      'OPEN_COMPLAINT',
      `${s.openComplaints} complaint${s.openComplaints > 1 ? 's' : ''} still open`,
    );
  if (s.spendPreviousHalfYear > 0 && s.spendLastHalfYear < 0.5 * s.spendPreviousHalfYear) {
    sign('FALLING_SPEND', 'Spent less than half as much in the last 6 months as in the 6 before');
  }
  if (s.recentCampaigns >= 3 && s.recentCampaignReactions === 0) {
    sign('NO_REACTION', `No reaction to the last ${s.recentCampaigns} campaign messages`);
  }
  const model = 1 - s.probabilityAlive;
  let stay = s.probabilityAlive;
  const contributions: ChurnReason[] = [];
  if (model > 0)
    contributions.push({
      code: 'MODEL',
      description: `The purchase model gives ${formatShare(s.probabilityAlive)} that the customer is still active`,
      weight: model,
    });
  for (const { code, description, weight } of signs) {
    const removed = stay * weight;
    stay -= removed;
    contributions.push({ code, description, weight: removed });
  }
  const reasons = contributions.sort((a, b) => b.weight - a.weight);
  // The score is the sum of the weights in the order returned, so that the two agree exactly in floating point.
  const score = reasons.reduce((sum, r) => sum + r.weight, 0);
  return { score, level: churnLevel(score), reasons };
}

/** A share in words: whole percent, or "under 1%" / "over 99%" rather than a misleading 0% or 100%. */
function formatShare(share: number): string {
  if (share > 0 && share < 0.01) return 'under 1%';
  if (share > 0.99 && share < 1) return 'over 99%';
  return `${Math.round(share * 100)}%`;
}
