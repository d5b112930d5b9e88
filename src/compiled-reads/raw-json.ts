import { randomBytes } from 'node:crypto';

// Placeholders carry a per-process random tag, so no string in a response can be taken for one.
const TAG = randomBytes(12).toString('hex');
const PLACEHOLDER = new RegExp(`"\\\\u0000${TAG}:(\\d+)"`, 'g');

/** The texts of the RawJson values met by the stringify in progress (JSON.stringify is synchronous). */
let collecting: string[] | null = null;

/**
 * JSON text PostgreSQL built (json_build_object, json_agg), sent on as it is: parsing a page of customers into
 * objects only to serialise them again cost more than the rest of the request. Only where every field of the
 * selection was built in SQL, so there is nothing left to do in JS.
 */
export class RawJson {
  constructor(readonly text: string) {}

  /** Inside stringifyResult, a placeholder that is replaced by the text; anywhere else, the parsed value. */
  toJSON(): unknown {
    if (!collecting) return JSON.parse(this.text);
    return `\u0000${TAG}:${collecting.push(this.text) - 1}`;
  }
}

/**
 * Apollo's stringifyResult: JSON.stringify, with the text of each RawJson in the result spliced in where it
 * stands. Hand-written because JSON.stringify has no way to emit text as it is (JSON.rawJSON needs Node 21).
 */
export function stringifyResult(value: unknown): string {
  const texts: string[] = [];
  collecting = texts;
  let json: string;
  try {
    json = JSON.stringify(value);
  } finally {
    collecting = null;
  }
  return `${texts.length === 0 ? json : json.replace(PLACEHOLDER, (_, index: string) => texts[Number(index)])}\n`;
}
