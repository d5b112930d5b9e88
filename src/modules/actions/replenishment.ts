/**
 * Purchase cycles: the typical interval between purchases of one product by one customer is the median of
 * the gaps (robust to a one-off early or late buy); confidence grows with the number of gaps and falls with
 * their spread (coefficient of variation). Pure; days are whole shop days (SHOP_TIME_ZONE).
 */

export interface Cycle {
  typicalIntervalDays: number;
  dueDay: string;
  confidence: number;
}

const DAY_MS = 86_400_000;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function purchaseCycle(gaps: number[], lastDay: string): Cycle | null {
  const positive = gaps.filter((g) => g > 0);
  if (positive.length === 0) return null;
  const typical = Math.round(median(positive));
  const mean = positive.reduce((a, b) => a + b, 0) / positive.length;
  const sd = Math.sqrt(positive.reduce((s, g) => s + (g - mean) ** 2, 0) / positive.length);
  const regularity = Math.max(0, 1 - sd / mean);
  const evidence = Math.min(1, positive.length / 3);
  const dueDay = new Date(Date.parse(`${lastDay}T00:00:00Z`) + typical * DAY_MS)
    .toISOString()
    .slice(0, 10);
  return {
    typicalIntervalDays: typical,
    dueDay,
    confidence: Math.round(regularity * evidence * 1000) / 1000,
  };
}
