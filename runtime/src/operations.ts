/**
 * The public operations: thin wrappers that turn JS values into tensors (JS numbers are weak
 * scalars) and `bind` a primitive, plus composites built only from primitives (std, clip, …), so
 * eager and compiled runs share one definition. The larger families of ΦML functions built on
 * them are in library/ (stencils, vectors, indexing, sorting, grids).
 */
import { Shape, selectionNames, broadcastShapes, andShapes, concatShapes, splitNames, type DimSelection, type Dim } from './shape';
import { type DType, weakNumberType, weakNumberData, checkDType, isFloat, FLOAT, precision } from './dtype';
import { Tensor } from './tensor';
import { ShapeError, TensorDataError } from './errors';
import { bind } from './ops/registry';
import * as ew from './ops/elementwise';
import * as red from './ops/reduce';
import * as mv from './ops/structure';
import { dot as dotPrim } from './ops/linalg';
import { wrap } from './create';
import { checkOptions, describeValue, isPlainObject } from './validate';

/** A tensor or a JS value that becomes one (numbers are weak: they adopt the tensor's dtype). */
export type TensorLike = Tensor | number | bigint | boolean;

function scalar(value: number | bigint | boolean, like: Tensor | undefined): Tensor {
  if (typeof value === 'bigint') return wrap(value);
  if (typeof value === 'boolean') return wrap(value);
  if (typeof value !== 'number') throw new TensorDataError(`Expected a tensor or a number, got ${value === null ? 'null' : typeof value}`);
  // next to another JS number (or a traced one) a number is float32, as on its own
  const dtype = like && !like._weak ? weakNumberType(value, like.dtype) : FLOAT;
  return Tensor._concrete(Shape.EMPTY, dtype, weakNumberData(value, dtype));
}

/**
 * A traced JS number (a jit argument) becomes what the number itself would become here, so that
 * eager and compiled calls agree: the partner's dtype by the weak-number rule, else float32.
 * Its trace input is int64 for integral numbers and float64 otherwise (the class is in the cache key).
 */
function unweak(t: Tensor, like: Tensor | undefined): Tensor {
  if (!t._weak) return t;
  const partner = like && !like._weak ? like.dtype : undefined;
  const dtype = partner === undefined ? FLOAT : isFloat(partner) ? partner : t.dtype === 'int64' ? (partner === 'bool' ? 'int32' : partner) : FLOAT;
  return bind(ew.cast, [t], { dtype });
}

/** Converts operands: tensors stay, JS values become scalars typed by the weak-number rule. */
function operands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const ta = a instanceof Tensor ? a : undefined;
  const tb = b instanceof Tensor ? b : undefined;
  const x = ta ?? scalar(a as number, tb), y = tb ?? scalar(b as number, ta);
  return [unweak(x, y), unweak(y, x)];
}

/**
 * `x` as an operand next to the tensor `like` (e.g. the values scattered into it): a JS number or a
 * traced JS number takes the dtype the weak-number rule gives it there, on both paths.
 */
export function operandFor(x: TensorLike, like: Tensor): Tensor {
  return unweak(x instanceof Tensor ? x : scalar(x, like), like);
}

function asTensor(x: TensorLike): Tensor { return x instanceof Tensor ? unweak(x, undefined) : scalar(x, undefined); }

function binaryOp(prim: typeof ew.add) {
  return (a: TensorLike, b: TensorLike): Tensor => bind(prim, operands(a, b), undefined);
}
function unaryOp(prim: typeof ew.neg) {
  return (x: TensorLike): Tensor => bind(prim, [asTensor(x)], undefined);
}

// --- element-wise ---
export const add = binaryOp(ew.add);
export const sub = binaryOp(ew.sub);
export const mul = binaryOp(ew.mul);
/** True division: int tensors give float32. */
export const div = binaryOp(ew.div);
export const pow = binaryOp(ew.pow);
/** Floor modulo: the result has the sign of the divisor. */
export const mod = binaryOp(ew.mod);
export const minimum = binaryOp(ew.minimum);
export const maximum = binaryOp(ew.maximum);
export const greater = binaryOp(ew.greater);
export const less = binaryOp(ew.less);
export const greaterEqual = binaryOp(ew.greaterEqual);
export const lessEqual = binaryOp(ew.lessEqual);
export const equal = binaryOp(ew.equal);
export const notEqual = binaryOp(ew.notEqual);
export const logicalAnd = binaryOp(ew.logicalAnd);
export const logicalOr = binaryOp(ew.logicalOr);
export const logicalXor = binaryOp(ew.logicalXor);
export const neg = unaryOp(ew.neg);
export const abs = unaryOp(ew.abs);
export const sign = unaryOp(ew.sign);
export const sqrt = unaryOp(ew.sqrt);
export const exp = unaryOp(ew.exp);
export const log = unaryOp(ew.log);
export const sin = unaryOp(ew.sin);
export const cos = unaryOp(ew.cos);
export const tan = unaryOp(ew.tan);
export const tanh = unaryOp(ew.tanh);
export const sigmoid = unaryOp(ew.sigmoid);
export const floor = unaryOp(ew.floor);
export const ceil = unaryOp(ew.ceil);
/** Rounds half to even (like NumPy and ONNX). */
export const round = unaryOp(ew.round);
export const logicalNot = unaryOp(ew.logicalNot);
export const isNan = unaryOp(ew.isNan);
export const isFinite = unaryOp(ew.isFinite);

/** Element-wise choice: `a` where `condition` is true, else `b`. Numbers adopt the other branch's dtype. */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands(a, b);
  return bind(ew.where, [asTensor(condition), ta, tb], undefined);
}

/**
 * Limits values to [lower, upper], as ΦML does: with number limits the upper one wins where
 * lower > upper and `x` keeps its dtype (NumPy's clip); with a tensor limit it is
 * `maximum(lower, minimum(x, upper))`, so the lower one wins and its dims come first.
 */
export function clip(x: TensorLike, lower: TensorLike, upper: TensorLike): Tensor {
  const t = asTensor(x);
  // JS numbers clip as np.clip (upper wins when lower > upper), tensors as maximum(lower, minimum(x, upper)),
  // both as ΦML. A JS number traced as a jit argument is a weak rank-0 tensor: it takes the number path.
  const numberLike = (v: TensorLike) => typeof v === 'number' || (v instanceof Tensor && v._weak === true && v.shape.rank === 0);
  if (numberLike(lower) && numberLike(upper)) {
    const limit = (v: TensorLike) => (typeof v === 'number' && isFloat(t.dtype) ? wrap(v, { dtype: t.dtype }) : v);
    return minimum(maximum(t, limit(lower)), limit(upper));
  }
  return maximum(lower, minimum(t, upper));
}

/** Converts to `dtype` (floats to ints truncate toward zero; nonzero is true). */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = asTensor(x);
  const d = checkDType(dtype);
  return t.dtype === d ? t : bind(ew.cast, [t], { dtype: d });
}

// --- reductions ---

// --- absent dims ---

let strictDims = false;

/**
 * ΦML ignores dims that a tensor does not have when reducing, selecting, renaming or packing
 * (`sum(x, 'z')` is `x`), and so does tensorjit by default. `setStrictDims(true)` makes naming an
 * absent dim an error instead (a typo then fails loudly). Returns the previous setting.
 */
export function setStrictDims(strict: boolean): boolean {
  const before = strictDims;
  strictDims = strict;
  return before;
}

/** The dims of `names` that `shape` has; with strict dims, an absent one is an error naming the dims there are. */
export function presentDims(shape: Shape, names: readonly string[], fn: string): string[] {
  const absent = names.find((n) => !shape.has(n));
  if (absent === undefined) return names.slice();
  if (strictDims) throw new ShapeError(`${fn}: unknown dimension '${absent}': ${shape} has ${shape.rank ? shape.names.map((x) => `'${x}'`).join(', ') : 'no dims'} (math.setStrictDims(false) ignores absent dims, as ΦML does)`);
  return names.filter((n) => shape.has(n));
}

/** Dims to reduce: all non-batch dims by default, else names (`'x'`, `'x,y'`, `['x']`) or a Shape; absent ones are ignored. */
function reduceDims(t: Tensor, dims: DimSelection | undefined, fn: string): string[] {
  if (dims === undefined) return t.shape.nonBatch.names;
  return presentDims(t.shape, selectionNames(dims, fn), fn);
}

function reduction(prim: typeof red.sum, fn: string) {
  return (x: TensorLike, dims?: DimSelection): Tensor => {
    const t = asTensor(x);
    const names = reduceDims(t, dims, fn);
    // reducing over no dims only converts the dtype (ONNX would read empty axes as "all")
    if (names.length === 0) return cast(t, prim.dtype([t], { dims: names }));
    return bind(prim, [t], { dims: names });
  };
}

export const sum = reduction(red.sum, 'math.sum');
export const prod = reduction(red.prod, 'math.prod');
export const mean = reduction(red.mean, 'math.mean');
export const max = reduction(red.max, 'math.max');
export const min = reduction(red.min, 'math.min');
/** True where any element along the dims is nonzero. */
export const any = reduction(red.any, 'math.any');
/** True where every element along the dims is nonzero. */
export const all = reduction(red.all, 'math.all');

/** Standard deviation (population, ddof 0) over the dims. */
export function std(x: TensorLike, dims?: DimSelection): Tensor {
  const t = asTensor(x);
  // ΦML's std keeps a float dtype (a reduction): compute float64 inputs at precision 64
  if (t.dtype === 'float64' && FLOAT !== 'float64') return precision(64, () => std(t, dims));
  const names = reduceDims(t, dims, 'math.std');
  const centered = sub(t, mean(t, names));
  // the broadcast above may group dims by kind; ΦML's std keeps the input's order
  return transpose(sqrt(mean(mul(centered, centered), names)), t.shape.without(names).names);
}

// --- structure ---

/** Reorders dims (only matters for `.data`, `.toArray()` and printing). */
export function transpose(x: Tensor, order: DimSelection): Tensor {
  const names = selectionNames(order);
  return names.every((n, i) => x.shape.dims[i]?.name === n) && names.length === x.rank ? x : bind(mv.transpose, [x], { order: names });
}

/**
 * Renames or retypes dims: `renameDims(t, 'x', 'y')`, `renameDims(t, 'x,y', 'a,b')`,
 * `renameDims(t, 'x', spatial('y'))`, `renameDims(t, { x: 'y' })`.
 */
export function renameDims(x: Tensor, dims: DimSelection | Record<string, string | Shape>, names?: DimSelection): Tensor {
  let mapping: Record<string, string | Shape> = {};
  if (names === undefined) {
    if (typeof dims !== 'object' || dims instanceof Shape || Array.isArray(dims)) throw new ShapeError('renameDims: give new names, e.g. renameDims(t, "x", "y") or renameDims(t, { x: "y" })');
    mapping = { ...(dims as Record<string, string | Shape>) };
  } else {
    const from = selectionNames(dims as DimSelection);
    const to: (string | Shape)[] = names instanceof Shape ? names.dims.map((d) => new Shape([d])) : selectionNames(names);
    if (from.length !== to.length) throw new ShapeError(`renameDims: ${from.length} dims (${from.join(',')}) but ${to.length} new names`);
    from.forEach((n, i) => { mapping[n] = to[i]; });
  }
  // ΦML skips dims the tensor does not have
  const present = new Set(presentDims(x.shape, Object.keys(mapping), 'renameDims'));
  for (const n of Object.keys(mapping)) if (!present.has(n)) delete mapping[n];
  if (present.size === 0) return x;
  // ΦML keeps each renamed dim in its place, whatever its new kind
  return bind(mv.rename, [x], { mapping });
}

/** Adds dims (values repeat along them). Dims already present must match. */
export function expand(x: TensorLike, ...shapes: Shape[]): Tensor {
  const t = asTensor(x);
  shapes.forEach((sh, i) => { if (!(sh instanceof Shape)) throw new ShapeError(`expand: expected shapes such as spatial({ x: 3 }), got ${describeValue(sh)} at position ${i + 2}`); });
  const dims = concatShapes(...shapes);
  t.shape.and(dims); // sizes of dims already present must match
  if (dims.dims.every((d) => t.shape.has(d.name))) return t;
  // ΦML: `dims & value.shape`, so new dims usually come first
  const target = andShapes(dims, t.shape);
  if (!target.isDefined) throw new ShapeError(`expand: every new dim needs a size, got ${target}`);
  return bind(mv.expand, [t], { shape: target });
}

/** Packs several dims into one (row-major in the order given): `packDims(t, 'x,y', instance('points'))`. */
export function packDims(x: Tensor, dims: DimSelection, packed: Shape): Tensor {
  if (packed.rank !== 1) throw new ShapeError(`packDims: the packed dim must be one dim, got ${packed}`);
  const names = presentDims(x.shape, selectionNames(dims), 'packDims');
  const pd = packed.dims[0];
  // ΦML: nothing to pack leaves the tensor as it is (or adds a sized packed dim)
  if (names.length === 0) return pd.size === undefined ? x : expand(x, packed);
  if (names.length === 1) return renameDims(x, names[0], packed); // ΦML: one dim is renamed in place
  const volume = names.reduce((a, n) => a * x.shape.size(n), 1);
  if (pd.size !== undefined && pd.size !== volume) throw new ShapeError(`packDims: ${names.join(',')} hold ${volume} elements but ${packed} has size ${pd.size}`);
  const packedDim = new Shape([{ name: pd.name, kind: pd.kind, size: volume }]);
  // ΦML orders the result `packed & rest` (the packed dim first unless the rest mixes kinds)
  const shape = andShapes(packedDim, x.shape.without(names));
  const ordered = transpose(x, shape.names.flatMap((n) => (n === pd.name ? names : [n])));
  return bind(mv.reshape, [ordered], { shape });
}

/** Splits one dim into several (row-major): `unpackDim(t, 'points', spatial({ x: 4, y: 3 }))`. One size may be omitted. */
export function unpackDim(x: Tensor, dim: string, unpacked: Shape): Tensor {
  if (typeof dim !== 'string') throw new ShapeError(`unpackDim: name the dim to split as a string, got ${describeValue(dim)}`);
  if (!(unpacked instanceof Shape)) throw new ShapeError(`unpackDim: expected the new dims as a shape such as spatial({ x: 4, y: 3 }), got ${describeValue(unpacked)}`);
  const n = x.shape.size(dim);
  const unknown = unpacked.dims.filter((d) => d.size === undefined);
  let target = unpacked;
  if (unknown.length > 1) throw new ShapeError(`unpackDim: at most one size may be left out in ${unpacked}`);
  if (unknown.length === 1) {
    const known = unpacked.dims.reduce((a, d) => a * (d.size ?? 1), 1);
    if (n % known !== 0) throw new ShapeError(`unpackDim: ${dim} has ${n} elements, not divisible by ${known}`);
    target = unpacked.withSize(unknown[0].name, n / known);
  }
  if (target.volume !== n) throw new ShapeError(`unpackDim: ${dim} has ${n} elements but ${target} holds ${target.volume}`);
  // the new dims take the place of the unpacked one (ΦML's `shape.replace`): a row-major reshape in place
  const at = x.shape.indexOf(dim);
  const shape = new Shape([...x.shape.dims.slice(0, at), ...target.dims, ...x.shape.dims.slice(at + 1)]);
  return bind(mv.reshape, [x], { shape });
}

export interface StackOptions {
  /**
   * Broadcast values whose non-batch dims differ to their common shape (ΦML's `expand_values=True`).
   * Without it, as in ΦML, only batch dims may differ.
   */
  expandValues?: boolean;
}

/** Stacks tensors along a new dim: `stack([a, b], channel('vector'))` or `stack({ x: a, y: b }, channel('vector'))`. */
export function stack(values: readonly TensorLike[] | Record<string, TensorLike>, dim: Shape, options: StackOptions = {}): Tensor {
  if (!(dim instanceof Shape) || dim.rank !== 1) throw new ShapeError(`stack: expected one new dim such as channel('vector'), got ${dim}`);
  let d: Dim = dim.dims[0];
  let list: TensorLike[];
  if (Array.isArray(values)) list = values.slice();
  else if (!isPlainObject(values)) throw new ShapeError(`stack: expected an array of tensors or a record { a: t1, b: t2 }, got ${describeValue(values)}`);
  else {
    list = Object.values(values);
    d = { ...d, size: list.length, labels: Object.keys(values) };
  }
  if (list.length === 0) throw new ShapeError('stack: nothing to stack');
  const tensors = list.map(asTensor);
  if (!options.expandValues) {
    const names = (t: Tensor) => t.shape.nonBatch.names.slice().sort().join(',');
    const odd = tensors.find((t) => names(t) !== names(tensors[0]));
    if (odd) throw new ShapeError(`stack: non-batch dims must match but got ${tensors[0].shape.nonBatch} and ${odd.shape.nonBatch}; expand the values or pass { expandValues: true } (ΦML's expand_values=True)`, [tensors[0].shape, odd.shape]);
  }
  return bind(mv.stack, tensors, { dim: d });
}

/** Joins tensors along an existing dim. */
export function concat(values: readonly Tensor[], dim: string | Shape): Tensor {
  if (!Array.isArray(values)) throw new ShapeError(`concat: expected an array of tensors, got ${describeValue(values)}`);
  if (typeof dim !== 'string' && !(dim instanceof Shape)) throw new ShapeError(`concat: name the dim to join along ('x' or spatial('x')), got ${describeValue(dim)}`);
  const name = typeof dim === 'string' ? dim : dim.dims[0]?.name;
  if (!name) throw new ShapeError('concat: name the dim to join along');
  if (values.length === 0) throw new ShapeError('concat: nothing to concatenate');
  if (values.length === 1) return values[0];
  return bind(mv.concat, values, { dim: name });
}

/** Item selection per dim: an index (drops the dim), `[start, stop]` or `[start, stop, step]` (half-open), an item name, or a list of item names. */
/** A slice bound; `null` (or `undefined`) leaves it open, like an omitted bound in Python's `x[::-1]`. */
export type SliceBound = number | null | undefined;

/**
 * Item selection per dim: an index (drops the dim), `[start, stop]` or `[start, stop, step]`
 * (half-open; `null` leaves a bound open: `[null, null, -1]` is ΦML's `x[::-1]`, `[1, null]` is
 * `x[1:]`), an item name, or a list of item names.
 */
export type Selection = Record<string, number | readonly [SliceBound, SliceBound] | readonly [SliceBound, SliceBound, number] | string | readonly string[]>;

/** Selects by dim name: `get(t, { x: [1, 5] })`, `get(t, { x: 2 })`, `get(t, { vector: 'x' })`. */
export function get(x: Tensor, sel: Selection): Tensor {
  let t = x;
  if (!isPlainObject(sel)) throw new ShapeError(`get: select by dim name, e.g. t.get({ x: 2 }) or t.get({ x: [1, 5] }); got ${describeValue(sel)}`);
  for (const [name, s] of Object.entries(sel)) {
    if (!t.shape.has(name)) {
      presentDims(x.shape, [name], 'get'); // ΦML ignores selections along absent dims (strict dims: an error)
      continue;
    }
    const d = t.shape.dim(name);
    const size = d.size!;
    if (typeof s === 'number') {
      const i = normIndex(s, size, name);
      t = bind(mv.gather, [t], { dim: name, indices: [i], drop: true });
    } else if (typeof s === 'string' || (Array.isArray(s) && typeof s[0] === 'string')) {
      const items = typeof s === 'string' ? splitNames(s) : (s as string[]);
      if (!d.labels) throw new ShapeError(`get: dim '${name}' of ${x.shape} has no item names; select by index`);
      const indices = items.map((it) => {
        const i = d.labels!.indexOf(it);
        if (i < 0) throw new ShapeError(`get: '${it}' is not an item of ${name} (items: ${d.labels!.join(', ')})`);
        return i;
      });
      const single = typeof s === 'string' && items.length === 1;
      t = bind(mv.gather, [t], { dim: name, indices, drop: single });
    } else {
      const arr = checkSlice(s, name);
      const step = arr[2] ?? 1;
      if (step === 0) throw new ShapeError(`get: step must not be 0 (dim ${name})`);
      const start = sliceStart(arr[0], size, step), stop = sliceStop(arr[1], size, step);
      if (start === 0 && stop === size && step === 1) continue;
      t = bind(mv.slice, [t], { dim: name, start, stop, step });
    }
  }
  return t;
}

/** A slice `[start, stop]` / `[start, stop, step]` with integer bounds (undefined: open end). */
function checkSlice(s: unknown, name: string): readonly SliceBound[] {
  if (!Array.isArray(s) || s.length < 1 || s.length > 3) {
    throw new ShapeError(`get: the selection along '${name}' must be an index (2), a slice ([1, 5] or [1, 5, 2]) or item names ('x'); got ${describeValue(s)}`);
  }
  const what = ['start', 'stop', 'step'];
  s.forEach((b, k) => {
    if (b !== undefined && !(b === null && k < 2) && !Number.isInteger(b)) {
      throw new ShapeError(`get: slice ${what[k]} along '${name}' must be an integer${k < 2 ? ' or null (open)' : ''}, got ${describeValue(b)}; slices are [start, stop) or [start, stop, step] with integers (negative ones count from the end; null leaves a bound open: [null, null, -1] reverses)`);
    }
  });
  return s;
}

function normIndex(i: number, size: number, name: string): number {
  if (!Number.isInteger(i)) throw new ShapeError(`get: index ${i} along ${name} is not an integer`);
  const j = i < 0 ? size + i : i;
  if (j < 0 || j >= size) throw new ShapeError(`get: index ${i} is out of range for ${name} of size ${size}`);
  return j;
}

/** Python's slice start: open means the first element in the step's direction; clamped into range. */
function sliceStart(i: SliceBound, size: number, step: number): number {
  if (i === null || i === undefined) return step > 0 ? 0 : size - 1;
  const j = i < 0 ? size + i : i;
  return step > 0 ? Math.min(Math.max(j, 0), size) : Math.min(Math.max(j, -1), size - 1);
}

/** Python's slice stop (exclusive): open means past the last element in the step's direction (-1 going down). */
function sliceStop(i: SliceBound, size: number, step: number): number {
  if (i === null || i === undefined) return step > 0 ? size : -1;
  const j = i < 0 ? size + i : i;
  return step > 0 ? Math.min(Math.max(j, 0), size) : Math.min(Math.max(j, -1), size - 1);
}

/** Contracts dims of `a` with dims of `b` (sizes must match): `dot(x, 'in', w, 'in')`. */
export function dot(a: Tensor, aDims: DimSelection, b: Tensor, bDims: DimSelection): Tensor {
  return bind(dotPrim, [a, b], { a: selectionNames(aDims), b: selectionNames(bDims) });
}

// pad, shift, laplace and spatialGradient: library/stencil.ts
