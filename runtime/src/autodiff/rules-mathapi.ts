/**
 * Gradient rules of the ΦML-math primitives (ops/special.ts, ops/scan.ts, ops/indexing.ts),
 * registered into the rules table with `defineVjp`. Composite functions (library/) need no rules:
 * they differentiate through the primitives they are made of.
 */
import { Tensor } from '../tensor';
import { Shape } from '../shape';
import { bind } from '../ops/registry';
import * as ops from '../operations';
import { safeDiv } from '../library/functions';
import { gatherNd, scatterNd, type GatherNdParams, type ScatterNdParams } from '../ops/indexing';
import { cumsum, argsort, type AlongParams } from '../ops/scan';
import * as mv from '../ops/structure';
import { defineVjp, NON_DIFFERENTIABLE, zerosOf, onesOf, type VjpRule } from './rules';

const { add, sub, mul, div, sqrt, exp, sin, cos } = ops;
const unary = (name: string, dfdx: (x: Tensor, out: Tensor) => Tensor) => defineVjp(name, (ct, [x], out) => [mul(ct, dfdx(x, out))]);

unary('erf', (x) => mul(exp(mul(mul(x, x), -1)), 2 / Math.sqrt(Math.PI)));
unary('log2', (x) => div(1 / Math.LN2, x));
unary('log10', (x) => div(1 / Math.LN10, x));
unary('arcsin', (x) => div(1, sqrt(sub(1, mul(x, x)))));
unary('arccos', (x) => div(-1, sqrt(sub(1, mul(x, x)))));
unary('arctan', (x) => div(1, add(mul(x, x), 1)));
unary('sinh', (x) => div(add(exp(x), exp(ops.neg(x))), 2));
unary('cosh', (x) => div(sub(exp(x), exp(ops.neg(x))), 2));
unary('arcsinh', (x) => div(1, sqrt(add(mul(x, x), 1))));
unary('arccosh', (x) => div(1, sqrt(sub(mul(x, x), 1))));
unary('arctanh', (x) => div(1, sub(1, mul(x, x))));
void sin; void cos;

/** d atan2(y, x) = (x dy − y dx) / (x² + y²). */
defineVjp('arctan2', (ct, [y, x]) => {
  const r2 = add(mul(x, x), mul(y, y));
  return [mul(ct, div(x, r2)), mul(ct, div(ops.neg(y), r2))];
});

/** The transpose of a running sum is the running sum from the end: total − cumsum + ct. */
defineVjp('cumsum', (ct, _ins, _out, p: AlongParams) => {
  const running = bind(cumsum, [ct], { dim: p.dim });
  return [add(sub(ops.expand(ops.sum(ct, p.dim), ct.shape), running), ct)];
});

let tmp = 0;
/** sort: each sorted item's cotangent goes back to the position it came from (argsort). */
defineVjp('sort', (ct, [x], _out, p: AlongParams) => {
  const name = `__sorted${tmp++}`;
  const d = x.shape.dim(p.dim);
  const to = new Shape([{ name, kind: d.kind, size: d.size }]);
  const order = bind(mv.rename, [bind(argsort, [x], { dim: p.dim })], { mapping: { [p.dim]: to } });
  const g = bind(mv.rename, [ct], { mapping: { [p.dim]: to } });
  return [bind(scatterNd, [zerosOf(x.shape, ct.dtype), order, g], { dims: [p.dim], mode: 'add' } satisfies ScatterNdParams)];
});

/** gather: scatter-add the cotangent back onto the values (no gradient for the indices). */
defineVjp('gatherNd', (ct, [values, index], _out, p: GatherNdParams) => [
  bind(scatterNd, [zerosOf(values.shape, ct.dtype), index, ct], { dims: p.dims, mode: 'add' } satisfies ScatterNdParams),
  undefined,
]);

/**
 * scatter: 'add' passes the cotangent to the base and gathers it for the values; 'update' does the
 * same except at written positions (the base there is overwritten) and only for the value that
 * was written last among duplicates; max / min send it where the
 * result equals the operand; mul multiplies by the other factors (out / operand).
 */
const scatterRule: VjpRule<ScatterNdParams> = (ct, [base, index, values], out, p) => {
  const at = (t: Tensor) => bind(gatherNd, [t, index], { dims: p.dims } satisfies GatherNdParams);
  switch (p.mode) {
    case 'add': return [ct, undefined, at(ct)];
    case 'update': {
      const written = bind(scatterNd, [zerosOf(base.shape, ct.dtype), index, onesOf(values.shape, ct.dtype)], { dims: p.dims, mode: 'max' } satisfies ScatterNdParams);
      // duplicates: only the value that won (the last one written) gets the cotangent
      const ids = Tensor._concrete(index.shape, 'int32', Int32Array.from({ length: index.shape.volume }, (_, i) => i));
      const none = Tensor._concrete(base.shape, 'int32', new Int32Array(base.shape.volume).fill(-1));
      const winner = bind(scatterNd, [none, index, ids], { dims: p.dims, mode: 'update' } satisfies ScatterNdParams);
      const won = ops.cast(ops.equal(at(winner), ids), ct.dtype);
      return [mul(ct, sub(1, written)), undefined, mul(at(ct), won)];
    }
    case 'max': case 'min': {
      const keepBase = ops.cast(ops.equal(out, base), ct.dtype);
      const hit = ops.cast(ops.equal(at(out), values), ct.dtype);
      return [mul(ct, keepBase), undefined, mul(at(ct), hit)];
    }
    case 'mul': return [mul(ct, safeDiv(out, base)), undefined, mul(at(mul(ct, out)), safeDiv(1, values))];
  }
};
defineVjp('scatterNd', scatterRule as VjpRule);

NON_DIFFERENTIABLE.argsort = 'int64 positions: piecewise constant in the input';
NON_DIFFERENTIABLE.argmax = 'int64 positions: piecewise constant in the input';
NON_DIFFERENTIABLE.argmin = 'int64 positions: piecewise constant in the input';
// complex values are never differentiated: backward.ts refuses a differentiated value flowing into one
for (const n of ['real', 'imag', 'conjugate', 'complex', 'fft']) NON_DIFFERENTIABLE[n] = 'complex values: gradients through complex numbers are not supported (backward.ts refuses a differentiated value flowing into one)';
