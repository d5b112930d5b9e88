export { FeedbackService } from './feedback.service';
export { Feedback, FeedbackKind, ComplaintStatus } from './feedback.types';
export type { FeedbackTotals } from './feedback.types';
export { createFeedbackLoaders } from './feedback.loaders';
export { FeedbackResolver, CustomerFeedbackResolver } from './feedback.resolver';
export { feedbackProjections } from './feedback.compiled';
