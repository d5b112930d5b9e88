import fs from 'node:fs';

/** One line of a CSV file: its fields, or why it cannot be read. Line numbers count every line, blank ones too. */
export type CsvLine = { line: number; fields: string[] } | { line: number; problem: string };

/**
 * Reads a CSV file a line at a time, so that a fault stays with its line: a line longer than `maxLineBytes` is
 * skipped without being held (only its first bytes are kept while the rest is read past), bytes that are not
 * UTF-8 are reported rather than replaced with U+FFFD, and a stray or unclosed quote is a fault of that line
 * instead of a quoted field that swallows the rest of the file. The price: a quoted field cannot span lines,
 * which no column of an order file needs. Blank lines are skipped.
 */
export async function* readCsvLines(file: string, maxLineBytes: number): AsyncGenerator<CsvLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let line = 0;
  const finish = (): CsvLine | null => {
    line += 1;
    const overlong = tooLong;
    let bytes = Buffer.concat(parts);
    parts = [];
    length = 0;
    tooLong = false;
    if (overlong) return { line, problem: `the line is longer than ${maxLineBytes} bytes` };
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d)
      bytes = bytes.subarray(0, bytes.length - 1);
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
      bytes = bytes.subarray(3);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return { line, problem: 'the line is not valid UTF-8' };
    }
    if (text.trim() === '') return null;
    const fields = splitCsvLine(text);
    return typeof fields === 'string' ? { line, problem: fields } : { line, fields };
  };
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      take(chunk.subarray(start, newline));
      const parsed = finish();
      if (parsed) yield parsed;
      start = newline + 1;
    }
    take(chunk.subarray(start));
  }
  if (length > 0 || tooLong) {
    const parsed = finish();
    if (parsed) yield parsed;
  }

  function take(piece: Buffer) {
    if (tooLong || piece.length === 0) return;
    if (length + piece.length > maxLineBytes) {
      tooLong = true;
      parts = [];
      return;
    }
    parts.push(piece);
    length += piece.length;
  }
}

/** RFC 4180 fields of one line (quotes doubled inside quoted fields); unquoted fields are trimmed. */
export function splitCsvLine(text: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i += 1;
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return 'a quoted field is not closed on its line';
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        field += '"';
        i += 1;
      }
      while (text[i] === ' ' || text[i] === '\t') i += 1;
      if (i < text.length && text[i] !== ',') return 'characters follow a closing quote';
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? text.length : comma;
      field = text.slice(i, end).trim();
      if (field.includes('"'))
        return 'a quote inside an unquoted field (quote the field and double the quote)';
      i = end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i += 1;
  }
}
