import { formatMinorUnits, money, parseMoney } from '../../../src/common/money';

describe('money', () => {
  it.each([
    ['12.34', 'USD', 1234n],
    ['0.5', 'USD', 50n],
    ['7', 'USD', 700n],
    ['-1.05', 'USD', -105n],
    ['1500', 'JPY', 1500n],
    ['123456789012345.67', 'USD', 12345678901234567n],
  ])('parses %s %s exactly', (text, currency, minor) => {
    expect(parseMoney(text, currency)).toBe(minor);
    expect(formatMinorUnits(minor, currency)).toBe(
      currency === 'JPY' ? text : formatMinorUnits(parseMoney(text, currency), currency),
    );
  });

  it.each([
    ['1.234', 'USD'],
    ['1.5', 'JPY'],
    ['1,50', 'USD'],
    ['', 'USD'],
    ['abc', 'USD'],
    ['1', 'XXY'],
  ])('rejects %s %s as bad input', (text, currency) => {
    expect(() => parseMoney(text, currency)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it('formats minor units with the currency’s decimals', () => {
    expect(formatMinorUnits(5n, 'USD')).toBe('0.05');
    expect(formatMinorUnits(-5n, 'USD')).toBe('-0.05');
    expect(formatMinorUnits('123456', 'EUR')).toBe('1234.56');
    expect(formatMinorUnits(1234, 'KWD')).toBe('1.234');
  });
});

describe('money', () => {
  it('formats canonical integer text as it is and normalises anything else, exactly', () => {
    expect(money('-5', 'USD')).toEqual({ amount: '-0.05', currency: 'USD', minorUnits: '-5' });
    expect(money('007', 'USD')).toEqual({ amount: '0.07', currency: 'USD', minorUnits: '7' });
    expect(money('-0', 'USD')).toEqual({ amount: '0.00', currency: 'USD', minorUnits: '0' });
    expect(money(123456789012345678901234567890n, 'JPY').amount).toBe(
      '123456789012345678901234567890',
    );
    expect(money('9007199254740993', 'KWD').amount).toBe('9007199254740.993');
    expect(money(null, 'EUR').amount).toBe('0.00');
    expect(() => money('1.5', 'USD')).toThrow();
  });
});
