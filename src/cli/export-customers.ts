import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { formatMinorUnits } from '../common/money';
import { CustomerOrderField } from '../modules/customers';
import { SortDirection } from '../common/enums';
import type { Services } from '../container';

const PAGE = 100;

export const EXPORT_COLUMNS = [
  'id',
  'databaseId',
  'givenName',
  'familyName',
  'email',
  'phone',
  'country',
  'city',
  'signupAt',
  'tags',
  'updatedAt',
  'orderCount',
  'netSpent',
  'currency',
  'firstOrderAt',
  'lastOrderAt',
  'latestNps',
  'averageCsat',
  'openComplaints',
  'probabilityAlive',
  'predictedClv',
  'churnScore',
  'churnLevel',
  'rfmSegment',
  'metricsComputedAt',
] as const;

type Row = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

/**
 * Streams every customer (or those changed since a moment) with their summary and stored metrics, a keyset
 * page at a time in update order, so memory stays bounded whatever the base size; the output is written as it
 * is produced, waiting whenever the destination is slow.
 */
export async function exportCustomers(
  services: Services,
  currency: string,
  format: 'ndjson' | 'csv',
  updatedSince: Date | null,
  out: Writable,
): Promise<number> {
  const csv = format === 'csv' ? stringify({ header: true, columns: [...EXPORT_COLUMNS] }) : null;
  if (csv) csv.pipe(out);
  const write = (row: Row) =>
    new Promise<void>((resolve) => {
      const ok = csv ? csv.write(row) : out.write(`${JSON.stringify(row)}\n`);
      if (ok) resolve();
      else (csv ?? out).once('drain', () => resolve());
    });
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const page = await services.customerList.list({
      first: PAGE,
      after,
      filter: updatedSince ? { updatedSince } : null,
      orderBy: { field: CustomerOrderField.UPDATED_AT, direction: SortDirection.ASC },
    });
    const ids = page.nodes.map((c) => c.databaseId);
    if (ids.length === 0) break;
    const [totals, satisfaction, stored] = await Promise.all([
      services.orderSpend.totalsByCustomerIds(ids),
      services.feedback.totalsByCustomerIds(ids),
      services.metricsStore.storedByCustomerIds(ids),
    ]);
    for (const [i, c] of page.nodes.entries()) {
      const t = totals[i];
      const m = stored[i];
      await write({
        id: c.id,
        databaseId: c.databaseId,
        givenName: c.givenName,
        familyName: c.familyName,
        email: c.email,
        phone: c.phone,
        country: c.country,
        city: c.city,
        signupAt: c.signupAt.toISOString(),
        tags: c.tags.join('|'),
        updatedAt: c.updatedAt.toISOString(),
        orderCount: t.orderCount,
        netSpent: formatMinorUnits(t.netMinor - t.refundedMinor, currency),
        currency,
        firstOrderAt: t.firstOrderAt?.toISOString() ?? null,
        lastOrderAt: t.lastOrderAt?.toISOString() ?? null,
        latestNps: satisfaction[i].latestNps,
        averageCsat: satisfaction[i].averageCsat,
        openComplaints: satisfaction[i].openComplaints,
        probabilityAlive: m?.probability_alive ?? null,
        predictedClv:
          m?.predicted_clv_minor != null ? formatMinorUnits(m.predicted_clv_minor, currency) : null,
        churnScore: m?.churn_score ?? null,
        churnLevel: m?.churn_level ?? null,
        rfmSegment: m?.rfm_segment ?? null,
        metricsComputedAt: m?.computed_at.toISOString() ?? null,
      });
      count += 1;
    }
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  if (csv)
    await new Promise<void>((resolve) => {
      csv.once('finish', resolve);
      csv.end();
    });
  return count;
}
