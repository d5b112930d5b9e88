import { publicEvent } from '../../common/public-events';
import { toGlobalId } from '../../common/relay';
import type { Feedback } from './feedback.types';

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** Feedback of any kind was recorded (a complaint also publishes complaint.opened). */
    'feedback.recorded': { feedback: Feedback };
    /** A complaint was recorded: it stands open until resolved. */
    'complaint.opened': { feedback: Feedback };
    /** A complaint was resolved, with its resolution. */
    'complaint.resolved': { feedback: Feedback };
  }
}

function feedbackPayload(f: Feedback) {
  return {
    id: f.id,
    databaseId: f.databaseId,
    customerId: toGlobalId('Customer', f.customerId),
    kind: f.kind,
    score: f.score,
    scaleMin: f.scaleMin,
    scaleMax: f.scaleMax,
    comment: f.comment,
    touchpoint: f.touchpoint,
    orderId: f.orderId && toGlobalId('Order', f.orderId),
    productId: f.productId && toGlobalId('Product', f.productId),
    givenAt: f.givenAt,
    complaintStatus: f.complaintStatus,
    resolution: f.resolution,
    resolvedAt: f.resolvedAt,
  };
}

/** What the customer wrote, and how a complaint was resolved, can quote the person. */
const PERSONAL = ['feedback.comment', 'feedback.resolution'];

const feedbackEvent = (
  type: 'feedback.recorded' | 'complaint.opened' | 'complaint.resolved',
  enumName: string,
  description: string,
) =>
  publicEvent({
    type,
    enumName,
    description,
    from: type,
    scope: 'feedback:read',
    personal: PERSONAL,
    toOutbox: ({ feedback }) => [
      { customerId: feedback.customerId, data: { feedback: feedbackPayload(feedback) } },
    ],
  });

export const FEEDBACK_PUBLIC_EVENTS = [
  feedbackEvent(
    'feedback.recorded',
    'FEEDBACK_RECORDED',
    'Feedback of any kind was recorded (data.feedback; a complaint is also complaint.opened).',
  ),
  feedbackEvent(
    'complaint.opened',
    'COMPLAINT_OPENED',
    'A complaint was recorded and stands open (data.feedback).',
  ),
  feedbackEvent(
    'complaint.resolved',
    'COMPLAINT_RESOLVED',
    'A complaint was resolved (data.feedback with its resolution).',
  ),
];
