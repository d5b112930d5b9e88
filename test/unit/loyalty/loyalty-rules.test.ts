import {
  addMonths,
  LedgerMovement,
  placeInTiers,
  pointsExpiringWithin,
  remainingLots,
  twelveMonthsBefore,
} from '../../../src/modules/loyalty/loyalty-rules';

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
    expect(addMonths(new Date('2026-01-15T00:00:00Z'), 12).toISOString()).toBe(
      '2027-01-15T00:00:00.000Z',
    );
  });
});
