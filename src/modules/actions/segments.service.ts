import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, NotFoundError } from '../../common/errors';
import { money } from '../../common/money';
import { type CustomerFilter, customerFilterClass } from '../customers';
import { SEGMENT_RULES, SegmentKind, SegmentReport } from './segments';

const DATE_FIELDS = [
  'signedUpFrom',
  'signedUpBefore',
  'lastOrderFrom',
  'lastOrderBefore',
  'updatedSince',
] as const;

export interface SavedSegmentRecord {
  id: string;
  name: string;
  description: string | null;
  filter: Record<string, unknown>;
  createdAt: Date;
}

export class SegmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly currency: string,
  ) {}

  async reports(): Promise<SegmentReport[]> {
    const reports: SegmentReport[] = [];
    for (const kind of Object.values(SegmentKind)) {
      const [row] = await this.dataSource.query(
        `select count(*)::int as customers, coalesce(sum(c.net_spent_minor), 0)::text as spent, coalesce(sum(m.predicted_clv_minor), 0)::text as clv
         from customers c left join customer_metrics m on m.customer_id = c.id where ${SEGMENT_RULES[kind].sql}`,
      );
      reports.push({
        kind,
        rule: SEGMENT_RULES[kind].rule,
        customers: row.customers,
        netSpent: money(row.spent, this.currency),
        predictedClv: money(row.clv, this.currency),
      });
    }
    return reports;
  }

  async save(
    name: string,
    description: string | null,
    filter: CustomerFilter,
  ): Promise<SavedSegmentRecord> {
    if (!name.trim()) throw new BadUserInputError('name must not be empty', { field: 'name' });
    // A transaction of one statement, so the request's audit row commits with it (see ReplicatedDataSource.transaction).
    const [row] = await this.dataSource.transaction((manager) =>
      manager.query(
        'insert into saved_segments (name, description, filter) values ($1, $2, $3) returning id, name, description, filter, created_at as "createdAt"',
        [name.trim(), description, JSON.stringify(filter)],
      ),
    );
    return row;
  }

  async remove(id: string): Promise<boolean> {
    const [, affected] = await this.dataSource.transaction((manager) =>
      manager.query('delete from saved_segments where id = $1', [id]),
    );
    if (!affected) throw new NotFoundError('SavedSegment', id);
    return true;
  }

  async list(): Promise<SavedSegmentRecord[]> {
    return this.dataSource.query(
      'select id, name, description, filter, created_at as "createdAt" from saved_segments order by name',
    );
  }

  /**
   * Erasure: a saved segment that quotes the erased person (a filter searching for their email, a name with their
   * phone) keeps its shape, with each quote replaced by "(erased)". Such a filter selected that person alone, so
   * it selects no one before and after; refusing to save identifiers in filters instead would break a legitimate
   * use (a one-person test segment) and could not catch every form anyway. Names stay unique.
   */
  async redact(manager: EntityManager, quotes: string[]): Promise<void> {
    // Short values (a two-digit id) would match unrelated text; emails and phones are far longer.
    const wanted = quotes.filter((q) => q.length >= 5);
    if (wanted.length === 0) return;
    // jsonb prints a quote as JSON does, so a value with `"` or `\` is looked for in that form too.
    const forms = [...new Set(wanted.flatMap((q) => [q, JSON.stringify(q).slice(1, -1)]))];
    const rows: SavedSegmentRecord[] = await manager.query(
      `select id, name, description, filter from saved_segments s where exists (select 1 from unnest($1::text[]) as q(v)
         where strpos(lower(concat_ws(' ', s.name, s.description, s.filter::text)), lower(q.v)) > 0) for update`,
      [forms],
    );
    const pattern = new RegExp(
      wanted.map((q) => q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
      'gi',
    );
    const redact = (text: string) => text.replace(pattern, '(erased)');
    const redactJson = (value: unknown): unknown =>
      typeof value === 'string'
        ? redact(value)
        : Array.isArray(value)
          ? value.map(redactJson)
          : value && typeof value === 'object'
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v)]))
            : value;
    for (const row of rows) {
      let name = redact(row.name);
      const [clash] = await manager.query(
        'select 1 from saved_segments where name = $1 and id <> $2',
        [name, row.id],
      );
      if (clash) name = `${name} ${row.id.slice(0, 8)}`;
      await manager.query(
        'update saved_segments set name = $2, description = $3, filter = $4 where id = $1',
        [
          row.id,
          name,
          row.description === null ? null : redact(row.description),
          JSON.stringify(redactJson(row.filter)),
        ],
      );
    }
  }

  /** A stored filter as the CustomerFilter it was saved from (dates come back from JSON as strings). */
  toFilter(saved: Record<string, unknown>): CustomerFilter {
    const filter = Object.assign(new (customerFilterClass())(), saved);
    for (const field of DATE_FIELDS)
      if (typeof saved[field] === 'string') (filter[field] as Date) = new Date(saved[field]);
    return filter;
  }
}
