import {
  pointsExpiryAt,
  LedgerMovement,
  placeInTiers,
  pointsExpiringWithin,
  remainingLots,
  twelveMonthsBefore,
} from '../../../src/modules/loyalty/loyalty-rules';
import { ShopTime } from '../../../src/common/shop-time';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);
const earn = (points: number, at: number, expiresAt: number | null): LedgerMovement => ({
  kind: 'EARN',
  points,
  occurredAt: day(at),
  expiresAt: expiresAt === null ? null : day(expiresAt),
});
const take = (kind: LedgerMovement['kind'], points: number, at: number): LedgerMovement => ({
  kind,
  points: -points,
  occurredAt: day(at),
  expiresAt: null,
});

describe('points lots, first in first out', () => {
  it('spends the oldest points first', () => {
    const lots = remainingLots([earn(100, 0, 365), earn(50, 10, 375), take('REDEEM', 120, 20)]);
    expect(lots).toEqual([{ earnedAt: day(10), expiresAt: day(375), remaining: 30 }]);
  });

  it('counts points expiring within the window, overdue ones included, never spent ones', () => {
    const movements = [
      earn(100, 0, 30),
      earn(40, 5, 400),
      take('REDEEM', 60, 10),
      take('ADJUST', 10, 11),
      earn(25, 12, null),
    ];
    expect(pointsExpiringWithin(movements, day(20), 5)).toBe(0);
    expect(pointsExpiringWithin(movements, day(20), 10)).toBe(30);
    expect(pointsExpiringWithin(movements, day(40), 0)).toBe(30);
    expect(pointsExpiringWithin(movements, day(20), 400)).toBe(70);
    const afterExpiry = [...movements, take('EXPIRE', 30, 30)];
    expect(pointsExpiringWithin(afterExpiry, day(31), 10)).toBe(0);
  });

  it('places a value in tiers and names the next one', () => {
    const tiers = [
      { code: 'GOLD', threshold: 1000n },
      { code: 'BASIC', threshold: 0n },
      { code: 'SILVER', threshold: 300n },
    ];
    expect(placeInTiers(tiers, 299n)).toEqual({ tier: tiers[1], nextTier: tiers[2] });
    expect(placeInTiers(tiers, 300n).tier?.code).toBe('SILVER');
    expect(placeInTiers(tiers, 5000n)).toEqual({ tier: tiers[0], nextTier: null });
    expect(placeInTiers([{ code: 'A', threshold: 10n }], 5n)).toEqual({
      tier: null,
      nextTier: { code: 'A', threshold: 10n },
    });
  });

  it('does calendar arithmetic in UTC', () => {
    expect(twelveMonthsBefore(new Date('2026-03-01T00:00:00Z')).toISOString()).toBe(
      '2025-03-01T00:00:00.000Z',
    );
  });

  it('lets points lapse when the shop day the validity months later begins', () => {
    const utc = new ShopTime('UTC');
    expect(pointsExpiryAt(new Date('2026-01-15T00:00:00Z'), 12, utc).toISOString()).toBe(
      '2027-01-15T00:00:00.000Z',
    );
    expect(pointsExpiryAt(new Date('2026-01-15T18:45:00Z'), 12, utc).toISOString()).toBe(
      '2027-01-15T00:00:00.000Z',
    );
    expect(pointsExpiryAt(new Date('2026-01-31T12:00:00Z'), 1, utc).toISOString()).toBe(
      '2026-02-28T00:00:00.000Z',
    );
    // 23:30 on 31 March in New York is already 1 April in UTC; the points belong to the New York day, and
    // 31 March 2027 begins at 04:00Z there (EDT).
    const newYork = new ShopTime('America/New_York');
    expect(pointsExpiryAt(new Date('2026-04-01T03:30:00Z'), 12, newYork).toISOString()).toBe(
      '2027-03-31T04:00:00.000Z',
    );
    // Earned in July (EDT), lapsing in January (EST): New York midnight, not 23:00 of the day before.
    expect(pointsExpiryAt(new Date('2026-07-01T04:30:00Z'), 6, newYork).toISOString()).toBe(
      '2027-01-01T05:00:00.000Z',
    );
  });
});
