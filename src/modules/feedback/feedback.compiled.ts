import { column, globalId, timestamp, TypeProjections } from '../../common/compiled-reads';
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
