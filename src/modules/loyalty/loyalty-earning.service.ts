import type { DomainEventBus } from '../../common/domain-events';
import { ledgerEntryAdded } from './loyalty.events';
import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError } from '../../common/errors';
import { currencyExponent } from '../../common/money';
import { OrderFacts, OrderService } from '../orders';
import { LoyaltyProgramService } from './loyalty-program.service';
import { LedgerMovement, pointsExpiryAt, remainingLots } from './loyalty-rules';
import { ShopTime } from '../../common/shop-time';
import { EarningRule, isEligible, pointsForOrder, pointsToTakeBack } from './earning-rules';

export interface RuleVersion extends EarningRule {
  id: string;
  version: number;
  effectiveFrom: Date;
  welcomeBonus: number;
  birthdayBonus: number;
  pointValueMinor: number;
  cashbackPercent: number;
}

export interface RuleVersionInput {
  effectiveFrom?: Date | null;
  pointsPerUnit: number;
  categoryMultipliers: Record<string, number>;
  productMultipliers: Record<string, number>;
  tierMultipliers: Record<string, number>;
  welcomeBonus: number;
  birthdayBonus: number;
  minOrder: bigint;
  earningStatuses: string[];
  pointValueMinor: number;
  cashbackPercent: number;
}

interface RuleRow {
  id: string;
  version: number;
  effective_from: Date;
  points_per_unit: string;
  category_multipliers: Record<string, number>;
  product_multipliers: Record<string, number>;
  tier_multipliers: Record<string, number>;
  welcome_bonus: number;
  birthday_bonus: number;
  min_order_minor: string;
  earning_statuses: string[];
  point_value_minor: string;
  cashback_percent: string;
}

const toRule = (r: RuleRow): RuleVersion => ({
  id: r.id,
  version: r.version,
  effectiveFrom: r.effective_from,
  pointsPerUnit: Number(r.points_per_unit),
  categoryMultipliers: r.category_multipliers,
  productMultipliers: r.product_multipliers,
  tierMultipliers: r.tier_multipliers,
  welcomeBonus: r.welcome_bonus,
  birthdayBonus: r.birthday_bonus,
  minOrderMinor: BigInt(r.min_order_minor),
  earningStatuses: r.earning_statuses,
  pointValueMinor: Number(r.point_value_minor),
  cashbackPercent: Number(r.cashback_percent),
});

const lock = (manager: EntityManager, customerId: string) =>
  manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`loyalty:${customerId}`]);

/** Earning from orders, exactly once, under the rule version in force when the order was placed. */
export class LoyaltyEarningService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programs: LoyaltyProgramService,
    private readonly orders: OrderService,
    private readonly shopTime: ShopTime,
    private readonly events: DomainEventBus,
  ) {}

  async setRules(input: RuleVersionInput): Promise<RuleVersion> {
    for (const [field, multipliers] of Object.entries({
      categoryMultipliers: input.categoryMultipliers,
      productMultipliers: input.productMultipliers,
      tierMultipliers: input.tierMultipliers,
    })) {
      if (Object.values(multipliers).some((m) => typeof m !== 'number' || !(m >= 0 && m <= 100))) {
        throw new BadUserInputError(`${field} must map names to numbers from 0 to 100`, { field });
      }
    }
    return this.dataSource.transaction(async (manager) => {
      const program = await this.programs.findActiveIn(manager);
      if (!program)
        throw new BadUserInputError('Configure the loyalty program first', { field: 'program' });
      const [{ next }] = await manager.query(
        'select coalesce(max(version), 0) + 1 as next from loyalty_rule_versions where program_id = $1',
        [program.id],
      );
      const [row]: RuleRow[] = await manager.query(
        `insert into loyalty_rule_versions (program_id, version, effective_from, points_per_unit, category_multipliers, product_multipliers,
           tier_multipliers, welcome_bonus, birthday_bonus, min_order_minor, earning_statuses, point_value_minor, cashback_percent)
         values ($1, $2, coalesce($3::timestamptz, now()), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *`,
        [
          program.id,
          next,
          input.effectiveFrom ?? null,
          input.pointsPerUnit,
          JSON.stringify(input.categoryMultipliers),
          JSON.stringify(input.productMultipliers),
          JSON.stringify(input.tierMultipliers),
          input.welcomeBonus,
          input.birthdayBonus,
          input.minOrder.toString(),
          input.earningStatuses,
          input.pointValueMinor,
          input.cashbackPercent,
        ],
      );
      return toRule(row);
    });
  }

  async rules(): Promise<RuleVersion[]> {
    const rows: RuleRow[] = await this.dataSource.query(
      `select v.* from loyalty_rule_versions v join loyalty_programs p on p.id = v.program_id and p.active order by v.version desc`,
    );
    return rows.map(toRule);
  }

  /** The version in force at a moment: the newest that took effect by then. */
  async ruleAt(manager: EntityManager, at: Date): Promise<RuleVersion | null> {
    const [row]: RuleRow[] = await manager.query(
      `select v.* from loyalty_rule_versions v join loyalty_programs p on p.id = v.program_id and p.active
       where v.effective_from <= $1 order by v.effective_from desc, v.version desc limit 1`,
      [at],
    );
    return row ? toRule(row) : null;
  }

  /** Earns for a recorded order in the caller's transaction; a second call changes nothing. */
  async earnForOrder(manager: EntityManager, order: OrderFacts): Promise<number> {
    const program = await this.programs.findActiveIn(manager);
    if (!program) return 0;
    const rule = await this.ruleAt(manager, order.placedAt);
    if (!rule) return 0;
    await lock(manager, order.customerId);
    const [membership] = await manager.query(
      'select tier_code from loyalty_memberships where customer_id = $1',
      [order.customerId],
    );
    const points = pointsForOrder(
      rule,
      order,
      membership?.tier_code ?? null,
      10 ** currencyExponent(program.currency),
    );
    await this.payCashback(manager, rule, order, program.currency);
    if (points <= 0) return 0;
    const expiresAt = program.pointsValidityMonths
      ? pointsExpiryAt(order.placedAt, program.pointsValidityMonths, this.shopTime)
      : null;
    const inserted = await manager.query(
      `insert into loyalty_ledger_entries (customer_id, program_id, kind, points, reason, order_id, rule_version_id, expires_at, occurred_at)
       values ($1, $2, 'EARN', $3, $4, $5, $6, $7, $8) on conflict do nothing returning id`,
      [
        order.customerId,
        program.id,
        points,
        `Order ${order.externalRef} (rules v${rule.version})`,
        order.id,
        rule.id,
        expiresAt,
        order.placedAt,
      ],
    );
    if (inserted.length > 0)
      ledgerEntryAdded(this.events, manager, order.customerId, {
        kind: 'EARN',
        points,
        reason: `Order ${order.externalRef} (rules v${rule.version})`,
        orderId: order.id,
        expiresAt,
      });
    if (inserted.length > 0 && rule.welcomeBonus > 0) {
      const welcomed = await manager.query(
        `select 1 from loyalty_ledger_entries where customer_id = $1 and kind = 'EARN' and reason = 'Welcome bonus'`,
        [order.customerId],
      );
      if (welcomed.length === 0) {
        await manager.query(
          `insert into loyalty_ledger_entries (customer_id, program_id, kind, points, reason, rule_version_id, expires_at, occurred_at)
           values ($1, $2, 'EARN', $3, 'Welcome bonus', $4, $5, $6)`,
          [order.customerId, program.id, rule.welcomeBonus, rule.id, expiresAt, order.placedAt],
        );
        ledgerEntryAdded(this.events, manager, order.customerId, {
          kind: 'EARN',
          points: rule.welcomeBonus,
          reason: 'Welcome bonus',
          orderId: null,
          expiresAt,
        });
      }
    }
    return inserted.length > 0 ? points : 0;
  }

  /** Cashback as store credit, once per order, for orders that earn under the rule. */
  private async payCashback(
    manager: EntityManager,
    rule: RuleVersion,
    order: OrderFacts,
    currency: string,
  ) {
    if (rule.cashbackPercent <= 0 || !isEligible(rule, order)) return;
    const amount = (order.netMinor * BigInt(Math.round(rule.cashbackPercent * 1000))) / 100_000n;
    if (amount <= 0n) return;
    await manager.query(
      `insert into store_credit_entries (customer_id, kind, amount_minor, currency, reason, order_id, occurred_at)
       values ($1, 'CASHBACK', $2, $3, $4, $5, $6) on conflict do nothing`,
      [
        order.customerId,
        amount.toString(),
        currency,
        `Cashback ${rule.cashbackPercent}% on order ${order.externalRef}`,
        order.id,
        order.placedAt,
      ],
    );
  }

  /** Reverses the refunded share of an order's cashback, never below a zero store-credit balance. */
  private async reverseCashback(manager: EntityManager, order: OrderFacts) {
    const [row] = await manager.query(
      `select coalesce(sum(amount_minor) filter (where kind = 'CASHBACK'), 0)::text as paid,
         coalesce(-sum(amount_minor) filter (where kind = 'REVERSAL'), 0)::text as reversed, max(currency) as currency
       from store_credit_entries where customer_id = $1 and order_id = $2`,
      [order.customerId, order.id],
    );
    const paid = BigInt(row.paid);
    if (paid <= 0n || order.netMinor <= 0n) return;
    const due = (paid * order.refundedMinor) / order.netMinor - BigInt(row.reversed);
    const [{ balance }] = await manager.query(
      'select coalesce(sum(amount_minor), 0)::text as balance from store_credit_entries where customer_id = $1',
      [order.customerId],
    );
    const amount = due < BigInt(balance) ? due : BigInt(balance);
    if (amount <= 0n) return;
    await manager.query(
      `insert into store_credit_entries (customer_id, kind, amount_minor, currency, reason, order_id, occurred_at) values ($1, 'REVERSAL', $2, $3, $4, $5, now())`,
      [
        order.customerId,
        (-amount).toString(),
        row.currency,
        `Return of order ${order.externalRef}`,
        order.id,
      ],
    );
  }

  async storeCreditBalances(customerIds: readonly string[]): Promise<bigint[]> {
    const rows: { customer_id: string; balance: string }[] = await this.dataSource.query(
      'select customer_id, sum(amount_minor)::text as balance from store_credit_entries where customer_id = any($1::uuid[]) group by customer_id',
      [customerIds],
    );
    const byId = new Map(rows.map((r) => [r.customer_id, BigInt(r.balance)]));
    return customerIds.map((id) => byId.get(id) ?? 0n);
  }

  /** Birthday bonus points for customers born on the shop day of `on`, once a (shop) year each; idempotent. */
  async grantBirthdayBonuses(customerIds: string[], on: Date): Promise<number> {
    const program = await this.programs.findActive();
    const rule = await this.ruleAt(this.dataSource.manager, on);
    if (!program || !rule || rule.birthdayBonus <= 0) return 0;
    const reason = `Birthday bonus ${this.shopTime.dayOf(on).slice(0, 4)}`;
    let granted = 0;
    for (const customerId of customerIds) {
      await this.dataSource.transaction(async (manager) => {
        await lock(manager, customerId);
        const done = await manager.query(
          `select 1 from loyalty_ledger_entries where customer_id = $1 and kind = 'EARN' and reason = $2`,
          [customerId, reason],
        );
        if (done.length > 0) return;
        const expiresAt = program.pointsValidityMonths
          ? pointsExpiryAt(on, program.pointsValidityMonths, this.shopTime)
          : null;
        await manager.query(
          `insert into loyalty_ledger_entries (customer_id, program_id, kind, points, reason, rule_version_id, expires_at, occurred_at)
           values ($1, $2, 'EARN', $3, $4, $5, $6, $7)`,
          [customerId, program.id, rule.birthdayBonus, reason, rule.id, expiresAt, on],
        );
        ledgerEntryAdded(this.events, manager, customerId, {
          kind: 'EARN',
          points: rule.birthdayBonus,
          reason,
          orderId: null,
          expiresAt,
        });
        granted += 1;
      });
    }
    return granted;
  }

  /** After a return: takes back the refunded share of what the order earned, never below a zero balance. */
  async takeBackForReturn(manager: EntityManager, order: OrderFacts): Promise<number> {
    const program = await this.programs.findActiveIn(manager);
    if (!program) return 0;
    await lock(manager, order.customerId);
    await this.reverseCashback(manager, order);
    const [row] = await manager.query(
      `select coalesce(sum(points) filter (where kind = 'EARN'), 0)::int as earned, coalesce(-sum(points) filter (where kind = 'ADJUST'), 0)::int as taken
       from loyalty_ledger_entries where customer_id = $1 and order_id = $2`,
      [order.customerId, order.id],
    );
    const [{ balance }] = await manager.query(
      'select coalesce(sum(points), 0)::int as balance from loyalty_ledger_entries where customer_id = $1',
      [order.customerId],
    );
    const points = Math.min(
      pointsToTakeBack(row.earned, order.refundedMinor, order.netMinor, row.taken),
      Math.max(balance, 0),
    );
    if (points <= 0) return 0;
    await manager.query(
      `insert into loyalty_ledger_entries (customer_id, program_id, kind, points, reason, order_id, occurred_at)
       values ($1, $2, 'ADJUST', $3, $4, $5, now())`,
      [order.customerId, program.id, -points, `Return of order ${order.externalRef}`, order.id],
    );
    ledgerEntryAdded(this.events, manager, order.customerId, {
      kind: 'ADJUST',
      points: -points,
      reason: `Return of order ${order.externalRef}`,
      orderId: order.id,
      expiresAt: null,
    });
    return points;
  }

  /** Earns for every past order that has not earned yet; running it twice changes nothing. */
  async replay(
    onProgress?: (orders: number, points: number) => void,
  ): Promise<{ orders: number; earningOrders: number; points: number }> {
    let after: string | null = null;
    let orders = 0;
    let earningOrders = 0;
    let points = 0;
    for (;;) {
      const ids = await this.orders.orderIdsAfter(after, 1000);
      if (ids.length === 0) break;
      await this.dataSource.transaction(async (manager) => {
        for (const id of ids) {
          const order = await this.orders.orderFacts(manager, id);
          const earned = order ? await this.earnForOrder(manager, order) : 0;
          if (earned > 0) earningOrders += 1;
          points += earned;
        }
      });
      orders += ids.length;
      after = ids[ids.length - 1];
      onProgress?.(orders, points);
    }
    return { orders, earningOrders, points };
  }

  /** Writes EXPIRE entries for every lot expired by `until`, oldest first; idempotent. */
  async expireUntil(until: Date): Promise<{ customers: number; points: number }> {
    const program = await this.programs.findActive();
    if (!program) return { customers: 0, points: 0 };
    const customerIds: string[] = (
      await this.dataSource.query(
        `select distinct customer_id from loyalty_ledger_entries where expires_at <= $1`,
        [until],
      )
    ).map((r: { customer_id: string }) => r.customer_id);
    let customers = 0;
    let points = 0;
    for (const customerId of customerIds) {
      await this.dataSource.transaction(async (manager) => {
        await lock(manager, customerId);
        const movements: LedgerMovement[] = await manager.query(
          `select kind, points, occurred_at as "occurredAt", expires_at as "expiresAt" from loyalty_ledger_entries
           where customer_id = $1 order by occurred_at, created_at, id`,
          [customerId],
        );
        const due = remainingLots(movements).filter(
          (lot) => lot.expiresAt !== null && lot.expiresAt <= until,
        );
        for (const lot of due) {
          await manager.query(
            `insert into loyalty_ledger_entries (customer_id, program_id, kind, points, reason, occurred_at) values ($1, $2, 'EXPIRE', $3, 'Points expired', $4)`,
            [customerId, program.id, -lot.remaining, lot.expiresAt],
          );
          ledgerEntryAdded(this.events, manager, customerId, {
            kind: 'EXPIRE',
            points: -lot.remaining,
            reason: 'Points expired',
            orderId: null,
            expiresAt: null,
          });
          points += lot.remaining;
        }
        if (due.length > 0) customers += 1;
      });
    }
    return { customers, points };
  }

  /**
   * Announces points that lapse on the shop days `fromDay` to `toDay` (loyalty.points_expiring, one event per customer
   * and expiry day, with what will still be left of those lots then, oldest spent first): all in one transaction,
   * so a retried run announces nothing twice. The daily job passes the days N ahead of the slots it runs for.
   */
  async announceExpiring(
    fromDay: string,
    toDay: string,
  ): Promise<{ customers: number; points: number }> {
    const start = this.shopTime.startOfDay(fromDay);
    const end = this.shopTime.endOfDay(toDay);
    const movements: (LedgerMovement & { customerId: string })[] = await this.dataSource.query(
      `select customer_id as "customerId", kind, points, occurred_at as "occurredAt", expires_at as "expiresAt"
       from loyalty_ledger_entries where customer_id in (
         select distinct customer_id from loyalty_ledger_entries where kind = 'EARN' and expires_at >= $1 and expires_at < $2)
       order by customer_id, occurred_at, created_at, id`,
      [start, end],
    );
    const byCustomer = new Map<string, LedgerMovement[]>();
    for (const m of movements) {
      const list = byCustomer.get(m.customerId) ?? [];
      list.push(m);
      byCustomer.set(m.customerId, list);
    }
    const notices: { customerId: string; points: number; expiresAt: Date }[] = [];
    for (const [customerId, list] of byCustomer) {
      const byDay = new Map<string, { points: number; expiresAt: Date }>();
      for (const lot of remainingLots(list)) {
        if (!lot.expiresAt || lot.expiresAt < start || lot.expiresAt >= end) continue;
        const day = this.shopTime.dayOf(lot.expiresAt);
        const notice = byDay.get(day) ?? { points: 0, expiresAt: lot.expiresAt };
        notice.points += lot.remaining;
        if (lot.expiresAt < notice.expiresAt) notice.expiresAt = lot.expiresAt;
        byDay.set(day, notice);
      }
      for (const notice of byDay.values()) notices.push({ customerId, ...notice });
    }
    if (notices.length > 0) {
      await this.dataSource.transaction(async (manager) => {
        for (const notice of notices)
          await this.events.publish(manager, 'loyalty.points_expiring', notice);
      });
    }
    return {
      customers: new Set(notices.map((n) => n.customerId)).size,
      points: notices.reduce((sum, n) => sum + n.points, 0),
    };
  }

  /** Balance integrity: no customer's balance is negative and no FIFO replay of a ledger overdraws. */
  async check(): Promise<{
    customers: number;
    negativeBalances: string[];
    overdrawnLedgers: string[];
  }> {
    const negative: { customer_id: string }[] = await this.dataSource.query(
      'select customer_id from loyalty_ledger_entries group by customer_id having sum(points) < 0',
    );
    const all: {
      customer_id: string;
      kind: LedgerMovement['kind'];
      points: number;
      occurredAt: Date;
      expiresAt: Date | null;
    }[] = await this.dataSource.query(
      `select customer_id, kind, points, occurred_at as "occurredAt", expires_at as "expiresAt" from loyalty_ledger_entries order by customer_id, occurred_at, created_at, id`,
    );
    const overdrawn = new Set<string>();
    const running = new Map<string, number>();
    for (const m of all) {
      const balance = (running.get(m.customer_id) ?? 0) + m.points;
      running.set(m.customer_id, balance);
      if (balance < 0) overdrawn.add(m.customer_id);
    }
    return {
      customers: running.size,
      negativeBalances: negative.map((n) => n.customer_id),
      overdrawnLedgers: [...overdrawn],
    };
  }
}
