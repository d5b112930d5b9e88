import DataLoader from 'dataloader';
import { createNestedPageLoader } from '../../common/nested-pages';
import { createFilteredCountLoader } from '../../common/count-loader';
import { CustomerCommunicationsArgs } from './communication.inputs';
import { CommunicationService } from './communication.service';
import { Communication } from './communication.types';

export const createCommunicationLoaders = (communications: CommunicationService) => {
  const counts = createFilteredCountLoader((ids, channels) =>
    communications.countByCustomerIds(ids, channels),
  );
  return {
    byId: new DataLoader((ids: readonly string[]) => communications.findByIds(ids)),
    pageByCustomerId: createNestedPageLoader<Communication, CustomerCommunicationsArgs>(
      (ids, args) =>
        communications.pagesByCustomerIds(ids, args, (id) =>
          counts.load({ parentId: id, filter: args.channels ?? null }),
        ),
    ),
  };
};

export type CommunicationLoaders = ReturnType<typeof createCommunicationLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    communications: CommunicationLoaders;
  }
}
