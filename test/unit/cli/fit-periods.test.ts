import { parsePeriodData } from '../../../src/cli/fit-periods';

describe('fit-models --model bg-bb --periods', () => {
  it('reads a period log: the first purchase is period 0, the file’s last period ends observation', () => {
    const log = [
      'customer,period,purchased',
      '1,2001,1',
      '1,2002,0',
      '1,2003,1',
      '1,2004,1',
      '1,2005,0',
      '2,2003,1',
      '3,2001,0',
      '3,2002,0',
      '4,2005,1',
    ].join('\n');
    const { customers, skipped } = parsePeriodData(log);
    expect(customers).toEqual([
      { x: 2, tx: 3, n: 4 },
      { x: 0, tx: 0, n: 2 },
      { x: 0, tx: 0, n: 0 },
    ]);
    expect(skipped).toBe(1);
  });

  it('reads the donations layout and names the bad line', () => {
    const { customers } = parsePeriodData(
      'frequency,recency,periods,weights\n0,0,6,3464\n6,6,6,1203\n',
    );
    expect(customers).toEqual([
      { x: 0, tx: 0, n: 6, weight: 3464 },
      { x: 6, tx: 6, n: 6, weight: 1203 },
    ]);
    expect(() => parsePeriodData('customer,period,purchased\n1,2,x\n')).toThrow(/line 2/);
    expect(() => parsePeriodData('customer,period,purchased\n1,2,3\n')).toThrow(/line 2/);
    expect(() => parsePeriodData('id,when\n1,2\n')).toThrow(/line 1/);
  });
});
