import type { DomainEventBus } from '../../common/domain-events';
import { ledgerEntryAdded } from './loyalty.events';
import { DataSource } from 'typeorm';
import { IdempotentRequest, runIdempotent } from '../../common/idempotency';
import { BadUserInputError, ConflictError } from '../../common/errors';
import { alignToKeys, groupToKeys } from '../../common/loaders';
import { money } from '../../common/money';
import { fetchNestedPages, mapPage } from '../../common/nested-pages';
import { Page } from '../../common/pagination';
import { isUuid, toDatabaseId } from '../../common/relay';
import { toNumber } from '../../common/sql';
import { CustomerService } from '../customers';
import { OrderService } from '../orders';
import { LedgerArgs, LoyaltyPointsInput } from './loyalty.inputs';
import { LedgerMovement, nextTier, pointsExpiringWithin, pointsExpiryAt } from './loyalty-rules';
import { ShopTime } from '../../common/shop-time';
import { LoyaltyProgramService } from './loyalty-program.service';
import {
  LoyaltyStanding,
  LedgerEntryKind,
  LedgerRow,
  LoyaltyLedgerEntry,
  LoyaltyProgram,
  TierBasis,
  toLedgerEntry,
} from './loyalty.types';

export class LoyaltyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programs: LoyaltyProgramService,
    private readonly customers: CustomerService,
    private readonly orders: OrderService,
    private readonly shopTime: ShopTime,
    private readonly events: DomainEventBus,
  ) {}

  async findByIds(ids: readonly string[]): Promise<(LoyaltyLedgerEntry | null)[]> {
    const rows: LedgerRow[] = await this.dataSource.query(
      'select * from loyalty_ledger_entries where id = any($1::uuid[])',
      [ids.filter(isUuid)],
    );
    return alignToKeys(ids, rows.map(toLedgerEntry), (e) => e.databaseId);
  }

  /** Balance, tier and progress per customer, from the ledger and the orders. */
  async standingByCustomerIds(
    customerIds: readonly string[],
    asOf: Date,
    program?: LoyaltyProgram | null,
  ): Promise<(LoyaltyStanding | null)[]> {
    const active = program === undefined ? await this.programs.findActive() : program;
    if (!active) return customerIds.map(() => null);
    const [balances, values, codes] = await Promise.all([
      this.balancesByCustomerIds(customerIds),
      this.programs.qualifyingValues(this.dataSource.manager, active, customerIds, asOf),
      this.programs.currentCodes(this.dataSource.manager, customerIds),
    ]);
    return customerIds.map((customerId, i) =>
      standing(
        active,
        customerId,
        balances[i],
        values.get(customerId) ?? 0n,
        codes.get(customerId) ?? null,
      ),
    );
  }

  /** Points balance per customer: the sum of the ledger. */
  async balancesByCustomerIds(customerIds: readonly string[]): Promise<number[]> {
    const rows: { customer_id: string; balance: string }[] = await this.dataSource.query(
      'select customer_id, sum(points) as balance from loyalty_ledger_entries where customer_id = any($1::uuid[]) group by customer_id',
      [customerIds],
    );
    const balanceOf = new Map(rows.map((b) => [b.customer_id, toNumber(b.balance)]));
    return customerIds.map((id) => balanceOf.get(id) ?? 0);
  }

  async movementsByCustomerIds(customerIds: readonly string[]): Promise<LedgerMovement[][]> {
    const rows: (LedgerMovement & { customerId: string })[] = await this.dataSource.query(
      `select customer_id as "customerId", kind, points, occurred_at as "occurredAt", expires_at as "expiresAt"
       from loyalty_ledger_entries where customer_id = any($1::uuid[]) order by customer_id, occurred_at, created_at, id`,
      [customerIds],
    );
    return groupToKeys(customerIds, rows, (r) => r.customerId);
  }

  pointsExpiringSoon(movements: LedgerMovement[], asOf: Date, days: number): number {
    if (!Number.isInteger(days) || days < 0 || days > 3650)
      throw new BadUserInputError('days must be 0 to 3650', { field: 'days' });
    return pointsExpiringWithin(movements, asOf, days);
  }

  async pagesByCustomerIds(
    customerIds: readonly string[],
    args: LedgerArgs,
    countOf: (id: string) => Promise<number>,
  ): Promise<Page<LoyaltyLedgerEntry>[]> {
    const pages = await fetchNestedPages<LedgerRow, LedgerArgs>(
      {
        query: (sql, params) => this.dataSource.query(sql, params),
        table: 'loyalty_ledger_entries',
        parentColumn: 'customer_id',
        keys: [
          { sql: 't.occurred_at', cast: 'timestamptz' },
          { sql: 't.id', cast: 'uuid' },
        ],
        descending: true,
        parentIdOf: (row) => row.customer_id,
        cursorOf: (row) => [row.occurred_at.toISOString(), row.id],
      },
      customerIds,
      args,
      countOf,
    );
    return pages.map((page) => mapPage(page, toLedgerEntry));
  }

  async countByCustomerIds(customerIds: readonly string[]): Promise<number[]> {
    const rows: { customer_id: string; count: string }[] = await this.dataSource.query(
      'select customer_id, count(*) from loyalty_ledger_entries where customer_id = any($1::uuid[]) group by customer_id',
      [customerIds],
    );
    return alignToKeys(customerIds, rows, (r) => r.customer_id).map((r) => toNumber(r?.count));
  }

  async exportRows(customerId: string) {
    return {
      loyaltyLedger: await this.dataSource.query(
        'select * from loyalty_ledger_entries where customer_id = $1 order by occurred_at',
        [customerId],
      ),
      storeCredit: await this.dataSource.query(
        'select * from store_credit_entries where customer_id = $1 order by occurred_at',
        [customerId],
      ),
      tierHistory: await this.dataSource.query(
        'select * from loyalty_tier_changes where customer_id = $1 order by changed_at',
        [customerId],
      ),
    };
  }

  earn(input: LoyaltyPointsInput, idempotency: IdempotentRequest | null = null) {
    if (input.points <= 0)
      throw new BadUserInputError('Earned points must be positive', { field: 'points' });
    return this.write(input, LedgerEntryKind.EARN, input.points, idempotency);
  }

  redeem(input: LoyaltyPointsInput, idempotency: IdempotentRequest | null = null) {
    if (input.points <= 0)
      throw new BadUserInputError('Redeemed points must be positive', { field: 'points' });
    return this.write(input, LedgerEntryKind.REDEEM, -input.points, idempotency);
  }

  adjust(input: LoyaltyPointsInput, idempotency: IdempotentRequest | null = null) {
    if (input.points === 0)
      throw new BadUserInputError('An adjustment must not be zero', { field: 'points' });
    return this.write(input, LedgerEntryKind.ADJUST, input.points, idempotency);
  }

  private async write(
    input: LoyaltyPointsInput,
    kind: LedgerEntryKind,
    points: number,
    idempotency: IdempotentRequest | null,
  ): Promise<LoyaltyLedgerEntry> {
    const customerId = toDatabaseId(input.customerId, 'Customer', 'customerId');
    const orderId = input.orderId ? toDatabaseId(input.orderId, 'Order', 'orderId') : null;
    if (orderId && kind !== LedgerEntryKind.EARN)
      throw new BadUserInputError('Only earning refers to an order', { field: 'orderId' });
    return this.dataSource.transaction((manager) =>
      runIdempotent(
        manager,
        idempotency,
        async () => {
          const program = await this.programs.findActiveIn(manager);
          if (!program)
            throw new BadUserInputError('No loyalty program is configured', {
              field: 'customerId',
            });
          await this.customers.getByIdOrThrow(customerId, manager);
          if (orderId) {
            const [order] = await this.orders.findByIdsIn(manager, [orderId]);
            if (order?.customerId !== customerId)
              throw new BadUserInputError('The order is not one of this customer’s', {
                field: 'orderId',
              });
          }
          // Serialises point writes per customer, so concurrent redemptions cannot both spend the same points.
          await manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
            `loyalty:${customerId}`,
          ]);
          const [{ balance }] = await manager.query(
            'select coalesce(sum(points), 0) as balance from loyalty_ledger_entries where customer_id = $1',
            [customerId],
          );
          if (points < 0 && toNumber(balance) + points < 0) {
            throw new BadUserInputError(
              `The balance is ${balance} points; it cannot go below zero`,
              { field: 'points' },
            );
          }
          const occurredAt = input.occurredAt ?? new Date();
          const expiresAt =
            kind === LedgerEntryKind.EARN && program.pointsValidityMonths
              ? pointsExpiryAt(occurredAt, program.pointsValidityMonths, this.shopTime)
              : null;
          const inserted: LedgerRow[] = await manager.query(
            `insert into loyalty_ledger_entries (customer_id, program_id, kind, points, reason, order_id, expires_at, occurred_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning *`,
            [customerId, program.id, kind, points, input.reason, orderId, expiresAt, occurredAt],
          );
          if (inserted.length === 0)
            throw new ConflictError('This order has already earned points', { field: 'orderId' });
          ledgerEntryAdded(this.events, manager, customerId, {
            kind,
            points,
            reason: input.reason,
            orderId,
            expiresAt,
          });
          if (program.tierBasis === TierBasis.POINTS_12M)
            await this.programs.evaluate(manager, [customerId], new Date());
          return toLedgerEntry(inserted[0]);
        },
        { customerOf: (entry) => entry.customerId },
      ),
    );
  }
}

function standing(
  program: LoyaltyProgram,
  customerId: string,
  balance: number,
  value: bigint,
  storedCode: string | null,
): LoyaltyStanding {
  // The tier the customer holds now, retention included; the next tier is the next one up from it.
  const code = nextTier(program.tiers, storedCode, value).code;
  const sorted = [...program.tiers].sort((a, b) => (a.threshold < b.threshold ? -1 : 1));
  const tier = sorted.find((t) => t.code === code) ?? null;
  const upcoming =
    sorted.find((t) => t.threshold > (tier?.threshold ?? -1n) && t.threshold > value) ?? null;
  const remaining = upcoming ? upcoming.threshold - value : 0n;
  const floor = tier?.threshold ?? 0n;
  const progress = upcoming
    ? Math.max(0, Number(value - floor)) / Number(upcoming.threshold - floor)
    : 1;
  return {
    customerId,
    balance,
    tier,
    nextTier: upcoming,
    pointsToNextTier:
      upcoming && program.tierBasis === TierBasis.POINTS_12M ? Number(remaining) : null,
    spendToNextTier:
      upcoming && program.tierBasis === TierBasis.SPEND_12M
        ? money(remaining, program.currency)
        : null,
    progressToNextTier: Math.round(progress * 1000) / 1000,
  };
}
