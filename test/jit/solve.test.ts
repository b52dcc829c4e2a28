/**
 * math.solveLinear (ΦML's solve_linear): CG and biCG-stab on a stencil and on a matrix with a dual
 * dim, eager vs compiled, batched systems converging at different iterations, NotConvergedError,
 * option errors. Expected values come from ΦML 1.15.1 (NumPy backend).
 */
import * as assert from 'assert';
import { math, Tensor, spatial, batch, dual, channel, NotConvergedError } from 'tensorjit';
import { assertClose } from '../helpers';

// ΦML: y = sin(arange(16)/3).reshape(4,4) on (x, y); f = laplace(x, padding=0); Solve('CG', 1e-5, 1e-5, x0=zeros)
const PHIML_X = [
  [-0.25238552689552307, -0.4618329405784607, -0.5501241683959961, -0.45696231722831726],
  [-0.5477091670036316, -0.7176273465156555, -0.6633316278457642, -0.43625402450561523],
  [-0.2488858848810196, -0.20222757756710052, -0.0400235690176487, 0.09836369007825851],
  [0.2116657793521881, 0.3387465178966522, 0.4165332615375519, 0.36845532059669495],
];
const grid = spatial({ x: 4, y: 4 });
const rhs = () => math.tensor(Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.sin((4 * i + j) / 3))), spatial('x,y'));
const lap = (x: Tensor) => math.laplace(x, { padding: 'zero' });

describe('math.solveLinear', () => {
  for (const method of ['CG', 'biCG-stab', 'auto'] as const) {
    it(`${method}: a Poisson problem as ΦML solves it, eager and compiled`, () => {
      const solve = (y: Tensor) => math.solveLinear(lap, y, { method, x0: math.zeros(grid), relTol: 1e-5, absTol: 1e-5, maxIterations: 100 });
      const eager = solve(rhs());
      assertClose(eager, math.tensor(PHIML_X, spatial('x,y')), 1e-4, 1e-5);
      const fun = math.jitCompile(solve);
      assertClose(fun(rhs()), eager, 1e-4, 1e-6);
      assert.strictEqual((fun.traces[0].graph.match(/= while\[/g) ?? []).length, 1);
      // the residual is below the tolerance
      const r = math.sub(rhs(), lap(eager));
      assert.ok(Math.sqrt(math.sum(r.mul(r)).item() as number) <= 1e-5 * Math.sqrt(math.sum(rhs().mul(rhs())).item() as number) + 1e-6);
    });
  }

  it('a matrix with a dual dim (non-symmetric: biCG-stab), against the exact solution', () => {
    const A = math.tensor([[4, 1, 0], [2, 5, 1], [0, 1, 3]], spatial('i'), dual('i'));
    const xTrue = math.tensor([1, -2, 3], spatial('i'));
    const y = math.dot(A, '~i', xTrue, 'i');
    const solve = (yy: Tensor) => math.solveLinear(A, yy, { method: 'biCG-stab', x0: math.zeros(spatial({ i: 3 })), relTol: 1e-6, absTol: 1e-6 });
    assertClose(solve(y), xTrue, 1e-4, 1e-4);
    assertClose(math.jitCompile(solve)(y), xTrue, 1e-4, 1e-4);
  });

  it('batched: each system stops when it converges (masked), results as solved one by one', () => {
    const ys = math.stack([rhs(), rhs().mul(0), rhs().mul(1000)], batch('b'));
    const solve = (y: Tensor) => math.solveLinear(lap, y, { method: 'CG', x0: math.zeros(grid, batch({ b: 3 })), maxIterations: 100 });
    const eager = solve(ys);
    const compiled = math.jitCompile(solve)(ys);
    assertClose(compiled, eager, 1e-4, 1e-5);
    for (let b = 0; b < 3; b++) {
      const single = math.solveLinear(lap, ys.get({ b }), { method: 'CG', x0: math.zeros(grid), maxIterations: 100 });
      assertClose(eager.get({ b }), single, 1e-5, 1e-5, `batch entry ${b}`);
    }
    assert.deepStrictEqual(eager.get({ b: 1 }).toArray().flat(), new Array(16).fill(0));
  });

  it('NotConvergedError eagerly, with the residual reached; compiled returns the last estimate', () => {
    const opts = { method: 'CG' as const, x0: math.zeros(grid), relTol: 1e-7, absTol: 1e-7, maxIterations: 2 };
    assert.throws(() => math.solveLinear(lap, rhs(), opts), (e: Error) => {
      assert.ok(e instanceof NotConvergedError);
      assert.match(e.message, /CG did not converge to relTol=1e-7, absTol=1e-7 within 2 iterations\. Max residual: \d/);
      const n = e as NotConvergedError;
      assert.strictEqual(String(n.residual!.shape), '(xˢ=4, yˢ=4)');
      assert.strictEqual(n.iterations!.item(), 2);
      return true;
    });
    const x = math.jitCompile((y: Tensor) => math.solveLinear(lap, y, opts))(rhs());
    assert.strictEqual(String(x.shape), '(xˢ=4, yˢ=4)');
  });

  it('an initial guess that already solves the system takes no iteration', () => {
    const x = math.tensor(PHIML_X, spatial('x,y'));
    const y = lap(x);
    assertClose(math.solveLinear(lap, y, { x0: x, maxIterations: 0 }), x);
  });

  it('ΦML\'s examples: a matrix mapping ~x_vec to b_vec, a function that does not converge', () => {
    const A = math.tensor([[0, 1], [1, 0]], channel('b_vec'), dual('x_vec'));
    const b = math.tensor([2, 3], channel('b_vec'));
    const x0 = math.tensor([0, 0], channel('x_vec'));
    assert.strictEqual(String(math.solveLinear(A, b, { method: 'CG', x0 })), '(3.000, 2.000) along x_vecᶜ');
    assert.strictEqual(String(math.solveLinear(A, b, { method: 'biCG-stab', x0 })), '(3.000, 2.000) along x_vecᶜ');
    assert.strictEqual(String(math.jitCompile((bb: Tensor) => math.solveLinear(A, bb, { x0 }))(b)), '(3.000, 2.000) along x_vecᶜ');
    // ΦML: "did not converge to rel_tol=1e-05, abs_tol=1e-05 within 1000 iterations. Max residual: 3.0"
    assert.throws(() => math.solveLinear((x: Tensor) => x.mul(0), math.tensor([1, 2, 3], spatial('x')), { method: 'CG', x0: math.zeros(spatial({ x: 3 })) }),
      (e: Error) => e instanceof NotConvergedError && /did not converge to relTol=0.00001, absTol=0.00001 within 1000 iterations\. Max residual: 3\.0\./.test(e.message));
    assert.throws(() => math.solveLinear((x: Tensor) => x.get({ x: [0, 2] }), math.tensor([1, 2, 3], spatial('x')), { x0: math.zeros(spatial({ x: 3 })) }), /f returned dims \(xˢ=2\)/);
  });

  it('option errors', () => {
    assert.throws(() => math.solveLinear(lap, rhs(), { x0: math.zeros(grid), tol: 1 } as any), /unknown option 'tol'/);
    assert.throws(() => math.solveLinear(lap, rhs(), { x0: math.zeros(grid), method: 'GMRES' } as any), /unknown method 'GMRES'/);
    assert.throws(() => math.solveLinear(lap, rhs(), {} as any), /x0 .* is required/);
    assert.throws(() => math.solveLinear(math.ones(grid), rhs(), { x0: math.zeros(grid) }), /no dual dim/);
  });
});
