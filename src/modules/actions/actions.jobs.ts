import type { JobDefinition } from '../../common/jobs';
import type { ActionsService } from './actions.service';

/** The mining's defaults, the same as `c360 mine-associations`. */
const WINDOW_DAYS = 180;
const MIN_SUPPORT = 0.001;

/** Complementary-product rules for next best actions, mined weekly from the order lines. */
export function actionsJobs(actions: ActionsService): JobDefinition[] {
  return [
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
