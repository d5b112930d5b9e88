import DataLoader from 'dataloader';
import { createNestedPageLoader } from '../../common/nested-pages';
import { createFilteredCountLoader } from '../../common/count-loader';
import { CustomerFeedbackArgs } from './feedback.inputs';
import { FeedbackService } from './feedback.service';
import { Feedback } from './feedback.types';

export const createFeedbackLoaders = (feedback: FeedbackService) => {
  const counts = createFilteredCountLoader((ids, kinds) => feedback.countByCustomerIds(ids, kinds));
  return {
    byId: new DataLoader((ids: readonly string[]) => feedback.findByIds(ids)),
    totals: new DataLoader((ids: readonly string[]) => feedback.totalsByCustomerIds(ids)),
    pageByCustomerId: createNestedPageLoader<Feedback, CustomerFeedbackArgs>((ids, args) =>
      feedback.pagesByCustomerIds(ids, args, (id) =>
        counts.load({ parentId: id, filter: args.kinds ?? null }),
      ),
    ),
  };
};

export type FeedbackLoaders = ReturnType<typeof createFeedbackLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    feedback: FeedbackLoaders;
  }
}
