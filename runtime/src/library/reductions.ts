/**
 * ΦML's reductions by dim type (`csum`, `ssum`, `imean`, `dmax`, `pstd`, …: over all channel /
 * spatial / instance / dual / primal dims) and its `finite_*` reductions, which skip NaN and ±inf.
 * Compositions of the reduction primitives; a tensor without dims of that type is returned as the
 * reduction over no dims (a dtype conversion only, as `sum(x, [])`).
 */
import { Tensor } from '../tensor';
import type { Shape, DimSelection } from '../shape';
import { sum, mean, max, min, prod, std, where, isFinite, cast, div, sqrt, mul, sub, maximum, greater } from '../operations';

type Reduce = (x: Tensor, dims?: DimSelection) => Tensor;
const byType = (reduce: Reduce, pick: (s: Shape) => Shape) => (x: Tensor): Tensor => reduce(x, pick(x.shape).names);

const C = (s: Shape) => s.channel, S = (s: Shape) => s.spatial, I = (s: Shape) => s.instance, D = (s: Shape) => s.dual, P = (s: Shape) => s.nonDual;

/** Sum over all channel dims. */ export const csum = byType(sum, C);
/** Sum over all spatial dims. */ export const ssum = byType(sum, S);
/** Sum over all instance dims. */ export const isum = byType(sum, I);
/** Sum over all dual dims. */ export const dsum = byType(sum, D);
/** Sum over all primal (non-dual) dims. */ export const psum = byType(sum, P);
export const cmean = byType(mean, C), smean = byType(mean, S), imean = byType(mean, I), dmean = byType(mean, D), pmean = byType(mean, P);
export const cmax = byType(max, C), smax = byType(max, S), imax = byType(max, I), dmax = byType(max, D), pmax = byType(max, P);
export const cmin = byType(min, C), smin = byType(min, S), imin = byType(min, I), dmin = byType(min, D), pmin = byType(min, P);
export const cprod = byType(prod, C), sprod = byType(prod, S), iprod = byType(prod, I), dprod = byType(prod, D), pprod = byType(prod, P);
export const cstd = byType(std, C), sstd = byType(std, S), istd = byType(std, I), dstd = byType(std, D), pstd = byType(std, P);

/** Reduces the finite values only; `dflt` (NaN) where a reduction has no finite value (ΦML's finite_*). */
function finite(reduce: (x: Tensor, ok: Tensor, dims?: DimSelection) => Tensor) {
  return (x: Tensor, dims?: DimSelection, dflt = NaN): Tensor => {
    const ok = isFinite(x);
    return where(greater(sum(cast(ok, 'int32'), dims), 0), reduce(x, ok, dims), dflt);
  };
}
/** Sum of the finite values (NaN and ±inf skipped). */
export const finiteSum = finite((x, ok, dims) => sum(where(ok, x, 0), dims));
/** Mean of the finite values. */
export const finiteMean = finite((x, ok, dims) => div(sum(where(ok, x, 0), dims), sum(cast(ok, 'int32'), dims)));
/** Maximum of the finite values. */
export const finiteMax = finite((x, ok, dims) => max(where(ok, x, -Infinity), dims));
/** Minimum of the finite values. */
export const finiteMin = finite((x, ok, dims) => min(where(ok, x, Infinity), dims));
/** Standard deviation of the finite values. */
export const finiteStd = finite((x, ok, dims) => {
  const n = sum(cast(ok, 'int32'), dims);
  const m = div(sum(where(ok, x, 0), dims), n);
  const d = where(ok, sub(x, m), 0);
  return sqrt(maximum(div(sum(mul(d, d), dims), n), 0));
});

const finiteByType = (reduce: Reduce, pick: (s: Shape) => Shape) => (x: Tensor): Tensor => reduce(x, pick(x.shape).names);
export const finiteCsum = finiteByType(finiteSum, C), finiteSsum = finiteByType(finiteSum, S), finiteIsum = finiteByType(finiteSum, I), finiteDsum = finiteByType(finiteSum, D), finitePsum = finiteByType(finiteSum, P);
export const finiteCmean = finiteByType(finiteMean, C), finiteSmean = finiteByType(finiteMean, S), finiteImean = finiteByType(finiteMean, I), finiteDmean = finiteByType(finiteMean, D), finitePmean = finiteByType(finiteMean, P);
export const finiteCmax = finiteByType(finiteMax, C), finiteSmax = finiteByType(finiteMax, S), finiteImax = finiteByType(finiteMax, I), finiteDmax = finiteByType(finiteMax, D), finitePmax = finiteByType(finiteMax, P);
export const finiteCmin = finiteByType(finiteMin, C), finiteSmin = finiteByType(finiteMin, S), finiteImin = finiteByType(finiteMin, I), finiteDmin = finiteByType(finiteMin, D), finitePmin = finiteByType(finiteMin, P);
export const finiteCstd = finiteByType(finiteStd, C), finiteSstd = finiteByType(finiteStd, S), finiteIstd = finiteByType(finiteStd, I), finiteDstd = finiteByType(finiteStd, D), finitePstd = finiteByType(finiteStd, P);

/** Casts to the float precision (float32 unless already float). */
export function toFloat(x: Tensor): Tensor { return x.dtype === 'float32' || x.dtype === 'float64' ? x : cast(x, 'float32'); }
/** Casts to int32 (floats truncate). */
export function toInt32(x: Tensor): Tensor { return cast(x, 'int32'); }
/** Casts to int64 (floats truncate). */
export function toInt64(x: Tensor): Tensor { return cast(x, 'int64'); }
