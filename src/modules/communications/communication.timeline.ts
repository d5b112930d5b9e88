import { capitalise, humanise, type TimelineSource } from '../../common/timeline-source';
import { Communication } from './communication.types';

/** Contacts on a customer's timeline. */
export const communicationTimelineSource: TimelineSource<Communication> = {
  kind: 'COMMUNICATION',
  description: 'A contact in either direction.',
  type: Communication,
  scope: 'communications:read',
  page: (ctx, id, args) => ctx.loaders.communications.pageByCustomerId.load({ parentId: id, args }),
  describe: (c) => {
    const way = c.direction === 'INBOUND' ? 'from the customer' : 'to the customer';
    const what = `${capitalise(humanise(c.channel))} ${humanise(c.purpose)} ${way}`;
    return {
      occurredAt: c.occurredAt,
      title: `${what}${c.subject ? `: ${c.subject}` : ''}${c.outcome ? ` (${humanise(c.outcome)})` : ''}`,
    };
  },
};
