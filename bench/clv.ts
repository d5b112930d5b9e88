import {
  BgNbdParams,
  bgNbdLogLikelihoodWithGradient,
  fitBgNbd,
  probabilityAlive,
  expectedPurchases,
  toColumns,
  PurchaseSummary,
} from '../src/modules/metrics/models/bg-nbd';
import {
  fitMbgNbd,
  mbgExpectedPurchases,
  mbgProbabilityAlive,
} from '../src/modules/metrics/models/mbg-nbd';
import { expectedAverageSpend } from '../src/modules/metrics/models/gamma-gamma';
import { discountedClv } from '../src/modules/metrics/models/clv';
import { Random } from '../src/common/random';
import { fitBgBb, PeriodSummary, toPeriodColumns } from '../src/modules/metrics/models/bg-bb';

const SIM: BgNbdParams = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };

/** The anchor's synthetic customers: BG/NBD story, T uniform on (26.14, 38.86) weeks. */
export function simulateCustomers(n: number, seed: number): PurchaseSummary[] {
  const rng = new Random(seed);
  const out: PurchaseSummary[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const T = 26.14 + (38.86 - 26.14) * rng.next();
    const rate = rng.gamma(SIM.r, 1 / SIM.alpha);
    const dropout = rng.beta(SIM.a, SIM.b);
    let t = 0,
      x = 0,
      tx = 0;
    for (;;) {
      t += rng.exponential(rate);
      if (t > T) break;
      x += 1;
      tx = t;
      if (rng.chance(dropout)) break;
    }
    out[i] = { x, tx, T };
  }
  return out;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function time<T>(run: () => T, reps: number): { seconds: number; result: T } {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < reps; i++) {
    const started = process.hrtime.bigint();
    result = run();
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds: median(times), result };
}

/** BG/BB customers over `periods` opportunities, with the donations estimates (Fader, Hardie & Shang 2010). */
function simulatePeriods(n: number, periods: number, seed: number): PeriodSummary[] {
  const rng = new Random(seed);
  const out: PeriodSummary[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = rng.beta(1.204, 0.75);
    const theta = rng.beta(0.657, 2.783);
    let x = 0,
      tx = 0;
    for (let t = 1; t <= periods && !rng.chance(theta); t++)
      if (rng.chance(p)) {
        x += 1;
        tx = t;
      }
    out[i] = { x, tx, n: periods };
  }
  return out;
}

/** The BG/BB fit at 1,000,000 customers: their patterns are aggregated first, so the fit sees at most a few hundred rows. */
export function benchBgBb(n = 1_000_000, reps = 5) {
  for (const periods of [6, 24]) {
    const customers = simulatePeriods(n, periods, 11);
    const grouping = time(() => toPeriodColumns(customers), reps);
    const fit = time(() => fitBgBb(grouping.result), reps);
    const p = fit.result.params;
    console.log(
      `fit BG/BB n=${n} over ${periods} periods (${grouping.result.x.length} patterns): grouping median ${grouping.seconds.toFixed(3)} s, ` +
        `fit median ${fit.seconds.toFixed(4)} s, ${fit.result.iterations} iterations, alpha=${p.alpha.toFixed(4)} beta=${p.beta.toFixed(4)} ` +
        `gamma=${p.gamma.toFixed(4)} delta=${p.delta.toFixed(4)} LL=${fit.result.logLikelihood.toFixed(2)}`,
    );
  }
}

export function benchClv(sizes: number[], reps: number[]) {
  for (const [i, n] of sizes.entries()) {
    const customers = simulateCustomers(n, 42);
    const columns = toColumns(customers, { group: false });
    const evaluation = time(() => bgNbdLogLikelihoodWithGradient(SIM, columns), 5);
    const fit = time(() => fitBgNbd(columns), reps[i]);
    const grouped = columns.x.length;
    const p = fit.result.params;
    console.log(
      `one log-likelihood + gradient evaluation n=${n}: ${(evaluation.seconds * 1000).toFixed(1)} ms`,
    );
    console.log(
      `fit BG/NBD n=${n} (${grouped} rows, ungrouped): median ${fit.seconds.toFixed(3)} s, ${fit.result.iterations} iterations, ` +
        `r=${p.r.toFixed(4)} alpha=${p.alpha.toFixed(4)} a=${p.a.toFixed(4)} b=${p.b.toFixed(4)} LL=${fit.result.logLikelihood.toFixed(2)}`,
    );
    const daily = customers.map((c) => ({
      x: c.x,
      tx: Math.round(c.tx * 7) / 7,
      T: Math.round(c.T * 7) / 7,
    }));
    const compressed = time(() => fitBgNbd(toColumns(daily)), reps[i]);
    console.log(
      `  day-rounded and grouped (${toColumns(daily).x.length} rows, grouping included): median ${compressed.seconds.toFixed(3)} s`,
    );
    // MBG/NBD on the same (BG/NBD-simulated) customers: the likelihood costs the same per row.
    const mbg = time(() => fitMbgNbd(columns), reps[i]);
    const q = mbg.result.params;
    console.log(
      `fit MBG/NBD n=${n} (${grouped} rows, ungrouped): median ${mbg.seconds.toFixed(3)} s, ${mbg.result.iterations} iterations, ` +
        `r=${q.r.toFixed(4)} alpha=${q.alpha.toFixed(4)} a=${q.a.toFixed(4)} b=${q.b.toFixed(4)} LL=${mbg.result.logLikelihood.toFixed(2)}`,
    );
  }
  const n = 1_000_000;
  const customers = simulateCustomers(n, 7);
  const gg = { p: 6, q: 4, gamma: 15 };
  const rng = new Random(1);
  const spend = customers.map((c) => (c.x > 0 ? 35 * Math.exp(0.5 * rng.normal()) : 0));
  const alive = time(() => {
    let s = 0;
    for (const c of customers) s += probabilityAlive(SIM, c);
    return s;
  }, 3);
  const next39 = time(() => {
    let s = 0;
    for (const c of customers) s += expectedPurchases(SIM, c, 39);
    return s;
  }, 3);
  const spendTime = time(
    () => customers.map((c, i) => expectedAverageSpend(gg, { x: c.x, mBar: spend[i] })),
    3,
  );
  const expected = spendTime.result;
  const clv = time(() => {
    let s = 0;
    customers.forEach((c, i) => {
      s += discountedClv((t) => expectedPurchases(SIM, c, t), expected[i], {
        months: 12,
        monthlyDiscountRate: 0.01,
        unitsPerMonth: 4.345,
      });
    });
    return s;
  }, 3);
  const mbgAlive = time(() => {
    let s = 0;
    for (const c of customers) s += mbgProbabilityAlive(SIM, c);
    return s;
  }, 3);
  const mbgNext39 = time(() => {
    let s = 0;
    for (const c of customers) s += mbgExpectedPurchases(SIM, c, 39);
    return s;
  }, 3);
  console.log(
    `score n=${n} MBG/NBD: P(alive) ${mbgAlive.seconds.toFixed(3)} s, E[Y(39)] ${mbgNext39.seconds.toFixed(3)} s`,
  );
  console.log(
    `score n=${n}: P(alive) ${alive.seconds.toFixed(3)} s, E[Y(39)] ${next39.seconds.toFixed(3)} s, Gamma-Gamma spend ${spendTime.seconds.toFixed(3)} s, 12-month CLV ${clv.seconds.toFixed(3)} s`,
  );
  benchBgBb();
}
