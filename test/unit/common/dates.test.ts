import {
  dayProblem,
  DateFormatError,
  instantProblem,
  parseDay,
  parseInstant,
} from '../../../src/common/dates';

describe('days', () => {
  it('takes the days of the calendar from 0001-01-01 to 9999-12-31, leap days by the Gregorian rule', () => {
    for (const day of ['0001-01-01', '2000-02-29', '2024-02-29', '9999-12-31', '1900-12-31'])
      expect(dayProblem(day)).toBeNull();
    expect(dayProblem('1900-02-29')).toMatch(/February 1900 has 28 days/);
    expect(dayProblem('2100-02-29')).toMatch(/February 2100 has 28 days/);
    expect(dayProblem('2026-04-31')).toMatch(/April 2026 has 30 days/);
    expect(dayProblem('0000-01-01')).toMatch(/year 0000/);
    expect(dayProblem('+02026-01-01')).toMatch(/not a day/);
    expect(dayProblem('2026-01-01T00:00:00Z')).toMatch(/a date and time, not a day/);
  });

  it('refuses with BAD_USER_INPUT, the format and an example', () => {
    expect(() => parseDay('2026-00-10')).toThrow(DateFormatError);
    try {
      parseDay('x\u0000');
    } catch (error) {
      expect((error as DateFormatError).extensions).toEqual({
        code: 'BAD_USER_INPUT',
        expected: 'YYYY-MM-DD',
        example: '2026-01-31',
      });
      expect((error as Error).message).toBe(
        '"x\\u0000" is not a day; expected a calendar day as YYYY-MM-DD, e.g. 2026-01-31',
      );
    }
  });
});

describe('moments', () => {
  it('reads the offset, fractions to the millisecond, no seconds, a space for the T', () => {
    expect(parseInstant('2026-01-31T10:30:00+01:00').toISOString()).toBe(
      '2026-01-31T09:30:00.000Z',
    );
    expect(parseInstant('2026-01-31T10:30:00-0530').toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(parseInstant('2026-01-31 09:30:00.987654321z').toISOString()).toBe(
      '2026-01-31T09:30:00.987Z',
    );
    expect(parseInstant('2026-01-31T09:30Z').toISOString()).toBe('2026-01-31T09:30:00.000Z');
    expect(parseInstant('0001-01-01T00:00:00Z').toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseInstant('0050-06-01T00:00:00Z').getUTCFullYear()).toBe(50);
  });

  it('says what is missing or wrong', () => {
    expect(instantProblem('2026-01-31')).toMatch(/a day without a time/);
    expect(instantProblem('2026-01-31T09:30:00')).toMatch(/no offset/);
    expect(instantProblem('2026-01-31T24:00:00Z')).toMatch(/no such time of day/);
    expect(instantProblem('2026-01-31T09:30:60Z')).toMatch(/no such time of day/);
    expect(instantProblem('2026-01-31T09:30:00+24:00')).toMatch(/offset out of range/);
    expect(instantProblem('0001-01-01T00:30:00+01:00')).toMatch(/outside the years 0001 to 9999/);
    expect(instantProblem(1767225600000)).toMatch(/not a string/);
    expect(instantProblem('2026-01-31T09:30:00.000Z')).toBeNull();
  });
});
