import * as assert from 'assert';
import { math, spatial, channel, batch, instance, dual, vec, Tensor } from 'tensorjit';
import { assertTensor, assertAllClose, values, plain, refBroadcast, f32, throwsWith } from '../helpers';

/** Edge values for float ops: zeros of both signs, halves, large/small, NaN and infinities. */
const EDGE = [0, -0, 0.5, -0.5, 1.5, -2.5, 2.5, 1e-30, 3, -7.25, 100, 1e30, NaN, Infinity, -Infinity];

function floatTensor(xs: readonly number[]): Tensor { return math.tensor(xs.slice(), spatial('x')); }

describe('element-wise unary ops (float32 values, reference loop)', () => {
  const cases: [string, (t: Tensor) => Tensor, (x: number) => number][] = [
    ['neg', (t) => math.neg(t), (x) => -x],
    ['abs', (t) => math.abs(t), Math.abs],
    // sign(-0) is 0, as onnxruntime computes it
    ['sign', (t) => math.sign(t), (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN)],
    ['sqrt', (t) => math.sqrt(t), Math.sqrt],
    ['exp', (t) => math.exp(t), Math.exp],
    ['log', (t) => math.log(t), Math.log],
    ['sin', (t) => math.sin(t), Math.sin],
    ['cos', (t) => math.cos(t), Math.cos],
    ['tan', (t) => math.tan(t), Math.tan],
    ['tanh', (t) => math.tanh(t), Math.tanh],
    ['sigmoid', (t) => math.sigmoid(t), (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))],
    ['floor', (t) => math.floor(t), Math.floor],
    ['ceil', (t) => math.ceil(t), Math.ceil],
  ];
  for (const [name, op, ref] of cases) {
    it(`${name}: values, shape, dtype float32`, () => {
      const t = floatTensor(EDGE);
      const r = op(t);
      assert.strictEqual(String(r.shape), `(xˢ=${EDGE.length})`);
      assert.strictEqual(r.dtype, 'float32');
      const expected = f32(f32(EDGE).map(ref));
      assertAllClose(values(r), expected, 1e-6, 0, name);
      // signed zeros survive where the reference keeps them
      expected.forEach((e, i) => { if (Object.is(e, -0)) assert.ok(Object.is(values(r)[i], -0), `${name}(${EDGE[i]}) should be -0`); });
    });
  }

  it('methods match the math functions', () => {
    const t = floatTensor([-1.5, 0.25, 2]);
    const pairs: [Tensor, Tensor][] = [
      [t.neg(), math.neg(t)], [t.abs(), math.abs(t)], [t.sign(), math.sign(t)], [t.sqrt(), math.sqrt(t)],
      [t.exp(), math.exp(t)], [t.log(), math.log(t)], [t.sin(), math.sin(t)], [t.cos(), math.cos(t)],
      [t.tan(), math.tan(t)], [t.tanh(), math.tanh(t)], [t.sigmoid(), math.sigmoid(t)], [t.floor(), math.floor(t)],
      [t.ceil(), math.ceil(t)], [t.round(), math.round(t)],
    ];
    for (const [a, b] of pairs) assert.deepStrictEqual(values(a), values(b));
  });

  it('round: half to even (NumPy / ONNX)', () => {
    const r = math.round(floatTensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 3.5000002, NaN, Infinity]));
    assertTensor(r, '(xˢ=11)', 'float32', [0, 2, 2, -0, -2, -2, 2, -3, 4, NaN, Infinity]);
  });

  it('sigmoid saturates without NaN', () => {
    const r = math.sigmoid(floatTensor([-1000, 1000, 0]));
    assertTensor(r, '(xˢ=3)', 'float32', [0, 1, 0.5]);
  });

  it('int inputs: neg/abs/sign/floor/ceil/round keep the int dtype; transcendental ops give float32', () => {
    const i32 = math.tensor([-3, 0, 4], spatial('x'), { dtype: 'int32' });
    assertTensor(math.neg(i32), '(xˢ=3)', 'int32', [3, 0, -4]);
    assertTensor(math.abs(i32), '(xˢ=3)', 'int32', [3, 0, 4]);
    assertTensor(math.sign(i32), '(xˢ=3)', 'int32', [-1, 0, 1]);
    assertTensor(math.floor(i32), '(xˢ=3)', 'int32', [-3, 0, 4]);
    assertTensor(math.ceil(i32), '(xˢ=3)', 'int32', [-3, 0, 4]);
    assertTensor(math.round(i32), '(xˢ=3)', 'int32', [-3, 0, 4]);
    const i64 = math.tensor([-3n, 0n, 4n], spatial('x'));
    assertTensor(math.neg(i64), '(xˢ=3)', 'int64', [3n, 0n, -4n]);
    assertTensor(math.abs(i64), '(xˢ=3)', 'int64', [3n, 0n, 4n]);
    assertTensor(math.sign(i64), '(xˢ=3)', 'int64', [-1n, 0n, 1n]);
    assertTensor(math.round(i64), '(xˢ=3)', 'int64', [-3n, 0n, 4n]);
    assertTensor(math.sqrt(math.tensor([4n, 9n])), '(vectorᶜ=2)', 'float32', [2, 3]);
    assertTensor(math.sqrt(math.tensor([4, 2], { dtype: 'int32' })), '(vectorᶜ=2)', 'float32', [2, Math.fround(Math.SQRT2)]);
    for (const op of [math.exp, math.log, math.sin, math.cos, math.tan, math.tanh, math.sigmoid, math.sqrt]) {
      assert.strictEqual(op(i32).dtype, 'float32');
      assert.strictEqual(op(i64).dtype, 'float32');
    }
    assertAllClose(values(math.sin(math.tensor([1n, 2n]))), f32([Math.sin(1), Math.sin(2)]), 0, 0);
  });

  it('float64 inputs stay float64 at precision 64 (no rounding to float32)', () => {
    math.precision(64, () => {
      const t = math.tensor([2], { dtype: 'float64' });
      for (const op of [math.sqrt, math.exp, math.log, math.sin, math.neg, math.abs, math.sigmoid, math.floor]) assert.strictEqual(op(t).dtype, 'float64');
      assertTensor(math.sqrt(t), '(vectorᶜ=1)', 'float64', [Math.SQRT2]);
      assertTensor(math.sin(math.tensor(4, { dtype: 'float64' })), '()', 'float64', [Math.sin(4)]);
    });
    // at the default precision they give float32, as in ΦML (neg / abs keep the dtype)
    const t = math.tensor([2], { dtype: 'float64' });
    for (const op of [math.sqrt, math.exp, math.log, math.sin, math.sigmoid, math.floor]) assert.strictEqual(op(t).dtype, 'float32');
    for (const op of [math.neg, math.abs]) assert.strictEqual(op(t).dtype, 'float64');
  });

  it('bool inputs: arithmetic unary ops give int32; transcendental float32', () => {
    const b = math.tensor([true, false]);
    assertTensor(math.neg(b), '(vectorᶜ=2)', 'int32', [-1, 0]);
    assertTensor(math.abs(b), '(vectorᶜ=2)', 'int32', [1, 0]);
    assertTensor(math.sign(b), '(vectorᶜ=2)', 'int32', [1, 0]);
    assertTensor(math.exp(b), '(vectorᶜ=2)', 'float32', [Math.fround(Math.E), 1]);
  });

  it('int32 neg/abs wrap around at the minimum', () => {
    const m = math.tensor([-2147483648], { dtype: 'int32' });
    assertTensor(math.neg(m), '(vectorᶜ=1)', 'int32', [-2147483648]);
    assertTensor(math.abs(m), '(vectorᶜ=1)', 'int32', [-2147483648]);
  });

  it('keeps item names and dim order', () => {
    const v = vec({ a: -1, b: 4 });
    assertTensor(math.abs(v), '(vectorᶜ=a,b)', 'float32', [1, 4]);
    const t = math.tensor([[1, 4]], channel('c'), spatial('x'));
    assert.strictEqual(String(math.sqrt(t.transpose('x,c')).shape), '(xˢ=2, cᶜ=1)');
  });

  it('size-0 dims', () => {
    assertTensor(math.sin(math.zeros(spatial({ x: 0 }), batch({ b: 3 }))), '(xˢ=0, bᵇ=3)', 'float32', []);
  });
});

describe('element-wise logic: logicalNot, isNan, isFinite', () => {
  it('logicalNot treats nonzero (and NaN) as true', () => {
    assertTensor(math.logicalNot(math.tensor([0, 2, -0, NaN])), '(vectorᶜ=4)', 'bool', [true, false, true, false]);
    assertTensor(math.tensor([true, false]).not(), '(vectorᶜ=2)', 'bool', [false, true]);
    assertTensor(math.logicalNot(math.tensor([0n, 5n])), '(vectorᶜ=2)', 'bool', [true, false]);
  });
  it('isNan / isFinite', () => {
    const t = math.tensor([0, NaN, Infinity, -Infinity, -1]);
    assertTensor(math.isNan(t), '(vectorᶜ=5)', 'bool', [false, true, false, false, false]);
    assertTensor(math.isFinite(t), '(vectorᶜ=5)', 'bool', [true, false, false, false, true]);
    assertTensor(t.isNan(), '(vectorᶜ=5)', 'bool', [false, true, false, false, false]);
    assertTensor(math.isFinite(math.tensor([1n])), '(vectorᶜ=1)', 'bool', [true]);
  });
});

describe('element-wise binary ops (reference loop with broadcasting by name)', () => {
  const a = math.tensor([[1.5, -2, 0], [4, NaN, -0.5]], batch('b'), spatial('x'));
  const b = math.tensor([2, -3, 0.25, -0], instance('i'));
  const c = math.tensor([[3, 0.5, -1], [Infinity, 2, 7]], batch('b'), spatial('x'));
  const cases: [string, (x: Tensor, y: Tensor) => Tensor, (x: number, y: number) => number][] = [
    ['add', math.add, (x, y) => x + y],
    ['sub', math.sub, (x, y) => x - y],
    ['mul', math.mul, (x, y) => x * y],
    ['div', math.div, (x, y) => x / y],
    ['pow', math.pow, (x, y) => x ** y],
    // float mod is floor modulo from the exact fmod (docs/api.md "Numerics")
    ['mod', math.mod, (x, y) => { const r = x % y; return r === 0 ? (y < 0 ? -0 : 0) : (r < 0) !== (y < 0) ? r + y : r; }],
    ['minimum', math.minimum, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))],
    ['maximum', math.maximum, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))],
  ];
  for (const [name, op, ref] of cases) {
    it(`${name}: different dims broadcast into (b, x, i) as in ΦML`, () => {
      const r = op(a, b);
      assert.strictEqual(String(r.shape), '(bᵇ=2, xˢ=3, iⁱ=4)');
      assert.strictEqual(r.dtype, 'float32');
      const expected = f32(refBroadcast(['b', 'x', 'i'], [2, 3, 4], [plain(a), plain(b)], ref));
      assertAllClose(values(r), expected, 1e-6, 1e-7, name);
    });
    it(`${name}: same dims, different order`, () => {
      const r = op(a, c.transpose('x,b'));
      assert.strictEqual(String(r.shape), '(bᵇ=2, xˢ=3)');
      const expected = f32(refBroadcast(['b', 'x'], [2, 3], [plain(a), plain(c)], ref));
      assertAllClose(values(r), expected, 1e-6, 1e-7, name);
    });
  }

  it('mod is floor modulo (sign of the divisor) for floats and ints', () => {
    assertTensor(math.mod(math.tensor([-7, 7, -7, 7, 5.5]), math.tensor([3, -3, -3, 3, 2])), '(vectorᶜ=5)', 'float32', [2, -2, -1, 1, 1.5]);
    assertTensor(math.mod(math.tensor([-7n, 7n, -7n, 7n]), math.tensor([3n, -3n, -3n, 3n])), '(vectorᶜ=4)', 'int64', [2n, -2n, -1n, 1n]);
    const i32 = (xs: number[]) => math.tensor(xs, { dtype: 'int32' });
    assertTensor(math.mod(i32([-7, 7, -7, 7]), i32([3, -3, -3, 3])), '(vectorᶜ=4)', 'int32', [2, -2, -1, 1]);
    assertTensor(math.tensor([7, -7]).mod(3), '(vectorᶜ=2)', 'float32', [1, 2]);
    // by zero: NaN for floats; an error for ints (onnxruntime refuses integer modulo by zero)
    assertTensor(math.tensor([5]).mod(0), '(vectorᶜ=1)', 'float32', [NaN]);
    assert.throws(() => math.tensor([5n]).mod(0), /modulo by zero/);
    assert.throws(() => math.tensor([5], { dtype: 'int32' }).mod(0), /modulo by zero/);
  });

  it('division: ints divide as floats (float32), by zero gives ±inf / nan', () => {
    assertTensor(math.div(math.tensor([1n, 2n, -3n]), 2), '(vectorᶜ=3)', 'float32', [0.5, 1, -1.5]);
    assertTensor(math.div(math.tensor([1, -1, 0]), 0), '(vectorᶜ=3)', 'float32', [Infinity, -Infinity, NaN]);
    assertTensor(math.div(math.tensor([1, 2], { dtype: 'int32' }), math.tensor([2, 4], { dtype: 'int32' })), '(vectorᶜ=2)', 'float32', [0.5, 0.5]);
    assertTensor(math.div(math.tensor([1], { dtype: 'float64' }), 3), '(vectorᶜ=1)', 'float32', [Math.fround(1 / 3)]);
    math.precision(64, () => assertTensor(math.div(math.tensor([1], { dtype: 'float64' }), 3), '(vectorᶜ=1)', 'float64', [1 / 3]));
  });

  it('int pow stays int; float pow with fractional exponent', () => {
    assertTensor(math.pow(math.tensor([2n, 3n, -2n]), 3), '(vectorᶜ=3)', 'int64', [8n, 27n, -8n]);
    assertTensor(math.pow(math.tensor([2, 3], { dtype: 'int32' }), 2), '(vectorᶜ=2)', 'int32', [4, 9]);
    assertTensor(math.pow(math.tensor([4, 9]), 0.5), '(vectorᶜ=2)', 'float32', [2, 3]);
    assertTensor(math.pow(math.tensor([2n]), 0.5), '(vectorᶜ=1)', 'float32', [Math.fround(Math.SQRT2)]);
    assertTensor(math.pow(math.tensor([-8]), 1 / 3), '(vectorᶜ=1)', 'float32', [NaN]);
  });

  it('minimum / maximum propagate NaN from either side', () => {
    const x = math.tensor([1, NaN, NaN, 2]), y = math.tensor([NaN, 1, NaN, 3]);
    assertTensor(math.minimum(x, y), '(vectorᶜ=4)', 'float32', [NaN, NaN, NaN, 2]);
    assertTensor(math.maximum(x, y), '(vectorᶜ=4)', 'float32', [NaN, NaN, NaN, 3]);
    assertTensor(math.minimum(math.tensor([3n, -5n]), math.tensor([1n, 2n])), '(vectorᶜ=2)', 'int64', [1n, -5n]);
  });

  it('methods accept tensors and JS numbers on either side of math functions', () => {
    const t = math.tensor([1, 2, 3], spatial('x'));
    assertTensor(t.add(1), '(xˢ=3)', 'float32', [2, 3, 4]);
    assertTensor(t.sub(1), '(xˢ=3)', 'float32', [0, 1, 2]);
    assertTensor(t.mul(2), '(xˢ=3)', 'float32', [2, 4, 6]);
    assertTensor(t.div(2), '(xˢ=3)', 'float32', [0.5, 1, 1.5]);
    assertTensor(t.pow(2), '(xˢ=3)', 'float32', [1, 4, 9]);
    assertTensor(t.mod(2), '(xˢ=3)', 'float32', [1, 0, 1]);
    assertTensor(t.neg(), '(xˢ=3)', 'float32', [-1, -2, -3]);
    assertTensor(t.minimum(2), '(xˢ=3)', 'float32', [1, 2, 2]);
    assertTensor(t.maximum(2), '(xˢ=3)', 'float32', [2, 2, 3]);
    assertTensor(math.sub(10, t), '(xˢ=3)', 'float32', [9, 8, 7]);
    assertTensor(math.div(1, t), '(xˢ=3)', 'float32', f32([1, 0.5, 1 / 3]));
    assertTensor(math.pow(2, t), '(xˢ=3)', 'float32', [2, 4, 8]);
    assertTensor(math.add(1, 2), '()', 'float32', [3]);
    assertTensor(t.add(t), '(xˢ=3)', 'float32', [2, 4, 6]);
  });

  it('int32 arithmetic wraps around (two\'s complement), including products beyond 2^53', () => {
    const i32 = (xs: number[]) => math.tensor(xs, { dtype: 'int32' });
    assertTensor(i32([2147483647]).add(1), '(vectorᶜ=1)', 'int32', [-2147483648]);
    assertTensor(i32([-2147483648]).sub(1), '(vectorᶜ=1)', 'int32', [2147483647]);
    assertTensor(i32([65536]).mul(65536), '(vectorᶜ=1)', 'int32', [0]);
    assertTensor(i32([2147483647]).mul(i32([2147483647])), '(vectorᶜ=1)', 'int32', [1]);
    assertTensor(i32([123456789]).mul(i32([987654321])), '(vectorᶜ=1)', 'int32', [Number(BigInt.asIntN(32, 123456789n * 987654321n))]);
    assertTensor(i32([3]).pow(19), '(vectorᶜ=1)', 'int32', [1162261467]);
    // pow wraps like repeated multiplication (NumPy)
    assertTensor(i32([3]).pow(21), '(vectorᶜ=1)', 'int32', [Number(BigInt.asIntN(32, 3n ** 21n))]);
  });

  it('size-1 dims are not broadcast positionally: they must match by size', () => {
    throwsWith(() => math.tensor([1, 2, 3], spatial('x')).add(math.tensor([5], spatial('x'))), 'ShapeError', 'x: 3 vs 1');
    // a size-1 dim with another name just adds a dim
    assertTensor(math.tensor([1, 2, 3], spatial('x')).add(math.tensor([5], spatial('y'))), '(xˢ=3, yˢ=1)', 'float32', [6, 7, 8]);
  });

  it('size-0 dims broadcast to empty results', () => {
    assertTensor(math.zeros(spatial({ x: 0 })).add(math.ones(spatial({ y: 3 }))), '(xˢ=0, yˢ=3)', 'float32', []);
    assertTensor(math.zeros(spatial({ x: 0 })).mul(2), '(xˢ=0)', 'float32', []);
  });
});

describe('comparisons and logical ops', () => {
  const x = math.tensor([1, 2, NaN, -Infinity], spatial('x'));
  const y = math.tensor([2, 2, NaN, 0], spatial('x'));
  const cases: [string, (a: Tensor, b: Tensor) => Tensor, (a: Tensor, b: Tensor) => Tensor, (p: number, q: number) => boolean][] = [
    ['greater', math.greater, (a, b) => a.gt(b), (p, q) => p > q],
    ['less', math.less, (a, b) => a.lt(b), (p, q) => p < q],
    ['greaterEqual', math.greaterEqual, (a, b) => a.ge(b), (p, q) => p >= q],
    ['lessEqual', math.lessEqual, (a, b) => a.le(b), (p, q) => p <= q],
    ['equal', math.equal, (a, b) => a.eq(b), (p, q) => p === q],
    ['notEqual', math.notEqual, (a, b) => a.ne(b), (p, q) => p !== q],
  ];
  for (const [name, fn, method, ref] of cases) {
    it(`${name} gives bool (NaN compares false, except notEqual)`, () => {
      const expected = [0, 1, 2, 3].map((i) => ref(values(x)[i], values(y)[i]));
      assertTensor(fn(x, y), '(xˢ=4)', 'bool', expected);
      assertTensor(method(x, y), '(xˢ=4)', 'bool', expected);
    });
  }

  it('comparisons broadcast by name and accept JS numbers', () => {
    const t = math.tensor([1, 2, 3], spatial('x'));
    const u = math.tensor([2, 3], batch('b'));
    const r = t.gt(u);
    const expected = refBroadcast(['x', 'b'], [3, 2], [plain(t), plain(u)], (p, q) => +(p > q)).map(Boolean);
    assertTensor(r, '(xˢ=3, bᵇ=2)', 'bool', expected);
    assertTensor(t.ge(2), '(xˢ=3)', 'bool', [false, true, true]);
    assertTensor(math.less(2, t), '(xˢ=3)', 'bool', [false, false, true]);
    assertTensor(math.tensor([1n, 5n]).gt(2), '(vectorᶜ=2)', 'bool', [false, true]);
    assertTensor(math.tensor([1n, 5n]).gt(2.5), '(vectorᶜ=2)', 'bool', [false, true]);
    assertTensor(math.tensor([true, false]).eq(1), '(vectorᶜ=2)', 'bool', [true, false]);
    assertTensor(math.tensor([true, false]).gt(math.tensor([false, false])), '(vectorᶜ=2)', 'bool', [true, false]);
  });

  it('logicalAnd / logicalOr / logicalXor, numbers count as true when nonzero', () => {
    const p = math.tensor([true, true, false, false]), q = math.tensor([true, false, true, false]);
    assertTensor(math.logicalAnd(p, q), '(vectorᶜ=4)', 'bool', [true, false, false, false]);
    assertTensor(math.logicalOr(p, q), '(vectorᶜ=4)', 'bool', [true, true, true, false]);
    assertTensor(math.logicalXor(p, q), '(vectorᶜ=4)', 'bool', [false, true, true, false]);
    assertTensor(p.and(q), '(vectorᶜ=4)', 'bool', [true, false, false, false]);
    assertTensor(p.or(q), '(vectorᶜ=4)', 'bool', [true, true, true, false]);
    assertTensor(p.xor(q), '(vectorᶜ=4)', 'bool', [false, true, true, false]);
    assertTensor(math.logicalOr(math.tensor([0, 2]), math.tensor([0, 0])), '(vectorᶜ=2)', 'bool', [false, true]);
    assertTensor(math.logicalAnd(math.tensor([true, true], spatial('x')), math.tensor([true, false], batch('b'))), '(xˢ=2, bᵇ=2)', 'bool', [true, false, true, false]);
  });
});

describe('where, clip, cast', () => {
  it('where selects element-wise and broadcasts over all three inputs', () => {
    const c = math.tensor([true, false], batch('b'));
    const a = math.tensor([1, 2], spatial('x'));
    const b = math.tensor([5, 6, 7], instance('i'));
    const r = math.where(c, a, b);
    const expected = refBroadcast(['b', 'i', 'x'], [2, 3, 2], [plain(c), plain(a), plain(b)], (p, q, s) => (p ? q : s));
    assertTensor(r, '(bᵇ=2, iⁱ=3, xˢ=2)', 'float32', expected);
  });

  it('where: numbers adopt the other branch dtype; numeric conditions use nonzero', () => {
    assertTensor(math.where(math.tensor([true, false]), 1, 0), '(vectorᶜ=2)', 'float32', [1, 0]);
    assertTensor(math.where(math.tensor([true, false]), math.tensor([1n, 2n]), 0), '(vectorᶜ=2)', 'int64', [1n, 0n]);
    assertTensor(math.where(math.tensor([true, false]), math.tensor([1, 2], { dtype: 'int32' }), -1), '(vectorᶜ=2)', 'int32', [1, -1]);
    assertTensor(math.where(math.tensor([true, false]), math.tensor([1n, 2n]), 0.5), '(vectorᶜ=2)', 'float32', [1, 0.5]);
    assertTensor(math.where(math.tensor([2, 0, NaN]), 5, 6), '(vectorᶜ=3)', 'float32', [5, 6, 5]);
    assertTensor(math.where(math.tensor([true, false]), math.tensor([true, true]), false), '(vectorᶜ=2)', 'bool', [true, false]);
    // the untaken branch may hold NaN / Inf
    assertTensor(math.where(math.tensor([true, false]), math.tensor([1, NaN]), math.tensor([Infinity, 2])), '(vectorᶜ=2)', 'float32', [1, 2]);
  });

  it('clip limits to [lower, upper], with tensors or numbers', () => {
    assertTensor(math.clip(math.tensor([-1, 0.5, 2, NaN]), 0, 1), '(vectorᶜ=4)', 'float32', [0, 0.5, 1, NaN]);
    assertTensor(math.tensor([-1n, 5n, 2n]).clip(0, 3), '(vectorᶜ=3)', 'int64', [0n, 3n, 2n]);
    assertTensor(math.tensor([-1n, 5n, 2n]).clip(0, 2.5), '(vectorᶜ=3)', 'float32', [0, 2.5, 2]);
    const lo = math.tensor([0, 1], batch('b'));
    const r = math.clip(math.tensor([-1, 0.5, 2], spatial('x')), lo, 1.5);
    assertTensor(r, '(bᵇ=2, xˢ=3)', 'float32', [0, 0.5, 1.5, 1, 1, 1.5]);
  });

  it('cast: floats to ints truncate toward zero, nonzero is true, NaN/Inf become the int minimum', () => {
    const t = math.tensor([1.7, -1.7, 0, NaN, Infinity, -0.2]);
    assertTensor(math.cast(t, 'int32'), '(vectorᶜ=6)', 'int32', [1, -1, 0, -2147483648, -2147483648, 0]);
    assertTensor(math.cast(t, 'int64'), '(vectorᶜ=6)', 'int64', [1n, -1n, 0n, -(2n ** 63n), -(2n ** 63n), 0n]);
    assertTensor(math.cast(t, 'bool'), '(vectorᶜ=6)', 'bool', [true, true, false, true, true, true]);
    assertTensor(math.cast(t, 'float64'), '(vectorᶜ=6)', 'float64', [Math.fround(1.7), Math.fround(-1.7), 0, NaN, Infinity, Math.fround(-0.2)]);
    assertTensor(math.cast(math.tensor([0.1], { dtype: 'float64' }), 'float32'), '(vectorᶜ=1)', 'float32', [Math.fround(0.1)]);
    assertTensor(math.cast(math.tensor([true, false]), 'float32'), '(vectorᶜ=2)', 'float32', [1, 0]);
    assertTensor(math.cast(math.tensor([2n ** 40n + 1n, -1n]), 'int32'), '(vectorᶜ=2)', 'int32', [1, -1]);
    assertTensor(math.cast(math.tensor([3n, 0n]), 'bool'), '(vectorᶜ=2)', 'bool', [true, false]);
    assertTensor(math.tensor([1.5]).cast('int32'), '(vectorᶜ=1)', 'int32', [1]);
    const same = math.tensor([1]);
    assert.strictEqual(math.cast(same, 'float32'), same);
    assertTensor(math.cast(vec({ x: 1.5, y: 2 }), 'int32'), '(vectorᶜ=x,y)', 'int32', [1, 2]);
    throwsWith(() => math.cast(same, 'float16' as any), 'DTypeError', 'float16');
  });
});

describe('math surface: every API.md operation exists as a function (and method where natural)', () => {
  const fns = 'add sub mul div pow mod neg abs sign sqrt exp log sin cos tan tanh sigmoid floor ceil round minimum maximum clip where greater less greaterEqual lessEqual equal notEqual logicalAnd logicalOr logicalNot sum mean prod max min any all std stack concat renameDims packDims unpackDim expand dot cast tensor wrap zeros ones zerosLike onesLike randomNormal randomUniform linspace range vec seed get transpose pad shift laplace spatialGradient'.split(' ');
  const methods = 'add sub mul div pow mod neg abs sign sqrt exp log sin cos tan tanh sigmoid floor ceil round minimum maximum clip gt lt ge le eq ne and or xor not sum mean prod max min std anyAlong allAlong cast get renameDims expand transpose packDims unpackDim dot pad shift'.split(' ');
  it('math functions', () => {
    for (const f of fns) assert.strictEqual(typeof (math as any)[f], 'function', `math.${f}`);
  });
  it('Tensor methods', () => {
    const t = math.tensor(1);
    for (const m of methods) assert.strictEqual(typeof (t as any)[m], 'function', `t.${m}`);
  });
});

describe('dual dims in element-wise ops', () => {
  it('a dual dim and a spatial dim of the same base name are distinct', () => {
    const r = math.tensor([1, 2], dual('x')).add(math.tensor([10, 20], spatial('x')));
    assertTensor(r, '(~xᵈ=2, xˢ=2)', 'float32', [11, 21, 12, 22]);
  });
});
