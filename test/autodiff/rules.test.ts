/**
 * Every gradient rule against central finite differences in float64 at random points (away from
 * the non-smooth points of each op), eager vs compiled, and gradients of gradients for the
 * element-wise ops. Plus the coverage test: every primitive of the registry has a rule or is
 * declared non-differentiable with a reason, and every rule is exercised by a case here.
 */
import * as assert from 'assert';
import { math, spatial, channel, batch, instance, Tensor, type Shape } from 'tensorjit';
import { primitives, VJP_RULES, NON_DIFFERENTIABLE } from 'tensorjit/internal';
import { assertAllClose, values, centralDifference as finiteDifference } from '../helpers';

/** Runs `fn` in float64 precision (finite differences need it). */
const f64 = <T>(fn: () => T): T => math.precision(64, fn);

let state = 12345;
function rand(): number {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 4294967296;
}
/** Random float64 tensor, values in [lo, hi) and at least `gap` away from every point of `avoid(v)` (non-smooth points). */
function randomT(shape: Shape, lo = -2, hi = 2, avoid?: (v: number) => boolean): Tensor {
  const n = shape.volume;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = lo + (hi - lo) * rand(); while (avoid && avoid(v));
    d[i] = v;
  }
  return shape.rank === 0 ? math.tensor(d[0], { dtype: 'float64' }) : math.tensor(d, shape);
}
const nearInt = (gap: number) => (v: number) => Math.abs(v - Math.round(v)) < gap;
const nearHalf = (gap: number) => (v: number) => Math.abs(v - Math.round(v - 0.5) - 0.5) < gap;

interface Case {
  /** The primitive whose rule this case exercises (more may be involved). */
  prim: string;
  label?: string;
  f: (...args: Tensor[]) => Tensor;
  args: () => Tensor[];
  /** Indices of the arguments to differentiate (default: all). */
  wrt?: number[];
  rtol?: number;
  atol?: number;
  /** Skip the compiled comparison (onnxruntime has no float64 kernel for the op). */
  eagerOnly?: boolean;
  /** Finite-difference step (default 1e-6). */
  h?: number;
}

const X = spatial({ x: 3 });
const XY = spatial({ x: 3, y: 2 });
const V = channel({ vector: 'a,b,c' });

const CASES: Case[] = [
  // element-wise, unary
  { prim: 'neg', f: (x) => math.neg(x), args: () => [randomT(X)] },
  { prim: 'abs', f: (x) => math.abs(x), args: () => [randomT(X, -2, 2, (v) => Math.abs(v) < 0.05)] },
  { prim: 'sign', f: (x) => math.sign(x).mul(x), args: () => [randomT(X, -2, 2, (v) => Math.abs(v) < 0.05)] },
  { prim: 'floor', f: (x) => math.floor(x).add(x.mul(x)), args: () => [randomT(X, -3, 3, nearInt(0.05))] },
  { prim: 'ceil', f: (x) => math.ceil(x).mul(x), args: () => [randomT(X, -3, 3, nearInt(0.05))] },
  { prim: 'round', f: (x) => math.round(x).mul(x), args: () => [randomT(X, -3, 3, nearHalf(0.05))] },
  { prim: 'sqrt', f: (x) => math.sqrt(x), args: () => [randomT(X, 0.2, 3)] },
  { prim: 'exp', f: (x) => math.exp(x), args: () => [randomT(X)] },
  { prim: 'log', f: (x) => math.log(x), args: () => [randomT(X, 0.2, 3)] },
  { prim: 'sin', f: (x) => math.sin(x), args: () => [randomT(X, -3, 3)] },
  { prim: 'cos', f: (x) => math.cos(x), args: () => [randomT(X, -3, 3)] },
  { prim: 'tan', f: (x) => math.tan(x), args: () => [randomT(X, -1.2, 1.2)], eagerOnly: true },
  { prim: 'tanh', f: (x) => math.tanh(x), args: () => [randomT(X)] },
  { prim: 'sigmoid', f: (x) => math.sigmoid(x), args: () => [randomT(X, -4, 4)] },
  // float64 → float32 → float64: the finite difference sees float32 rounding
  { prim: 'cast', f: (x) => math.cast(math.cast(x, 'float32'), 'float64').mul(x), args: () => [randomT(X)], h: 1e-3, rtol: 1e-4, atol: 1e-4 },
  // element-wise, binary (with broadcasting by name: x against y)
  { prim: 'add', f: (a, b) => math.add(a, b).mul(a), args: () => [randomT(X), randomT(spatial({ y: 2 }))] },
  { prim: 'sub', f: (a, b) => math.sub(a, b).mul(b), args: () => [randomT(X), randomT(XY)] },
  { prim: 'mul', f: (a, b) => math.mul(a, b), args: () => [randomT(XY), randomT(spatial({ y: 2 }))] },
  { prim: 'div', f: (a, b) => math.div(a, b), args: () => [randomT(XY), randomT(X, 0.5, 2)] },
  { prim: 'pow', f: (a, b) => math.pow(a, b), args: () => [randomT(X, 0.3, 2), randomT(X, -2, 2)] },
  { prim: 'pow', label: 'pow (constant integer exponent, negative base)', f: (a) => math.pow(a, 3), args: () => [randomT(X)] },
  { prim: 'mod', f: (a, b) => math.mod(a, b), args: () => [randomT(X, -3, 3), randomT(X, 0.7, 1.5)].map((t, i, all) => (i === 0 ? avoidModJumps(t, all[1]) : t)) },
  { prim: 'minimum', f: (a, b) => math.minimum(a, b), args: () => [randomT(X), randomT(X)] },
  { prim: 'maximum', f: (a, b) => math.maximum(a, b), args: () => [randomT(X), randomT(spatial({ y: 2 }))] },
  { prim: 'where', f: (c, a, b) => math.where(c.gt(0), a.mul(a), b.mul(3)), args: () => [randomT(X), randomT(X), randomT(XY)], wrt: [1, 2] },
  // reductions
  { prim: 'sum', f: (x) => math.sum(x, 'x').mul(math.sum(x)), args: () => [randomT(XY)] },
  { prim: 'mean', f: (x) => math.mean(x, 'y').mul(x.get({ y: 0 })), args: () => [randomT(XY)] },
  { prim: 'prod', f: (x) => math.prod(x, 'x'), args: () => [randomT(XY, 0.3, 2)] },
  // at zeros: column y=0 has one zero (its gradient there is the product of the others), y=1 two (all 0)
  { prim: 'prod', label: 'prod (one and two zeros)', f: (x) => math.prod(x, 'x'), args: () => [math.tensor([[0, 0], [-1.5, 0], [0.7, 2]], spatial('x'), spatial('y'), { dtype: 'float64' })] },
  { prim: 'max', f: (x) => math.max(x, 'x'), args: () => [randomT(XY)] },
  { prim: 'min', f: (x) => math.min(x, 'x,y'), args: () => [randomT(XY)] },
  // movement
  { prim: 'transpose', f: (x) => math.transpose(x, 'y,x').mul(x), args: () => [randomT(XY)] },
  { prim: 'rename', f: (x) => math.renameDims(x, 'x', instance('i')).mul(x.get({ y: 1 })), args: () => [randomT(XY)] },
  { prim: 'rename', label: 'rename (swapped names)', f: (x) => math.renameDims(x, 'x,y', 'y,x').mul(math.renameDims(x, 'x,y', 'y,x').get({ x: 0 })), args: () => [randomT(spatial({ x: 2, y: 2 }))] },
  { prim: 'reshape', f: (x) => math.packDims(x, 'x,y', instance('p')).mul(r64(instance({ p: 6 }))), args: () => [randomT(XY)] },
  { prim: 'reshape', label: 'reshape (unpackDim)', f: (x) => math.unpackDim(x, 'p', spatial({ a: 2, b: 3 })).mul(x.get({ p: [0, 3] }).get({ p: 1 })), args: () => [randomT(instance({ p: 6 }))] },
  { prim: 'expand', f: (x) => math.expand(x, batch({ b: 2 })).mul(r64(batch({ b: 2 }))), args: () => [randomT(X)] },
  { prim: 'slice', f: (x) => x.get({ x: [1, 4] }).mul(x.get({ x: [0, 5, 2] })), args: () => [randomT(spatial({ x: 5 }))] },
  { prim: 'slice', label: 'slice (negative step)', f: (x) => x.get({ x: [-1, -6, -2] }).mul(x.get({ x: [0, 3] })), args: () => [randomT(spatial({ x: 6 }))] },
  { prim: 'gather', f: (x) => x.get({ vector: 'b' }).mul(x.get({ vector: ['c', 'a'] }).get({ vector: 0 })), args: () => [randomT(V.and(X))] },
  { prim: 'gather', label: 'gather (edge padding repeats items)', f: (x) => math.pad(x, { x: [2, 3] }, 'boundary').mul(r64(spatial({ x: 8 }))), args: () => [randomT(X)] },
  { prim: 'gather', label: 'gather (periodic shift, laplace)', f: (x) => math.laplace(x, { padding: 'periodic' }).mul(x), args: () => [randomT(spatial({ x: 4, y: 3 }))] },
  { prim: 'concat', f: (a, b) => math.concat([a, b, a], 'x').mul(r64(spatial({ x: 8 }))), args: () => [randomT(XY), randomT(spatial({ x: 2, y: 2 }))] },
  { prim: 'stack', f: (a, b) => math.stack([a, b], channel('c'), { expandValues: true }).mul(math.stack([b, a.mul(a)], channel('c'), { expandValues: true })), args: () => [randomT(X), randomT(XY)] },
  { prim: 'stack', label: 'stack (item names, vec)', f: (a, b) => math.stack({ u: a, v: b }, channel('c')).get({ c: 'v' }).mul(a), args: () => [randomT(X), randomT(X)] },
  // linear algebra
  { prim: 'dot', f: (a, b) => math.dot(a, 'x', b, 'x'), args: () => [randomT(XY), randomT(spatial({ x: 3, z: 4 }))] },
  { prim: 'dot', label: 'dot (shared batch dim, two contracted dims)', f: (a, b) => math.dot(a, 'x,y', b, 'u,v'), args: () => [randomT(XY.and(batch({ b: 2 }))), randomT(spatial({ u: 3, v: 2 }).and(batch({ b: 2 })))] },
  { prim: 'dot', label: 'dot (contracted name is a free name of the other operand)', f: (a, b) => math.dot(a, 'x', b, 'y'), args: () => [randomT(XY), randomT(spatial({ y: 3, x: 3 }))] },
  // constants made inside the function
  { prim: 'const', f: (x) => x.mul(math.tensor([1, 2, 3], spatial('x'), { dtype: 'float64' })), args: () => [randomT(X)] },
  // ΦML-math primitives (ops/special.ts, scan.ts, indexing.ts). The float32-computed special functions
  // (no float64 kernels in onnxruntime) are compared with a coarser finite difference.
  ...(['erf', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'arcsinh', 'arctanh'] as const).map((op): Case => ({ prim: op, f: (x) => (math as any)[op](x), args: () => [randomT(X, -0.8, 0.8)], h: 1e-3, rtol: 2e-3, atol: 2e-4 })),
  { prim: 'arccosh', f: (x) => math.arccosh(x), args: () => [randomT(X, 1.2, 3)], h: 1e-3, rtol: 2e-3, atol: 2e-4 },
  { prim: 'log2', f: (x) => math.log2(x), args: () => [randomT(X, 0.2, 3)] },
  { prim: 'log10', f: (x) => math.log10(x), args: () => [randomT(X, 0.2, 3)] },
  { prim: 'arctan2', f: (y, x) => math.arctan2(y, x), args: () => [randomT(XY, 0.2, 2), randomT(X, -2, 2, (v) => Math.abs(v) < 0.1)], h: 1e-3, rtol: 2e-3, atol: 2e-4 },
  { prim: 'cumsum', f: (x) => math.cumulativeSum(x, 'x').mul(r64(X)), args: () => [randomT(XY)] },
  { prim: 'sort', f: (x) => math.sort(x, 'x').mul(r64(X)), args: () => [randomT(XY)] },
  { prim: 'gatherNd', f: (x) => math.gather(x, math.tensor([[2, 1], [0, 0], [2, 1]], instance('p'), channel({ index: 'x,y' }), { dtype: 'int32' })).mul(r64(instance({ p: 3 }))), args: () => [randomT(XY)] },
  ...(['add', 'update', 'max', 'min', 'mul'] as const).map((mode): Case => ({
    prim: 'scatterNd', label: `scatterNd ${mode} (duplicates)`,
    f: (b, v) => math.scatter(b, math.tensor([1, 2, 1], instance('p'), { dtype: 'int32' }), v, { mode }).mul(r64(X)),
    args: () => [randomT(X, 0.5, 2), randomT(instance({ p: 3 }), mode === 'max' || mode === 'min' ? -3 : 0.5, 3)],
    wrt: mode === 'update' || mode === 'add' || mode === 'mul' ? [0, 1] : [1],
  })),
];

/** 0, 1, 2, … along a dim, as float64 (an int range would make the product float32). */
function r64(dim: Shape): Tensor { return math.cast(math.range(dim), 'float64'); }

function avoidModJumps(a: Tensor, b: Tensor): Tensor {
  const ad = a.data as Float64Array, bd = b.data as Float64Array;
  const d = Float64Array.from(ad, (v, i) => {
    const q = v / bd[i];
    return Math.abs(q - Math.round(q)) < 0.05 ? v + 0.2 * bd[i] : v;
  });
  return math.tensor(d, a.shape);
}

/** Fixed random weights of the output's shape, so that every output element contributes differently. */
function weighted(f: Case['f'], args: Tensor[]): (...xs: Tensor[]) => Tensor {
  const y = f(...args);
  const w = randomT(y.shape, 0.5, 1.5);
  return (...xs: Tensor[]) => math.sum(math.mul(f(...xs), w), y.shape);
}

function checkAgainstFd(c: Case): void {
  f64(() => {
    const args = c.args();
    const wrt = c.wrt ?? args.map((_a, i) => i);
    const loss = weighted(c.f, args);
    const names = ['a', 'b', 'cc'];
    // a function whose parameter names are the ones wrt refers to
    const named = (a: Tensor, b: Tensor, cc: Tensor) => loss(...[a, b, cc].slice(0, args.length));
    const grad = math.gradient(named, { wrt: wrt.map((i) => names[i]), getOutput: false });
    const g0 = grad(...(args as [Tensor, Tensor, Tensor]));
    const grads = (wrt.length === 1 ? [g0] : g0) as Tensor[];
    wrt.forEach((k, j) => {
      const g = grads[j];
      assert.strictEqual(String(g.shape), String(args[k].shape), `${c.label ?? c.prim}: gradient shape of argument ${k}`);
      assert.strictEqual(g.dtype, args[k].dtype, `${c.label ?? c.prim}: gradient dtype`);
      const fd = finiteDifference(loss, args, k, c.h ?? 1e-6);
      assertAllClose(values(g), fd, c.rtol ?? 1e-6, c.atol ?? 1e-6, `${c.label ?? c.prim} d/d${names[k]}`);
    });
    if (!c.eagerOnly) {
      const compiled = math.jitCompile(grad);
      const c0 = compiled(...(args as [Tensor, Tensor, Tensor]));
      const cg = (wrt.length === 1 ? [c0] : c0) as Tensor[];
      wrt.forEach((k, j) => assertAllClose(values(cg[j]), values(grads[j]), 1e-9, 1e-9, `${c.label ?? c.prim} compiled vs eager, argument ${k}`));
      compiled.forgetTraces();
    }
  });
}

describe('autodiff: rules against central finite differences (float64)', () => {
  // float64 arithmetic stays float64 only at the global precision 64 (ΦML)
  before(() => math.setPrecision(64));
  after(() => math.setPrecision(32));
  for (const c of CASES) it(c.label ?? c.prim, () => checkAgainstFd(c));
});

describe('autodiff: gradients of gradients (element-wise ops)', () => {
  // float64 arithmetic stays float64 only at the global precision 64 (ΦML)
  before(() => math.setPrecision(64));
  after(() => math.setPrecision(32));
  const second: [string, (x: Tensor) => Tensor, number, number][] = [
    ['sin', math.sin, -3, 3], ['cos', math.cos, -3, 3], ['exp', math.exp, -2, 2], ['log', math.log, 0.3, 3],
    ['sqrt', math.sqrt, 0.3, 3], ['tanh', math.tanh, -2, 2], ['sigmoid', math.sigmoid, -3, 3], ['neg', math.neg, -2, 2],
    ['abs', math.abs, 0.2, 2], ['mul', (x) => x.mul(x).mul(x), -2, 2], ['div', (x) => math.div(1, x), 0.4, 2],
    ['pow', (x) => math.pow(x, 2.5), 0.3, 2], ['tan', math.tan, -1.2, 1.2], ['sub', (x) => math.sub(1, x.mul(x)), -2, 2],
  ];
  for (const [name, op, lo, hi] of second) {
    it(`${name}: d²/dx² by differentiating the gradient function`, () => f64(() => {
      const x = randomT(X, lo, hi);
      const first = math.gradient((z: Tensor) => math.sum(op(z)), { getOutput: false });
      const secondFn = math.gradient((z: Tensor) => math.sum(first(z) as Tensor), { getOutput: false });
      const g2 = secondFn(x) as Tensor;
      // the first derivative is element-wise, so its finite difference along each element is the diagonal
      const fd = finiteDifference((z: Tensor) => math.sum(first(z) as Tensor), [x], 0, 1e-5);
      assertAllClose(values(g2), fd, 1e-5, 1e-6, name);
    }));
  }
});

describe('autodiff: rule coverage', () => {
  it('every primitive has a gradient rule or is declared non-differentiable with a reason', () => {
    const missing = [...primitives().keys()].filter((n) => !VJP_RULES[n] && !NON_DIFFERENTIABLE[n]);
    assert.deepStrictEqual(missing, [], `primitives without a gradient rule: ${missing.join(', ')} — add a rule to runtime/src/autodiff/rules.ts or declare them in NON_DIFFERENTIABLE with the reason`);
    for (const [n, reason] of Object.entries(NON_DIFFERENTIABLE)) assert.ok(reason.length > 5 && !VJP_RULES[n], `${n}: a reason, and not both tables`);
  });
  it('every rule is checked against finite differences here', () => {
    const tested = new Set(CASES.map((c) => c.prim));
    // stopGradient, customVjp and the loop primitive have their own tests (gradient.test.ts, with finite differences)
    const own = new Set(['stopGradient', 'customVjp', 'while']);
    const untested = Object.keys(VJP_RULES).filter((n) => !tested.has(n) && !own.has(n));
    assert.deepStrictEqual(untested, []);
  });
});
