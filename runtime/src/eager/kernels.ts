/**
 * Plain-JS kernels shared by the eager implementations in the op registry: broadcasting by
 * dim name (index maps), element-wise maps with int32 wrap-around and exact int64, reductions
 * over named dims, and strided copies for movement ops.
 *
 * int64 is stored as BigInt64Array (exact, and what onnxruntime takes), but computed with JS
 * numbers whenever every operand and result is within ±2^53; only beyond that do kernels fall
 * back to BigInt arithmetic (wrapping at 64 bits, as ONNX Runtime does).
 */
import type { Shape } from '../shape';
import { type DType, type TypedArray, allocate } from '../dtype';
import type { Tensor } from '../tensor';
import { stridesOf } from '../format';
import { DTypeError } from '../errors';

export type NumArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const SAFE = Number.MAX_SAFE_INTEGER;
const numberViews = new WeakMap<TypedArray, Float64Array>();

/** The data as JS numbers (int64 converted once and cached). */
export function numbers(t: Tensor): NumArray {
  const d = t._data!;
  if (!(d instanceof BigInt64Array)) return d;
  let v = numberViews.get(d);
  if (!v) {
    v = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) v[i] = Number(d[i]);
    numberViews.set(d, v);
  }
  return v;
}

/** True when every int64 value is exactly representable as a JS number. */
function int64Safe(t: Tensor): boolean {
  const d = t._data!;
  if (!(d instanceof BigInt64Array)) return true;
  const v = numbers(t);
  for (let i = 0; i < v.length; i++) if (v[i] > SAFE || v[i] < -SAFE) return false;
  return true;
}

/**
 * For each output element, the offset of the matching element of `from` (broadcast by name).
 * Returns null when `from` is laid out exactly like `to` (offset == index).
 */
export function broadcastMap(from: Shape, to: Shape): Int32Array | null | 'scalar' {
  if (from.volume === 1 && to.volume !== 1) return 'scalar';
  if (from.key === to.key || from.volume === 1) return null;
  const fromStrides = stridesOf(from.sizes as number[]);
  const strides = to.dims.map((d) => {
    const i = from.indexOf(d.name);
    return i < 0 || from.dims[i].size === 1 ? 0 : fromStrides[i];
  });
  return stridedOffsets(to.sizes as number[], strides);
}

/** Offsets `sum(idx[d] * strides[d])` for every index of `sizes`, row-major. */
export function stridedOffsets(sizes: readonly number[], strides: readonly number[], base = 0): Int32Array {
  const total = sizes.reduce((a, b) => a * b, 1);
  const out = new Int32Array(total);
  const rank = sizes.length;
  if (total === 0) return out;
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  for (let n = 0; n < total; n++) {
    out[n] = off;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < sizes[d]) break;
      off -= strides[d] * sizes[d];
      idx[d] = 0;
    }
  }
  return out;
}

type Fn1 = (a: number) => number;
type Fn2 = (a: number, b: number) => number;
type Fn3 = (a: number, b: number, c: number) => number;
type Big2 = (a: bigint, b: bigint) => bigint;

export interface MapOptions {
  /** Exact BigInt version, used for int64 when numbers would lose precision. */
  big?: Big2 | ((a: bigint) => bigint);
  /** int32 version (e.g. Math.imul) for exact wrap-around. */
  int32?: Fn2;
  /** Version for any int result (int32 or int64 computed as numbers), unless `int32` applies. */
  int?: Fn2;
}

/** Element-wise map of 1–3 inputs, broadcast by name into `out`. */
export function mapElementwise(ins: readonly Tensor[], outShape: Shape, outDtype: DType, fn: Fn1 | Fn2 | Fn3, opts: MapOptions = {}): TypedArray {
  const n = outShape.volume;
  // int64 results, and bool results of int64 inputs (comparisons), go exact through BigInt beyond ±2^53
  const bigOut = outDtype === 'int64' || (outDtype === 'bool' && ins.every((t) => t.dtype === 'int64'));
  const needBig = bigOut && opts.big !== undefined && !ins.every(int64Safe);
  if (needBig) return mapBig(ins, outShape, opts.big as Big2, outDtype);
  const compute = outDtype === 'int64' ? new Float64Array(n) : allocate(outDtype, n) as NumArray;
  const f = outDtype === 'int32' && opts.int32 ? opts.int32 : (outDtype === 'int32' || outDtype === 'int64') && opts.int ? opts.int : fn;
  const views = ins.map(numbers);
  const maps = ins.map((t) => broadcastMap(t.shape, outShape));
  if (ins.length === 1) {
    const a = views[0], ma = maps[0], g = f as Fn1;
    if (ma === null) for (let i = 0; i < n; i++) compute[i] = g(a[i]);
    else if (ma === 'scalar') { const v = g(a[0]); compute.fill(v); }
    else for (let i = 0; i < n; i++) compute[i] = g(a[ma[i]]);
  } else if (ins.length === 2) {
    const a = views[0], b = views[1], ma = maps[0], mb = maps[1], g = f as Fn2;
    if (ma === null && mb === null) for (let i = 0; i < n; i++) compute[i] = g(a[i], b[i]);
    else if (ma === null && mb === 'scalar') { const y = b[0]; for (let i = 0; i < n; i++) compute[i] = g(a[i], y); }
    else if (ma === 'scalar' && mb === null) { const x = a[0]; for (let i = 0; i < n; i++) compute[i] = g(x, b[i]); }
    else {
      for (let i = 0; i < n; i++) compute[i] = g(a[at(ma, i)], b[at(mb, i)]);
    }
  } else {
    const a = views[0], b = views[1], c = views[2], g = f as Fn3;
    for (let i = 0; i < n; i++) compute[i] = g(a[at(maps[0], i)], b[at(maps[1], i)], c[at(maps[2], i)]);
  }
  if (outDtype !== 'int64') return compute as TypedArray;
  const c = compute as Float64Array;
  for (let i = 0; i < n; i++) {
    if (c[i] > SAFE || c[i] < -SAFE) {
      if (opts.big) return mapBig(ins, outShape, opts.big as Big2);
      break;
    }
  }
  return toInt64(c);
}

function at(m: Int32Array | null | 'scalar', i: number): number {
  return m === null ? i : m === 'scalar' ? 0 : m[i];
}

function mapBig(ins: readonly Tensor[], outShape: Shape, big: Big2, outDtype: DType = 'int64'): BigInt64Array | Uint8Array {
  const n = outShape.volume;
  const out = new BigInt64Array(n);
  const data = ins.map((t) => t._data!);
  const maps = ins.map((t) => broadcastMap(t.shape, outShape));
  const get = (k: number, i: number): bigint => {
    const v = data[k][at(maps[k], i)];
    return typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number));
  };
  for (let i = 0; i < n; i++) {
    out[i] = BigInt.asIntN(64, ins.length === 1 ? (big as any)(get(0, i)) : big(get(0, i), get(1, i)));
  }
  return outDtype === 'bool' ? Uint8Array.from(out, (v) => (v !== 0n ? 1 : 0)) : out;
}

/** JS numbers (integral) to int64 storage. Non-integral values truncate; NaN becomes 0. */
export function toInt64(c: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    out[i] = Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : 0n;
  }
  return out;
}

/** Converts a tensor's data to `to` by the cast rule (docs/api.md "Numerics"). */
export function castData(t: Tensor, to: DType): TypedArray {
  return convertData(t._data!, t.dtype, to);
}

/**
 * The float → int rule (NumPy and onnxruntime on x86): truncate toward zero; NaN, ±inf and
 * values whose truncation is outside the int's range give the int's minimum value.
 */
export function floatToInt32(x: number): number {
  const v = Math.trunc(x);
  return v >= -2147483648 && v <= 2147483647 ? v : -2147483648;
}
const INT64_MIN = -(2n ** 63n);
export function floatToInt64(x: number): bigint {
  return x >= -(2 ** 63) && x < 2 ** 63 ? BigInt(Math.trunc(x)) : INT64_MIN;
}

/** int64 → float32 rounded once (to nearest, ties to even), not twice through a double. */
export function int64ToFloat32(v: bigint): number {
  const d = Number(v);
  const f = Math.fround(d);
  if (f === d || BigInt(d) === v) return f;
  // d is a rounded double; when it lies exactly halfway between two float32 values the
  // double rounding may have picked the wrong one: decide with the exact value.
  const lo = f < d ? f : nextDown32(f), hi = f > d ? f : nextUp32(f);
  if ((lo + hi) / 2 !== d) return f;
  return v > BigInt(d) ? hi : lo;
}
function nextUp32(f: number): number { const a = Float32Array.of(f); const i = new Int32Array(a.buffer); i[0] += f >= 0 ? 1 : -1; return a[0]; }
function nextDown32(f: number): number { const a = Float32Array.of(f); const i = new Int32Array(a.buffer); i[0] += f > 0 ? -1 : 1; return a[0]; }

/** Converts data of dtype `from` to `to` by the cast rule (the same array when they agree). */
export function convertData(src: TypedArray, from: DType, to: DType): TypedArray {
  if (from === to) return src;
  if (from === 'complex64') throw new DTypeError(`a complex64 → ${to} conversion would drop the imaginary part: use math.real(t), math.imag(t) or math.abs(t)`);
  if (to === 'complex64') {
    // the real part as float32 (the cast rule), the imaginary part 0
    const re = convertData(src, from, 'float32') as Float32Array;
    const out = new Float32Array(2 * re.length);
    for (let i = 0; i < re.length; i++) out[2 * i] = re[i];
    return out;
  }
  const n = src.length;
  const fromFloat = from === 'float32' || from === 'float64';
  if (to === 'int64') {
    if (src instanceof BigInt64Array) return src;
    if (!fromFloat) return toInt64(src as NumArray);
    const out = new BigInt64Array(n);
    const s = src as NumArray;
    for (let i = 0; i < n; i++) out[i] = floatToInt64(s[i]);
    return out;
  }
  if (from === 'int64') {
    const s = src as BigInt64Array;
    const out = allocate(to, n) as NumArray;
    if (to === 'bool') for (let i = 0; i < n; i++) out[i] = s[i] !== 0n ? 1 : 0;
    else if (to === 'int32') for (let i = 0; i < n; i++) out[i] = Number(BigInt.asIntN(32, s[i]));
    else if (to === 'float32') for (let i = 0; i < n; i++) out[i] = int64ToFloat32(s[i]);
    else for (let i = 0; i < n; i++) out[i] = Number(s[i]);
    return out;
  }
  const s = src as NumArray;
  const out = allocate(to, n) as NumArray;
  if (to === 'bool') for (let i = 0; i < n; i++) out[i] = s[i] !== 0 ? 1 : 0; // NaN → true
  else if (to === 'int32' && fromFloat) for (let i = 0; i < n; i++) out[i] = floatToInt32(s[i]);
  else out.set(s);
  return out;
}

// --- reductions ---

export interface Reducer {
  init: number;
  step: (acc: number, x: number) => number;
  finish?: (acc: number, count: number) => number;
  /** The result over an empty dim, when it is not what `init` gives. */
  empty?: number;
  /** Exact int64 version. */
  big?: { init: bigint; step: (acc: bigint, x: bigint) => bigint };
}

/** Reduces `t` over the named dims into `outShape` (t's other dims, in t's order). */
export function reduceDims(t: Tensor, dims: readonly string[], outShape: Shape, outDtype: DType, r: Reducer): TypedArray {
  const sizes = t.shape.sizes as number[];
  const outStrides = stridesOf(outShape.sizes as number[]);
  const strides = t.shape.dims.map((d) => {
    const j = outShape.indexOf(d.name);
    return j < 0 ? 0 : outStrides[j];
  });
  const map = stridedOffsets(sizes, strides);
  const m = outShape.volume;
  const count = dims.reduce((acc, d) => acc * t.shape.size(d), 1);
  if (count === 0 && r.empty !== undefined) {
    const out = allocate(outDtype, m);
    if (out instanceof BigInt64Array) out.fill(BigInt(r.empty)); else out.fill(r.empty);
    return out;
  }
  if (outDtype === 'int64' && r.big && !int64Safe(t)) {
    const acc = new BigInt64Array(m).fill(r.big.init);
    const d = t._data!;
    for (let i = 0; i < map.length; i++) {
      const v = d[i];
      acc[map[i]] = BigInt.asIntN(64, r.big.step(acc[map[i]], typeof v === 'bigint' ? v : BigInt(v as number)));
    }
    return acc;
  }
  const acc = new Float64Array(m).fill(r.init);
  const x = numbers(t);
  const step = r.step;
  // for int results, the largest partial result: beyond ±2^53 the doubles were inexact
  let peak = 0;
  if ((outDtype === 'int64' || outDtype === 'int32') && r.big) {
    for (let i = 0; i < map.length; i++) {
      const v = step(acc[map[i]], x[i]);
      acc[map[i]] = v;
      if (v > peak) peak = v; else if (-v > peak) peak = -v;
    }
  } else {
    for (let i = 0; i < map.length; i++) acc[map[i]] = step(acc[map[i]], x[i]);
  }
  if (r.finish) for (let j = 0; j < m; j++) acc[j] = r.finish(acc[j], count);
  if (outDtype === 'int32' || outDtype === 'bool') {
    if (outDtype === 'int32' && peak > SAFE && r.big) {
      // exact, wrapping at 32 bits like onnxruntime's int32 reductions
      const big = new Array<bigint>(m).fill(r.big.init);
      const d = t._data!;
      for (let i = 0; i < map.length; i++) big[map[i]] = BigInt.asIntN(32, r.big.step(big[map[i]], BigInt(d[i] as number)));
      return Int32Array.from(big, (v) => Number(v));
    }
    // identities of max / min over empty dims: the dtype's lowest / highest value
    const [lo, hi] = outDtype === 'int32' ? [-2147483648, 2147483647] : [0, 1];
    for (let j = 0; j < m; j++) if (acc[j] === -Infinity) acc[j] = lo; else if (acc[j] === Infinity) acc[j] = hi;
  }
  if (outDtype === 'int64') {
    let safe = peak <= SAFE;
    for (let j = 0; j < m; j++) if (acc[j] > SAFE || acc[j] < -SAFE) safe = false;
    if (!safe && r.big) {
      const big = new BigInt64Array(m).fill(r.big.init);
      const d = t._data!;
      for (let i = 0; i < map.length; i++) {
        const v = d[i];
        big[map[i]] = BigInt.asIntN(64, r.big.step(big[map[i]], typeof v === 'bigint' ? v : BigInt(v as number)));
      }
      return big;
    }
    return toInt64(acc);
  }
  const out = allocate(outDtype, m) as NumArray;
  out.set(acc);
  return out;
}

/** Gathers `src` elements at `offsets` into a new array of `dtype`. */
export function gatherOffsets(src: TypedArray, offsets: Int32Array, dtype: DType): TypedArray {
  const out = allocate(dtype, offsets.length);
  if (out instanceof BigInt64Array) {
    const s = src as BigInt64Array;
    for (let i = 0; i < offsets.length; i++) out[i] = s[offsets[i]];
  } else {
    const s = src as NumArray, o = out as NumArray;
    for (let i = 0; i < offsets.length; i++) o[i] = s[offsets[i]];
  }
  return out;
}
