import { capitalise, plural, type TimelineSource } from '../../common/timeline-source';
import { LoyaltyLedgerEntry } from './loyalty.types';

/** Ledger entries on a customer's timeline. */
export const loyaltyTimelineSource: TimelineSource<LoyaltyLedgerEntry> = {
  kind: 'LOYALTY',
  description: 'Points earned, redeemed, expired or adjusted.',
  type: LoyaltyLedgerEntry,
  scope: 'loyalty:read',
  page: (ctx, id, args) => ctx.loaders.loyalty.ledgerPage.load({ parentId: id, args }),
  describe: (e) => {
    const points = plural(Math.abs(e.points), 'point');
    const title =
      e.kind === 'EARN'
        ? `Earned ${points}: ${e.reason}`
        : e.kind === 'REDEEM'
          ? `Redeemed ${points}: ${e.reason}`
          : e.kind === 'EXPIRE'
            ? `${capitalise(points)} expired`
            : `Points adjusted by ${e.points > 0 ? '+' : '−'}${Math.abs(e.points)}: ${e.reason}`;
    return { occurredAt: e.occurredAt, title };
  },
};
