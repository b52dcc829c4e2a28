/**
 * Getting values out of concrete tensors: .item(), .toArray(), .data, .all / .any, Symbol.toPrimitive.
 */
import * as assert from 'assert';
import { math, spatial, batch, channel, vec } from 'tensorjit';
import { throwsWith } from '../helpers';

describe('values: item, toArray, data', () => {
  it('item() gives number, bigint or boolean for rank-0 tensors', () => {
    assert.strictEqual(math.tensor(2.5).item(), 2.5);
    assert.strictEqual(math.tensor(0.1).item(), Math.fround(0.1));
    assert.strictEqual(math.tensor(0.1, { dtype: 'float64' }).item(), 0.1);
    assert.strictEqual(math.tensor(7, { dtype: 'int32' }).item(), 7);
    assert.strictEqual(math.tensor(2n ** 60n + 1n).item(), 2n ** 60n + 1n);
    assert.strictEqual(math.tensor(true).item(), true);
    assert.strictEqual(math.tensor(false).item(), false);
    assert.ok(Number.isNaN(math.tensor(NaN).item() as number));
    assert.strictEqual(math.sum(math.tensor([1, 2, 3])).item(), 6);
    assert.strictEqual(vec({ x: 1, y: 2 }).get({ vector: 'y' }).item(), 2);
  });
  it('item() of a tensor with dims is an error naming the shape (even with one element)', () => {
    throwsWith(() => math.tensor([1]).item(), 'ShapeError', '(vectorᶜ=1)', 'get');
    throwsWith(() => math.zeros(spatial({ x: 2, y: 3 })).item(), 'ShapeError', '(xˢ=2, yˢ=3)');
  });
  it('toArray() gives nested arrays in shape order', () => {
    assert.deepStrictEqual(math.tensor([[1, 2, 3], [4, 5, 6]], spatial('x,y')).toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.deepStrictEqual(math.tensor([[1, 2, 3], [4, 5, 6]], spatial('x,y')).transpose('y,x').toArray(), [[1, 4], [2, 5], [3, 6]]);
    assert.deepStrictEqual(math.tensor([1n, 2n]).toArray(), [1n, 2n]);
    assert.deepStrictEqual(math.tensor([[true, false]], spatial('x,y')).toArray(), [[true, false]]);
    assert.strictEqual(math.tensor(3).toArray(), 3);
    assert.deepStrictEqual(math.zeros(spatial({ x: 0 })).toArray(), []);
    assert.deepStrictEqual(math.zeros(spatial({ x: 2, y: 0 })).toArray(), [[], []]);
    assert.deepStrictEqual(math.ones(spatial({ x: 1, y: 1, z: 1 })).toArray(), [[[1]]]);
  });
  it('.data is a typed array of the dtype, dims in shape order', () => {
    const t = math.tensor([[1, 2], [3, 4]], spatial('x,y'));
    assert.ok(t.data instanceof Float32Array);
    assert.deepStrictEqual(Array.from(t.data as Float32Array), [1, 2, 3, 4]);
    assert.deepStrictEqual(Array.from(t.transpose("y,x").data as Float32Array), [1, 3, 2, 4]);
    assert.ok(math.tensor([1n]).data instanceof BigInt64Array);
    assert.ok(math.tensor([1], { dtype: 'float64' }).data instanceof Float64Array);
    assert.ok(math.range(spatial({ x: 2 })).data instanceof Int32Array);
    const b = math.tensor([true, false]);
    assert.ok(b.data instanceof Uint8Array);
    assert.deepStrictEqual(Array.from(b.data as Uint8Array), [1, 0]);
    assert.strictEqual(math.tensor(5).data.length, 1);
  });
  it('shape and dtype properties', () => {
    const t = math.ones(batch({ b: 2 }), channel({ vector: 'x,y' }), { dtype: 'int64' });
    assert.deepStrictEqual(t.shape.names, ['b', 'vector']);
    assert.deepStrictEqual(t.shape.sizes, [2, 2]);
    assert.strictEqual(t.shape.rank, 2);
    assert.strictEqual(t.shape.volume, 4);
    assert.strictEqual(t.dtype, 'int64');
    assert.strictEqual(t.rank, 2);
    assert.strictEqual(t.available, true);
  });
  it('JSON.stringify gives the nested values', () => {
    assert.strictEqual(JSON.stringify({ t: math.tensor([1.5, 2]) }), '{"t":[1.5,2]}');
  });
});

describe('Symbol.toPrimitive on concrete tensors', () => {
  it('rank-0 tensors convert to JS numbers: z > 1, +z, Number(z), arithmetic', () => {
    const z: any = math.tensor(2);
    assert.strictEqual(z > 1, true);
    assert.strictEqual(z < 1, false);
    assert.strictEqual(+z, 2);
    assert.strictEqual(Number(z), 2);
    assert.strictEqual(z * 3, 6);
    assert.strictEqual(Math.max(z, 5), 5);
    const m: any = math.max(math.tensor([1, 7, 3]));
    assert.ok(m >= 7);
    assert.strictEqual(Number(math.tensor(true)), 1);
    const t: any = math.tensor(true);
    assert.strictEqual(t > 0, true);
    assert.strictEqual(Number(math.tensor(0.5, { dtype: 'float64' })), 0.5);
  });
  it('int64 scalars give bigints (exact): comparisons and Number() work', () => {
    const z: any = math.tensor(2n ** 60n + 1n);
    assert.strictEqual(z > 2n ** 60n, true);
    assert.strictEqual(z > 1, true);
    assert.strictEqual(Number(math.tensor(3n)), 3);
    const small: any = math.tensor(3n);
    assert.strictEqual(+small, 3, 'exact int64 values convert to numbers, so +z and z * 2 work');
    assert.strictEqual(small * 2, 6);
    assert.strictEqual(BigInt(math.tensor(3n).item() as bigint), 3n);
  });
  it('string conversion always works: String(t), template literals, + ""', () => {
    const v: any = math.tensor([1, 2]);
    assert.strictEqual(String(v), '(1.000, 2.000)');
    assert.strictEqual(`${v}`, '(1.000, 2.000)');
    assert.strictEqual(v + '', '(1.000, 2.000)');
    assert.strictEqual(`${math.tensor(2)}`, '2.0');
  });
  it('tensors with dims refuse number conversion with a clear error', () => {
    const v: any = math.tensor([1, 2]);
    throwsWith(() => Number(v), 'ShapeError', '(vectorᶜ=2)', 'JS number', '.all / .any');
    throwsWith(() => v > 1, 'ShapeError', '(vectorᶜ=2)');
    throwsWith(() => +v, 'ShapeError');
    throwsWith(() => v * 2, 'ShapeError');
    throwsWith(() => Number(math.tensor([5])), 'ShapeError', '(vectorᶜ=1)');
    throwsWith(() => Number(math.zeros(spatial({ x: 0 }))), 'ShapeError');
  });
});
