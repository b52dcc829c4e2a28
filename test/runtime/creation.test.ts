import * as assert from 'assert';
import { math, spatial, channel, batch, instance, dual, vec, Tensor, Shape } from 'tensorjit';
import { assertTensor, assertAllClose, throwsWith, values } from '../helpers';

describe('creation: math.tensor / math.wrap', () => {
  it('JS numbers become float32, bigints int64, booleans bool (rank 0)', () => {
    assertTensor(math.tensor(1.5), '()', 'float32', [1.5]);
    assertTensor(math.tensor(2), '()', 'float32', [2]);
    assertTensor(math.tensor(10n), '()', 'int64', [10n]);
    assertTensor(math.tensor(true), '()', 'bool', [true]);
    assertTensor(math.tensor(false), '()', 'bool', [false]);
    // float32 storage rounds
    assertTensor(math.tensor(0.1), '()', 'float32', [Math.fround(0.1)]);
  });

  it('1-D data without a shape gets channel vector', () => {
    assertTensor(math.tensor([1, 2, 3]), '(vectorᶜ=3)', 'float32', [1, 2, 3]);
    assertTensor(math.tensor([1n, -2n]), '(vectorᶜ=2)', 'int64', [1n, -2n]);
    assertTensor(math.tensor([true, false]), '(vectorᶜ=2)', 'bool', [true, false]);
  });

  it('names the dims of nested arrays in nesting order, then sorts them by kind (ΦML)', () => {
    const t = math.tensor([[1, 2, 3], [4, 5, 6]], spatial('x,y'));
    assertTensor(t, '(xˢ=2, yˢ=3)', 'float32', [1, 2, 3, 4, 5, 6]);
    const u = math.tensor([[1, 2, 3], [4, 5, 6]], instance('p'), channel({ vector: 'x,y,z' }));
    assertTensor(u, '(pⁱ=2, vectorᶜ=x,y,z)', 'float32', [1, 2, 3, 4, 5, 6]);
    // sizes given must match
    const w = math.tensor([[1, 2], [3, 4]], batch({ b: 2 }), spatial({ x: 2 }));
    assertTensor(w, '(bᵇ=2, xˢ=2)', 'float32', [1, 2, 3, 4]);
    // as ΦML's tensor() of nested lists: the dims are named in nesting order, then sorted by kind
    const c = math.tensor([[1, 2, 3], [4, 5, 6]], channel('c'), spatial('x'));
    assertTensor(c, '(xˢ=3, cᶜ=2)', 'float32', [1, 4, 2, 5, 3, 6]);
    assert.strictEqual(String(math.tensor([[1, 2, 3], [4, 5, 6]], spatial('x'), batch('b'))), '1.000; 4.000; 2.000; 5.000; 3.000; 6.000 (bᵇ=3, xˢ=2)');
    // typed arrays keep the given order (ΦML: NumPy arrays)
    assertTensor(math.tensor(Float32Array.of(1, 2, 3, 4, 5, 6), channel({ c: 2 }), spatial({ x: 3 })), '(cᶜ=2, xˢ=3)', 'float32', [1, 2, 3, 4, 5, 6]);
    // rank 3
    const r3 = math.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], batch('b'), spatial('x'), channel('c'));
    assertTensor(r3, '(bᵇ=2, xˢ=2, cᶜ=2)', 'float32', [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepStrictEqual(r3.toArray(), [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
  });

  it('accepts several shape arguments and a shape made with and()', () => {
    const t1 = math.tensor([[1, 2], [3, 4]], spatial('x').and(spatial('y')));
    const t2 = math.tensor([[1, 2], [3, 4]], spatial('x'), spatial('y'));
    assertTensor(t1, '(xˢ=2, yˢ=2)', 'float32', [1, 2, 3, 4]);
    assertTensor(t2, '(xˢ=2, yˢ=2)', 'float32', [1, 2, 3, 4]);
  });

  it('{ dtype } overrides the natural dtype', () => {
    assertTensor(math.tensor([1.7, -1.7, 2], { dtype: 'int32' }), '(vectorᶜ=3)', 'int32', [1, -1, 2]);
    assertTensor(math.tensor([1.7, -1.7], { dtype: 'int64' }), '(vectorᶜ=2)', 'int64', [1n, -1n]);
    assertTensor(math.tensor([0, 2, -1], { dtype: 'bool' }), '(vectorᶜ=3)', 'bool', [false, true, true]);
    assertTensor(math.tensor([0.1], { dtype: 'float64' }), '(vectorᶜ=1)', 'float64', [0.1]);
    assertTensor(math.tensor([3n], { dtype: 'float32' }), '(vectorᶜ=1)', 'float32', [3]);
    assertTensor(math.tensor([true, false], { dtype: 'float32' }), '(vectorᶜ=2)', 'float32', [1, 0]);
    assertTensor(math.tensor(5, { dtype: 'int64' }), '()', 'int64', [5n]);
    assertTensor(math.tensor([[1, 2]], spatial('x,y'), { dtype: 'int32' }), '(xˢ=1, yˢ=2)', 'int32', [1, 2]);
  });

  it('bigint data keeps int64 exactly beyond 2^53', () => {
    const big = 2n ** 62n + 1n;
    const t = math.tensor([big, -big]);
    assertTensor(t, '(vectorᶜ=2)', 'int64', [big, -big]);
    assert.strictEqual(t.toArray()[0], big);
    assertTensor(math.tensor(-(2n ** 63n)), '()', 'int64', [-(2n ** 63n)]);
  });

  it('typed arrays keep their dtype', () => {
    assertTensor(math.tensor(new Float32Array([1, 2])), '(vectorᶜ=2)', 'float32', [1, 2]);
    assertTensor(math.tensor(new Float64Array([0.1, 2])), '(vectorᶜ=2)', 'float64', [0.1, 2]);
    assertTensor(math.tensor(new Int32Array([1, -2])), '(vectorᶜ=2)', 'int32', [1, -2]);
    assertTensor(math.tensor(new BigInt64Array([1n, 2n ** 60n])), '(vectorᶜ=2)', 'int64', [1n, 2n ** 60n]);
    assertTensor(math.tensor(new Uint8Array([1, 0]), { dtype: 'bool' }), '(vectorᶜ=2)', 'bool', [true, false]);
  });

  it('typed arrays take sizes from the shape, or fill a names-only 1-D dim', () => {
    assertTensor(math.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), spatial({ x: 2, y: 3 })), '(xˢ=2, yˢ=3)', 'float32', [1, 2, 3, 4, 5, 6]);
    assertTensor(math.tensor(new Int32Array([7, 8, 9]), spatial('x')), '(xˢ=3)', 'int32', [7, 8, 9]);
    assertTensor(math.tensor(new Float32Array([1.5, -2.5]), { dtype: 'int32' }), '(vectorᶜ=2)', 'int32', [1, -2]);
    assertTensor(math.tensor(new Float32Array([1.5, 0]), { dtype: 'float64' }), '(vectorᶜ=2)', 'float64', [1.5, 0]);
  });

  it('arrays of tensors stack along the given (or vector) dim', () => {
    const t = math.tensor([math.tensor(1), math.tensor(2)]);
    assertTensor(t, '(vectorᶜ=2)', 'float32', [1, 2]);
    const u = math.tensor([math.tensor([1, 2], spatial('x')), math.tensor([3, 4], spatial('x'))], batch('b'));
    assertTensor(u, '(bᵇ=2, xˢ=2)', 'float32', [1, 2, 3, 4]);
  });

  it('a tensor passed to math.tensor is returned or converted', () => {
    const a = math.tensor([1.5, 2]);
    assert.strictEqual(math.tensor(a), a);
    assertTensor(math.tensor(a, { dtype: 'int32' }), '(vectorᶜ=2)', 'int32', [1, 2]);
    assertTensor(a, '(vectorᶜ=2)', 'float32', [1.5, 2], 'input unchanged');
  });

  it('empty data', () => {
    assertTensor(math.tensor([]), '(vectorᶜ=0)', 'float32', []);
    assertTensor(math.tensor([[], []], spatial('x,y')), '(xˢ=2, yˢ=0)', 'float32', []);
    assert.deepStrictEqual(math.tensor([[], []], spatial('x,y')).toArray(), [[], []]);
  });

  it('wrap behaves like tensor outside a trace', () => {
    assertTensor(math.wrap(2), '()', 'float32', [2]);
    assertTensor(math.wrap(2n), '()', 'int64', [2n]);
    assertTensor(math.wrap(true), '()', 'bool', [true]);
    assertTensor(math.wrap([1, 2]), '(vectorᶜ=2)', 'float32', [1, 2]);
    assertTensor(math.wrap([1n, 2n], spatial('x')), '(xˢ=2)', 'int64', [1n, 2n]);
    assertTensor(math.wrap([[1, 2]], spatial('x,y'), { dtype: 'float64' }), '(xˢ=1, yˢ=2)', 'float64', [1, 2]);
  });
});

describe('creation: constants of a shape', () => {
  it('zeros / ones are float32 unless { dtype }', () => {
    assertTensor(math.zeros(spatial({ x: 2, y: 2 })), '(xˢ=2, yˢ=2)', 'float32', [0, 0, 0, 0]);
    assertTensor(math.ones(batch({ b: 2 }), channel({ vector: 'x,y' })), '(bᵇ=2, vectorᶜ=x,y)', 'float32', [1, 1, 1, 1]);
    assertTensor(math.ones(spatial({ x: 3 }), { dtype: 'int32' }), '(xˢ=3)', 'int32', [1, 1, 1]);
    assertTensor(math.ones(spatial({ x: 2 }), { dtype: 'int64' }), '(xˢ=2)', 'int64', [1n, 1n]);
    assertTensor(math.ones(spatial({ x: 2 }), { dtype: 'bool' }), '(xˢ=2)', 'bool', [true, true]);
    assertTensor(math.zeros(spatial({ x: 2 }), { dtype: 'float64' }), '(xˢ=2)', 'float64', [0, 0]);
    assertTensor(math.zeros(), '()', 'float32', [0]);
    assertTensor(math.ones(), '()', 'float32', [1]);
    assertTensor(math.zeros(spatial({ x: 0 })), '(xˢ=0)', 'float32', []);
  });

  it('zerosLike / onesLike copy shape and dtype', () => {
    const t = math.tensor([[1n, 2n, 3n]], batch('b'), spatial('x'));
    assertTensor(math.zerosLike(t), '(bᵇ=1, xˢ=3)', 'int64', [0n, 0n, 0n]);
    assertTensor(math.onesLike(t), '(bᵇ=1, xˢ=3)', 'int64', [1n, 1n, 1n]);
    assertTensor(math.onesLike(math.tensor([true, false])), '(vectorᶜ=2)', 'int64', [1n, 1n]); // ΦML: ones_like(bool) is int64
    assertTensor(math.zerosLike(vec({ x: 1, y: 2 })), '(vectorᶜ=x,y)', 'float32', [0, 0]);
  });

  it('linspace includes both ends', () => {
    assertTensor(math.linspace(0, 1, spatial({ x: 5 })), '(xˢ=5)', 'float32', [0, 0.25, 0.5, 0.75, 1]);
    assertTensor(math.linspace(2, -2, spatial({ x: 3 })), '(xˢ=3)', 'float32', [2, 0, -2]);
    assertTensor(math.linspace(3, 1, spatial({ x: 1 })), '(xˢ=1)', 'float32', [3]);
    const t = math.linspace(0, 1, instance({ i: 11 }));
    assertAllClose(values(t), Array.from({ length: 11 }, (_, i) => Math.fround(i / 10)), 0, 0);
  });

  it('range gives int32 values', () => {
    assertTensor(math.range(spatial({ x: 4 })), '(xˢ=4)', 'int32', [0, 1, 2, 3]);
    assertTensor(math.range(spatial('x'), 3), '(xˢ=3)', 'int32', [0, 1, 2]);
    assertTensor(math.range(spatial('x'), 2, 10, 3), '(xˢ=3)', 'int32', [2, 5, 8]);
    assertTensor(math.range(spatial('x'), 5, 0, -2), '(xˢ=3)', 'int32', [5, 3, 1]);
    assertTensor(math.range(spatial('x'), 3, 3), '(xˢ=0)', 'int32', []);
    assertTensor(math.range(batch({ b: 2 })), '(bᵇ=2)', 'int32', [0, 1]);
  });

  it('vec makes a channel vector with item names', () => {
    assertTensor(vec({ x: 1, y: 2 }), '(vectorᶜ=x,y)', 'float32', [1, 2]);
    assertTensor(vec({ x: 1n, y: 2n }), '(vectorᶜ=x,y)', 'int64', [1n, 2n]);
    assertTensor(vec({ a: 0.5 }, 'pos'), '(posᶜ=a)', 'float32', [0.5]);
    // tensor components are stacked (broadcast first)
    const v = vec({ x: math.tensor([0n, 1n, 2n], instance('sequence')), y: 0n });
    assertTensor(v, '(sequenceⁱ=3, vectorᶜ=x,y)', 'int64', [0n, 0n, 1n, 0n, 2n, 0n]);
    const w = vec({ x: math.tensor([1, 2], spatial('s')), y: math.tensor(5) });
    assertTensor(w, '(sˢ=2, vectorᶜ=x,y)', 'float32', [1, 5, 2, 5]);
  });
});

describe('creation: random numbers', () => {
  function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
    const v = values(t);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    return { mean, std, min: Math.min(...v), max: Math.max(...v) };
  }
  const N = 20000;

  it('randomNormal: float32, mean 0, std 1 (statistics of 20000 draws)', () => {
    math.seed(7);
    const t = math.randomNormal(spatial({ x: N }));
    assert.strictEqual(String(t.shape), `(xˢ=${N})`);
    assert.strictEqual(t.dtype, 'float32');
    const s = stats(t);
    assert.ok(Math.abs(s.mean) < 5 / Math.sqrt(N), `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 1) < 0.03, `std ${s.std}`);
    // about 68% within one std, 95% within two
    const v = values(t);
    const in1 = v.filter((x) => Math.abs(x) < 1).length / N, in2 = v.filter((x) => Math.abs(x) < 2).length / N;
    assert.ok(Math.abs(in1 - 0.6827) < 0.02, `within 1σ: ${in1}`);
    assert.ok(Math.abs(in2 - 0.9545) < 0.01, `within 2σ: ${in2}`);
    assert.ok(v.every(Number.isFinite));
  });

  it('randomNormal with { mean, std } and dtype float64; odd sizes; several shapes', () => {
    math.seed(8);
    const t = math.randomNormal(batch({ b: 100 }), spatial({ x: 201 }), { mean: 5, std: 2, dtype: 'float64' });
    assert.strictEqual(String(t.shape), '(bᵇ=100, xˢ=201)');
    assert.strictEqual(t.dtype, 'float64');
    const s = stats(t);
    assert.ok(Math.abs(s.mean - 5) < 0.05, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 2) < 0.05, `std ${s.std}`);
    assert.ok(values(math.randomNormal(spatial({ x: 3 }))).every(Number.isFinite));
    assertTensor(math.randomNormal(spatial({ x: 0 })), '(xˢ=0)', 'float32', []);
    const scalar = math.randomNormal();
    assert.strictEqual(String(scalar.shape), '()');
  });

  it('randomUniform: [0, 1) by default, [low, high) with options, integers for int dtypes', () => {
    math.seed(9);
    const u = math.randomUniform(spatial({ x: N }));
    assert.strictEqual(u.dtype, 'float32');
    const s = stats(u);
    assert.ok(s.min >= 0 && s.max < 1, `${s.min}..${s.max}`);
    assert.ok(Math.abs(s.mean - 0.5) < 5 * Math.sqrt(1 / 12 / N), `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - Math.sqrt(1 / 12)) < 0.01, `std ${s.std}`);
    const w = math.randomUniform(spatial({ x: N }), { low: -2, high: 3 });
    const sw = stats(w);
    assert.ok(sw.min >= -2 && sw.max < 3);
    assert.ok(Math.abs(sw.mean - 0.5) < 5 * 5 * Math.sqrt(1 / 12 / N), `mean ${sw.mean}`);
    const k = math.randomUniform(spatial({ x: N }), { low: 0, high: 5, dtype: 'int32' });
    assert.strictEqual(k.dtype, 'int32');
    const kv = values(k);
    for (let j = 0; j < 5; j++) {
      const frac = kv.filter((x) => x === j).length / N;
      assert.ok(Math.abs(frac - 0.2) < 0.02, `P(${j}) = ${frac}`);
    }
    assert.ok(kv.every((x) => Number.isInteger(x) && x >= 0 && x < 5));
    const k64 = math.randomUniform(spatial({ x: 50 }), { low: -3, high: 3, dtype: 'int64' });
    assert.strictEqual(k64.dtype, 'int64');
    assert.ok(values(k64).every((x) => Number.isInteger(x) && x >= -3 && x < 3));
  });

  it('math.seed makes draws reproducible', () => {
    math.seed(123);
    const a = values(math.randomNormal(spatial({ x: 50 })));
    const b = values(math.randomUniform(spatial({ x: 5 })));
    math.seed(123);
    const a2 = values(math.randomNormal(spatial({ x: 50 })));
    const b2 = values(math.randomUniform(spatial({ x: 5 })));
    assert.deepStrictEqual(a2, a);
    assert.deepStrictEqual(b2, b);
    math.seed(124);
    assert.notDeepStrictEqual(values(math.randomNormal(spatial({ x: 50 }))), a);
    // consecutive draws differ
    math.seed(123);
    const c1 = values(math.randomUniform(spatial({ x: 5 })));
    const c2 = values(math.randomUniform(spatial({ x: 5 })));
    assert.notDeepStrictEqual(c1, c2);
  });

  it('bool is not a random dtype', () => {
    throwsWith(() => math.randomNormal(spatial({ x: 3 }), { dtype: 'bool' }), 'TensorDataError', 'bool');
    throwsWith(() => math.randomUniform(spatial({ x: 3 }), { dtype: 'bool' }), 'TensorDataError', 'bool');
  });
});

describe('creation: bad input', () => {
  it('ragged nested arrays', () => {
    throwsWith(() => math.tensor([[1, 2], [3]], spatial('x,y')), 'TensorDataError', 'ragged', 'data[1]', 'length 1', 'length 2');
    throwsWith(() => math.tensor([[1, 2], 3] as any, spatial('x,y')), 'TensorDataError', 'ragged', 'data[1]');
    throwsWith(() => math.tensor([1, [2]] as any), 'TensorDataError', 'ragged');
  });

  it('data/shape mismatches name the dim and sizes', () => {
    throwsWith(() => math.tensor([1, 2], spatial({ x: 3 })), 'ShapeError', 'x', '3', '2');
    throwsWith(() => math.tensor([1, 2], spatial('x,y')), 'ShapeError', '1 dim', '(xˢ, yˢ)');
    throwsWith(() => math.tensor([[1, 2], [3, 4]]), 'ShapeError', 'rank-2', 'named');
    throwsWith(() => math.tensor(new Float32Array(5), spatial({ x: 2, y: 2 })), 'TensorDataError', '4 elements', '5');
    throwsWith(() => math.tensor(new Float32Array(4), spatial('x,y')), 'ShapeError', 'size');
    throwsWith(() => math.tensor([[1, 2, 3], [4, 5, 6]], instance('p'), channel({ vector: 'x,y' })), 'ShapeError', 'vector', '2', '3');
  });

  it('unsupported values, mixed kinds and typed arrays', () => {
    throwsWith(() => math.tensor(['a'] as any), 'TensorDataError', 'unsupported value', 'data[0]');
    throwsWith(() => math.tensor([1, null] as any), 'TensorDataError', 'unsupported value');
    throwsWith(() => math.tensor([1, 2n] as any), 'TensorDataError', 'mixes number and bigint');
    throwsWith(() => math.tensor([1, true] as any), 'TensorDataError', 'mixes number and boolean');
    throwsWith(() => math.tensor(new Int16Array([1]) as any), 'TensorDataError', 'Int16Array');
    throwsWith(() => math.tensor([math.tensor(1), 2] as any), 'TensorDataError', 'mixing tensors');
  });

  it('bad dtypes', () => {
    throwsWith(() => math.tensor([1], { dtype: 'float16' as any }), 'DTypeError', 'float16', 'float32');
    throwsWith(() => math.zeros(spatial({ x: 2 }), { dtype: 'int8' as any }), 'DTypeError', 'int8');
    throwsWith(() => math.ones(spatial({ x: 2 }), { dtype: 'complex128' as any }), 'DTypeError', 'complex128', 'complex64');
    // complex64 is a dtype (ΦML's fft results): ones have real part 1
    assert.strictEqual(String(math.ones(spatial({ x: 2 }), { dtype: 'complex64' })), '((1+0j), (1+0j)) along xˢ complex64');
    throwsWith(() => math.randomNormal(spatial({ x: 2 }), { dtype: 'uint8' as any }), 'DTypeError');
  });

  it('shapes without sizes and bad arguments', () => {
    throwsWith(() => math.zeros(spatial('x')), 'ShapeError', 'size', '(xˢ)');
    throwsWith(() => math.ones(spatial({ x: 2 }).and(spatial('y'))), 'ShapeError', 'size');
    throwsWith(() => math.randomNormal(spatial('x')), 'ShapeError', 'size');
    throwsWith(() => math.zeros(5 as any), 'TensorDataError', 'position 1');
    throwsWith(() => math.linspace(0, 1, spatial('x')), 'ShapeError', 'size');
    throwsWith(() => math.linspace(0, 1, spatial({ x: 2, y: 2 })), 'ShapeError', 'one dim');
    throwsWith(() => math.range(spatial('x')), 'ShapeError');
    throwsWith(() => math.range(spatial({ x: 3 }), 5), 'ShapeError', 'x', '3', '5');
    throwsWith(() => math.range(spatial('x'), 0, 5, 0), 'TensorDataError', 'step');
    throwsWith(() => vec({}), 'TensorDataError', 'component');
    throwsWith(() => vec({ x: 1, y: 2n } as any), 'TensorDataError', 'mixes');
  });

  it('shape constructors reject bad names, sizes and item names', () => {
    throwsWith(() => spatial({ x: -1 }), 'ShapeError', 'x', '-1');
    throwsWith(() => spatial({ x: 1.5 }), 'ShapeError', 'x');
    throwsWith(() => spatial('1x'), 'ShapeError', '1x');
    throwsWith(() => spatial({ x: 2 }).and(channel({ x: 2 })), 'ShapeError', 'spatial', 'channel');
    throwsWith(() => channel({ vector: 'x,x' }), 'ShapeError', 'duplicate');
    throwsWith(() => new Shape([{ name: 'x', kind: 'spatial', size: 2 }, { name: 'x', kind: 'spatial', size: 2 }]), 'ShapeError', 'Duplicate', 'x');
  });

  it('failed creation does not touch the input data', () => {
    const data = [[1, 2], [3]];
    const copy = JSON.stringify(data);
    assert.throws(() => math.tensor(data as any, spatial('x,y')));
    assert.strictEqual(JSON.stringify(data), copy);
    const ta = new Float32Array([1, 2, 3]);
    assert.throws(() => math.tensor(ta, spatial({ x: 2 })));
    assert.deepStrictEqual(Array.from(ta), [1, 2, 3]);
  });
});

describe('dual dims', () => {
  it('dual() prefixes ~ and creates dual dims', () => {
    const t = math.tensor([1, 2], dual('x'));
    assertTensor(t, '(~xᵈ=2)', 'float32', [1, 2]);
    assert.deepStrictEqual(t.shape.names, ['~x']);
    assertTensor(math.zeros(dual({ x: 3 })), '(~xᵈ=3)', 'float32', [0, 0, 0]);
  });
});
