import DataLoader from 'dataloader';

export interface FilteredCountKey {
  parentId: string;
  filter: string[] | null;
}

/** Counts per parent for a list filter (statuses, kinds…); one statement per distinct filter. */
export function createFilteredCountLoader(
  count: (parentIds: string[], filter: string[] | null) => Promise<number[]>,
) {
  const signature = (filter: string[] | null) => JSON.stringify(filter);
  return new DataLoader<FilteredCountKey, number, string>(
    async (keys) => {
      const groups = new Map<string, { filter: string[] | null; ids: string[] }>();
      for (const key of keys) {
        const group = groups.get(signature(key.filter)) ?? { filter: key.filter, ids: [] };
        group.ids.push(key.parentId);
        groups.set(signature(key.filter), group);
      }
      const counted = new Map<string, number>();
      for (const [sig, group] of groups) {
        const values = await count(group.ids, group.filter);
        group.ids.forEach((id, i) => counted.set(`${id}|${sig}`, values[i]));
      }
      return keys.map((k) => counted.get(`${k.parentId}|${signature(k.filter)}`) ?? 0);
    },
    { cacheKeyFn: (k) => `${k.parentId}|${signature(k.filter)}` },
  );
}
