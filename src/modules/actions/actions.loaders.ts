import DataLoader from 'dataloader';
import { createArgumentLoader } from '../../common/loaders';
import { ActionsService } from './actions.service';

export const createActionsLoaders = (actions: ActionsService, now: Date) => ({
  replenishment: new DataLoader((ids: readonly string[]) =>
    actions.replenishmentByCustomerIds(ids),
  ),
  nextBestActions: new DataLoader((ids: readonly string[]) => actions.nextBestActions(ids, now)),
  /** A customer's recommendations, keyed by customer id with `first`. */
  recommendations: createArgumentLoader((ids, first: number) =>
    actions.recommendations(ids, first),
  ),
  /** A product's complements, keyed by product id with `first`. */
  complements: createArgumentLoader((ids, first: number) => actions.complements(ids, first)),
});

export type ActionsLoaders = ReturnType<typeof createActionsLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    actions: ActionsLoaders;
  }
}
