import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { AddressPolicy, pinnedLookup, resolveAllowed } from './webhook-address';

/** What one attempt to send a delivery gave: a status code, or an error (timeout, refused, DNS…). */
export interface SendResult {
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
}

export interface SignedMessage {
  url: string;
  /** The outbox event id: webhook-id, the same on every attempt and redelivery. */
  messageId: string;
  body: string;
  /** The current secret first; during a rotation's overlap also the previous one. */
  secrets: string[];
}

/** The Standard Webhooks headers: one `v1,<base64>` entry per secret, space-separated. */
export function signatureHeaders(message: SignedMessage, at: Date): Record<string, string> {
  const signatures = message.secrets.map((secret) =>
    new Webhook(secret).sign(message.messageId, at, message.body),
  );
  return {
    'webhook-id': message.messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/** How much of a receiver's answer is read (and thrown away): its status code is what counts. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Sends one signed POST and never throws: DNS is resolved and checked again here (rebinding), the socket goes to
 * the checked address, and the whole attempt, answer included, is bounded by `timeoutMs`.
 */
export async function sendWebhook(
  message: SignedMessage,
  policy: AddressPolicy,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const url = new URL(message.url);
    // The resolver has deadlines of its own (seconds per try): the attempt's deadline covers it too.
    const addresses = await withDeadline(resolveAllowed(url, policy), timeoutMs, 'DNS lookup');
    const headers = {
      ...signatureHeaders(message, new Date()),
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(message.body)),
      'user-agent': 'customer360-webhooks/1',
    };
    const left = Math.max(1, timeoutMs - latency());
    const statusCode = await post(url, headers, message.body, left, addresses);
    return { statusCode, error: null, latencyMs: latency() };
  } catch (error) {
    return { statusCode: null, error: describe(error), latencyMs: latency() };
  }
}

/**
 * Connections are kept alive between deliveries (a TLS handshake per event capped one endpoint at ~60 events a second
 * under load). A reused socket goes to an address that was checked when it was opened, and every delivery still
 * resolves and checks the host first, so a DNS change cannot steer a new delivery anywhere unchecked.
 */
const AGENTS = {
  'https:': new https.Agent({ keepAlive: true, maxSockets: 16, scheduling: 'lifo' }),
  'http:': new http.Agent({ keepAlive: true, maxSockets: 16, scheduling: 'lifo' }),
};

function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  addresses: { address: string; family: number }[],
): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const request = client.request(
      url,
      {
        method: 'POST',
        headers,
        lookup: pinnedLookup(addresses),
        agent: url.protocol === 'https:' ? AGENTS['https:'] : AGENTS['http:'],
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () => {
          clearTimeout(timer);
          resolve(response.statusCode ?? 0);
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const text = e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? error);
  return text.slice(0, 500);
}
