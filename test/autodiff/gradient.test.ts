/**
 * The public gradient API (API.md "Gradients"): ΦML's Autodiff notebook behaviour, trees, auxiliary
 * outputs, named dims, jit (one model, cached), stopGradient, customGradient, jacobian, errors.
 */
import * as assert from 'assert';
import { math, spatial, channel, batch, instance, vec, Tensor } from 'tensorjit';
import { assertAllClose, values, throwsWith, centralDifference } from '../helpers';
import { setLoopTrajectoryMode } from 'tensorjit/internal';

/** jitCompile, remembered so that the sessions are released after the suite (other suites count live sessions). */
const compiled: { forgetTraces(): void }[] = [];
const jit: typeof math.jitCompile = (f, o) => { const j = math.jitCompile(f, o); compiled.push(j); return j; };
const releaseSessions = () => compiled.splice(0).forEach((j) => j.forgetTraces());

const t = (xs: number[], ...s: Parameters<typeof math.tensor>[1][]) => math.tensor(xs, ...(s as any));

describe('math.gradient (ΦML Autodiff notebook)', () => {
  const lossFunction = (x: Tensor, y: Tensor) => x.pow(2).mul(y);

  it('wrt x: [output, grad]; getOutput false gives grad alone', () => {
    const [out, dx] = math.gradient(lossFunction, { wrt: 'x' })(math.tensor(1), math.tensor(1));
    assert.strictEqual(String(out), '1.0');
    assert.strictEqual(String(dx), '2.0');
    assert.strictEqual(String(math.gradient(lossFunction, { wrt: 'x', getOutput: false })(math.tensor(1), math.tensor(1))), '2.0');
  });

  it('JS numbers as arguments; the default wrt is the first parameter', () => {
    const dx = math.gradient(lossFunction, { getOutput: false })(3 as any, 2 as any) as Tensor;
    assert.strictEqual(String(dx), '12.0');
  });

  it('a non-scalar loss is refused, naming the shape and the fix', () => {
    const x = t([0, 1, 2], channel('values'));
    throwsWith(() => math.gradient(lossFunction, { wrt: 'x' })(x, math.tensor(1)),
      'JitError', /lossFunction returned a loss with shape \(valuesᶜ=3\), but a gradient needs a scalar loss.*math\.sum\(loss\).*math\.jacobian/);
  });

  it('batch dims of the loss are summed (one gradient per batch item)', () => {
    const x = t([0, 1, 2], batch('values'));
    const dx = math.gradient(lossFunction, { wrt: 'x', getOutput: false })(x, math.tensor(1)) as Tensor;
    assert.strictEqual(String(dx), '(0.000, 2.000, 4.000) along valuesᵇ');
  });

  it("wrt 'x,y' gives an array of gradients in that order", () => {
    const l2 = (x: Tensor, y: Tensor) => math.sum(x.pow(2).mul(y).pow(2)).div(2);
    const [dx, dy] = math.gradient(l2, { wrt: 'x,y', getOutput: false })(math.tensor(1), math.tensor(1)) as Tensor[];
    assert.strictEqual(`${dx} ${dy}`, '2.0 1.0');
    const both = math.gradient(l2, { wrt: ['y', 'x'], getOutput: false })(math.tensor(1), math.tensor(1)) as Tensor[];
    assert.strictEqual(both.map(String).join(' '), '1.0 2.0');
  });
});

describe('math.gradient: trees, auxiliary outputs, named dims', () => {
  it('a tree parameter gets a gradient tree of the same structure', () => {
    const params = { w: math.tensor([[1, 2], [3, 4]], channel('i'), channel('o')), b: t([0.5, -1], channel('o')), layers: [math.tensor(2)] };
    const x = t([1, -1], channel('i'));
    const loss = (p: typeof params, x: Tensor) => math.sum(math.dot(x, 'i', p.w, 'i').add(p.b).mul(p.layers[0]).pow(2));
    const g = math.gradient(loss, { getOutput: false })(params, x) as any;
    assert.deepStrictEqual(Object.keys(g).sort(), ['b', 'layers', 'w']);
    assert.ok(Array.isArray(g.layers) && g.layers.length === 1);
    // y = (x·w + b) * 2 = ((1-3+0.5)*2, (2-4-1)*2) = (-3, -6); dL/dy = 2y = (-6, -12)
    assert.strictEqual(String(g.b), '(-12.000, -24.000) along oᶜ');
    assert.strictEqual(String(g.w.shape), String(params.w.shape));
    assertAllClose(values(g.w), [-12, -24, 12, 24]);
    // dL/ds = Σ 2y · (x·w + b) = -6*-1.5 + -12*-3 = 45
    assert.strictEqual(String(g.layers[0]), '45.0');
  });

  it('auxiliary outputs: f returns [loss, ...aux], the output is that array', () => {
    const f = (x: Tensor) => [math.sum(x.mul(x)), x.mul(3), 'label'] as const;
    const [out, grad] = math.gradient(f)(t([1, 2], spatial('x'))) as [any, Tensor];
    assert.strictEqual(String(out[0]), '5.0');
    assert.strictEqual(String(out[1]), '(3.000, 6.000) along xˢ');
    assert.strictEqual(out[2], 'label');
    assert.strictEqual(String(grad), '(2.000, 4.000) along xˢ');
  });

  it('the gradient keeps the parameter’s dims: names, types, order and item names', () => {
    const x = math.tensor([[1, 2, 3], [4, 5, 6]], channel({ vector: 'a,b' }), spatial('x'));
    const bias = t([1, 2, 3], spatial('x'));
    const g = math.gradient((x: Tensor, b: Tensor) => math.sum(x.add(b).mul(x.get({ vector: 'a' }))), { getOutput: false })(x, bias) as Tensor;
    assert.strictEqual(String(g.shape), String(x.shape)); // (xˢ=3, vectorᶜ=a,b): nested data is ordered as ΦML's tensor orders it
    assert.strictEqual(String(g.shape), '(xˢ=3, vectorᶜ=a,b)');
    // d/dx[a] = x[a] + Σ_v (x[v] + b); d/dx[b] = x[a]
    assertAllClose(values(g), [8, 1, 13, 2, 18, 3]);
  });

  it('broadcasting in the forward pass sums over the broadcast dims', () => {
    const b = t([1, 2], batch('b'));
    const x = t([1, 2, 3], spatial('x'));
    const gb = math.gradient((b: Tensor, x: Tensor) => math.sum(b.mul(x), 'x'), { getOutput: false })(b, x) as Tensor;
    assert.strictEqual(String(gb), '(6.000, 6.000) along bᵇ');
    const gx = math.gradient((x: Tensor, b: Tensor) => math.sum(math.sum(b.mul(x), 'x'), 'b'), { getOutput: false })(x, b) as Tensor;
    assert.strictEqual(String(gx), '(3.000, 3.000, 3.000) along xˢ');
  });

  it('where (converted ifs): the gradient flows into the taken branch only', () => {
    const relu = (x: Tensor) => math.sum(math.where(x.gt(0), x.mul(x), x.mul(0.1)));
    const g = math.gradient(relu, { getOutput: false })(t([-2, 3], spatial('x'))) as Tensor;
    assert.strictEqual(String(g), '(0.100, 6.000) along xˢ');
  });

  it('a parameter nothing depends on gets zeros of its shape', () => {
    const g = math.gradient((x: Tensor, y: Tensor) => math.sum(y), { getOutput: false })(t([1, 2], spatial('x')), math.tensor(1)) as Tensor;
    assert.strictEqual(String(g), '(0.000, 0.000) along xˢ');
  });
});

describe('math.gradient inside jit functions', () => {
  after(releaseSessions);
  it('one ONNX model with forward and backward, cached like any trace', () => {
    let traced = 0;
    const loss = (w: Tensor, x: Tensor) => { traced++; return math.mean(math.tanh(math.dot(x, 'i', w, 'i')).pow(2), 'b'); };
    const step = jit((w: Tensor, x: Tensor) => {
      const [l, g] = math.gradient(loss)(w, x) as [Tensor, Tensor];
      return [l, w.sub(g.mul(0.1))];
    });
    const w = t([0.5, -0.3, 0.2], channel('i'));
    const x = math.tensor([[1, 2, 3], [0, 1, -1]], batch('b'), channel('i'));
    const [l1, w1] = step(w, x) as Tensor[];
    const [l2] = step(w1, x) as Tensor[];
    assert.strictEqual(traced, 1, 'the loss body runs once, at trace time');
    assert.strictEqual(step.traces.length, 1);
    assert.ok(step.traces[0].outputs.length === 2);
    const [el1, eg] = math.gradient(loss)(w, x) as [Tensor, Tensor];
    assertAllClose(values(l1), values(el1), 1e-6);
    assertAllClose(values(w1), values(w.sub(eg.mul(0.1))), 1e-6);
    assert.ok(Number(l2.item()) < Number(l1.item()), 'one gradient step lowers the loss');
  });

  it('a jit-compiled gradient function gives the eager values', () => {
    const f = (x: Tensor, y: Tensor) => math.sum(math.sin(x).mul(y).add(math.exp(x.mul(y))));
    const g = math.gradient(f, { wrt: 'x,y' });
    const jg = jit(g);
    const x = t([0.1, 0.7, -1.2], spatial('x')), y = t([0.3, -0.4], spatial('y'));
    const [eo, [ex, ey]] = g(x, y) as [Tensor, Tensor[]];
    const [co, [cx, cy]] = jg(x, y) as [Tensor, Tensor[]];
    assertAllClose(values(co), values(eo), 1e-6);
    assert.strictEqual(String(cx.shape), '(xˢ=3)');
    assert.strictEqual(String(cy.shape), '(yˢ=2)');
    assertAllClose(values(cx), values(ex), 1e-5);
    assertAllClose(values(cy), values(ey), 1e-5);
  });

  it('a closure over a traced value of the jit function: a constant of this gradient (captured)', () => {
    const outer = jit((x: Tensor, y: Tensor) => math.gradient((z: Tensor) => math.sum(z.mul(y)))(x), { name: 'outer' });
    const [out, g] = outer(t([1, 2], spatial('x')), math.tensor(2)) as Tensor[];
    assert.strictEqual(`${out} ${g}`, '6.0 (2.000, 2.000) along xˢ');
  });

  it('a closure over the differentiated value of an enclosing gradient: mixed second derivatives', () => {
    // d/dy of (d/dz Σ z²y at z = x) = d/dy 2xy = 2x
    const inner = (y: Tensor, x: Tensor) => math.sum(math.gradient((z: Tensor) => math.sum(z.mul(z).mul(y)), { getOutput: false })(x) as Tensor);
    const g = math.gradient(inner, { getOutput: false })(math.tensor(3), t([1, 2], spatial('x'))) as Tensor;
    assert.strictEqual(String(g), '6.0');
  });
});

describe('math.stopGradient and math.customGradient', () => {
  after(releaseSessions);
  it('stopGradient: the value passes, the gradient does not', () => {
    const f = (x: Tensor) => math.sum(x.mul(math.stopGradient(x)));
    const [out, g] = math.gradient(f)(t([1, 2], spatial('x'))) as Tensor[];
    assert.strictEqual(String(out), '5.0');
    assert.strictEqual(String(g), '(1.000, 2.000) along xˢ');
    const jg = jit(math.gradient(f, { getOutput: false }));
    assert.strictEqual(String(jg(t([1, 2], spatial('x')))), '(1.000, 2.000) along xˢ');
  });

  it('customGradient: the backward pass calls the given gradient(inputs, y, dy)', () => {
    const seen: string[] = [];
    const clipped = math.customGradient((x: Tensor) => x.mul(x), (inputs, y, dy) => {
      seen.push(`${inputs.x.shape} ${y.shape} ${dy.shape}`);
      return { x: math.clip(dy.mul(inputs.x).mul(2), -1, 1) };
    });
    const x = t([0.1, 3], spatial('x'));
    assert.strictEqual(String(clipped(x)), '(0.010, 9.000) along xˢ');
    const g = math.gradient((x: Tensor) => math.sum(clipped(x)), { getOutput: false })(x) as Tensor;
    assert.strictEqual(String(g), '(0.200, 1.000) along xˢ');
    assert.deepStrictEqual(seen, ['(xˢ=2) (xˢ=2) (xˢ=2)']);
    const jg = jit(math.gradient((x: Tensor) => math.sum(clipped(x)), { getOutput: false }));
    assert.strictEqual(String(jg(x)), '(0.200, 1.000) along xˢ');
  });

  it('customGradient with several outputs and a parameter without gradient', () => {
    const f = math.customGradient((a: Tensor, b: Tensor) => [a.mul(b), a.add(b)], (_in, _y1, _y2, d1, d2) => ({ a: d1.mul(100).add(d2) }));
    const g = math.gradient((a: Tensor, b: Tensor) => { const [p, s] = f(a, b) as Tensor[]; return math.sum(p.add(s.mul(2))); }, { wrt: 'a,b', getOutput: false });
    const [ga, gb] = g(math.tensor(1), math.tensor(2)) as Tensor[];
    assert.strictEqual(`${ga} ${gb}`, '102.0 0.0');
  });
});

describe('math.jacobian', () => {
  after(releaseSessions);
  it('output dims, then the parameter dims as they are', () => {
    const w = math.tensor([[1, 2, 3], [4, 5, 6]], channel('o'), channel('i'));
    const j = math.jacobian((x: Tensor) => math.dot(w, 'i', x, 'i'), { getOutput: false })(t([1, 1, 1], channel('i'))) as Tensor;
    assert.strictEqual(String(j.shape), '(oᶜ=2, iᶜ=3)');
    assertAllClose(values(j), [1, 2, 3, 4, 5, 6]);
  });

  it('an output dim the parameter also has becomes its dual dim (~x); dot over the parameter dims works', () => {
    const x = t([1, 2, 3], spatial('x'));
    const [y, j] = math.jacobian((x: Tensor) => x.pow(2))(x) as Tensor[];
    assert.strictEqual(String(y), '(1.000, 4.000, 9.000) along xˢ');
    assert.strictEqual(String(j.shape), '(~xᵈ=3, xˢ=3)');
    assertAllClose(values(j), [2, 0, 0, 0, 4, 0, 0, 0, 6]);
    assert.strictEqual(String(math.dot(j, 'x', t([1, 1, 1], spatial('x')), 'x')), '(2.000, 4.000, 6.000) along ~xᵈ');
  });

  it('compiled jacobian gives the eager values', () => {
    const f = (x: Tensor) => math.stack([math.sum(x.mul(x)), math.prod(x, 'x')], channel('c'));
    const x = t([1, 2, 3], spatial('x'));
    const e = math.jacobian(f, { getOutput: false })(x) as Tensor;
    const c = jit(math.jacobian(f, { getOutput: false }))(x) as Tensor;
    assert.strictEqual(String(c.shape), '(cᶜ=2, xˢ=3)');
    assertAllClose(values(c), values(e), 1e-6);
    assertAllClose(values(e), [2, 4, 6, 6, 3, 2]);
  });
});

describe('math.gradient: errors name the value and the fix', () => {
  const f = (x: Tensor, n: Tensor) => math.sum(x.mul(n));
  it('an int parameter', () => {
    throwsWith(() => math.gradient(f, { wrt: 'n' })(t([1, 2], spatial('x')), math.tensor(3, { dtype: 'int32' })),
      'JitError', /cannot differentiate f with respect to 'n', which is \(\) int32: gradients are taken with respect to float tensors\. Convert it \(math\.cast\(n, 'float32'\)\) or leave it out of wrt/);
  });
  it('an unknown wrt name', () => {
    throwsWith(() => math.gradient(f, { wrt: 'x,z' }), 'JitError', /wrt names 'z', which is not a parameter of f \(parameters: x, n\)/);
  });
  it('a parameter that was not passed', () => {
    throwsWith(() => (math.gradient(f, { wrt: 'n' }) as any)(t([1], spatial('x'))), 'JitError', /parameter 'n' of f was not passed/);
  });
  it('an int loss', () => {
    throwsWith(() => math.gradient((x: Tensor) => math.sum(math.cast(x, 'int32')))(t([1], spatial('x'))), 'JitError', /returned a int64 value \(\); the loss must be a float tensor/);
  });
  it('a loss that is not a tensor', () => {
    throwsWith(() => math.gradient((_x: Tensor) => 3 as any)(t([1], spatial('x'))), 'JitError', /must return a float tensor, or an array whose first item is one/);
  });
});

describe('math.gradient through loops', () => {
  after(releaseSessions);
  const x = t([0.5, 1, 1.5], spatial('x'));
  const fdAt = (f: (x: Tensor) => Tensor, x: Tensor, i: number, h = 1e-3) => centralDifference(f, [x], 0, h)[i];

  it('iterate with a fixed count: eager, compiled, against finite differences; gradient of a captured factor', () => {
    const f = (x: Tensor, a: Tensor) => math.sum(math.iterate((s: Tensor) => math.sin(s).mul(a), 5, x) as Tensor);
    const g = math.gradient(f, { wrt: 'x,a', getOutput: false });
    const [gx, ga] = g(x, math.tensor(0.9)) as Tensor[];
    assertAllClose(values(gx), [0, 1, 2].map((i) => fdAt((z) => f(z, math.tensor(0.9)), x, i)), 2e-3, 1e-4);
    const fa = (a: number) => Number(f(x, math.tensor(a)).item());
    assertAllClose(values(ga), [(fa(0.901) - fa(0.899)) / 0.002], 2e-3, 1e-4);
    const [cx, ca] = jit(g)(x, math.tensor(0.9)) as Tensor[];
    assertAllClose(values(cx), values(gx), 1e-5, 1e-6);
    assertAllClose(values(ca), values(ga), 1e-5, 1e-6);
  });

  it('iterate with a trajectory dim: every step contributes', () => {
    const f = (x: Tensor) => math.sum(math.iterate((s: Tensor) => s.mul(s).mul(0.5), batch({ t: 3 }), x) as Tensor, 't,x');
    const g = math.gradient(f, { getOutput: false })(x) as Tensor;
    assertAllClose(values(g), [0, 1, 2].map((i) => fdAt(f, x, i)), 2e-3, 1e-4);
    assertAllClose(values(jit(math.gradient(f, { getOutput: false }))(x) as Tensor), values(g), 1e-5, 1e-6);
  });

  /** Float64 where the point is float64. */
  const f64 = <T>(fn: () => T): T => math.precision(64, fn);
  const x64 = () => math.tensor(Float64Array.of(0.5, 1, 1.5), spatial('x'));
  const fd64 = (f: (x: Tensor) => Tensor, x: Tensor, h = 1e-6) => centralDifference(f, [x], 0, h);
  const eqnCount = (fun: { traces: readonly { graph: string }[] }) => fun.traces[0].graph.split('\n').filter((l) => l.includes(' = ')).length;

  it('the backward pass is one Loop too: the graph is the same for 10 and 1000 iterations, values as eager', () => {
    const sizes: number[] = [];
    for (const n of [10, 1000]) {
      const f = (x: Tensor, a: Tensor) => math.sum(math.iterate((s: Tensor) => math.sin(s).mul(a), n, x) as Tensor);
      const g = math.gradient(f, { wrt: 'x,a', getOutput: false });
      const fun = jit(g);
      const [cx, ca] = fun(x, math.tensor(0.9)) as Tensor[];
      const [ex, ea] = g(x, math.tensor(0.9)) as Tensor[];
      assertAllClose(values(cx), values(ex), 1e-5, 1e-7);
      assertAllClose(values(ca), values(ea), 1e-5, 1e-7);
      assert.strictEqual((fun.traces[0].graph.match(/= while\[/g) ?? []).length, 2, 'one forward and one backward Loop');
      assert.match(fun.traces[0].graph, /gatherNd\[dims=\[__adIter\d+\]\]/, 'the backward loop reads the stored states by the loop index');
      sizes.push(eqnCount(fun));
    }
    assert.strictEqual(sizes[0], sizes[1]);
  });

  it('a tree state with an int counter and a captured vector: float64 finite differences, eager and compiled', () => f64(() => {
    const c = math.tensor(Float64Array.of(0.3, -0.2, 0.1), spatial('x'));
    const f = (x: Tensor, w: Tensor) => {
      const out = math.iterate((s: { u: Tensor; v: Tensor; k: Tensor }) => ({
        u: math.tanh(s.u.mul(w).add(s.v)), v: s.v.mul(0.5).add(math.sum(s.u).mul(c)), k: s.k.add(1),
      }), 7, { u: x, v: x.mul(x), k: math.tensor(0, { dtype: 'int32' }) }) as { u: Tensor; v: Tensor; k: Tensor };
      return math.sum(out.u.mul(out.v)).add(math.cast(out.k, 'float64').mul(0.01));
    };
    const w = math.tensor(Float64Array.of(0.9, 1.1, -0.7), spatial('x'));
    const g = math.gradient(f, { wrt: 'x,w', getOutput: false });
    const [gx, gw] = g(x64(), w) as Tensor[];
    assert.strictEqual(gx.dtype, 'float64');
    assertAllClose(values(gx), fd64((z) => f(z, w), x64()), 1e-7, 1e-8, 'd/dx');
    assertAllClose(values(gw), fd64((z) => f(x64(), z), w), 1e-7, 1e-8, 'd/dw');
    const [cx, cw] = jit(g)(x64(), w) as Tensor[];
    assertAllClose(values(cx), values(gx), 1e-9, 1e-10);
    assertAllClose(values(cw), values(gw), 1e-9, 1e-10);
  }));

  it("trajectories 'store' (scan outputs of the forward Loop) and 'recompute' give the same gradients; second order through the backward Loop", () => f64(() => {
    const f = (x: Tensor) => math.sum(math.iterate((s: Tensor) => math.sin(s).mul(1.3), 6, x) as Tensor);
    const g = math.gradient(f, { getOutput: false });
    const loops = (fun: { traces: readonly { graph: string }[] }, kind: string) => (fun.traces[0].graph.match(new RegExp(`= while\\[maxIterations=6 ${kind}=`, 'g')) ?? []).length;
    // with the loss as an output too, the forward loop's final state is used
    const withLoss = math.gradient(f);
    const stored = jit(withLoss);
    const gs = (stored(x64()) as Tensor[])[1];
    assert.deepStrictEqual([loops(stored, 'trajectory'), loops(stored, 'body')], [1, 1], 'the forward loop emits the states; one backward loop');
    const previous = setLoopTrajectoryMode('recompute');
    try {
      const recomputed = jit(withLoss);
      assertAllClose(values((recomputed(x64()) as Tensor[])[1]), values(gs), 1e-12, 1e-12);
      // the forward loop as it is, a second one with the trajectory for the backward pass, the backward loop
      assert.deepStrictEqual([loops(recomputed, 'trajectory'), loops(recomputed, 'body')], [1, 2]);
    } finally {
      setLoopTrajectoryMode(previous);
    }
    assertAllClose(values(gs), fd64(f, x64()), 1e-7, 1e-8);
    // d/dx of sum(g(x)): the gradient of the gradient differentiates the backward Loop (a loop with a fixed count)
    const second = math.gradient((z: Tensor) => math.sum(g(z) as Tensor), { getOutput: false });
    assertAllClose(values(second(x64()) as Tensor), fd64((z) => math.sum(g(z) as Tensor), x64(), 1e-5), 1e-6, 1e-7);
    assertAllClose(values(jit(second)(x64()) as Tensor), values(second(x64()) as Tensor), 1e-9, 1e-10);
  }));

  it('a whileLoop stopping on a tensor condition is refused, with the fix', () => {
    throwsWith(() => math.gradient((x: Tensor) => math.sum(math.whileLoop((s: Tensor) => math.sum(s).lt(10), (s: Tensor) => s.mul(2), x) as Tensor))(x),
      'JitError', /Gradients through math\.whileLoop need a fixed iteration count.*math\.iterate\(f, n, x0\)/);
  });
});
