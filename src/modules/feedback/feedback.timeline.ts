import { capitalise, humanise, type TimelineSource } from '../../common/timeline-source';
import { Feedback } from './feedback.types';

/** Feedback on a customer's timeline. */
export const feedbackTimelineSource: TimelineSource<Feedback> = {
  kind: 'FEEDBACK',
  description: 'A score, review, complaint or testimonial.',
  type: Feedback,
  scope: 'feedback:read',
  page: (ctx, id, args) => ctx.loaders.feedback.pageByCustomerId.load({ parentId: id, args }),
  describe: (f) => {
    const score = f.score != null ? ` ${f.score}/${f.scaleMax}` : '';
    const status = f.complaintStatus ? ` (${humanise(f.complaintStatus)})` : '';
    return {
      occurredAt: f.givenAt,
      title: `${f.kind === 'NPS' || f.kind === 'CSAT' ? f.kind : capitalise(humanise(f.kind))}${score}${status}`,
    };
  },
};
