/**
 * ΦML's special element-wise functions, losses and safe operations, built on the primitives of
 * ops/special.ts and the element-wise core.
 */
import { Tensor } from '../tensor';
import { bind } from '../ops/registry';
import * as sp from '../ops/special';
import { type DimSelection } from '../shape';
import { type TensorLike, add, sub, mul, div, exp, abs, where, equal, sum, max, log, cast, isNan, isFinite as isFiniteOp, logicalNot, logicalAnd, greater } from '../operations';
import { wrap } from '../create';
import { floatOf } from '../dtype';

function asTensor(x: TensorLike): Tensor { return x instanceof Tensor ? x : wrap(x as number); }
const unary = (prim: typeof sp.log2) => (x: TensorLike): Tensor => bind(prim, [asTensor(x)], undefined);

/** The error function (float32 for int input). */
export const erf = unary(sp.erfPrim);
export const log2 = unary(sp.log2);
export const log10 = unary(sp.log10);
export const arcsin = unary(sp.arcsin);
export const arccos = unary(sp.arccos);
export const sinh = unary(sp.sinh);
export const cosh = unary(sp.cosh);
export const arcsinh = unary(sp.arcsinh);
export const arccosh = unary(sp.arccosh);
export const arctanh = unary(sp.arctanh);

/** `arctan(x)`, or with `divideBy`, the angle of (divideBy, x) in (-π, π] like ΦML's `arctan(x, divide_by)`. */
export function arctan(x: TensorLike, divideBy?: TensorLike): Tensor {
  if (divideBy === undefined) return bind(sp.arctan, [asTensor(x)], undefined);
  return arctan2(x, divideBy);
}

/** The angle of the point (x, y), in (-π, π]; `arctan2(0, 0)` is 0. */
export function arctan2(y: TensorLike, x: TensorLike): Tensor {
  const ty = y instanceof Tensor ? y : undefined, tx = x instanceof Tensor ? x : undefined;
  const a = ty ?? wrap(y as number, { dtype: tx ? floatOf(tx.dtype) : 'float32' });
  const b = tx ?? wrap(x as number, { dtype: floatOf(a.dtype) });
  return bind(sp.arctan2, [a, b], undefined);
}

/** `x / y`, but 0 where `y` is 0 (also where x / y would be NaN or inf because of it). */
export function safeDiv(x: TensorLike, y: TensorLike): Tensor {
  const q = div(x, y);
  return where(equal(y, 0), cast(0, q.dtype), q);
}

/** `x * y`, but 0 where either is 0 (so 0 · inf is 0): ΦML's `safe_mul`. */
export function safeMul(x: TensorLike, y: TensorLike): Tensor {
  const p = mul(x, y);
  return where(logicalAnd(logicalNot(equal(x, 0)), logicalNot(equal(y, 0))), p, cast(0, p.dtype));
}

/** Σ x² / 2 over `reduce` (default: all non-batch dims). */
export function l2Loss(x: Tensor, reduce?: DimSelection): Tensor {
  return mul(sum(mul(x, x), reduce), 0.5);
}

/** Σ |x| over `reduce` (default: all non-batch dims). */
export function l1Loss(x: Tensor, reduce?: DimSelection): Tensor {
  return sum(abs(x), reduce);
}

/**
 * e^x / Σ e^x over `reduce` (required, as in ΦML). The maximum is subtracted first, which does not
 * change the result but keeps large inputs finite (ΦML computes e^x directly and overflows there).
 */
export function softmax(x: Tensor, reduce: DimSelection): Tensor {
  const shifted = sub(x, max(x, reduce));
  const e = exp(shifted);
  return div(e, sum(e, reduce));
}

/** log(1 + e^x), computed without overflow for large x. */
export function softPlus(x: Tensor): Tensor {
  const big = greater(x, 20);
  return where(big, x, log(add(exp(where(big, 0, x)), 1)));
}

/** Replaces NaN by 0 (ΦML's `nan_to_0`). */
export function nanTo0(x: Tensor): Tensor {
  return where(isNan(x), cast(0, x.dtype), x);
}

/** True for +inf and -inf (ΦML's `is_inf`). */
export function isInf(x: Tensor): Tensor {
  return logicalAnd(logicalNot(isFiniteOp(x)), logicalNot(isNan(x)));
}

export const PI = Math.PI;
export const INF = Infinity;
export const NAN = NaN;

/** Degrees to radians. */
export function degreesToRadians(deg: TensorLike): Tensor { return mul(deg, Math.PI / 180); }
/** Radians to degrees. */
export function radiansToDegrees(rad: TensorLike): Tensor { return mul(rad, 180 / Math.PI); }

/** True where |x − y| ≤ absTolerance + relTolerance·|y|, for every element (ΦML's `close`): a JS boolean. */
export function close(x: TensorLike, y: TensorLike, relTolerance = 1e-5, absTolerance = 0): boolean {
  const a = asTensor(x), b = asTensor(y);
  const diff = abs(sub(a, b));
  const ok = logicalNot(greater(diff, add(mul(abs(b), relTolerance), absTolerance)));
  return (isNan(a).and(isNan(b)).or(ok)).all;
}
/** Same as `close` (ΦML's `always_close`). */
export const alwaysClose = close;
/** Throws an Error naming the largest difference when `close` is false. */
export function assertClose(x: TensorLike, y: TensorLike, relTolerance = 1e-5, absTolerance = 0): void {
  if (!close(x, y, relTolerance, absTolerance)) {
    const d = max(abs(sub(asTensor(x), asTensor(y))), asTensor(x).shape.names);
    throw new Error(`assertClose: values differ by up to ${d} (relTolerance ${relTolerance}, absTolerance ${absTolerance})`);
  }
}
/** Returns `x` (ΦML's `identity`). */
export function identity<T>(x: T): T { return x; }
/** True for a tensor without dims. */
export function isScalar(x: TensorLike): boolean { return !(x instanceof Tensor) || x.rank === 0; }
