/**
 * The Tensor method surface, written once against the public operations (tinygrad's mixins):
 * concrete tensors and tracers share every method.
 */
import { Tensor } from './tensor';
import type { Shape, DimSelection } from './shape';
import type { DType } from './dtype';
import * as ops from './operations';
import type { TensorLike, Selection } from './operations';
import * as stencil from './library/stencil';
import type { Extrapolation, ShiftOptions } from './library/stencil';

declare module './tensor' {
  interface Tensor {
    add(y: TensorLike): Tensor;
    sub(y: TensorLike): Tensor;
    mul(y: TensorLike): Tensor;
    /** True division (ints give float32). */
    div(y: TensorLike): Tensor;
    pow(y: TensorLike): Tensor;
    /** Floor modulo (sign of the divisor). */
    mod(y: TensorLike): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    sqrt(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    minimum(y: TensorLike): Tensor;
    maximum(y: TensorLike): Tensor;
    clip(lower: TensorLike, upper: TensorLike): Tensor;
    gt(y: TensorLike): Tensor;
    lt(y: TensorLike): Tensor;
    ge(y: TensorLike): Tensor;
    le(y: TensorLike): Tensor;
    eq(y: TensorLike): Tensor;
    ne(y: TensorLike): Tensor;
    and(y: TensorLike): Tensor;
    or(y: TensorLike): Tensor;
    xor(y: TensorLike): Tensor;
    not(): Tensor;
    isNan(): Tensor;
    isFinite(): Tensor;
    sum(dims?: DimSelection): Tensor;
    mean(dims?: DimSelection): Tensor;
    prod(dims?: DimSelection): Tensor;
    max(dims?: DimSelection): Tensor;
    min(dims?: DimSelection): Tensor;
    std(dims?: DimSelection): Tensor;
    /** Reduces with logical or (the `.any` getter gives a JS boolean instead). */
    anyAlong(dims?: DimSelection): Tensor;
    /** Reduces with logical and (the `.all` getter gives a JS boolean instead). */
    allAlong(dims?: DimSelection): Tensor;
    cast(dtype: DType): Tensor;
    get(selection: Selection): Tensor;
    renameDims(dims: DimSelection | Record<string, string | Shape>, names?: DimSelection): Tensor;
    expand(...shapes: Shape[]): Tensor;
    transpose(order: DimSelection): Tensor;
    packDims(dims: DimSelection, packed: Shape): Tensor;
    unpackDim(dim: string, unpacked: Shape): Tensor;
    dot(dims: DimSelection, other: Tensor, otherDims: DimSelection): Tensor;
    pad(widths: Record<string, number | readonly [number, number]>, padding?: Extrapolation): Tensor;
    /** ΦML's shift: one tensor per offset (see math.shift). */
    shift(offsets: readonly number[], dims?: DimSelection | ShiftOptions, padding?: Extrapolation | null, stackDim?: Shape | null): Tensor[];
    /** Shifts along every named dim at once (default padding 'boundary'). */
    shift(offsets: Record<string, number>, padding?: Extrapolation): Tensor;
  }
}

const binary = {
  add: ops.add, sub: ops.sub, mul: ops.mul, div: ops.div, pow: ops.pow, mod: ops.mod,
  minimum: ops.minimum, maximum: ops.maximum,
  gt: ops.greater, lt: ops.less, ge: ops.greaterEqual, le: ops.lessEqual, eq: ops.equal, ne: ops.notEqual,
  and: ops.logicalAnd, or: ops.logicalOr, xor: ops.logicalXor,
};
const unary = {
  neg: ops.neg, abs: ops.abs, sign: ops.sign, sqrt: ops.sqrt, exp: ops.exp, log: ops.log, sin: ops.sin,
  cos: ops.cos, tan: ops.tan, tanh: ops.tanh, sigmoid: ops.sigmoid, floor: ops.floor, ceil: ops.ceil,
  round: ops.round, not: ops.logicalNot, isNan: ops.isNan, isFinite: ops.isFinite,
};
const reductions = {
  sum: ops.sum, mean: ops.mean, prod: ops.prod, max: ops.max, min: ops.min, std: ops.std,
  anyAlong: ops.any, allAlong: ops.all,
};

const proto = Tensor.prototype as any;
for (const [name, fn] of Object.entries(binary)) proto[name] = function (this: Tensor, y: TensorLike) { return fn(this, y); };
for (const [name, fn] of Object.entries(unary)) proto[name] = function (this: Tensor) { return fn(this); };
for (const [name, fn] of Object.entries(reductions)) proto[name] = function (this: Tensor, dims?: DimSelection) { return fn(this, dims); };

Object.assign(proto, {
  clip(this: Tensor, lower: TensorLike, upper: TensorLike) { return ops.clip(this, lower, upper); },
  cast(this: Tensor, dtype: DType) { return ops.cast(this, dtype); },
  get(this: Tensor, selection: Selection) { return ops.get(this, selection); },
  renameDims(this: Tensor, dims: DimSelection | Record<string, string | Shape>, names?: DimSelection) { return ops.renameDims(this, dims, names); },
  expand(this: Tensor, ...shapes: Shape[]) { return ops.expand(this, ...shapes); },
  transpose(this: Tensor, order: DimSelection) { return ops.transpose(this, order); },
  packDims(this: Tensor, dims: DimSelection, packed: Shape) { return ops.packDims(this, dims, packed); },
  unpackDim(this: Tensor, dim: string, unpacked: Shape) { return ops.unpackDim(this, dim, unpacked); },
  dot(this: Tensor, dims: DimSelection, other: Tensor, otherDims: DimSelection) { return ops.dot(this, dims, other, otherDims); },
  pad(this: Tensor, widths: Record<string, number | readonly [number, number]>, padding?: Extrapolation) { return stencil.pad(this, widths, padding); },
  shift(this: Tensor, offsets: any, ...rest: any[]) { return (stencil.shift as any)(this, offsets, ...rest); },
});
