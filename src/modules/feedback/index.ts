import type { TextColumns } from '../../common/personal-data';
export { FeedbackService } from './feedback.service';
export { Feedback, FeedbackKind, ComplaintStatus } from './feedback.types';
export type { FeedbackTotals } from './feedback.types';
export { createFeedbackLoaders } from './feedback.loaders';
export { FeedbackResolver, CustomerFeedbackResolver } from './feedback.resolver';
export { feedbackProjections, feedbackResolverOnly } from './feedback.compiled';

/** Scores stay after erasure (NPS and models); what the customer wrote and where does not. */
export const feedbackTextColumns: TextColumns[] = [
  { table: 'feedback', customerKey: 'customer_id',
    personal: { comment: 'null', touchpoint: 'null', resolution: `case when resolution is null then null else '(erased)' end` },
    notPersonal: { kind: 'FeedbackKind code', complaint_status: 'ComplaintStatus code' } },
];
