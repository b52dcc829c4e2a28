/**
 * Scans and sorting over named dims (ΦML's cumulative_sum, sort, argmax, argmin; argsort is
 * tensorjit's, ΦML has none): the one-dim primitives of ops/scan.ts, with several dims packed into
 * one first (row-major in the order given) and unpacked after.
 */
import { Tensor } from '../tensor';
import { Shape, channel, instance, type DimSelection, selectionNames } from '../shape';
import { ShapeError } from '../errors';
import { bind } from '../ops/registry';
import * as sc from '../ops/scan';
import { concat, packDims, unpackDim, transpose, stack, get, expand, div, mod, cast, floor, add, mul } from '../operations';

function dimsOf(x: Tensor, dim: DimSelection | undefined, fn: string, dflt: () => string[]): string[] {
  const names = dim === undefined ? dflt() : selectionNames(dim);
  if (names.length === 0) throw new ShapeError(`${fn}: no dims to work along in ${x.shape}; name them`);
  for (const n of names) if (!x.shape.has(n)) throw new ShapeError(`${fn}: unknown dimension '${n}': ${x.shape} has ${x.shape.names.map((m) => `'${m}'`).join(', ') || 'no dims'}`);
  return names;
}

/** Applies a one-dim primitive along several dims by packing them into one. */
function alongPacked(x: Tensor, names: string[], f: (t: Tensor, dim: string) => Tensor): Tensor {
  if (names.length === 1) return f(x, names[0]);
  const packed = packDims(x, names, instance('_packed'));
  const r = f(packed, '_packed');
  const back = unpackDim(r, '_packed', x.shape.only(names).dims.reduce((s, d) => s.and(new Shape([{ name: d.name, kind: d.kind, size: d.size }])), Shape.EMPTY));
  return transpose(back, x.shape.names);
}

export interface CumulativeSumOptions { includeZero?: boolean; includeSum?: boolean }

/**
 * Running sum along `dim` (several dims: over them flattened row-major). `includeZero` prepends a 0
 * (the dim grows by one), `includeSum: false` drops the total. bool sums as int32.
 */
export function cumulativeSum(x: Tensor, dim: DimSelection, options: CumulativeSumOptions = {}): Tensor {
  const { includeZero = false, includeSum = true } = options;
  const names = dimsOf(x, dim, 'math.cumulativeSum', () => []);
  if (names.length > 1 && (includeZero ? 1 : 0) + (includeSum ? 1 : 0) !== 1) {
    throw new ShapeError('math.cumulativeSum over several dims needs exactly one of includeZero, includeSum (the flattened result must keep the size)');
  }
  return alongPacked(x, names, (t, d) => {
    let r = bind(sc.cumsum, [t], { dim: d });
    if (includeZero) r = concat([expand(cast(0, r.dtype), r.shape.withSize(d, 1)), r], d);
    if (!includeSum) r = get(r, { [d]: [0, -1] });
    return r;
  });
}

/** Sorts ascending along `dim` (default: the non-batch dims, flattened). Stable; NaN last. */
export function sort(x: Tensor, dim?: DimSelection): Tensor {
  const names = dimsOf(x, dim, 'math.sort', () => x.shape.nonBatch.names);
  return alongPacked(x, names, (t, d) => bind(sc.sort, [t], { dim: d }));
}

/** int64 positions that sort `dim` ascending (stable): gathering with them gives `sort(x, dim)`. One dim. */
export function argsort(x: Tensor, dim: string): Tensor {
  dimsOf(x, dim, 'math.argsort', () => []);
  return bind(sc.argsort, [x], { dim });
}

function extremeIndex(prim: typeof sc.argmax, fn: string) {
  return (x: Tensor, dim: DimSelection, indexDim: Shape | null = channel('index')): Tensor => {
    const names = dimsOf(x, dim, fn, () => []);
    let flatIndex: Tensor;
    if (names.length === 1) flatIndex = bind(prim, [x], { dim: names[0] });
    else flatIndex = bind(prim, [packDims(x, names, instance('_packed'))], { dim: '_packed' });
    if (indexDim === null) {
      if (names.length !== 1) throw new ShapeError(`${fn}: indexDim null needs a single dim, got ${names.join(',')}`);
      return flatIndex;
    }
    // unravel the flat position into one index per dim, stacked along indexDim with the dim names as items
    const sizes = names.map((n) => x.shape.size(n));
    const parts: Record<string, Tensor> = {};
    let stride = sizes.reduce((a, b) => a * b, 1);
    names.forEach((n, i) => {
      stride /= sizes[i];
      // float32 division is exact enough for lanes below 2^24 elements
      const q = stride === 1 ? flatIndex : cast(floor(div(flatIndex, stride)), 'int64');
      parts[n] = i === 0 ? q : mod(q, sizes[i]);
    });
    return stack(parts, indexDim, { expandValues: true });
  };
}

/** Position of the maximum over `dim`, as int64 indices along `indexDim` (`indexᶜ=x,y`), first one on ties. */
export const argmax = extremeIndex(sc.argmax, 'math.argmax');
/** Position of the minimum over `dim`, as int64 indices along `indexDim`, first one on ties. */
export const argmin = extremeIndex(sc.argmin, 'math.argmin');

/**
 * Quantiles over `dim` (default: the non-batch dims, flattened), linearly interpolated between the
 * sorted values (NumPy's default). Several quantiles (an array) are stacked along `quantileᶜ`.
 */
export function quantile(x: Tensor, q: number | readonly number[], dim?: DimSelection): Tensor {
  const names = dimsOf(x, dim, 'math.quantile', () => x.shape.nonBatch.names);
  const flat = names.length === 1 ? x : packDims(x, names, instance('_packed'));
  const d = names.length === 1 ? names[0] : '_packed';
  const sorted = bind(sc.sort, [flat], { dim: d });
  const n = flat.shape.size(d);
  const one = (p: number): Tensor => {
    if (!(p >= 0 && p <= 1)) throw new ShapeError(`math.quantile: quantiles lie in [0, 1], got ${p}`);
    const pos = p * (n - 1), lo = Math.floor(pos), hi = Math.min(lo + 1, n - 1), w = pos - lo;
    const a = get(sorted, { [d]: lo });
    return w === 0 ? cast(a, a.dtype === 'float64' ? 'float64' : 'float32') : add(mul(a, 1 - w), mul(get(sorted, { [d]: hi }), w));
  };
  if (typeof q === 'number') return one(q);
  return stack(q.map(one), channel('quantile'));
}

/** The median over `dim` (default: the non-batch dims). */
export function median(x: Tensor, dim?: DimSelection): Tensor {
  return quantile(x, 0.5, dim);
}
