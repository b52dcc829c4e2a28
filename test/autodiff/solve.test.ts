/**
 * Gradients through math.solveLinear by the implicit function theorem (one more solve with the
 * transposed operator): with respect to the right-hand side, a matrix's entries and the tensors a
 * linear function closes over; CG and biCG-stab; batched; eager against central finite
 * differences in float64, and compiled (one model) against eager.
 */
import * as assert from 'assert';
import { math, spatial, dual, batch, Tensor } from 'tensorjit';
import { assertAllClose, values, throwsWith, centralDifference } from '../helpers';

/** Float64 precision where the point is float64. */
const f64 = <T>(fn: () => T): T => math.precision(64, fn);

const compiled: { forgetTraces(): void }[] = [];
const jit: typeof math.jitCompile = (f, o) => { const j = math.jitCompile(f, o); compiled.push(j); return j; };

const t64 = (xs: number[] | number[][], ...s: any[]) => math.tensor(xs as any, ...s, { dtype: 'float64' });

/** Central differences of `loss` with respect to argument `k` (float64). */
const fd = (loss: (...xs: Tensor[]) => Tensor, args: Tensor[], k: number, h = 1e-6) => centralDifference(loss, args, k, h);

const whiles = (fun: { traces: readonly { graph: string }[] }) => (fun.traces[0].graph.match(/= while\[/g) ?? []).length;

describe('math.gradient through math.solveLinear (implicit)', () => {
  after(() => compiled.splice(0).forEach((j) => j.forgetTraces()));
  const grid = spatial({ x: 5 });
  const weights = () => t64([0.3, -1, 2, 0.7, 1.1], spatial('x'));

  it('CG on a stencil with a captured coefficient: d/dy and d/da against finite differences, compiled = eager', () => f64(() => {
    // A = a·laplace − 1: symmetric negative definite, so CG applies (ΦML's test problem with a factor)
    const loss = (y: Tensor, a: Tensor) => {
      const x = math.solveLinear((u: Tensor) => math.laplace(u, { padding: 'zero' }).mul(a).sub(u), y, { method: 'CG', x0: math.zeros(grid, { dtype: 'float64' }) });
      return math.sum(x.mul(weights()));
    };
    const args = [t64([1, 2, 0.5, -1, 0.25], spatial('x')), t64(1.5 as any)];
    const g = math.gradient(loss, { wrt: 'y,a', getOutput: false });
    const [gy, ga] = g(args[0], args[1]) as Tensor[];
    assert.strictEqual(String(gy.shape), String(args[0].shape));
    assert.strictEqual(gy.dtype, 'float64');
    assertAllClose(values(gy), fd(loss, args, 0), 1e-7, 1e-8, 'd/dy');
    assertAllClose(values(ga), fd(loss, args, 1), 1e-7, 1e-8, 'd/da');
    const fun = jit(g);
    const [cy, ca] = fun(args[0], args[1]) as Tensor[];
    assertAllClose(values(cy), values(gy), 1e-9, 1e-10);
    assertAllClose(values(ca), values(ga), 1e-9, 1e-10);
    // one model: the forward solve and the adjoint solve, each one Loop
    assert.strictEqual(fun.traces.length, 1);
    assert.strictEqual(whiles(fun), 2);
  }));

  it('biCG-stab with a non-symmetric matrix: d/dA = −λ xᵀ, d/db = λ = A⁻ᵀ ḡ, against finite differences', () => f64(() => {
    const A0 = t64([[4, 1, 0], [2, 5, 1], [0.5, 1, 3]], spatial('i'), dual('i'));
    const b0 = t64([1, -2, 3], spatial('i'));
    const w = t64([0.5, 1, -1.5], spatial('i'));
    const loss = (A: Tensor, b: Tensor) => math.sum(math.solveLinear(A, b, { method: 'biCG-stab', x0: math.zeros(spatial({ i: 3 }), { dtype: 'float64' }) }).mul(w));
    const g = math.gradient(loss, { wrt: 'A,b', getOutput: false });
    const [gA, gb] = g(A0, b0) as Tensor[];
    assert.strictEqual(String(gA.shape), String(A0.shape));
    assertAllClose(values(gA), fd(loss, [A0, b0], 0), 1e-7, 1e-8, 'd/dA');
    assertAllClose(values(gb), fd(loss, [A0, b0], 1), 1e-7, 1e-8, 'd/db');
    // the closed form: λ solves Aᵀλ = w (a dense check of the transposed solve)
    const At = t64([[4, 2, 0.5], [1, 5, 1], [0, 1, 3]], spatial('i'), dual('i'));
    const lambda = math.solveLinear(At, w, { method: 'biCG-stab', x0: math.zeros(spatial({ i: 3 }), { dtype: 'float64' }) });
    assertAllClose(values(gb), values(lambda), 1e-9, 1e-9, 'λ');
    const [cA, cb] = jit(g)(A0, b0) as Tensor[];
    assertAllClose(values(cA), values(gA), 1e-9, 1e-10);
    assertAllClose(values(cb), values(gb), 1e-9, 1e-10);
  }));

  it('batched systems sharing a matrix: the matrix gradient sums over the batch, each b gets its own', () => f64(() => {
    const A0 = t64([[3, 1], [1, 2]], spatial('i'), dual('i'));
    const b0 = t64([[1, 2], [-1, 0.5], [0, 3]], batch('b'), spatial('i'));
    const w = t64([1, -2], spatial('i'));
    const loss = (A: Tensor, b: Tensor) => math.sum(math.solveLinear(A, b, { method: 'CG', x0: math.zeros(spatial({ i: 2 }), batch({ b: 3 }), { dtype: 'float64' }) }).mul(w), 'b,i');
    const g = math.gradient(loss, { wrt: 'A,b', getOutput: false });
    const [gA, gb] = g(A0, b0) as Tensor[];
    assert.strictEqual(String(gb.shape), String(b0.shape));
    assertAllClose(values(gA), fd(loss, [A0, b0], 0), 1e-7, 1e-8, 'd/dA');
    assertAllClose(values(gb), fd(loss, [A0, b0], 1), 1e-7, 1e-8, 'd/db');
    const [cA, cb] = jit(g)(A0, b0) as Tensor[];
    assertAllClose(values(cA), values(gA), 1e-9, 1e-10);
    assertAllClose(values(cb), values(gb), 1e-9, 1e-10);
  }));

  it('an implicit solve in every step of an iterate (an implicit diffusion): through both loops, against finite differences', () => f64(() => {
    const c = t64([1, 2, 3, 4, 5], spatial('x'));
    // u ← (1 − a·Δ)⁻¹ u, four times: the backward Loop re-evaluates the step (a solve) and runs the adjoint solve
    const step = (a: Tensor) => (u: Tensor) => math.solveLinear((v: Tensor) => v.sub(math.laplace(v, { padding: 'zero' }).mul(a)), u, { method: 'CG', x0: math.zeros(grid, { dtype: 'float64' }) });
    const loss = (u0: Tensor, a: Tensor) => math.sum((math.iterate(step(a), 4, u0) as Tensor).mul(c));
    const args = [t64([1, 0, 2, -1, 0.5], spatial('x')), t64(0.3 as any)];
    const g = math.gradient(loss, { wrt: 'u0,a', getOutput: false });
    const [gu, ga] = g(args[0], args[1]) as Tensor[];
    assertAllClose(values(gu), fd(loss, args, 0), 1e-7, 1e-8, 'd/du0');
    assertAllClose(values(ga), fd(loss, args, 1), 1e-7, 1e-8, 'd/da');
    const fun = jit(g);
    const [cu, ca] = fun(args[0], args[1]) as Tensor[];
    assertAllClose(values(cu), values(gu), 1e-9, 1e-10);
    assertAllClose(values(ca), values(ga), 1e-9, 1e-10);
  }));

  it('x0 gets a zero gradient (the solution does not depend on it)', () => f64(() => {
    const A = t64([[3, 1], [1, 2]], spatial('i'), dual('i'));
    const loss = (x0: Tensor) => math.sum(math.solveLinear(A, t64([1, 2], spatial('i')), { method: 'CG', x0 }));
    assert.deepStrictEqual(values(math.gradient(loss, { getOutput: false })(t64([0.5, -1], spatial('i'))) as Tensor), [0, 0]);
  }));

  it('a gradient of a gradient through two nested solves: d²/da² of x = 2/a is 4/a³', () => f64(() => {
    const one = spatial({ i: 1 });
    const solve = (a: Tensor) => math.solveLinear((u: Tensor) => u.mul(a), t64([2], one), { method: 'CG', x0: math.zeros(one, { dtype: 'float64' }) });
    // x = 2/a, dx/da = −2/a², d²x/da² = 4/a³
    const first = math.gradient((a: Tensor) => math.sum(solve(a)), { getOutput: false });
    const second = math.gradient((a: Tensor) => first(a) as Tensor, { getOutput: false });
    const a = t64(1.25 as any);
    assertAllClose([Number((first(a) as Tensor).item())], [-2 / 1.25 ** 2], 1e-9, 1e-9);
    assertAllClose([Number((second(a) as Tensor).item())], [4 / 1.25 ** 3], 1e-7, 1e-9);
  }));

  it('a forward solve that does not converge inside an eager gradient call is a NotConvergedError', () => f64(() => {
    const loss = (y: Tensor) => math.sum(math.solveLinear((u: Tensor) => u.mul(0), y, { method: 'CG', x0: math.zeros(grid, { dtype: 'float64' }) }));
    throwsWith(() => math.gradient(loss)(t64([1, 2, 0.5, -1, 0.25], spatial('x'))), 'NotConvergedError',
      /^math\.solveLinear: CG \(the solve differentiated by math\.gradient\) did not converge to relTol=1e-12, absTol=1e-12 within 1000 iterations\. Max residual: (float64 )?2\.0\./);
  }));

  it('an adjoint solve that does not converge is a NotConvergedError naming the adjoint solve', () => f64(() => {
    const loss = (y: Tensor) => math.sum(math.solveLinear((u: Tensor) => math.laplace(u, { padding: 'zero' }), y, { method: 'CG', x0: math.zeros(grid, { dtype: 'float64' }), maxIterations: 1 }).mul(weights()));
    // y = 0: the forward solve is done before its first iteration, the adjoint one (y = the weights) is not
    throwsWith(() => math.gradient(loss)(math.zeros(grid, { dtype: 'float64' })), 'NotConvergedError',
      /math\.solveLinear gradient: the adjoint solve \(transposed operator, right-hand side dL\/dx\) CG did not converge .* within 1 iterations/);
  }));
});
