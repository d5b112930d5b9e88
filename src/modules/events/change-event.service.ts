import type { DomainEventBus } from '../../common/domain-events';
import { AppError, BadUserInputError } from '../../common/errors';
import { MAX_PAGE_SIZE, PageInfo } from '../../common/pagination';
import { dataFor, mayRead, mayReadEvent, PublicEventSpec } from '../../common/public-events';
import { toGlobalId } from '../../common/relay';
import type { Principal } from '../../common/scopes';
import { OutboxEvent, OutboxService, positionCursor, positionFromCursor } from './outbox.service';
import type { ChangeEvent, EventsArgs } from './events.types';

/**
 * The catalogue of public event types (every module's `publicEvents`) and what a reader sees of an outbox event:
 * the types its key may read, and personal fields only with pii:read. Webhooks, subscriptions and `events` all
 * read through `view`, so one rule decides what leaves the server.
 */
export class ChangeEventService {
  private readonly byType = new Map<string, PublicEventSpec>();
  private readonly byEnum = new Map<string, PublicEventSpec>();

  constructor(
    readonly outbox: OutboxService,
    readonly specs: readonly PublicEventSpec[],
  ) {
    // A type made from several domain events has one spec each; they share scope, personal fields and enum value.
    for (const spec of specs) {
      if (!this.byType.has(spec.type)) this.byType.set(spec.type, spec);
      if (!this.byEnum.has(spec.enumName)) this.byEnum.set(spec.enumName, spec);
    }
  }

  /** Writes each public event's outbox rows in the transaction of the domain event it is made from. */
  subscribe(events: DomainEventBus): void {
    for (const spec of this.specs) {
      events.inTransaction(spec.from, async (manager, event) => {
        this.outbox.append(
          manager,
          spec.toOutbox(event as never).map((r) => ({ ...r, type: spec.type })),
        );
      });
    }
  }

  specOf(type: string): PublicEventSpec | undefined {
    return this.byType.get(type);
  }

  /** Public names of the enum values a client passed; FORBIDDEN for a type its key may not read. */
  typesFor(principal: Principal | null, enumNames: readonly string[] | null | undefined): string[] {
    if (enumNames == null) {
      return [...this.byType.values()].filter((s) => mayRead(s, principal)).map((s) => s.type);
    }
    if (enumNames.length === 0)
      throw new BadUserInputError('types must name at least one type', { field: 'types' });
    return enumNames.map((name) => {
      const spec = this.byEnum.get(name);
      if (!spec) throw new BadUserInputError(`Unknown event type ${name}`, { field: 'types' });
      if (!mayRead(spec, principal)) {
        throw new AppError(`${name} events need the ${spec.scope} scope`, 'FORBIDDEN', {
          requiredScopes: [spec.scope],
          field: 'types',
        });
      }
      return spec.type;
    });
  }

  /** What `principal` may see of one event; null when its key may not read the type. */
  view(event: OutboxEvent, principal: Principal | null): ChangeEvent | null {
    const spec = this.byType.get(event.type);
    if (!spec || !mayReadEvent(spec, event.data, principal)) return null;
    const { data, redacted } = dataFor(spec, event.data, principal);
    return {
      id: event.id,
      type: spec.enumName,
      name: spec.type,
      customerId: event.customerId ? toGlobalId('Customer', event.customerId) : null,
      sequence: event.sequence,
      occurredAt: new Date(event.occurredAt),
      data,
      redacted,
    };
  }

  async page(principal: Principal | null, args: EventsArgs) {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE_SIZE)
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, {
        field: 'first',
      });
    const types = this.typesFor(principal, args.types);
    if (types.length === 0) {
      throw new AppError(
        'Reading events needs a read scope of at least one event type',
        'FORBIDDEN',
        {
          requiredScopes: [...new Set(this.specs.map((s) => s.scope))],
        },
      );
    }
    const after = positionFromCursor(args.after, 'after');
    const rows = await this.outbox.readAfter(after, types, args.first + 1);
    const pageRows = rows.slice(0, args.first);
    // An event whose data needs a further scope (action.due of a reorder reminder) is skipped, not cut short.
    const edges = pageRows.flatMap((r) => {
      const node = this.view(r, principal);
      return node ? [{ cursor: positionCursor(r.position), node }] : [];
    });
    const nodes = edges.map((e) => e.node);
    const last = pageRows[pageRows.length - 1];
    const pageInfo: PageInfo = {
      hasNextPage: rows.length > args.first,
      hasPreviousPage: args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      // An empty page keeps the reader where it was, so it can poll with the same cursor.
      endCursor: last ? positionCursor(last.position) : (args.after ?? null),
    };
    return { edges, nodes, pageInfo, countAll: () => this.outbox.countAfter(after, types) };
  }
}
