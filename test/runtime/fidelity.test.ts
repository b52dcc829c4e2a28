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
