import type { DomainEventBus } from '../../common/domain-events';
import { DataSource, EntityManager } from 'typeorm';
import { IdempotentRequest, runIdempotent } from '../../common/idempotency';
import { BadUserInputError, NotFoundError } from '../../common/errors';
import { alignToKeys } from '../../common/loaders';
import { fetchNestedPages, mapPage, NestedPageSpec } from '../../common/nested-pages';
import { Page } from '../../common/pagination';
import { isUuid, toDatabaseId } from '../../common/relay';
import { toNullableNumber, toNumber } from '../../common/sql';
import { CustomerService } from '../customers';
import { OrderService } from '../orders';
import { CustomerFeedbackArgs, RecordFeedbackInput } from './feedback.inputs';
import {
  ComplaintStatus,
  Feedback,
  FeedbackKind,
  FeedbackRow,
  FeedbackTotals,
  toFeedback,
} from './feedback.types';

const DEFAULT_SCALES: Record<FeedbackKind, [number, number] | null> = {
  NPS: [0, 10],
  CSAT: [1, 5],
  PRODUCT_REVIEW: [1, 5],
  COMPLAINT: null,
  TESTIMONIAL: null,
};

/** A customer's feedback page: newest first; shared by the loader and the compiled reads. */
export const CUSTOMER_FEEDBACK_PAGE: NestedPageSpec<CustomerFeedbackArgs> = {
  table: 'feedback',
  parentColumn: 'customer_id',
  keys: [
    { sql: 't.given_at', cast: 'timestamptz' },
    { sql: 't.id', cast: 'uuid' },
  ],
  descending: true,
  where: (a, params) => (a.kinds?.length ? [`t.kind = any(${params.add(a.kinds, 'text[]')})`] : []),
};

export class FeedbackService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomerService,
    private readonly orders: OrderService,
    private readonly events: DomainEventBus,
  ) {}

  /** The loaders' batch: reads outside any write. Inside a write use findByIdsIn with its manager. */
  async findByIds(ids: readonly string[]): Promise<(Feedback | null)[]> {
    return this.findByIdsIn(this.dataSource.manager, ids);
  }

  async findByIdsIn(manager: EntityManager, ids: readonly string[]): Promise<(Feedback | null)[]> {
    const rows: FeedbackRow[] = await manager.query(
      'select * from feedback where id = any($1::uuid[])',
      [ids.filter(isUuid)],
    );
    return alignToKeys(ids, rows.map(toFeedback), (f) => f.databaseId);
  }

  async pagesByCustomerIds(
    customerIds: readonly string[],
    args: CustomerFeedbackArgs,
    countOf: (id: string) => Promise<number>,
  ): Promise<Page<Feedback>[]> {
    const pages = await fetchNestedPages<FeedbackRow, CustomerFeedbackArgs>(
      {
        query: (sql, params) => this.dataSource.query(sql, params),
        ...CUSTOMER_FEEDBACK_PAGE,
        parentIdOf: (row) => row.customer_id,
        cursorOf: (row) => [row.given_at.toISOString(), row.id],
      },
      customerIds,
      args,
      countOf,
    );
    return pages.map((page) => mapPage(page, toFeedback));
  }

  async countByCustomerIds(
    customerIds: readonly string[],
    kinds: string[] | null,
  ): Promise<number[]> {
    const rows: { customer_id: string; count: string }[] = await this.dataSource.query(
      `select customer_id, count(*) from feedback where customer_id = any($1::uuid[])
       and ($2::text[] is null or kind = any($2::text[])) group by customer_id`,
      [customerIds, kinds],
    );
    return alignToKeys(customerIds, rows, (r) => r.customer_id).map((r) => toNumber(r?.count));
  }

  /**
   * Latest NPS score, mean CSAT rescaled to 1–5, and open complaints, per customer: as they stood at `asOf` when it
   * is given (answers given by then; complaints opened by then and not resolved by then), as they stand otherwise.
   */
  async totalsByCustomerIds(
    customerIds: readonly string[],
    asOf: Date | null = null,
  ): Promise<FeedbackTotals[]> {
    const rows: Record<string, string | number | null>[] = await this.dataSource.query(
      `select customer_id,
         (array_agg(score order by given_at desc) filter (where kind = 'NPS' and score is not null))[1] as latest_nps,
         avg(1 + 4.0 * (score - scale_min) / nullif(scale_max - scale_min, 0)) filter (where kind = 'CSAT' and score is not null) as average_csat,
         count(*) filter (where kind = 'COMPLAINT'
           and (complaint_status = 'OPEN' or ($2::timestamptz is not null and resolved_at > $2))) as open_complaints
       from feedback where customer_id = any($1::uuid[]) and ($2::timestamptz is null or given_at <= $2)
       group by customer_id`,
      [customerIds, asOf],
    );
    const byId = new Map(rows.map((r) => [r.customer_id as string, r]));
    return customerIds.map((customerId) => {
      const r = byId.get(customerId);
      const csat = toNullableNumber(r?.average_csat);
      return {
        customerId,
        latestNps: toNullableNumber(r?.latest_nps),
        averageCsat: csat == null ? null : Math.round(csat * 100) / 100,
        openComplaints: toNumber(r?.open_complaints),
      };
    });
  }

  /** NPS answers in a period (optionally at one touchpoint): promoters 9–10, passives 7–8, detractors 0–6. */
  async npsCounts(
    from: Date,
    to: Date,
    touchpoint: string | null,
  ): Promise<{ promoters: number; passives: number; detractors: number }> {
    const [row] = await this.dataSource.query(
      `select count(*) filter (where score >= 9)::int as promoters, count(*) filter (where score between 7 and 8)::int as passives,
         count(*) filter (where score <= 6)::int as detractors
       from feedback where kind = 'NPS' and score is not null and given_at >= $1 and given_at < $2 and ($3::text is null or touchpoint = $3)`,
      [from, to, touchpoint],
    );
    return row;
  }

  async exportRows(customerId: string) {
    return {
      feedback: await this.dataSource.query(
        'select * from feedback where customer_id = $1 order by given_at',
        [customerId],
      ),
    };
  }

  async record(
    input: RecordFeedbackInput,
    idempotency: IdempotentRequest | null = null,
  ): Promise<Feedback> {
    const customerId = toDatabaseId(input.customerId, 'Customer', 'customerId');
    const [scaleMin, scaleMax] = this.scaleOf(input);
    const orderId = input.orderId ? toDatabaseId(input.orderId, 'Order', 'orderId') : null;
    const productId = input.productId
      ? toDatabaseId(input.productId, 'Product', 'productId')
      : null;
    return this.dataSource.transaction((manager) =>
      runIdempotent(
        manager,
        idempotency,
        async () => {
          await this.customers.getByIdOrThrow(customerId, manager);
          if (orderId) {
            const [order] = await this.orders.findByIdsIn(manager, [orderId]);
            if (!order || order.customerId !== customerId) {
              throw new BadUserInputError('The order is not one of this customer’s', {
                field: 'orderId',
              });
            }
          }
          if (productId && !(await this.orders.productsByIdsIn(manager, [productId]))[0]) {
            throw new BadUserInputError('Unknown product', { field: 'productId' });
          }
          const [row]: FeedbackRow[] = await manager.query(
            `insert into feedback (customer_id, kind, score, scale_min, scale_max, comment, touchpoint, order_id, product_id,
           given_at, complaint_status)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()), $11) returning *`,
            [
              customerId,
              input.kind,
              input.score ?? null,
              scaleMin,
              scaleMax,
              input.comment ?? null,
              input.touchpoint ?? null,
              orderId,
              productId,
              input.givenAt ?? null,
              input.kind === FeedbackKind.COMPLAINT ? ComplaintStatus.OPEN : null,
            ],
          );
          const feedback = toFeedback(row);
          await this.events.publish(manager, 'feedback.recorded', { feedback });
          if (feedback.kind === FeedbackKind.COMPLAINT)
            await this.events.publish(manager, 'complaint.opened', { feedback });
          return feedback;
        },
        { customerOf: (feedback) => feedback.customerId },
      ),
    );
  }

  async resolveComplaint(id: string, resolution: string): Promise<Feedback> {
    const feedbackId = toDatabaseId(id, 'Feedback');
    if (!resolution.trim())
      throw new BadUserInputError('resolution must not be empty', { field: 'resolution' });
    const resolved = await this.dataSource.transaction(async (manager) => {
      const [row]: FeedbackRow[] = await manager.query(
        'select * from feedback where id = $1 for update',
        [feedbackId],
      );
      if (!row) throw new NotFoundError('Feedback', id);
      if (row.kind !== FeedbackKind.COMPLAINT)
        throw new BadUserInputError('Only complaints can be resolved', { field: 'id' });
      if (row.complaint_status === ComplaintStatus.RESOLVED)
        throw new BadUserInputError('The complaint is already resolved', { field: 'id' });
      // TypeORM answers an UPDATE with [rows, affected].
      const [[updated]]: [FeedbackRow[], number] = await manager.query(
        `update feedback set complaint_status = 'RESOLVED', resolution = $2, resolved_at = now() where id = $1 returning *`,
        [feedbackId, resolution.trim()],
      );
      const feedback = toFeedback(updated);
      await this.events.publish(manager, 'complaint.resolved', { feedback });
      return feedback;
    });
    return resolved;
  }

  private scaleOf(input: RecordFeedbackInput): [number | null, number | null] {
    const defaults = DEFAULT_SCALES[input.kind];
    if (
      input.kind === FeedbackKind.NPS &&
      (input.scaleMin != null || input.scaleMax != null) &&
      (input.scaleMin !== 0 || input.scaleMax !== 10)
    ) {
      throw new BadUserInputError('NPS is always on 0 to 10', { field: 'scaleMax' });
    }
    const scaleMin = input.scaleMin ?? (input.score != null ? (defaults?.[0] ?? 1) : null);
    const scaleMax = input.scaleMax ?? (input.score != null ? (defaults?.[1] ?? 5) : null);
    if (defaults && input.kind !== FeedbackKind.COMPLAINT && input.score == null) {
      throw new BadUserInputError(`A ${input.kind} needs a score`, { field: 'score' });
    }
    if (
      (input.kind === FeedbackKind.COMPLAINT || input.kind === FeedbackKind.TESTIMONIAL) &&
      !input.comment?.trim()
    ) {
      throw new BadUserInputError(`A ${input.kind} needs a comment`, { field: 'comment' });
    }
    if (input.score != null && scaleMin != null && scaleMax != null) {
      if (scaleMin >= scaleMax)
        throw new BadUserInputError('scaleMin must be below scaleMax', { field: 'scaleMin' });
      if (input.score < scaleMin || input.score > scaleMax) {
        throw new BadUserInputError(`score must be from ${scaleMin} to ${scaleMax}`, {
          field: 'score',
        });
      }
    }
    return [scaleMin, scaleMax];
  }
}
