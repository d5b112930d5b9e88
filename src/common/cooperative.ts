import { requestFacts } from './observability';

/** How long a computation may hold the event loop before it lets other requests (and timers) run. */
export const SLICE_MS = 10;

let sliceStartedAt = performance.now();

interface Waiter {
  resume: () => void;
}

/** Loops waiting for their next slice, per request (its signal; one shared queue for work outside a request). */
const waiting = new Map<object, Waiter[]>();
const OUTSIDE_A_REQUEST = {};
let turnScheduled = false;

/**
 * Gives the next slice to one waiting loop, taking the requests in turn. One loop per turn of the event loop:
 * with a plain setImmediate per loop, the 1,400 loops of one admin document all resumed in the same check phase
 * and held the thread for 9 s (each ran its own 10 ms slice), so neither /healthz nor the deadline's timer ran.
 * The next turn is scheduled from inside this callback, so Node runs timers and I/O before it.
 */
function nextTurn() {
  turnScheduled = false;
  const [owner, queue] = waiting.entries().next().value ?? [];
  if (!owner || !queue) return;
  const waiter = queue.shift()!;
  waiting.delete(owner);
  if (queue.length) waiting.set(owner, queue); // to the back: the next turn goes to another request
  scheduleTurn();
  sliceStartedAt = performance.now();
  waiter.resume();
}

function scheduleTurn() {
  if (turnScheduled || waiting.size === 0) return;
  turnScheduled = true;
  setImmediate(nextTurn);
}

/** Waits for this loop's next slice; rejects as soon as its request is aborted, wherever it is in the queue. */
function waitForSlice(signal: AbortSignal | undefined): Promise<void> {
  const owner = signal ?? OUTSIDE_A_REQUEST;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      const queue = waiting.get(owner);
      const at = queue?.indexOf(waiter) ?? -1;
      if (queue && at >= 0) queue.splice(at, 1);
      if (queue?.length === 0) waiting.delete(owner);
      // request-guards aborts with an AppError (deadline, client gone), which is what the caller sees.
      reject(signal?.reason as Error);
    };
    const waiter: Waiter = {
      resume: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const queue = waiting.get(owner);
    if (queue) queue.push(waiter);
    else waiting.set(owner, [waiter]);
    scheduleTurn();
  });
}

/**
 * For long CPU-bound loops (model computations): throws the request's abort reason (REQUEST_TIMEOUT past the
 * deadline) and, once the loop has held the event loop for a slice, waits for its next turn (see nextTurn). Node
 * runs JavaScript on one thread: without this a 5-minute backtest froze every other request, the deadline's timer
 * and SIGTERM alike. The slice is measured process-wide, since every loop shares the one thread.
 */
export async function checkpoint(): Promise<void> {
  const signal = requestFacts.getStore()?.signal;
  signal?.throwIfAborted();
  if (performance.now() - sliceStartedAt < SLICE_MS) return;
  await waitForSlice(signal);
  signal?.throwIfAborted();
}

/**
 * Runs a model written as a generator (it yields between bounded steps and stays pure) to its end, with a
 * checkpoint between steps.
 */
export async function runInSlices<T>(steps: Generator<unknown, T, undefined>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await checkpoint();
  }
}

/**
 * items.map(fn) with a checkpoint every `chunk` items: for per-item model work (parameter draws, customers of a
 * base-wide list). A checkpoint inside a slice is one clock read, so chunk 1 suits items of a tenth of a ms or more.
 */
export async function mapInSlices<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => R,
  chunk = 16,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i % chunk === 0) await checkpoint();
    out[i] = fn(items[i], i);
  }
  return out;
}
