import type { DomainEventBus } from '../../common/domain-events';
import { DataSource } from 'typeorm';
import { IdempotentRequest, runIdempotent } from '../../common/idempotency';
import { BadUserInputError } from '../../common/errors';
import { alignToKeys } from '../../common/loaders';
import { fetchNestedPages, mapPage, NestedPageSpec } from '../../common/nested-pages';
import { Page } from '../../common/pagination';
import { isUuid, toDatabaseId } from '../../common/relay';
import { toNumber } from '../../common/sql';
import { CustomerService } from '../customers';
import { OrderService } from '../orders';
import { FeedbackKind, FeedbackService } from '../feedback';
import { CustomerCommunicationsArgs, LogCommunicationInput } from './communication.inputs';
import {
  Communication,
  CommunicationPurpose,
  CommunicationRow,
  toCommunication,
} from './communication.types';

/** A customer's communications page: newest first; shared by the loader and the compiled reads. */
export const CUSTOMER_COMMUNICATIONS_PAGE: NestedPageSpec<CustomerCommunicationsArgs> = {
  table: 'communications',
  parentColumn: 'customer_id',
  keys: [
    { sql: 't.occurred_at', cast: 'timestamptz' },
    { sql: 't.id', cast: 'uuid' },
  ],
  descending: true,
  where: (a, params) =>
    a.channels?.length ? [`t.channel = any(${params.add(a.channels, 'text[]')})`] : [],
};

export class CommunicationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomerService,
    private readonly orders: OrderService,
    private readonly feedback: FeedbackService,
    private readonly events: DomainEventBus,
  ) {}

  async findByIds(ids: readonly string[]): Promise<(Communication | null)[]> {
    const rows: CommunicationRow[] = await this.dataSource.query(
      'select * from communications where id = any($1::uuid[])',
      [ids.filter(isUuid)],
    );
    return alignToKeys(ids, rows.map(toCommunication), (c) => c.databaseId);
  }

  async pagesByCustomerIds(
    customerIds: readonly string[],
    args: CustomerCommunicationsArgs,
    countOf: (id: string) => Promise<number>,
  ): Promise<Page<Communication>[]> {
    const pages = await fetchNestedPages<CommunicationRow, CustomerCommunicationsArgs>(
      {
        query: (sql, params) => this.dataSource.query(sql, params),
        ...CUSTOMER_COMMUNICATIONS_PAGE,
        parentIdOf: (row) => row.customer_id,
        cursorOf: (row) => [row.occurred_at.toISOString(), row.id],
      },
      customerIds,
      args,
      countOf,
    );
    return pages.map((page) => mapPage(page, toCommunication));
  }

  async countByCustomerIds(
    customerIds: readonly string[],
    channels: string[] | null,
  ): Promise<number[]> {
    const rows: { customer_id: string; count: string }[] = await this.dataSource.query(
      `select customer_id, count(*) from communications where customer_id = any($1::uuid[])
       and ($2::text[] is null or channel = any($2::text[])) group by customer_id`,
      [customerIds, channels],
    );
    return alignToKeys(customerIds, rows, (r) => r.customer_id).map((r) => toNumber(r?.count));
  }

  /** Campaign messages sent in the 90 days before asOf, and how many got a reaction (opened, clicked, replied). */
  async campaignReactions(
    customerIds: readonly string[],
    asOf: Date,
  ): Promise<{ sent: number; reacted: number }[]> {
    const rows: { customer_id: string; sent: string; reacted: string }[] =
      await this.dataSource.query(
        `select customer_id, count(*) as sent, count(*) filter (where outcome in ('OPENED', 'CLICKED', 'REPLIED')) as reacted
       from communications where customer_id = any($1::uuid[]) and purpose = 'CAMPAIGN' and direction = 'OUTBOUND'
         and occurred_at > $2::timestamptz - interval '90 days' and occurred_at <= $2
       group by customer_id`,
        [customerIds, asOf],
      );
    const byId = new Map(rows.map((r) => [r.customer_id, r]));
    return customerIds.map((id) => ({
      sent: toNumber(byId.get(id)?.sent),
      reacted: toNumber(byId.get(id)?.reacted),
    }));
  }

  /** The last outbound contact per customer, or null. */
  async lastOutboundAt(customerIds: readonly string[]): Promise<(Date | null)[]> {
    const rows: { customer_id: string; at: Date }[] = await this.dataSource.query(
      `select customer_id, max(occurred_at) as at from communications where customer_id = any($1::uuid[]) and direction = 'OUTBOUND'
         and purpose <> 'TRANSACTIONAL' group by customer_id`,
      [customerIds],
    );
    const byId = new Map(rows.map((r) => [r.customer_id, r.at]));
    return customerIds.map((id) => byId.get(id) ?? null);
  }

  async exportRows(customerId: string) {
    return {
      communications: await this.dataSource.query(
        'select * from communications where customer_id = $1 order by occurred_at',
        [customerId],
      ),
    };
  }

  async log(
    input: LogCommunicationInput,
    idempotency: IdempotentRequest | null = null,
  ): Promise<Communication> {
    const customerId = toDatabaseId(input.customerId, 'Customer', 'customerId');
    const orderId = input.orderId ? toDatabaseId(input.orderId, 'Order', 'orderId') : null;
    const complaintId = input.complaintId
      ? toDatabaseId(input.complaintId, 'Feedback', 'complaintId')
      : null;
    if (input.purpose === CommunicationPurpose.CAMPAIGN && input.direction === 'INBOUND') {
      throw new BadUserInputError('A campaign is always outbound', { field: 'direction' });
    }
    return this.dataSource.transaction((manager) =>
      runIdempotent(
        manager,
        idempotency,
        async () => {
          await this.customers.getByIdOrThrow(customerId, manager);
          if (orderId) {
            const [order] = await this.orders.findByIdsIn(manager, [orderId]);
            if (order?.customerId !== customerId)
              throw new BadUserInputError('The order is not one of this customer’s', {
                field: 'orderId',
              });
          }
          if (complaintId) {
            const [complaint] = await this.feedback.findByIdsIn(manager, [complaintId]);
            if (complaint?.customerId !== customerId || complaint.kind !== FeedbackKind.COMPLAINT) {
              throw new BadUserInputError('Not a complaint of this customer', {
                field: 'complaintId',
              });
            }
          }
          const [row]: CommunicationRow[] = await manager.query(
            `insert into communications (customer_id, channel, direction, purpose, subject, outcome, occurred_at, order_id, complaint_id, agent)
         values ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()), $8, $9, $10) returning *`,
            [
              customerId,
              input.channel,
              input.direction,
              input.purpose,
              input.subject ?? null,
              input.outcome ?? null,
              input.occurredAt ?? null,
              orderId,
              complaintId,
              input.agent ?? null,
            ],
          );
          const communication = toCommunication(row);
          await this.events.publish(manager, 'communication.logged', { communication });
          return communication;
        },
        { customerOf: (communication) => communication.customerId },
      ),
    );
  }
}
