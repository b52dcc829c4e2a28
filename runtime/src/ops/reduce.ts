/**
 * Reductions over named dims. `params.dims` lists the dims to remove; the result keeps the
 * other dims in the input's order.
 */
import { type DType, floatOf } from '../dtype';
import { definePrimitive, type Lowering, type OnnxValue, type Primitive } from './registry';
import { reduceDims, type Reducer } from '../eager/kernels';

export interface ReduceParams { readonly dims: readonly string[] }

interface ReduceSpec {
  dtype: (d: DType) => DType;
  reducer: Reducer;
  /** ONNX Reduce* op and the dtype its input is cast to. */
  onnx: string;
  onnxInput: (d: DType) => DType;
}

function reduction(name: string, spec: ReduceSpec): Primitive<ReduceParams> {
  return definePrimitive<ReduceParams>({
    name,
    group: 'reduction',
    shape: ([x], p) => x.shape.without(p.dims),
    dtype: ([x]) => spec.dtype(x.dtype),
    impl: ([x], p, out) => reduceDims(x, p.dims, out.shape, out.dtype, spec.reducer),
    lower: (g, [x], p, out) => lowerReduce(g, x, p, out.dtype, spec.onnx, spec.onnxInput(x.dtype)),
  });
}

function lowerReduce(g: Lowering, x: OnnxValue, p: ReduceParams, outDtype: DType, op: string, inT: DType): string {
  const axes = p.dims.map((d) => x.shape.indexOf(d));
  let xin = g.cast(x.name, x.dtype, inT);
  let t = inT;
  if (t === 'bool') { xin = g.cast(xin, 'bool', 'int32'); t = 'int32'; } // Reduce* take no bool
  // opset 18: every Reduce* takes its axes as an input
  const r = g.node(op, [xin, g.int64s(axes)], { keepdims: 0 });
  return g.cast(r, t, outDtype);
}

const sumType = (d: DType): DType => (d === 'bool' ? 'int32' : d);
const nanMax = (a: number, x: number) => (x > a || Number.isNaN(x) || Number.isNaN(a) ? (Number.isNaN(a) ? a : x) : a);
const nanMin = (a: number, x: number) => (x < a || Number.isNaN(x) || Number.isNaN(a) ? (Number.isNaN(a) ? a : x) : a);

export const sum = reduction('sum', {
  dtype: sumType,
  reducer: { init: 0, step: (a, x) => a + x, big: { init: 0n, step: (a, x) => a + x } },
  onnx: 'ReduceSum', onnxInput: sumType,
});
export const prod = reduction('prod', {
  dtype: sumType,
  reducer: { init: 1, step: (a, x) => a * x, big: { init: 1n, step: (a, x) => a * x } },
  onnx: 'ReduceProd', onnxInput: sumType,
});
export const mean = definePrimitive<ReduceParams>({
  name: 'mean',
  group: 'reduction',
  shape: ([x], p) => x.shape.without(p.dims),
  dtype: ([x]) => floatOf(x.dtype),
  impl: ([x], p, out) => reduceDims(x, p.dims, out.shape, out.dtype, { init: 0, step: (a, v) => a + v, finish: (a, n) => a / n }),
  // sum / count rather than ReduceMean, so that the mean over an empty dim is NaN (as 0 / 0) like eagerly
  lower: (g, [x], p, out) => {
    const count = p.dims.reduce((acc, d) => acc * x.shape.size(d), 1);
    const s = lowerReduce(g, x, p, out.dtype, 'ReduceSum', out.dtype);
    return g.node('Div', [s, g.scalar(count, out.dtype)]);
  },
});
export const max = reduction('max', {
  dtype: (d) => d,
  reducer: { init: -Infinity, step: nanMax, big: { init: -(2n ** 63n), step: (a, x) => (x > a ? x : a) } },
  onnx: 'ReduceMax', onnxInput: sumType,
});
export const min = reduction('min', {
  dtype: (d) => d,
  reducer: { init: Infinity, step: nanMin, big: { init: 2n ** 63n - 1n, step: (a, x) => (x < a ? x : a) } },
  onnx: 'ReduceMin', onnxInput: sumType,
});
/** True where any element along the dims is nonzero (NaN counts as true). */
export const any = reduction('any', {
  dtype: () => 'bool',
  reducer: { init: 0, step: (a, x) => (a || x !== 0 ? 1 : 0) },
  onnx: 'ReduceMax', onnxInput: () => 'bool',
});
export const all = reduction('all', {
  dtype: () => 'bool',
  reducer: { init: 1, step: (a, x) => (a && x !== 0 ? 1 : 0) },
  onnx: 'ReduceMin', onnxInput: () => 'bool',
});
