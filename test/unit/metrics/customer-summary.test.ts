import { summariseCustomer } from '../../../src/modules/metrics/customer-summary';

const noFeedback = { latestNps: null, averageCsat: null, openComplaints: 0 };

describe('summariseCustomer', () => {
  it('computes spend net of refunds, a half-up average and the rhythm of purchase days', () => {
    const summary = summariseCustomer(
      {
        orderCount: 3,
        purchaseDays: 3,
        grossMinor: 10_000n,
        netMinor: 9_000n,
        refundedMinor: 1_000n,
        firstOrderAt: new Date('2026-01-01T00:00:00Z'),
        lastOrderAt: new Date('2026-01-21T00:00:00Z'),
      },
      { latestNps: 9, averageCsat: 4.5, openComplaints: 1 },
      new Date('2026-02-01T12:00:00Z'),
      'USD',
    );
    expect(summary).toMatchObject({
      orderCount: 3,
      netSpent: { amount: '80.00' },
      grossSpent: { amount: '100.00' },
      refunded: { amount: '10.00' },
      averageOrderValue: { amount: '26.67' },
      daysSinceLastOrder: 11,
      averageDaysBetweenOrders: 10,
      latestNps: 9,
      openComplaints: 1,
    });
  });

  it('leaves averages empty for a customer without orders or with one purchase day', () => {
    const none = summariseCustomer(
      {
        orderCount: 0,
        purchaseDays: 0,
        grossMinor: 0n,
        netMinor: 0n,
        refundedMinor: 0n,
        firstOrderAt: null,
        lastOrderAt: null,
      },
      noFeedback,
      new Date(),
      'USD',
    );
    expect(none).toMatchObject({
      averageOrderValue: null,
      daysSinceLastOrder: null,
      averageDaysBetweenOrders: null,
      netSpent: { amount: '0.00' },
    });
    const sameDay = new Date('2026-01-01T10:00:00Z');
    const one = summariseCustomer(
      {
        orderCount: 2,
        purchaseDays: 1,
        grossMinor: 100n,
        netMinor: 100n,
        refundedMinor: 0n,
        firstOrderAt: sameDay,
        lastOrderAt: sameDay,
      },
      noFeedback,
      sameDay,
      'USD',
    );
    expect(one.averageDaysBetweenOrders).toBeNull();
  });
});
