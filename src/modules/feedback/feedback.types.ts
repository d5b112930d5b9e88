import { Field, ID, Int, ObjectType } from 'type-graphql';
import { describeEnum } from '../../common/enums';
import { Connection } from '../../common/pagination';
import { Node, toGlobalId } from '../../common/relay';

export enum FeedbackKind {
  NPS = 'NPS',
  CSAT = 'CSAT',
  PRODUCT_REVIEW = 'PRODUCT_REVIEW',
  COMPLAINT = 'COMPLAINT',
  TESTIMONIAL = 'TESTIMONIAL',
}
describeEnum(FeedbackKind, 'FeedbackKind', 'What kind of feedback this is.', {
  NPS: '"Would you recommend us?" on 0 to 10 (Net Promoter Score).',
  CSAT: 'Customer satisfaction, usually 1 to 5.',
  PRODUCT_REVIEW: 'A review of a product, usually 1 to 5 stars.',
  COMPLAINT: 'A complaint; open until resolved.',
  TESTIMONIAL: 'Praise the customer allowed us to quote.',
});

export enum ComplaintStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
describeEnum(ComplaintStatus, 'ComplaintStatus', 'Where a complaint stands.', {
  OPEN: 'Not yet resolved.',
  RESOLVED: 'Resolved; see resolution.',
});

@ObjectType({
  implements: Node,
  description: 'Feedback from a customer: a score, a review, a complaint or a testimonial.',
})
export class Feedback extends Node {
  __typename: 'Feedback';

  @Field(() => ID, { description: 'Database id (UUID).' })
  databaseId: string;

  customerId: string;
  orderId: string | null;
  productId: string | null;

  @Field(() => FeedbackKind, { description: 'Kind of feedback.' })
  kind: FeedbackKind;

  @Field(() => Int, { nullable: true, description: 'The score, on the scale below.' })
  score: number | null;

  @Field(() => Int, { nullable: true, description: 'Lowest possible score (0 for NPS).' })
  scaleMin: number | null;

  @Field(() => Int, { nullable: true, description: 'Highest possible score (10 for NPS).' })
  scaleMax: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the customer wrote. May contain personal data.',
  })
  comment: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Where it was given, e.g. "thank-you page", "support call".',
  })
  touchpoint: string | null;

  @Field({ description: 'When it was given.' })
  givenAt: Date;

  @Field(() => ComplaintStatus, {
    nullable: true,
    description: 'For complaints: open or resolved.',
  })
  complaintStatus: ComplaintStatus | null;

  @Field(() => String, {
    nullable: true,
    description: 'For resolved complaints: how it was resolved.',
  })
  resolution: string | null;

  @Field(() => Date, { nullable: true, description: 'For resolved complaints: when.' })
  resolvedAt: Date | null;
}

export const FeedbackConnection = Connection(Feedback, 'FeedbackConnection', 'feedback');

export interface FeedbackRow {
  id: string;
  customer_id: string;
  kind: FeedbackKind;
  score: number | null;
  scale_min: number | null;
  scale_max: number | null;
  comment: string | null;
  touchpoint: string | null;
  order_id: string | null;
  product_id: string | null;
  given_at: Date;
  complaint_status: ComplaintStatus | null;
  resolution: string | null;
  resolved_at: Date | null;
}

export const toFeedback = (r: FeedbackRow): Feedback => ({
  __typename: 'Feedback',
  id: toGlobalId('Feedback', r.id),
  databaseId: r.id,
  customerId: r.customer_id,
  orderId: r.order_id,
  productId: r.product_id,
  kind: r.kind,
  score: r.score,
  scaleMin: r.scale_min,
  scaleMax: r.scale_max,
  comment: r.comment,
  touchpoint: r.touchpoint,
  givenAt: r.given_at,
  complaintStatus: r.complaint_status,
  resolution: r.resolution,
  resolvedAt: r.resolved_at,
});

/** Feedback figures of one customer. */
export interface FeedbackTotals {
  customerId: string;
  latestNps: number | null;
  averageCsat: number | null;
  openComplaints: number;
}
