/**
 * Pure earning rules: how many points an order earns under a rule version, and how many a return takes
 * back. Points are whole; fractions are dropped once, at the end.
 */

export interface EarningRule {
  pointsPerUnit: number;
  categoryMultipliers: Record<string, number>;
  productMultipliers: Record<string, number>;
  tierMultipliers: Record<string, number>;
  minOrderMinor: bigint;
  earningStatuses: string[];
}

export interface EarningOrder {
  status: string;
  grossMinor: bigint;
  netMinor: bigint;
  lines: { totalMinor: bigint; sku: string | null; category: string | null }[];
}

/** Whether an order earns at all: a status that earns, and at least the minimum value. */
export function isEligible(rule: EarningRule, order: EarningOrder): boolean {
  return (
    rule.earningStatuses.includes(order.status) &&
    order.netMinor >= rule.minOrderMinor &&
    order.netMinor > 0n
  );
}

/** Points for an order; 0 when it is not eligible. */
export function pointsForOrder(
  rule: EarningRule,
  order: EarningOrder,
  tierCode: string | null,
  minorPerUnit: number,
): number {
  if (!isEligible(rule, order)) return 0;
  const net = Number(order.netMinor);
  let weighted: number;
  if (order.lines.length === 0 || order.grossMinor === 0n) {
    weighted = net;
  } else {
    // The order discount is spread over the lines by value, so each line earns on what was paid for it.
    const paidShare = net / Number(order.grossMinor);
    weighted = order.lines.reduce((sum, line) => {
      const multiplier =
        (line.category ? (rule.categoryMultipliers[line.category] ?? 1) : 1) *
        (line.sku ? (rule.productMultipliers[line.sku] ?? 1) : 1);
      return sum + Number(line.totalMinor) * paidShare * multiplier;
    }, 0);
  }
  const tier = tierCode ? (rule.tierMultipliers[tierCode] ?? 1) : 1;
  return Math.floor((weighted / minorPerUnit) * rule.pointsPerUnit * tier + 1e-9);
}

/** Points a return takes back so far: the refunded share of what the order earned, rounded down. */
export function pointsToTakeBack(
  earned: number,
  refundedMinor: bigint,
  netMinor: bigint,
  alreadyTaken: number,
): number {
  if (earned <= 0 || netMinor <= 0n) return 0;
  const due = Math.floor((earned * Number(refundedMinor)) / Number(netMinor) + 1e-9);
  return Math.max(0, due - alreadyTaken);
}
