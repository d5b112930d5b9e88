/**
 * RFM scores and segments. Each score is the quintile (1–5) of the customer among the base at the fit:
 * recency (fewer days since the last purchase scores higher), frequency (purchase days) and monetary value
 * (net spend). Segments follow the common RFM map used by Klaviyo and Shopify-style analytics.
 */

export interface RfmCuts {
  recencyDays: number[];
  frequency: number[];
  monetaryMinor: number[];
}

export interface RfmInput {
  daysSinceLastPurchase: number;
  purchaseDays: number;
  netValueMinor: number;
}

export type RfmSegment =
  | 'CHAMPIONS'
  | 'LOYAL'
  | 'POTENTIAL_LOYALIST'
  | 'NEW'
  | 'PROMISING'
  | 'NEEDS_ATTENTION'
  | 'ABOUT_TO_SLEEP'
  | 'AT_RISK'
  | 'CANNOT_LOSE'
  | 'HIBERNATING'
  | 'LOST';

/** The four inner quintile boundaries of a list of values. */
export function quintileCuts(values: number[]): number[] {
  if (values.length === 0) return [0, 0, 0, 0];
  const sorted = [...values].sort((a, b) => a - b);
  return [0.2, 0.4, 0.6, 0.8].map(
    (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))],
  );
}

const scoreAbove = (value: number, cuts: number[]) => 1 + cuts.filter((cut) => value > cut).length;

export function rfmScores(cuts: RfmCuts, input: RfmInput) {
  return {
    recencyScore: 6 - scoreAbove(input.daysSinceLastPurchase, cuts.recencyDays),
    frequencyScore: scoreAbove(input.purchaseDays, cuts.frequency),
    monetaryScore: scoreAbove(input.netValueMinor, cuts.monetaryMinor),
  };
}

export function rfmSegment(recency: number, frequency: number, monetary: number): RfmSegment {
  const fm = (frequency + monetary) / 2;
  if (recency >= 4 && fm >= 4) return 'CHAMPIONS';
  if (recency >= 3 && fm >= 3.5) return 'LOYAL';
  if (recency >= 4 && frequency <= 1) return 'NEW';
  if (recency >= 4 && fm >= 2) return 'POTENTIAL_LOYALIST';
  if (recency >= 4) return 'PROMISING';
  if (recency === 3 && fm >= 2) return 'NEEDS_ATTENTION';
  if (recency === 3) return 'ABOUT_TO_SLEEP';
  if (recency <= 2 && fm >= 4.5) return 'CANNOT_LOSE';
  if (recency <= 2 && fm >= 3) return 'AT_RISK';
  if (recency === 2) return 'HIBERNATING';
  return 'LOST';
}
