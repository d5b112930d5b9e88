import type { EntityManager } from 'typeorm';
import { beforeCommit, DomainEventBus } from '../../common/domain-events';
import { publicEvent } from '../../common/public-events';
import { toGlobalId } from '../../common/relay';

/** One ledger entry a write added. */
export interface LedgerEntryFacts {
  kind: string;
  points: number;
  reason: string;
  orderId: string | null;
  expiresAt: Date | null;
}

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** A transaction changed a customer's points: the entries it added, and the balance once they are in. */
    'loyalty.points_changed': { customerId: string; entries: LedgerEntryFacts[]; balance: number };
    /** A customer moved to another tier (null: no tier). */
    'loyalty.tier_changed': {
      customerId: string;
      fromTier: string | null;
      toTier: string | null;
      reason: string;
      changedAt: Date;
    };
    /** Points of a customer lapse soon (published by the daily job, N days before). */
    'loyalty.points_expiring': { customerId: string; points: number; expiresAt: Date };
  }
}

const pending = new WeakMap<EntityManager, Map<string, LedgerEntryFacts[]>>();

/**
 * Collects the ledger entries a transaction adds and publishes one loyalty.points_changed per customer just before
 * COMMIT, with the balance read once after all of them (an order that earns and gets a welcome bonus is one event).
 */
export function ledgerEntryAdded(
  events: DomainEventBus,
  manager: EntityManager,
  customerId: string,
  entry: LedgerEntryFacts,
): void {
  let byCustomer = pending.get(manager);
  if (!byCustomer) {
    byCustomer = new Map();
    pending.set(manager, byCustomer);
  }
  const entries = byCustomer.get(customerId);
  if (entries) {
    entries.push(entry);
    return;
  }
  const fresh = [entry];
  byCustomer.set(customerId, fresh);
  beforeCommit(manager, `loyalty.points_changed:${customerId}`, async () => {
    byCustomer.delete(customerId);
    const [{ balance }]: { balance: number }[] = await manager.query(
      'select coalesce(sum(points), 0)::int as balance from loyalty_ledger_entries where customer_id = $1',
      [customerId],
    );
    await events.publish(manager, 'loyalty.points_changed', {
      customerId,
      entries: fresh,
      balance,
    });
  });
}

export const LOYALTY_PUBLIC_EVENTS = [
  publicEvent({
    type: 'loyalty.points_changed',
    enumName: 'LOYALTY_POINTS_CHANGED',
    description:
      'A customer’s points changed: data.entries (kind, points, reason, orderId, expiresAt) and data.balance after them.',
    from: 'loyalty.points_changed',
    scope: 'loyalty:read',
    personal: [],
    toOutbox: ({ customerId, entries, balance }) => [
      {
        customerId,
        data: {
          customerId: toGlobalId('Customer', customerId),
          entries: entries.map((e) => ({
            ...e,
            orderId: e.orderId && toGlobalId('Order', e.orderId),
          })),
          balance,
        },
      },
    ],
  }),
  publicEvent({
    type: 'loyalty.tier_changed',
    enumName: 'LOYALTY_TIER_CHANGED',
    description:
      'A customer moved to another tier: data.fromTier, data.toTier (codes), data.reason.',
    from: 'loyalty.tier_changed',
    scope: 'loyalty:read',
    personal: [],
    toOutbox: ({ customerId, ...change }) => [
      { customerId, data: { customerId: toGlobalId('Customer', customerId), ...change } },
    ],
  }),
  publicEvent({
    type: 'loyalty.points_expiring',
    enumName: 'LOYALTY_POINTS_EXPIRING',
    description:
      'Points of a customer lapse soon (LOYALTY_EXPIRY_NOTICE_DAYS before): data.points, data.expiresAt.',
    from: 'loyalty.points_expiring',
    scope: 'loyalty:read',
    personal: [],
    toOutbox: ({ customerId, points, expiresAt }) => [
      { customerId, data: { customerId: toGlobalId('Customer', customerId), points, expiresAt } },
    ],
  }),
];
