import type { RequestContext } from '../../common/request-context';
import { ConnectionArgs, Page } from '../../common/pagination';
import { Order, OrderReturn } from '../orders';
import { Feedback } from '../feedback';
import { Communication } from '../communications';
import { LoyaltyLedgerEntry } from '../loyalty';
import { TimelineEvent, TimelineEventKind } from './timeline.types';

type Subject = Order | OrderReturn | Feedback | Communication | LoyaltyLedgerEntry;

export interface TimelineSource {
  kind: TimelineEventKind;
  /** The scope that reads this kind of event. */
  scope: string;
  page(ctx: RequestContext, customerId: string, args: ConnectionArgs): Promise<Page<Subject>>;
}

/** Each source is a module's own paged loader; the timeline never reads their tables. */
export const TIMELINE_SOURCES: TimelineSource[] = [
  { kind: TimelineEventKind.ORDER, scope: 'orders:read', page: (ctx, id, args) => ctx.loaders.orders.pageByCustomerId.load({ parentId: id, args }) },
  { kind: TimelineEventKind.RETURN, scope: 'orders:read', page: (ctx, id, args) => ctx.loaders.orders.returnPageByCustomerId.load({ parentId: id, args }) },
  { kind: TimelineEventKind.FEEDBACK, scope: 'feedback:read', page: (ctx, id, args) => ctx.loaders.feedback.pageByCustomerId.load({ parentId: id, args }) },
  { kind: TimelineEventKind.COMMUNICATION, scope: 'communications:read', page: (ctx, id, args) => ctx.loaders.communications.pageByCustomerId.load({ parentId: id, args }) },
  { kind: TimelineEventKind.LOYALTY, scope: 'loyalty:read', page: (ctx, id, args) => ctx.loaders.loyalty.ledgerPage.load({ parentId: id, args }) },
];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const humanise = (value: string) => value.toLowerCase().replace(/_/g, ' ');
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function describeEvent(kind: TimelineEventKind, subject: Subject): TimelineEvent {
  const base = { kind, subject, databaseId: subject.databaseId };
  switch (kind) {
    case TimelineEventKind.ORDER: {
      const o = subject as Order;
      return { ...base, occurredAt: o.placedAt, title: `Order ${o.externalRef}: ${plural(o.itemCount, 'item')}, ${o.net.amount} ${o.net.currency} (${humanise(o.status)}, ${humanise(o.channel)})` };
    }
    case TimelineEventKind.RETURN: {
      const r = subject as OrderReturn;
      return { ...base, occurredAt: r.returnedAt, title: `Returned ${plural(r.quantity, 'item')}, refund ${r.refund.amount} ${r.refund.currency}${r.reason ? `: ${r.reason}` : ''}` };
    }
    case TimelineEventKind.FEEDBACK: {
      const f = subject as Feedback;
      const score = f.score != null ? ` ${f.score}/${f.scaleMax}` : '';
      const status = f.complaintStatus ? ` (${humanise(f.complaintStatus)})` : '';
      return { ...base, occurredAt: f.givenAt, title: `${f.kind === 'NPS' || f.kind === 'CSAT' ? f.kind : capitalise(humanise(f.kind))}${score}${status}` };
    }
    case TimelineEventKind.COMMUNICATION: {
      const c = subject as Communication;
      const way = c.direction === 'INBOUND' ? 'from the customer' : 'to the customer';
      const what = `${capitalise(humanise(c.channel))} ${humanise(c.purpose)} ${way}`;
      return { ...base, occurredAt: c.occurredAt, title: `${what}${c.subject ? `: ${c.subject}` : ''}${c.outcome ? ` (${humanise(c.outcome)})` : ''}` };
    }
    default: {
      const e = subject as LoyaltyLedgerEntry;
      const points = plural(Math.abs(e.points), 'point');
      const title = e.kind === 'EARN' ? `Earned ${points}: ${e.reason}` : e.kind === 'REDEEM' ? `Redeemed ${points}: ${e.reason}`
        : e.kind === 'EXPIRE' ? `${capitalise(points)} expired` : `Points adjusted by ${e.points > 0 ? '+' : '−'}${Math.abs(e.points)}: ${e.reason}`;
      return { ...base, occurredAt: e.occurredAt, title };
    }
  }
}
