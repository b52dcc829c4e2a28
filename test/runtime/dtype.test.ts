/**
 * Dtype rules of API.md ("Dtypes"), and phiml_jit.md §12 adapted to them: a JS number is float32,
 * a bigint int64; tensor ⊕ tensor: any float → float32, all ints → the widest int, bool arithmetic →
 * int32; a JS number is weak (adopts a float tensor's dtype, or an int tensor's when integral).
 */
import * as assert from 'assert';
import { math, spatial, vec, Tensor } from 'tensorjit';
import { assertTensor } from '../helpers';

const f32 = (xs: number[]) => math.tensor(xs);
const f64 = (xs: number[]) => math.tensor(xs, { dtype: 'float64' });
const i32 = (xs: number[]) => math.tensor(xs, { dtype: 'int32' });
const i64 = (xs: bigint[]) => math.tensor(xs);
const bool = (xs: boolean[]) => math.tensor(xs);

describe('dtypes: creation', () => {
  const table: [string, () => Tensor, string][] = [
    ['tensor(1.5)', () => math.tensor(1.5), 'float32'],
    ['tensor(1) (a JS number, integral or not)', () => math.tensor(1), 'float32'],
    ['tensor(1n)', () => math.tensor(1n), 'int64'],
    ['tensor(true)', () => math.tensor(true), 'bool'],
    ['tensor([1, 2])', () => math.tensor([1, 2]), 'float32'],
    ['tensor([1n, 2n])', () => math.tensor([1n, 2n]), 'int64'],
    ['wrap(2)', () => math.wrap(2), 'float32'],
    ['wrap(2n)', () => math.wrap(2n), 'int64'],
    ['tensor(Float64Array)', () => math.tensor(new Float64Array([1])), 'float64'],
    ['tensor(Int32Array)', () => math.tensor(new Int32Array([1])), 'int32'],
    ['tensor(BigInt64Array)', () => math.tensor(new BigInt64Array([1n])), 'int64'],
    ['tensor(Uint8Array, bool)', () => math.tensor(new Uint8Array([1]), { dtype: 'bool' }), 'bool'],
    ['zeros / ones / randomNormal / randomUniform', () => math.zeros(spatial({ x: 1 })), 'float32'],
    ['ones(…, { dtype: int32 })', () => math.ones(spatial({ x: 1 }), { dtype: 'int32' }), 'int32'],
    ['range', () => math.range(spatial({ x: 2 })), 'int32'],
    ['linspace', () => math.linspace(0, 1, spatial({ x: 2 })), 'float32'],
    ['vec({x: 1, y: 2})', () => vec({ x: 1, y: 2 }), 'float32'],
    ['vec({x: 1n, y: 2n})', () => vec({ x: 1n, y: 2n }), 'int64'],
  ];
  for (const [what, make, dtype] of table) it(`${what} → ${dtype}`, () => assert.strictEqual(make().dtype, dtype));
  it('randomNormal / randomUniform default to float32', () => {
    assert.strictEqual(math.randomNormal(spatial({ x: 1 })).dtype, 'float32');
    assert.strictEqual(math.randomUniform(spatial({ x: 1 })).dtype, 'float32');
  });
});

describe('dtypes: tensor ⊕ tensor', () => {
  // ΦML: float results have the global precision (float32), except minimum / maximum of two float
  // tensors, which keep the wider float (NumPy)
  const ops: [string, (a: Tensor, b: Tensor) => Tensor][] = [['add', math.add], ['sub', math.sub], ['mul', math.mul], ['minimum', math.minimum], ['maximum', math.maximum], ['mod', math.mod], ['pow', math.pow]];
  const minMax: Record<string, string> = { 'float64 ⊕ float64': 'float64', 'float32 ⊕ float64': 'float64', 'float64 ⊕ float32': 'float64' };
  const table: [string, () => Tensor, () => Tensor, string][] = [
    ['float32 ⊕ float32', () => f32([1]), () => f32([2]), 'float32'],
    ['float64 ⊕ float64', () => f64([1]), () => f64([2]), 'float32'],
    ['float32 ⊕ float64', () => f32([1]), () => f64([2]), 'float32'],
    ['float64 ⊕ float32', () => f64([1]), () => f32([2]), 'float32'],
    ['int64 ⊕ float64', () => i64([1n]), () => f64([2]), 'float32'],
    ['int32 ⊕ float32', () => i32([1]), () => f32([2]), 'float32'],
    ['int64 ⊕ float32', () => i64([1n]), () => f32([2]), 'float32'],
    ['int32 ⊕ int32', () => i32([1]), () => i32([2]), 'int32'],
    ['int32 ⊕ int64', () => i32([1]), () => i64([2n]), 'int64'],
    ['int64 ⊕ int64', () => i64([1n]), () => i64([2n]), 'int64'],
    ['bool ⊕ bool', () => bool([true]), () => bool([true]), 'int32'],
    ['bool ⊕ int32', () => bool([true]), () => i32([2]), 'int32'],
    ['bool ⊕ int64', () => bool([true]), () => i64([2n]), 'int64'],
    ['bool ⊕ float32', () => bool([true]), () => f32([2]), 'float32'],
    ['bool ⊕ float64', () => bool([true]), () => f64([2]), 'float32'],
  ];
  for (const [what, a, b, dtype] of table) {
    it(`${what} → ${dtype} (add sub mul minimum maximum mod pow)`, () => {
      for (const [name, op] of ops) assert.strictEqual(op(a(), b()).dtype, name.endsWith('imum') ? minMax[what] ?? dtype : dtype, name);
    });
  }
  it('div: ints give float32, float64 ⊕ float64 the global precision (float32)', () => {
    assert.strictEqual(math.div(i32([1]), i32([2])).dtype, 'float32');
    assert.strictEqual(math.div(i64([1n]), i64([2n])).dtype, 'float32');
    assert.strictEqual(math.div(bool([true]), bool([true])).dtype, 'float32');
    assert.strictEqual(math.div(f64([1]), f64([2])).dtype, 'float32');
    assert.strictEqual(math.precision(64, () => math.div(f32([1]), f32([2])).dtype), 'float64');
    assert.strictEqual(math.div(f64([1]), f32([2])).dtype, 'float32');
  });
  it('values: (tensor([1n,2n]) > 1) + (tensor([1n,2n]) > 1) is int32 (0, 2)', () => {
    const c = i64([1n, 2n]).gt(1);
    assertTensor(c.add(c), '(vectorᶜ=2)', 'int32', [0, 2]);
  });
  it('values: tensor([1n, 2n]) + tensor([1, 2]) is float32 (2, 4)', () => {
    assertTensor(i64([1n, 2n]).add(f32([1, 2])), '(vectorᶜ=2)', 'float32', [2, 4]);
  });
  it('values: float64 + float32 rounds to float32', () => {
    assertTensor(f64([0.1]).add(f32([0])), '(vectorᶜ=1)', 'float32', [Math.fround(0.1)]);
  });
  it('comparisons and logical ops always give bool', () => {
    for (const op of [math.greater, math.less, math.greaterEqual, math.lessEqual, math.equal, math.notEqual, math.logicalAnd, math.logicalOr, math.logicalXor]) {
      assert.strictEqual(op(f64([1]), i64([1n])).dtype, 'bool');
      assert.strictEqual(op(i32([1]), 1).dtype, 'bool');
    }
    assert.strictEqual(math.logicalNot(f32([1])).dtype, 'bool');
  });
});

describe('dtypes: tensor ⊕ JS number (weak numbers)', () => {
  const table: [string, () => Tensor, string, number[] | bigint[]][] = [
    ['float32 * 2.5', () => f32([1, 2]).mul(2.5), 'float32', [2.5, 5]],
    ['float32 / 2', () => f32([1, 2]).div(2), 'float32', [0.5, 1]],
    ['float64 * 2 (ΦML: the global precision)', () => f64([1, 2]).mul(2), 'float32', [2, 4]],
    ['float64 + 0.1', () => f64([1]).add(0.1), 'float32', [Math.fround(1.1)]],
    ['int64 + 1', () => i64([1n, 2n]).add(1), 'int64', [2n, 3n]],
    ['int64 * 2', () => i64([1n, 2n]).mul(2), 'int64', [2n, 4n]],
    ['2 * int64 (number first)', () => math.mul(2, i64([1n, 2n])), 'int64', [2n, 4n]],
    ['int64 ** 2', () => i64([3n]).pow(2), 'int64', [9n]],
    ['int64 * 2.5 (fractional → float32)', () => i64([1n, 2n]).mul(2.5), 'float32', [2.5, 5]],
    ['int64 / 2 (true division → float32)', () => i64([1n, 2n]).div(2), 'float32', [0.5, 1]],
    ['int32 + 1', () => i32([1]).add(1), 'int32', [2]],
    ['int32 + 1.5', () => i32([1]).add(1.5), 'float32', [2.5]],
    ['int32 - 2.0 (integral)', () => i32([1]).sub(2.0), 'int32', [-1]],
    ['bool + 1', () => bool([true, false]).add(1), 'int32', [2, 1]],
    ['bool + 1.5', () => bool([true, false]).add(1.5), 'float32', [2.5, 1.5]],
    ['bool * true', () => bool([true, false]).mul(true as any), 'int32', [1, 0]],
    ['2 * tensor(1.)', () => math.mul(2, math.tensor(1)), 'float32', [2]],
    ['number ⊕ number', () => math.add(1, 2), 'float32', [3]],
    ['int32 + 2n (a bigint is an int64 tensor)', () => i32([1]).add(2n), 'int64', [3n]],
    ['float32 + 2n', () => f32([1]).add(2n), 'float32', [3]],
    ['where(c, int64, 0)', () => math.where(bool([true, false]), i64([5n, 6n]), 0), 'int64', [5n, 0n]],
    ['where(c, float32, 0)', () => math.where(bool([true, false]), f32([5, 6]), 0), 'float32', [5, 0]],
    ['where(c, 1, 0)', () => math.where(bool([true, false]), 1, 0), 'float32', [1, 0]],
    ['where(c, float64, 0.1)', () => math.where(bool([true, false]), f64([5, 6]), 0.1), 'float32', [5, Math.fround(0.1)]],
  ];
  for (const [what, make, dtype, vals] of table) {
    it(`${what} → ${dtype}`, () => {
      const t = make();
      assert.strictEqual(t.dtype, dtype);
      assert.deepStrictEqual(t.dtype === 'int64' ? Array.from(t.data as BigInt64Array) : Array.from(t.data as Float32Array), vals);
    });
  }
  it('the number adopts the dtype on either side of the op', () => {
    assert.strictEqual(math.sub(1, i64([1n])).dtype, 'int64');
    assert.strictEqual(math.sub(1.5, i64([1n])).dtype, 'float32');
    assert.strictEqual(math.minimum(0, i32([1])).dtype, 'int32');
    // ΦML gives float32 here (a Python number is converted); eager JS numbers next to a tensor are stored
    // in its dtype, so minimum / maximum see two float64 tensors (docs/phiml.md)
    assert.strictEqual(math.maximum(f64([1]), 0).dtype, 'float64');
  });
});

describe('dtypes: unary ops and reductions', () => {
  it('sin, sqrt, exp, log, … give the global precision (float32), also of float64', () => {
    assertTensor(math.sin(math.tensor(2n)), '()', 'float32', [Math.fround(Math.sin(2))]);
    assertTensor(math.sqrt(i32([4])), '(vectorᶜ=1)', 'float32', [2]);
    assert.strictEqual(math.exp(f64([1])).dtype, 'float32');
    assert.strictEqual(math.abs(f64([1])).dtype, 'float64'); // ΦML: neg and abs keep the dtype
    assert.strictEqual(math.abs(f32([1])).dtype, 'float32');
    assert.strictEqual(math.round(f32([1])).dtype, 'float32');
    assert.strictEqual(math.neg(i64([1n])).dtype, 'int64');
  });
  it('sum / prod of int32 and bool give int64 (ΦML), mean / std give float (float32 for ints)', () => {
    assertTensor(math.sum(i64([1n, 2n])), '()', 'int64', [3n]);
    assertTensor(math.sum(i32([1, 2])), '()', 'int64', [3n]);
    assertTensor(math.sum(bool([true, true, false])), '()', 'int64', [2n]);
    assertTensor(math.sum(f32([1, 2])), '()', 'float32', [3]);
    assertTensor(math.sum(f64([0.1, 0.2])), '()', 'float64', [0.1 + 0.2]);
    assertTensor(math.mean(i64([1n, 2n])), '()', 'float32', [1.5]);
    assertTensor(math.mean(bool([true, false, false, false])), '()', 'float32', [0.25]);
    assertTensor(math.mean(f64([1, 2])), '()', 'float64', [1.5]);
    assertTensor(math.prod(i32([2, 3])), '()', 'int64', [6n]);
    assertTensor(math.prod(bool([true, true])), '()', 'int64', [1n]);
    assertTensor(math.max(i64([1n, 5n])), '()', 'int64', [5n]);
    assertTensor(math.min(f64([1, 5])), '()', 'float64', [1]);
    assertTensor(math.max(bool([true, false])), '()', 'bool', [true]);
    assert.strictEqual(math.std(i32([1, 2])).dtype, 'float32');
    assert.strictEqual(math.std(f64([1, 2])).dtype, 'float64');
    assert.strictEqual(math.any(f32([1, 0])).dtype, 'bool');
    assert.strictEqual(math.all(i64([1n])).dtype, 'bool');
  });
  it('dot: ints stay int, any float gives the global precision', () => {
    assert.strictEqual(math.dot(i64([1n]), 'vector', i64([2n]), 'vector').dtype, 'int64');
    assert.strictEqual(math.dot(i32([1]), 'vector', i32([2]), 'vector').dtype, 'int32');
    assert.strictEqual(math.dot(f64([1]), 'vector', f64([2]), 'vector').dtype, 'float32');
    assert.strictEqual(math.dot(f64([1]), 'vector', i64([2n]), 'vector').dtype, 'float32');
  });
  it('stack / concat of mixed dtypes follow tensor ⊕ tensor', () => {
    assert.strictEqual(math.stack([i32([1]), i64([1n])], spatial('s')).dtype, 'int64');
    assert.strictEqual(math.stack([i64([1n]), f64([1])], spatial('s')).dtype, 'float32');
    assert.strictEqual(math.concat([i32([1]), i64([2n])], 'vector').dtype, 'int64');
    assertTensor(math.concat([i32([1]), f32([2.5])], 'vector'), '(vectorᶜ=2)', 'float32', [1, 2.5]);
  });
});
