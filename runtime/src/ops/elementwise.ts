/**
 * Element-wise primitives: broadcast by dim name, one registry entry each. The helpers below
 * only remove repetition between entries of the same family; each op's rules stay on one line.
 */
import { type DType, precisionFloat, promote, commonType, isFloat, isInt, FLOAT } from '../dtype';
import { broadcastShapes, mergeShapes } from '../shape';
import { definePrimitive, type Aval, type Lowering, type OnnxValue, type Primitive } from './registry';
import { mapElementwise, castData, broadcastMap, type MapOptions } from '../eager/kernels';
import { Tensor } from '../tensor';
import { complexMap, complexAdd, complexSub, complexMul, complexOperands, complexMulOnnx, complexParts, asComplexOnnx, type ComplexFn } from './complex';
import { DTypeError } from '../errors';

const shapeOf = (ins: readonly Aval[]) => broadcastShapes(ins.map((a) => a.shape));

/** Arithmetic dtype of one input: bool counts as int32. */
const arith = (d: DType): DType => (d === 'bool' ? 'int32' : d);

// ---------------------------------------------------------------- unary

interface UnarySpec {
  /** Result dtype from the input dtype. */
  dtype: (d: DType) => DType;
  fn: (x: number) => number;
  big?: (x: bigint) => bigint;
  /** ONNX op applied to the input cast to the result dtype (or to `onnxInput`). */
  onnx: string | ((g: Lowering, x: string, out: Aval, input: OnnxValue) => string);
  /** dtype the ONNX op takes; defaults to the result dtype. */
  onnxInput?: (d: DType) => DType;
  /** complex64 inputs: the eager kernel on interleaved data and the lowering on the (…, 2) value. */
  complex?: { impl: (data: Float32Array) => Float32Array; lower: (g: Lowering, x: OnnxValue) => string };
}

function unary(name: string, spec: UnarySpec): Primitive<undefined> {
  return definePrimitive<undefined>({
    name,
    group: 'elementwise',
    complex: spec.complex !== undefined,
    shape: (ins) => ins[0].shape,
    dtype: (ins) => spec.dtype(ins[0].dtype),
    impl: ([x], _p, out) => {
      if (x.dtype === 'complex64') return spec.complex!.impl(x._data as Float32Array);
      // compute on the input converted as the lowering converts it (e.g. int32 → float32 before sin)
      const inT = spec.onnxInput ? spec.onnxInput(x.dtype) : out.dtype;
      const xin = inT === x.dtype || inT === 'bool' ? x : castTensor(x, inT);
      return mapElementwise([xin], out.shape, out.dtype, spec.fn, { big: spec.big });
    },
    lower: (g, [x], _p, out) => {
      if (x.dtype === 'complex64') return spec.complex!.lower(g, x);
      const inT = spec.onnxInput ? spec.onnxInput(x.dtype) : out.dtype;
      const xin = g.cast(x.name, x.dtype, inT);
      return typeof spec.onnx === 'string' ? g.node(spec.onnx, [xin]) : spec.onnx(g, xin, out, x);
    },
  });
}

const same = (d: DType) => arith(d);
/** Ints unchanged, floats to the global precision (ΦML converts the results of sign, floor, ceil, round). */
const roundLike = (d: DType): DType => (isFloat(d) ? FLOAT : arith(d));
const identityForInts = (op: string) => (g: Lowering, x: string, out: Aval) => (isFloat(out.dtype) ? g.node(op, [x]) : x);

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

export const neg = unary('neg', {
  dtype: same, fn: (x) => -x, big: (x) => -x, onnx: 'Neg',
  complex: { impl: (d) => d.map((v) => -v), lower: (g, x) => g.node('Neg', [x.name]) },
});
/** |x|; of complex64 the modulus as float32 (NumPy), from float64 parts so that it never overflows early. */
export const abs = unary('abs', {
  dtype: (d) => (d === 'complex64' ? 'float32' : same(d)), fn: Math.abs, big: (x) => (x < 0n ? -x : x), onnx: 'Abs',
  complex: {
    impl: (d) => Float32Array.from({ length: d.length / 2 }, (_, i) => Math.hypot(d[2 * i], d[2 * i + 1])),
    lower: (g, x) => {
      const [re, im] = complexParts(g, x.name).map((p) => g.cast(p, 'float32', 'float64'));
      const sq = g.node('Add', [g.node('Mul', [re, re]), g.node('Mul', [im, im])]);
      return g.cast(g.node('Sqrt', [sq]), 'float64', 'float32');
    },
  },
});
export const sign = unary('sign', {
  dtype: roundLike, fn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN), big: (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n),
  // onnxruntime's int64 Sign only looks at the low 32 bits: compare instead
  onnx: (g, x, out) => {
    if (isFloat(out.dtype)) return g.node('Sign', [x]);
    const zero = g.scalar(0, out.dtype);
    return g.node('Sub', [g.cast(g.node('Greater', [x, zero]), 'bool', out.dtype), g.cast(g.node('Less', [x, zero]), 'bool', out.dtype)]);
  },
});
export const sqrt = unary('sqrt', { dtype: precisionFloat, fn: Math.sqrt, onnx: 'Sqrt' });
export const exp = unary('exp', { dtype: precisionFloat, fn: Math.exp, onnx: 'Exp' });
export const log = unary('log', { dtype: precisionFloat, fn: Math.log, onnx: 'Log' });
export const sin = unary('sin', { dtype: precisionFloat, fn: Math.sin, onnx: 'Sin' });
export const cos = unary('cos', { dtype: precisionFloat, fn: Math.cos, onnx: 'Cos' });
// onnxruntime has Tan for float32 only: float64 computes sin / cos (both correctly rounded kernels)
export const tan = unary('tan', {
  dtype: precisionFloat, fn: (x) => Math.sin(x) / Math.cos(x),
  onnx: (g, x, out) => (out.dtype === 'float32' ? g.node('Tan', [x]) : g.node('Div', [g.node('Sin', [x]), g.node('Cos', [x])])),
});
/**
 * onnxruntime's float32 Tanh loses relative accuracy on tiny inputs (subnormals: 4e-5 relative at
 * 3.3e-39). Below 2^-12, tanh(x) rounds to x in float32 (x³/3 is under half an ulp), which is what
 * the eager kernel gives too, so the lowering returns x there (NaN and -0 included).
 */
export const tanh = unary('tanh', {
  dtype: precisionFloat, fn: Math.tanh,
  onnx: (g, x, out) => {
    if (out.dtype !== 'float32') return g.node('Tanh', [x]);
    // x in Where's second branch: onnxruntime's Where makes a -0 taken from its first branch +0
    return g.node('Where', [g.node('GreaterOrEqual', [g.node('Abs', [x]), g.scalar(2 ** -12, 'float32')]), g.node('Tanh', [x]), x]);
  },
});
/**
 * Stable logistic function: exp(-|x|) never overflows, and for x < 0 the result is e / (1 + e),
 * accurate to the last ulp far into the tail (onnxruntime's Sigmoid is off by ~6e-8 absolute).
 */
function stableSigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}
export const sigmoid = unary('sigmoid', {
  dtype: precisionFloat, fn: stableSigmoid,
  onnx: (g, x, out) => {
    const e = g.node('Exp', [g.node('Neg', [g.node('Abs', [x])])]);
    const d = g.node('Add', [g.scalar(1, out.dtype), e]);
    return g.node('Where', [g.node('GreaterOrEqual', [x, g.scalar(0, out.dtype)]), g.node('Div', [g.scalar(1, out.dtype), d]), g.node('Div', [e, d])]);
  },
});
export const floor = unary('floor', { dtype: roundLike, fn: Math.floor, big: (x) => x, onnx: identityForInts('Floor') });
export const ceil = unary('ceil', { dtype: roundLike, fn: Math.ceil, big: (x) => x, onnx: identityForInts('Ceil') });
export const round = unary('round', { dtype: roundLike, fn: roundHalfEven, big: (x) => x, onnx: identityForInts('Round') });
export const logicalNot = unary('logicalNot', {
  dtype: () => 'bool', fn: (x) => (x === 0 ? 1 : 0), onnx: 'Not', onnxInput: () => 'bool',
});
export const isNan = unary('isNan', {
  dtype: () => 'bool', fn: (x) => (Number.isNaN(x) ? 1 : 0), onnxInput: (d) => d,
  // ints are never NaN: Equal(x, x) is all true, so its negation is all false
  onnx: (g, x, _o, input) => (isFloat(input.dtype) ? g.node('IsNaN', [x]) : g.node('Not', [g.node('Equal', [x, x])])),
});
export const isFinite = unary('isFinite', {
  dtype: () => 'bool', fn: (x) => (Number.isFinite(x) ? 1 : 0), onnxInput: (d) => d,
  onnx: (g, x, _o, input) => {
    if (!isFloat(input.dtype)) return g.node('Equal', [x, x]);
    return g.node('Not', [g.node('Or', [g.node('IsNaN', [x]), g.node('IsInf', [x])])]);
  },
});

/**
 * Converts to another dtype. Floats → ints truncate toward zero; NaN, ±inf and out-of-range
 * values give the int's minimum (NumPy on x86); nonzero (and NaN) is true; int64 → int32 wraps.
 */
export const cast = definePrimitive<{ dtype: DType }>({
  name: 'cast',
  group: 'elementwise',
  complex: true,
  shape: (ins) => ins[0].shape,
  dtype: ([x], p) => {
    if (x.dtype === 'complex64' && p.dtype !== 'complex64') {
      throw new DTypeError(`math.cast: complex64 → ${p.dtype} would drop the imaginary part of ${x.shape}; use math.real(t), math.imag(t) or math.abs(t)`);
    }
    return p.dtype;
  },
  impl: ([x], p) => castData(x, p.dtype),
  lower: (g, [x], p) => {
    if (p.dtype === 'complex64') return x.dtype === 'complex64' ? x.name : asComplexOnnx(g, x.name, x.dtype, x.shape.rank);
    const c = g.cast(x.name, x.dtype, p.dtype);
    if (!isFloat(x.dtype) || !isInt(p.dtype)) return c;
    // spelled out, so that every execution provider follows the rule (CUDA saturates instead)
    const [lo, hi] = p.dtype === 'int32' ? [-(2 ** 31), 2 ** 31] : [-(2 ** 63), 2 ** 63];
    const inRange = x.dtype === 'float64' && p.dtype === 'int32'
      ? g.node('And', [g.node('Greater', [x.name, g.scalar(lo - 1, x.dtype)]), g.node('Less', [x.name, g.scalar(hi, x.dtype)])])
      : g.node('And', [g.node('GreaterOrEqual', [x.name, g.scalar(lo, x.dtype)]), g.node('Less', [x.name, g.scalar(hi, x.dtype)])]);
    return g.node('Where', [inRange, c, g.scalar(lo, p.dtype)]);
  },
});

// ---------------------------------------------------------------- binary

interface BinarySpec {
  /** Result dtype from the input avals. */
  dtype: (a: Aval, b: Aval) => DType;
  /** dtype both inputs are converted to before computing (defaults to the result dtype). */
  compute?: (a: Aval, b: Aval) => DType;
  fn: (a: number, b: number) => number;
  opts?: MapOptions;
  onnx: string | ((g: Lowering, a: string, b: string, t: DType) => string);
  /** complex64 results (either operand complex): the eager kernel on (re, im) parts and the lowering of aligned complex values of `rank` ONNX dims (before the trailing axis). */
  complex?: { fn: ComplexFn; lower: (g: Lowering, a: string, b: string) => string };
}

function binary(name: string, spec: BinarySpec): Primitive<undefined> {
  const computeType = (a: Aval, b: Aval) => (spec.compute ? spec.compute(a, b) : spec.dtype(a, b));
  return definePrimitive<undefined>({
    name,
    group: 'elementwise',
    complex: spec.complex !== undefined,
    shape: shapeOf,
    dtype: ([a, b]) => spec.dtype(a, b),
    impl: (ins, _p, out) => {
      if (out.dtype === 'complex64') return complexMap(ins, out.shape, spec.complex!.fn);
      const t = computeType(ins[0], ins[1]);
      // one rule for mixed dtypes on both paths: convert the operands to the compute dtype, then compute
      const cast = ins.map((x) => (x.dtype === t ? x : castTensor(x, t)));
      return mapElementwise(cast, out.shape, out.dtype, spec.fn, spec.opts);
    },
    lower: (g, [a, b], _p, out) => {
      if (out.dtype === 'complex64') {
        const [x, y] = complexOperands(g, [a, b], out.shape);
        return spec.complex!.lower(g, x, y);
      }
      const t = computeType(a, b);
      const x = g.cast(g.align(a, out.shape), a.dtype, t);
      const y = g.cast(g.align(b, out.shape), b.dtype, t);
      return typeof spec.onnx === 'string' ? g.node(spec.onnx, [x, y]) : spec.onnx(g, x, y, t);
    },
  });
}

function castTensor(x: Tensor, t: DType): Tensor {
  return Tensor._concrete(x.shape, t, castData(x, t));
}

const arithType = (a: Aval, b: Aval) => promote(a.dtype, b.dtype, a._weak, b._weak);
const floatType = (a: Aval, b: Aval) => (isFloat(arithType(a, b)) ? arithType(a, b) : FLOAT);
/** Comparison operand type: common type; bools compare as int32 for ordering. */
const orderType = (a: Aval, b: Aval) => arith(commonType(a.dtype, b.dtype, a._weak, b._weak));
const eqType = (a: Aval, b: Aval) => commonType(a.dtype, b.dtype, a._weak, b._weak);
const boolOut = () => 'bool' as DType;

/**
 * Floor modulo (Python's `%`): C fmod, which is exact, moved into the divisor's sign; a zero
 * result takes the divisor's sign. `5 % inf` is 5, `-5 % inf` is inf, `x % 0` is NaN.
 */
function floorMod(a: number, b: number): number {
  const r = a % b;
  if (r === 0) return b < 0 ? -0 : 0;
  return (r < 0) !== (b < 0) ? r + b : r;
}
function intFloorMod(a: number, b: number): number {
  if (b === 0) throw new RangeError('Integer modulo by zero in math.mod (onnxruntime refuses it too): make the divisor nonzero or use floats');
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

export const add = binary('add', {
  dtype: arithType, fn: (a, b) => a + b, opts: { big: (a, b) => a + b }, onnx: 'Add',
  complex: { fn: complexAdd, lower: (g, a, b) => g.node('Add', [a, b]) },
});
export const sub = binary('sub', {
  dtype: arithType, fn: (a, b) => a - b, opts: { big: (a, b) => a - b }, onnx: 'Sub',
  complex: { fn: complexSub, lower: (g, a, b) => g.node('Sub', [a, b]) },
});
export const mul = binary('mul', {
  dtype: arithType, fn: (a, b) => a * b, opts: { big: (a, b) => a * b, int32: Math.imul }, onnx: 'Mul',
  complex: { fn: complexMul, lower: complexMulOnnx },
});
/** True division: ints divide as floats (`1 / 2` is 0.5), like ΦML and NumPy. */
export const div = binary('div', { dtype: floatType, fn: (a, b) => a / b, onnx: 'Div' });

/** C `pow` (what onnxruntime computes): `pow(x, ±0)` and `pow(1, y)` are 1 even for NaN, `pow(-1, ±inf)` is 1. */
function cPow(a: number, b: number): number {
  if (b === 0 || a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return a ** b;
}
/**
 * Integer power, wrapping like repeated multiplication in the int's width (NumPy): exponentiation
 * by squaring. Negative exponents: 1 and -1 keep their powers, every other base gives 0.
 */
function int32Pow(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 === 0 ? 1 : -1) : 0;
  let r = 1, p = a | 0;
  for (let e = b; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = Math.imul(r, p);
    p = Math.imul(p, p);
  }
  return r;
}
function int64Pow(a: bigint, b: bigint): bigint {
  if (b < 0n) return a === 1n ? 1n : a === -1n ? (b % 2n === 0n ? 1n : -1n) : 0n;
  let r = 1n, p = a;
  for (let e = b; e > 0n; e >>= 1n) {
    if (e & 1n) r = BigInt.asIntN(64, r * p);
    p = BigInt.asIntN(64, p * p);
  }
  return r;
}
/** The same ladder in ONNX: one multiply-and-select per exponent bit (onnxruntime's int Pow goes through double). */
function lowerIntPow(g: Lowering, a: string, b: string, t: DType): string {
  const bits = t === 'int32' ? 31 : 63;
  const one = g.scalar(1, t), zero = g.scalar(0, t), two = g.scalar(2, t);
  // (not Max: onnxruntime's int64 Max is wrong beyond 32 bits)
  let e = g.node('Where', [g.node('Less', [b, zero]), zero, b]);
  let r = one, p = a;
  for (let k = 0; k < bits; k++) {
    const odd = g.node('Equal', [g.node('Mod', [e, two], { fmod: 0 }), one]);
    r = g.node('Where', [odd, g.node('Mul', [r, p]), r]);
    if (k < bits - 1) { p = g.node('Mul', [p, p]); e = g.node('Div', [e, two]); }
  }
  // negative exponents: ±1 keep their powers, everything else is 0
  const minusOne = g.scalar(-1, t);
  const evenB = g.node('Equal', [g.node('Mod', [b, two], { fmod: 0 }), zero]);
  const negPow = g.node('Where', [g.node('Equal', [a, one]), one,
    g.node('Where', [g.node('Equal', [a, minusOne]), g.node('Where', [evenB, one, minusOne]), zero])]);
  return g.node('Where', [g.node('Less', [b, zero]), negPow, r]);
}

export const pow = binary('pow', {
  dtype: arithType,
  fn: cPow,
  // int64 goes through BigInt whenever the doubles could be inexact (the result check in mapElementwise)
  opts: { int32: int32Pow, int: (a, b) => Number(int64Pow(BigInt(a), BigInt(b))), big: int64Pow },
  onnx: (g, a, b, t) => (isInt(t) ? lowerIntPow(g, a, b, t) : g.node('Pow', [a, b])),
});
/** Floor modulo (the result has the sign of the divisor), like Python's `%`. */
export const mod = binary('mod', {
  dtype: arithType,
  fn: floorMod,
  opts: {
    int: intFloorMod,
    big: (a, b) => {
      if (b === 0n) throw new RangeError('Integer modulo by zero in math.mod (onnxruntime refuses it too): make the divisor nonzero or use floats');
      const r = a % b;
      return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
    },
  },
  onnx: (g, a, b, t) => {
    if (isInt(t)) {
      // onnxruntime's int Mod traps (SIGFPE) on INT_MIN % -1; x mod -1 is 0 for every x
      const minusOne = g.node('Equal', [b, g.scalar(-1, t)]);
      const safe = g.node('Where', [minusOne, g.scalar(1, t), b]);
      return g.node('Where', [minusOne, g.scalar(0, t), g.node('Mod', [a, safe], { fmod: 0 })]);
    }
    // fmod is exact; then into the divisor's sign, and a zero result takes the divisor's sign
    const r = g.node('Mod', [a, b], { fmod: 1 });
    const zero = g.scalar(0, t);
    const moved = g.node('Where', [g.node('Xor', [g.node('Less', [r, zero]), g.node('Less', [b, zero])]), g.node('Add', [r, b]), r]);
    // ±0 with the divisor's sign (NaN stays NaN), only ever in Where's second branch: onnxruntime's
    // Where turns a -0 taken from its first branch into +0, and its optimizer swaps the branches of
    // a Where on Not(c), so the condition is |r| > 0 (`moved` is never zero where it is taken)
    const signedZero = g.node('Mul', [g.node('Abs', [r]), g.node('Sign', [b])]);
    return g.node('Where', [g.node('Greater', [g.node('Abs', [r]), zero]), moved, signedZero]);
  },
});
/**
 * NaN wins (NumPy's minimum/maximum); int64 compares exactly (onnxruntime's int64 Min/Max are not
 * exact beyond 2^53). A zero result is +0: which of -0 and 0 onnxruntime's Min/Max return differs
 * between its vectorised body and tail, and `+ 0` (one node) makes every zero +0 on both paths.
 */
const lowerMinMax = (op: 'Min' | 'Max', cmp: 'Less' | 'Greater') => (g: Lowering, a: string, b: string, t: DType) =>
  (t === 'int64' ? g.node('Where', [g.node(cmp, [a, b]), a, b]) : t === 'bool' ? g.node(op === 'Min' ? 'And' : 'Or', [a, b])
    : isInt(t) ? g.node(op, [a, b]) : g.node('Add', [g.node(op, [a, b]), g.scalar(0, t)]));
/**
 * minimum/maximum of two float tensors keep the wider float, as ΦML (NumPy) does; a JS number or an
 * int operand goes through the usual promotion (global precision for floats).
 */
const minMaxType = (a: Aval, b: Aval): DType =>
  isFloat(a.dtype) && isFloat(b.dtype) && !a._weak && !b._weak ? (a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32') : arithType(a, b);
export const minimum = binary('minimum', {
  dtype: minMaxType, fn: (a, b) => (a < b || Number.isNaN(a) ? a : b) + 0,
  opts: { big: (a, b) => (a < b ? a : b) }, onnx: lowerMinMax('Min', 'Less'),
});
export const maximum = binary('maximum', {
  dtype: minMaxType, fn: (a, b) => (a > b || Number.isNaN(a) ? a : b) + 0,
  opts: { big: (a, b) => (a > b ? a : b) }, onnx: lowerMinMax('Max', 'Greater'),
});
export const greater = binary('greater', { dtype: boolOut, compute: orderType, fn: (a, b) => +(a > b), opts: { big: (a, b) => (a > b ? 1n : 0n) }, onnx: 'Greater' });
export const less = binary('less', { dtype: boolOut, compute: orderType, fn: (a, b) => +(a < b), opts: { big: (a, b) => (a < b ? 1n : 0n) }, onnx: 'Less' });
export const greaterEqual = binary('greaterEqual', { dtype: boolOut, compute: orderType, fn: (a, b) => +(a >= b), opts: { big: (a, b) => (a >= b ? 1n : 0n) }, onnx: 'GreaterOrEqual' });
export const lessEqual = binary('lessEqual', { dtype: boolOut, compute: orderType, fn: (a, b) => +(a <= b), opts: { big: (a, b) => (a <= b ? 1n : 0n) }, onnx: 'LessOrEqual' });
export const equal = binary('equal', { dtype: boolOut, compute: eqType, fn: (a, b) => +(a === b), opts: { big: (a, b) => (a === b ? 1n : 0n) }, onnx: 'Equal' });
export const notEqual = binary('notEqual', {
  dtype: boolOut, compute: eqType, fn: (a, b) => +(a !== b), opts: { big: (a, b) => (a !== b ? 1n : 0n) },
  onnx: (g, a, b) => g.node('Not', [g.node('Equal', [a, b])]),
});
const boolIn = () => 'bool' as DType;
export const logicalAnd = binary('logicalAnd', { dtype: boolOut, compute: boolIn, fn: (a, b) => +(!!a && !!b), onnx: 'And' });
export const logicalOr = binary('logicalOr', { dtype: boolOut, compute: boolIn, fn: (a, b) => +(!!a || !!b), onnx: 'Or' });
export const logicalXor = binary('logicalXor', { dtype: boolOut, compute: boolIn, fn: (a, b) => +(!!a !== !!b), onnx: 'Xor' });

// ---------------------------------------------------------------- where

/**
 * `where(cond, a, b)`: a where cond is nonzero (NaN counts as true), else b; broadcast by name over
 * all three. A selected zero is +0 on both paths.
 */
export const where = definePrimitive<undefined>({
  name: 'where',
  group: 'elementwise',
  // ΦML broadcasts where's operands with merge_shapes: dims grouped by kind
  shape: (ins) => mergeShapes(ins.map((a) => a.shape)),
  dtype: ([, a, b]) => {
    const t = commonType(a.dtype, b.dtype, a._weak, b._weak);
    return isFloat(t) ? FLOAT : t; // ΦML: where's float result has the global precision
  },
  impl: ([c, a, b], _p, out) => {
    const ca = a.dtype === out.dtype ? a : castTensor(a, out.dtype);
    const cb = b.dtype === out.dtype ? b : castTensor(b, out.dtype);
    if (out.dtype === 'int64') return selectBig(c, ca, cb, out); // exact for any int64
    // `+ 0`: a selected zero is +0 (see the lowering)
    return mapElementwise([c, ca, cb], out.shape, out.dtype, (x, y, z) => (x !== 0 ? y : z) + 0);
  },
  lower: (g, [c, a, b], _p, out) => {
    const cond = g.cast(g.align(c, out.shape), c.dtype, 'bool');
    // onnxruntime has no bool Where: select on uint8-sized int32 and cast back
    const t = out.dtype === 'bool' ? 'int32' : out.dtype;
    const r = g.node('Where', [cond, g.cast(g.align(a, out.shape), a.dtype, t), g.cast(g.align(b, out.shape), b.dtype, t)]);
    // onnxruntime's Where turns a -0 of its first branch into +0 but keeps one of the second: both
    // paths give +0 for every selected zero (cheaper than restoring signs; onnxruntime's optimizer
    // would remove an `Add(r, 0)`)
    if (!isFloat(t)) return g.cast(r, t, out.dtype);
    const zero = g.scalar(0, t);
    return g.node('Where', [g.node('Equal', [r, zero]), zero, r]);
  },
});

function selectBig(c: Tensor, a: Tensor, b: Tensor, out: Aval): BigInt64Array {
  const n = out.shape.volume;
  const res = new BigInt64Array(n);
  const cd = c._data!, ad = a._data as BigInt64Array, bd = b._data as BigInt64Array;
  const [mc, ma, mb] = [c, a, b].map((t) => broadcastMap(t.shape, out.shape));
  const at = (m: Int32Array | null | 'scalar', i: number) => (m === null ? i : m === 'scalar' ? 0 : m[i]);
  // loose != so that NaN (and nonzero bigints) count as true, as in the other paths
  for (let i = 0; i < n; i++) res[i] = (cd[at(mc, i)] as number) != 0 ? ad[at(ma, i)] : bd[at(mb, i)];
  return res;
}
