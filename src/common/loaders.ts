import DataLoader from 'dataloader';

/** DataLoader batch results must match the keys one to one, in order. */
export function alignToKeys<K, V>(
  keys: readonly K[],
  rows: V[],
  keyOf: (row: V) => K,
): (V | null)[] {
  const byKey = new Map<K, V>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((key) => byKey.get(key) ?? null);
}

export function groupToKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const byKey = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = byKey.get(key);
    if (group) group.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => byKey.get(key) ?? []);
}

/** A key of a loader whose batch also takes an argument (a `first`, a filter): the id and that argument's value. */
export interface ArgumentKey<A> {
  id: string;
  arg: A;
}

/**
 * A loader for a field with an argument: keys with the same argument value go to one batch call, so a page costs
 * one call per distinct value (usually one), whatever its size. `batch` returns one value per id, in order.
 */
export function createArgumentLoader<A, V>(batch: (ids: string[], arg: A) => Promise<V[]>) {
  const signature = (arg: A) => JSON.stringify(arg);
  return new DataLoader<ArgumentKey<A>, V, string>(
    async (keys) => {
      const groups = new Map<string, { arg: A; ids: string[] }>();
      for (const key of keys) {
        const group = groups.get(signature(key.arg)) ?? { arg: key.arg, ids: [] };
        group.ids.push(key.id);
        groups.set(signature(key.arg), group);
      }
      const found = new Map<string, V>();
      await Promise.all(
        [...groups].map(async ([sig, group]) => {
          const values = await batch(group.ids, group.arg);
          group.ids.forEach((id, i) => found.set(`${id}|${sig}`, values[i]));
        }),
      );
      return keys.map((k) => found.get(`${k.id}|${signature(k.arg)}`) as V);
    },
    { cacheKeyFn: (k) => `${k.id}|${signature(k.arg)}` },
  );
}
