import { addDays, addMonthsToDay, ShopTime, timeZoneProblem } from '../../../src/common/shop-time';

const HOUR_MS = 3_600_000;
const hoursOf = (shop: ShopTime, day: string) =>
  (shop.endOfDay(day).getTime() - shop.startOfDay(day).getTime()) / HOUR_MS;

describe('ShopTime', () => {
  const newYork = new ShopTime('America/New_York');
  const utc = new ShopTime('UTC');

  it('puts a New York evening on its New York day, not on the next UTC day', () => {
    expect(newYork.dayOf(new Date('2026-03-11T03:30:00Z'))).toBe('2026-03-10');
    expect(utc.dayOf(new Date('2026-03-11T03:30:00Z'))).toBe('2026-03-11');
    expect(newYork.dayOf(new Date('2026-03-11T04:00:00Z'))).toBe('2026-03-11');
    expect(newYork.dayOf(new Date('2026-03-11T03:59:59.999Z'))).toBe('2026-03-10');
  });

  it('begins and ends a day at New York midnight, with the offset of the day', () => {
    expect(newYork.startOfDay('2026-01-15').toISOString()).toBe('2026-01-15T05:00:00.000Z');
    expect(newYork.endOfDay('2026-03-10').toISOString()).toBe('2026-03-11T04:00:00.000Z');
    expect(utc.endOfDay('2026-12-31').toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('has a 23-hour day when clocks spring forward and a 25-hour day when they fall back', () => {
    expect(hoursOf(newYork, '2026-03-08')).toBe(23);
    expect(hoursOf(newYork, '2026-11-01')).toBe(25);
    expect(hoursOf(newYork, '2026-03-09')).toBe(24);
    expect(hoursOf(newYork, '2026-10-31')).toBe(24);
    expect(hoursOf(utc, '2026-03-08')).toBe(24);
    expect(newYork.startOfDay('2026-03-08').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(newYork.startOfDay('2026-03-09').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(newYork.startOfDay('2026-11-02').toISOString()).toBe('2026-11-02T05:00:00.000Z');
    // The repeated hour of 1 November belongs to 1 November both times.
    expect(newYork.dayOf(new Date('2026-11-01T05:30:00Z'))).toBe('2026-11-01');
    expect(newYork.dayOf(new Date('2026-11-01T06:30:00Z'))).toBe('2026-11-01');
  });

  it('starts a day whose midnight is skipped at its first moment, as PostgreSQL does', () => {
    // Chile springs forward at 24:00 on 5 September 2026: 6 September begins at 01:00 (-03), 04:00Z.
    const santiago = new ShopTime('America/Santiago');
    expect(santiago.startOfDay('2026-09-06').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(hoursOf(santiago, '2026-09-06')).toBe(23);
    expect(santiago.dayOf(santiago.startOfDay('2026-09-06'))).toBe('2026-09-06');
  });

  it('reads wall-clock times in the zone', () => {
    expect(newYork.atWallClock(Date.UTC(2026, 2, 10, 23, 30)).toISOString()).toBe(
      '2026-03-11T03:30:00.000Z',
    );
    // 02:30 on 8 March 2026 does not exist in New York: read with the offset before the jump (EST).
    expect(newYork.atWallClock(Date.UTC(2026, 2, 8, 2, 30)).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 01:30 on 1 November 2026 happens twice: the later one (EST), as PostgreSQL reads it.
    expect(newYork.atWallClock(Date.UTC(2026, 10, 1, 1, 30)).toISOString()).toBe(
      '2026-11-01T06:30:00.000Z',
    );
  });

  it('writes the zone into SQL as a quoted literal', () => {
    expect(newYork.daySql('o.placed_at')).toBe(
      "((o.placed_at) at time zone 'America/New_York')::date",
    );
    expect(newYork.endOfDaySql('$1')).toBe(
      "((($1)::date + 1)::timestamp at time zone 'America/New_York')",
    );
  });

  it('refuses what is not an IANA name Node knows', () => {
    expect(timeZoneProblem('America/New_York')).toBeNull();
    expect(timeZoneProblem('UTC')).toBeNull();
    expect(timeZoneProblem('Mars/Olympus_Mons')).toMatch(/not a time zone Node knows/);
    expect(timeZoneProblem("UTC'; drop table orders; --")).toMatch(/IANA time zone name/);
    expect(timeZoneProblem('')).toMatch(/IANA time zone name/);
    expect(() => new ShopTime('Nowhere/Land')).toThrow(/Nowhere\/Land/);
  });
});

describe('calendar arithmetic', () => {
  it('adds days and months on the calendar', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addMonthsToDay('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsToDay('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsToDay('2026-01-15', 12)).toBe('2027-01-15');
    expect(addMonthsToDay('2026-03-31', -13)).toBe('2025-02-28');
  });
});
