import {
  decodeCursor,
  encodeCursor,
  keysetSql,
  resolvePageWindow,
  toPage,
} from '../../../src/common/pagination';
import { parseGlobalId, toDatabaseId, toGlobalId } from '../../../src/common/relay';

describe('page windows and keyset SQL', () => {
  it('needs first or last, reads forwards with first and backwards with last', () => {
    expect(() => resolvePageWindow({}, 2)).toThrow('Pass first or last');
    expect(resolvePageWindow({ first: 20 }, 2)).toEqual({
      limit: 20,
      backward: false,
      cursor: null,
      hasCursor: false,
    });
    const cursor = encodeCursor(['2026-01-01', 'id']);
    expect(resolvePageWindow({ last: 5, before: cursor }, 2)).toEqual({
      limit: 5,
      backward: true,
      cursor: ['2026-01-01', 'id'],
      hasCursor: true,
    });
  });

  it('compares rows against the cursor in the reading direction', () => {
    const keys = [
      { sql: 't.placed_at', cast: 'timestamptz' },
      { sql: 't.id', cast: 'uuid' },
    ];
    const at = '2026-01-02 03:04:05.678+00';
    const id = '00000000-0000-4000-8000-000000000001';
    const forward = keysetSql(
      keys,
      true,
      resolvePageWindow({ first: 2, after: encodeCursor([at, id]) }, 2),
      3,
    );
    expect(forward).toEqual({
      where: '(t.placed_at, t.id) < ($3::timestamptz, $4::uuid)',
      orderBy: 't.placed_at desc, t.id desc',
      params: [at, id],
    });
    const backward = keysetSql(
      keys,
      true,
      resolvePageWindow({ last: 2, before: encodeCursor([at, id]) }, 2),
      1,
    );
    expect(backward.where).toBe('(t.placed_at, t.id) > ($1::timestamptz, $2::uuid)');
    expect(backward.orderBy).toBe('t.placed_at asc, t.id asc');
  });

  it('turns limit + 1 rows into a page with the right flags', async () => {
    const page = toPage(
      [1, 2, 3],
      resolvePageWindow({ first: 2 }, 1),
      (n) => [n],
      async () => 3,
    );
    expect(page.nodes).toEqual([1, 2]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(page.pageInfo.endCursor!, 'after', 1)).toEqual([2]);
    const back = toPage(
      [3, 2, 1],
      resolvePageWindow({ last: 2 }, 1),
      (n) => [n],
      async () => 3,
    );
    expect(back.nodes).toEqual([2, 3]);
    expect(back.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(await back.countAll()).toBe(3);
  });

  it('rejects bad sizes and cursors', () => {
    expect(() => resolvePageWindow({ first: 101 }, 1)).toThrow('first must be between 1 and 100');
    expect(() => resolvePageWindow({ first: 1, after: 'zz' }, 1)).toThrow('not a cursor');
    expect(() => resolvePageWindow({ last: 1, after: encodeCursor([1]) }, 1)).toThrow();
  });

  it('refuses cursor values that do not fit the SQL type they are cast to', () => {
    const keys = [
      { sql: 't.placed_at', cast: 'timestamptz' },
      { sql: 't.id', cast: 'uuid' },
    ];
    const id = '00000000-0000-4000-8000-000000000001';
    const page = (values: unknown[]) => () =>
      keysetSql(keys, true, resolvePageWindow({ first: 2, after: encodeCursor(values) }, 2), 1);
    for (const at of [
      'not a date',
      '2026-13-01 00:00:00+00',
      '2026-02-30T00:00:00Z',
      '99999-01-01 00:00:00+00',
      12,
      null,
    ]) {
      expect(page([at, id])).toThrow('after is not a cursor of this list');
    }
    expect(page(['2026-01-01T00:00:00.000Z', 'x'])).toThrow('after is not a cursor');
    expect(page(['2026-01-01T00:00:00.000Z', id])).not.toThrow();
    expect(page(['-infinity', id])).not.toThrow();
  });
});

describe('global ids', () => {
  it('round-trips and checks the type', () => {
    const id = '0b6a7c9e-4f1e-4a57-9d8e-1a2b3c4d5e6f';
    const global = toGlobalId('Customer', id);
    expect(parseGlobalId(global)).toEqual({ typeName: 'Customer', id });
    expect(toDatabaseId(global, 'Customer')).toBe(id);
    expect(toDatabaseId(id.toUpperCase(), 'Customer')).toBe(id);
    expect(() => toDatabaseId(global, 'Order')).toThrow('not a Order id');
  });
});
