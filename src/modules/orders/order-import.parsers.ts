import fs from 'node:fs';
import readline from 'node:readline';
import { parseMoney } from '../../common/money';
import { readCsvLines } from '../../common/csv-lines';
import {
  DECIMAL,
  MAX_EXTERNAL_REF_LENGTH,
  MAX_IDENTIFIER_VALUE_LENGTH,
  MAX_LINE_QUANTITY,
  MAX_SKU_LENGTH,
} from './order.inputs';
import { ShopTime } from '../../common/shop-time';

/** One order read from a file, or the reason its row was rejected. */
export type ParsedRow =
  | {
      ok: true;
      line: number;
      customerRef: string;
      orderRef: string;
      placedAt: Date;
      amountMinor: bigint;
      quantity: number | null;
      sku: string | null;
    }
  | { ok: false; line: number; message: string };

export type ImportFormat = 'cdnow' | 'csv';

/**
 * A day alone is the start of that shop day, and a date and time without an offset is the shop's wall-clock time
 * (SHOP_TIME_ZONE), so that an order logged on a day counts on that day in the shop's calendar.
 */
function parseDate(raw: string, shopTime: ShopTime): Date | null {
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  const text = compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : raw;
  const parts = /^\d{4}-\d{2}-\d{2}(?:[T ]([\d:.]+)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!parts) return null;
  const [, time, offset] = parts;
  // Read as UTC first: this checks the text, and gives the wall-clock milliseconds when there is no offset.
  const date = new Date(
    time === undefined ? `${text}T00:00:00Z` : `${text.replace(' ', 'T')}${offset ? '' : 'Z'}`,
  );
  if (Number.isNaN(date.getTime())) return null;
  // Reject 2023-02-30 and the like, which Date silently rolls over.
  if (date.toISOString().slice(0, 10) !== text.slice(0, 10)) return null;
  return offset ? date : shopTime.atWallClock(date.getTime());
}

function parseQuantity(raw: string | undefined): number | null | 'bad' {
  if (raw === undefined || raw === '') return null;
  return /^\d{1,6}$/.test(raw) && Number(raw) > 0 && Number(raw) <= MAX_LINE_QUANTITY
    ? Number(raw)
    : 'bad';
}

/** The API's limits on what a row becomes (recordOrder's), so that the importer stores nothing the API refuses. */
function limitProblem(customerRef: string, orderRef: string, sku: string | null): string | null {
  const tooLong = (value: string, max: number) => value.length > max && [...value].length > max;
  if (tooLong(customerRef, MAX_IDENTIFIER_VALUE_LENGTH))
    return `customer reference is longer than ${MAX_IDENTIFIER_VALUE_LENGTH} characters`;
  if (tooLong(orderRef, MAX_EXTERNAL_REF_LENGTH))
    return `order reference is longer than ${MAX_EXTERNAL_REF_LENGTH} characters`;
  if (sku !== null && tooLong(sku, MAX_SKU_LENGTH))
    return `sku is longer than ${MAX_SKU_LENGTH} characters`;
  if ([customerRef, orderRef, sku ?? ''].some((v) => v.includes('\u0000')))
    return 'a field contains a NUL character (U+0000)';
  return null;
}

function toRow(
  line: number,
  customerRef: string,
  orderRef: string,
  dateText: string,
  amountText: string,
  quantityText: string | undefined,
  sku: string | null,
  currency: string,
  shopTime: ShopTime,
): ParsedRow {
  if (!customerRef) return { ok: false, line, message: 'customer reference is empty' };
  if (!orderRef) return { ok: false, line, message: 'order reference is empty' };
  const problem = limitProblem(customerRef, orderRef, sku);
  if (problem) return { ok: false, line, message: problem };
  const placedAt = parseDate(dateText, shopTime);
  if (!placedAt)
    return {
      ok: false,
      line,
      message: `date "${dateText.slice(0, 40)}" is not YYYYMMDD or ISO 8601`,
    };
  if (/^\s*-/.test(amountText)) return { ok: false, line, message: 'amount is negative' };
  if (!DECIMAL.test(amountText.trim()))
    return {
      ok: false,
      line,
      message: `amount "${amountText.slice(0, 40)}" is not a decimal number`,
    };
  let amountMinor: bigint;
  try {
    amountMinor = parseMoney(amountText, currency);
  } catch {
    return {
      ok: false,
      line,
      message: `amount "${amountText.slice(0, 40)}" has more decimals than ${currency} allows`,
    };
  }
  const quantity = parseQuantity(quantityText);
  if (quantity === 'bad')
    return {
      ok: false,
      line,
      message: `quantity "${quantityText!.slice(0, 40)}" is not a whole number from 1 to ${MAX_LINE_QUANTITY}`,
    };
  return { ok: true, line, customerRef, orderRef, placedAt, amountMinor, quantity, sku };
}

/**
 * CDNOW purchase logs (Hardie's data sets): whitespace-separated, the 4-column master file
 * (customer, date, CDs, dollars; one header line) or the 5-column 1/10 sample (master id, sample
 * id, date, CDs, dollars; no header). Customers are keyed by the master id in both, so the sample
 * finds the customers of the master. A row's order reference is customer-date-n, n counting the
 * customer's rows on that day, so re-importing a file, or the sample after the master, adds nothing.
 */
export async function* readCdnow(
  file: string,
  currency: string,
  shopTime: ShopTime,
): AsyncGenerator<ParsedRow> {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  const seen = new Map<string, number>();
  let lineNo = 0;
  for await (const text of lines) {
    lineNo += 1;
    const fields = text.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') continue;
    if (lineNo === 1 && !/^\d+$/.test(fields[0])) continue;
    if (fields.length !== 4 && fields.length !== 5) {
      yield { ok: false, line: lineNo, message: `expected 4 or 5 fields, found ${fields.length}` };
      continue;
    }
    const [customer, date, cds, dollars] =
      fields.length === 4 ? fields : [fields[0], fields[2], fields[3], fields[4]];
    const customerRef = customer.replace(/^0+(?=\d)/, '');
    const dayKey = `${customerRef}-${date}`;
    const n = (seen.get(dayKey) ?? 0) + 1;
    seen.set(dayKey, n);
    yield toRow(
      lineNo,
      customerRef,
      `${dayKey}-${n}`,
      date,
      dollars,
      cds,
      null,
      currency,
      shopTime,
    );
  }
}

export const CSV_COLUMNS = [
  'customer_ref',
  'order_ref',
  'date',
  'amount',
  'quantity',
  'sku',
] as const;

// The longest row the limits allow is about 600 bytes; a longer line is a fault, and is never held whole.
export const MAX_CSV_LINE_BYTES = 4096;

/**
 * Generic CSV with a header row: customer_ref, order_ref, date (YYYY-MM-DD or ISO 8601), amount
 * (decimal, the order's paid amount), and optional quantity and sku. One row is one order. A line that cannot
 * be read (not UTF-8, a stray quote, too long, more fields than the header) is rejected with its own number.
 */
export async function* readCsv(
  file: string,
  currency: string,
  shopTime: ShopTime,
): AsyncGenerator<ParsedRow> {
  let columns: string[] | null = null;
  for await (const csv of readCsvLines(file, MAX_CSV_LINE_BYTES)) {
    if (!columns) {
      if ('problem' in csv)
        throw new Error(`The CSV header (line ${csv.line}) cannot be read: ${csv.problem}`);
      columns = csv.fields.map((h) => h.trim().toLowerCase());
      const missing = ['customer_ref', 'order_ref', 'date', 'amount'].filter(
        (c) => !columns!.includes(c),
      );
      if (missing.length > 0)
        throw new Error(
          `The CSV header lacks ${missing.join(', ')} (expected ${CSV_COLUMNS.join(',')})`,
        );
      continue;
    }
    if ('problem' in csv) {
      yield { ok: false, line: csv.line, message: csv.problem };
      continue;
    }
    if (csv.fields.length > columns.length) {
      yield {
        ok: false,
        line: csv.line,
        message: `expected at most ${columns.length} fields, found ${csv.fields.length}`,
      };
      continue;
    }
    const record: Record<string, string> = {};
    columns.forEach((column, i) => {
      record[column] = csv.fields[i] ?? '';
    });
    yield toRow(
      csv.line,
      record.customer_ref,
      record.order_ref,
      record.date,
      record.amount,
      record.quantity,
      record.sku || null,
      currency,
      shopTime,
    );
  }
}
