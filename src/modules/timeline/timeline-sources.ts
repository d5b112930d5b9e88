import type { RequestContext } from '../../context';
import { ConnectionArgs, Page } from '../../common/pagination';
import { Order, OrderReturn } from '../orders';
import { Feedback } from '../feedback';
import { Communication } from '../communications';
import { LoyaltyLedgerEntry } from '../loyalty';
import { TimelineEvent, TimelineEventKind } from './timeline.types';

type Subject = Order | OrderReturn | Feedback | Communication | LoyaltyLedgerEntry;

export interface TimelineSource {
  kind: TimelineEventKind;
  page(ctx: RequestContext, customerId: string, args: ConnectionArgs): Promise<Page<Subject>>;
}

/** Each source is a module's own paged loader; the timeline never reads their tables. */
export const TIMELINE_SOURCES: TimelineSource[] = [
  { kind: TimelineEventKind.ORDER, page: (ctx, id, args) => ctx.loaders.orders.pageByCustomerId.load({ parentId: id, args }) },
  { kind: TimelineEventKind.RETURN, page: (ctx, id, args) => ctx.loaders.orders.returnPageByCustomerId.load({ parentId: id, args }) },
  { kind: TimelineEventKind.FEEDBACK, page: (ctx, id, args) => ctx.loaders.feedback.pageByCustomerId.load({ parentId: id, args }) },
  { kind: TimelineEventKind.COMMUNICATION, page: (ctx, id, args) => ctx.loaders.communications.pageByCustomerId.load({ parentId: id, args }) },
  { kind: TimelineEventKind.LOYALTY, page: (ctx, id, args) => ctx.loaders.loyalty.ledgerPage.load({ parentId: id, args }) },
];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const humanise = (value: string) => value.toLowerCase().replace(/_/g, ' ');

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
      return { ...base, occurredAt: f.givenAt, title: `${humanise(f.kind).replace(/^nps|^csat/, (m) => m.toUpperCase())}${score}${status}` };
    }
    case TimelineEventKind.COMMUNICATION: {
      const c = subject as Communication;
      const outcome = c.outcome ? ` (${humanise(c.outcome)})` : '';
      return { ...base, occurredAt: c.occurredAt, title: `${humanise(c.direction)} ${humanise(c.channel)}, ${humanise(c.purpose)}${c.subject ? `: ${c.subject}` : ''}${outcome}` };
    }
    default: {
      const e = subject as LoyaltyLedgerEntry;
      return { ...base, occurredAt: e.occurredAt, title: `${humanise(e.kind)} ${plural(Math.abs(e.points), 'point')}: ${e.reason}` };
    }
  }
}
