/**
 * Loops (math.whileLoop / math.iterate, the `while` primitive): eager vs compiled on the same
 * inputs, trees of state, trajectories, captured outer values, nested loops, loops and ifs
 * mixed, size-0 and size-1 state, the graph size independent of the iteration count, errors.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { math, Tensor, spatial, batch, channel, controlFlow, ShapeError, DTypeError, JitError } from 'tensorjit';
import { decodeModel } from 'tensorjit/internal';
import { assertClose } from '../helpers';

const flat = (v: unknown): Tensor[] => (v instanceof Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : Object.values(v as object).flatMap(flat));

/** Runs `fn` eagerly and compiled; the results must agree. Returns the jit function. */
function differential(fn: (...xs: any[]) => unknown, inputs: unknown[], rtol = 1e-5, atol = 1e-6): any {
  const eager = fn(...inputs);
  const jitted = math.jitCompile(fn);
  const compiled = jitted(...(inputs as []));
  const [e, c] = [flat(eager), flat(compiled)];
  assert.strictEqual(c.length, e.length, 'number of outputs');
  e.forEach((t, i) => assertClose(c[i], t, rtol, atol, `output ${i}`));
  // a second call runs the stored model again
  flat(jitted(...(inputs as []))).forEach((t, i) => assertClose(t, e[i], rtol, atol, `second call, output ${i}`));
  return jitted;
}

/** The ONNX nodes of a jit function's model for these arguments (top level). */
function onnxNodes(fun: any, ...args: unknown[]): { opType: string }[] {
  const file = path.join(os.tmpdir(), `tensorjit-loops-${process.pid}-${Math.random().toString(36).slice(2)}.onnx`);
  try {
    fun.exportOnnx(file, ...args);
    return decodeModel(fs.readFileSync(file)).graph.node;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const x3 = () => math.tensor([1, 2, 3], spatial('x'));

describe('loops', () => {
  describe('math.whileLoop', () => {
    it('eagerly runs a JS loop over a tensor state', () => {
      const r = math.whileLoop((s: Tensor) => math.sum(s).lt(100), (s: Tensor) => s.mul(2), x3());
      assert.deepStrictEqual(r.toArray(), [32, 64, 96]);
    });

    it('compiled: one Loop node, same result as eager (object state with a counter)', () => {
      const f = differential((x: Tensor) => math.whileLoop((s) => math.sum(s.x).lt(100), (s) => ({ x: s.x.mul(2), n: s.n.add(1) }), { x, n: math.tensor(0, { dtype: 'int32' }) }), [x3()]);
      assert.strictEqual(f(x3()).n.item(), 5);
      const nodes = onnxNodes(f, x3());
      assert.strictEqual(nodes.filter((n) => n.opType === 'Loop').length, 1);
    });

    it('array state, and a condition of any shape (goes on while any element is true)', () => {
      differential((x: Tensor) => math.whileLoop(([a]) => a.lt(10), ([a, b]) => [a.add(1), b.add(a)], [x, math.zerosLike(x)]), [math.tensor([0, 5, 9.5], spatial('x'))]);
      // a batch of independent iterations: entries that are done are masked with where
      const f = differential((x: Tensor) => math.whileLoop((s) => s.gt(1), (s) => math.where(s.gt(1), s.div(2), s), x), [math.tensor([1, 3, 100, 0.5], batch('b'))]);
      assert.deepStrictEqual(f(math.tensor([1, 3, 100, 0.5], batch('b'))).toArray(), [1, 0.75, 0.78125, 0.5]);
    });

    it('maxIterations stops the loop without an error', () => {
      const f = differential((x: Tensor) => math.whileLoop(() => math.wrap(true), (s) => s.add(1), x, { maxIterations: 7 }), [x3()]);
      assert.deepStrictEqual(f(x3()).toArray(), [8, 9, 10]);
      differential((x: Tensor) => math.whileLoop((s) => s.lt(1000), (s) => s.add(1), x, { maxIterations: 3 }), [x3()]);
      assert.deepStrictEqual(math.whileLoop((s: Tensor) => s.lt(1000), (s: Tensor) => s.add(1), x3(), { maxIterations: 0 }).toArray(), [1, 2, 3]);
    });

    it('a condition false from the start returns the initial state', () => {
      differential((x: Tensor) => math.whileLoop((s) => math.sum(s).gt(100), (s) => s.mul(2), x), [x3()]);
      const f = math.jitCompile((x: Tensor) => math.whileLoop(() => false, (s) => s.mul(2), x));
      assert.deepStrictEqual(f(x3()).toArray(), [1, 2, 3]);
      assert.doesNotMatch(f.traces[0].graph, /while/);
    });

    it('captures traced arguments and concrete tensors used by the condition and the body', () => {
      const scale = math.tensor([1, 2, 3], spatial('x'));
      const f = differential((x: Tensor, limit: Tensor, step: Tensor) =>
        math.whileLoop((s) => math.max(s).lt(limit), (s) => s.add(step).mul(scale).div(scale), x), [x3(), math.tensor(10), math.tensor(0.5)]);
      assert.match(f.traces[0].graph, /while\[cond=/);
    });

    it('int, bool and float64 state entries', () => {
      // float64 arithmetic stays float64 only at the global precision 64 (ΦML)
      math.precision(64, () => differential((x: Tensor) => math.whileLoop((s) => s.i.lt(4), (s) => ({ i: s.i.add(1), flag: math.logicalNot(s.flag), d: s.d.mul(1.5) }),
        { i: math.tensor(0n), flag: math.tensor(true), d: math.cast(x, 'float64') }).d, [x3()]));
    });

    it('size-0 and size-1 state', () => {
      differential((e: Tensor, c: Tensor) => math.whileLoop((s) => s.c.lt(3), (s) => ({ e: s.e.add(1), c: s.c.add(1) }), { e, c }),
        [math.zeros(spatial({ x: 0 })), math.tensor(0)]);
      differential((x: Tensor) => math.whileLoop((s) => math.sum(s).lt(5), (s) => s.add(1), x), [math.tensor([0], spatial('x'))]);
    });

    it('the body may return the dims in another order', () => {
      const init = math.ones(spatial({ x: 2, y: 3 }));
      differential((a: Tensor) => math.whileLoop((s) => math.sum(s).lt(100), (s) => math.transpose(s.mul(2), 'y,x'), a), [init]);
    });

    it('nested loops (the inner loop captures the outer state and a traced argument)', () => {
      const f = differential((x: Tensor, k: Tensor) => math.whileLoop(
        (s) => s.n.lt(3),
        (s) => ({ x: math.whileLoop((t) => math.sum(t).lt(math.sum(s.x).mul(2)), (t) => t.add(k), s.x), n: s.n.add(1) }),
        { x, n: math.tensor(0) }), [x3(), math.tensor(0.25)]);
      assert.strictEqual((f.traces[0].graph.match(/= while\[/g) ?? []).length, 2);
      assert.strictEqual(onnxNodes(f, x3(), math.tensor(0.25)).filter((n) => n.opType === 'Loop').length, 1); // the inner Loop is in the body
    });

    it('ifs inside loops (converted to where) and loops inside converted ifs', () => {
      differential((x: Tensor) => math.whileLoop((s) => math.max(s).lt(50), (s) => {
        let y = s;
        controlFlow.ifStmt(math.sum(s).gt(20), () => { y = s.mul(3); }, () => { y = s.add(4); }, undefined, ['y'], () => [y], ([v]) => { y = v as Tensor; });
        return y;
      }, x), [x3()]);
      differential((x: Tensor, c: Tensor) => {
        let y = x;
        controlFlow.ifStmt(c.gt(0), () => { y = math.whileLoop((s) => math.sum(s).lt(100), (s) => s.mul(2), x); }, () => { y = x.neg(); }, undefined, ['y'], () => [y], ([v]) => { y = v as Tensor; });
        return y;
      }, [x3(), math.tensor(1)]);
    });

    it('a jit function called in the body is inlined there', () => {
      const half = math.jitCompile((a: Tensor) => a.div(2));
      differential((x: Tensor) => math.whileLoop((s) => math.max(s).gt(1), (s) => half(s), x), [math.tensor([7, 30, 2], spatial('x'))]);
    });

    it('a loop on concrete values inside a trace runs at trace time', () => {
      const f = math.jitCompile((x: Tensor) => x.add(math.whileLoop((s) => s.lt(10), (s) => s.mul(2), math.wrap(1))));
      assert.deepStrictEqual(f(x3()).toArray(), [17, 18, 19]);
      assert.doesNotMatch(f.traces[0].graph, /while/);
    });

    it('prints the condition and body as nested graphs', () => {
      const f = math.jitCompile((x: Tensor) => math.whileLoop((s) => math.sum(s).lt(100), (s) => s.mul(2), x, { maxIterations: 50 }));
      f(x3());
      assert.strictEqual(f.traces[0].graph, [
        '{ lambda v0:f32[x=3] .',
        '    v1:f32[x=3] = while[maxIterations=50 cond=',
        '      { lambda v0:f32[x=3] .',
        '          v1:f32[] = sum[dims=[x]] v0',
        '          v2:bool[] = less v1 100.0:f32',
        '        in (v2) } body=',
        '      { lambda v0:f32[x=3] .',
        '          v1:f32[x=3] = mul v0 2.0:f32',
        '        in (v1) }] v0',
        '  in (v1) }',
      ].join('\n'));
    });

    it('the optimiser works inside the body (common subexpressions, dead code)', () => {
      const f = math.jitCompile((x: Tensor) => math.whileLoop((s) => math.sum(s).lt(100), (s) => { s.sin(); return s.mul(s).add(s.mul(s)); }, x));
      f(x3());
      const body = f.traces[0].graph.split('body=')[1];
      assert.strictEqual((body.match(/= mul/g) ?? []).length, 1);
      assert.doesNotMatch(body, /sin/);
    });

    it('errors: a shape or dtype change names the state entry; bad structure; unknown options', () => {
      const init = { x: x3(), n: math.tensor(0) };
      for (const run of [(g: any) => g(init), (g: any) => math.jitCompile((x: Tensor) => g({ x, n: math.tensor(0) }))(x3())]) {
        assert.throws(() => run((s: any) => math.whileLoop((t: any) => t.n.lt(3), (t: any) => ({ x: math.concat([t.x, t.x], 'x'), n: t.n.add(1) }), s)),
          (e: Error) => e instanceof ShapeError && /state\.x/.test(e.message) && /\(xˢ=3\) to \(xˢ=6\)/.test(e.message));
        assert.throws(() => run((s: any) => math.whileLoop((t: any) => t.n.lt(3), (t: any) => ({ x: t.x, n: math.cast(t.n.add(1), 'int32') }), s)),
          (e: Error) => e instanceof DTypeError && /state\.n/.test(e.message) && /float32 to int32/.test(e.message));
        assert.throws(() => run((s: any) => math.whileLoop((t: any) => t.n.lt(3), (t: any) => ({ x: t.x }), s)),
          (e: Error) => e instanceof ShapeError && /structure/.test(e.message));
      }
      assert.throws(() => math.whileLoop((s: Tensor) => s.lt(1), (s: Tensor) => s, x3(), { maxIter: 3 } as any), /unknown option 'maxIter'/);
      assert.throws(() => math.whileLoop((s: Tensor) => s.lt(1), (s: Tensor) => s, x3(), { maxIterations: -1 }), /maxIterations must be a non-negative integer/);
      assert.throws(() => math.jitCompile((x: Tensor) => math.whileLoop(() => true, (s) => s, x))(x3()), (e: Error) => e instanceof JitError && /never end/.test(e.message));
      assert.throws(() => math.whileLoop((s: any) => s.lt(1), (s: any) => s, { a: 'text' } as any), /state\.a is the string/);
    });
  });

  describe('math.iterate', () => {
    const f = (a: Tensor) => a.mul(0.5).add(1);

    it('a number of iterations gives the final value, eager = compiled', () => {
      const g = differential((x: Tensor) => math.iterate(f, 20, x), [x3()]);
      assertClose(g(x3()), math.tensor([1.9999981, 2, 2.000002], spatial('x')), 1e-6);
      differential((x: Tensor) => math.iterate(f, 0, x), [x3()]);
      differential((x: Tensor) => math.iterate(f, 1, x), [x3()]);
    });

    it('a Shape gives the trajectory, x0 first (n + 1 entries)', () => {
      const g = differential((x: Tensor) => math.iterate(f, batch({ t: 3 }), x), [x3()]);
      const r = g(x3());
      assert.strictEqual(String(r.shape), '(tᵇ=4, xˢ=3)');
      assert.deepStrictEqual(r.toArray(), [[1, 2, 3], [1.5, 2, 2.5], [1.75, 2, 2.25], [1.875, 2, 2.125]]);
      const eager = math.iterate(f, batch({ t: 3 }), x3());
      assert.strictEqual(String(eager.shape), '(tᵇ=4, xˢ=3)');
      differential((x: Tensor) => math.iterate(f, spatial({ t: 0 }), x), [x3()]);
      differential((x: Tensor) => math.iterate(f, channel({ t: 2 }), x), [x3()]);
    });

    it('several values: f takes and returns them all', () => {
      const g = differential((x: Tensor, v: Tensor) => math.iterate((p: Tensor, q: Tensor) => [p.add(q.mul(0.1)), q.sub(p.mul(0.1))], batch({ t: 5 }), x, v), [x3(), math.tensor([0, 1, 0], spatial('x'))]);
      const [p, q] = g(x3(), math.tensor([0, 1, 0], spatial('x')));
      assert.strictEqual(String(p.shape), '(tᵇ=6, xˢ=3)');
      assert.strictEqual(String(q.shape), '(tᵇ=6, xˢ=3)');
    });

    it('traced, the graph does not grow with the iteration count', () => {
      const g10 = math.jitCompile((x: Tensor) => math.iterate(f, 10, x));
      const g10k = math.jitCompile((x: Tensor) => math.iterate(f, 10000, x));
      g10(x3());
      const r = g10k(x3());
      assertClose(r, math.tensor([2, 2, 2], spatial('x')));
      assert.strictEqual(g10k.traces[0].graph, g10.traces[0].graph.replace('maxIterations=10 ', 'maxIterations=10000 '));
      assert.strictEqual(onnxNodes(g10k, x3()).length, onnxNodes(g10, x3()).length);
    });

    it('errors: the trajectory dim must be new; iterations a count or one sized dim; state must keep its shape', () => {
      assert.throws(() => math.jitCompile((x: Tensor) => math.iterate(f, spatial({ x: 3 }), x))(x3()), ShapeError);
      assert.throws(() => math.iterate(f, -1, x3()), /iterations must be a non-negative integer/);
      assert.throws(() => math.iterate(f, spatial('t'), x3()), /one dim with a size/);
      assert.throws(() => math.iterate((a: Tensor) => math.sum(a), 3, x3()), (e: Error) => e instanceof ShapeError && /x0/.test(e.message));
    });
  });
});
