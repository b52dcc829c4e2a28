/**
 * ΦML's dim-type conversions and small dim helpers: `c2b`, `s2b`, `i2b`, `c2d`, `d2i`, `d2s`,
 * `b2i`, `p2d`, `si2d` (retype every dim of one type), `squeeze`, `flatten`, sizes per type
 * (`csize` …), ranges along a new dim of a type (`brange`, `crange`, …), `const_vec`, `meshgrid`,
 * `dim_mask`. Renames and reshapes only (no data movement beyond what the dims need).
 */
import { Tensor } from '../tensor';
import { Shape, channel, instance, type DimKind, type DimSelection, selectionNames } from '../shape';
import { ShapeError } from '../errors';
import { renameDims, packDims, get, expand, stack, add } from '../operations';
import { wrap, range } from '../create';
import { sort } from './sorting';

function retype(x: Tensor, from: DimKind[], to: DimKind): Tensor {
  const mapping: Record<string, Shape> = {};
  for (const d of x.shape.dims) {
    if (!from.includes(d.kind)) continue;
    const base = d.name.startsWith('~') ? d.name.slice(1) : d.name;
    const name = to === 'dual' ? '~' + base : base;
    // retyping to batch drops item names (ΦML: only channel-like dims keep them)
    const labels = to === 'batch' || to === 'spatial' || to === 'instance' ? undefined : d.labels;
    mapping[d.name] = new Shape([{ name, kind: to, size: undefined, ...(labels ? { labels } : {}) }]);
  }
  if (Object.keys(mapping).length === 0) return x;
  const out = renameDims(x, mapping);
  return out;
}

/** Channel dims → batch. */ export const c2b = (x: Tensor) => retype(x, ['channel'], 'batch');
/** Channel dims → dual. */ export const c2d = (x: Tensor) => retype(x, ['channel'], 'dual');
/** Spatial dims → batch. */ export const s2b = (x: Tensor) => retype(x, ['spatial'], 'batch');
/** Instance dims → batch. */ export const i2b = (x: Tensor) => retype(x, ['instance'], 'batch');
/** Batch dims → instance. */ export const b2i = (x: Tensor) => retype(x, ['batch'], 'instance');
/** Dual dims → instance. */ export const d2i = (x: Tensor) => retype(x, ['dual'], 'instance');
/** Dual dims → spatial. */ export const d2s = (x: Tensor) => retype(x, ['dual'], 'spatial');
/** Primal (spatial and instance) dims → dual. */ export const p2d = (x: Tensor) => retype(x, ['spatial', 'instance'], 'dual');
/** Spatial and instance dims → dual. */ export const si2d = (x: Tensor) => retype(x, ['spatial', 'instance'], 'dual');

/** Removes size-1 dims (the named ones, or all). */
export function squeeze(x: Tensor, dims?: DimSelection): Tensor {
  const names = dims === undefined ? x.shape.dims.filter((d) => d.size === 1).map((d) => d.name) : selectionNames(dims);
  let t = x;
  for (const n of names) {
    if (t.shape.size(n) !== 1) throw new ShapeError(`math.squeeze: '${n}' has size ${t.shape.size(n)} in ${x.shape}, not 1`);
    t = get(t, { [n]: 0 });
  }
  return t;
}

/** All dims (batch dims only with `flattenBatch`) packed into one, `flatDim` (default `instance('flat')`). */
export function flatten(x: Tensor, flatDim: Shape = instance('flat'), flattenBatch = false): Tensor {
  const names = (flattenBatch ? x.shape : x.shape.nonBatch).names;
  if (names.length === 0) return expand(x, new Shape([{ ...flatDim.dims[0], size: 1 }]));
  return packDims(x, names, flatDim);
}

const volume = (s: Shape) => s.dims.reduce((a, d) => a * (d.size ?? NaN), 1);
/** Number of elements along all channel dims (1 without). */ export const csize = (x: Tensor) => volume(x.shape.channel);
/** … spatial dims. */ export const ssize = (x: Tensor) => volume(x.shape.spatial);
/** … instance dims. */ export const isize = (x: Tensor) => volume(x.shape.instance);
/** … dual dims. */ export const dsize = (x: Tensor) => volume(x.shape.dual);

/** Sorts along all dims of a type (flattened), as ΦML's csort / ssort / isort / dsort / psort. */
export const csort = (x: Tensor) => sort(x, x.shape.channel.names);
export const ssort = (x: Tensor) => sort(x, x.shape.spatial.names);
export const isort = (x: Tensor) => sort(x, x.shape.instance.names);
export const dsort = (x: Tensor) => sort(x, x.shape.dual.names);
export const psort = (x: Tensor) => sort(x, x.shape.nonDual.nonBatch.names);

/** int32 range along a new dim of the kind: `crange({ vector: 3 })`, `srange({ x: 4 }, 1)` (start 1). */
function typedRange(kind: DimKind) {
  return (stop: Record<string, number>, start = 0): Tensor => {
    const [[name, end]] = Object.entries(stop);
    const dim = new Shape([{ name: kind === 'dual' && !name.startsWith('~') ? '~' + name : name, kind, size: undefined }]);
    return range(dim, start, end);
  };
}
export const brange = typedRange('batch');
export const crange = typedRange('channel');
export const srange = typedRange('spatial');
export const irange = typedRange('instance');
export const drange = typedRange('dual');

/** `range` over every dim of the shapes at once: the flat row-major position (ΦML's range_tensor). */
export function rangeTensor(...shapes: Shape[]): Tensor {
  const s = shapes.reduce((a, b) => a.and(b), Shape.EMPTY);
  const n = volume(s);
  return wrap(Int32Array.from({ length: n }, (_, i) => i), s);
}

/** The same value for every item of a channel dim: `constVec(0, 'x,y')` is `(x=0.000, y=0.000)`. */
export function constVec(value: number | Tensor, dim: Shape | string): Tensor {
  const d = typeof dim === 'string' ? channel({ vector: dim }) : dim;
  return expand(value instanceof Tensor ? value : wrap(value), d);
}

/**
 * Coordinates of every grid cell: `meshgrid(spatial({ x: 3, y: 2 }))` has shape `(xˢ=3, yˢ=2,
 * vectorᶜ=x,y)` with int32 indices; ΦML's `meshgrid(x=3, y=2)`.
 */
export function meshgrid(dims: Shape, stackDim: Shape = channel('vector')): Tensor {
  const parts: Record<string, Tensor> = {};
  for (const d of dims.dims) parts[d.name] = range(new Shape([d]));
  const zero = expand(wrap(0, { dtype: 'int32' }), dims);
  for (const n of Object.keys(parts)) parts[n] = add(zero, parts[n]);
  return stack(parts, stackDim);
}

/** 1 for the dims in `dims`, 0 for the others of `allDims`, along `maskDim` with the names as items. */
export function dimMask(allDims: Shape | readonly string[], dims: DimSelection, maskDim: Shape = channel('vector')): Tensor {
  const all = allDims instanceof Shape ? allDims.names : allDims.slice();
  const on = new Set(selectionNames(dims));
  const d = maskDim.dims[0];
  return wrap(Int32Array.from(all, (n) => (on.has(n) ? 1 : 0)), new Shape([{ name: d.name, kind: d.kind, size: all.length, labels: all }]));
}



const packType = (pick: (s: Shape) => Shape) => (value: Tensor, packedDim: Shape | string): Tensor => {
  const names = pick(value.shape).names;
  const target = typeof packedDim === 'string' ? new Shape([{ name: packedDim, kind: value.shape.dim(names[0] ?? '')?.kind ?? 'channel', size: undefined }]) : packedDim;
  return packDims(value, names, target);
};
/** Packs all channel dims into one (ΦML's cpack). */ export const cpack = packType((s) => s.channel);
/** Packs all spatial dims into one. */ export const spack = packType((s) => s.spatial);
/** Packs all instance dims into one. */ export const ipack = packType((s) => s.instance);
/** Packs all dual dims into one. */ export const dpack = packType((s) => s.dual);

/** True when every tensor argument is concrete (not a tracer inside a jit trace). */
export function allAvailable(...values: unknown[]): boolean {
  return values.every((v) => !(v instanceof Tensor) || v.available);
}
