import { DataSource } from 'typeorm';
import { BadUserInputError, NotFoundError } from '../../common/errors';
import { money } from '../../common/money';
import { SqlParams } from '../../common/sql';
import { CustomerFilter } from '../customers';
import { SEGMENT_RULES, SegmentKind, SegmentReport } from './segments';

const DATE_FIELDS = ['signedUpFrom', 'signedUpBefore', 'lastOrderFrom', 'lastOrderBefore', 'updatedSince'] as const;

export interface SavedSegmentRecord {
  id: string;
  name: string;
  description: string | null;
  filter: Record<string, unknown>;
  createdAt: Date;
}

export class SegmentsService {
  constructor(private readonly dataSource: DataSource, private readonly currency: string) {}

  /** CustomerFilter.segment, on the customers alias `c`. */
  readonly filter = (filter: CustomerFilter, _params: SqlParams): string | null => {
    if (!filter.segment) return null;
    const rule = SEGMENT_RULES[filter.segment as SegmentKind];
    if (!rule) throw new BadUserInputError(`Unknown segment ${filter.segment}`, { field: 'filter.segment' });
    return `(${rule.sql})`;
  };

  async reports(): Promise<SegmentReport[]> {
    const reports: SegmentReport[] = [];
    for (const kind of Object.values(SegmentKind)) {
      const [row] = await this.dataSource.query(
        `select count(*)::int as customers, coalesce(sum(c.net_spent_minor), 0)::text as spent, coalesce(sum(m.predicted_clv_minor), 0)::text as clv
         from customers c left join customer_metrics m on m.customer_id = c.id where ${SEGMENT_RULES[kind].sql}`);
      reports.push({ kind, rule: SEGMENT_RULES[kind].rule, customers: row.customers, netSpent: money(row.spent, this.currency), predictedClv: money(row.clv, this.currency) });
    }
    return reports;
  }

  async save(name: string, description: string | null, filter: CustomerFilter): Promise<SavedSegmentRecord> {
    if (!name.trim()) throw new BadUserInputError('name must not be empty', { field: 'name' });
    const [row] = await this.dataSource.query(
      'insert into saved_segments (name, description, filter) values ($1, $2, $3) returning id, name, description, filter, created_at as "createdAt"',
      [name.trim(), description, JSON.stringify(filter)]);
    return row;
  }

  async remove(id: string): Promise<boolean> {
    const [, affected] = await this.dataSource.query('delete from saved_segments where id = $1', [id]);
    if (!affected) throw new NotFoundError('SavedSegment', id);
    return true;
  }

  async list(): Promise<SavedSegmentRecord[]> {
    return this.dataSource.query('select id, name, description, filter, created_at as "createdAt" from saved_segments order by name');
  }

  /** A stored filter as the CustomerFilter it was saved from (dates come back from JSON as strings). */
  toFilter(saved: Record<string, unknown>): CustomerFilter {
    const filter = Object.assign(new CustomerFilter(), saved);
    for (const field of DATE_FIELDS) if (typeof saved[field] === 'string') (filter[field] as Date) = new Date(saved[field] as string);
    return filter;
  }
}
