import { FEEDBACK_PUBLIC_EVENTS } from './feedback.events';
import type { TextColumns } from '../../common/personal-data';
import type { ModuleManifest } from '../../common/module-manifest';
import type { CustomerService } from '../customers';
import type { OrderService } from '../orders';
import { FeedbackService } from './feedback.service';
import { createFeedbackLoaders } from './feedback.loaders';
import { FeedbackResolver, CustomerFeedbackResolver } from './feedback.resolver';
import { feedbackProjections, feedbackResolverOnly } from './feedback.compiled';
import { FEEDBACK_ENTITIES } from './feedback.entity';
import { complaintFilter } from './complaint-filter.inputs';
import { feedbackTimelineSource } from './feedback.timeline';
export { FeedbackService } from './feedback.service';
export { Feedback, FeedbackKind, ComplaintStatus } from './feedback.types';
export type { FeedbackTotals } from './feedback.types';

/** Scores stay after erasure (NPS and models); what the customer wrote and where does not. */
const feedbackTextColumns: TextColumns[] = [
  {
    table: 'feedback',
    customerKey: 'customer_id',
    personal: {
      comment: 'null',
      touchpoint: 'null',
      resolution: `case when resolution is null then null else '(erased)' end`,
    },
    notPersonal: { kind: 'FeedbackKind code', complaint_status: 'ComplaintStatus code' },
  },
];

export const feedbackModule = {
  name: 'feedback',
  entities: FEEDBACK_ENTITIES,
  publicEvents: FEEDBACK_PUBLIC_EVENTS,
  services: ({ dataSource, events }, { customers, orders }) => ({
    feedback: new FeedbackService(dataSource, customers, orders, events),
  }),
  resolvers: (s) => [new FeedbackResolver(s.feedback), new CustomerFeedbackResolver()],
  loaders: { key: 'feedback', create: (s) => createFeedbackLoaders(s.feedback) },
  projections: () => feedbackProjections,
  resolverOnly: feedbackResolverOnly,
  nodeTypes: {
    Feedback: { scope: 'feedback:read', fetch: (ctx, id) => ctx.loaders.feedback.byId.load(id) },
  },
  textColumns: feedbackTextColumns,
  personalData: (s) => ({ exportRows: (id) => s.feedback.exportRows(id) }),
  timelineSources: [feedbackTimelineSource],
  extend: { customers: complaintFilter },
} satisfies ModuleManifest<
  { feedback: FeedbackService },
  { customers: CustomerService; orders: OrderService }
>;
