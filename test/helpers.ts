/**
 * Shared test helpers: closeness checks for tensors and plain arrays, exact tensor checks, and a
 * tiny name-based broadcasting reference (plain loops over plain arrays, independent of the
 * library's kernels) for computing expected values.
 */
import * as assert from 'assert';
import { Tensor, math } from 'tensorjit';

/** Flat numbers of a tensor (bigint and bool as numbers). */
export function values(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Asserts same shape (exact), same dtype, and values within rtol/atol (NaN equals NaN). */
export function assertClose(actual: Tensor, expected: Tensor, rtol = 1e-5, atol = 1e-6, msg = ''): void {
  assert.strictEqual(String(actual.shape), String(expected.shape), `${msg} shape`);
  assert.strictEqual(actual.dtype, expected.dtype, `${msg} dtype`);
  assertAllClose(values(actual), values(expected), rtol, atol, msg);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, msg = ''): void {
  assert.strictEqual(actual.length, expected.length, `${msg} length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${msg} element ${i}: ${a} vs expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** Flat values exactly as stored: numbers, bigints (int64) or booleans (bool). */
export function raw(t: Tensor): (number | bigint | boolean)[] {
  const d = t.data as ArrayLike<number | bigint>;
  return Array.from(d, (v) => (t.dtype === 'bool' ? v !== 0 : v));
}

/**
 * Asserts the shape text, the dtype and the flat values (in `t.shape` order) exactly.
 * NaN matches NaN, and -0 is distinguished from 0 only when `expected` holds -0.
 */
export function assertTensor(t: Tensor, shape: string, dtype: string, expected: readonly (number | bigint | boolean)[], msg = ''): void {
  assert.strictEqual(String(t.shape), shape, `${msg} shape`);
  assert.strictEqual(t.dtype, dtype, `${msg} dtype`);
  const got = raw(t);
  assert.strictEqual(got.length, expected.length, `${msg} number of elements`);
  for (let i = 0; i < got.length; i++) {
    const a = got[i], e = expected[i];
    if (typeof e === 'number' && Number.isNaN(e) && typeof a === 'number' && Number.isNaN(a)) continue;
    if (Object.is(e, -0)) { assert.ok(Object.is(a, -0), `${msg} element ${i}: ${String(a)} vs expected -0`); continue; }
    assert.ok(a === e || (typeof a === 'number' && typeof e === 'number' && a === e), `${msg} element ${i}: ${String(a)} (${typeof a}) vs expected ${String(e)} (${typeof e}); all: [${got.map(String).join(', ')}]`);
  }
}

/** Float32 rounding of each value (what a float32 tensor stores). */
export function f32(xs: readonly number[]): number[] { return xs.map((x) => Math.fround(x)); }

/** A plain description of a tensor's layout for the reference loops: names, sizes, flat data. */
export interface Plain { names: string[]; sizes: number[]; data: number[] }

export function plain(t: Tensor): Plain {
  return { names: t.shape.names, sizes: t.shape.sizes as number[], data: values(t) };
}

/**
 * Reference element-wise op with broadcasting by name: for each multi-index of the output
 * (names/sizes in output order, row-major), reads each input at the same named coordinates
 * (dims it lacks are ignored) and applies `fn`.
 */
export function refBroadcast(outNames: readonly string[], outSizes: readonly number[], inputs: readonly Plain[], fn: (...xs: number[]) => number): number[] {
  const total = outSizes.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let flat = 0; flat < total; flat++) {
    // decompose flat index into named coordinates
    const coord: Record<string, number> = {};
    let rem = flat;
    for (let d = outNames.length - 1; d >= 0; d--) { coord[outNames[d]] = rem % outSizes[d]; rem = Math.floor(rem / outSizes[d]); }
    const args = inputs.map((p) => {
      let off = 0;
      for (let d = 0; d < p.names.length; d++) off = off * p.sizes[d] + coord[p.names[d]];
      return p.data[off];
    });
    out.push(fn(...args));
  }
  return out;
}

/** Reference reduction over named dims: keeps the other dims in input order. */
export function refReduce(p: Plain, dims: readonly string[], init: number, step: (acc: number, x: number) => number, finish?: (acc: number, n: number) => number): { names: string[]; sizes: number[]; data: number[] } {
  const keep = p.names.map((n, i) => i).filter((i) => !dims.includes(p.names[i]));
  const names = keep.map((i) => p.names[i]);
  const sizes = keep.map((i) => p.sizes[i]);
  const m = sizes.reduce((a, b) => a * b, 1);
  const acc = new Array<number>(m).fill(init);
  const count = p.names.reduce((c, n, i) => (dims.includes(n) ? c * p.sizes[i] : c), 1);
  const total = p.sizes.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    const idx: number[] = new Array(p.names.length);
    let rem = flat;
    for (let d = p.names.length - 1; d >= 0; d--) { idx[d] = rem % p.sizes[d]; rem = Math.floor(rem / p.sizes[d]); }
    let o = 0;
    for (const i of keep) o = o * p.sizes[i] + idx[i];
    acc[o] = step(acc[o], p.data[flat]);
  }
  return { names, sizes, data: finish ? acc.map((a) => finish(a, count)) : acc };
}

/** Asserts that `fn` throws an error of class `cls` (by name) whose message matches every pattern. */
export function throwsWith(fn: () => unknown, cls: string, ...patterns: (RegExp | string)[]): Error {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  assert.ok(err instanceof Error, `expected a ${cls} to be thrown, but nothing was thrown`);
  const e = err as Error;
  assert.strictEqual(e.name, cls, `expected ${cls}, got ${e.name}: ${e.message}`);
  for (const p of patterns) {
    if (typeof p === 'string') assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    else assert.match(e.message, p);
  }
  return e;
}

/** Captures (and keeps off stderr) the process warnings emitted while `fn` runs. */
export async function warnings(fn: () => void | Promise<void>): Promise<string[]> {
  const got: string[] = [];
  const on = (w: Error) => got.push(w.message);
  const saved = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', on);
  try {
    await fn();
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', on);
    for (const l of saved) process.on('warning', l);
  }
  return got;
}

/**
 * Central differences of the scalar `loss` with respect to argument `k`, one entry per element of
 * that argument (in its own dtype: use float64 arguments under `math.precision(64, …)` for accuracy).
 */
export function centralDifference(loss: (...xs: Tensor[]) => Tensor, args: readonly Tensor[], k: number, h: number): number[] {
  const x = args[k];
  const base = x.data as Float32Array | Float64Array;
  return Array.from(base, (_v, i) => {
    const at = (dx: number) => {
      const d = base.slice();
      d[i] += dx;
      const xs = args.slice();
      xs[k] = x.shape.rank ? math.tensor(d, x.shape) : math.tensor(d[0], { dtype: x.dtype as 'float32' | 'float64' });
      return Number(loss(...xs).item());
    };
    return (at(h) - at(-h)) / (2 * h);
  });
}
