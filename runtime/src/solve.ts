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
import { currentTrace } from './trace/trace';
import { traceSubgraph, evalGraph, type ClosedGraph } from './trace/subgraph';
import { bind } from './ops/registry';
import { customVjpPrim, type CustomVjpParams } from './autodiff/primitives';
import { evalForward, backward } from './autodiff/backward';
import { zerosOf } from './autodiff/rules';

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
  const o: SolveSettings = { method, name: run === cg ? 'CG' : 'biCG-stab', relTol, absTol, maxIterations };
  // traced (inside a jit function or a gradient), the solution carries its implicit gradient
  if (currentTrace() !== undefined) return withImplicitGradient(lin, yf, result, o);
  // eagerly (the result is concrete) a solve that did not converge is an error; traced, the
  // last estimate is returned
  if (!result.converged.all) throw notConverged(lin, yf, result, o, '');
  return result.x;
}

interface SolveSettings { readonly method: string; readonly name: string; readonly relTol: number | Tensor; readonly absTol: number | Tensor; readonly maxIterations: number }

function notConverged(lin: (x: Tensor) => Tensor, y: Tensor, result: Pick<SolveResult, 'x' | 'converged' | 'diverged' | 'iterations'>, o: SolveSettings, during: string): NotConvergedError {
  const residual = sub(y, lin(result.x));
  const maxAll = (t: Tensor) => (t.shape.rank ? max(t, t.shape) : t);
  // ΦML's message: "Φ-ML CG (numpy) … did not converge to rel_tol=1e-05, abs_tol=1e-05 within 1000 iterations. Max residual: 3.0"
  return new NotConvergedError(
    `math.solveLinear: ${o.name}${during} ${result.diverged.any ? 'diverged' : 'did not converge'} to relTol=${tolText(o.relTol)}, ` +
      `absTol=${tolText(o.absTol)} within ${o.maxIterations} iterations. Max residual: ${maxAll(abs(residual))}. ` +
      'Raise maxIterations or the tolerances, or check that f is linear' +
      (o.name === 'CG' ? ' and symmetric positive definite (else use method \'biCG-stab\').' : '.'),
    result.x, residual, result.iterations,
  );
}

let solveId = 0;

/**
 * The solution `x = A⁻¹ y` as an output of a `customVjp` equation, so that the backward pass does
 * not differentiate the iterations (the loop stops on a tensor condition) but uses the implicit
 * function theorem, as ΦML's `solve_linear` does: with `λ = A⁻ᵀ ḡ` (one more solve, with the
 * transposed operator: for CG A itself, which it assumes symmetric; else the operator's VJP),
 * `ȳ = λ` and the operator's parameters θ get `-λ · ∂(A_θ x)/∂θ` (the VJP of the operator at x
 * with cotangent `-λ`). The operator is traced once at x's shape into a closed graph: the tensors
 * it uses (a matrix, a stencil's coefficients) are its captures and become inputs of the
 * equation, so that their cotangents flow to wherever they came from. The gradient with respect
 * to `x0` is zero (the solution does not depend on it).
 */
function withImplicitGradient(lin: (x: Tensor) => Tensor, y: Tensor, forward: SolveResult, o: SolveSettings): Tensor {
  const x = forward.x;
  const op: ClosedGraph = traceSubgraph('math.solveLinear operator', [{ shape: x.shape, dtype: x.dtype }], (u) => [lin(u)], { inputNames: ['x'] });
  const opInput = op.graph.inputs[0];
  const id = -(++solveId);
  // Inputs: x twice (the value and, for the rule, the output of the call), the forward solve's
  // convergence flags and iteration counts (checked when the gradient is computed eagerly), y, the operator's captures.
  // The rule gets x as computed, before this equation: it is wrapped again so that a gradient of
  // the gradient also differentiates it implicitly, not through the iterations.
  const wrap = (xRaw: Tensor, flags: readonly Tensor[], yv: Tensor, params: readonly Tensor[]): Tensor =>
    bind(customVjpPrim, [xRaw, xRaw, ...flags, yv, ...params], { id, index: 0, count: 1, vjp });
  const vjp: CustomVjpParams['vjp'] = (ct, [converged, diverged, iterations, yv, ...params], [xRaw]) => {
    const apply = (u: Tensor) => evalGraph(op.graph, [u, ...params])[0];
    // a gradient computed eagerly: its forward solve (traced for the gradient) must have converged
    if (converged.available && !converged.all) throw notConverged(apply, yv, { x: xRaw, converged, diverged, iterations }, o, ' (the solve differentiated by math.gradient)');
    const xOut = wrap(xRaw, [converged, diverged, iterations], yv, params);
    // Aᵀu = the VJP of the (linear) operator with cotangent u
    const applyTransposed = (u: Tensor) => backward(op.graph, evalForward(op.graph, [u, ...params]), [[op.graph.outputs[0], u]], [opInput])[0];
    const symmetric = o.method !== 'biCG-stab';
    let lambda: Tensor;
    try {
      lambda = solveLinear(symmetric ? apply : applyTransposed, ct, {
        method: o.method as SolveOptions['method'], x0: zerosOf(ct.shape, ct.dtype), relTol: o.relTol, absTol: o.absTol, maxIterations: o.maxIterations,
      });
    } catch (e) {
      if (!(e instanceof NotConvergedError)) throw e;
      throw new NotConvergedError(`math.solveLinear gradient: the adjoint solve (transposed operator, right-hand side dL/dx) ${e.message.replace(/^math\.solveLinear: /, '')}`, e.x, e.residual, e.iterations);
    }
    const paramCts = params.length
      ? backward(op.graph, evalForward(op.graph, [xOut, ...params]), [[op.graph.outputs[0], mul(lambda, -1)]], op.graph.inputs.slice(1))
      : [];
    return [undefined, undefined, undefined, lambda, ...paramCts];
  };
  return wrap(x, [forward.converged, forward.diverged, forward.iterations], y, op.captures);
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
