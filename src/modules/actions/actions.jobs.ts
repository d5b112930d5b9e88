import type { JobDefinition, ScheduledRunData } from '../../common/jobs';
import { addDays, type ShopTime } from '../../common/shop-time';
import type { ActionsService } from './actions.service';

/** The mining's defaults, the same as `c360 mine-associations`. */
const WINDOW_DAYS = 180;
const MIN_SUPPORT = 0.001;

/** Complementary-product rules for next best actions, mined weekly from the order lines. */
export function actionsJobs(actions: ActionsService, shopTime: ShopTime): JobDefinition<any>[] {
  const due: JobDefinition<Partial<ScheduledRunData>> = {
    name: 'action-due',
    description:
      'Announces the next best actions that fall due today across the base (action.due); after a downtime, those of each missed day too (at most 7).',
    schedule: '0 7 * * *',
    retry: { retryLimit: 3, retryDelaySeconds: 300, backoff: true },
    expireInSeconds: 60 * 60,
    run: async ({ now, data }) => {
      const today = shopTime.dayOf(now);
      const since = data.missedSince ? shopTime.dayOf(new Date(data.missedSince)) : today;
      const from = since < addDays(today, -7) ? addDays(today, -7) : since;
      return { from, to: today, ...(await actions.announceDue(from, today, now)) };
    },
  };
  return [
    due,
    {
      name: 'association-mining',
      description: `Mines complementary-product rules from the order lines of the last ${WINDOW_DAYS} days (\`c360 mine-associations\`).`,
      schedule: '0 2 * * 0',
      retry: { retryLimit: 3, retryDelaySeconds: 300, backoff: true },
      expireInSeconds: 60 * 60,
      run: () => actions.mineAssociations(WINDOW_DAYS, MIN_SUPPORT),
    },
  ];
}
