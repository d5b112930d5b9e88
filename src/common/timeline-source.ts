import type { ConnectionArgs, Page } from './pagination';
import type { RequestContext } from './request-context';

/**
 * One kind of event on a customer's timeline, declared by the module that owns its records (its manifest's
 * `timelineSources`): the timeline module merges the pages and reads none of their tables.
 */
export interface TimelineSource<T extends { databaseId: string } = { databaseId: string }> {
  /** The TimelineEventKind value, SCREAMING_SNAKE, and its description. */
  kind: string;
  description: string;
  /** The GraphQL object type of its records, a member of the TimelineSubject union. */
  type: new (...args: never[]) => object;
  /** The scope that reads this kind of event. */
  scope: string;
  /** The newest page of one customer's records, through the module's own paged loader. */
  page(ctx: RequestContext, customerId: string, args: ConnectionArgs): Promise<Page<T>>;
  /** When it happened, and one line for a customer page. */
  describe(subject: T): { occurredAt: Date; title: string };
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
export const humanise = (value: string) => value.toLowerCase().replace(/_/g, ' ');
export const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
