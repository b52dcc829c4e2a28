/**
 * Sub-graph tracing (trace/subgraph.ts), shared by loops and autodiff: closure conversion of
 * captured outer tracers and concrete tensors, and re-evaluation through the registry.
 */
import * as assert from 'assert';
import { math, Tensor, spatial, JitError } from 'tensorjit';
import { traceSubgraph, evalGraph, formatGraph, checkGraph } from 'tensorjit/internal';
import { assertClose } from '../helpers';

const xs = spatial({ x: 3 });
const aval = { shape: xs, dtype: 'float32' as const };

describe('sub-graphs (traceSubgraph / evalGraph)', () => {
  it('traces a function into a closed graph and evaluates it eagerly', () => {
    const { graph, captures } = traceSubgraph('f', [aval], (a) => [a.mul(a).add(1)]);
    checkGraph(graph);
    assert.strictEqual(captures.length, 0);
    assert.strictEqual(graph.inputs.length, 1);
    assert.match(formatGraph(graph), /mul v0 v0/);
    const x = math.tensor([1, 2, 3], xs);
    assertClose(evalGraph(graph, [x])[0], x.mul(x).add(1));
  });

  it('turns concrete non-scalar tensors into captures and keeps scalars as literals', () => {
    const c = math.tensor([10, 20, 30], xs);
    const { graph, captures } = traceSubgraph('f', [aval], (a) => [a.add(c).mul(2)]);
    assert.deepStrictEqual(captures, [c]);
    assert.strictEqual(graph.inputs.length, 2);
    assert.match(formatGraph(graph), /mul v\d+ 2\.0:f32/);
    const x = math.tensor([1, 2, 3], xs);
    assertClose(evalGraph(graph, [x, ...captures])[0], x.add(c).mul(2));
  });

  it('captures tracers of the enclosing trace once each and records into it when re-evaluated', () => {
    let inner = '';
    const f = math.jitCompile((x: Tensor, y: Tensor) => {
      const { graph, captures } = traceSubgraph('g', [aval], (a) => [a.mul(y).add(y), a.sub(x)]);
      inner = formatGraph(graph);
      assert.strictEqual(captures.length, 2); // y once, x once
      assert.strictEqual(captures[0], y);
      const [p, q] = evalGraph(graph, [x.add(1), ...captures]);
      return p.add(q);
    });
    const x = math.tensor([1, 2, 3], xs), y = math.tensor([4, 5, 6], xs);
    assertClose(f(x, y), x.add(1).mul(y).add(y).add(x.add(1).sub(x)));
    assert.match(inner, /^\{ lambda v0:f32\[x=3\] v\d+:f32\[x=3\] v\d+:f32\[x=3\] \./);
    assert.doesNotMatch(f.traces[0].graph, /lambda v\d+:f32\[x=3\] v\d+:f32\[x=3\] v\d+/); // inlined: no sub-graph left
  });

  it('nested sub-traces capture through the middle one', () => {
    const f = math.jitCompile((x: Tensor) => {
      const outer = traceSubgraph('outer', [aval], (a) => {
        const inner = traceSubgraph('inner', [aval], (b) => [b.mul(x)]);
        assert.strictEqual(inner.captures.length, 1);
        return evalGraph(inner.graph, [a, ...inner.captures]);
      });
      assert.deepStrictEqual(outer.captures, [x]);
      return evalGraph(outer.graph, [x, ...outer.captures])[0];
    });
    const x = math.tensor([1, 2, 3], xs);
    assertClose(f(x), x.mul(x));
  });

  it('outputs may be captures or literals', () => {
    const c = math.tensor([1, 1, 1], xs);
    const { graph, captures } = traceSubgraph('f', [aval], () => [c, math.wrap(2)]);
    const [a, b] = evalGraph(graph, [math.zeros(xs), ...captures]);
    assertClose(a, c);
    assert.strictEqual(b.item(), 2);
  });

  it('a tracer leaked out of a sub-trace is refused when used later', () => {
    let leaked: Tensor | undefined;
    traceSubgraph('leaky', [aval], (a) => { leaked = a.mul(2); return [a]; });
    assert.throws(() => leaked!.add(1), (e: Error) => e instanceof JitError && /after its trace ended/.test(e.message));
  });

  it('a jit function that captures a sub-trace value is inlined, not traced on its own', () => {
    const h = math.jitCompile((a: Tensor) => a.mul(3));
    const { graph } = traceSubgraph('f', [aval], (a) => [h(a).add(1)]);
    assertClose(evalGraph(graph, [math.tensor([1, 2, 3], xs)])[0], math.tensor([4, 7, 10], xs));
  });
});
