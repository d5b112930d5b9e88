import {
  churnLevel,
  churnRisk,
  shareReturnedSooner,
} from '../../../src/modules/metrics/models/churn-risk';

const quiet = {
  probabilityAlive: 1,
  daysSinceLastPurchase: 10,
  averageDaysBetweenPurchases: null,
  latestNps: null,
  openComplaints: 0,
  spendLastHalfYear: 0,
  spendPreviousHalfYear: 0,
  recentCampaigns: 0,
  recentCampaignReactions: 0,
  repeatPurchases: 0,
  secondPurchaseGaps: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
};

describe('churn levels', () => {
  it('bands the score as ChurnRiskLevel describes: 0.3 is MEDIUM, 0.6 is HIGH', () => {
    expect(churnLevel(0)).toBe('LOW');
    expect(churnLevel(0.29999999999999993)).toBe('LOW');
    expect(churnLevel(0.3)).toBe('MEDIUM');
    expect(churnLevel(0.5999999999999999)).toBe('MEDIUM');
    expect(churnLevel(0.6)).toBe('HIGH');
    expect(churnLevel(1)).toBe('HIGH');
  });
});

describe('NO_SECOND_PURCHASE', () => {
  it('is the share of repeat buyers who came back strictly sooner than the silence', () => {
    expect(shareReturnedSooner([], 1000)).toBe(0);
    expect(shareReturnedSooner(quiet.secondPurchaseGaps, 10)).toBe(0);
    expect(shareReturnedSooner(quiet.secondPurchaseGaps, 11)).toBe(0.1);
    expect(shareReturnedSooner(quiet.secondPurchaseGaps, 101)).toBe(1);
  });

  it('rates a one-time buyer by their silence and leaves repeat buyers alone', () => {
    expect(churnRisk({ ...quiet, daysSinceLastPurchase: 35 })).toMatchObject({
      score: 0.3,
      level: 'MEDIUM',
      reasons: [{ code: 'NO_SECOND_PURCHASE', weight: 0.3 }],
    });
    expect(churnRisk({ ...quiet, daysSinceLastPurchase: 1000 }).level).toBe('HIGH');
    expect(churnRisk({ ...quiet, daysSinceLastPurchase: 7 })).toEqual({
      score: 0,
      level: 'LOW',
      reasons: [],
    });
    const repeat = churnRisk({
      ...quiet,
      probabilityAlive: 0.9,
      repeatPurchases: 3,
      averageDaysBetweenPurchases: 30,
      daysSinceLastPurchase: 1000,
    });
    expect(repeat.reasons.map((r) => r.code).sort()).toEqual(['MODEL', 'OVERDUE']);
  });
});

describe('score and weights', () => {
  it('adds the weights in their order to exactly the score, unrounded, over many signal mixes', () => {
    for (let i = 0; i < 2000; i++) {
      const r = churnRisk({
        ...quiet,
        probabilityAlive: ((i * 7919) % 1000) / 999 + 1e-12 * (i % 3),
        daysSinceLastPurchase: i % 120,
        averageDaysBetweenPurchases: i % 2 ? 20 + (i % 17) : null,
        repeatPurchases: i % 2,
        latestNps: i % 11,
        openComplaints: i % 3,
        spendLastHalfYear: i % 5,
        spendPreviousHalfYear: 3,
        recentCampaigns: i % 4,
      });
      expect(r.reasons.reduce((s, x) => s + x.weight, 0)).toBe(r.score);
      expect(r.level).toBe(churnLevel(r.score));
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
  });
});
