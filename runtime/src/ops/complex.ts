/**
 * complex64 (ΦML's `fft` results and `to_complex`): the primitives made for complex values and the
 * helpers the element-wise entries use for them.
 *
 * Storage: one Float32Array with each element's real and imaginary part next to each other
 * (length 2 · volume). In ONNX a complex64 value is a float32 tensor with a trailing axis of size
 * 2, the convention of ONNX's DFT; the builder keeps that axis last (onnx/lower.ts). Arithmetic
 * rounds to float32 after every real operation, as NumPy's complex64 does, on both paths.
 * Primitives that do not declare `complex` refuse complex64 inputs (ops/registry.ts).
 */
import { broadcastShapes, Shape } from '../shape';
import { DTypeError } from '../errors';
import { type DType, isComplex } from '../dtype';
import { Tensor } from '../tensor';
import { broadcastMap, convertData } from '../eager/kernels';
import { definePrimitive, type Aval, type Lowering, type OnnxValue } from './registry';

// ---------------------------------------------------------------- eager helpers

/** Interleaved (re, im) float32 data of `t`, converting a real tensor (imaginary part 0). */
export function complexData(t: Tensor): Float32Array {
  return convertData(t._data!, t.dtype, 'complex64') as Float32Array;
}

const at = (m: Int32Array | null | 'scalar', i: number): number => (m === null ? i : m === 'scalar' ? 0 : m[i]);

/** One complex operation on (re, im) parts, writing the result into `out[o]`, `out[o + 1]`. */
export type ComplexFn = (ar: number, ai: number, br: number, bi: number, out: Float32Array, o: number) => void;

/** Element-wise complex kernel broadcasting `ins` (complex or real) by name into `outShape`. */
export function complexMap(ins: readonly Tensor[], outShape: Shape, fn: ComplexFn): Float32Array {
  const data = ins.map(complexData);
  const maps = ins.map((t) => broadcastMap(t.shape, outShape));
  const n = outShape.volume;
  const out = new Float32Array(2 * n);
  const [a, b] = data;
  const [ma, mb] = maps;
  for (let i = 0; i < n; i++) {
    const ia = 2 * at(ma, i);
    const ib = b ? 2 * at(mb, i) : 0;
    fn(a[ia], a[ia + 1], b ? b[ib] : 0, b ? b[ib + 1] : 0, out, 2 * i);
  }
  return out;
}

const f = Math.fround;
export const complexAdd: ComplexFn = (ar, ai, br, bi, out, o) => { out[o] = ar + br; out[o + 1] = ai + bi; };
export const complexSub: ComplexFn = (ar, ai, br, bi, out, o) => { out[o] = ar - br; out[o + 1] = ai - bi; };
/** (a + bi)(c + di) = (ac − bd) + (ad + bc)i, each product rounded to float32 (as the ONNX graph does). */
export const complexMul: ComplexFn = (ar, ai, br, bi, out, o) => { out[o] = f(ar * br) - f(ai * bi); out[o + 1] = f(ar * bi) + f(ai * br); };

// ---------------------------------------------------------------- lowering helpers

/** The ONNX value of `v` as complex: real values get a zero imaginary part (trailing axis of 2). */
export function asComplexOnnx(g: Lowering, name: string, dtype: DType, rank: number): string {
  if (isComplex(dtype)) return name;
  const x = g.node('Unsqueeze', [g.cast(name, dtype, 'float32'), g.int64s([rank])]);
  // Pad, not x · 0: the imaginary part of inf is 0, not NaN
  const pads = [...new Array<number>(rank + 1).fill(0), ...new Array<number>(rank).fill(0), 1];
  return g.node('Pad', [x, g.int64s(pads), g.scalar(0, 'float32')]);
}

/**
 * Real and imaginary parts (float32, trailing axis dropped) of a complex ONNX value. Axis −1: the
 * operands of a binary op may have fewer leading axes than the result (ONNX broadcasting).
 */
export function complexParts(g: Lowering, name: string): [string, string] {
  return [g.node('Gather', [name, g.scalar(0, 'int64')], { axis: -1 }), g.node('Gather', [name, g.scalar(1, 'int64')], { axis: -1 })];
}

/** The complex ONNX value with parts `re`, `im` (float32). */
export function complexJoin(g: Lowering, re: string, im: string): string {
  const axis = g.int64s([-1]);
  return g.node('Concat', [g.node('Unsqueeze', [re, axis]), g.node('Unsqueeze', [im, axis])], { axis: -1 });
}

/** Aligns both operands of a binary op to `out` and makes them complex. */
export function complexOperands(g: Lowering, ins: readonly OnnxValue[], out: Shape): string[] {
  return ins.map((v) => {
    const aligned = g.align(v, out);
    // an aligned value has out's trailing dims (size 1 where it lacks them) from its first dim on
    const rank = v.shape.rank === 0 ? 0 : out.rank - out.indexOf(out.names.find((n) => v.shape.has(n))!);
    return asComplexOnnx(g, aligned, v.dtype, rank);
  });
}

export const complexMulOnnx = (g: Lowering, a: string, b: string): string => {
  const [ar, ai] = complexParts(g, a), [br, bi] = complexParts(g, b);
  const re = g.node('Sub', [g.node('Mul', [ar, br]), g.node('Mul', [ai, bi])]);
  const im = g.node('Add', [g.node('Mul', [ar, bi]), g.node('Mul', [ai, br])]);
  return complexJoin(g, re, im);
};

// ---------------------------------------------------------------- primitives

function onlyComplex(name: string, a: Aval): void {
  if (!isComplex(a.dtype)) throw new DTypeError(`internal: ${name} takes complex64, got ${a.dtype}`);
}

/** The real part of a complex tensor (float32). */
export const real = definePrimitive<undefined>({
  name: 'real',
  group: 'elementwise',
  complex: true,
  shape: ([x]) => x.shape,
  dtype: ([x]) => { onlyComplex('real', x); return 'float32'; },
  impl: ([x]) => { const d = x._data as Float32Array; return Float32Array.from({ length: d.length / 2 }, (_, i) => d[2 * i]); },
  lower: (g, [x]) => complexParts(g, x.name)[0],
});

/** The imaginary part of a complex tensor (float32). */
export const imag = definePrimitive<undefined>({
  name: 'imag',
  group: 'elementwise',
  complex: true,
  shape: ([x]) => x.shape,
  dtype: ([x]) => { onlyComplex('imag', x); return 'float32'; },
  impl: ([x]) => { const d = x._data as Float32Array; return Float32Array.from({ length: d.length / 2 }, (_, i) => d[2 * i + 1]); },
  lower: (g, [x]) => complexParts(g, x.name)[1],
});

/** The complex conjugate (the imaginary part negated, so `conj(1 + 0i)` is `1 − 0i` as in NumPy). */
export const conjugate = definePrimitive<undefined>({
  name: 'conjugate',
  group: 'elementwise',
  complex: true,
  shape: ([x]) => x.shape,
  dtype: ([x]) => { onlyComplex('conjugate', x); return 'complex64'; },
  impl: ([x]) => { const d = Float32Array.from(x._data as Float32Array); for (let i = 1; i < d.length; i += 2) d[i] = -d[i]; return d; },
  lower: (g, [x]) => {
    const [re, im] = complexParts(g, x.name);
    return complexJoin(g, re, g.node('Neg', [im]));
  },
});

/** A complex tensor from real and imaginary parts (real tensors, broadcast by name). */
export const complex = definePrimitive<undefined>({
  name: 'complex',
  group: 'elementwise',
  complex: true,
  shape: ([re, im]) => broadcastShapes([re.shape, im.shape]),
  dtype: ([re, im]) => {
    for (const p of [re, im]) if (isComplex(p.dtype)) throw new DTypeError(`math.toComplex: the parts must be real, got a complex64 tensor ${p.shape}; use math.real / math.imag of it`);
    return 'complex64';
  },
  impl: ([re, im], _p, out) => complexMap([re, im], out.shape, (ar, _ai, br, _bi, o, k) => { o[k] = ar; o[k + 1] = br; }),
  lower: (g, [re, im], _p, out) => {
    const parts = [re, im].map((v) => g.node('Expand', [g.cast(g.align(v, out.shape), v.dtype, 'float32'), g.int64s(out.shape.sizes as number[])]));
    return complexJoin(g, parts[0], parts[1]);
  },
});

export interface FftParams {
  /** The dims transformed, in the order they are transformed (each one a 1-D DFT along it). */
  readonly dims: readonly string[];
  /** The inverse transform, scaled by 1 / n (NumPy's `ifft` normalisation). */
  readonly inverse: boolean;
}

/**
 * exp(∓2πi·k/n) for k < n from the angle of k itself (no drift from repeated products), exact at
 * the quarter turns (so that the DFT of real data has exact zeros there, as NumPy's FFT).
 */
function twiddles(n: number, inverse: boolean): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n), sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const q = (4 * k) / n;
    const [c, s] = Number.isInteger(q) ? [[1, 0], [0, 1], [-1, 0], [0, -1]][q] : [Math.cos((2 * Math.PI * k) / n), Math.sin((2 * Math.PI * k) / n)];
    cos[k] = c;
    sin[k] = inverse ? s : -s;
  }
  return { cos, sin };
}

/**
 * The rounding error of a float64 DFT sum over n terms of total magnitude `mass` (n·2^-50·mass).
 * Results below it are rounding residues of an exact zero (the imaginary part of the transform
 * of real data, of ifft(fft(x)) …) and become 0, as NumPy's FFT gives them; the bound is far below
 * float32's resolution of the result, so no representable value is touched. Strictly below:
 * with an infinite input every output is ±inf or NaN and stays so.
 */
function noiseBound(n: number, mass: number): number { return n * 2 ** -50 * mass; }
const clean = (v: number, bound: number) => (Math.abs(v) < bound ? 0 : v);

/** 1-D DFTs along one dim of interleaved float64 data (the caller rounds once, after all dims). */
function dftAlong(data: Float64Array, shape: Shape, dim: string, inverse: boolean): Float64Array {
  const axis = shape.indexOf(dim);
  const sizes = shape.sizes as number[];
  const n = sizes[axis];
  const inner = sizes.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = sizes.slice(0, axis).reduce((a, b) => a * b, 1);
  const out = new Float64Array(data.length);
  const { cos, sin } = twiddles(n, inverse);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let mass = 0;
      for (let j = 0; j < n; j++) mass += Math.abs(data[2 * (base + j * inner)]) + Math.abs(data[2 * (base + j * inner) + 1]);
      const bound = noiseBound(n, mass);
      for (let k = 0; k < n; k++) {
        // four real sums, as the compiled graph's matrix products
        let rc = 0, is = 0, rs = 0, ic = 0;
        for (let j = 0; j < n; j++) {
          const t = (j * k) % n;
          const p = 2 * (base + j * inner);
          const xr = data[p], xi = data[p + 1];
          rc += xr * cos[t]; is += xi * sin[t]; rs += xr * sin[t]; ic += xi * cos[t];
        }
        const re = clean(rc - is, bound), im = clean(rs + ic, bound);
        const q = 2 * (base + k * inner);
        out[q] = inverse ? re / n : re;
        out[q + 1] = inverse ? im / n : im;
      }
    }
  }
  return out;
}

/**
 * Lengths up to this use the DFT as two constant matrices (exact twiddles, the eager kernel's
 * sums): onnxruntime's DFT op is off by several float32 ulp in float32 (−1.9999995 for −2) and
 * leaves 1e-16 residues in float64 where the result is an exact zero. Longer ones use the op.
 */
const MATRIX_DFT = 1024;

/** y_k = Σ_j x_j · exp(∓2πi·jk/n) along `axis` of a float64 complex value, as matrix products. */
function matrixDft(g: Lowering, v: string, rank: number, axis: number, n: number, inverse: boolean): string {
  const { cos, sin } = twiddles(n, inverse);
  const matrix = (w: Float64Array) => {
    const m = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) m[j * n + k] = w[(j * k) % n];
    return g.node('Constant', [], { value: { tensor: Tensor._concrete(new Shape([{ name: 'j', kind: 'spatial', size: n }, { name: 'k', kind: 'spatial', size: n }]), 'float64', m) } });
  };
  const C = matrix(cos), S = matrix(sin);
  // the transformed axis last (the parts have `rank` axes), then back
  const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
  const moved = axis !== rank - 1;
  const toLast = (t: string) => (moved ? g.node('Transpose', [t], { perm }) : t);
  const back = (t: string) => (moved ? g.node('Transpose', [t], { perm: perm.map((_, i) => perm.indexOf(i)) }) : t);
  const [re, im] = complexParts(g, v).map(toLast);
  // the same residue cleaning as the eager kernel (noiseBound)
  const mass = g.node('ReduceSum', [g.node('Add', [g.node('Abs', [re]), g.node('Abs', [im])]), g.int64s([rank - 1])], { keepdims: 1 });
  const bound = g.node('Mul', [mass, g.scalar(n * 2 ** -50, 'float64')]);
  const clean = (y: string) => g.node('Where', [g.node('Less', [g.node('Abs', [y]), bound]), g.scalar(0, 'float64'), y]);
  let yr = clean(g.node('Sub', [g.node('MatMul', [re, C]), g.node('MatMul', [im, S])]));
  let yi = clean(g.node('Add', [g.node('MatMul', [re, S]), g.node('MatMul', [im, C])]));
  if (inverse) { yr = g.node('Div', [yr, g.scalar(n, 'float64')]); yi = g.node('Div', [yi, g.scalar(n, 'float64')]); }
  return complexJoin(g, back(yr), back(yi));
}

/** ONNX DFT (opset 17) along `axis`: it wants a leading batch axis, added and dropped here. */
function onnxDft(g: Lowering, v: string, axis: number, inverse: boolean): string {
  const b = g.node('Unsqueeze', [v, g.int64s([0])]);
  const t = g.node('DFT', [b], { axis: axis + 1, inverse: inverse ? 1 : 0, onesided: 0 });
  return g.node('Squeeze', [t, g.int64s([0])]);
}

/** Discrete Fourier transform over `dims` (ΦML's `fft` / `ifft`): complex64 out, real inputs converted. */
export const fft = definePrimitive<FftParams>({
  name: 'fft',
  group: 'linalg',
  complex: true,
  shape: ([x]) => x.shape,
  dtype: () => 'complex64',
  impl: ([x], p) => {
    // float64 between the dims too, as the compiled graph (6e38 must not become inf halfway)
    let d: Float64Array = Float64Array.from(complexData(x));
    for (const dim of p.dims) d = dftAlong(d, x.shape, dim, p.inverse);
    return Float32Array.from(d);
  },
  lower: (g, [x], p) => {
    const rank = x.shape.rank;
    // in float64, rounded once to float32, as the eager kernel
    let v = g.cast(asComplexOnnx(g, x.name, x.dtype, rank), 'float32', 'float64');
    for (const dim of p.dims) {
      const axis = x.shape.indexOf(dim), n = x.shape.size(dim);
      v = n <= MATRIX_DFT ? matrixDft(g, v, rank, axis, n, p.inverse) : onnxDft(g, v, axis, p.inverse);
    }
    return g.cast(v, 'float64', 'float32');
  },
});
