import type { DomainEventBus } from '../../common/domain-events';
import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError } from '../../common/errors';
import { money, parseMoney } from '../../common/money';
import { OrderService, OrderSpendService } from '../orders';
import { ConfigureLoyaltyProgramInput } from './loyalty.inputs';
import { nextTier, twelveMonthsBefore } from './loyalty-rules';
import { LoyaltyProgram, LoyaltyTier, TierBasis } from './loyalty.types';

interface ProgramRow {
  id: string;
  name: string;
  currency: string;
  tier_basis: TierBasis;
  points_validity_months: number | null;
}
interface TierRow {
  code: string;
  name: string;
  threshold: string;
  retention_threshold: string | null;
  benefits: string[];
}

const EVALUATION_CHUNK = 5000;

export class LoyaltyProgramService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderService,
    private readonly spend: OrderSpendService,
    private readonly events: DomainEventBus,
  ) {}

  /** For reads outside any write (loaders, resolvers, jobs). Inside a write use findActiveIn with its manager. */
  async findActive(): Promise<LoyaltyProgram | null> {
    return this.findActiveIn(this.dataSource.manager);
  }

  /**
   * The active program, read once per write transaction (an order's earning and its tier evaluation both need it);
   * outside a transaction every call reads. configure() reads it only once its own writes are done.
   */
  async findActiveIn(manager: EntityManager): Promise<LoyaltyProgram | null> {
    if (!manager.queryRunner?.isTransactionActive) return this.readActive(manager);
    let read = this.readInTransaction.get(manager);
    if (!read) {
      read = this.readActive(manager);
      this.readInTransaction.set(manager, read);
    }
    return read;
  }

  private readonly readInTransaction = new WeakMap<EntityManager, Promise<LoyaltyProgram | null>>();

  private async readActive(manager: EntityManager): Promise<LoyaltyProgram | null> {
    // One statement: every loyalty field of every request starts here.
    const [program]: (ProgramRow & { tiers: TierRow[] })[] = await manager.query(
      `select p.*, coalesce((select json_agg(json_build_object('code', t.code, 'name', t.name, 'threshold', t.threshold::text,
           'retention_threshold', t.retention_threshold::text, 'benefits', t.benefits) order by t.threshold)
         from loyalty_tiers t where t.program_id = p.id), '[]'::json) as tiers
       from loyalty_programs p where p.active`,
    );
    if (!program) return null;
    const tiers = program.tiers;
    return {
      id: program.id,
      name: program.name,
      currency: program.currency,
      tierBasis: program.tier_basis,
      pointsValidityMonths: program.points_validity_months,
      tiers: tiers.map((t) => toTier(t, program.tier_basis, program.currency)),
    };
  }

  async configure(input: ConfigureLoyaltyProgramInput): Promise<LoyaltyProgram> {
    const currency = this.orders.shopCurrency;
    const thresholds = input.tiers.map((tier, i) =>
      parseThreshold(tier.threshold, input.tierBasis, currency, `tiers[${i}].threshold`),
    );
    if (new Set(input.tiers.map((t) => t.code)).size !== input.tiers.length)
      throw new BadUserInputError('Tier codes must differ', { field: 'tiers' });
    if (new Set(thresholds.map(String)).size !== thresholds.length)
      throw new BadUserInputError('Tier thresholds must differ', { field: 'tiers' });
    return this.dataSource.transaction(async (manager) => {
      const [existing]: ProgramRow[] = await manager.query(
        'select * from loyalty_programs where active for update',
      );
      let programId = existing?.id;
      if (existing) {
        await manager.query(
          'update loyalty_programs set name = $2, tier_basis = $3, points_validity_months = $4 where id = $1',
          [programId, input.name, input.tierBasis, input.pointsValidityMonths ?? null],
        );
        await manager.query('delete from loyalty_tiers where program_id = $1', [programId]);
      } else {
        [{ id: programId }] = await manager.query(
          'insert into loyalty_programs (name, currency, tier_basis, points_validity_months) values ($1, $2, $3, $4) returning id',
          [input.name, currency, input.tierBasis, input.pointsValidityMonths ?? null],
        );
      }
      for (const [i, tier] of input.tiers.entries()) {
        const retention =
          tier.retentionThreshold != null
            ? parseThreshold(
                tier.retentionThreshold,
                input.tierBasis,
                currency,
                `tiers[${i}].retentionThreshold`,
              )
            : null;
        if (retention !== null && retention > thresholds[i]) {
          throw new BadUserInputError('A retention threshold cannot exceed the tier threshold', {
            field: `tiers[${i}].retentionThreshold`,
          });
        }
        await manager.query(
          'insert into loyalty_tiers (program_id, code, name, threshold, retention_threshold, benefits) values ($1, $2, $3, $4, $5, $6::text[])',
          [
            programId,
            tier.code,
            tier.name,
            thresholds[i].toString(),
            retention?.toString() ?? null,
            tier.benefits,
          ],
        );
      }
      await this.evaluateAll(manager, new Date());
      return (await this.findActiveIn(manager))!;
    });
  }

  /** The value tiers are measured on, over the 12 months before asOf. */
  async qualifyingValues(
    manager: EntityManager,
    program: LoyaltyProgram,
    customerIds: readonly string[] | null,
    asOf: Date,
  ) {
    const since = twelveMonthsBefore(asOf);
    if (program.tierBasis === TierBasis.SPEND_12M)
      return this.spend.netSpendSince(customerIds, since, manager);
    const rows: { customer_id: string; points: string }[] = await manager.query(
      `select customer_id, sum(points) as points from loyalty_ledger_entries
       where ($1::uuid[] is null or customer_id = any($1::uuid[])) and kind = 'EARN' and occurred_at >= $2 and occurred_at <= $3
       group by customer_id`,
      [customerIds, since, asOf],
    );
    return new Map(rows.map((r) => [r.customer_id, BigInt(r.points)]));
  }

  /** Re-evaluates the stored tier of some customers (after their orders or points changed). */
  async evaluate(manager: EntityManager, customerIds: string[], asOf: Date): Promise<void> {
    const program = await this.findActiveIn(manager);
    if (!program || customerIds.length === 0) return;
    const values = await this.qualifyingValues(manager, program, customerIds, asOf);
    await this.storeTiers(
      manager,
      program,
      customerIds.map((id) => [id, values.get(id) ?? 0n]),
      asOf,
    );
  }

  /** Re-evaluates every customer with a qualifying value, and clears the tier of the others. */
  async evaluateAll(manager: EntityManager, asOf: Date): Promise<void> {
    const program = await this.findActiveIn(manager);
    if (!program) return;
    const qualifying = await this.qualifyingValues(manager, program, null, asOf);
    // Members without a qualifying value any more are evaluated at zero, so they can lose their tier.
    const members: { customer_id: string }[] = await manager.query(
      'select customer_id from loyalty_memberships',
    );
    for (const m of members) if (!qualifying.has(m.customer_id)) qualifying.set(m.customer_id, 0n);
    const values = [...qualifying.entries()];
    for (let i = 0; i < values.length; i += EVALUATION_CHUNK) {
      await this.storeTiers(manager, program, values.slice(i, i + EVALUATION_CHUNK), asOf);
    }
  }

  /** Writes the tiers that follow from the values (with retention), and a history row for every change. */
  private async storeTiers(
    manager: EntityManager,
    program: LoyaltyProgram,
    values: [string, bigint][],
    asOf: Date,
  ) {
    const current = await this.currentCodes(
      manager,
      values.map(([id]) => id),
    );
    const decisions = values.map(([id, value]) => ({
      id,
      value,
      ...nextTier(program.tiers, current.get(id) ?? null, value),
    }));
    const codes = decisions.map((d) => d.code);
    const changes = decisions.filter((d) => d.reason !== null);
    if (changes.length > 0) {
      await manager.query(
        `insert into loyalty_tier_changes (customer_id, program_id, from_code, to_code, reason, qualifying_value, changed_at)
         select c, $1, f, t, r, v, $7 from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[]) as x(c, f, t, r, v)`,
        [
          program.id,
          changes.map((c) => c.id),
          changes.map((c) => current.get(c.id) ?? null),
          changes.map((c) => c.code),
          changes.map((c) => c.reason),
          changes.map((c) => c.value.toString()),
          asOf,
        ],
      );
      for (const change of changes) {
        await this.events.publish(manager, 'loyalty.tier_changed', {
          customerId: change.id,
          fromTier: current.get(change.id) ?? null,
          toTier: change.code,
          reason: change.reason!,
          changedAt: asOf,
        });
      }
    }
    await manager.query(
      `insert into loyalty_memberships (customer_id, program_id, tier_code, tier_since, evaluated_at)
       select customer_id, $1, tier_code, $4, $4 from unnest($2::uuid[], $3::text[]) as m(customer_id, tier_code)
       on conflict (customer_id) do update set program_id = excluded.program_id, evaluated_at = excluded.evaluated_at,
         tier_since = case when loyalty_memberships.tier_code is not distinct from excluded.tier_code
                           then loyalty_memberships.tier_since else excluded.tier_since end,
         tier_code = excluded.tier_code`,
      [program.id, values.map(([id]) => id), codes, asOf],
    );
  }

  async currentCodes(
    manager: EntityManager,
    customerIds: readonly string[],
  ): Promise<Map<string, string | null>> {
    const rows: { customer_id: string; tier_code: string | null }[] = await manager.query(
      'select customer_id, tier_code from loyalty_memberships where customer_id = any($1::uuid[])',
      [customerIds],
    );
    return new Map(rows.map((r) => [r.customer_id, r.tier_code]));
  }

  async tierHistory(customerIds: readonly string[]) {
    const rows: {
      customer_id: string;
      from_code: string | null;
      to_code: string | null;
      reason: string;
      changed_at: Date;
    }[] = await this.dataSource.query(
      `select customer_id, from_code, to_code, reason, changed_at from loyalty_tier_changes where customer_id = any($1::uuid[])
       order by customer_id, changed_at desc, id`,
      [customerIds],
    );
    return customerIds.map((id) =>
      rows
        .filter((r) => r.customer_id === id)
        .map((r) => ({
          fromTier: r.from_code,
          toTier: r.to_code,
          reason: r.reason,
          changedAt: r.changed_at,
        })),
    );
  }
}

function parseThreshold(raw: string, basis: TierBasis, currency: string, field: string): bigint {
  if (basis === TierBasis.SPEND_12M) return parseMoney(raw, currency, field);
  if (!/^\d+$/.test(raw))
    throw new BadUserInputError('A points threshold is a whole number', { field });
  return BigInt(raw);
}

export function toTier(row: TierRow, basis: TierBasis, currency: string): LoyaltyTier {
  const threshold = BigInt(row.threshold);
  const retentionThreshold =
    row.retention_threshold === null ? null : BigInt(row.retention_threshold);
  return {
    code: row.code,
    name: row.name,
    benefits: row.benefits,
    threshold,
    retentionThreshold,
    retentionPoints:
      basis === TierBasis.POINTS_12M ? Number(retentionThreshold ?? threshold) : null,
    retentionSpend:
      basis === TierBasis.SPEND_12M ? money(retentionThreshold ?? threshold, currency) : null,
    thresholdPoints: basis === TierBasis.POINTS_12M ? Number(threshold) : null,
    thresholdSpend: basis === TierBasis.SPEND_12M ? money(threshold, currency) : null,
  };
}
