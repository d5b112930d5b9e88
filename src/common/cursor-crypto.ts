import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Sealing of list cursors. A cursor carries the sort value of its row (a customer's "family given" name when
 * sorting by name), so it is encrypted and authenticated: the client can neither read nor change it.
 *
 * AES-256-GCM with a synthetic IV (HMAC-SHA-256 of the plaintext, cut to 96 bits, as in SIV modes): the same
 * position always gives the same cursor, so the compiled reads and the resolvers answer a query byte for byte
 * alike, and distinct positions never share a nonce (short of a 96-bit HMAC collision). Equal cursors show only
 * that two edges are the same position, which the client already knows.
 *
 * Both keys are derived with HKDF-SHA-256 from the server secret API_KEY_HASH_KEY (see useCursorSecret), so
 * every process of a deployment accepts the cursors of the others; changing that secret invalidates all cursors
 * (clients start again from the first page).
 */

const VERSION = 2;
// Plaintexts are padded to a multiple of this (ISO/IEC 7816-4: 0x80, then zeros), so a cursor's length does not
// tell the length of the name it was sorted by: every name shorter than about 180 bytes gives the same length.
const PAD_BLOCK = 256;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

interface CursorKeys {
  encryption: Buffer;
  iv: Buffer;
}

function deriveKeys(secret: string | Buffer): CursorKeys {
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', secret, 'c360 list cursors', info, 32));
  return { encryption: derive('cursor encryption v1'), iv: derive('cursor synthetic iv v1') };
}

// Until the app sets the configured secret: a key of this process alone, so a cursor is never sealed weakly.
let keys = deriveKeys(randomBytes(32));

/** Seals cursors with keys derived from this secret; createApp passes API_KEY_HASH_KEY (one configuration per process). */
export function useCursorSecret(secret: string): void {
  keys = deriveKeys(secret);
}

export function sealCursor(plaintext: string): string {
  const text = Buffer.from(plaintext, 'utf8');
  const data = Buffer.alloc(Math.ceil((text.length + 1) / PAD_BLOCK) * PAD_BLOCK);
  text.copy(data);
  data[text.length] = 0x80;
  const iv = createHmac('sha256', keys.iv).update(data).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
  const body = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString(
    'base64url',
  );
}

/** The plaintext of a cursor this server sealed; null for anything else (tampered, foreign, truncated, old). */
export function openCursor(cursor: string): string | null {
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= HEADER_BYTES || raw[0] !== VERSION) return null;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keys.encryption,
      raw.subarray(1, 1 + IV_BYTES),
    );
    decipher.setAuthTag(raw.subarray(1 + IV_BYTES, HEADER_BYTES));
    const data = Buffer.concat([decipher.update(raw.subarray(HEADER_BYTES)), decipher.final()]);
    let end = data.length - 1;
    while (end >= 0 && data[end] === 0) end -= 1;
    return end >= 0 && data[end] === 0x80 ? data.subarray(0, end).toString('utf8') : null;
  } catch {
    return null;
  }
}
