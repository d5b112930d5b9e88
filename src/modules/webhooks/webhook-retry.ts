/**
 * The retry schedule, as multiples of WEBHOOK_RETRY_BASE_MS (5 s by default): after the 1st failed attempt wait
 * 5 s, then 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h and 8 h (about 23.7 h in all, Stripe and Svix retry for
 * about a day too). With the default WEBHOOK_MAX_ATTEMPTS of 11 the delivery is given up after the last of these.
 */
export const RETRY_MULTIPLES = [1, 6, 24, 120, 360, 720, 1440, 2880, 5760, 5760] as const;

/** ±20%, so that deliveries failing together (a receiver's outage) do not all come back in the same second. */
const JITTER = 0.2;

/** Milliseconds to wait after the `failedAttempts`-th failed attempt (1-based) of the current schedule. */
export function retryDelayMs(failedAttempts: number, baseMs: number, random = Math.random): number {
  const multiple = RETRY_MULTIPLES[Math.min(failedAttempts, RETRY_MULTIPLES.length) - 1];
  return Math.round(baseMs * multiple * (1 + JITTER * (2 * random() - 1)));
}
