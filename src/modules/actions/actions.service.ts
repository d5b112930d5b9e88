import type { DomainEventBus } from '../../common/domain-events';
import { ActionKindName } from './actions.types';
import { DataSource } from 'typeorm';
import { isConsentable } from '../../common/channels';
import { BadUserInputError } from '../../common/errors';
import { mapInSlices } from '../../common/cooperative';
import { addDays, ShopTime } from '../../common/shop-time';
import { CustomerService } from '../customers';
import { OrderService, ProductAffinityQueries, ProductCycleRow } from '../orders';
import { CommunicationService } from '../communications';
import { LoyaltyEarningService, LoyaltyService, pointsExpiringWithin } from '../loyalty';
import { MetricsService, MetricsStoreService } from '../metrics';
import { purchaseCycle } from './replenishment';
import { upcomingMoments } from './moments';
import { CandidateAction, ProposedAction, proposeActions } from './next-best-action';
import { checkDayWindow } from './day-window';

export interface Replenishment {
  customerId: string;
  productId: string;
  sku: string;
  name: string;
  category: string;
  purchases: number;
  typicalIntervalDays: number;
  lastPurchaseDay: string;
  dueDay: string;
  confidence: number;
  averagePaidMinor: number;
}

export interface Recommendation {
  productId: string;
  lift: number;
  confidence: number;
  becauseOf: string[];
}

/** Replenishment, recommendations, moments and next best actions, from the other modules' data. */
export class ActionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomerService,
    private readonly orders: OrderService,
    private readonly affinity: ProductAffinityQueries,
    private readonly communications: CommunicationService,
    private readonly loyalty: LoyaltyService,
    private readonly earning: LoyaltyEarningService,
    private readonly metrics: MetricsService,
    private readonly metricsStore: MetricsStoreService,
    private readonly currency: string,
    private readonly quietDays: number,
    private readonly shopTime: ShopTime,
    private readonly events: DomainEventBus,
  ) {}

  /**
   * Announces every next best action due on the shop days `fromDay` to `toDay` across the base (action.due), all in
   * one transaction, so a retried run announces nothing twice; the daily job passes the days of the slots it runs for.
   */
  async announceDue(fromDay: string, toDay: string, now: Date): Promise<{ actions: number }> {
    const due: { customerId: string; action: ProposedAction }[] = [];
    for (const kind of Object.values(ActionKindName))
      due.push(...(await this.actionsAcrossBase(kind, fromDay, toDay, now)));
    if (due.length > 0) {
      await this.dataSource.transaction(async (manager) => {
        for (const { customerId, action } of due)
          await this.events.publish(manager, 'action.due', {
            customerId,
            action,
            currency: this.currency,
          });
      });
    }
    return { actions: due.length };
  }

  toReplenishment(row: ProductCycleRow): Replenishment | null {
    const cycle = purchaseCycle(row.gaps, row.lastDay);
    if (!cycle) return null;
    return {
      customerId: row.customerId,
      productId: row.productId,
      sku: row.sku,
      name: row.name,
      category: row.category,
      purchases: row.purchaseDays,
      typicalIntervalDays: cycle.typicalIntervalDays,
      lastPurchaseDay: row.lastDay,
      dueDay: cycle.dueDay,
      confidence: cycle.confidence,
      averagePaidMinor: Math.round(row.averagePaidMinor),
    };
  }

  async replenishmentByCustomerIds(customerIds: readonly string[]): Promise<Replenishment[][]> {
    const rows = (await this.affinity.productCycles(customerIds))
      .map((r) => this.toReplenishment(r))
      .filter((r): r is Replenishment => r !== null);
    return customerIds.map((id) =>
      rows.filter((r) => r.customerId === id).sort((a, b) => a.dueDay.localeCompare(b.dueDay)),
    );
  }

  /** Every cycle across the base that falls due between the two days (a bounded window), soonest first. */
  async replenishmentDue(fromDay: string, toDay: string): Promise<Replenishment[]> {
    checkDayWindow(fromDay, toDay, { from: 'from', to: 'to' });
    return this.cyclesDueBetween(fromDay, toDay);
  }

  // Unchecked: the reorder candidates widen a checked window. Every cycle of the base is computed, in slices.
  private async cyclesDueBetween(fromDay: string, toDay: string): Promise<Replenishment[]> {
    return (
      await mapInSlices(await this.affinity.productCycles(null), (r) => this.toReplenishment(r), 64)
    )
      .filter((r): r is Replenishment => r !== null && r.dueDay >= fromDay && r.dueDay <= toDay)
      .sort(
        (a, b) =>
          a.dueDay.localeCompare(b.dueDay) ||
          a.customerId.localeCompare(b.customerId) ||
          a.productId.localeCompare(b.productId),
      );
  }

  async mineAssociations(windowDays: number, minSupport: number): Promise<{ rules: number }> {
    if (windowDays < 1 || windowDays > 3650)
      throw new BadUserInputError('windowDays must be 1 to 3650', { field: 'windowDays' });
    if (!(minSupport > 0 && minSupport < 1))
      throw new BadUserInputError('minSupport must be between 0 and 1', { field: 'minSupport' });
    const rules = await this.affinity.mineAssociations(windowDays, minSupport);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('delete from product_associations');
      if (rules.length === 0) return;
      await manager.query(
        `insert into product_associations (antecedent_id, consequent_id, support, confidence, lift, customers, window_days, mined_at)
         select a, c, s, f, l, n, $7, now() from unnest($1::uuid[], $2::uuid[], $3::float8[], $4::float8[], $5::float8[], $6::int[]) as r(a, c, s, f, l, n)`,
        [
          rules.map((r) => r.antecedentId),
          rules.map((r) => r.consequentId),
          rules.map((r) => r.support),
          rules.map((r) => r.confidence),
          rules.map((r) => r.lift),
          rules.map((r) => r.customers),
          windowDays,
        ],
      );
    });
    return { rules: rules.length };
  }

  async complements(
    productIds: readonly string[],
    limit: number,
  ): Promise<
    {
      productId: string;
      consequentId: string;
      support: number;
      confidence: number;
      lift: number;
    }[][]
  > {
    const rows: {
      antecedent_id: string;
      consequent_id: string;
      support: number;
      confidence: number;
      lift: number;
    }[] = await this.dataSource.query(
      `select * from (select a.*, row_number() over (partition by antecedent_id order by lift desc, consequent_id) as n
         from product_associations a where antecedent_id = any($1::uuid[])) x where n <= $2`,
      [productIds, limit],
    );
    return productIds.map((id) =>
      rows
        .filter((r) => r.antecedent_id === id)
        .map((r) => ({
          productId: id,
          consequentId: r.consequent_id,
          support: r.support,
          confidence: r.confidence,
          lift: r.lift,
        })),
    );
  }

  /** Products that go with what each customer bought and that they have not bought, best lift first. */
  async recommendations(
    customerIds: readonly string[],
    limit: number,
  ): Promise<Recommendation[][]> {
    const bought = await this.affinity.productsBought(customerIds);
    const rules: {
      antecedent_id: string;
      consequent_id: string;
      confidence: number;
      lift: number;
    }[] = bought.length
      ? await this.dataSource.query(
          'select * from product_associations where antecedent_id = any($1::uuid[]) and lift > 1',
          [[...new Set(bought.map((b) => b.productId))]],
        )
      : [];
    return customerIds.map((customerId) => {
      const owned = new Set(
        bought.filter((b) => b.customerId === customerId).map((b) => b.productId),
      );
      const best = new Map<string, Recommendation>();
      for (const rule of rules) {
        if (!owned.has(rule.antecedent_id) || owned.has(rule.consequent_id)) continue;
        const current = best.get(rule.consequent_id) ?? {
          productId: rule.consequent_id,
          lift: 0,
          confidence: 0,
          becauseOf: [],
        };
        current.becauseOf.push(rule.antecedent_id);
        if (rule.lift > current.lift)
          Object.assign(current, { lift: rule.lift, confidence: rule.confidence });
        best.set(rule.consequent_id, current);
      }
      return [...best.values()].sort((a, b) => b.lift - a.lift).slice(0, limit);
    });
  }

  /** Ranked actions per customer, safe to send: consented channels only, nothing inside the quiet period. */
  async nextBestActions(customerIds: readonly string[], today: Date): Promise<ProposedAction[][]> {
    const day = this.shopTime.dayOf(today);
    const [
      profiles,
      consents,
      lastContacts,
      cycles,
      sources,
      standings,
      movements,
      recommendations,
      keyLine,
      rules,
    ] = await Promise.all([
      this.customers.findByIds(customerIds),
      this.customers.consentsByCustomerIds(customerIds),
      this.communications.lastOutboundAt(customerIds),
      this.replenishmentByCustomerIds(customerIds),
      this.metrics.sourcesFor(customerIds, today),
      this.loyalty.standingByCustomerIds(customerIds, today),
      this.loyalty.movementsByCustomerIds(customerIds),
      this.recommendations(customerIds, 1),
      this.metricsStore.predictedClvQuantile(0.8),
      this.earning.rules(),
    ]);
    const pointValue = rules[0]?.pointValueMinor ?? 1;
    const productNames = new Map(
      (
        await this.orders.productsByIds(
          recommendations.flat().flatMap((r) => [r.productId, ...r.becauseOf]),
        )
      )
        .filter((p) => p !== null)
        .map((p) => [p.databaseId, p]),
    );
    // Each customer's models (metrics, a year's CLV) cost about a millisecond: one checkpoint per customer, so a
    // base-wide list yields to other requests and stops at the deadline.
    return mapInSlices(
      customerIds,
      (_, i) => {
        const profile = profiles[i];
        if (!profile) return [];
        const source = sources[i];
        const m = this.metrics.metrics(source, this.currency);
        const alive = m.probabilityAlive ?? 1;
        const clv = Number(
          this.metrics.predictedClvValue(source, 12, 0.01, this.currency)?.minorUnits ?? 0,
        );
        const candidates: CandidateAction[] = [];
        for (const r of cycles[i]) {
          if (
            r.confidence < 0.3 ||
            r.dueDay > addDays(day, 7) ||
            r.dueDay < addDays(day, -Math.ceil(r.typicalIntervalDays / 2))
          )
            continue;
          candidates.push({
            kind: 'REORDER_REMINDER',
            reason: `Buys ${r.name} about every ${r.typicalIntervalDays} days; last on ${r.lastPurchaseDay}, due ${r.dueDay}`,
            dueDay:
              r.dueDay < day ? day : addDays(r.dueDay, -2) < day ? day : addDays(r.dueDay, -2),
            expectedValueMinor: Math.round(r.averagePaidMinor * alive),
            channels: ['EMAIL', 'SMS', 'PUSH'],
            weight: r.confidence,
          });
        }
        if (m.churnRisk?.level === 'HIGH' && source.history && source.history.x >= 1) {
          const why = m.churnRisk.reasons
            .slice(0, 2)
            .map((r) => r.description.toLowerCase())
            .join('; ');
          candidates.push({
            kind: 'WIN_BACK',
            reason: `Churn risk ${Math.round(m.churnRisk.score * 100)}%: ${why}`,
            dueDay: day,
            expectedValueMinor: Math.round(Number(source.netSpentMinor) / (source.history.x + 1)),
            channels: ['EMAIL', 'SMS', 'PHONE'],
            weight: m.churnRisk.score,
          });
        }
        for (const moment of upcomingMoments(profile, day, 7, this.shopTime)) {
          const what =
            moment.kind === 'BIRTHDAY'
              ? 'Birthday'
              : moment.kind === 'NAME_DAY'
                ? 'Name day'
                : `${moment.years}-year signup anniversary`;
          const personalData =
            moment.kind === 'BIRTHDAY'
              ? 'birth_date'
              : moment.kind === 'NAME_DAY'
                ? 'name_day'
                : undefined;
          candidates.push({
            kind: 'GREETING',
            reason: `${what} on ${moment.day}`,
            dueDay: moment.day,
            expectedValueMinor: 0,
            channels: ['EMAIL', 'SMS', 'PUSH'],
            weight: 0.6,
            ...(personalData ? { personalData } : {}),
          });
        }
        const recommendation = recommendations[i][0];
        if (recommendation && recommendation.lift >= 1.5) {
          const product = productNames.get(recommendation.productId);
          const because = recommendation.becauseOf
            .map((id) => productNames.get(id)?.name)
            .filter(Boolean)
            .join(', ');
          candidates.push({
            kind: 'COMPLEMENTARY_PRODUCT',
            reason: `Bought ${because}; customers who did often buy ${product?.name} next (lift ${recommendation.lift.toFixed(1)})`,
            dueDay: day,
            expectedValueMinor: Math.round(
              Number(product?.unitPrice.minorUnits ?? 0) * recommendation.confidence * alive,
            ),
            channels: ['EMAIL', 'PUSH'],
            weight: Math.min(1, recommendation.confidence * 2),
          });
        }
        if (source.openComplaints > 0 || (source.latestNps !== null && source.latestNps <= 6)) {
          candidates.push({
            kind: 'SERVICE_FOLLOW_UP',
            reason:
              source.openComplaints > 0
                ? `${source.openComplaints} open complaint(s)`
                : `Detractor NPS answer (${source.latestNps})`,
            dueDay: day,
            expectedValueMinor: clv,
            channels: ['PHONE', 'EMAIL'],
            weight: 0.9,
          });
        }
        if (keyLine !== null && clv > keyLine && source.openComplaints === 0) {
          candidates.push({
            kind: 'THANK_YOU',
            reason: 'Key customer: among the top 20% by predicted CLV',
            dueDay: day,
            expectedValueMinor: Math.round(clv * 0.02),
            channels: ['EMAIL', 'PHONE'],
            weight: 0.5,
          });
        }
        const standing = standings[i];
        if (
          standing?.nextTier &&
          standing.progressToNextTier >= 0.8 &&
          standing.progressToNextTier < 1
        ) {
          const gap = standing.spendToNextTier
            ? `${standing.spendToNextTier.amount} ${standing.spendToNextTier.currency}`
            : `${standing.pointsToNextTier} points`;
          candidates.push({
            kind: 'TIER_NUDGE',
            reason: `${gap} from ${standing.nextTier.name}`,
            dueDay: day,
            expectedValueMinor: Number(standing.spendToNextTier?.minorUnits ?? 0),
            channels: ['EMAIL', 'PUSH'],
            weight: standing.progressToNextTier,
          });
        }
        const expiring = pointsExpiringWithin(movements[i], today, 30);
        if (expiring > 0) {
          candidates.push({
            kind: 'POINTS_EXPIRING',
            reason: `${expiring} points expire within 30 days`,
            dueDay: day,
            expectedValueMinor: Math.round(expiring * pointValue),
            channels: ['EMAIL', 'SMS', 'PUSH'],
            weight: 0.7,
          });
        }
        const granted = consents[i]
          .filter((c) => c.granted)
          .map((c) => c.channel)
          .filter(isConsentable);
        return proposeActions(candidates, {
          consentedChannels: granted,
          lastContactedAt: lastContacts[i],
          quietDays: this.quietDays,
          now: today,
          today: day,
        });
      },
      1,
    );
  }

  /** Moments of every customer within `days` from today, soonest first. */
  async upcomingMoments(today: Date, days: number) {
    if (days < 0 || days > 366)
      throw new BadUserInputError('days must be 0 to 366', { field: 'days' });
    const sources = await this.customers.momentSources();
    const day = this.shopTime.dayOf(today);
    return (
      await mapInSlices(
        sources,
        (s) =>
          upcomingMoments(s, day, days, this.shopTime).map((m) => ({ customerId: s.id, ...m })),
        256,
      )
    )
      .flat()
      .sort(
        (a, b) =>
          a.day.localeCompare(b.day) ||
          a.customerId.localeCompare(b.customerId) ||
          a.kind.localeCompare(b.kind),
      );
  }

  momentsOf(
    source: {
      birthDate: string | null;
      nameDay: { month: number; day: number } | null;
      signupAt: Date;
    },
    today: Date,
  ) {
    return upcomingMoments(source, this.shopTime.dayOf(today), 366, this.shopTime);
  }

  /** Actions of one kind due in a window, across the base, soonest first. Scores candidates in batches. */
  async actionsAcrossBase(
    kind: string,
    fromDay: string,
    toDay: string,
    today: Date,
  ): Promise<{ customerId: string; action: ProposedAction }[]> {
    checkDayWindow(fromDay, toDay, { from: 'dueFrom', to: 'dueTo' });
    const candidates = await this.candidatesFor(kind, fromDay, toDay);
    const found: { customerId: string; action: ProposedAction }[] = [];
    for (let i = 0; i < candidates.length; i += 500) {
      const ids = candidates.slice(i, i + 500);
      const lists = await this.nextBestActions(ids, today);
      lists.forEach((list, k) => {
        for (const action of list)
          if (action.kind === kind && action.dueDay >= fromDay && action.dueDay <= toDay)
            found.push({ customerId: ids[k], action });
      });
    }
    return found.sort(
      (a, b) =>
        a.action.dueDay.localeCompare(b.action.dueDay) ||
        a.customerId.localeCompare(b.customerId) ||
        a.action.reason.localeCompare(b.action.reason),
    );
  }

  /** Customers likely to have actions of a kind, so that the base-wide list need not score everyone. */
  async candidatesFor(kind: string, fromDay: string, toDay: string): Promise<string[]> {
    switch (kind) {
      case 'REORDER_REMINDER':
        return [
          ...new Set(
            (await this.cyclesDueBetween(addDays(fromDay, -60), addDays(toDay, 7))).map(
              (r) => r.customerId,
            ),
          ),
        ];
      case 'WIN_BACK':
        return this.metricsStore.customerIdsWithChurnLevel('HIGH');
      default:
        return this.customers.idsAfter(null, 1_000_000);
    }
  }
}
