/**
 * Timing harness: every contender of a workload is measured in the same process, interleaved
 * (A B C, B C A, C A B, …: one sample each per round, rotating the order so no contender always runs
 * right after the same neighbour), after calibration and warm-up. Reports medians of per-call times
 * and, against the baseline, the median of per-round ratios (paired, so slow phases of a noisy
 * shared machine hit both sides of each ratio). Nothing here asserts anything about time.
 */

export interface Contender {
  /** e.g. 'tensorjit compiled', 'TensorFlow.js (wasm)'. */
  readonly name: string;
  /** What it is, for the tables: the library under test, a peer, or a reference (the floor). */
  readonly kind: 'tensorjit' | 'peer' | 'reference';
  /** Version text of the library (peers), written into the results. */
  readonly version?: string;
  readonly note?: string;
  /** Once, untimed: load, compile, warm caches. */
  setup?(): void | Promise<void>;
  /** Before every sample, untimed (e.g. switch a global backend, create fresh inputs). */
  before?(): void | Promise<void>;
  /** One call; must leave its result readable in JS (a typed array), as a user would need it. */
  run(): unknown;
  /** Whether run() returns a Promise that has to be awaited. */
  readonly async?: boolean;
  /** After every sample, untimed. */
  after?(): void | Promise<void>;
  /** Once at the end, untimed. */
  teardown?(): void | Promise<void>;
  /** The result of one call as numbers (compared with the baseline's result, not timed). */
  output?(): ArrayLike<number> | Promise<ArrayLike<number>>;
  /** For single-shot contenders (first calls): every sample must be a fresh first call, so inner is 1. */
  readonly singleShot?: boolean;
}

export interface HarnessOptions {
  /** Minimum time of one sample (calls are repeated inside a sample until it is reached). */
  readonly sampleMs: number;
  readonly warmupMs: number;
  /** Number of rounds (samples per contender), at most. */
  readonly rounds: number;
  /** At least this many rounds even when over budget. */
  readonly minRounds: number;
  /** Time budget for the timed rounds of one workload. */
  readonly budgetMs: number;
  /**
   * Idle time after every sample (untimed), so that background work a contender started (V8's
   * concurrent wasm / JS compilation, thread pools winding down) is not billed to the next one.
   */
  readonly settleMs?: number;
  readonly log?: (s: string) => void;
}

export interface ContenderResult {
  name: string;
  kind: Contender['kind'];
  version?: string;
  note?: string;
  /** Median time per call, ms. */
  medianMs: number;
  /** Interquartile range of the per-call times, ms. */
  q1Ms: number;
  q3Ms: number;
  /** Calls per sample and number of samples. */
  inner: number;
  samples: number;
  /** Per-sample per-call times, ms. */
  timesMs: number[];
  /** Median over rounds of (this contender's time / baseline's time in the same round). */
  ratioToBaseline?: number;
  /** Max absolute difference of the output from the baseline's output (when both give one). */
  maxAbsDiff?: number;
  error?: string;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

const gc: (() => void) | undefined = (globalThis as any).gc;

function now(): number { return Number(process.hrtime.bigint()) / 1e6; }

async function sample(c: Contender, inner: number): Promise<number> {
  if (c.before) await c.before();
  gc?.(); // each sample starts with a collected heap: garbage of the previous contender is not billed here
  let t: number;
  if (c.async) {
    const t0 = now();
    for (let i = 0; i < inner; i++) await c.run();
    t = now() - t0;
  } else {
    const t0 = now();
    for (let i = 0; i < inner; i++) c.run();
    t = now() - t0;
  }
  if (c.after) await c.after();
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  return t / inner;
}

let settleMs = 0;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(Number(a[i]) - Number(b[i]));
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/**
 * Measures `contenders` interleaved; the first one is the baseline of the ratios. A contender
 * whose setup or first call throws is reported with its error and left out of the rounds.
 */
export async function compare(contenders: readonly Contender[], opts: HarnessOptions): Promise<ContenderResult[]> {
  const log = opts.log ?? (() => {});
  settleMs = opts.settleMs ?? 0;
  const live: { c: Contender; inner: number; one: number; times: number[]; res: ContenderResult }[] = [];
  const results: ContenderResult[] = [];
  let reference: ArrayLike<number> | undefined;
  for (const c of contenders) {
    const res: ContenderResult = { name: c.name, kind: c.kind, version: c.version, note: c.note, medianMs: NaN, q1Ms: NaN, q3Ms: NaN, inner: 0, samples: 0, timesMs: [] };
    results.push(res);
    try {
      if (c.setup) await c.setup();
      if (c.output) {
        const out = await c.output();
        if (reference === undefined && c === contenders[0]) reference = Array.from(out, Number);
        else if (reference !== undefined) res.maxAbsDiff = maxAbsDiff(out, reference);
      }
      // calibration: one call (also a warm-up), then enough calls per sample to reach sampleMs
      let one = await sample(c, 1);
      let inner = 1;
      if (!c.singleShot) {
        const warmEnd = now() + opts.warmupMs;
        inner = Math.max(1, Math.min(1e6, Math.ceil(opts.sampleMs / Math.max(one, 1e-4))));
        while (now() < warmEnd) one = await sample(c, Math.max(1, Math.min(inner, Math.ceil(opts.warmupMs / 4 / Math.max(one, 1e-4)))));
        inner = Math.max(1, Math.min(1e6, Math.ceil(opts.sampleMs / Math.max(one, 1e-4))));
      }
      live.push({ c, inner, one, times: [], res });
      res.inner = inner;
      log(`  ${c.name}: ~${fmtMs(one)} per call, ${inner} per sample`);
    } catch (e) {
      res.error = (e as Error).message.split('\n')[0];
      log(`  ${c.name}: FAILED ${res.error}`);
    }
  }
  // rounds within the budget
  const perRound = live.reduce((acc, l) => acc + l.inner * l.one, 0);
  const rounds = Math.max(opts.minRounds, Math.min(opts.rounds, Math.floor(opts.budgetMs / Math.max(perRound, 1e-3))));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < live.length; k++) {
      const l = live[(k + r) % live.length];
      if (l.res.error) continue;
      try {
        l.times.push(await sample(l.c, l.inner));
      } catch (e) {
        l.res.error = (e as Error).message.split('\n')[0];
      }
    }
  }
  for (const l of live) {
    if (l.c.teardown) { try { await l.c.teardown(); } catch { /* reported elsewhere */ } }
    l.res.timesMs = l.times.map((t) => +t.toPrecision(5));
    l.res.samples = l.times.length;
    l.res.medianMs = median(l.times);
    l.res.q1Ms = quantile(l.times, 0.25);
    l.res.q3Ms = quantile(l.times, 0.75);
  }
  const base = live.find((l) => l.c === contenders[0]);
  if (base) {
    for (const l of live) {
      const n = Math.min(l.times.length, base.times.length);
      const ratios: number[] = [];
      for (let i = 0; i < n; i++) ratios.push(l.times[i] / base.times[i]);
      l.res.ratioToBaseline = median(ratios);
    }
  }
  return results;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(0)} ms`;
}
