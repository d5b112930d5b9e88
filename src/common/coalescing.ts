import DataLoader from 'dataloader';

/**
 * Process-wide batching for a statement that every request makes (the API-key check, the audit row): the first
 * call goes at once; calls that arrive while it runs wait for it, then go together as one statement. Nothing is
 * cached and an idle server delays nothing, so each call still sees the database as it is after the call
 * was made (a key revoked a moment ago is refused). Under load, statements per request fall: on this project's
 * VM each statement costs a socket write and a backend wake-up that the SQL floor pays only once.
 * DataLoader does the batching; only its schedule is ours.
 */
export function coalescing<K, V>(
  run: (keys: readonly K[]) => Promise<(V | Error)[]>,
  maxBatchSize = 100,
): DataLoader<K, V> {
  let inFlight: Promise<unknown> | null = null;
  return new DataLoader<K, V>(
    async (keys) => {
      const batch = run(keys);
      inFlight = batch;
      try {
        return await batch;
      } finally {
        if (inFlight === batch) inFlight = null;
      }
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => {
        if (inFlight) void inFlight.then(dispatch, dispatch);
        else process.nextTick(dispatch);
      },
    },
  );
}
