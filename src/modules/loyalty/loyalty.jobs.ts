import type { JobDefinition, ScheduledRunData } from '../../common/jobs';
import { addDays, type ShopTime } from '../../common/shop-time';
import type { CustomerService } from '../customers';
import type { LoyaltyEarningService } from './loyalty-earning.service';

/** A catch-up after a long downtime grants the birthdays of at most this many past days. */
const BIRTHDAY_CATCH_UP_DAYS = 31;

/** Points expiry and birthday bonuses, daily in the shop's time zone (`c360 loyalty expire|birthdays` by hand). */
export function loyaltyJobs(
  earning: LoyaltyEarningService,
  customers: CustomerService,
  shopTime: ShopTime,
  /** LOYALTY_EXPIRY_NOTICE_DAYS. */
  noticeDays: number,
): JobDefinition<any>[] {
  const expiry: JobDefinition = {
    name: 'points-expiry',
    description:
      'Writes expiry ledger entries for loyalty points expired by now, oldest first (idempotent; `c360 loyalty expire`).',
    schedule: '15 0 * * *',
    retry: { retryLimit: 5, retryDelaySeconds: 60, backoff: true },
    expireInSeconds: 30 * 60,
    run: ({ now }) => earning.expireUntil(now),
  };
  const birthdays: JobDefinition<Partial<ScheduledRunData>> = {
    name: 'birthday-bonuses',
    description:
      'Grants the birthday bonus to customers born on this shop day, once a year; after a downtime, for each missed day too (at most 31; `c360 loyalty birthdays`).',
    schedule: '30 0 * * *',
    retry: { retryLimit: 5, retryDelaySeconds: 60, backoff: true },
    expireInSeconds: 30 * 60,
    run: async ({ now, data, signal }) => {
      const today = shopTime.dayOf(now);
      const since = data.missedSince ? shopTime.dayOf(new Date(data.missedSince)) : today;
      const first =
        since < addDays(today, -BIRTHDAY_CATCH_UP_DAYS)
          ? addDays(today, -BIRTHDAY_CATCH_UP_DAYS)
          : since;
      let granted = 0;
      for (let day = first; day <= today; day = addDays(day, 1)) {
        signal.throwIfAborted();
        // A past day's bonus is dated that day; today's, now.
        const on = day === today ? now : shopTime.startOfDay(day);
        granted += await earning.grantBirthdayBonuses(await customers.idsWithBirthday(day), on);
      }
      return { from: first, to: today, granted };
    },
  };
  const notices: JobDefinition<Partial<ScheduledRunData>> = {
    name: 'points-expiry-notice',
    description: `Announces loyalty points that lapse in ${noticeDays} days (loyalty.points_expiring, LOYALTY_EXPIRY_NOTICE_DAYS); after a downtime, for each missed day too (at most 31).`,
    schedule: '0 8 * * *',
    retry: { retryLimit: 5, retryDelaySeconds: 60, backoff: true },
    expireInSeconds: 30 * 60,
    run: async ({ now, data }) => {
      const today = shopTime.dayOf(now);
      const since = data.missedSince ? shopTime.dayOf(new Date(data.missedSince)) : today;
      const first =
        since < addDays(today, -BIRTHDAY_CATCH_UP_DAYS)
          ? addDays(today, -BIRTHDAY_CATCH_UP_DAYS)
          : since;
      // Each run announces the expiry days N days after the slots it stands for, so every day is announced once.
      const from = addDays(first, noticeDays);
      const to = addDays(today, noticeDays);
      return { from, to, ...(await earning.announceExpiring(from, to)) };
    },
  };
  return [expiry, birthdays, notices];
}
