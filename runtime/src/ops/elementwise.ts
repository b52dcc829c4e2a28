/**
 * Element-wise primitives: broadcast by dim name, one registry entry each. The helpers below
 * only remove repetition between entries of the same family; each op's rules stay on one line.
 */
import { type DType, floatOf, promote, commonType, isFloat, isInt } from '../dtype';
import { broadcastShapes, mergeShapes } from '../shape';
import { definePrimitive, type Aval, type Lowering, type OnnxValue, type Primitive } from './registry';
import { mapElementwise, castData, broadcastMap, type MapOptions } from '../eager/kernels';
import { Tensor } from '../tensor';

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
}

function unary(name: string, spec: UnarySpec): Primitive<undefined> {
  return definePrimitive<undefined>({
    name,
    group: 'elementwise',
    shape: (ins) => ins[0].shape,
    dtype: (ins) => spec.dtype(ins[0].dtype),
    impl: ([x], _p, out) => {
      // compute on the input converted as the lowering converts it (e.g. int32 → float32 before sin)
      const inT = spec.onnxInput ? spec.onnxInput(x.dtype) : out.dtype;
      const xin = inT === x.dtype || inT === 'float64' || inT === 'bool' ? x : castTensor(x, inT);
      return mapElementwise([xin], out.shape, out.dtype, spec.fn, { big: spec.big });
    },
    lower: (g, [x], _p, out) => {
      const inT = spec.onnxInput ? spec.onnxInput(x.dtype) : out.dtype;
      const xin = g.cast(x.name, x.dtype, inT);
      return typeof spec.onnx === 'string' ? g.node(spec.onnx, [xin]) : spec.onnx(g, xin, out, x);
    },
  });
}

const same = (d: DType) => arith(d);
const identityForInts = (op: string) => (g: Lowering, x: string, out: Aval) => (isFloat(out.dtype) ? g.node(op, [x]) : x);

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

export const neg = unary('neg', { dtype: same, fn: (x) => -x, big: (x) => -x, onnx: 'Neg' });
export const abs = unary('abs', { dtype: same, fn: Math.abs, big: (x) => (x < 0n ? -x : x), onnx: 'Abs' });
export const sign = unary('sign', { dtype: same, fn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN), big: (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n), onnx: 'Sign' });
export const sqrt = unary('sqrt', { dtype: floatOf, fn: Math.sqrt, onnx: 'Sqrt' });
export const exp = unary('exp', { dtype: floatOf, fn: Math.exp, onnx: 'Exp' });
export const log = unary('log', { dtype: floatOf, fn: Math.log, onnx: 'Log' });
export const sin = unary('sin', { dtype: floatOf, fn: Math.sin, onnx: 'Sin' });
export const cos = unary('cos', { dtype: floatOf, fn: Math.cos, onnx: 'Cos' });
export const tan = unary('tan', { dtype: floatOf, fn: Math.tan, onnx: 'Tan' });
export const tanh = unary('tanh', { dtype: floatOf, fn: Math.tanh, onnx: 'Tanh' });
export const sigmoid = unary('sigmoid', { dtype: floatOf, fn: (x) => 1 / (1 + Math.exp(-x)), onnx: 'Sigmoid' });
export const floor = unary('floor', { dtype: same, fn: Math.floor, big: (x) => x, onnx: identityForInts('Floor') });
export const ceil = unary('ceil', { dtype: same, fn: Math.ceil, big: (x) => x, onnx: identityForInts('Ceil') });
export const round = unary('round', { dtype: same, fn: roundHalfEven, big: (x) => x, onnx: identityForInts('Round') });
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

/** Converts to another dtype (ONNX Cast semantics: floats truncate toward zero, nonzero is true). */
export const cast = definePrimitive<{ dtype: DType }>({
  name: 'cast',
  group: 'elementwise',
  shape: (ins) => ins[0].shape,
  dtype: (_ins, p) => p.dtype,
  impl: ([x], p) => castData(x, p.dtype),
  lower: (g, [x], p) => g.cast(x.name, x.dtype, p.dtype),
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
}

function binary(name: string, spec: BinarySpec): Primitive<undefined> {
  const computeType = (a: Aval, b: Aval) => (spec.compute ? spec.compute(a, b) : spec.dtype(a, b));
  return definePrimitive<undefined>({
    name,
    group: 'elementwise',
    shape: shapeOf,
    dtype: ([a, b]) => spec.dtype(a, b),
    impl: (ins, _p, out) => {
      const t = computeType(ins[0], ins[1]);
      const cast = ins.map((x) => (x.dtype === t || t === 'float64' || t === 'float32' ? x : castTensor(x, t)));
      return mapElementwise(cast, out.shape, out.dtype, spec.fn, spec.opts);
    },
    lower: (g, [a, b], _p, out) => {
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
const floatType = (a: Aval, b: Aval) => floatOf(arithType(a, b));
/** Comparison operand type: common type; bools compare as int32 for ordering. */
const orderType = (a: Aval, b: Aval) => arith(commonType(a.dtype, b.dtype, a._weak, b._weak));
const eqType = (a: Aval, b: Aval) => commonType(a.dtype, b.dtype, a._weak, b._weak);
const boolOut = () => 'bool' as DType;

/** Float floor modulo, computed exactly as the ONNX lowering does (a - floor(a / b) * b). */
function floorMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}
function intFloorMod(a: number, b: number): number {
  if (b === 0) throw new RangeError('Integer modulo by zero in math.mod (onnxruntime refuses it too): make the divisor nonzero or use floats');
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

export const add = binary('add', { dtype: arithType, fn: (a, b) => a + b, opts: { big: (a, b) => a + b }, onnx: 'Add' });
export const sub = binary('sub', { dtype: arithType, fn: (a, b) => a - b, opts: { big: (a, b) => a - b }, onnx: 'Sub' });
export const mul = binary('mul', { dtype: arithType, fn: (a, b) => a * b, opts: { big: (a, b) => a * b, int32: Math.imul }, onnx: 'Mul' });
/** True division: ints divide as floats (`1 / 2` is 0.5), like ΦML and NumPy. */
export const div = binary('div', { dtype: floatType, fn: (a, b) => a / b, onnx: 'Div' });
/** int32 result of a double: out-of-range and non-finite values give INT32_MIN, as x86 conversion does in onnxruntime. */
function int32Pow(a: number, b: number): number {
  const v = a ** b;
  return Number.isFinite(v) && Math.abs(v) < 2 ** 31 ? Math.trunc(v) : -2147483648;
}

export const pow = binary('pow', {
  dtype: arithType,
  fn: (a, b) => a ** b,
  opts: {
    int32: int32Pow, big: (a, b) => (b < 0n ? (a === 1n ? 1n : a === -1n ? (b % 2n === 0n ? 1n : -1n) : 0n) : a ** b) },
  onnx: 'Pow',
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
    if (isInt(t)) return g.node('Mod', [a, b], { fmod: 0 });
    // ONNX Mod on floats is C fmod (sign of the dividend); floor mod = a - floor(a / b) * b
    return g.node('Sub', [a, g.node('Mul', [g.node('Floor', [g.node('Div', [a, b])]), b])]);
  },
});
export const minimum = binary('minimum', {
  dtype: arithType, fn: (a, b) => (a < b || Number.isNaN(a) ? a : Number.isNaN(b) ? b : b),
  opts: { big: (a, b) => (a < b ? a : b) }, onnx: 'Min',
});
export const maximum = binary('maximum', {
  dtype: arithType, fn: (a, b) => (a > b || Number.isNaN(a) ? a : Number.isNaN(b) ? b : b),
  opts: { big: (a, b) => (a > b ? a : b) }, onnx: 'Max',
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

/** `where(cond, a, b)`: a where cond is true, else b; broadcast by name over all three. */
export const where = definePrimitive<undefined>({
  name: 'where',
  group: 'elementwise',
  // ΦML broadcasts where's operands with merge_shapes: dims grouped by kind
  shape: (ins) => mergeShapes(ins.map((a) => a.shape)),
  dtype: ([, a, b]) => commonType(a.dtype, b.dtype, a._weak, b._weak),
  impl: ([c, a, b], _p, out) => {
    const ca = a.dtype === out.dtype ? a : castTensor(a, out.dtype);
    const cb = b.dtype === out.dtype ? b : castTensor(b, out.dtype);
    if (out.dtype === 'int64') return selectBig(c, ca, cb, out); // exact for any int64
    return mapElementwise([c, ca, cb], out.shape, out.dtype, (x, y, z) => (x !== 0 ? y : z));
  },
  lower: (g, [c, a, b], _p, out) => {
    const cond = g.cast(g.align(c, out.shape), c.dtype, 'bool');
    return g.node('Where', [cond, g.cast(g.align(a, out.shape), a.dtype, out.dtype), g.cast(g.align(b, out.shape), b.dtype, out.dtype)]);
  },
});

function selectBig(c: Tensor, a: Tensor, b: Tensor, out: Aval): BigInt64Array {
  const n = out.shape.volume;
  const res = new BigInt64Array(n);
  const cd = c._data!, ad = a._data as BigInt64Array, bd = b._data as BigInt64Array;
  const [mc, ma, mb] = [c, a, b].map((t) => broadcastMap(t.shape, out.shape));
  const at = (m: Int32Array | null | 'scalar', i: number) => (m === null ? i : m === 'scalar' ? 0 : m[i]);
  for (let i = 0; i < n; i++) res[i] = cd[at(mc, i)] ? ad[at(ma, i)] : bd[at(mb, i)];
  return res;
}
