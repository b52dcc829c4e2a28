/**
 * Reductions over named dims. `params.dims` lists the dims to remove; the result keeps the
 * other dims in the input's order.
 */
import { type DType, floatOf, isFloat } from '../dtype';
import { definePrimitive, type Lowering, type OnnxValue, type Primitive } from './registry';
import { reduceDims, type Reducer } from '../eager/kernels';

export interface ReduceParams { readonly dims: readonly string[] }

interface ReduceSpec {
  dtype: (d: DType) => DType;
  reducer: Reducer;
  /** ONNX lowering of the reduction (input already in x's dtype). */
  lower: (g: Lowering, x: OnnxValue, p: ReduceParams, out: DType) => string;
}

function reduction(name: string, spec: ReduceSpec): Primitive<ReduceParams> {
  return definePrimitive<ReduceParams>({
    name,
    group: 'reduction',
    shape: ([x], p) => x.shape.without(p.dims),
    dtype: ([x]) => spec.dtype(x.dtype),
    impl: ([x], p, out) => reduceDims(x, p.dims, out.shape, out.dtype, spec.reducer),
    lower: (g, [x], p, out) => spec.lower(g, x, p, out.dtype),
  });
}

/** ONNX Reduce* over the dims, on the input cast to `inT`, result cast to `outDtype`. */
function reduceOp(op: string, inT: DType) {
  return (g: Lowering, x: OnnxValue, p: ReduceParams, outDtype: DType): string => {
    const axes = p.dims.map((d) => x.shape.indexOf(d));
    let xin = g.cast(x.name, x.dtype, inT);
    let t = inT;
    if (t === 'bool') { xin = g.cast(xin, 'bool', 'int32'); t = 'int32'; } // Reduce* take no bool
    // opset 18: every Reduce* takes its axes as an input
    const r = g.node(op, [xin, g.int64s(axes)], { keepdims: 0 });
    return g.cast(r, t, outDtype);
  };
}

/** x as a [kept, reduced] matrix (reduced dims last), for the int reductions below. */
function asMatrix(g: Lowering, x: OnnxValue, p: ReduceParams, t: DType): { m: string; rows: number; k: number } {
  const kept = x.shape.without(p.dims);
  const xt = g.cast(g.transpose(x, [...kept.names, ...p.dims]), x.dtype, t);
  const k = p.dims.reduce((a, d) => a * x.shape.size(d), 1);
  return { m: g.node('Reshape', [xt, g.int64s([kept.volume, k])]), rows: kept.volume, k };
}

function unflatten(g: Lowering, v: string, x: OnnxValue, p: ReduceParams): string {
  return g.node('Reshape', [v, g.int64s(x.shape.without(p.dims).sizes as number[])]);
}

/**
 * Integer sums wrap (two's complement, like NumPy and the eager kernels); onnxruntime's int
 * ReduceSum saturates, its int MatMul wraps: sum = x · ones.
 */
function lowerIntSum(g: Lowering, x: OnnxValue, p: ReduceParams, t: DType): string {
  const { m, k } = asMatrix(g, x, p, t);
  const ones = g.node('Expand', [g.scalar(1, t), g.int64s([k, 1])]);
  return unflatten(g, g.node('MatMul', [m, ones]), x, p);
}

/** A log-depth tree of an element-wise combination over the reduced dims. */
function lowerTree(g: Lowering, x: OnnxValue, p: ReduceParams, t: DType, combine: (a: string, b: string) => string): string {
  let { m, k } = asMatrix(g, x, p, t);
  while (k > 1) {
    const h = Math.floor(k / 2);
    const half = (s: number, e: number) => g.node('Slice', [m, g.int64s([s]), g.int64s([e]), g.int64s([1])]);
    let next = combine(half(0, h), half(h, 2 * h));
    if (k % 2) next = g.node('Concat', [next, half(2 * h, k)], { axis: 1 });
    m = next;
    k = Math.ceil(k / 2);
  }
  return unflatten(g, m, x, p);
}

/** Integer products wrap: a tree of Mul (onnxruntime's int ReduceProd saturates). */
function lowerIntProd(g: Lowering, x: OnnxValue, p: ReduceParams, t: DType): string {
  return lowerTree(g, x, p, t, (a, b) => g.node('Mul', [a, b]));
}

/** float32 sums and products accumulate in float64 and round once (as the eager kernels do). */
function lowerSumLike(op: 'ReduceSum' | 'ReduceProd', int: typeof lowerIntSum) {
  return (g: Lowering, x: OnnxValue, p: ReduceParams, out: DType): string => {
    if (out === 'int32' || out === 'int64') return int(g, x, p, out);
    return reduceOp(op, 'float64')(g, x, p, out);
  };
}

/**
 * max / min propagate NaN (NumPy, ΦML); onnxruntime's ReduceMax / ReduceMin skip it. A zero result is
 * +0 (as for `minimum` / `maximum`: which zero onnxruntime returns for a lane of -0 and 0 varies).
 */
function lowerMaxMin(op: 'ReduceMax' | 'ReduceMin') {
  return (g: Lowering, x: OnnxValue, p: ReduceParams, out: DType): string => {
    // onnxruntime's int64 ReduceMax / ReduceMin are wrong beyond 32 bits: a tree of exact compares
    if (x.dtype === 'int64') return lowerTree(g, x, p, 'int64', (a, b) => g.node('Where', [g.node(op === 'ReduceMax' ? 'Greater' : 'Less', [a, b]), a, b]));
    const inT = x.dtype === 'bool' ? 'int32' : x.dtype;
    const r = reduceOp(op, inT)(g, x, p, out);
    if (!isFloat(x.dtype)) return r;
    const nan = reduceOp('ReduceMax', 'bool')(g, { name: g.node('IsNaN', [x.name]), shape: x.shape, dtype: 'bool' }, p, 'bool');
    return g.node('Add', [g.node('Where', [nan, g.scalar(NaN, out), r]), g.scalar(0, out)]);
  };
}

/** ΦML (NumPy) sums and multiplies bools and int32 as int64. */
const sumType = (d: DType): DType => (d === 'bool' || d === 'int32' ? 'int64' : d);
const nanMax = (a: number, x: number) => (x > a || Number.isNaN(x) || Number.isNaN(a) ? (Number.isNaN(a) ? a : x) : a);
const nanMin = (a: number, x: number) => (x < a || Number.isNaN(x) || Number.isNaN(a) ? (Number.isNaN(a) ? a : x) : a);

export const sum = reduction('sum', {
  dtype: sumType,
  reducer: { init: 0, step: (a, x) => a + x, big: { init: 0n, step: (a, x) => a + x } },
  lower: lowerSumLike('ReduceSum', lowerIntSum),
});
export const prod = reduction('prod', {
  dtype: sumType,
  reducer: { init: 1, step: (a, x) => a * x, big: { init: 1n, step: (a, x) => a * x } },
  lower: lowerSumLike('ReduceProd', lowerIntProd),
});
/** Mean in float64 (sum / count), rounded once; over an empty dim NaN (0 / 0, NumPy). */
export const mean = reduction('mean', {
  dtype: floatOf,
  reducer: { init: 0, step: (a, v) => a + v, finish: (a, n) => a / n },
  lower: (g, x, p, out) => {
    const count = p.dims.reduce((acc, d) => acc * x.shape.size(d), 1);
    const s = reduceOp('ReduceSum', 'float64')(g, x, p, 'float64');
    return g.cast(g.node('Div', [s, g.scalar(count, 'float64')]), 'float64', out);
  },
});
/** Over an empty dim max and min give 0 (ΦML's rule), for every dtype. */
export const max = reduction('max', {
  dtype: (d) => d,
  reducer: { init: -Infinity, step: nanMax, finish: (a) => a + 0, empty: 0, big: { init: -(2n ** 63n), step: (a, x) => (x > a ? x : a) } },
  lower: lowerMaxMin('ReduceMax'),
});
export const min = reduction('min', {
  dtype: (d) => d,
  reducer: { init: Infinity, step: nanMin, finish: (a) => a + 0, empty: 0, big: { init: 2n ** 63n - 1n, step: (a, x) => (x < a ? x : a) } },
  lower: lowerMaxMin('ReduceMin'),
});
/** True where any element along the dims is nonzero (NaN counts as true); false over an empty dim. */
export const any = reduction('any', {
  dtype: () => 'bool',
  reducer: { init: 0, step: (a, x) => (a || x !== 0 ? 1 : 0) },
  lower: reduceOp('ReduceMax', 'bool'),
});
/** True where every element along the dims is nonzero; true over an empty dim. */
export const all = reduction('all', {
  dtype: () => 'bool',
  reducer: { init: 1, step: (a, x) => (a && x !== 0 ? 1 : 0) },
  lower: reduceOp('ReduceMin', 'bool'),
});
