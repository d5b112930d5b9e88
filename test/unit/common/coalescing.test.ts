import { coalescing } from '../../../src/common/coalescing';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescing', () => {
  it('sends the first call at once and the calls that arrive meanwhile together, each with its own answer', async () => {
    const batches: number[][] = [];
    const release: (() => void)[] = [];
    const loader = coalescing<number, number>(async (keys) => {
      batches.push([...keys]);
      await new Promise<void>((resolve) => release.push(resolve));
      return keys.map((k) => (k < 0 ? new Error(`bad ${k}`) : k * 10));
    });
    const first = loader.load(1);
    await tick();
    expect(batches).toEqual([[1]]);
    const waiting = [loader.load(2), loader.load(-3), loader.load(2)];
    await tick();
    expect(batches).toEqual([[1]]); // they wait for the statement in flight
    release.shift()!();
    expect(await first).toBe(10);
    await tick();
    expect(batches).toEqual([[1], [2, -3, 2]]);
    release.shift()!();
    const settled = await Promise.allSettled(waiting);
    expect(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    ).toEqual([20, 'bad -3', 20]);
  });

  it('caches nothing: the same key later runs again', async () => {
    let runs = 0;
    const loader = coalescing<string, number>(async (keys) => keys.map(() => ++runs));
    expect(await loader.load('a')).toBe(1);
    expect(await loader.load('a')).toBe(2);
  });

  it('passes a failed statement to every caller in it, and the next batch runs', async () => {
    let fail = true;
    const loader = coalescing<string, string>(async (keys) => {
      if (fail) throw new Error('connection lost');
      return [...keys];
    });
    await expect(loader.load('a')).rejects.toThrow('connection lost');
    fail = false;
    expect(await loader.load('b')).toBe('b');
  });
});
