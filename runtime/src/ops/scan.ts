/**
 * Primitives that work along one named dim as a whole: cumulative sums (ONNX CumSum), sorting
 * (TopK with k = size: values, and indices for argsort) and the position of the extreme value
 * (ArgMax / ArgMin). Multi-dim forms (argmax over 'x,y', cumulative sums over packed dims) are
 * composites in library/sorting.ts.
 *
 * Ties: sort and argsort keep equal values in their original order (a stable sort), as
 * onnxruntime's TopK does; -0 and 0 are equal. argmax / argmin give the first extreme position.
 * NaN sorts last and is the extreme of argmax / argmin (NumPy's rules), on both paths: onnxruntime
 * leaves NaN ordering unspecified, so the lowering sorts NaN as +inf and then, stably, by "is NaN",
 * and takes the first NaN's position for argmax / argmin where a lane holds one.
 */
import { type DType, allocate, isFloat, type TypedArray } from '../dtype';
import { definePrimitive, type Lowering, type OnnxValue } from './registry';
import { numbers } from '../eager/kernels';
import type { Tensor } from '../tensor';
import { ShapeError } from '../errors';

export interface AlongParams { readonly dim: string }

/** outer × n × inner layout of `x` around its dim `dim` (row-major in x's own order). */
function lanes(x: { shape: Tensor['shape'] }, dim: string): { outer: number; n: number; inner: number } {
  const ax = x.shape.indexOf(dim);
  if (ax < 0) throw new ShapeError(`Unknown dimension '${dim}': ${x.shape} has ${x.shape.names.map((n) => `'${n}'`).join(', ') || 'no dims'}`);
  const sizes = x.shape.sizes as number[];
  return {
    outer: sizes.slice(0, ax).reduce((a, b) => a * b, 1),
    n: sizes[ax],
    inner: sizes.slice(ax + 1).reduce((a, b) => a * b, 1),
  };
}

const scanType = (d: DType): DType => (d === 'bool' ? 'int32' : d);
/** dtype TopK / ArgMax take: bool as int32. */
const orderType = (d: DType): DType => (d === 'bool' ? 'int32' : d);
const axisOf = (x: OnnxValue, dim: string) => x.shape.indexOf(dim);

/** Running sum along a dim; same shape; bool sums as int32, int64 exact. */
export const cumsum = definePrimitive<AlongParams>({
  name: 'cumsum',
  group: 'reduction',
  shape: ([x], p) => { lanes(x, p.dim); return x.shape; },
  dtype: ([x]) => scanType(x.dtype),
  impl: ([x], p, out) => {
    const { outer, n, inner } = lanes(x, p.dim);
    const res = allocate(out.dtype, x.shape.volume);
    if (res instanceof BigInt64Array) {
      const src = x._data as BigInt64Array;
      for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) {
        let acc = 0n;
        for (let i = 0; i < n; i++) { const at = (o * n + i) * inner + k; acc = BigInt.asIntN(64, acc + src[at]); res[at] = acc; }
      }
      return res;
    }
    const src = numbers(x);
    const r = res as Exclude<TypedArray, BigInt64Array>;
    for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const at = (o * n + i) * inner + k;
        acc += src[at];
        if (out.dtype === 'int32') acc |= 0; // wraps like onnxruntime's int32 CumSum
        else if (out.dtype === 'float32') acc = Math.fround(acc); // float32 running sum, as compiled
        r[at] = acc;
      }
    }
    return res;
  },
  lower: (g, [x], p, out) => g.node('CumSum', [g.cast(x.name, x.dtype, out.dtype), g.scalar(axisOf(x, p.dim), 'int64')]),
});

/** Stable ascending order of one lane: NaN last. */
function laneOrder(src: ArrayLike<number> | BigInt64Array, base: number, n: number, inner: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const at = (i: number) => src[base + i * inner];
  idx.sort((a, b) => {
    const va = at(a), vb = at(b);
    if (typeof va === 'bigint') return va < vb ? -1 : va > vb ? 1 : a - b;
    const na = Number.isNaN(va), nb = Number.isNaN(vb as number);
    if (na || nb) return na && nb ? a - b : na ? 1 : -1;
    return va < (vb as number) ? -1 : va > (vb as number) ? 1 : a - b;
  });
  return idx;
}

function sortedLanes(x: Tensor, dim: string, write: (dst: number, src: number, rank: number) => void): void {
  const { outer, n, inner } = lanes(x, dim);
  const src = x.dtype === 'int64' ? (x._data as BigInt64Array) : numbers(x);
  for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) {
    const base = o * n * inner + k;
    laneOrder(src, base, n, inner).forEach((from, i) => write(base + i * inner, base + from * inner, from));
  }
}

/** [sorted values, int64 positions] of a stable ascending sort along `dim` (NaN last). */
function topK(g: Lowering, x: OnnxValue, dim: string): string[] {
  const v = g.cast(x.name, x.dtype, orderType(x.dtype));
  const axis = axisOf(x, dim);
  const k = g.int64s([x.shape.size(dim)]);
  const sortBy = (key: string) => g.nodeMulti('TopK', [key, k], 2, { axis, largest: 0, sorted: 1 })[1];
  if (!isFloat(x.dtype)) {
    const [values, idx] = g.nodeMulti('TopK', [v, k], 2, { axis, largest: 0, sorted: 1 });
    return [values, idx];
  }
  // NaN as +inf (ties keep their order), then a stable sort by "is NaN" moves the NaN behind +inf
  const nan = g.node('IsNaN', [v]);
  const first = sortBy(g.node('Where', [nan, g.scalar(Infinity, x.dtype), v]));
  const second = sortBy(g.node('GatherElements', [g.cast(nan, 'bool', 'int32'), first], { axis }));
  const idx = g.node('GatherElements', [first, second], { axis });
  return [g.node('GatherElements', [v, idx], { axis }), idx];
}

/** Values sorted ascending along a dim (stable). */
export const sort = definePrimitive<AlongParams>({
  name: 'sort',
  group: 'movement',
  shape: ([x], p) => { lanes(x, p.dim); return x.shape.withSize(p.dim, x.shape.size(p.dim)); },
  dtype: ([x]) => x.dtype,
  impl: ([x], p, out) => {
    const res = allocate(out.dtype, x.shape.volume) as any;
    const src = x._data as any;
    sortedLanes(x, p.dim, (dst, from) => { res[dst] = src[from]; });
    return res;
  },
  lower: (g, [x], p, out) => g.cast(topK(g, x, p.dim)[0], orderType(x.dtype), out.dtype),
});

/** int64 positions that sort a dim ascending (stable): `x.get(argsort)` along it is sorted. */
export const argsort = definePrimitive<AlongParams>({
  name: 'argsort',
  group: 'movement',
  shape: ([x], p) => { lanes(x, p.dim); return x.shape.withSize(p.dim, x.shape.size(p.dim)); },
  dtype: () => 'int64',
  impl: ([x], p) => {
    const res = new BigInt64Array(x.shape.volume);
    sortedLanes(x, p.dim, (dst, _from, rank) => { res[dst] = BigInt(rank); });
    return res;
  },
  lower: (g, [x], p) => topK(g, x, p.dim)[1],
});

function extremeIndex(name: 'argmax' | 'argmin', better: (a: number, b: number) => boolean, onnx: string) {
  return definePrimitive<AlongParams>({
    name,
    group: 'reduction',
    shape: ([x], p) => {
      const { n } = lanes(x, p.dim);
      if (n === 0) throw new ShapeError(`math.${name}: '${p.dim}' of ${x.shape} is empty, so it has no ${name === 'argmax' ? 'maximum' : 'minimum'}`);
      return x.shape.without(p.dim);
    },
    dtype: () => 'int64',
    impl: ([x], p) => {
      const { outer, n, inner } = lanes(x, p.dim);
      const res = new BigInt64Array(outer * inner);
      const big = x.dtype === 'int64' ? (x._data as BigInt64Array) : undefined;
      const src = numbers(x);
      for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) {
        const base = o * n * inner + k;
        let best = 0;
        for (let i = 1; i < n; i++) {
          const at = base + i * inner, cur = base + best * inner;
          if (Number.isNaN(src[cur])) break; // NaN is the extreme (NumPy): the first one wins
          if (big ? (name === 'argmax' ? big[at] > big[cur] : big[at] < big[cur]) : Number.isNaN(src[at]) || better(src[at], src[cur])) best = i;
        }
        res[o * inner + k] = BigInt(best);
      }
      return res;
    },
    lower: (g, [x], p) => {
      const attrs = { axis: axisOf(x, p.dim), keepdims: 0, select_last_index: 0 };
      const r = g.node(onnx, [g.cast(x.name, x.dtype, orderType(x.dtype))], attrs);
      if (!isFloat(x.dtype)) return r;
      // NaN is the extreme: the first NaN's position where the lane holds one
      const nan = g.cast(g.node('IsNaN', [x.name]), 'bool', 'int32');
      const firstNan = g.node('ArgMax', [nan], attrs);
      const hasNan = g.node('Greater', [g.node('ReduceMax', [nan, g.int64s([attrs.axis])], { keepdims: 0 }), g.scalar(0, 'int32')]);
      return g.node('Where', [hasNan, firstNan, r]);
    },
  });
}

export const argmax = extremeIndex('argmax', (a, b) => a > b, 'ArgMax');
export const argmin = extremeIndex('argmin', (a, b) => a < b, 'ArgMin');
