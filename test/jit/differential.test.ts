/**
 * Every primitive of the op registry, run eagerly and compiled (traced → ONNX → onnxruntime), on
 * random and edge inputs: results must agree in shape, dtype and values. A final check proves
 * that every registered primitive was exercised in a compiled graph.
 */
import * as assert from 'assert';
import { math, Tensor, spatial, channel, batch, instance, dual, Shape } from 'tensorjit';
import { primitives } from 'tensorjit/internal';
import { assertClose } from '../helpers';

const covered = new Set<string>();

function compare(name: string, fn: (...xs: Tensor[]) => unknown, inputs: Tensor[], rtol = 2e-6, atol = 1e-6): void {
  it(name, () => {
    const eager = fn(...inputs);
    const jitted = math.jitCompile(fn);
    const compiled = jitted(...inputs);
    for (const line of jitted.traces[0].graph.split('\n').slice(1, -1)) {
      const m = /= (\w+)/.exec(line);
      if (m) covered.add(m[1]);
    }
    const flat = (v: unknown): Tensor[] => (v instanceof Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : Object.values(v as object).flatMap(flat));
    const [e, c] = [flat(eager), flat(compiled)];
    assert.strictEqual(c.length, e.length);
    e.forEach((t, i) => assertClose(c[i], t, rtol, atol, `${name} output ${i}`));
    jitted.forgetTraces();
  });
}

const x = spatial({ x: 5 });
const edge = math.tensor([NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-30, 3e38, -7.25], spatial('x'));
const positive = math.tensor([1e-6, 0.5, 1, 2, 1e4, 3.75], spatial('x'));
const small = math.tensor([-3, -1.5, -0.25, 0, 0.25, 1, 2.9], spatial('x'));
const ints = math.tensor([-7, -1, 0, 1, 3, 2147483647], spatial('x'), { dtype: 'int32' });
const ints64 = math.tensor([-7n, 0n, 3n, 9007199254740993n], spatial('x'));
const bools = math.tensor([true, false, true, false], spatial('x'));

describe('eager vs compiled: every primitive', () => {
  describe('unary element-wise', () => {
    const unary = ['neg', 'abs', 'sign', 'sqrt', 'exp', 'log', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'floor', 'ceil', 'round', 'logicalNot', 'isNan', 'isFinite'] as const;
    for (const op of unary) {
      const f = (a: Tensor) => (math as any)[op](a);
      const floatOnly = ['sqrt', 'log', 'exp', 'tan'].includes(op);
      compare(`${op} float32 edge`, f, [op === 'sqrt' || op === 'log' ? positive : op === 'exp' ? small : edge], op === 'tan' || op === 'sigmoid' || op === 'exp' ? 1e-5 : 2e-6);
      compare(`${op} random`, f, [math.randomNormal(batch({ b: 2 }), x)], 1e-5, 1e-6);
      if (!floatOnly) compare(`${op} int32`, f, [ints], 1e-5);
      compare(`${op} bool`, f, [bools], 1e-5);
    }
    compare('neg int64 beyond 2^53', (a) => a.neg(), [ints64]);
    compare('abs float64', (a) => a.abs(), [math.tensor(new Float64Array([-1.5, 2]))]);
  });

  describe('binary element-wise, broadcast by name', () => {
    const binary = ['add', 'sub', 'mul', 'div', 'pow', 'mod', 'minimum', 'maximum', 'greater', 'less', 'greaterEqual', 'lessEqual', 'equal', 'notEqual', 'logicalAnd', 'logicalOr', 'logicalXor'] as const;
    const a = math.randomNormal(batch({ b: 2 }), spatial({ x: 3 }));
    const b = math.randomNormal(spatial({ y: 2, x: 3 }));
    const ia = math.tensor([[5, -7, 3], [2, 0, -1]], batch('b'), spatial('x'), { dtype: 'int32' });
    const ib = math.tensor([3, -2, 4], spatial('x'), { dtype: 'int32' });
    for (const op of binary) {
      const f = (p: Tensor, q: Tensor) => (math as any)[op](p, q);
      const tol = op === 'pow' ? 1e-5 : 2e-6;
      compare(`${op} float32 (b,x) ⊕ (y,x)`, f, [a, b.abs().add(0.5)], tol);
      compare(`${op} int32`, f, [ia, ib], tol);
      compare(`${op} int32 ⊕ float32`, f, [ia, b], tol);
      compare(`${op} edge values`, f, [edge, edge.get({ x: [-1, -14, -1] })], tol);
      if (op !== 'mod') compare(`${op} bool`, f, [bools, bools.get({ x: [-1, -5, -1] })]);
      compare(`${op} with a JS number`, (p) => (math as any)[op](p, 2), [a], tol);
    }
    it('integer modulo by zero throws eagerly and compiled', () => {
      const f = (p: Tensor, q: Tensor) => math.mod(p, q);
      assert.throws(() => f(ia2(), ia2().mul(0)), /modulo by zero/);
      assert.throws(() => math.jitCompile(f)(ia2(), ia2().mul(0)), /modulo by zero/);
    });
    compare('add int64 exact', (p, q) => p.add(q), [ints64, math.tensor([1n, 1n, 1n, 1n], spatial('x'))]);
    compare('mul int32 wraps', (p, q) => p.mul(q), [ints, math.tensor([3, 3, 3, 3, 3, 3], spatial('x'), { dtype: 'int32' })]);
    compare('channel items broadcast', (p, q) => p.mul(q), [math.vec({ x: 1, y: 2 }), math.randomNormal(instance({ points: 3 }))]);
  });

  describe('where, cast, clip', () => {
    const c = math.tensor([true, false, true, false, true], spatial('x'));
    compare('where broadcast', (cc, p, q) => math.where(cc, p, q), [c, math.randomNormal(batch({ b: 2 }), x), math.randomNormal(x)]);
    compare('where NaN in the untaken branch', (cc, p, q) => math.where(cc, p, q), [c, math.tensor([1, NaN, 2, NaN, 3], spatial('x')), math.tensor([NaN, 4, NaN, 5, NaN], spatial('x'))]);
    compare('where int64 exact', (cc, p, q) => math.where(cc, p, q), [c.get({ x: [0, 4] }), ints64, ints64.neg()]);
    compare('where number branches', (cc, p) => math.where(cc, p, 0), [c, ints.get({ x: [0, 5] })]);
    for (const from of ['float32', 'float64', 'int32', 'int64', 'bool'] as const) {
      for (const to of ['float32', 'float64', 'int32', 'int64', 'bool'] as const) {
        const src = math.tensor([0, 1, -2, 3], spatial('x'), { dtype: from });
        compare(`cast ${from} → ${to}`, (p) => math.cast(p, to), [src]);
      }
    }
    compare('cast float → int truncates', (p) => math.cast(p, 'int32'), [math.tensor([1.7, -1.7, 2.5, -0.5], spatial('x'))]);
    compare('clip', (p) => math.clip(p, -0.5, 0.5), [math.randomNormal(x)]);
  });

  describe('reductions over named dims', () => {
    const t = math.randomNormal(batch({ b: 2 }), spatial({ x: 3, y: 4 }));
    for (const op of ['sum', 'prod', 'mean', 'max', 'min', 'any', 'all', 'std'] as const) {
      compare(`${op} default dims`, (p) => (math as any)[op](p), [t], 1e-5);
      compare(`${op} over y`, (p) => (math as any)[op](p, 'y'), [t], 1e-5);
      compare(`${op} over x,b`, (p) => (math as any)[op](p, 'x,b'), [t], 1e-5);
      compare(`${op} int32`, (p) => (math as any)[op](p, 'x'), [ia2()], 1e-5);
      compare(`${op} bool`, (p) => (math as any)[op](p, 'x'), [bools], 1e-5);
    }
    compare('sum over an empty dim', (p) => math.sum(p, 'x'), [math.zeros(spatial({ x: 0, y: 2 }))]);
    compare('mean over an empty dim is NaN', (p) => math.mean(p, 'x'), [math.zeros(spatial({ x: 0, y: 2 }))]);
    compare('max with NaN', (p) => math.max(p), [edge]);
    compare('sum int64 exact', (p) => math.sum(p), [ints64]);
  });

  describe('structure', () => {
    const t = math.randomNormal(batch({ b: 2 }), spatial({ x: 3, y: 4 }), channel({ vector: 'u,v' }));
    compare('transpose', (p) => p.transpose('vector,y,b,x'), [t]);
    compare('renameDims', (p) => math.renameDims(p, 'x,b', spatial('a,z')), [t]);
    compare('packDims / unpackDim', (p) => math.unpackDim(math.packDims(p, 'y,x', instance('pts')), 'pts', spatial({ y: 4, x: 3 })), [t]);
    compare('expand', (p) => math.expand(p, instance({ i: 2 })), [t]);
    compare('get range, step and negative index', (p) => p.get({ x: [1, 3], y: [-1, 0, -2], vector: 'v' }), [t]);
    compare('get single index drops the dim', (p) => p.get({ y: -1 }), [t]);
    compare('get item list', (p) => p.get({ vector: ['v', 'u'] }), [t]);
    compare('concat along y', (p, q) => math.concat([p, q], 'y'), [t, math.randomNormal(spatial({ y: 2, x: 3 }), batch({ b: 2 }), channel({ vector: 'u,v' }))]);
    compare('stack with broadcasting', (p, q) => math.stack({ first: p, second: q }, channel('which'), { expandValues: true }), [math.randomNormal(x), math.randomNormal(batch({ b: 2 }))]);
    compare('pad periodic / boundary / zero', (p) => [p.pad({ x: [2, 1] }, 'periodic'), p.pad({ x: [1, 2] }, 'boundary'), p.pad({ x: [1, 1] }, 'zero')], [math.randomNormal(x)]);
    compare('laplace (boundary, periodic, zero)', (p) => [math.laplace(p), math.laplace(p, { padding: 'periodic' }), math.laplace(p, { padding: 'zero', dx: 0.5 })], [math.randomNormal(spatial({ x: 6, y: 5 }))], 1e-5, 1e-5);
    compare('spatialGradient', (p) => math.spatialGradient(p, { padding: 'periodic' }), [math.randomNormal(spatial({ x: 6, y: 5 }))], 1e-5, 1e-5);
  });

  describe('dot over named dims', () => {
    compare('matrix · vector', (p, q) => math.dot(p, 'k', q, 'k'), [math.randomNormal(spatial({ i: 3, k: 4 })), math.randomNormal(spatial({ k: 4 }))], 1e-5, 1e-5);
    compare('different names, batch dim shared', (p, q) => math.dot(p, 'k', q, 'j'), [math.randomNormal(batch({ b: 2 }), spatial({ i: 3, k: 4 })), math.randomNormal(batch({ b: 2 }), channel({ j: 4, o: 2 }))], 1e-5, 1e-5);
    compare('two contracted dims', (p, q) => math.dot(p, 'k,l', q, 'k,l'), [math.randomNormal(spatial({ k: 2, l: 3, i: 2 })), math.randomNormal(spatial({ l: 3, k: 2 }))], 1e-5, 1e-5);
    compare('int32', (p, q) => math.dot(p, 'x', q, 'x'), [ints, ints.abs().mod(3)]);
  });

  describe('loops', () => {
    compare('whileLoop', (p) => math.whileLoop((s) => math.sum(s).lt(40), (s) => s.mul(1.5), p), [math.randomUniform(spatial({ x: 4 }), { low: 1, high: 2 })], 1e-5, 1e-5);
  });

  describe('autodiff markers (identity forward)', () => {
    compare('stopGradient', (p) => math.stopGradient(p).mul(2), [math.randomNormal(batch({ b: 2 }), x)]);
    const sq = math.customGradient((p: Tensor) => p.mul(p), (_i, _y, dy) => ({ p: dy }));
    compare('customVjp (customGradient)', (p) => sq(p), [math.randomNormal(x)]);
  });

  describe('random', () => {
    it('random draws have the requested shape and dtype, and differ per compiled call', () => {
      const f = math.jitCompile((p: Tensor) => p.add(math.randomNormal(spatial({ x: 1000 }))));
      const a = f(math.zeros(spatial({ x: 1000 })));
      const b = f(math.zeros(spatial({ x: 1000 })));
      assert.strictEqual(String(a.shape), '(xˢ=1000)');
      assert.notDeepStrictEqual(Array.from(a.data as Float32Array), Array.from(b.data as Float32Array));
      assert.ok(Math.abs(math.mean(a).item() as number) < 0.15);
      assert.ok(Math.abs((math.std(a).item() as number) - 1) < 0.15);
      const u = math.jitCompile(() => math.randomUniform(spatial({ x: 500 }), { low: 2, high: 3 }))();
      assert.ok((math.min(u).item() as number) >= 2 && (math.max(u).item() as number) < 3);
      for (const l of f.traces[0].graph.split('\n')) { const m = /= (\w+)/.exec(l); if (m) covered.add(m[1]); }
    });
  });


  describe('special functions, scans, sorting, indexing (ΦML math)', () => {
    const unit = math.tensor([-0.99, -0.5, -0.1, 0, 0.3, 0.75, 0.999], spatial('x'));
    const wide = math.tensor([-30, -2.5, -1, -0.25, 0, 0.5, 1, 3, 9.75, 40], spatial('x'));
    const above1 = math.tensor([1, 1.001, 1.5, 2, 10, 1e4], spatial('x'));
    const cases: [string, Tensor][] = [
      ['erf', wide], ['log2', positive], ['log10', positive], ['arcsin', unit], ['arccos', unit], ['arctan', wide],
      ['sinh', small], ['cosh', small], ['arcsinh', wide], ['arccosh', above1], ['arctanh', unit],
    ];
    for (const [op, input] of cases) {
      const f = (a: Tensor) => (math as any)[op](a);
      compare(`${op} float32`, f, [input], 1e-5, 1e-6);
      compare(`${op} float64`, f, [math.cast(input, 'float64')], 1e-5, 1e-6);
      compare(`${op} int32`, f, [ints.abs().mod(3)], 1e-5, 1e-6);
      compare(`${op} random`, f, [math.randomUniform(batch({ b: 2 }), x, { low: 0.05, high: 0.95 })], 1e-5, 1e-6);
    }
    compare('erf edge values', (a) => math.erf(a), [edge], 1e-5, 1e-6);
    compare('arctan2 quadrants and the origin', (p, q) => math.arctan2(p, q), [math.tensor([1, -1, 0, 1, -1, 0, 2], spatial('x')), math.tensor([1, -1, 0, -1, 0, -3, 0.5], spatial('x'))], 1e-5, 1e-6);
    compare('arctan2 broadcast, with a number', (p, q) => [math.arctan2(p, q), math.arctan(p, 2)], [math.randomNormal(batch({ b: 2 }), x), math.randomNormal(spatial({ y: 3 }))], 1e-5, 1e-6);
    const t = math.randomNormal(batch({ b: 2 }), spatial({ x: 5, y: 4 }));
    const ti = math.tensor([[5, -7, 3, 3], [2, 0, -1, 9]], batch('b'), spatial('x'), { dtype: 'int32' });
    for (const [label, input] of [['float32', t], ['int32', ti], ['int64', math.cast(ti, 'int64')], ['bool', ti.gt(0)], ['float64', math.cast(t, 'float64')]] as [string, Tensor][]) {
      compare(`cumulativeSum ${label}`, (p) => math.cumulativeSum(p, 'x'), [input], 1e-5, 1e-5);
      compare(`sort ${label}`, (p) => math.sort(p, 'x'), [input]);
      compare(`argsort ${label} (stable)`, (p) => math.argsort(p, 'x'), [input]);
      compare(`argmax / argmin ${label}`, (p) => [math.argmax(p, 'x'), math.argmin(p, 'x')], [input]);
    }
    compare('cumulativeSum over two dims, includeZero', (p) => [math.cumulativeSum(p, 'x,y', { includeZero: true, includeSum: false }), math.cumulativeSum(p, 'y', { includeZero: true })], [t], 1e-5, 1e-5);
    compare('sort over flattened non-batch dims', (p) => math.sort(p), [t]);
    compare('argmax over two dims', (p) => [math.argmax(p, 'x,y'), math.argmin(p, 'y,x')], [t]);
    const grid = math.randomNormal(batch({ b: 2 }), spatial({ x: 3, y: 4 }));
    const idx = math.tensor([[2, 3], [0, 0], [1, -1], [2, 1]], instance('points'), channel({ index: 'x,y' }), { dtype: 'int32' });
    compare('gather by index vectors (negative counts from the end)', (g, i) => math.gather(g, i), [grid, idx]);
    compare('gather one dim, int64 indices', (g, i) => math.gather(g, i, 'y'), [grid, math.tensor([3n, 0n, 1n], instance('points'))]);
    compare('gather with a shared batch dim', (g, i) => math.gather(g, i, 'y'), [grid, math.tensor([[3, 0], [1, 1]], batch('b'), instance('points'), { dtype: 'int32' })]);
    compare('gather int64 values beyond 2^53', (g, i) => math.gather(g, i), [ints64, math.tensor([3, 3, 0], instance('points'), { dtype: 'int32' })]);
    const at = math.tensor([1, 3, 1, 0, 1], instance('points'), { dtype: 'int32' });
    const vals = math.randomNormal(instance({ points: 5 }), channel({ c: 2 }));
    for (const mode of ['update', 'add', 'max', 'min', 'mul', 'mean'] as const) {
      compare(`scatter ${mode} with duplicates`, (b, i, v) => math.scatter(b, i, v, { mode }), [math.randomNormal(spatial({ x: 4 }), channel({ c: 2 })), at, vals], 1e-5, 1e-6);
      compare(`scatter ${mode} int32`, (b, i, v) => math.scatter(b, i, v, { mode }), [math.zeros(spatial({ x: 4 }), { dtype: 'int32' }).add(1), at, math.tensor([1, 2, 3, 4, 5], instance('points'), { dtype: 'int32' })]);
    }
    compare('scatter into a Shape, 2-D indices, shared batch dim', (i, v) => math.scatter(spatial({ x: 3, y: 2 }).and(batch({ b: 2 })), i, v, { mode: 'add' }), [math.tensor([[[0, 1], [2, 1]], [[1, 0], [1, 0]]], batch('b'), instance('points'), channel({ index: 'x,y' }), { dtype: 'int32' }), math.tensor([[1, 2], [3, 4]], batch('b'), instance('points'))]);
    compare('scatter outside: discard and clamp', (b, i, v) => [math.scatter(b, i, v, { outsideHandling: 'discard' }), math.scatter(b, i, v, { outsideHandling: 'clamp', mode: 'add' })], [math.zeros(spatial({ x: 4 })), math.tensor([-1, 2, 7, 3], instance('points'), { dtype: 'int32' }), math.tensor([1, 2, 3, 4], instance('points'))]);
    compare('nonzero / booleanMask with a fixed size', (p) => [math.nonzero(p, { size: 4 }), math.booleanMask(p, 'x', p.gt(0).anyAlong('y'), { size: 4, fill: -1 })], [math.tensor([[0, 1, 0], [2, 0, 3], [0, 0, 0]], spatial('x,y'))]);
  });

  describe('stencils, grids, vectors (ΦML math)', () => {
    const g = math.randomNormal(batch({ b: 2 }), spatial({ x: 6, y: 5 }));
    for (const padding of ['zero', 'periodic', 'boundary', 'symmetric', 'reflect', 1.5] as const) {
      compare(`pad / shift / laplace / spatialGradient, ${padding}`, (p) => [
        math.pad(p, { x: [2, 3], y: 1 }, padding), ...math.shift(p, [-2, 0, 3], 'x,y', padding), p.shift({ y: -7 }, padding),
        math.laplace(p, { padding }), math.spatialGradient(p, { padding, difference: 'forward' }),
      ], [g], 1e-5, 1e-5);
    }
    compare('shift / laplace without padding (smaller results)', (p) => [...math.shift(p, [0, 1], 'x', null, null), math.laplace(p, { dims: 'y', padding: null })], [g], 1e-5, 1e-5);
    compare('neighborMean / neighborSum / neighborMax', (p) => [math.neighborMean(p), math.neighborSum(p, 'x', 'periodic'), math.neighborMax(p, 'y')], [g], 1e-5, 1e-5);
    compare('downsample2x / upsample2x', (p) => [math.downsample2x(p), math.upsample2x(p, 'periodic'), math.downsample2x(p, 'zero', 'y')], [g], 1e-5, 1e-5);
    compare('sampleSubgrid', (p) => math.sampleSubgrid(p, math.vec({ x: 0.5, y: 1 }), spatial({ x: 4, y: 3 })), [g], 1e-5, 1e-5);
    for (const extrap of ['boundary', 'periodic', 0, 'symmetric', 'reflect'] as const) {
      compare(`gridSample ${extrap}`, (p, c) => math.gridSample(p, c, extrap), [g, math.tensor([[0.5, 1.25], [-1.5, 4.9], [5.5, -0.25], [2, 2]], instance('p'), channel({ vector: 'x,y' }))], 1e-5, 1e-5);
    }
    const k = math.randomNormal(spatial({ x: 3, y: 2 }));
    compare('convolve same / valid / full, periodic', (p, q) => [math.convolve(p, q), math.convolve(p, q, 'valid'), math.convolve(p, q, 'full'), math.convolve(p, q, 'same', 'periodic')], [g, k], 1e-5, 1e-5);
    compare('convolve with strides (number and per dim), every size, zero and periodic', (p, q) => [math.convolve(p, q, 'same', 0, undefined, 2), math.convolve(p, q, 'valid', 0, undefined, { x: 2 }), math.convolve(p, q, 'full', 'periodic', undefined, { y: 3 }), math.convolve(p, q, 'same', 'boundary', undefined, 3)], [g, k], 1e-5, 1e-5);
    const sig = math.randomNormal(batch({ b: 2 }), spatial({ x: 6, y: 3 }));
    compare('complex64: fft / ifft (all spatial dims, one dim), add / sub / mul / neg with real operands, abs, real, imag, conjugate, toComplex', (p) => {
      const f = math.fft(p), fx = math.fft(p, 'x');
      const c = math.toComplex(p, p.mul(-0.5));
      return [f, math.ifft(f), fx, math.ifft(fx, 'x'), f.add(p), f.sub(1), f.mul(c), c.neg(), math.abs(f), math.real(f), math.imag(c), math.conjugate(f), math.toComplex(p)];
    }, [sig], 1e-5, 1e-5);
    compare('convolve with in/out channels', (p, q) => math.convolve(p, q), [math.randomNormal(spatial({ x: 6 }), channel({ c: 2 })), math.randomNormal(spatial({ x: 3 }), dual({ c: 2 }), channel({ out: 3 }))], 1e-5, 1e-5);
    const v = math.randomNormal(instance({ points: 4 }), channel({ vector: 'x,y,z' }));
    compare('vector functions', (p, q) => [math.vecLength(p), math.vecSquared(p), math.vecNormalize(p), math.norm(p, 'vector', 0.5), math.cross(p, q), math.rotateVector(p, q), math.l2Loss(p), math.softmax(p, 'points'), math.safeDiv(p, q.abs().gt(0.5).mul(q))], [v, math.randomNormal(channel({ vector: 'x,y,z' }))], 1e-5, 1e-5);
    compare('2-D cross and rotation', (p, a) => [math.cross(p, p.mul(2).add(1)), math.rotateVector(p, a, true)], [math.randomNormal(instance({ points: 3 }), channel({ vector: 'x,y' })), math.randomNormal(instance({ points: 3 }))], 1e-5, 1e-5);
    compare('pairwiseDistances with maxDistance', (p) => [math.pairwiseDistances(p), math.pairwiseDistances(p, { maxDistance: 1.5 })], [v], 1e-5, 1e-5);
    compare('map / unstack', (p) => [math.map((a: Tensor, b: Tensor) => a.mul(b).sum(), p, p, { dims: 'b' }), ...math.unstack(p, 'x')], [g], 1e-5, 1e-5);
  });


  describe('typed and finite reductions, dims helpers, quantiles (ΦML math)', () => {
    const t = math.randomNormal(batch({ b: 2 }), spatial({ x: 4 }), instance({ i: 3 }), channel({ vector: 'u,v' }));
    const bad = math.tensor([[1, NaN, 3, Infinity], [NaN, NaN, NaN, NaN]], batch('b'), spatial('x'));
    compare('csum ssum isum pmean cmax smin istd', (p) => [math.csum(p), math.ssum(p), math.isum(p), math.pmean(p), math.cmax(p), math.smin(p), math.istd(p)], [t], 1e-5, 1e-5);
    compare('finite reductions (NaN where nothing is finite)', (p) => [math.finiteSum(p, 'x'), math.finiteMean(p, 'x'), math.finiteMax(p, 'x'), math.finiteMin(p, 'x'), math.finiteStd(p, 'x'), math.finiteSsum(p)], [bad], 1e-5, 1e-5);
    compare('quantile / median', (p) => [math.median(p, 'x'), math.quantile(p, [0.1, 0.5, 0.9], 'x,i')], [t], 1e-5, 1e-5);
    compare('c2b / s2b / i2b / squeeze / flatten / cpack', (p) => [math.c2b(p), math.s2b(p), math.i2b(p), math.squeeze(p.get({ x: [0, 1] })), math.flatten(p), math.cpack(p, 'c')], [t]);
    compare('ravelIndex / unravelIndex / atMax / atMin', (p, q) => [math.unravelIndex(math.ravelIndex(q, spatial({ x: 4, i: 3 })), spatial({ x: 4, i: 3 })), math.atMax(p, p.get({ vector: 'u' }), 'x'), math.atMin(p, p.get({ vector: 'v' }), 'x,i')], [t, math.tensor([[1, 2], [3, 0]], instance('p'), channel({ index: 'x,i' }), { dtype: 'int32' })]);
    compare('clipLength / normalizeTo / meshgrid / constVec', (p) => [math.clipLength(p, 0.2, 0.8), math.normalizeTo(p.abs(), 3), math.meshgrid(spatial({ x: 3, y: 2 })).add(p.sum()), math.constVec(p.sum(), 'x,y')], [t], 1e-5, 1e-5);
  });

  after(() => {
    const missing = [...primitives().keys()].filter((p) => !covered.has(p));
    assert.deepStrictEqual(missing, [], `primitives never compiled by these tests: ${missing.join(', ')}`);
  });
});

function ia2(): Tensor {
  return math.tensor([[5, -7, 3], [2, 0, -1]], batch('b'), spatial('x'), { dtype: 'int32' });
}

export { Shape };
