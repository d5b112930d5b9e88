import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError } from '../../common/errors';
import { money, parseMoney } from '../../common/money';
import { SqlParams } from '../../common/sql';
import type { CustomerFilter } from '../customers';
import { OrderService } from '../orders';
import { ConfigureLoyaltyProgramInput } from './loyalty.inputs';
import { placeInTiers, twelveMonthsBefore } from './loyalty-rules';
import { LoyaltyProgram, LoyaltyTier, TierBasis } from './loyalty.types';

interface ProgramRow { id: string; name: string; currency: string; tier_basis: TierBasis; points_validity_months: number | null }
interface TierRow { code: string; name: string; threshold: string; benefits: string[] }

const EVALUATION_CHUNK = 5000;

export class LoyaltyProgramService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderService,
  ) {}

  async findActive(manager: EntityManager = this.dataSource.manager): Promise<LoyaltyProgram | null> {
    const [program]: ProgramRow[] = await manager.query('select * from loyalty_programs where active');
    if (!program) return null;
    const tiers: TierRow[] = await manager.query(
      'select code, name, threshold, benefits from loyalty_tiers where program_id = $1 order by threshold', [program.id]);
    return {
      id: program.id, name: program.name, currency: program.currency, tierBasis: program.tier_basis,
      pointsValidityMonths: program.points_validity_months,
      tiers: tiers.map((t) => toTier(t, program.tier_basis, program.currency)),
    };
  }

  async configure(input: ConfigureLoyaltyProgramInput): Promise<LoyaltyProgram> {
    const currency = this.orders.shopCurrency;
    const thresholds = input.tiers.map((tier, i) => parseThreshold(tier.threshold, input.tierBasis, currency, `tiers[${i}].threshold`));
    if (new Set(input.tiers.map((t) => t.code)).size !== input.tiers.length) throw new BadUserInputError('Tier codes must differ', { field: 'tiers' });
    if (new Set(thresholds.map(String)).size !== thresholds.length) throw new BadUserInputError('Tier thresholds must differ', { field: 'tiers' });
    return this.dataSource.transaction(async (manager) => {
      const [existing]: ProgramRow[] = await manager.query('select * from loyalty_programs where active for update');
      let programId = existing?.id;
      if (existing) {
        await manager.query('update loyalty_programs set name = $2, tier_basis = $3, points_validity_months = $4 where id = $1',
          [programId, input.name, input.tierBasis, input.pointsValidityMonths ?? null]);
        await manager.query('delete from loyalty_tiers where program_id = $1', [programId]);
      } else {
        [{ id: programId }] = await manager.query(
          'insert into loyalty_programs (name, currency, tier_basis, points_validity_months) values ($1, $2, $3, $4) returning id',
          [input.name, currency, input.tierBasis, input.pointsValidityMonths ?? null]);
      }
      for (const [i, tier] of input.tiers.entries()) {
        await manager.query(
          'insert into loyalty_tiers (program_id, code, name, threshold, benefits) values ($1, $2, $3, $4, $5::text[])',
          [programId, tier.code, tier.name, thresholds[i].toString(), tier.benefits],
        );
      }
      await this.evaluateAll(manager, new Date());
      return (await this.findActive(manager))!;
    });
  }

  /** The value tiers are measured on, over the 12 months before asOf. */
  async qualifyingValues(manager: EntityManager, program: LoyaltyProgram, customerIds: readonly string[] | null, asOf: Date) {
    const since = twelveMonthsBefore(asOf);
    if (program.tierBasis === TierBasis.SPEND_12M) return this.orders.netSpendSince(customerIds, since, manager);
    const rows: { customer_id: string; points: string }[] = await manager.query(
      `select customer_id, sum(points) as points from loyalty_ledger_entries
       where ($1::uuid[] is null or customer_id = any($1::uuid[])) and kind = 'EARN' and occurred_at >= $2 and occurred_at <= $3
       group by customer_id`, [customerIds, since, asOf]);
    return new Map(rows.map((r) => [r.customer_id, BigInt(r.points)]));
  }

  /** Re-evaluates the stored tier of some customers (after their orders or points changed). */
  async evaluate(manager: EntityManager, customerIds: string[], asOf: Date): Promise<void> {
    const program = await this.findActive(manager);
    if (!program || customerIds.length === 0) return;
    const values = await this.qualifyingValues(manager, program, customerIds, asOf);
    await this.storeTiers(manager, program, customerIds.map((id) => [id, values.get(id) ?? 0n]), asOf);
  }

  /** Re-evaluates every customer with a qualifying value, and clears the tier of the others. */
  async evaluateAll(manager: EntityManager, asOf: Date): Promise<void> {
    const program = await this.findActive(manager);
    if (!program) return;
    const values = [...(await this.qualifyingValues(manager, program, null, asOf)).entries()];
    await manager.query('update loyalty_memberships set tier_code = null, tier_since = $1, evaluated_at = $1 where tier_code is not null', [asOf]);
    for (let i = 0; i < values.length; i += EVALUATION_CHUNK) {
      await this.storeTiers(manager, program, values.slice(i, i + EVALUATION_CHUNK), asOf);
    }
  }

  private async storeTiers(manager: EntityManager, program: LoyaltyProgram, values: [string, bigint][], asOf: Date) {
    const codes = values.map(([, value]) => placeInTiers(program.tiers, value).tier?.code ?? null);
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

  /** Condition for CustomerFilter.loyaltyTier, on the customers alias `c`. */
  readonly tierFilter = (filter: CustomerFilter, params: SqlParams): string | null => {
    if (!filter.loyaltyTier) return null;
    return `exists (select 1 from loyalty_memberships m join loyalty_programs p on p.id = m.program_id and p.active
                    where m.customer_id = c.id and m.tier_code = ${params.add(filter.loyaltyTier)})`;
  };
}

function parseThreshold(raw: string, basis: TierBasis, currency: string, field: string): bigint {
  if (basis === TierBasis.SPEND_12M) return parseMoney(raw, currency, field);
  if (!/^\d+$/.test(raw)) throw new BadUserInputError('A points threshold is a whole number', { field });
  return BigInt(raw);
}

export function toTier(row: TierRow, basis: TierBasis, currency: string): LoyaltyTier {
  const threshold = BigInt(row.threshold);
  return {
    code: row.code, name: row.name, benefits: row.benefits, threshold,
    thresholdPoints: basis === TierBasis.POINTS_12M ? Number(threshold) : null,
    thresholdSpend: basis === TierBasis.SPEND_12M ? money(threshold, currency) : null,
  };
}
