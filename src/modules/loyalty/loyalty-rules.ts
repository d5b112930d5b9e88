/**
 * Pure loyalty rules: no I/O, no clock (the time comes in as `asOf`).
 */
import { addMonthsToDay, ShopTime } from '../../common/shop-time';

export interface LedgerMovement {
  kind: 'EARN' | 'REDEEM' | 'EXPIRE' | 'ADJUST';
  points: number;
  occurredAt: Date;
  expiresAt: Date | null;
}

export interface PointsLot {
  earnedAt: Date;
  expiresAt: Date | null;
  remaining: number;
}

/**
 * The earned points still unspent, oldest first: every deduction (redemption, expiry, negative
 * adjustment) consumes the oldest lots first (FIFO), so the lots say which points expire when.
 * Movements must be in ledger order.
 */
export function remainingLots(movements: LedgerMovement[]): PointsLot[] {
  const lots: PointsLot[] = [];
  for (const movement of movements) {
    if (movement.points > 0) {
      lots.push({
        earnedAt: movement.occurredAt,
        expiresAt: movement.expiresAt,
        remaining: movement.points,
      });
      continue;
    }
    let toTake = -movement.points;
    for (const lot of lots) {
      if (toTake === 0) break;
      const taken = Math.min(lot.remaining, toTake);
      lot.remaining -= taken;
      toTake -= taken;
    }
  }
  return lots.filter((lot) => lot.remaining > 0);
}

/** Points that expire on or before `asOf + days`, including overdue ones not yet written off. */
export function pointsExpiringWithin(
  movements: LedgerMovement[],
  asOf: Date,
  days: number,
): number {
  const horizon = asOf.getTime() + days * 86_400_000;
  return remainingLots(movements)
    .filter((lot) => lot.expiresAt !== null && lot.expiresAt.getTime() <= horizon)
    .reduce((sum, lot) => sum + lot.remaining, 0);
}

export interface TierThreshold {
  code: string;
  threshold: bigint;
}

/** The highest tier whose threshold the qualifying value reaches, and the one after it. */
export function placeInTiers<T extends TierThreshold>(
  tiers: T[],
  qualifyingValue: bigint,
): { tier: T | null; nextTier: T | null } {
  const sorted = [...tiers].sort((a, b) =>
    a.threshold < b.threshold ? -1 : a.threshold > b.threshold ? 1 : 0,
  );
  let tier: T | null = null;
  for (const candidate of sorted) if (candidate.threshold <= qualifyingValue) tier = candidate;
  const nextTier = sorted.find((candidate) => candidate.threshold > qualifyingValue) ?? null;
  return { tier, nextTier };
}

/** Start of the rolling 12-month window ending at asOf. */
export function twelveMonthsBefore(asOf: Date): Date {
  const start = new Date(asOf);
  start.setUTCFullYear(start.getUTCFullYear() - 1);
  return start;
}

/**
 * When points earned at `earnedAt` lapse, valid for `months`: at the start of the shop day (SHOP_TIME_ZONE) with the
 * same day of the month `months` later (the last day of a shorter month), so points earned on 15 January with 12
 * months' validity can be spent through 14 January of the next year, whatever the hour they were earned at.
 */
export function pointsExpiryAt(earnedAt: Date, months: number, shopTime: ShopTime): Date {
  return shopTime.startOfDay(addMonthsToDay(shopTime.dayOf(earnedAt), months));
}

export interface TierWithRetention extends TierThreshold {
  /** To keep the tier once in it; defaults to the threshold. */
  retentionThreshold: bigint | null;
}

/**
 * The tier a customer should hold: the highest they qualify for, unless their current tier is higher and
 * they still meet its retention threshold. Returns the reason in words when the tier changes.
 */
export function nextTier<T extends TierWithRetention>(
  tiers: T[],
  currentCode: string | null,
  value: bigint,
): { code: string | null; reason: string | null } {
  const qualified = placeInTiers(tiers, value).tier;
  const current = tiers.find((t) => t.code === currentCode) ?? null;
  const keepsCurrent =
    current !== null &&
    value >= (current.retentionThreshold ?? current.threshold) &&
    (qualified === null || qualified.threshold <= current.threshold);
  const code = keepsCurrent ? current.code : (qualified?.code ?? null);
  if (code === currentCode) return { code, reason: null };
  const target = tiers.find((t) => t.code === code) ?? null;
  const up = target && (!current || target.threshold > current.threshold);
  const reason = up
    ? `Qualified for ${code}: ${value} against a threshold of ${target.threshold}`
    : current
      ? `Below the ${current.code} retention threshold of ${current.retentionThreshold ?? current.threshold}: ${value}`
      : 'Tier removed';
  return { code, reason };
}
