/**
 * Indexing with index tensors (ΦML's gather, scatter, nonzero, boolean_mask). The per-dim index
 * vectors ΦML uses (a channel dim whose item names are the indexed dims) become one flat position,
 * which the gatherNd / scatterNd primitives of ops/indexing.ts take.
 *
 * nonzero and booleanMask have data-dependent result sizes. Eagerly the size is counted. Inside a
 * jit function the values are unknown while tracing, so they need `{ size }`: a fixed-size result,
 * filled with `fill` beyond the real entries (JAX's `nonzero(size=, fill_value=)`); without it they
 * throw an error that names the jit function and this fix.
 */
import { Tensor } from '../tensor';
import { Shape, channel, instance, type DimSelection, selectionNames } from '../shape';
import { ShapeError } from '../errors';
import { bind } from '../ops/registry';
import { gatherNd, scatterNd, type ScatterMode } from '../ops/indexing';
import { cumsum } from '../ops/scan';
import {
  type TensorLike, add, sub, mul, div, where, less, greater, greaterEqual, logicalAnd, logicalOr, notEqual, cast, clip, sum,
  any as anyAlong, all as allAlong, get, expand, packDims, unpackDim, renameDims, concat, transpose, maximum, operandFor,
} from '../operations';
import { wrap } from '../create';
import { argmax, argmin } from './sorting';
import { floor as floorOf, mod as modOf, stack } from '../operations';
import { isFloat, type DType } from '../dtype';

/** Dims to index: given, else the index dim's item names, else values' spatial or instance dims. */
function indexedDims(values: Shape, indices: Tensor, dims: DimSelection | undefined, fn: string): string[] {
  const indexDim = indices.shape.channel;
  if (indexDim.rank > 1) throw new ShapeError(`${fn}: indices ${indices.shape} need at most one channel dim (listing the indexed dims)`);
  if (dims !== undefined) return selectionNames(dims);
  if (indexDim.rank === 1 && indexDim.dims[0].labels) return indexDim.dims[0].labels.slice();
  if (values.instance.rank && values.spatial.rank) throw new ShapeError(`${fn}: name the indexed dims: ${values} has both instance and spatial dims`);
  const d = values.spatial.rank ? values.spatial : values.instance;
  if (!d.rank) throw new ShapeError(`${fn}: name the indexed dims: ${values} has neither instance nor spatial dims`);
  return d.names;
}

/** Per-dim index components of `indices` for `dims` (from its channel dim, or the tensor itself). */
function components(indices: Tensor, dims: string[], fn: string): Tensor[] {
  const indexDim = indices.shape.channel;
  let idx = indices;
  if (idx.dtype === 'bool') idx = cast(idx, 'int32');
  if (isFloat(idx.dtype)) throw new ShapeError(`${fn}: indices must be ints, got ${idx.dtype}`);
  if (indexDim.rank === 0) {
    if (dims.length !== 1) throw new ShapeError(`${fn}: indices ${indices.shape} have no channel dim listing the ${dims.length} indexed dims ${dims.join(',')}`);
    return [idx];
  }
  const d = indexDim.dims[0];
  if (d.size !== dims.length && !d.labels) throw new ShapeError(`${fn}: the channel dim of indices ${indices.shape} must list the ${dims.length} indexed dims ${dims.join(',')}`);
  return dims.map((n, i) => get(idx, { [d.name]: d.labels ? n : i }));
}

function flatPosition(comps: Tensor[], sizes: number[]): Tensor {
  let flat = comps[0];
  for (let i = 1; i < comps.length; i++) flat = add(mul(flat, sizes[i]), comps[i]);
  return flat;
}

/**
 * `values` at the positions in `indices`: `indices` has a channel dim whose item names are the
 * indexed dims (`(pointsⁱ=3, indexᶜ=x,y)`), or no channel dim for one indexed dim (`dims`, or the one
 * spatial / instance dim of values). The indexed dims are replaced by the dims of `indices`; dims both
 * share are matched element-wise. Negative indices count from the end; others out of range throw.
 */
export function gather(values: Tensor, indices: Tensor, dims?: DimSelection): Tensor {
  const fn = 'math.gather';
  let names = indexedDims(values.shape, indices, dims, fn);
  let comps = components(indices, names, fn);
  const present = names.map((n) => values.shape.has(n));
  const rest = indices.shape.without(indices.shape.channel);
  if (!present.some(Boolean)) return expand(values, rest);
  comps = comps.filter((_, i) => present[i]);
  names = names.filter((_, i) => present[i]);
  const sizes = names.map((n) => values.shape.size(n));
  comps = comps.map((c, i) => where(less(c, 0), add(c, sizes[i]), c));
  return bind(gatherNd, [values, flatPosition(comps, sizes)], { dims: names });
}

export type ScatterModeName = ScatterMode | 'sum' | 'prod' | 'mean';
export interface ScatterOptions {
  /** How values meet the base and each other (duplicates): 'update' (last wins), 'add' ('sum'), 'mul' ('prod'), 'max', 'min', 'mean'. */
  mode?: ScatterModeName;
  /** Indices outside the base: 'check' (error), 'discard' (ignored), 'clamp' (to the edge). */
  outsideHandling?: 'check' | 'discard' | 'clamp';
  /** Base value for a Shape base (default 0). */
  default?: number;
  /** Indexed dims (default: the index dim's item names, else the base's spatial or instance dims). */
  dims?: DimSelection;
}

const MODES: Record<string, ScatterMode | 'mean'> = { update: 'update', add: 'add', sum: 'add', mul: 'mul', prod: 'mul', max: 'max', min: 'min', mean: 'mean' };

/**
 * Writes `values` into `base` (a tensor, or a Shape for zeros / `default`) at `indices` (as in
 * gather). Duplicate indices combine by `mode`: 'update' keeps the last, 'add' sums, 'max' / 'min' /
 * 'mul' reduce, 'mean' averages the values written to one position (untouched positions keep base).
 */
export function scatter(base: Tensor | Shape, indices: Tensor, values: TensorLike, options: ScatterOptions = {}): Tensor {
  const fn = 'math.scatter';
  const modeName = options.mode ?? 'update';
  const mode = MODES[modeName];
  if (!mode) throw new RangeError(`${fn}: unknown mode '${String(modeName)}': use one of ${Object.keys(MODES).map((m) => `'${m}'`).join(', ')}`);
  const outside = options.outsideHandling ?? 'check';
  if (!['check', 'discard', 'clamp'].includes(outside)) throw new RangeError(`${fn}: unknown outsideHandling '${outside}': use 'check', 'discard' or 'clamp'`);
  // a JS number (or traced one) next to a tensor base takes the dtype the weak-number rule gives it
  const vals = base instanceof Shape ? (values instanceof Tensor ? values : wrap(values as number)) : operandFor(values, base);
  let b: Tensor = base instanceof Shape ? expand(wrap(options.default ?? 0, { dtype: vals.dtype === 'bool' ? 'bool' : isFloat(vals.dtype) ? vals.dtype : vals.dtype as DType }), base) : base;
  const names = indexedDims(b.shape, indices, options.dims, fn);
  for (const n of names) b.shape.dim(n);
  let comps = components(indices, names, fn);
  const sizes = names.map((n) => b.shape.size(n));
  let valid: Tensor | undefined;
  if (outside === 'clamp') comps = comps.map((c, i) => clip(c, 0, sizes[i] - 1));
  else if (outside === 'discard') {
    for (let i = 0; i < comps.length; i++) {
      const ok = logicalAnd(greaterEqual(comps[i], 0), less(comps[i], sizes[i]));
      valid = valid ? logicalAnd(valid, ok) : ok;
    }
  }
  let flat = flatPosition(comps, sizes);
  // discard: positions outside go to one extra slot past the (packed) indexed dims, sliced off after
  const packedName = '_scatter';
  const volume = sizes.reduce((a, s) => a * s, 1);
  const order = b.shape.names;
  let target = b, dims = names;
  if (valid) {
    const packed = packDims(b, names, instance(packedName));
    target = concat([packed, expand(cast(0, b.dtype), packed.shape.withSize(packedName, 1))], packedName);
    flat = where(valid, flat, volume);
    dims = [packedName];
  }
  const finish = (r: Tensor): Tensor => {
    if (!valid) return r;
    const cut = get(r, { [packedName]: [0, volume] });
    return transpose(unpackDim(cut, packedName, b.shape.only(names)), order);
  };
  if (mode !== 'mean') return finish(bind(scatterNd, [target, flat, vals], { dims, mode }));
  const ones = expand(wrap(1), vals.shape);
  const counts = bind(scatterNd, [expand(wrap(0), target.shape), flat, ones], { dims, mode: 'add' });
  const sums = bind(scatterNd, [expand(wrap(0), target.shape), flat, cast(vals, 'float32')], { dims, mode: 'add' });
  return finish(where(greater(counts, 0), div(sums, maximum(counts, 1)), target));
}

export interface NonzeroOptions {
  /** Dim listing the nonzero entries (default `instance('nonzero')`). */
  listDim?: Shape;
  /** Dim of the index vectors, with the list dims as item names (default `channel('vector')`); null for one list dim: plain indices. */
  indexDim?: Shape | null;
  /** Dims searched (default: the non-batch, non-channel dims). Channel dims are element dims: an element is nonzero when any component is. */
  listDims?: DimSelection;
  /** Fixed number of entries: needed inside jit functions. Missing entries are `fill`, extra nonzero ones are dropped. */
  size?: number;
  /** Index value of missing entries with `size` (default 0). */
  fill?: number;
}

function dataDependent(fn: string, t: Tensor): ShapeError {
  return new ShapeError(
    `${fn} inside jit function '${t._tracer!.trace.fnName}': the number of entries depends on the values of a traced tensor, ` +
      `so the result size is unknown while tracing. Pass { size: n } for a fixed-size result (padded with { fill }), ` +
      `or compute it outside the jit function / from an auxiliary argument.`,
  );
}

/**
 * Indices of the nonzero elements, listed along `listDim`, each an int64 index vector along
 * `indexDim` (`(nonzeroⁱ=3, vectorᶜ=x,y) int64`). Row-major order of the searched dims. Batch dims
 * are kept; eagerly every batch entry needs the same count (else pass `size`).
 */
export function nonzero(value: Tensor, options: NonzeroOptions = {}): Tensor {
  const fn = 'math.nonzero';
  const listDim = options.listDim ?? instance('nonzero');
  const indexDim = options.indexDim === undefined ? channel('vector') : options.indexDim;
  let mask = notEqual(value, 0);
  const elementDims = mask.shape.channel.names;
  if (elementDims.length) mask = anyAlong(mask, elementDims);
  const names = options.listDims === undefined ? mask.shape.nonBatch.nonChannel.names : selectionNames(options.listDims);
  if (names.length === 0) throw new ShapeError(`${fn}: ${value.shape} has no dims to search`);
  if (indexDim === null && names.length !== 1) throw new ShapeError(`${fn}: indexDim null needs one list dim, got ${names.join(',')}`);
  const size = options.size ?? countOnce(mask, names, fn, value);
  const flatName = '_nz';
  const flatMask = names.length === 1 ? renameDims(mask, names[0], instance(flatName)) : packDims(mask, names, instance(flatName));
  const n = flatMask.shape.size(flatName);
  const pos = sub(bind(cumsum, [cast(flatMask, 'int32')], { dim: flatName }), 1);
  // one dump slot at `size` for zero entries and for nonzero ones beyond `size`
  const target = where(logicalAnd(flatMask, less(pos, size)), pos, size);
  const listName = listDim.dims[0].name;
  const sizes = names.map((d) => mask.shape.size(d));
  const coordData = new BigInt64Array(n * names.length);
  for (let i = 0; i < n; i++) {
    let r = i;
    for (let k = names.length - 1; k >= 0; k--) { coordData[i * names.length + k] = BigInt(r % sizes[k]); r = Math.floor(r / sizes[k]); }
  }
  const idxShape: Shape = indexDim === null ? Shape.EMPTY : new Shape([{ name: indexDim.dims[0].name, kind: indexDim.dims[0].kind, size: names.length, labels: names }]);
  const flatDim = instance({ [flatName]: n });
  const coords = indexDim === null ? wrap(coordData, flatDim) : wrap(coordData, flatDim, idxShape);
  const list = new Shape([{ name: listName, kind: listDim.dims[0].kind, size: size + 1 }]);
  const base = expand(wrap(BigInt(options.fill ?? 0)), mask.shape.batch, list, idxShape);
  const r = bind(scatterNd, [base, target, coords], { dims: [listName], mode: 'update' });
  return get(r, { [listName]: [0, size] });
}

/** The number of nonzero entries, the same for every batch entry (eager only). */
function countOnce(mask: Tensor, names: string[], fn: string, value: Tensor): number {
  if (mask._tracer) throw dataDependent(fn, value);
  const counts = sum(cast(mask, 'int32'), names);
  // counts are int64 (ΦML's sum of int32): read them as numbers
  const data = Array.from(counts.data as ArrayLike<number | bigint>, (c) => Number(c));
  if (data.length === 0) return 0;
  if (data.some((c) => c !== data[0])) throw new ShapeError(`${fn}: the batch entries have different numbers of entries (${data.join(', ')}); pass { size } for a fixed-size result`);
  return data[0];
}

export interface BooleanMaskOptions { size?: number; fill?: number }

/**
 * The slices of `x` along `dim` where `mask` (a bool tensor along `dim`) is true; `dim` keeps its
 * name and type, with the new size. Inside jit functions pass `{ size }` (slices beyond the count are
 * `fill`, default 0).
 */
export function booleanMask(x: Tensor, dim: string, mask: Tensor, options: BooleanMaskOptions = {}): Tensor {
  const fn = 'math.booleanMask';
  const d = x.shape.dim(dim);
  if (!mask.shape.has(dim)) throw new ShapeError(`${fn}: the mask ${mask.shape} must have the dim '${dim}'`);
  if (mask._tracer && options.size === undefined) throw dataDependent(fn, mask);
  const idx = nonzero(mask, { listDim: instance('_bm'), indexDim: null, listDims: dim, size: options.size });
  let r = gather(x, idx, dim);
  if (options.size !== undefined) {
    const count = sum(cast(mask, 'int32'), dim);
    const valid = less(wrap(Int32Array.from({ length: options.size }, (_, i) => i), instance('_bm')), count);
    r = where(valid, r, cast(options.fill ?? 0, r.dtype));
  }
  return renameDims(r, '_bm', new Shape([{ name: dim, kind: d.kind, size: undefined }]));
}



/** Flat row-major positions of index vectors (a channel dim listing the dims of `resolution`). */
export function ravelIndex(index: Tensor, resolution: Shape): Tensor {
  const names = resolution.names;
  const comps = components(index, names, 'math.ravelIndex');
  return flatPosition(comps, names.map((n) => resolution.size(n)));
}

/** Index vectors (along `indexDim`, items = the dims of `resolution`) of flat row-major positions. */
export function unravelIndex(index: Tensor, resolution: Shape, indexDim: Shape = channel('index')): Tensor {
  const sizes = resolution.names.map((n) => resolution.size(n));
  const parts: Record<string, Tensor> = {};
  let stride = sizes.reduce((a, b) => a * b, 1);
  resolution.names.forEach((n, i) => {
    stride /= sizes[i];
    const q = stride === 1 ? index : cast(floorOf(div(index, stride)), index.dtype);
    parts[n] = i === 0 ? q : modOf(q, sizes[i]);
  });
  return stack(parts, indexDim);
}

/** The values of `value` where `key` is largest along `dim` (ΦML's at_max). */
export function atMax(value: Tensor, key: Tensor, dim?: DimSelection): Tensor {
  return atExtreme(value, key, dim, argmax);
}
/** The values of `value` where `key` is smallest along `dim` (ΦML's at_min). */
export function atMin(value: Tensor, key: Tensor, dim?: DimSelection): Tensor {
  return atExtreme(value, key, dim, argmin);
}
function atExtreme(value: Tensor, key: Tensor, dim: DimSelection | undefined, arg: typeof argmax): Tensor {
  const names = dim === undefined ? key.shape.nonBatch.names : selectionNames(dim);
  const idx = arg(key, names, channel({ _at: names }));
  return gather(value, idx);
}
