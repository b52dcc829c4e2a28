/**
 * math.minimize: each method finds known minima (a quadratic with named dims, Rosenbrock, a tree
 * of parameters), and NotConvergedError names the loss reached.
 */
import * as assert from 'assert';
import { math, spatial, channel, Tensor, NotConvergedError } from 'tensorjit';
import { assertAllClose, values, throwsWith } from '../helpers';

const target = math.tensor([1, -2, 3], channel({ vector: 'a,b,c' }));
const quadratic = (x: Tensor) => math.sum(x.sub(target).pow(2).mul(math.tensor([1, 2, 3], channel({ vector: 'a,b,c' }))));
const rosenbrock = (p: { x: Tensor; y: Tensor }) => math.sub(1, p.x).pow(2).add(p.y.sub(p.x.mul(p.x)).pow(2).mul(100));

describe('math.minimize', () => {
  // float64 arithmetic stays float64 only at the global precision 64 (ΦML)
  before(() => math.setPrecision(64));
  after(() => math.setPrecision(32));
  for (const method of ['GD', 'adam', 'L-BFGS-B'] as const) {
    it(`${method}: a quadratic with item names; the result has x0's shape`, () => {
      const x = math.minimize(quadratic, { method, x0: math.zeros(channel({ vector: 'a,b,c' })), absTol: 1e-4, maxIterations: 5000, learningRate: method === 'adam' ? 0.05 : undefined }) as Tensor;
      assert.strictEqual(String(x.shape), '(vectorᶜ=a,b,c)');
      assertAllClose(values(x), [1, -2, 3], 0, 1e-3);
    });
  }

  it('L-BFGS-B: Rosenbrock from (-1.2, 1), parameters as a tree', () => {
    const r = math.minimize(rosenbrock, { x0: { x: math.tensor(-1.2, { dtype: 'float64' }), y: math.tensor(1, { dtype: 'float64' }) }, absTol: 1e-6, maxIterations: 200 });
    assert.ok(Math.abs(Number(r.x.item()) - 1) < 1e-4 && Math.abs(Number(r.y.item()) - 1) < 1e-4, `${r.x} ${r.y}`);
    assert.strictEqual(r.x.dtype, 'float64');
  });

  it('not converging throws NotConvergedError with the loss reached', () => {
    const e = throwsWith(() => math.minimize(rosenbrock, { method: 'GD', x0: { x: math.tensor(-1.2), y: math.tensor(1) }, maxIterations: 5 }),
      'NotConvergedError', /math\.minimize \(GD\) did not converge after 5 iterations \(\d+ function evaluations\): loss [\d.e-]+, largest gradient component/, /Raise maxIterations/);
    assert.ok(e instanceof NotConvergedError);
    assert.ok(Number((e as NotConvergedError).residual!.item()) > 0);
  });

  it('refuses int parameters and unknown methods', () => {
    throwsWith(() => math.minimize(quadratic, { x0: math.tensor([1, 2, 3], spatial('x'), { dtype: 'int32' }) }), 'JitError', /x0 'x0' is \(xˢ=3\) int32; the parameters must be float tensors/);
    throwsWith(() => math.minimize(quadratic, { x0: target, method: 'newton' as any }), 'JitError', /unknown method 'newton'; use 'GD', 'adam' or 'L-BFGS-B'/);
  });
});
