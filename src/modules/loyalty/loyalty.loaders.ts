import DataLoader from 'dataloader';
import { createNestedPageLoader } from '../../common/nested-pages';
import { LedgerArgs } from './loyalty.inputs';
import { LoyaltyService } from './loyalty.service';
import { LoyaltyProgramService } from './loyalty-program.service';
import { LoyaltyEarningService } from './loyalty-earning.service';
import { LoyaltyLedgerEntry } from './loyalty.types';

export const createLoyaltyLoaders = (
  loyalty: LoyaltyService,
  programs: LoyaltyProgramService,
  earning: LoyaltyEarningService,
) => {
  const asOf = new Date();
  const counts = new DataLoader((ids: readonly string[]) => loyalty.countByCustomerIds(ids));
  // The active program, read once per request (a one-key loader).
  const program = new DataLoader((keys: readonly 'active'[]) =>
    programs.findActive().then((active) => keys.map(() => active)),
  );
  return {
    byId: new DataLoader((ids: readonly string[]) => loyalty.findByIds(ids)),
    program,
    balance: new DataLoader((ids: readonly string[]) => loyalty.balancesByCustomerIds(ids)),
    standing: new DataLoader(async (ids: readonly string[]) =>
      loyalty.standingByCustomerIds(ids, asOf, await program.load('active')),
    ),
    movements: new DataLoader((ids: readonly string[]) => loyalty.movementsByCustomerIds(ids)),
    storeCredit: new DataLoader((ids: readonly string[]) => earning.storeCreditBalances(ids)),
    tierHistory: new DataLoader((ids: readonly string[]) => programs.tierHistory(ids)),
    ledgerPage: createNestedPageLoader<LoyaltyLedgerEntry, LedgerArgs>((ids, args) =>
      loyalty.pagesByCustomerIds(ids, args, (id) => counts.load(id)),
    ),
  };
};

export type LoyaltyLoaders = ReturnType<typeof createLoyaltyLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    loyalty: LoyaltyLoaders;
  }
}
