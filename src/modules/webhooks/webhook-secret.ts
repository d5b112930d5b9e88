import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Signing secrets: `whsec_` + base64 of 32 random bytes (the Standard Webhooks form the `standardwebhooks`
 * package reads). They must be readable to sign, so they are not hashed but sealed: AES-256-GCM with a random IV,
 * under a key derived (HKDF-SHA-256) from the server secret API_KEY_HASH_KEY. A database dump alone does not give
 * the secrets; changing API_KEY_HASH_KEY makes the stored ones unreadable (rotate every endpoint's secret then).
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const VERSION = 'v1';

export class WebhookSecretBox {
  private readonly key: Buffer;

  constructor(serverSecret: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', serverSecret, 'c360 webhook secrets', 'webhook secret sealing v1', 32),
    );
  }

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string): string {
    const [version, payload] = sealed.split('.');
    if (version !== VERSION || !payload) throw new Error('webhook secret: unknown sealing');
    const raw = Buffer.from(payload, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
