/**
 * Contraction over named dims (`math.dot(a, 'i', b, 'j')`). Dims that a and b share and do not
 * contract are batch-like (matched element-wise). Lowered to one MatMul between reshaped
 * operands: a → [shared, a-only, contracted], b → [shared, contracted, b-only].
 */
import { Shape, mergeShapes } from '../shape';
import { promote, allocate, type DType } from '../dtype';
import { definePrimitive, type Aval } from './registry';
import { numbers, stridedOffsets, toInt64 } from '../eager/kernels';
import { stridesOf } from '../format';
import { ShapeError } from '../errors';

export interface DotParams { readonly a: readonly string[]; readonly b: readonly string[] }

interface DotPlan {
  shared: string[]; aOnly: string[]; bOnly: string[];
  nS: number; nA: number; nB: number; nK: number;
}

function plan(a: Shape, b: Shape, p: DotParams): DotPlan {
  if (p.a.length !== p.b.length) throw new ShapeError(`dot: ${p.a.length} dims of a (${p.a.join(',')}) but ${p.b.length} of b (${p.b.join(',')})`);
  p.a.forEach((n, i) => {
    const sa = a.size(n), sb = b.size(p.b[i]);
    if (sa !== sb) throw new ShapeError(`dot: contracted dims differ in size: ${n}: ${sa} vs ${p.b[i]}: ${sb}`, [a, b]);
  });
  const aRest = a.without(p.a), bRest = b.without(p.b);
  const shared = aRest.names.filter((n) => bRest.has(n));
  const aOnly = aRest.names.filter((n) => !bRest.has(n));
  const bOnly = bRest.names.filter((n) => !aRest.has(n));
  const vol = (s: Shape, names: string[]) => names.reduce((acc, n) => acc * s.size(n), 1);
  return { shared, aOnly, bOnly, nS: vol(aRest, shared), nA: vol(a, aOnly), nB: vol(b, bOnly), nK: vol(a, p.a as string[]) };
}

const dotType = (a: Aval, b: Aval): DType => promote(a.dtype, b.dtype, a._weak, b._weak);

export const dot = definePrimitive<DotParams>({
  name: 'dot',
  group: 'linalg',
  shape: ([a, b], p) => {
    const pl = plan(a.shape, b.shape, p);
    const ra = a.shape.without(p.a), rb = b.shape.without(p.b);
    // ΦML: a's remaining dims then b's (tensordot); with shared dims, merge_shapes (grouped by kind)
    return pl.shared.length ? mergeShapes([ra, rb]) : ra.and(rb);
  },
  dtype: ([a, b]) => dotType(a, b),
  impl: ([a, b], p, out) => {
    const pl = plan(a.shape, b.shape, p);
    const aStr = stridesOf(a.shape.sizes as number[]), bStr = stridesOf(b.shape.sizes as number[]);
    const oStr = stridesOf(out.shape.sizes as number[]);
    const sizesOf = (s: Shape, names: readonly string[]) => names.map((n) => s.size(n));
    const stridesFor = (s: Shape, st: number[], names: readonly string[]) => names.map((n) => st[s.indexOf(n)]);
    const aOrder = [...pl.shared, ...pl.aOnly, ...p.a];
    const bOrder = [...pl.shared, ...p.b, ...pl.bOnly];
    const oOrder = [...pl.shared, ...pl.aOnly, ...pl.bOnly];
    const aOff = stridedOffsets(sizesOf(a.shape, aOrder), stridesFor(a.shape, aStr, aOrder));
    const bOff = stridedOffsets(sizesOf(b.shape, bOrder), stridesFor(b.shape, bStr, bOrder));
    const oOff = stridedOffsets(sizesOf(out.shape, oOrder), stridesFor(out.shape, oStr, oOrder));
    const x = numbers(a), y = numbers(b);
    const { nS, nA, nB, nK } = pl;
    const acc = new Float64Array(nS * nA * nB);
    const row = new Float64Array(nK * nB);
    for (let s = 0; s < nS; s++) {
      // gather b[s] once as a dense K×B block for a cache-friendly inner loop
      for (let k = 0; k < nK * nB; k++) row[k] = y[bOff[s * nK * nB + k]];
      for (let i = 0; i < nA; i++) {
        const base = (s * nA + i) * nB;
        for (let k = 0; k < nK; k++) {
          // no skipping of zeros: 0 · inf and 0 · NaN are NaN, as in MatMul
          const av = x[aOff[(s * nA + i) * nK + k]];
          const r = k * nB;
          for (let j = 0; j < nB; j++) acc[base + j] += av * row[r + j];
        }
      }
    }
    const n = acc.length;
    if ((out.dtype === 'int64' || out.dtype === 'int32') && !dotExactInDoubles(x, y, nK)) {
      // products or sums beyond ±2^53: accumulate exactly and wrap like onnxruntime's int MatMul
      const bits = out.dtype === 'int64' ? 64 : 32;
      const xa = a._data!, yb = b._data!;
      const big = (v: number | bigint) => (typeof v === 'bigint' ? v : BigInt(v));
      const res = out.dtype === 'int64' ? new BigInt64Array(n) : new Int32Array(n);
      for (let s = 0; s < nS; s++) {
        for (let i = 0; i < nA; i++) {
          for (let j = 0; j < nB; j++) {
            let sum = 0n;
            for (let k = 0; k < nK; k++) sum += big(xa[aOff[(s * nA + i) * nK + k]]) * big(yb[bOff[s * nK * nB + k * nB + j]]);
            const v = BigInt.asIntN(bits, sum);
            if (res instanceof BigInt64Array) res[oOff[(s * nA + i) * nB + j]] = v;
            else res[oOff[(s * nA + i) * nB + j]] = Number(v);
          }
        }
      }
      return res;
    }
    if (out.dtype === 'int64') {
      const ordered = new Float64Array(n);
      for (let i = 0; i < n; i++) ordered[oOff[i]] = acc[i];
      return toInt64(ordered);
    }
    const res = allocate(out.dtype, n) as Float32Array;
    for (let i = 0; i < n; i++) res[oOff[i]] = acc[i];
    return res;
  },
  lower: (g, [a, b], p, out) => {
    const pl = plan(a.shape, b.shape, p);
    const t = out.dtype;
    const batched = pl.shared.length > 0;
    const aOrder = [...pl.shared, ...pl.aOnly, ...p.a], bOrder = [...pl.shared, ...p.b, ...pl.bOnly];
    const av = g.cast(g.transpose(a, aOrder), a.dtype, t);
    const bv = g.cast(g.transpose(b, bOrder), b.dtype, t);
    // Reshape only where the dims differ from MatMul's [S,] rows × columns layout
    const reshape = (v: string, sizes: readonly number[], to: readonly number[]) =>
      sizes.length === to.length && sizes.every((n, i) => n === to[i]) ? v : g.node('Reshape', [v, g.int64s(to)]);
    const a3 = reshape(av, aOrder.map((n) => a.shape.size(n)), batched ? [pl.nS, pl.nA, pl.nK] : [pl.nA, pl.nK]);
    const b3 = reshape(bv, bOrder.map((n) => b.shape.size(n)), batched ? [pl.nS, pl.nK, pl.nB] : [pl.nK, pl.nB]);
    const mm = g.node('MatMul', [a3, b3]);
    const order = [...pl.shared, ...pl.aOnly, ...pl.bOnly];
    const unflat = reshape(mm, batched ? [pl.nS, pl.nA, pl.nB] : [pl.nA, pl.nB], order.map((n) => out.shape.size(n)));
    return g.transpose({ name: unflat, shape: out.shape.only(order), dtype: t }, out.shape.names);
  },
});

/** True when every partial sum of an int dot product is exact in doubles (|x|·|y|·K ≤ 2^53). */
function dotExactInDoubles(x: ArrayLike<number>, y: ArrayLike<number>, nK: number): boolean {
  let mx = 0, my = 0;
  for (let i = 0; i < x.length; i++) mx = Math.max(mx, Math.abs(x[i]));
  for (let i = 0; i < y.length; i++) my = Math.max(my, Math.abs(y[i]));
  return mx * my * nK <= Number.MAX_SAFE_INTEGER;
}
