/**
 * Iterative linear solves (ΦML's `solve_linear` with `Solve(...)` as options), written with
 * `whileLoop`, so a jit function that solves is one graph with one ONNX `Loop`.
 *
 * The algorithms follow ΦML's backend/_linalg.py (no preconditioner): CG after Shewchuk
 * ("An Introduction to the Conjugate Gradient Method Without the Agonizing Pain") and first-order
 * biCG-stab. Batch dims of `y` / `x0` are independent systems: each entry stops updating (its
 * state is kept with `where`) once its residual is below its tolerance, the loop ends when all
 * have converged or after `maxIterations`. The stopping rule is ΦML's:
 * `Σ residual² ≤ max(relTol² · Σ y², absTol²)` per batch entry, sums over the non-batch dims.
 */
import { Tensor } from './tensor';
import { NotConvergedError, ShapeError } from './errors';
import { Shape } from './shape';
import { FLOAT } from './dtype';
import { add, sub, mul, div, where, equal, sum, maximum, max, greater, logicalAnd, logicalOr, logicalNot, isFinite, cast, dot, abs, renameDims } from './operations';
import { whileLoop } from './loops';

/** A linear function of `x` (e.g. a stencil), or a matrix tensor with dual dims (`~x` contracts `x`). */
export type LinearOperator = ((x: Tensor) => Tensor) | Tensor;

export interface SolveOptions {
  /** `'CG'` (symmetric positive definite), `'biCG-stab'` (general), `'auto'` (CG). Default `'auto'`. */
  readonly method?: 'CG' | 'biCG-stab' | 'auto';
  /** The initial guess; its shape is the solution's. Required. */
  readonly x0: Tensor;
  /** Relative tolerance (times the norm of `y`); default 1e-5 in float32, 1e-12 in float64. */
  readonly relTol?: number | Tensor;
  /** Absolute tolerance; default 1e-5 in float32, 1e-12 in float64. */
  readonly absTol?: number | Tensor;
  /** At most this many iterations (default 1000, as ΦML); not converging then is a `NotConvergedError` (eagerly). */
  readonly maxIterations?: number;
}

const OPTIONS = ['method', 'x0', 'relTol', 'absTol', 'maxIterations'];
const METHODS = ['CG', 'biCG-stab', 'auto'];

function tolText(t: number | Tensor): string { return String(t); }

/**
 * `where(cont, next, prev)` for the loop state: entries that have converged keep their state.
 * Bool entries use logic ops (onnxruntime's CPU `Where` has no bool kernel).
 */
function keepWhere(cont: Tensor, next: Tensor, prev: Tensor): Tensor {
  if (next.dtype === 'bool' && prev.dtype === 'bool') return logicalOr(logicalAnd(cont, next), logicalAnd(logicalNot(cont), prev));
  return where(cont, next, prev);
}

/** `a / b`, 0 where `b` is 0 (ΦML's divide_no_nan). */
function divideNoNan(a: Tensor, b: Tensor): Tensor {
  const zero = equal(b, 0);
  return where(zero, 0, div(a, where(zero, 1, b)));
}

/** The linear map as a function; a matrix contracts its dual dims with the matching dims of x. */
function asFunction(f: LinearOperator): (x: Tensor) => Tensor {
  if (typeof f === 'function') return f;
  if (!(f instanceof Tensor)) throw new TypeError(`math.solveLinear: f must be a linear function or a matrix tensor with a dual dim, got ${f === null ? 'null' : typeof f}`);
  const duals = f.shape.dims.filter((d) => d.kind === 'dual').map((d) => d.name);
  if (!duals.length) throw new TypeError(`math.solveLinear: the matrix ${f.shape} has no dual dim (such as dual({ x: 3 }), '~x'): its dual dims are contracted with the dims of x`);
  const primal = duals.map((n) => n.replace(/^~/, ''));
  return (x: Tensor) => dot(f, duals, x, primal);
}

/**
 * The solve runs in the space of x: the right-hand side and f's outputs have their non-batch
 * dims renamed, in order, to those of x0 (a matrix maps `~x_vec` to `b_vec`; ΦML flattens both).
 * f must return y's dims, as in ΦML.
 */
function inSolutionSpace(lin: (x: Tensor) => Tensor, y: Tensor, x0: Tensor): { lin: (x: Tensor) => Tensor; yx: Tensor } {
  const yDims = y.shape.dims.filter((d) => d.kind !== 'batch');
  const xDims = x0.shape.dims.filter((d) => d.kind !== 'batch');
  const same = yDims.length === xDims.length && yDims.every((d, i) => d.name === xDims[i].name);
  if (!same && (yDims.length !== xDims.length || yDims.some((d, i) => d.size !== xDims[i].size))) {
    throw new ShapeError(`math.solveLinear: y ${y.shape} and x0 ${x0.shape} do not match: their non-batch dims must have the same sizes, in order`, [y.shape, x0.shape]);
  }
  const mapping: Record<string, Shape> = {};
  yDims.forEach((d, i) => { mapping[d.name] = new Shape([xDims[i]]); });
  const toX = (t: Tensor) => (same ? t : renameDims(t, mapping));
  const check = (out: Tensor): Tensor => {
    if (!(out instanceof Tensor)) throw new TypeError(`math.solveLinear: f must return a tensor, got ${out === null ? 'null' : typeof out}`);
    const key = (ds: readonly { name: string; size?: number }[]) => ds.map((d) => `${d.name}=${d.size}`).sort().join(',');
    if (key(out.shape.dims.filter((d) => d.kind !== 'batch')) !== key(yDims)) {
      throw new ShapeError(`math.solveLinear: f returned dims ${out.shape} but the right-hand side y has shape ${y.shape}`, [out.shape, y.shape]);
    }
    return toX(out);
  };
  return { lin: (x) => check(lin(x)), yx: toX(y) };
}

interface Status { readonly converged: Tensor; readonly diverged: Tensor; readonly cont: Tensor }

/**
 * Solves `f(x) = y` for `x`, starting at `options.x0`. Eagerly, not converging within
 * `maxIterations` (or diverging) throws `NotConvergedError` with the residual reached; inside a
 * jit function the last estimate is returned (the loop stops at `maxIterations`).
 */
export function solveLinear(f: LinearOperator, y: Tensor, options: SolveOptions): Tensor {
  const what = 'math.solveLinear';
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: pass the options { x0, method, relTol, absTol, maxIterations }`);
  for (const k of Object.keys(options)) if (!OPTIONS.includes(k)) throw new TypeError(`${what}: unknown option '${k}' (options: ${OPTIONS.join(', ')})`);
  const method = options.method ?? 'auto';
  if (!METHODS.includes(method)) throw new TypeError(`${what}: unknown method '${method}' (methods: ${METHODS.map((m) => `'${m}'`).join(', ')})`);
  if (!(options.x0 instanceof Tensor)) throw new TypeError(`${what}: options.x0 (the initial guess) is required, a tensor with the shape of the solution`);
  if (!(y instanceof Tensor)) throw new TypeError(`${what}: y must be a tensor`);
  const maxIterations = options.maxIterations ?? 1000;
  if (!Number.isInteger(maxIterations) || maxIterations < 0) throw new TypeError(`${what}: maxIterations must be a non-negative integer, got ${maxIterations}`);
  const { lin, yx } = inSolutionSpace(asFunction(f), y, options.x0);
  const dtype = y.dtype === 'float64' || options.x0.dtype === 'float64' ? 'float64' : FLOAT;
  const yf = yx.dtype === dtype ? yx : cast(yx, dtype);
  const x0 = options.x0.dtype === dtype ? options.x0 : cast(options.x0, dtype);
  const defaultTol = dtype === 'float64' ? 1e-12 : 1e-5;
  const relTol = options.relTol ?? defaultTol;
  const absTol = options.absTol ?? defaultTol;
  // squares of JS numbers stay JS numbers (weak), so that they adopt the solve's dtype
  const square = (t: number | Tensor) => (typeof t === 'number' ? t * t : mul(t, t));
  const tolSq = maximum(mul(square(relTol), sum(mul(yf, yf))), square(absTol));
  const status = (rsq: Tensor): Status => {
    const converged = logicalNot(greater(rsq, tolSq));
    const diverged = logicalNot(isFinite(rsq));
    return { converged, diverged, cont: logicalAnd(logicalNot(converged), logicalNot(diverged)) };
  };
  const run = method === 'biCG-stab' ? bicgStab : cg;
  const result = run(lin, yf, x0, status, maxIterations);
  // eagerly (the result is concrete) a solve that did not converge is an error; traced, the
  // last estimate is returned
  if (result.converged.available && !result.converged.all) {
    const residual = sub(yf, lin(result.x));
    const maxAll = (t: Tensor) => (t.shape.rank ? max(t, t.shape) : t);
    const name = run === cg ? 'CG' : 'biCG-stab';
    // ΦML's message: "Φ-ML CG (numpy) … did not converge to rel_tol=1e-05, abs_tol=1e-05 within 1000 iterations. Max residual: 3.0"
    throw new NotConvergedError(
      `${what}: ${name} ${result.diverged.any ? 'diverged' : 'did not converge'} to relTol=${tolText(relTol)}, ` +
        `absTol=${tolText(absTol)} within ${maxIterations} iterations. Max residual: ${maxAll(abs(residual))}. ` +
        'Raise maxIterations or the tolerances, or check that f is linear' +
        (run === cg ? ' and symmetric positive definite (else use method \'biCG-stab\').' : '.'),
      result.x, residual, result.iterations,
    );
  }
  return result.x;
}

interface SolveResult { readonly x: Tensor; readonly converged: Tensor; readonly diverged: Tensor; readonly iterations: Tensor }

/** Conjugate gradient (ΦML's `cg`, without preconditioner). */
function cg(lin: (x: Tensor) => Tensor, y: Tensor, x0: Tensor, status: (rsq: Tensor) => Status, maxIterations: number): SolveResult {
  const residual = sub(y, lin(x0));
  const delta = sum(mul(residual, residual));
  const s0 = status(delta);
  const init = { x: x0, dx: residual, residual, delta, iterations: mul(cast(s0.cont, 'int32'), 0), ...s0 };
  const out = whileLoop((s) => s.cont, (s) => {
    const dy = lin(s.dx);
    const step = divideNoNan(s.delta, sum(mul(s.dx, dy)));
    const x = add(s.x, mul(step, s.dx));
    const residual = sub(s.residual, mul(step, dy));
    const delta = sum(mul(residual, residual));
    const dx = add(residual, mul(divideNoNan(delta, s.delta), s.dx));
    // entries that have converged keep their state
    const keep = (next: Tensor, prev: Tensor) => keepWhere(s.cont, next, prev);
    const st = status(delta);
    return {
      x: keep(x, s.x), dx: keep(dx, s.dx), residual: keep(residual, s.residual), delta: keep(delta, s.delta),
      iterations: add(s.iterations, cast(s.cont, 'int32')),
      converged: keep(st.converged, s.converged), diverged: keep(st.diverged, s.diverged), cont: logicalAnd(s.cont, st.cont),
    };
  }, init, { maxIterations });
  return out;
}

/** First-order biCG-stab (ΦML's `bicg_stab_first_order`, without preconditioner). */
function bicgStab(lin: (x: Tensor) => Tensor, y: Tensor, x0: Tensor, status: (rsq: Tensor) => Status, maxIterations: number): SolveResult {
  const residual = sub(y, lin(x0));
  const r0h = add(mul(x0, 0), 1);
  const rsq = sum(mul(residual, residual));
  const s0 = status(rsq);
  const one = add(mul(rsq, 0), 1);
  const zero = mul(x0, 0);
  const init = {
    x: x0, residual, rhoPrev: one, omega: one, alpha: mul(one, 0), u: zero, p: zero,
    iterations: mul(cast(s0.cont, 'int32'), 0), ...s0,
  };
  return whileLoop((s) => s.cont, (s) => {
    const rho = sum(mul(r0h, s.residual));
    const beta = mul(divideNoNan(rho, s.rhoPrev), divideNoNan(s.alpha, s.omega));
    const p = add(s.residual, mul(beta, sub(s.p, mul(s.omega, s.u))));
    const u = lin(p);
    const alpha = divideNoNan(rho, sum(mul(r0h, u)));
    const h = add(s.x, mul(alpha, p));
    const sr = sub(s.residual, mul(alpha, u));
    const t = lin(sr);
    const omega = divideNoNan(sum(mul(t, sr)), sum(mul(t, t)));
    const x = add(h, mul(omega, sr));
    const residual = sub(sr, mul(omega, t));
    const st = status(sum(mul(residual, residual)));
    const keep = (next: Tensor, prev: Tensor) => keepWhere(s.cont, next, prev);
    return {
      x: keep(x, s.x), residual: keep(residual, s.residual), rhoPrev: keep(rho, s.rhoPrev), omega: keep(omega, s.omega),
      alpha: keep(alpha, s.alpha), u: keep(u, s.u), p: keep(p, s.p),
      iterations: add(s.iterations, cast(s.cont, 'int32')),
      converged: keep(st.converged, s.converged), diverged: keep(st.diverged, s.diverged), cont: logicalAnd(s.cont, st.cont),
    };
  }, init, { maxIterations });
}
