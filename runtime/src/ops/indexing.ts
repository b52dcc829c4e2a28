/**
 * Indexing by tensor-valued (data-dependent) indices: `gatherNd` reads values at positions given
 * by an index tensor, `scatterNd` writes (or adds, multiplies, takes max/min of) values into a base
 * tensor at such positions. Both take the position as one int index into the indexed dims
 * flattened row-major (library/indexing.ts computes it from ΦML's per-dim index vectors); dims the
 * index tensor shares with the other operands are matched element-wise (batch-like), as everywhere.
 *
 * Lowered to GatherND / ScatterND on a [shared, indexed, rest] layout: GatherND with batch_dims=1,
 * ScatterND with the shared position as a first index column. Out-of-range positions are an error
 * eagerly (RangeError) and in onnxruntime wherever a value is read or written (not when the other
 * dims are empty: nothing is read or written then, and the compiled graph holds no gather at all);
 * library functions clamp, wrap or discard them before. Scatter 'max' / 'min' propagate NaN (like
 * `maximum` / `minimum`): onnxruntime's ScatterND reductions drop it, so the lowering marks NaN
 * positions with a second ScatterND; and their zeros are +0 (which zero a tie keeps differs).
 */
import { Shape, broadcastShapes } from '../shape';
import { allocate, commonType, isFloat, type DType } from '../dtype';
import { definePrimitive, type Aval, type Lowering, type OnnxValue } from './registry';
import { castData, numbers, stridedOffsets } from '../eager/kernels';
import { stridesOf } from '../format';
import { ShapeError, DTypeError } from '../errors';
import type { Tensor } from '../tensor';

export interface GatherNdParams { readonly dims: readonly string[] }

interface Layout { shared: string[]; indexOnly: string[]; rest: string[]; nS: number; nI: number; nD: number; nR: number }

function vol(s: Shape, names: readonly string[]): number { return names.reduce((a, n) => a * s.size(n), 1); }

function checkIndex(idx: Aval, fn: string): void {
  if (idx.dtype !== 'int32' && idx.dtype !== 'int64') throw new DTypeError(`${fn}: indices must be int32 or int64, got ${idx.dtype}`);
}

/** The [shared, index-only, rest] split of the operands (data = the indexed tensor). */
function layout(data: Shape, index: Shape, dims: readonly string[], fn: string): Layout {
  for (const d of dims) if (!data.has(d)) throw new ShapeError(`${fn}: indexed dim '${d}' is not in ${data}`);
  const others = data.without(dims as string[]);
  const shared = others.names.filter((n) => index.has(n));
  const indexOnly = index.names.filter((n) => !others.has(n));
  for (const n of indexOnly) if (data.has(n)) throw new ShapeError(`${fn}: the indices ${index} have the indexed dim '${n}' of ${data}`);
  const rest = others.names.filter((n) => !index.has(n));
  broadcastShapes([others.only(shared), index.only(shared)]); // same sizes for shared dims
  return { shared, indexOnly, rest, nS: vol(data, shared), nI: vol(index, indexOnly), nD: vol(data, dims), nR: vol(data, rest) };
}

/** Offsets of `t` for every element of the dim order `names` (broadcasting dims `t` lacks). */
function offsetsFor(t: Shape, names: readonly string[], sizesFrom: Shape): Int32Array {
  const st = stridesOf(t.sizes as number[]);
  return stridedOffsets(names.map((n) => sizesFrom.size(n)), names.map((n) => (t.has(n) && t.size(n) !== 1 ? st[t.indexOf(n)] : 0)));
}

function position(v: number, nD: number, fn: string): number {
  if (v >= 0 && v < nD) return v;
  // only scatter has outsideHandling (ΦML's gather has none): gather's fix is in the indices
  const fix = fn === 'math.scatter' ? "use outsideHandling 'clamp' or 'discard', or check the indices" : 'check the indices, or bound them with math.clip(indices, 0, size - 1)';
  throw new RangeError(`${fn}: index ${v} is out of range for the indexed dims (${nD} elements); ${fix}`);
}

/** [shared, index-only, rest] → reshaped ONNX layout helpers. */
function toLayout(g: Lowering, v: OnnxValue, order: readonly string[], sizes: readonly number[]): string {
  const t = g.transpose(v, order);
  return g.node('Reshape', [t, g.int64s(sizes)]);
}

/**
 * The positions as int64 in `order`. GatherND / ScatterND take negative positions from the end; here
 * they are out of range, as eagerly: a negative position p becomes p - nD, which onnxruntime rejects
 * (its error shows it: for one indexed dim, the index as given).
 */
function positions(g: Lowering, index: OnnxValue, order: readonly string[], nD: number): string {
  const p = g.cast(g.transpose(index, order), index.dtype, 'int64');
  return g.node('Where', [g.node('Less', [p, g.scalar(0, 'int64')]), g.node('Sub', [p, g.scalar(nD, 'int64')]), p]);
}

/** values[index] over the indexed dims `dims` (flattened row-major); int64 index of any shape. */
export const gatherNd = definePrimitive<GatherNdParams>({
  name: 'gatherNd',
  group: 'movement',
  shape: ([values, index], p) => {
    checkIndex(index, 'math.gather');
    layout(values.shape, index.shape, p.dims, 'math.gather');
    return broadcastShapes([values.shape.without(p.dims as string[]), index.shape]);
  },
  dtype: ([values]) => values.dtype,
  impl: ([values, index], p, out) => {
    const L = layout(values.shape, index.shape, p.dims, 'math.gather');
    const order = [...L.shared, ...L.indexOnly, ...L.rest];
    const outOff = offsetsFor(out.shape, order, out.shape);
    const idxOff = offsetsFor(index.shape, [...L.shared, ...L.indexOnly], out.shape);
    const valOff = offsetsFor(values.shape, [...L.shared, ...p.dims, ...L.rest], values.shape);
    const idx = numbers(index);
    const src = values._data as any;
    const res = allocate(out.dtype, out.shape.volume) as any;
    if (L.nR === 0) return res; // nothing is read
    let k = 0;
    for (let s = 0; s < L.nS; s++) for (let i = 0; i < L.nI; i++) {
      const pos = position(idx[idxOff[s * L.nI + i]], L.nD, 'math.gather');
      for (let r = 0; r < L.nR; r++) res[outOff[k++]] = src[valOff[(s * L.nD + pos) * L.nR + r]];
    }
    return res;
  },
  lower: (g, [values, index], p, out) => {
    const L = layout(values.shape, index.shape, p.dims, 'math.gather');
    const data = toLayout(g, values, [...L.shared, ...p.dims, ...L.rest], [L.nS, L.nD, L.nR]);
    const idx = g.node('Reshape', [positions(g, index, [...L.shared, ...L.indexOnly], L.nD), g.int64s([L.nS, L.nI, 1])]);
    const r = g.node('GatherND', [data, idx], { batch_dims: 1 });
    const order = [...L.shared, ...L.indexOnly, ...L.rest];
    const shaped = g.node('Reshape', [r, g.int64s(order.map((n) => out.shape.size(n)))]);
    return g.transpose({ name: shaped, shape: out.shape.only(order), dtype: out.dtype }, out.shape.names);
  },
});

export type ScatterMode = 'update' | 'add' | 'mul' | 'max' | 'min';
export interface ScatterNdParams { readonly dims: readonly string[]; readonly mode: ScatterMode }

const REDUCTION: Record<ScatterMode, string> = { update: 'none', add: 'add', mul: 'mul', max: 'max', min: 'min' };

/** The base's dtype when the values are weak (a JS number) or the same, else the common type. */
function scatterType(base: Aval, values: Aval): DType {
  if (base.dtype === values.dtype || values._weak) return base.dtype;
  return commonType(base.dtype, values.dtype);
}

function scatterLayout(base: Shape, index: Shape, values: Shape, dims: readonly string[]): Layout {
  const L = layout(base, index, dims, 'math.scatter');
  for (const n of values.names) {
    if (!index.has(n) && !base.without(dims as string[]).has(n)) throw new ShapeError(`math.scatter: values ${values} have the dim '${n}', which neither the indices ${index} nor the base ${base} (without the indexed dims) have`);
  }
  broadcastShapes([values, index, base.without(dims as string[])]);
  return L;
}

/** base with values written at the positions (duplicates: 'update' keeps the last, 'add' sums, …). */
export const scatterNd = definePrimitive<ScatterNdParams>({
  name: 'scatterNd',
  group: 'movement',
  shape: ([base, index, values], p) => {
    checkIndex(index, 'math.scatter');
    scatterLayout(base.shape, index.shape, values.shape, p.dims);
    return base.shape;
  },
  dtype: ([base, , values]) => scatterType(base, values),
  impl: ([base, index, values], p, out) => {
    const L = scatterLayout(base.shape, index.shape, values.shape, p.dims);
    const full = base.shape.and(index.shape.only(L.indexOnly));
    const baseOff = offsetsFor(base.shape, [...L.shared, ...p.dims, ...L.rest], base.shape);
    const idxOff = offsetsFor(index.shape, [...L.shared, ...L.indexOnly], full);
    const valOff = offsetsFor(values.shape, [...L.shared, ...L.indexOnly, ...L.rest], full);
    const res = castData(base, out.dtype).slice() as any;
    const upd = castData(values as Tensor, out.dtype) as any;
    const idx = numbers(index);
    const big = res instanceof BigInt64Array, int32 = res instanceof Int32Array;
    if (L.nR === 0) return res; // nothing is written
    const combine = (a: any, b: any): any => {
      switch (p.mode) {
        case 'update': return b;
        case 'add': return big ? BigInt.asIntN(64, (a as bigint) + (b as bigint)) : a + b;
        case 'mul': return big ? BigInt.asIntN(64, (a as bigint) * (b as bigint)) : int32 ? Math.imul(a, b) : a * b;
        // NaN wins, from the base or from a value
        case 'max': return !big && (Number.isNaN(a) || Number.isNaN(b)) ? NaN : b > a ? b : a;
        case 'min': return !big && (Number.isNaN(a) || Number.isNaN(b)) ? NaN : b < a ? b : a;
      }
    };
    for (let s = 0; s < L.nS; s++) for (let i = 0; i < L.nI; i++) {
      const pos = position(idx[idxOff[s * L.nI + i]], L.nD, 'math.scatter');
      for (let r = 0; r < L.nR; r++) {
        const at = baseOff[(s * L.nD + pos) * L.nR + r];
        res[at] = combine(res[at], upd[valOff[(s * L.nI + i) * L.nR + r]]);
      }
    }
    if (out.dtype === 'bool') for (let j = 0; j < res.length; j++) res[j] = res[j] ? 1 : 0;
    // max / min: a zero is +0 (as for maximum / minimum)
    if ((p.mode === 'max' || p.mode === 'min') && isFloat(out.dtype)) for (let j = 0; j < res.length; j++) res[j] += 0;
    return res;
  },
  lower: (g, [base, index, values], p, out) => {
    const L = scatterLayout(base.shape, index.shape, values.shape, p.dims);
    const t = out.dtype;
    // nothing is written (no indices, or empty other dims): the base (ScatterND would get empty index shapes)
    if (L.nS * L.nI * L.nR === 0) {
      const b = g.cast(base.name, base.dtype, t);
      return (p.mode === 'max' || p.mode === 'min') && isFloat(t) ? g.node('Add', [b, g.scalar(0, t)]) : b;
    }
    // onnxruntime's ScatterND has no bool kernel with reductions: compute bool as int32 (max = or, min = and)
    const ct: DType = t === 'bool' ? 'int32' : t;
    const data = toLayout(g, { name: g.cast(base.name, base.dtype, ct), shape: base.shape, dtype: ct }, [...L.shared, ...p.dims, ...L.rest], [L.nS, L.nD, L.nR]);
    const flat = g.node('Reshape', [positions(g, index, [...L.shared, ...L.indexOnly], L.nD), g.int64s([L.nS, L.nI, 1])]);
    const sharedPos = g.node('Expand', [g.node('Reshape', [g.int64s(Array.from({ length: L.nS }, (_, i) => i)), g.int64s([L.nS, 1, 1])]), g.int64s([L.nS, L.nI, 1])]);
    const idx = g.node('Concat', [sharedPos, flat], { axis: 2 });
    const full = base.shape.and(index.shape.only(L.indexOnly)).only([...L.shared, ...L.indexOnly, ...L.rest]);
    let upd = g.align(values, full);
    upd = g.node('Expand', [upd, g.int64s(full.sizes as number[])]);
    upd = g.node('Reshape', [g.cast(upd, values.dtype, ct), g.int64s([L.nS, L.nI, L.nR])]);
    let r = g.node('ScatterND', [data, idx, upd], { reduction: REDUCTION[p.mode] });
    if ((p.mode === 'max' || p.mode === 'min') && (ct === 'float32' || ct === 'float64')) {
      // NaN wins: a position is NaN where the base is or a NaN value is written to it
      const nanOf = (v: string) => g.cast(g.node('IsNaN', [v]), 'bool', 'int32');
      const nan = g.node('ScatterND', [nanOf(data), idx, nanOf(upd)], { reduction: 'max' });
      r = g.node('Add', [g.node('Where', [g.cast(nan, 'int32', 'bool'), g.scalar(NaN, ct), r]), g.scalar(0, ct)]);
    }
    const order = [...L.shared, ...p.dims, ...L.rest];
    const shaped = g.node('Reshape', [r, g.int64s(order.map((n) => base.shape.size(n)))]);
    return g.cast(g.transpose({ name: shaped, shape: base.shape.only(order), dtype: ct }, out.shape.names), ct, t);
  },
});
