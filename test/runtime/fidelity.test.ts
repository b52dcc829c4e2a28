/**
 * Same results as ΦML 1.15.1: every expected text below was printed by the real ΦML (NumPy
 * backend) for the same expression (test/phiml/corpus.ts measures more of them).
 */
import * as assert from 'assert';
import { math, spatial, batch, channel, instance, Tensor } from 'tensorjit';

const f64 = () => math.wrap(new Float64Array([1, 2]), spatial('x'));
const x = () => math.tensor([1, 2, 3], spatial('x'));
const b = () => math.tensor([100, 200], batch('b'));
const s = (t: unknown) => String(t);

describe('ΦML fidelity: global precision', () => {
  afterEach(() => math.setPrecision(32));

  it('float results follow the global precision (float32 by default)', () => {
    assert.strictEqual(s(f64().mul(2)), '(2.000, 4.000) along xˢ');
    assert.strictEqual(f64().mul(2).dtype, 'float32');
    assert.strictEqual(s(math.sin(f64())), '(0.841, 0.909) along xˢ');
    // movement, neg/abs and reductions keep the dtype (as ΦML)
    assert.strictEqual(s(f64().neg()), '(-1.000, -2.000) along xˢ float64');
    assert.strictEqual(s(math.sum(f64())), 'float64 3.0');
    assert.strictEqual(math.expand(f64(), batch({ b: 2 })).dtype, 'float64');
    assert.strictEqual(math.maximum(f64(), f64()).dtype, 'float64');
    assert.strictEqual(math.clip(f64(), 0, 1.5).dtype, 'float64');
    assert.strictEqual(math.concat([f64(), f64()], 'x').dtype, 'float32');
    assert.strictEqual(math.dot(f64(), 'x', f64(), 'x').dtype, 'float32');
  });

  it('math.precision(64, fn) and setPrecision(64): creation and float results are float64 and print without a dtype', () => {
    math.precision(64, () => {
      assert.strictEqual(s(x().mul(2)), '(2.000, 4.000, 6.000) along xˢ');
      assert.strictEqual(x().mul(2).dtype, 'float64');
      assert.strictEqual(s(math.tensor(1 / 3)), '0.3333333333333333');
      assert.strictEqual(s(math.zeros(spatial({ x: 2 }))), '(0.000, 0.000) along xˢ');
      assert.strictEqual(s(math.linspace(0, 1, spatial({ x: 3 }))), '(0.000, 0.500, 1.000) along xˢ');
      assert.strictEqual(math.linspace(0, 1, spatial({ x: 3 })).dtype, 'float64');
      assert.strictEqual(s(math.sqrt(math.tensor([1n, 2n], spatial('x')))), '(1.000, 1.414) along xˢ');
      assert.strictEqual(s(math.wrap(new Float32Array([1, 2]), spatial('x')).add(1.5)), '(2.500, 3.500) along xˢ');
      assert.strictEqual(s(math.wrap(new Float32Array([1, 2]), spatial('x'))), '(1.000, 2.000) along xˢ float32');
      assert.strictEqual(math.getPrecision(), 64);
    });
    assert.strictEqual(math.getPrecision(), 32);
    math.setPrecision(64);
    assert.strictEqual(math.zeros(spatial({ x: 2 })).dtype, 'float64');
    math.setPrecision(32);
    assert.throws(() => math.setPrecision(16 as any), /32 or 64/);
  });

  it('the precision is part of the jit cache key', () => {
    let traces = 0;
    const f = math.jitCompile((t: Tensor) => { traces++; return t.mul(2); });
    assert.strictEqual(f(x()).dtype, 'float32');
    const r = math.precision(64, () => f(x()));
    assert.strictEqual(r.dtype, 'float64');
    assert.strictEqual(math.precision(64, () => String(r)), '(2.000, 4.000, 6.000) along xˢ');
    assert.strictEqual(f(x()).dtype, 'float32');
    assert.strictEqual(traces, 2);
    assert.deepStrictEqual(math.precision(64, () => math.traceCheck(f, x())), [true, '']);
  });

  it('ops traced inside math.precision(64, …) lower and re-evaluate with the dtypes they were traced with', () => {
    // std of float64 computes at precision 64 inside a trace made at 32 (a float64 reduction):
    // the compiled model used to mix float and double in its Div
    const std = math.jitCompile((t: Tensor) => math.std(t));
    assert.strictEqual(s(std(f64())), 'float64 0.5');
    const inner = math.jitCompile((t: Tensor) => math.precision(64, () => t.mul(0.1)).add(t.mul(0.1)));
    const r = inner(f64());
    assert.strictEqual(r.dtype, 'float32');
    assert.deepStrictEqual(Array.from(r.data as Float32Array), [Math.fround(0.2), Math.fround(0.4)]);
    // a float64 loop state computed at precision 64 keeps its dtype through the ONNX Loop
    const loop = math.jitCompile((t: Tensor) => math.whileLoop(([i]: Tensor[]) => math.less(i, 2), ([i, v]: Tensor[]) => [math.add(i, 1), math.neg(v)], [math.tensor(0, { dtype: 'int32' }), math.std(t)])[1]);
    assert.strictEqual(s(loop(f64())), 'float64 0.5');
    // a body that changes a state's dtype is refused with the path and the fix
    assert.throws(() => math.whileLoop(([i]: Tensor[]) => math.less(i, 2), ([i, v]: Tensor[]) => [math.add(i, 1), v.mul(2)], [math.tensor(0, { dtype: 'int32' }), f64()]),
      /changed the dtype of .* from float64 to float32.*math\.cast\(x, 'float64'\)/);
  });
});

describe('ΦML fidelity: shape filters', () => {
  it('spatial(t), batch(t), … return the dims of that type of a tensor or shape', () => {
    const xb = x().add(b());
    assert.strictEqual(s(spatial(xb)), '(xˢ=3)');
    assert.strictEqual(s(batch(xb)), '(bᵇ=2)');
    assert.strictEqual(s(channel(xb)), '()');
    assert.strictEqual(s(instance(x())), '()');
    assert.strictEqual(s(spatial(spatial({ x: 2 }).and(batch({ b: 3 })))), '(xˢ=2)');
    // constructors stay constructors
    assert.strictEqual(s(spatial('x,y')), '(xˢ, yˢ)');
    assert.strictEqual(s(batch({ b: 2 })), '(bᵇ=2)');
    assert.throws(() => spatial(xb as any, 'y'), /filters one tensor or shape/);
  });
});

describe('ΦML fidelity: printing, absent dims, slices, reductions (expected texts from ΦML 1.15.1)', () => {
  it('several channel dims print as one flat row', () => {
    assert.strictEqual(s(math.tensor([[1, 2, 3], [4, 5, 6]], channel('a'), channel('b'))), '(1.000, 2.000, 3.000, 4.000, 5.000, 6.000) (aᶜ=2, bᶜ=3)');
    assert.strictEqual(s(math.ones(spatial({ x: 1 }), channel({ a: 2 }), channel({ b: 'p,q' }))), '(1.000, 1.000, 1.000, 1.000) (xˢ=1, aᶜ=2, bᶜ=p,q)');
    assert.strictEqual(s(math.tensor([[1n, 2n], [3n, 4n]], channel({ a: 'p,q' }), channel({ b: 'u,v' }))), '(1, 2, 3, 4) (aᶜ=p,q, bᶜ=u,v) int64');
  });
  it('summaries of non-finite data', () => {
    const x8 = (v: number[]) => math.tensor(v, spatial('x'));
    assert.strictEqual(s(x8(Array(8).fill(NaN))), '(xˢ=8) nan ± nan (nan...nan)');
    assert.strictEqual(s(x8(Array(8).fill(Infinity))), '(xˢ=8) nan ± nan (nan...nan)');
    assert.strictEqual(s(x8(Array(8).fill(-Infinity))), '(xˢ=8) nan ± nan (nan...nan)');
    assert.strictEqual(s(x8([1, 2, 3, 4, 5, 6, 7, Infinity])), '(xˢ=8) 4.000 ± nan (1e+00...7e+00)');
    assert.strictEqual(s(x8([1, 1, 1, 1, 1, 1, 1, Infinity])), '(xˢ=8) const 1.0 / nan');
    assert.strictEqual(s(x8([1, 1, 1, 1, 1, 1, 1, NaN])), '(xˢ=8) const 1.0 / nan');
  });
  it('absent dims are ignored (setStrictDims(true) makes them errors)', () => {
    assert.strictEqual(s(math.sum(x(), 'z')), '(1.000, 2.000, 3.000) along xˢ');
    assert.strictEqual(s(math.max(x().add(b()), 'x,z')), '(103.000, 203.000) along bᵇ');
    assert.strictEqual(s(x().get({ y: 0 })), '(1.000, 2.000, 3.000) along xˢ');
    assert.strictEqual(s(x().get({ x: 1, z: 0 })), '2.0');
    assert.strictEqual(s(math.renameDims(x(), 'z', 'w')), '(1.000, 2.000, 3.000) along xˢ');
    assert.strictEqual(s(math.std(x(), 'z')), '(0.000, 0.000, 0.000) along xˢ');
    assert.strictEqual(s(math.packDims(x(), 'z,w', spatial('p'))), '(1.000, 2.000, 3.000) along xˢ');
    const before = math.setStrictDims(true);
    try {
      assert.throws(() => math.sum(x(), 'z'), /unknown dimension 'z'/);
      assert.throws(() => x().get({ y: 0 }), /unknown dimension 'y'/);
      assert.throws(() => math.renameDims(x(), 'z', 'w'), /unknown dimension 'z'/);
    } finally { math.setStrictDims(before); }
  });
  it('open-ended slices: null leaves a bound open', () => {
    assert.strictEqual(s(x().get({ x: [null, null, -1] })), '(3.000, 2.000, 1.000) along xˢ');
    assert.strictEqual(s(x().get({ x: [1, null] })), '(2.000, 3.000) along xˢ');
    assert.strictEqual(s(x().get({ x: [null, 2] })), '(1.000, 2.000) along xˢ');
    assert.strictEqual(s(x().get({ x: [null, null, 2] })), '(1.000, 3.000) along xˢ');
    const rev = math.jitCompile((t: Tensor) => t.get({ x: [null, null, -1] }));
    assert.strictEqual(s(rev(x())), '(3.000, 2.000, 1.000) along xˢ');
  });
  it('sum of int32 / bool is int64, ones like bool are int64, clip as ΦML', () => {
    assert.strictEqual(s(math.sum(math.wrap(new Int32Array([1, 2, 3]), spatial('x')))), 'int64 6');
    assert.strictEqual(s(math.sum(math.tensor([true, false], spatial('x')))), 'int64 1');
    assert.strictEqual(s(math.onesLike(x().gt(1))), '(1, 1, 1) along xˢ int64');
    assert.strictEqual(s(math.clip(x(), 2, 1)), '(1.000, 1.000, 1.000) along xˢ');
    assert.strictEqual(s(math.clip(x(), math.tensor(2), math.tensor(1))), '(2.000, 2.000, 2.000) along xˢ');
    assert.strictEqual(s(math.clip(x(), b().div(100), 1.5)), '1.000; 1.500; 1.500; 2.000; 2.000; 2.000 (bᵇ=2, xˢ=3)');
  });
  it('stack: non-batch dims must match unless expandValues (ΦML expand_values=True)', () => {
    assert.throws(() => math.stack([x(), b()], channel('c')), /non-batch dims must match/);
    assert.strictEqual(s(math.stack([x(), b()], channel('c'), { expandValues: true }).shape), '(bᵇ=2, xˢ=3, cᶜ=2)');
  });
});

describe('ΦML fidelity: convolve strides, % inf, empty means, concrete conditions', () => {
  /** One output of a strided 1-D correlation: Σ_t k[t] · padded[j·s + t], from ΦML's padding rule. */
  function reference(v: number[], k: number[], size: 'same' | 'valid' | 'full', st: number, periodic: boolean): number[] {
    const n = v.length, m = k.length;
    const out = size === 'valid' ? Math.ceil((n - m + 1) / st) : size === 'same' ? Math.ceil(n / st) : Math.floor((n + m - 1) / st);
    const p = size === 'valid' ? 0 : Math.max(0, st * (out - 1) + m - n);
    const before = Math.floor(p / 2);
    const at = (i: number) => (i >= 0 && i < n ? v[i] : periodic ? v[((i % n) + n) % n] : 0);
    return Array.from({ length: out }, (_, j) => k.reduce((acc, kt, t) => acc + kt * at(j * st + t - before), 0));
  }
  const v7 = [1, 4, 9, 16, 25, 36, 49];
  it('strides keep every s-th window with ΦML output sizes and padding, eagerly and compiled', () => {
    const value = math.tensor(v7, spatial('x'));
    for (const kern of [[1, -2, 3], [1, -2, 3, 5], [2]]) {
      const kernel = math.tensor(kern, spatial('x'));
      for (const size of ['same', 'valid', 'full'] as const) {
        for (const st of [2, 3]) {
          for (const periodic of [false, true]) {
            const f = (a: Tensor, b: Tensor) => math.convolve(a, b, size, periodic ? 'periodic' : 0, undefined, st);
            const expected = reference(v7, kern, size, st, periodic);
            for (const [what, r] of [['eager', f(value, kernel)], ['compiled', math.jitCompile(f)(value, kernel)]] as const) {
              assert.deepStrictEqual(Array.from(r.data as Float32Array), expected, `${what} ${size} stride ${st} kernel ${kern} ${periodic ? 'periodic' : 'zero'}`);
            }
          }
        }
      }
    }
    // per dim: missing dims keep stride 1
    const g = math.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], spatial('x'), spatial('y'));
    const r = math.convolve(g, math.tensor([[1, 1], [1, 1]], spatial('x'), spatial('y')), 'valid', 0, undefined, { y: 2 });
    assert.strictEqual(s(r), '14.000; 22.000; 30.000; 38.000 (xˢ=2, yˢ=2)');
    assert.throws(() => math.convolve(g, g, 'same', 0, undefined, 0), /strides must be positive integers, got 0; write e\.g\. 2/);
    assert.throws(() => math.convolve(math.tensor([1, 2], spatial('x')), math.tensor([1, 1], spatial('x')), 'valid', 0, undefined, { x: 1.5 }), /got \{"x":1\.5\} \(for 'x'\)/);
  });

  it('x % ±inf follows ΦML (NumPy floor modulo): x for the same sign, else ±inf', () => {
    const t = math.tensor([1, -2, 0], spatial('x'));
    const f = (a: Tensor) => [a.mod(Infinity), a.mod(-Infinity)];
    for (const [pos, neg] of [f(t), math.jitCompile(f)(t)]) {
      assert.strictEqual(s(pos), '(1.000, inf, 0.000) along xˢ');
      assert.strictEqual(s(neg), '(-inf, -2.000, -0.000) along xˢ');
    }
  });

  it('mean over an empty dim of stored data is nan, as in ΦML (NumPy 0 / 0)', () => {
    const e = math.tensor(new Float32Array(0), spatial({ x: 0, y: 2 }));
    const f = (a: Tensor) => math.mean(a, 'x');
    assert.strictEqual(s(f(e)), '(nan, nan) along yˢ');
    assert.strictEqual(s(math.jitCompile(f)(e)), '(nan, nan) along yˢ');
  });

  it("a concrete math.wrap scalar drives JS control flow in a jit function (ΦML's JIT notebook)", () => {
    // `z > 1` is TS2365 in TypeScript (no operator overloading); in JS it converts the concrete
    // scalar, as ΦML's NumPy-backed `z > 1` does; Number(z) and z.gt(1).all are the typed spellings
    for (const cond of [(z: Tensor) => (z as any) > 1, (z: Tensor) => Number(z) > 1, (z: Tensor) => z.gt(1).all, (z: Tensor) => (z as any) > -1]) {
      const fun = math.jitCompile((x: Tensor) => {
        const z = math.sin(math.wrap(2).pow(2));
        return cond(z) ? z.mul(x) : z.div(x);
      });
      const r = fun(math.tensor(2));
      const expectedOp = cond(math.sin(math.wrap(2).pow(2))) ? 'mul' : 'div';
      assert.strictEqual(s(r), expectedOp === 'mul' ? String(math.tensor(-0.7568025).mul(2)) : String(math.tensor(-0.7568025).div(2)));
      assert.match(fun.traces[0].graph, new RegExp(`= ${expectedOp} -0\\.7568025:f32 v0`));
      assert.doesNotMatch(fun.traces[0].graph, /sin|greater/);
    }
    // an int64 scalar beyond 2^53 compares exactly (the bigint)
    const big = math.jitCompile((x: Tensor) => ((math.wrap(9007199254740993n) as any) > 9007199254740992n ? x.mul(2) : x));
    assert.strictEqual(s(big(math.tensor(1))), '2.0');
    // a traced value in a JS condition says what to use instead
    const traced = math.jitCompile((x: Tensor) => ((x as any) > 1 ? x : x.neg()));
    assert.throws(() => traced(math.tensor(2)), /TracerConversionError|Cannot convert to a JS value a traced tensor \(\) float32 inside jit function .*math\.where\(condition, a, b\)/);
  });
});

describe('ΦML fidelity: complex64 (fft, ifft, arithmetic, printing; expected texts from ΦML 1.15.1)', () => {
  const x4 = () => math.tensor([1, 2, 3, 4], spatial('x'));
  /** The text of `fn(...args)` eagerly and compiled (complex inputs and outputs cross the jit boundary). */
  function both(fn: (...a: Tensor[]) => Tensor, args: Tensor[], text: string): void {
    assert.strictEqual(s(fn(...args)), text, 'eager');
    const j = math.jitCompile(fn);
    assert.strictEqual(s(j(...args)), text, 'compiled');
    assert.strictEqual(s(j(...args)), text, 'compiled (cached)');
  }

  it('fft / ifft over the spatial dims (or the given ones); ifft(fft(x)) ≈ x', () => {
    both((t) => math.fft(t), [x4()], '((10+0j), (-2+2j), (-2+0j), (-2-2j)) along xˢ complex64');
    both((t) => math.ifft(math.fft(t)), [x4()], '((1+0j), (2+0j), (3+0j), (4+0j)) along xˢ complex64');
    both((t) => math.ifft(t), [math.fft(x4())], '((1+0j), (2+0j), (3+0j), (4+0j)) along xˢ complex64');
    const xy = math.tensor([[1, 2], [3, 4]], spatial('x'), spatial('y'));
    both((t) => math.fft(t), [xy], '(10+0j); (-2+0j); (-4+0j); 0j (xˢ=2, yˢ=2) complex64');
    both((t) => math.fft(t, 'x'), [xy], '(4+0j); (6+0j); (-2+0j); (-2+0j) (xˢ=2, yˢ=2) complex64');
    both((t) => math.fft(t), [math.tensor([[1, 2, 3], [4, 5, 6]], batch('b'), spatial('x'))],
      '(6+0j); (-1.5+0.8660254j); (-1.5-0.8660254j); (15+0j); (-1.5+0.8660254j); (-1.5-0.8660254j) (bᵇ=2, xˢ=3) complex64');
    // float64 between the dims (a fuzz find): 3e38 - -3e38 overflows float32 only at the end, so the
    // z transform of it has imaginary part 0, not inf · 0 = NaN
    both((t) => math.fft(t), [math.tensor([[3e38], [-3e38]], spatial('y'), spatial('z'))], '0j; (inf+0j) (yˢ=2, zˢ=1) complex64');
    // no spatial dims: only converted
    both((t) => math.fft(t), [math.tensor([1, 2], channel('c'))], '((1+0j), (2+0j)) along cᶜ complex64');
    both((t) => math.fft(t), [math.range(spatial({ x: 100 }))], '(xˢ=100) complex64 |...| < 4950.0');
    // a random signal: the round trip returns it within float32 rounding
    const noise = math.randomNormal(spatial({ x: 12, y: 5 }), batch({ b: 2 }));
    const back = math.jitCompile((t: Tensor) => math.real(math.ifft(math.fft(t))))(noise);
    (noise.data as Float32Array).forEach((v, i) => assert.ok(Math.abs((back.data as Float32Array)[i] - v) < 1e-5, `element ${i}`));
  });

  it('add, sub, mul, neg with complex and real operands; abs, real, imag, conjugate, angle', () => {
    const f = () => math.fft(x4());
    both((t) => math.abs(t), [f()], '(10.000, 2.828, 2.000, 2.828) along xˢ');
    both((t) => math.real(t), [f()], '(10.000, -2.000, -2.000, -2.000) along xˢ');
    both((t) => math.imag(t), [f()], '(0.000, 2.000, 0.000, -2.000) along xˢ');
    both((t) => math.conjugate(t), [f()], '((10-0j), (-2-2j), (-2-0j), (-2+2j)) along xˢ complex64');
    both((t) => t.add(1), [f()], '((11+0j), (-1+2j), (-1+0j), (-1-2j)) along xˢ complex64');
    both((t) => t.mul(t), [f()], '((100+0j), -8j, (4-0j), 8j) along xˢ complex64');
    both((t, u) => t.add(u), [f(), x4()], '((11+0j), 2j, (1+0j), (2-2j)) along xˢ complex64');
    both((t) => math.angle(t), [f()], '(0.000, 2.356, 3.142, -2.356) along xˢ');
    both((t) => math.toComplex(t), [math.tensor([1, 2], spatial('x'), { dtype: 'int32' })], '((1+0j), (2+0j)) along xˢ complex64');
    // broadcasting by name between a complex (bᵇ, xˢ) and a real (xˢ) tensor
    both((t, u) => t.mul(u).sub(u), [math.fft(math.tensor([[1, 2, 3], [4, 5, 6]], batch('b'), spatial('x'))), math.tensor([1, 2, 3], spatial('x'))],
      '(5+0j); (-5+1.7320508j); (-7.5-2.598076j); (14+0j); (-5+1.7320508j); (-7.5-2.598076j) (bᵇ=2, xˢ=3) complex64');
    // real tensors: real is the tensor, imag zeros, conjugate the tensor (ΦML)
    assert.strictEqual(s(math.imag(x4())), '(0.000, 0.000, 0.000, 0.000) along xˢ');
    assert.strictEqual(math.real(x4()).dtype, 'float32');
  });

  it('prints like NumPy complex64 in ΦML: +0 real parts left out, signed zeros, nan / inf, labels, scalars', () => {
    const re = math.tensor([0.1, 1e-8, NaN, -0, 1.5], spatial('x'));
    const im = math.tensor([0.2, 1e8, Infinity, -0, -0], spatial('x'));
    both((a, b) => math.toComplex(a, b), [re, im], '((0.1+0.2j), (1e-08+1e+08j), (nan+infj), (-0-0j), (1.5-0j)) along xˢ complex64');
    assert.strictEqual(s(math.toComplex(math.tensor([1, 3], channel({ vector: 'a,b' })), math.tensor([2, -1], channel({ vector: 'a,b' })))), '(a=(1+2j), b=(3-1j)) complex64');
    assert.strictEqual(s(math.toComplex(math.tensor([[1, 3], [0, 2]], spatial('x'), batch('b')), math.tensor([[2, -1], [1, 0]], spatial('x'), batch('b')))), '(1+2j); 1j; (3-1j); (2+0j) (bᵇ=2, xˢ=2) complex64');
    assert.strictEqual(s(math.toComplex(4, 0)), 'complex64 (4+0j)');
    assert.deepStrictEqual(math.toComplex(1, -2).item(), { re: 1, im: -2 });
    assert.deepStrictEqual(math.fft(math.tensor([1, 1], spatial('x'))).toArray(), [{ re: 2, im: 0 }, { re: 0, im: 0 }]);
    const traced = math.jitCompile((t: Tensor) => { assert.strictEqual(s(math.fft(t)), '(xˢ=2) complex64 onnx tracer'); return math.fft(t); });
    traced(math.tensor([1, 2], spatial('x')));
  });

  it('other ops refuse complex64 values, naming the op and the fix; no gradients through complex values', () => {
    const f = math.fft(x4());
    assert.throws(() => math.sum(f), /sum does not take complex64 values \(got a complex64 tensor \(xˢ=4\)\); complex64 works in .*fft.*: convert first with math\.real\(t\), math\.imag\(t\) or math\.abs\(t\)/);
    assert.throws(() => f.gt(0), /greater does not take complex64 values/);
    assert.throws(() => f.get({ x: 0 }), /does not take complex64 values/);
    assert.throws(() => math.jitCompile((t: Tensor) => t.div(2))(f), /div does not take complex64 values/);
    assert.throws(() => math.cast(f, 'float32'), /complex64 → float32 would drop the imaginary part of \(xˢ=4\); use math\.real\(t\)/);
    assert.throws(() => Number(math.toComplex(1, 2)), /Cannot convert a complex64 tensor to a JS number: use Number\(math\.real\(t\)\)/);
    assert.throws(() => math.randomNormal(spatial({ x: 2 }), { dtype: 'complex64' }), /complex64 is not a random dtype/);
    assert.throws(() => math.gradient((t: Tensor) => math.sum(math.abs(math.fft(t))))(x4()), /gradient: 'fft' makes a complex64 value from a differentiated one; gradients through complex numbers are not supported/);
  });
});
