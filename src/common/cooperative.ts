import { setImmediate as nextTurn } from 'node:timers/promises';
import { requestFacts } from './observability';

/** How long a computation may hold the event loop before it lets other requests (and timers) run. */
export const SLICE_MS = 10;

let sliceStartedAt = performance.now();

/**
 * For long CPU-bound loops (model computations): throws the request's abort reason (REQUEST_TIMEOUT past the
 * deadline) and, once the loop has held the event loop for a slice, yields one turn to everything else. Node runs
 * JavaScript on one thread: without this a 5-minute backtest froze every other request, the deadline's timer and
 * SIGTERM alike. The slice is measured process-wide, since every loop shares the one thread.
 */
export async function checkpoint(): Promise<void> {
  const signal = requestFacts.getStore()?.signal;
  signal?.throwIfAborted();
  if (performance.now() - sliceStartedAt < SLICE_MS) return;
  await nextTurn();
  sliceStartedAt = performance.now();
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

/** items.map(fn) with a checkpoint every `chunk` items: for per-item model work (parameter draws). */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => R, chunk = 16): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i % chunk === 0) await checkpoint();
    out[i] = fn(items[i]);
  }
  return out;
}
