/**
 * Churn risk, explained. The score starts from the purchase model, 1 − P(alive), and each warning sign
 * the customer shows removes part of the remaining chance that they stay:
 *   score = 1 − P(alive) · Π (1 − weight of each sign present).
 * Every sign present is returned as a reason with the share of the score it adds, so a person can see
 * why one customer is at risk. Weights are product choices, stated here.
 */

export type ChurnLevel = 'LOW' | 'MEDIUM' | 'HIGH';

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

export function churnRisk(s: ChurnSignals): {
  score: number;
  level: ChurnLevel;
  reasons: ChurnReason[];
} {
  const signs: { code: keyof typeof CHURN_WEIGHTS; description: string }[] = [];
  if (
    s.daysSinceLastPurchase !== null &&
    s.averageDaysBetweenPurchases !== null &&
    s.daysSinceLastPurchase > 1.5 * s.averageDaysBetweenPurchases
  ) {
    signs.push({
      code: 'OVERDUE',
      description: `No order for ${s.daysSinceLastPurchase} days against a usual ${Math.round(s.averageDaysBetweenPurchases)}`,
    });
  }
  if (s.latestNps !== null && s.latestNps <= 6)
    signs.push({
      code: 'DETRACTOR',
      description: `Latest NPS answer was ${s.latestNps} (a detractor)`,
    });
  if (s.openComplaints > 0)
    signs.push({
      code: 'OPEN_COMPLAINT',
      description: `${s.openComplaints} complaint${s.openComplaints > 1 ? 's' : ''} still open`,
    });
  if (s.spendPreviousHalfYear > 0 && s.spendLastHalfYear < 0.5 * s.spendPreviousHalfYear) {
    signs.push({
      code: 'FALLING_SPEND',
      description: 'Spent less than half as much in the last 6 months as in the 6 before',
    });
  }
  if (s.recentCampaigns >= 3 && s.recentCampaignReactions === 0) {
    signs.push({
      code: 'NO_REACTION',
      description: `No reaction to the last ${s.recentCampaigns} campaign messages`,
    });
  }
  const model = 1 - s.probabilityAlive;
  let stay = s.probabilityAlive;
  const contributions: ChurnReason[] = [];
  if (model > 0)
    contributions.push({
      code: 'MODEL',
      description: `The purchase model gives ${Math.round(s.probabilityAlive * 100)}% that the customer is still active`,
      weight: model,
    });
  for (const sign of signs) {
    const removed = stay * CHURN_WEIGHTS[sign.code];
    stay -= removed;
    contributions.push({ ...sign, weight: removed });
  }
  const score = 1 - stay;
  const level: ChurnLevel = score >= 0.6 ? 'HIGH' : score >= 0.3 ? 'MEDIUM' : 'LOW';
  const reasons = contributions
    .map((r) => ({ ...r, weight: Math.round(r.weight * 1000) / 1000 }))
    .sort((a, b) => b.weight - a.weight);
  return { score: Math.round(score * 1000) / 1000, level, reasons };
}
