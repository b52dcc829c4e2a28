/**
 * Special element-wise functions (ΦML's erf, log2, log10, inverse trigonometric and hyperbolic
 * functions, arctan2). All give floats: int and bool inputs become float32, float64 stays float64.
 *
 * onnxruntime's CPU kernels for Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh and Erf exist for
 * float32 only, so float64 inputs are computed in float32 there (`viaFloat32`) and cast back; the
 * eager kernel rounds through float32 the same way, so both paths agree (documented in
 * docs/tensors.md). log2 and log10 are Log in float64 divided by ln 2 / ln 10, so that exact
 * powers (log2(8) = 3) stay exact in float32.
 */
import { type DType, floatOf, promote } from '../dtype';
import { definePrimitive, type Aval, type Lowering, type Primitive } from './registry';
import { mapElementwise, castData } from '../eager/kernels';
import { broadcastShapes } from '../shape';
import { Tensor } from '../tensor';

const f32 = new Float32Array(1);
const toF32 = (x: number) => { f32[0] = x; return f32[0]; };

interface SpecialSpec {
  fn: (x: number) => number;
  /** Emits the op on a float value of dtype `t`. */
  onnx: (g: Lowering, x: string, t: DType) => string;
  /** onnxruntime has no float64 kernel: compute in float32 and cast back. */
  viaFloat32?: boolean;
}

function asFloat(x: Tensor, t: DType): Tensor {
  return x.dtype === t ? x : Tensor._concrete(x.shape, t, castData(x, t));
}

function special(name: string, spec: SpecialSpec): Primitive<undefined> {
  return definePrimitive<undefined>({
    name,
    group: 'elementwise',
    shape: (ins) => ins[0].shape,
    dtype: (ins) => floatOf(ins[0].dtype),
    impl: ([x], _p, out) => {
      const fn = spec.viaFloat32 && out.dtype === 'float64' ? (v: number) => toF32(spec.fn(toF32(v))) : spec.fn;
      return mapElementwise([asFloat(x, out.dtype)], out.shape, out.dtype, fn);
    },
    lower: (g, [x], _p, out) => {
      const t = spec.viaFloat32 ? 'float32' : out.dtype;
      const v = g.cast(x.name, x.dtype, t);
      return g.cast(spec.onnx(g, v, t), t, out.dtype);
    },
  });
}

const op = (type: string) => (g: Lowering, x: string) => g.node(type, [x]);
/** log in float64, divided by log(base): exact powers of the base come out exact after rounding. */
const logBase = (base: number) => (g: Lowering, x: string, t: DType) => {
  const d = g.node('Log', [g.cast(x, t, 'float64')]);
  return g.cast(g.node('Div', [d, g.scalar(Math.log(base), 'float64')]), 'float64', t);
};

/** The error function, accurate to about 1e-15 (JS has no Math.erf). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  let r: number;
  if (a < 2.5) {
    // Maclaurin series: 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = a, sum = a;
    const x2 = a * a;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else if (a < 27) {
    // erfc by its continued fraction (modified Lentz), converges fast for x ≥ 2.5
    const tiny = 1e-300;
    let f = a, c = a, d = 0;
    for (let n = 1; n < 300; n++) {
      const an = n / 2;
      d = a + an * d; d = d === 0 ? tiny : 1 / d;
      c = a + an / c; if (c === 0) c = tiny;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = 1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * f);
  } else {
    r = 1;
  }
  return x < 0 ? -r : r;
}

export const erfPrim = special('erf', { fn: erf, onnx: op('Erf'), viaFloat32: true });
export const log2 = special('log2', { fn: Math.log2, onnx: logBase(2) });
export const log10 = special('log10', { fn: Math.log10, onnx: logBase(10) });
export const arcsin = special('arcsin', { fn: Math.asin, onnx: op('Asin'), viaFloat32: true });
export const arccos = special('arccos', { fn: Math.acos, onnx: op('Acos'), viaFloat32: true });
export const arctan = special('arctan', { fn: Math.atan, onnx: op('Atan'), viaFloat32: true });
export const sinh = special('sinh', { fn: Math.sinh, onnx: op('Sinh'), viaFloat32: true });
export const cosh = special('cosh', { fn: Math.cosh, onnx: op('Cosh'), viaFloat32: true });
export const arcsinh = special('arcsinh', { fn: Math.asinh, onnx: op('Asinh'), viaFloat32: true });
export const arccosh = special('arccosh', { fn: Math.acosh, onnx: op('Acosh'), viaFloat32: true });
export const arctanh = special('arctanh', { fn: Math.atanh, onnx: op('Atanh'), viaFloat32: true });

/**
 * arctan2(y, x): the angle of the point (x, y), in (-π, π]. ONNX has no Atan2: it is atan(y / x)
 * moved by ±π where x < 0 (and 0 at the origin), the same formula eagerly, so both agree also where
 * the quotient is NaN (both infinite: NaN, where Math.atan2 would give ±π/4).
 */
export function atan2Formula(y: number, x: number): number {
  if (y === 0 && x === 0) return 0;
  const r = Math.atan(y / x);
  return x < 0 ? (y >= 0 ? r + Math.PI : r - Math.PI) : r;
}

export const arctan2 = definePrimitive<undefined>({
  name: 'arctan2',
  group: 'elementwise',
  shape: (ins) => broadcastShapes(ins.map((a: Aval) => a.shape)),
  dtype: ([y, x]) => floatOf(promote(y.dtype, x.dtype, y._weak, x._weak)),
  impl: ([y, x], _p, out) => {
    const fn = out.dtype === 'float64' ? (a: number, b: number) => toF32(atan2Formula(toF32(a), toF32(b))) : atan2Formula;
    return mapElementwise([asFloat(y, out.dtype), asFloat(x, out.dtype)], out.shape, out.dtype, fn);
  },
  lower: (g, [y, x], _p, out) => {
    // computed in float32 (onnxruntime's Atan is float32 only), cast back for float64
    const yv = g.cast(g.align(y, out.shape), y.dtype, 'float32');
    const xv = g.cast(g.align(x, out.shape), x.dtype, 'float32');
    const zero = g.scalar(0, 'float32');
    const r = g.node('Atan', [g.node('Div', [yv, xv])]);
    const pi = g.node('Where', [g.node('GreaterOrEqual', [yv, zero]), g.scalar(Math.PI, 'float32'), g.scalar(-Math.PI, 'float32')]);
    const moved = g.node('Where', [g.node('Less', [xv, zero]), g.node('Add', [r, pi]), r]);
    const origin = g.node('And', [g.node('Equal', [yv, zero]), g.node('Equal', [xv, zero])]);
    const res = g.node('Where', [origin, zero, moved]);
    return g.cast(res, 'float32', out.dtype);
  },
});
