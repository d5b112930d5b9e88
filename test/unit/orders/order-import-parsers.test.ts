import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCdnow, readCsv } from '../../../src/modules/orders/order-import.parsers';
import { ShopTime } from '../../../src/common/shop-time';

const UTC = new ShopTime('UTC');

const write = (text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'c360-')), 'in.txt');
  fs.writeFileSync(file, text);
  return file;
};
const collect = async <T>(rows: AsyncGenerator<T>) => {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
};

describe('CDNOW reader', () => {
  it('reads the 4-column master layout with its header and numbers same-day purchases', async () => {
    const rows = await collect(
      readCdnow(
        write(
          ' customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n 00001 19970101  2   5.00\n 00002 19970230 1 3\n',
        ),
        'USD',
        UTC,
      ),
    );
    expect(rows[0]).toMatchObject({
      ok: true,
      line: 2,
      customerRef: '1',
      orderRef: '1-19970101-1',
      amountMinor: 1177n,
      quantity: 1,
    });
    expect(rows[1]).toMatchObject({
      ok: true,
      orderRef: '1-19970101-2',
      amountMinor: 500n,
      quantity: 2,
    });
    expect(rows[2]).toMatchObject({ ok: false, line: 4 });
  });

  it('reads the 5-column sample layout keyed by the master id', async () => {
    const rows = await collect(
      readCdnow(
        write(' 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   x\n'),
        'USD',
        UTC,
      ),
    );
    expect(rows[0]).toMatchObject({
      ok: true,
      line: 1,
      customerRef: '4',
      placedAt: new Date('1997-01-01T00:00:00Z'),
      amountMinor: 2933n,
    });
    expect(rows[1]).toMatchObject({
      ok: false,
      line: 2,
      message: expect.stringContaining('amount'),
    });
  });
});

describe('CSV reader', () => {
  it('reads the documented columns and reports bad rows by line', async () => {
    const rows = await collect(
      readCsv(
        write(
          'customer_ref,order_ref,date,amount,quantity,sku\nc1,o1,2026-01-02,10.50,2,SKU-1\nc2,o2,2026-13-01,1,,\nc3,o3,2026-01-03T10:00:00Z,-1,,\n',
        ),
        'USD',
        UTC,
      ),
    );
    expect(rows[0]).toMatchObject({
      ok: true,
      line: 2,
      customerRef: 'c1',
      orderRef: 'o1',
      amountMinor: 1050n,
      quantity: 2,
      sku: 'SKU-1',
    });
    expect(rows[1]).toMatchObject({ ok: false, line: 3 });
    expect(rows[2]).toMatchObject({
      ok: false,
      line: 4,
      message: expect.stringContaining('amount'),
    });
  });

  it('reads a day alone and a time without an offset on the shop clock, an offset as given', async () => {
    const rows = await collect(
      readCsv(
        write(
          'customer_ref,order_ref,date,amount\nc1,o1,2026-03-10,1\nc1,o2,2026-03-10 23:30,1\nc1,o3,2026-03-10T23:30:00Z,1\n',
        ),
        'USD',
        new ShopTime('America/New_York'),
      ),
    );
    expect(rows.map((r) => (r.ok ? r.placedAt.toISOString() : r.message))).toEqual([
      '2026-03-10T04:00:00.000Z',
      '2026-03-11T03:30:00.000Z',
      '2026-03-10T23:30:00.000Z',
    ]);
  });

  it('refuses a file without the required header', async () => {
    await expect(collect(readCsv(write('a,b\n1,2\n'), 'USD', UTC))).rejects.toThrow(
      'lacks customer_ref',
    );
  });
});
