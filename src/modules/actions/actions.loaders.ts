import DataLoader from 'dataloader';
import { ActionsService } from './actions.service';

export const createActionsLoaders = (actions: ActionsService, now: Date) => ({
  replenishment: new DataLoader((ids: readonly string[]) => actions.replenishmentByCustomerIds(ids)),
  nextBestActions: new DataLoader((ids: readonly string[]) => actions.nextBestActions(ids, now)),
});

export type ActionsLoaders = ReturnType<typeof createActionsLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    actions: ActionsLoaders;
  }
}
