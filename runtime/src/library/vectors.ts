/**
 * Vector functions (ΦML's norm, normalize, cross_product, rotate_vector, pairwise_differences):
 * compositions of element-wise ops, reductions over the vector (channel) dims, stack and dot.
 */
import { Tensor } from '../tensor';
import { Shape, channel, instance, dual, type DimSelection, selectionNames } from '../shape';
import { ShapeError } from '../errors';
import { type TensorLike, add, sub, mul, div, sqrt, sum, maximum, where, less, lessEqual, abs, any, isFinite, isNan, logicalAnd, logicalNot, stack, get, dot, renameDims, packDims, unpackDim, sin, cos } from '../operations';
import { wrap } from '../create';

/** Vector dims: all channel dims by default, else the named ones. */
function vecDims(v: Tensor, vecDim: DimSelection | undefined): string[] {
  if (vecDim === undefined) return v.shape.channel.names;
  const names = selectionNames(vecDim);
  for (const n of names) v.shape.dim(n);
  return names;
}

/** Σ v² over the vector dims (default: all channel dims). ΦML's `squared_norm` / `vec_squared`. */
export function vecSquared(vec: Tensor, vecDim?: DimSelection): Tensor {
  return sum(mul(vec, vec), vecDims(vec, vecDim));
}
export const squaredNorm = vecSquared;

/**
 * √Σv² over the vector dims (default: all channel dims). With `eps`, norms below `eps` are 0
 * (ΦML: the squared norm is limited to ≥ eps, and √ of it is replaced by 0 where it is < eps²).
 */
export function norm(vec: Tensor, vecDim?: DimSelection, eps?: number): Tensor {
  const sq = vecSquared(vec, vecDim);
  if (eps === undefined) return sqrt(sq);
  return where(less(sq, eps * eps), 0, sqrt(maximum(sq, eps)));
}
/** ΦML's `vec_length` (now `norm`). */
export const vecLength = norm;

export interface NormalizeOptions { epsilon?: number; allowInfinite?: boolean; allowZero?: boolean }

/**
 * v / |v| over the vector dims. The zero vector gives NaN unless `epsilon` is given: vectors shorter
 * than it become the unit vector (1, 0, …), or 0 with `allowZero`. `allowInfinite`: vectors with
 * infinite components point towards them.
 */
export function vecNormalize(vec: Tensor, vecDim?: DimSelection, options: NormalizeOptions = {}): Tensor {
  const dims = vecDims(vec, vecDim);
  let v = vec;
  if (options.allowInfinite) {
    const infinite = logicalNot(isFinite(v));
    const infMask = logicalAnd(infinite, logicalNot(isNan(v)));
    v = where(any(infinite, dims), infMask, v);
  }
  if (options.epsilon === undefined) return div(v, norm(v, dims));
  const eps = options.epsilon;
  const le = norm(v, dims, eps * eps * 0.99);
  const volume = dims.reduce((a, n) => a * vec.shape.size(n), 1);
  let unit: Tensor | number = 0;
  if (!options.allowZero) {
    const flat = wrap(Array.from({ length: volume }, (_, i) => (i === 0 ? 1 : 0)), instance('_unit'));
    unit = unpackDim(flat, '_unit', vec.shape.only(dims));
  }
  return where(lessEqual(abs(le), eps), unit, div(v, le));
}
export const normalize = vecNormalize;

function components(v: Tensor, dim: string): Tensor[] {
  const n = v.shape.size(dim);
  return Array.from({ length: n }, (_, i) => get(v, { [dim]: i }));
}

/**
 * Cross product along `vector`: in 3D the vector (y₁z₂ − z₁y₂, …); in 2D the scalar x₁y₂ − y₁x₂, or
 * with a scalar `vec1`, `vec1 · (−y₂, x₂)` (ΦML's `cross_product`).
 */
export function cross(vec1: TensorLike, vec2: TensorLike): Tensor {
  const a = vec1 instanceof Tensor ? vec1 : wrap(vec1 as number);
  const b = vec2 instanceof Tensor ? vec2 : wrap(vec2 as number);
  const rank = a.shape.has('vector') ? a.shape.size('vector') : b.shape.has('vector') ? b.shape.size('vector') : 0;
  if (rank === 2) {
    if (!b.shape.has('vector')) throw new ShapeError(`cross: vec2 needs a 'vector' dim, got ${b.shape}`);
    const [bx, by] = components(b, 'vector');
    if (a.shape.has('vector')) {
      const [ax, ay] = components(a, 'vector');
      return sub(mul(ax, by), mul(ay, bx));
    }
    return mul(a, stack([by.neg(), bx], new Shape([b.shape.dim('vector')]), { expandValues: true }));
  }
  if (rank === 3) {
    if (!a.shape.has('vector') || !b.shape.has('vector')) throw new ShapeError(`cross: both vectors need a 'vector' dim in 3D, got ${a.shape} and ${b.shape}`);
    const [ax, ay, az] = components(a, 'vector');
    const [bx, by, bz] = components(b, 'vector');
    const d = a.shape.dim('vector');
    return stack([sub(mul(ay, bz), mul(az, by)), sub(mul(az, bx), mul(ax, bz)), sub(mul(ax, by), mul(ay, bx))], new Shape([d]), { expandValues: true });
  }
  throw new ShapeError(`cross: vectors along 'vector' must have 2 or 3 components, got ${a.shape} and ${b.shape}`);
}
export const crossProduct = cross;

/**
 * Rotation matrix with dims (vector, ~vector): from a scalar angle (2D), or from a 3-vector along
 * `vector` whose direction is the axis and whose length is the angle (3D, Rodrigues' formula).
 */
export function rotationMatrix(angle: TensorLike, matrixDim: Shape = channel('vector')): Tensor {
  const x = angle instanceof Tensor ? angle : wrap(angle as number);
  const name = matrixDim.dims[0].name;
  if (x.shape.has('vector') && x.shape.size('vector') === 3) {
    const theta = norm(x, 'vector');
    const s = sin(theta), c = cos(theta), t = sub(1, c);
    const [k1, k2, k3] = components(vecNormalize(x, 'vector', { epsilon: 1e-12 }), 'vector');
    const rows = [
      [add(c, mul(mul(k1, k1), t)), sub(mul(mul(k1, k2), t), mul(k3, s)), add(mul(mul(k1, k3), t), mul(k2, s))],
      [add(mul(mul(k2, k1), t), mul(k3, s)), add(c, mul(mul(k2, k2), t)), sub(mul(mul(k2, k3), t), mul(k1, s))],
      [sub(mul(mul(k3, k1), t), mul(k2, s)), add(mul(mul(k3, k2), t), mul(k1, s)), add(c, mul(mul(k3, k3), t))],
    ];
    const labels = x.shape.dim('vector').labels;
    return matrix(rows, name, labels);
  }
  if (x.shape.has('vector')) throw new ShapeError(`rotationMatrix: expected a scalar angle (2D) or a 3-vector (3D), got ${x.shape}`);
  const s = sin(x), c = cos(x);
  return matrix([[c, s.neg()], [s, c]], name, matrixDim.dims[0].labels);
}

function matrix(rows: Tensor[][], name: string, labels: readonly string[] | undefined): Tensor {
  const n = rows.length;
  const row = new Shape([{ name, kind: 'channel', size: n, ...(labels ? { labels } : {}) }]);
  const col = new Shape([{ name: '~' + name, kind: 'dual', size: n, ...(labels ? { labels } : {}) }]);
  return stack(rows.map((r) => stack(r, col, { expandValues: true })), row, { expandValues: true });
}

/** Rotates `vector` (along `vector`) by a 2D angle or a 3D axis-angle vector; `invert` rotates back. */
export function rotateVector(vector: Tensor, angle: TensorLike | undefined, invert = false): Tensor {
  if (!vector.shape.has('vector')) throw new ShapeError(`rotateVector: the vector needs a channel dim 'vector', got ${vector.shape}`);
  if (angle === undefined) return vector;
  const labels = vector.shape.dim('vector').labels;
  let m = rotationMatrix(angle, new Shape([{ name: 'vector', kind: 'channel', size: undefined, ...(labels ? { labels } : {}) }]));
  if (m.shape.size('vector') !== vector.shape.size('vector')) throw new ShapeError(`rotateVector: the rotation from ${m.shape} is ${m.shape.size('vector')}D but the vector ${vector.shape} is ${vector.shape.size('vector')}D`);
  if (invert) m = renameDims(m, { vector: 'tmp_' }).renameDims({ '~vector': channel('vector'), tmp_: dual('vector') });
  return dot(m, '~vector', renameDims(vector, 'vector', dual('vector')), '~vector');
}

export interface PairwiseOptions { maxDistance?: number | Tensor; default?: number }

/**
 * Dense matrix of difference vectors `positions[j] − positions[i]` between every pair of points:
 * the point dims (non-batch, non-channel) of `positions` plus their dual counterparts (`~points`),
 * listing the neighbours j. Pairs farther apart than `maxDistance` get `default` (NaN). ΦML's
 * `pairwise_differences`; ΦML 1.15's `pairwise_distances` is the same function (it returns vectors).
 */
export function pairwiseDifferences(positions: Tensor, options: PairwiseOptions = {}): Tensor {
  if (positions.shape.channel.rank !== 1) throw new ShapeError(`pairwiseDifferences: positions need exactly one channel dim, got ${positions.shape}`);
  const primal = positions.shape.nonBatch.nonChannel.nonDual;
  const dualDims = new Shape(primal.dims.map((d) => ({ name: '~' + d.name, kind: 'dual' as const, size: d.size })));
  const packed = packDims(positions, primal.names, instance('_tmp'));
  const others = unpackDim(packed, '_tmp', dualDims);
  let dx = sub(others, positions);
  if (options.maxDistance !== undefined) {
    const near = lessEqual(sum(mul(dx, dx), positions.shape.channel.names), mul(options.maxDistance, options.maxDistance));
    dx = where(near, dx, options.default ?? NaN);
  }
  return dx;
}
export const pairwiseDistances = pairwiseDifferences;

/** ΦML's deprecated name for `norm`. */
export const length = norm;

/** Scales vectors so that their norm lies in [minLen, maxLen]. */
export function clipLength(vec: Tensor, minLen = 0, maxLen = 1, vecDim?: DimSelection, eps?: number): Tensor {
  const le = norm(vec, vecDim, eps);
  const clipped = maximum(minimumOf(le, maxLen), minLen);
  return mul(vec, where(lessEqual(le, 0), 0, div(clipped, le)));
}
function minimumOf(a: Tensor, b: number): Tensor { return where(less(a, b), a, b); }

/** Multiplies `target` so that its sum matches the sum of `source` (ΦML's normalize_to). */
export function normalizeTo(target: Tensor, source: number | Tensor, epsilon: number | null = 1e-5): Tensor {
  const t = sum(target, target.shape.names);
  const denom = epsilon === null ? t : maximum(t, epsilon);
  const s = source instanceof Tensor ? sum(source, source.shape.names) : source;
  return mul(target, div(s, denom));
}
