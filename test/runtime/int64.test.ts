/**
 * int64 is exact beyond 2^53 (values are bigints at the API), wrapping at 64 bits like
 * onnxruntime. Expected values are computed here with BigInt arithmetic.
 */
import * as assert from 'assert';
import { math, spatial, batch } from 'tensorjit';
import { assertTensor } from '../helpers';

const P53 = 2n ** 53n;
const BIG = [P53 + 1n, -(P53 + 3n), 2n ** 62n + 7n, 5n, -(2n ** 63n), 2n ** 63n - 1n];
const wrap64 = (x: bigint) => BigInt.asIntN(64, x);

describe('int64 exactness beyond 2^53', () => {
  it('creation, toArray, item and data keep every bit', () => {
    const t = math.tensor(BIG);
    assert.deepStrictEqual(t.toArray(), BIG);
    assert.deepStrictEqual(Array.from(t.data as BigInt64Array), BIG);
    assert.strictEqual(t.get({ vector: 0 }).item(), P53 + 1n);
  });

  it('add / sub / mul / neg / abs, with wrap-around at 64 bits', () => {
    const a = math.tensor(BIG, spatial('x'));
    const b = math.tensor([1n, 2n, 3n, -1n, -1n, 1n], spatial('x'));
    assertTensor(a.add(b), '(xˢ=6)', 'int64', BIG.map((x, i) => wrap64(x + [1n, 2n, 3n, -1n, -1n, 1n][i])));
    assertTensor(a.sub(b), '(xˢ=6)', 'int64', BIG.map((x, i) => wrap64(x - [1n, 2n, 3n, -1n, -1n, 1n][i])));
    assertTensor(a.mul(3), '(xˢ=6)', 'int64', BIG.map((x) => wrap64(x * 3n)));
    assertTensor(a.neg(), '(xˢ=6)', 'int64', BIG.map((x) => wrap64(-x)));
    assertTensor(a.abs(), '(xˢ=6)', 'int64', BIG.map((x) => wrap64(x < 0n ? -x : x)));
    assertTensor(math.tensor([3037000499n]).mul(math.tensor([3037000499n])), '(vectorᶜ=1)', 'int64', [3037000499n * 3037000499n]);
  });

  it('results that leave the safe range are exact even when inputs are small', () => {
    const t = math.tensor([2n ** 52n + 1n, 4294967297n]);
    assertTensor(t.mul(math.tensor([3n, 4294967297n])), '(vectorᶜ=2)', 'int64', [(2n ** 52n + 1n) * 3n, wrap64(4294967297n * 4294967297n)]);
    assertTensor(t.add(math.tensor([2n ** 52n + 1n, 0n])), '(vectorᶜ=2)', 'int64', [2n ** 53n + 2n, 4294967297n]);
  });

  it('mod, pow, minimum, maximum, floor/ceil/round/sign', () => {
    const a = math.tensor([P53 + 1n, -(P53 + 1n)]);
    assertTensor(a.mod(2), '(vectorᶜ=2)', 'int64', [1n, 1n]);
    assertTensor(a.mod(math.tensor([-7n, 7n])), '(vectorᶜ=2)', 'int64', [((P53 + 1n) % 7n) - 7n, 7n - ((P53 + 1n) % 7n)]);
    assertTensor(math.tensor([3n]).pow(39), '(vectorᶜ=1)', 'int64', [3n ** 39n]);
    assertTensor(math.tensor([3n]).pow(41), '(vectorᶜ=1)', 'int64', [wrap64(3n ** 41n)]);
    assertTensor(a.minimum(math.tensor([P53, P53])), '(vectorᶜ=2)', 'int64', [P53, -(P53 + 1n)]);
    assertTensor(a.maximum(math.tensor([P53, P53])), '(vectorᶜ=2)', 'int64', [P53 + 1n, P53]);
    assertTensor(a.floor(), '(vectorᶜ=2)', 'int64', [P53 + 1n, -(P53 + 1n)]);
    assertTensor(a.ceil(), '(vectorᶜ=2)', 'int64', [P53 + 1n, -(P53 + 1n)]);
    assertTensor(a.round(), '(vectorᶜ=2)', 'int64', [P53 + 1n, -(P53 + 1n)]);
    assertTensor(a.sign(), '(vectorᶜ=2)', 'int64', [1n, -1n]);
  });

  it('comparisons distinguish neighbours beyond 2^53', () => {
    const a = math.tensor([P53 + 1n, P53, -(P53 + 1n)]);
    const b = math.tensor([P53, P53 + 1n, -P53]);
    assertTensor(a.gt(b), '(vectorᶜ=3)', 'bool', [true, false, false]);
    assertTensor(a.lt(b), '(vectorᶜ=3)', 'bool', [false, true, true]);
    assertTensor(a.ge(b), '(vectorᶜ=3)', 'bool', [true, false, false]);
    assertTensor(a.le(b), '(vectorᶜ=3)', 'bool', [false, true, true]);
    assertTensor(a.eq(b), '(vectorᶜ=3)', 'bool', [false, false, false]);
    assertTensor(a.ne(b), '(vectorᶜ=3)', 'bool', [true, true, true]);
    assertTensor(a.eq(a), '(vectorᶜ=3)', 'bool', [true, true, true]);
    // against an int32 tensor (promoted to int64)
    assertTensor(math.tensor([P53 + 1n]).gt(math.tensor([1], { dtype: 'int32' })), '(vectorᶜ=1)', 'bool', [true]);
  });

  it('where, stack, concat, get, transpose, expand keep int64 values', () => {
    const a = math.tensor([P53 + 1n, P53 + 3n], spatial('x'));
    assertTensor(math.where(math.tensor([true, false], spatial('x')), a, 0), '(xˢ=2)', 'int64', [P53 + 1n, 0n]);
    assertTensor(math.stack([a, a.add(1)], batch('b')), '(bᵇ=2, xˢ=2)', 'int64', [P53 + 1n, P53 + 3n, P53 + 2n, P53 + 4n]);
    assertTensor(math.concat([a, a], 'x'), '(xˢ=4)', 'int64', [P53 + 1n, P53 + 3n, P53 + 1n, P53 + 3n]);
    assertTensor(a.get({ x: -1 }), '()', 'int64', [P53 + 3n]);
    assertTensor(math.expand(a, batch({ b: 2 })).transpose('x,b'), '(xˢ=2, bᵇ=2)', 'int64', [P53 + 1n, P53 + 1n, P53 + 3n, P53 + 3n]);
    assertTensor(a.pad({ x: [1, 1] }, 'periodic'), '(xˢ=4)', 'int64', [P53 + 3n, P53 + 1n, P53 + 3n, P53 + 1n]);
  });

  it('sum / prod / max / min reductions', () => {
    const t = math.tensor([[P53 + 1n, 2n], [P53 + 3n, -1n]], batch('b'), spatial('x'));
    assertTensor(math.sum(t, 'x'), '(bᵇ=2)', 'int64', [P53 + 3n, P53 + 2n]);
    assertTensor(math.sum(t, 'b,x'), '()', 'int64', [2n * P53 + 5n]);
    assertTensor(math.max(t, 'b'), '(xˢ=2)', 'int64', [P53 + 3n, 2n]);
    assertTensor(math.min(t, 'x'), '(bᵇ=2)', 'int64', [2n, -1n]);
    assertTensor(math.prod(math.tensor([4294967297n, 4294967297n])), '()', 'int64', [wrap64(4294967297n ** 2n)]);
    assertTensor(math.prod(math.tensor([2n ** 40n, 2n ** 30n])), '()', 'int64', [wrap64(2n ** 70n)]);
    assertTensor(math.sum(math.tensor([2n ** 63n - 1n, 1n])), '()', 'int64', [-(2n ** 63n)]);
  });

  it('dot contracts exactly', () => {
    const a = math.tensor([3037000499n, P53 + 1n], spatial('i'));
    const b = math.tensor([3037000499n, 1n], spatial('i'));
    assertTensor(math.dot(a, 'i', b, 'i'), '()', 'int64', [wrap64(3037000499n * 3037000499n + P53 + 1n)]);
    const m = math.tensor([[P53 + 1n, 1n], [2n, 3n]], spatial('r,c'));
    const v = math.tensor([1n, P53], spatial('k'));
    assertTensor(math.dot(m, 'c', v, 'k'), '(rˢ=2)', 'int64', [P53 + 1n + P53, 2n + 3n * P53]);
  });

  it('casts: to int32 wraps, to float64 rounds', () => {
    assertTensor(math.cast(math.tensor([2n ** 32n + 5n, -(2n ** 31n) - 1n]), 'int32'), '(vectorᶜ=2)', 'int32', [5, 2147483647]);
    assertTensor(math.cast(math.tensor([P53 + 1n]), 'float64'), '(vectorᶜ=1)', 'float64', [Number(P53)]);
    assertTensor(math.cast(math.tensor([2n ** 62n]), 'bool'), '(vectorᶜ=1)', 'bool', [true]);
  });

  it('printing shows every digit', () => {
    assert.strictEqual(String(math.tensor(P53 + 1n)), 'int64 9007199254740993');
    assert.strictEqual(String(math.tensor([P53 + 1n, -(2n ** 63n)])), '(9007199254740993, -9223372036854775808) int64');
  });
});
