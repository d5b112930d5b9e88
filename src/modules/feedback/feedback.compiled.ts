import {
  column,
  globalId,
  ResolverOnlyFields,
  timestamp,
  TypeProjections,
} from '../../compiled-reads';
import { CUSTOMER_FEEDBACK_PAGE } from './feedback.service';

/** Feedback fields in SQL, each equal to what toFeedback makes of the row. */
export const feedbackProjections: TypeProjections = {
  Customer: {
    feedback: { kind: 'page', page: { ...CUSTOMER_FEEDBACK_PAGE, parentKey: 'id' } },
  },
  Feedback: {
    id: globalId('Feedback'),
    databaseId: column('id'),
    kind: column('kind'),
    score: column('score'),
    scaleMin: column('scale_min'),
    scaleMax: column('scale_max'),
    comment: column('comment'),
    touchpoint: column('touchpoint'),
    givenAt: timestamp('given_at'),
    complaintStatus: column('complaint_status'),
    resolution: column('resolution'),
    resolvedAt: timestamp('resolved_at'),
  },
};

export const feedbackResolverOnly: ResolverOnlyFields = {
  Feedback: {
    customer:
      'leads back to a customer, whose personal fields below the root need audit notes the compiler keeps only for root nodes',
    order:
      "not projected yet: the linked order would be a `one` projection with the orders module's Order fields",
    product: 'not projected yet: the linked product would be a `one` projection over products',
  },
};
