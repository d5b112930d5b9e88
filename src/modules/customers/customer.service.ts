import { DataSource, EntityManager } from 'typeorm';
import type { DomainEventBus } from '../../common/domain-events';
import { addDays } from '../../common/shop-time';
import { IdempotentRequest, runIdempotent } from '../../common/idempotency';
import { BadUserInputError, ConflictError, NotFoundError } from '../../common/errors';
import { alignToKeys, groupToKeys } from '../../common/loaders';
import { isUuid } from '../../common/relay';
import { toE164 } from '../../common/phone';
import { jsonBoundBroken } from '../../common/validation';
import {
  ATTRIBUTE_BOUNDS,
  ConsentInput,
  CreateCustomerInput,
  CustomerProfileInput,
  IdentifierInput,
  UpdateCustomerInput,
} from './customer.inputs';
import {
  Customer,
  CustomerIdentifier,
  CustomerRow,
  IdentifierType,
  MarketingConsent,
  toCustomer,
} from './customer.types';

/** Order totals per customer, computed by the orders module and kept on the customer row. */
export interface CustomerOrderStats {
  customerId: string;
  orderCount: number;
  netSpentMinor: string;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

/** A customer reference in an imported file: found by identifier, or created. */
export interface CustomerReference {
  type: IdentifierType;
  source: string;
  value: string;
  signupAt: Date;
}

const PROFILE_COLUMNS: [keyof CustomerProfileInput, string][] = [
  ['givenName', 'given_name'],
  ['familyName', 'family_name'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['birthDate', 'birth_date'],
  ['locale', 'locale'],
  ['country', 'country'],
  ['city', 'city'],
  ['tags', 'tags'],
];

export class CustomerService {
  /** `phoneRegion`: the region of phone numbers given without a country code (PHONE_DEFAULT_REGION). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly phoneRegion: string,
    private readonly events: DomainEventBus,
  ) {}

  async findByIds(ids: readonly string[]): Promise<(Customer | null)[]> {
    const valid = ids.filter(isUuid);
    const rows: CustomerRow[] = valid.length
      ? await this.dataSource.query('select * from customers where id = any($1::uuid[])', [valid])
      : [];
    return alignToKeys(ids, rows.map(toCustomer), (c) => c.databaseId);
  }

  /** Customer ids in id order after a given one: for walking the whole base in chunks. */
  async idsAfter(afterId: string | null, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      'select id from customers where ($1::uuid is null or id > $1) order by id limit $2',
      [afterId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Customers born on the month and day of `on`, a shop day (29 February birthdays are kept on 28 February in other years). */
  async idsWithBirthday(on: string): Promise<string[]> {
    const [, month, day] = on.split('-').map(Number);
    const leapCatchUp = month === 2 && day === 28 && addDays(on, 1).endsWith('-03-01');
    const rows: { id: string }[] = await this.dataSource.query(
      `select id from customers where birth_date is not null and extract(month from birth_date) = $1
         and (extract(day from birth_date) = $2 or ($3 and extract(day from birth_date) = 29))`,
      [month, day, leapCatchUp],
    );
    return rows.map((r) => r.id);
  }

  /** What moments are computed from, for every customer. */
  async momentSources(): Promise<
    {
      id: string;
      birthDate: string | null;
      nameDay: { month: number; day: number } | null;
      signupAt: Date;
    }[]
  > {
    const rows: {
      id: string;
      birth_date: string | null;
      name_day_month: number | null;
      name_day_day: number | null;
      signup_at: Date;
    }[] = await this.dataSource.query(
      'select id, birth_date, name_day_month, name_day_day, signup_at from customers',
    );
    return rows.map((r) => ({
      id: r.id,
      birthDate: r.birth_date,
      signupAt: r.signup_at,
      nameDay:
        r.name_day_month && r.name_day_day
          ? { month: r.name_day_month, day: r.name_day_day }
          : null,
    }));
  }

  /** Everything this module holds about one customer, for a data-subject access request. */
  async exportRows(customerId: string) {
    const [customer] = await this.dataSource.query('select * from customers where id = $1', [
      customerId,
    ]);
    return {
      customer: customer ?? null,
      identifiers: await this.dataSource.query(
        'select type, source, value, created_at from customer_identifiers where customer_id = $1',
        [customerId],
      ),
      consentHistory: await this.dataSource.query(
        'select channel, granted, occurred_at, source from customer_consent_events where customer_id = $1 order by occurred_at',
        [customerId],
      ),
    };
  }

  /**
   * GDPR erasure of the profile's dates; its text columns are emptied from the module's declaration
   * (customerTextColumns in index.ts). Returns what others may have quoted the person by (email, phones,
   * email and phone identifiers), read before anything is emptied; null when there is no such customer.
   */
  async erase(manager: EntityManager, customerId: string): Promise<{ quotable: string[] } | null> {
    const [found]: { email: string | null; phone: string | null; identifiers: string[] }[] =
      await manager.query(
        `select email, phone, array(select value from customer_identifiers where customer_id = c.id and type in ('EMAIL', 'PHONE')) as identifiers
       from customers c where id = $1 for update`,
        [customerId],
      );
    if (!found) return null;
    await manager.query(
      `update customers set birth_date = null, name_day_month = null, name_day_day = null, erased_at = coalesce(erased_at, now()),
         updated_at = now() where id = $1`,
      [customerId],
    );
    const quotable = [found.email, found.phone, ...found.identifiers].filter(
      (v): v is string => !!v,
    );
    await this.events.publish(manager, 'customer.erased', { customerId });
    return { quotable: [...new Set(quotable)] };
  }

  async getByIdOrThrow(id: string, manager: EntityManager): Promise<Customer> {
    const rows: CustomerRow[] = await manager.query('select * from customers where id = $1', [id]);
    if (!rows[0]) throw new NotFoundError('Customer', id);
    return toCustomer(rows[0]);
  }

  /** Without a source, the value must be unique across sources for the type. */
  async findByIdentifier(
    type: IdentifierType,
    value: string,
    source?: string | null,
  ): Promise<Customer | null> {
    const rows: CustomerRow[] = await this.dataSource.query(
      `select c.* from customer_identifiers i join customers c on c.id = i.customer_id
       where i.type = $1 and i.value = $2 and ($3::text is null or i.source = $3) limit 2`,
      [type, normaliseIdentifier(type, value), source ?? null],
    );
    if (rows.length > 1) {
      throw new BadUserInputError('Several sources use this identifier; pass source', {
        field: 'source',
      });
    }
    if (!rows[0] && type === IdentifierType.EMAIL && !source) return this.findByEmail(value);
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  /** The customer whose profile email this is, compared ignoring case (one at most: the unique index). */
  async findByEmail(email: string): Promise<Customer | null> {
    const rows: CustomerRow[] = await this.dataSource.query(
      'select * from customers where lower(email) = lower($1)',
      [email.trim()],
    );
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  async identifiersByCustomerIds(customerIds: readonly string[]): Promise<CustomerIdentifier[][]> {
    const rows: (CustomerIdentifier & { customerId: string })[] = await this.dataSource.query(
      `select customer_id as "customerId", type, value, source, created_at as "createdAt"
       from customer_identifiers where customer_id = any($1::uuid[]) order by type, source, value`,
      [customerIds],
    );
    return groupToKeys(customerIds, rows, (r) => r.customerId);
  }

  /** The latest event per channel is the current consent. */
  async consentsByCustomerIds(customerIds: readonly string[]): Promise<MarketingConsent[][]> {
    const rows: (MarketingConsent & { customerId: string })[] = await this.dataSource.query(
      `select distinct on (customer_id, channel) customer_id as "customerId", channel, granted,
              occurred_at as "changedAt", source
       from customer_consent_events where customer_id = any($1::uuid[])
       order by customer_id, channel, occurred_at desc, created_at desc`,
      [customerIds],
    );
    return groupToKeys(customerIds, rows, (r) => r.customerId);
  }

  async create(
    input: CreateCustomerInput,
    idempotency: IdempotentRequest | null = null,
  ): Promise<Customer> {
    return this.dataSource.transaction((manager) =>
      runIdempotent(
        manager,
        idempotency,
        async () => {
          const [{ id }] = await manager.query(
            `insert into customers (signup_at) values (coalesce($1::timestamptz, now())) returning id`,
            [input.signupAt ?? null],
          );
          await this.writeProfile(manager, id, input);
          await this.addIdentifiers(manager, id, input.identifiers ?? []);
          await this.recordConsents(manager, id, input.consents ?? []);
          const customer = await this.getByIdOrThrow(id, manager);
          await this.events.publish(manager, 'customer.created', { customer });
          return customer;
        },
        {
          customerOf: (customer) => customer.databaseId,
          revive: (stored) => Object.assign(new Customer(), stored),
        },
      ),
    );
  }

  async update(id: string, input: UpdateCustomerInput): Promise<Customer> {
    return this.dataSource.transaction(async (manager) => {
      const found = await manager.query('select id from customers where id = $1 for update', [id]);
      if (found.length === 0) throw new NotFoundError('Customer', id);
      await this.writeProfile(manager, id, input);
      if (input.signupAt)
        await manager.query('update customers set signup_at = $2 where id = $1', [
          id,
          input.signupAt,
        ]);
      for (const identifier of input.removeIdentifiers ?? []) {
        await manager.query(
          'delete from customer_identifiers where customer_id = $1 and type = $2 and source = $3 and value = $4',
          [
            id,
            identifier.type,
            identifier.source,
            normaliseIdentifier(identifier.type, identifier.value),
          ],
        );
      }
      await this.addIdentifiers(manager, id, input.addIdentifiers ?? []);
      await this.recordConsents(manager, id, input.consents ?? []);
      await manager.query('update customers set updated_at = now() where id = $1', [id]);
      const customer = await this.getByIdOrThrow(id, manager);
      const changed = Object.keys(input).filter(
        (k) => (input as Record<string, unknown>)[k] !== undefined,
      );
      await this.events.publish(manager, 'customer.updated', { customer, changed });
      return customer;
    });
  }

  /** Finds or creates customers for imported references, in the caller's transaction. */
  async ensureByReferences(
    manager: EntityManager,
    refs: CustomerReference[],
  ): Promise<Map<string, string>> {
    const key = (r: { type: string; source: string; value: string }) =>
      `${r.type}\u0000${r.source}\u0000${r.value}`;
    const unique = [...new Map(refs.map((r) => [key(r), r])).values()];
    const find = async () => {
      const rows: { customer_id: string; type: string; source: string; value: string }[] =
        await manager.query(
          `select i.customer_id, i.type, i.source, i.value from customer_identifiers i
         join unnest($1::text[], $2::text[], $3::text[]) as r(type, source, value)
           on i.type = r.type and i.source = r.source and i.value = r.value`,
          [unique.map((r) => r.type), unique.map((r) => r.source), unique.map((r) => r.value)],
        );
      return new Map(rows.map((r) => [key(r), r.customer_id]));
    };
    const found = await find();
    // Sorted, so concurrent writers take the identifiers' index entries in one order (no deadlock between imports).
    const missing = unique
      .filter((r) => !found.has(key(r)))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    if (missing.length > 0) {
      // Concurrent first orders of the same new identifier: the identifier insert waits for the other writer and,
      // once it committed, skips that identifier (on conflict do nothing); a customer row is made only for the
      // identifiers this statement inserted, and find() then sees the winner's customer for the others. The
      // foreign key is checked at the end of the statement, so the customer may be inserted after its identifier.
      const created: CustomerRow[] = await manager.query(
        `with refs as (
           select gen_random_uuid() as id, r.* from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
             as r(type, source, value, signup_at)),
         claimed as (
           insert into customer_identifiers (customer_id, type, source, value)
           select id, type, source, value from refs
           on conflict (type, source, value) do nothing returning customer_id)
         insert into customers (id, signup_at) select id, signup_at from refs where id in (select customer_id from claimed)
         returning *`,
        [
          missing.map((r) => r.type),
          missing.map((r) => r.source),
          missing.map((r) => r.value),
          missing.map((r) => r.signupAt),
        ],
      );
      for (const row of created)
        await this.events.publish(manager, 'customer.created', { customer: toCustomer(row) });
      return find();
    }
    return found;
  }

  /**
   * Rewrites the customers' order roll-up (order_count, net_spent_minor, first/last_order_at) in the transaction that
   * changed their orders. The rows are locked first, in id order, and only then are the figures computed: under
   * READ COMMITTED each statement sees what committed before it, so two transactions adding orders for the same
   * customer at once cannot each write a roll-up that misses the other's order. Filters, sorts and the compiled
   * summary read these columns, so they must equal the aggregate over orders.
   */
  async refreshOrderStats(
    manager: EntityManager,
    customerIds: string[],
    compute: (ids: string[]) => Promise<CustomerOrderStats[]>,
  ): Promise<void> {
    if (customerIds.length === 0) return;
    const ids = [...new Set(customerIds)].sort();
    await manager.query(
      'select id from customers where id = any($1::uuid[]) order by id for no key update',
      [ids],
    );
    const stats = await compute(ids);
    await manager.query(
      `update customers c set order_count = s.order_count, net_spent_minor = s.net_spent_minor,
         first_order_at = s.first_order_at, last_order_at = s.last_order_at, updated_at = now()
       from unnest($1::uuid[], $2::int[], $3::bigint[], $4::timestamptz[], $5::timestamptz[])
         as s(customer_id, order_count, net_spent_minor, first_order_at, last_order_at)
       where c.id = s.customer_id`,
      [
        stats.map((s) => s.customerId),
        stats.map((s) => s.orderCount),
        stats.map((s) => s.netSpentMinor),
        stats.map((s) => s.firstOrderAt),
        stats.map((s) => s.lastOrderAt),
      ],
    );
  }

  /**
   * Ids of customers whose stored roll-up differs from `compute` (the orders module's aggregate), for `c360 check`.
   * The caller passes one snapshot (a repeatable-read transaction), so an order recorded meanwhile is no false alarm.
   */
  async orderStatsMismatches(
    manager: EntityManager,
    compute: (ids: string[]) => Promise<CustomerOrderStats[]>,
  ): Promise<string[]> {
    const PAGE = 1000;
    const mismatched: string[] = [];
    for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
      const rows: {
        id: string;
        order_count: number;
        net_spent_minor: string;
        first_order_at: Date | null;
        last_order_at: Date | null;
      }[] = await manager.query(
        'select id, order_count, net_spent_minor, first_order_at, last_order_at from customers where id > $1 order by id limit $2',
        [after, PAGE],
      );
      if (rows.length === 0) return mismatched;
      const expected = new Map(
        (await compute(rows.map((r) => r.id))).map((s) => [s.customerId, s]),
      );
      const time = (d: Date | null | undefined) => d?.getTime() ?? null;
      for (const r of rows) {
        const e = expected.get(r.id);
        if (
          !e ||
          e.orderCount !== r.order_count ||
          e.netSpentMinor !== String(r.net_spent_minor) ||
          time(e.firstOrderAt) !== time(r.first_order_at) ||
          time(e.lastOrderAt) !== time(r.last_order_at)
        )
          mismatched.push(r.id);
      }
      after = rows[rows.length - 1].id;
    }
  }

  private async writeProfile(
    manager: EntityManager,
    id: string,
    input: CustomerProfileInput,
  ): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    if (input.email) await this.checkEmailIsFree(manager, id, input.email);
    for (const [field, column] of PROFILE_COLUMNS) {
      if (input[field] === undefined) continue;
      values.push(this.profileValue(field, input));
      sets.push(`${column} = $${values.length}`);
    }
    if (input.nameDay !== undefined) {
      if (input.nameDay) checkCalendarDay(input.nameDay.month, input.nameDay.day);
      values.push(input.nameDay?.month ?? null, input.nameDay?.day ?? null);
      sets.push(`name_day_month = $${values.length - 1}`, `name_day_day = $${values.length}`);
    }
    if (input.attributes) {
      values.push(JSON.stringify(input.attributes));
      // Merge, then drop keys the input set to null.
      sets.push(`attributes = jsonb_strip_nulls(attributes || $${values.length}::jsonb)`);
    }
    if (sets.length === 0) return;
    const [[updated]]: [{ attributes: unknown }[]] = await manager.query(
      `update customers set ${sets.join(', ')} where id = $1 returning attributes`,
      values,
    );
    // Merging can grow the object past what one input may carry; the transaction rolls back.
    const broken = input.attributes ? jsonBoundBroken(updated.attributes, ATTRIBUTE_BOUNDS) : null;
    if (broken)
      throw new BadUserInputError(
        `attributes would have more than ${broken.replace(/^at most /, '')} after the merge`,
        { field: 'attributes' },
      );
    // A second statement: SET expressions see the old row, and sort_name follows the new names.
    await manager.query(
      `update customers set sort_name = lower(trim(concat_ws(' ', family_name, given_name))) where id = $1`,
      [id],
    );
  }

  private profileValue(field: keyof CustomerProfileInput, input: CustomerProfileInput): unknown {
    if (field === 'country' && input.country) return input.country.toUpperCase();
    if (field === 'phone' && input.phone) {
      const e164 = toE164(input.phone, this.phoneRegion);
      if (!e164)
        throw new BadUserInputError('phone must be a valid phone number, such as +385911234567', {
          field: 'phone',
        });
      return e164;
    }
    return input[field];
  }

  /**
   * Emails are unique regardless of case: stored as given, compared by lower(), the expression of the unique index
   * customers_email_lower_unique (which also settles two writes racing past this check).
   */
  private async checkEmailIsFree(manager: EntityManager, id: string, email: string): Promise<void> {
    const taken = await manager.query(
      'select 1 from customers where lower(email) = lower($1) and id <> $2 limit 1',
      [email, id],
    );
    if (taken.length > 0)
      throw new ConflictError('Another customer has this email', { field: 'email' });
  }

  private async addIdentifiers(
    manager: EntityManager,
    customerId: string,
    identifiers: IdentifierInput[],
  ) {
    for (const identifier of identifiers) {
      const value = normaliseIdentifier(identifier.type, identifier.value);
      const owner = await manager.query(
        'select customer_id from customer_identifiers where type = $1 and source = $2 and value = $3',
        [identifier.type, identifier.source, value],
      );
      if (owner[0] && owner[0].customer_id !== customerId) {
        throw new ConflictError('The identifier belongs to another customer', {
          field: 'identifiers',
          type: identifier.type,
          source: identifier.source,
        });
      }
      if (owner[0]) continue;
      await manager.query(
        'insert into customer_identifiers (customer_id, type, source, value) values ($1, $2, $3, $4)',
        [customerId, identifier.type, identifier.source, value],
      );
    }
  }

  private async recordConsents(
    manager: EntityManager,
    customerId: string,
    consents: ConsentInput[],
  ) {
    const channels = consents.map((c) => c.channel);
    if (new Set(channels).size !== channels.length) {
      throw new BadUserInputError('Each channel may appear once per change', { field: 'consents' });
    }
    for (const consent of consents) {
      await manager.query(
        `insert into customer_consent_events (customer_id, channel, granted, source, occurred_at)
         values ($1, $2, $3, $4, coalesce($5::timestamptz, now()))`,
        [customerId, consent.channel, consent.granted, consent.source, consent.occurredAt ?? null],
      );
    }
  }
}

export function normaliseIdentifier(type: IdentifierType, value: string): string {
  const trimmed = value.trim();
  if (type === IdentifierType.EMAIL) return trimmed.toLowerCase();
  if (type === IdentifierType.PHONE) return trimmed.replace(/[\s()-]/g, '');
  return trimmed;
}

function checkCalendarDay(month: number, day: number) {
  const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (day > daysInMonth)
    throw new BadUserInputError(`Month ${month} has no day ${day}`, { field: 'nameDay.day' });
}
