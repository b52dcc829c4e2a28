/**
 * Dtypes, their storage, and the promotion rules (data, not code paths: tinygrad's dtype.py).
 *
 * Rules (API.md): tensor ⊕ tensor: any float gives the global float precision (float32 unless
 * `setPrecision(64)`), all ints the
 * widest int, bool ⊕ bool in arithmetic int32. A JS number is weak: it adopts a float tensor's
 * dtype, or an int tensor's when the number is integral; a fractional number with an int tensor
 * gives float32.
 */
import { DTypeError } from './errors';

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'complex64';
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool', 'complex64'];

export type TypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/**
 * The global float precision (ΦML's `set_global_precision`): what JS numbers and float results
 * become. A live binding: `setPrecision` reassigns it, and every module reads the current value.
 */
export let FLOAT: DType = 'float32';

/** Sets the global float precision: 32 (the default) or 64 bits. */
export function setPrecision(bits: 32 | 64): void {
  if (bits !== 32 && bits !== 64) throw new DTypeError(`setPrecision: use 32 or 64 (bits), got ${String(bits)}`);
  FLOAT = bits === 64 ? 'float64' : 'float32';
}

/** The global float precision in bits (32 or 64). */
export function getPrecision(): 32 | 64 { return FLOAT === 'float64' ? 64 : 32; }

/** Runs `fn` with the global precision set to `bits`, then restores it (ΦML's `with precision(64):`). */
export function precision<T>(bits: 32 | 64, fn: () => T): T {
  const before = getPrecision();
  setPrecision(bits);
  try { return fn(); } finally { setPrecision(before); }
}

/** `fn()` under `bits` when given (an equation's recorded precision), else under the current one. */
export function atPrecision<T>(bits: 32 | 64 | undefined, fn: () => T): T {
  return bits === undefined || bits === getPrecision() ? fn() : precision(bits, fn);
}

export function isFloat(d: DType): boolean { return d === 'float32' || d === 'float64'; }
/**
 * complex64 (ΦML's `fft` results): stored as one Float32Array with the real and imaginary part of
 * each element next to each other (length 2 · volume), which is also the layout of its ONNX value:
 * a float32 tensor with a trailing axis of size 2 (the ONNX DFT convention).
 */
export function isComplex(d: DType): boolean { return d === 'complex64'; }
export function isInt(d: DType): boolean { return d === 'int32' || d === 'int64'; }
export function isBool(d: DType): boolean { return d === 'bool'; }

export function checkDType(d: unknown, what = 'dtype'): DType {
  if (typeof d === 'string' && (DTYPES as readonly string[]).includes(d)) return d as DType;
  throw new DTypeError(`Unknown ${what} ${JSON.stringify(d)}: use one of ${DTYPES.map((x) => `'${x}'`).join(', ')}`);
}

export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'bool': return new Uint8Array(n);
    case 'complex64': return new Float32Array(2 * n);
  }
}

/** The dtype a typed array holds by default (Uint8Array is taken as bool). */
export function dtypeOfArray(a: unknown): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Uint8Array) return 'bool';
  const own = a !== null && typeof a === 'object' ? ownRealm(a as TypedArray) : a;
  return own !== a ? dtypeOfArray(own) : undefined;
}

const BY_TAG: Record<string, new (b: ArrayBufferLike, offset: number, length: number) => TypedArray> = {
  '[object Float32Array]': Float32Array, '[object Float64Array]': Float64Array, '[object Int32Array]': Int32Array,
  '[object BigInt64Array]': BigInt64Array, '[object Uint8Array]': Uint8Array,
};

/**
 * The same typed array as one of this realm's classes. Typed arrays made in another realm (jest
 * runs test files in a vm context; native addons and workers create theirs in the main one) fail
 * `instanceof`; they are recognised by their tag and viewed without copying.
 */
export function ownRealm<T extends TypedArray>(a: T): T {
  if (a instanceof Float32Array || a instanceof Float64Array || a instanceof Int32Array || a instanceof BigInt64Array || a instanceof Uint8Array) return a;
  const C = BY_TAG[Object.prototype.toString.call(a)];
  const v = a as unknown as ArrayBufferView & { length: number };
  if (!C || !ArrayBuffer.isView(v)) return a;
  return new C(v.buffer, v.byteOffset, v.length) as T;
}

export function isTypedArray(a: unknown): a is TypedArray {
  return ArrayBuffer.isView(a) && !(a instanceof DataView);
}

/** Rank of ints in promotion (bool counts as the narrowest integer). */
const INT_WIDTH: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 3, complex64: 4 };

/**
 * Tensor ⊕ tensor promotion for arithmetic. `weak` marks a traced JS number (weak). As in ΦML,
 * a float result has the global precision whatever the float inputs were (`f64.mul(2)` is float32
 * unless `setPrecision(64)`).
 */
export function promote(a: DType, b: DType, weakA = false, weakB = false): DType {
  if (a === 'complex64' || b === 'complex64') return 'complex64'; // ΦML: complex ⊕ real is complex
  if (weakA !== weakB) {
    // A traced JS number (int64 when integral, float64 otherwise) follows the weak-number rule;
    // any float result has the global precision.
    const strong = weakA ? b : a, weak = weakA ? a : b;
    if (isFloat(strong)) return FLOAT;
    return weak === 'int64' ? (strong === 'bool' ? 'int32' : strong) : FLOAT;
  }
  if (isFloat(a) || isFloat(b)) return FLOAT;
  if (a === b) return a === 'bool' ? 'int32' : a;
  const w = Math.max(INT_WIDTH[a], INT_WIDTH[b], 1);
  return w === 2 ? 'int64' : 'int32';
}

/** Same as promote but keeps bool ⊕ bool as bool (where, comparisons, min/max inputs). */
export function commonType(a: DType, b: DType, weakA = false, weakB = false): DType {
  if (a === b) return a;
  return promote(a, b, weakA, weakB);
}

/** True for JS numbers that act as integers (integral, within int64, not -0), traced as int64. */
export function isIntegralNumber(value: number): boolean {
  return Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63 && !Object.is(value, -0);
}

/** dtype a JS number takes next to a tensor of dtype `other` (the weak-number rule). */
export function weakNumberType(value: number, other: DType): DType {
  if (isFloat(other) || isComplex(other)) return other;
  if (isIntegralNumber(value)) return other === 'bool' ? 'int32' : other;
  return FLOAT;
}

/** A JS number stored as `dtype` (integral numbers wrap into int32 as int64 → int32 casts do). */
export function weakNumberData(value: number, dtype: DType): TypedArray {
  switch (dtype) {
    case 'int64': return BigInt64Array.of(BigInt(value));
    case 'int32': return Int32Array.of(Number(BigInt.asIntN(32, BigInt(value))));
    case 'float64': return Float64Array.of(value);
    case 'bool': return Uint8Array.of(value !== 0 ? 1 : 0);
    case 'complex64': return Float32Array.of(value, 0);
    default: return Float32Array.of(value);
  }
}

/** Float dtype of a reduction such as `mean`: floats kept (ΦML reductions keep the dtype), ints → the precision. */
export function floatOf(d: DType): DType { return isFloat(d) ? d : FLOAT; }

/** Result dtype of an op computing new float values (`sin`, `sqrt`, `/` …): the global precision (ΦML). */
export function precisionFloat(_d: DType): DType { return FLOAT; }

/** ONNX TensorProto.DataType codes (complex64 values are float tensors with a trailing axis of 2). */
export const ONNX_TYPE: Record<DType, number> = { float32: 1, bool: 9, int32: 6, int64: 7, float64: 11, complex64: 1 };

/** Bytes per element. */
export const ITEM_SIZE: Record<DType, number> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1, complex64: 8 };

/** A JS value read from storage of this dtype, as a number (int64 may lose precision beyond 2^53). */
export function readNumber(data: TypedArray, i: number): number {
  const v = data[i];
  return typeof v === 'bigint' ? Number(v) : v;
}
