/**
 * `math.minimize(f, { method, x0, absTol, maxIterations })` (ΦML's `minimize` with `Solve(...)`
 * options): gradient descent with an adaptive step, Adam, and L-BFGS. Each iteration calls one
 * compiled gradient function (`jitCompile(gradient(f))`: loss and gradient in one ONNX model);
 * the optimiser's own bookkeeping (steps, history, line search) is a few vector operations in JS
 * on the flattened parameters, as scipy does around its function calls.
 */
import { Tensor } from '../tensor';
import { Shape } from '../shape';
import { isFloat, type DType } from '../dtype';
import { JitError, NotConvergedError } from '../errors';
import { jitCompile } from '../jit/function';
import { rebuild } from '../jit/tree';
import { wrap } from '../create';
import { wrappedSource } from '../jit/untransformed';
import { gradient } from './gradient';

export type MinimizeMethod = 'GD' | 'adam' | 'L-BFGS-B';

export interface MinimizeOptions<X> {
  /** `'GD'` (gradient descent with an adaptive step), `'adam'` or `'L-BFGS-B'` (default). */
  readonly method?: MinimizeMethod;
  /** The initial guess: a tensor or a tree (object / array) of float tensors. */
  readonly x0: X;
  /** Converged when every gradient component is at most this in magnitude (default 1e-5). */
  readonly absTol?: number;
  /** At most this many iterations (default 1000, as ΦML). */
  readonly maxIterations?: number;
  /** Initial step of 'GD', learning rate of 'adam' (default 0.1 and 0.01). */
  readonly learningRate?: number;
}

interface Leaf { shape: Shape; dtype: DType; offset: number; size: number }

/** Flat float64 view of a tree of tensors and back. */
class Flat<X> {
  readonly leaves: Leaf[] = [];
  readonly size: number;
  constructor(readonly template: X) {
    let offset = 0;
    rebuild(template, 'x0', (leaf, path) => {
      const t = leaf instanceof Tensor ? leaf : wrap(Number(leaf));
      if (!t.available) throw new JitError(`math.minimize: x0 '${path}' is a traced value; minimize runs its iterations eagerly (call it outside jit functions)`);
      if (!isFloat(t.dtype)) throw new JitError(`math.minimize: x0 '${path}' is ${t.shape} ${t.dtype}; the parameters must be float tensors (math.cast(x, 'float32'))`);
      this.leaves.push({ shape: t.shape, dtype: t.dtype, offset, size: t.shape.volume });
      offset += t.shape.volume;
      return t;
    });
    this.size = offset;
  }
  pack(tree: unknown, out = new Float64Array(this.size)): Float64Array {
    let k = 0;
    rebuild(tree, '', (leaf) => {
      const l = this.leaves[k++];
      const d = (leaf instanceof Tensor ? leaf.data : [Number(leaf)]) as ArrayLike<number>;
      for (let i = 0; i < l.size; i++) out[l.offset + i] = d[i];
      return leaf;
    });
    return out;
  }
  unpack(v: Float64Array): X {
    let k = 0;
    return rebuild(this.template, '', () => {
      const l = this.leaves[k++];
      const data = l.dtype === 'float64' ? v.slice(l.offset, l.offset + l.size) : Float32Array.from(v.subarray(l.offset, l.offset + l.size));
      return Tensor._concrete(l.shape, l.dtype, data);
    }) as X;
  }
}

const dotv = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const maxAbs = (a: Float64Array) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; };
const finite = (a: Float64Array) => a.every(Number.isFinite);

/**
 * Minimises the scalar function `f(x)` from `x0`; returns the minimiser (same structure as x0).
 * Not reaching `absTol` within `maxIterations`, or a non-finite loss, throws `NotConvergedError`
 * with the loss and gradient size reached.
 */
export function minimize<X>(f: (x: X) => Tensor | readonly unknown[], options: MinimizeOptions<X>): X {
  if (typeof f !== 'function') throw new JitError(`math.minimize expects a function, got ${typeof f}`);
  if (!options || options.x0 === undefined) throw new JitError('math.minimize(f, { x0 }): give the initial guess x0');
  const method = options.method ?? 'L-BFGS-B';
  if (!['GD', 'adam', 'L-BFGS-B'].includes(method)) throw new JitError(`math.minimize: unknown method '${method}'; use 'GD', 'adam' or 'L-BFGS-B'`);
  const absTol = options.absTol ?? 1e-5;
  const maxIterations = options.maxIterations ?? 1000;
  const flat = new Flat(options.x0);
  const name = f.name || 'f';
  // one compiled model per minimize call: loss and gradient together
  const lossOnly = (x: X) => { const r = f(x); return Array.isArray(r) ? r[0] : r; };
  Object.defineProperty(lossOnly, 'name', { value: name });
  wrappedSource.set(lossOnly, f);
  const fg = jitCompile(gradient(lossOnly as (x: X) => Tensor, {}), { name: `minimize(${name})` });
  let evaluations = 0;
  const evaluate = (v: Float64Array): { loss: number; grad: Float64Array } => {
    evaluations++;
    const [loss, grad] = fg(flat.unpack(v)) as [Tensor, unknown];
    if (loss.shape.rank !== 0) throw new JitError(`math.minimize: ${name} must return a scalar loss, got shape ${loss.shape} (reduce it, e.g. math.sum)`);
    return { loss: Number(loss.item()), grad: flat.pack(grad) };
  };
  try {
    let x = flat.pack(options.x0);
    let { loss, grad } = evaluate(x);
    const fail = (why: string, iterations: number) => new NotConvergedError(
      `math.minimize (${method}) ${why} after ${iterations} iterations (${evaluations} function evaluations): loss ${loss}, ` +
        `largest gradient component ${maxAbs(grad)} (absTol ${absTol}). Raise maxIterations, loosen absTol, or start closer to the minimum.`,
      flat.size === 1 && flat.leaves.length === 1 ? (flat.unpack(x) as unknown as Tensor) : undefined, wrap(loss, { dtype: 'float64' }), wrap(iterations));
    const step = method === 'GD' ? gdStep(options.learningRate ?? 0.1) : method === 'adam' ? adamStep(options.learningRate ?? 0.01, flat.size) : lbfgsStep(flat.size);
    for (let it = 0; it <= maxIterations; it++) {
      if (!Number.isFinite(loss) || !finite(grad)) throw fail('diverged (non-finite loss or gradient)', it);
      if (maxAbs(grad) <= absTol) return flat.unpack(x);
      if (it === maxIterations) break;
      ({ x, loss, grad } = step(x, loss, grad, evaluate));
    }
    throw fail('did not converge', maxIterations);
  } finally {
    fg.forgetTraces();
  }
}

type State = { x: Float64Array; loss: number; grad: Float64Array };
type Step = (x: Float64Array, loss: number, grad: Float64Array, evaluate: (v: Float64Array) => { loss: number; grad: Float64Array }) => State;

const axpy = (x: Float64Array, a: number, d: Float64Array) => Float64Array.from(x, (v, i) => v + a * d[i]);

/** Gradient descent; the step grows by 1.2 after an accepted step and halves until the loss decreases (Armijo). */
function gdStep(initial: number): Step {
  let size = initial;
  return (x, loss, grad, evaluate) => {
    const g2 = dotv(grad, grad);
    for (let k = 0; k < 40; k++) {
      const xn = axpy(x, -size, grad);
      const r = evaluate(xn);
      if (Number.isFinite(r.loss) && r.loss <= loss - 1e-4 * size * g2) { size *= 1.2; return { x: xn, ...r }; }
      size *= 0.5;
    }
    return { x, loss, grad };
  };
}

/** Adam (Kingma & Ba) with the usual β1 = 0.9, β2 = 0.999, ε = 1e-8. */
function adamStep(lr: number, n: number): Step {
  const m = new Float64Array(n), v = new Float64Array(n);
  let t = 0;
  return (x, _loss, grad, evaluate) => {
    t++;
    const xn = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      m[i] = 0.9 * m[i] + 0.1 * grad[i];
      v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
      const mh = m[i] / (1 - 0.9 ** t), vh = v[i] / (1 - 0.999 ** t);
      xn[i] = x[i] - (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
    return { x: xn, ...evaluate(xn) };
  };
}

/** L-BFGS (two-loop recursion, 10 pairs) with a backtracking line search satisfying Armijo. Bounds are not supported. */
function lbfgsStep(n: number, memory = 10): Step {
  const S: Float64Array[] = [], Y: Float64Array[] = [], R: number[] = [];
  return (x, loss, grad, evaluate) => {
    const q = Float64Array.from(grad);
    const alpha: number[] = [];
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = R[i] * dotv(S[i], q);
      for (let j = 0; j < n; j++) q[j] -= alpha[i] * Y[i][j];
    }
    const gamma = S.length ? dotv(S[S.length - 1], Y[Y.length - 1]) / dotv(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dotv(grad, grad)));
    for (let j = 0; j < n; j++) q[j] *= gamma;
    for (let i = 0; i < S.length; i++) {
      const beta = R[i] * dotv(Y[i], q);
      for (let j = 0; j < n; j++) q[j] += S[i][j] * (alpha[i] - beta);
    }
    // q approximates H⁻¹ g; descend along -q (fall back to -g if it is not a descent direction)
    let slope = -dotv(grad, q);
    if (!(slope < 0)) { q.set(grad); slope = -dotv(grad, grad); S.length = Y.length = R.length = 0; }
    let t = 1;
    for (let k = 0; k < 40; k++) {
      const xn = axpy(x, -t, q);
      const r = evaluate(xn);
      if (Number.isFinite(r.loss) && r.loss <= loss + 1e-4 * t * slope) {
        const s = Float64Array.from(xn, (v, i) => v - x[i]);
        const y = Float64Array.from(r.grad, (v, i) => v - grad[i]);
        const sy = dotv(s, y);
        if (sy > 1e-12) {
          S.push(s); Y.push(y); R.push(1 / sy);
          if (S.length > memory) { S.shift(); Y.shift(); R.shift(); }
        }
        return { x: xn, ...r };
      }
      t *= 0.5;
    }
    S.length = Y.length = R.length = 0;
    return { x, loss, grad };
  };
}
