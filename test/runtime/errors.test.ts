/**
 * Bad input: every error is typed, names what is wrong (dims and sizes such as `x: 3 vs 4`), and
 * leaves its inputs untouched.
 */
import * as assert from 'assert';
import { math, spatial, channel, batch, instance, vec, Tensor, ShapeError, DTypeError, TensorDataError } from 'tensorjit';
import { throwsWith, values } from '../helpers';

const x3 = math.tensor([1, 2, 3], spatial('x'));
const x4 = math.tensor([1, 2, 3, 4], spatial('x'));

describe('errors: shape mismatches name the dim and both sizes', () => {
  const binaries: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', math.add], ['sub', math.sub], ['mul', math.mul], ['div', math.div], ['pow', math.pow], ['mod', math.mod],
    ['minimum', math.minimum], ['maximum', math.maximum], ['greater', math.greater], ['equal', math.equal], ['logicalAnd', math.logicalAnd],
  ];
  for (const [name, op] of binaries) {
    it(`${name}: (xˢ=3) with (xˢ=4) → "x: 3 vs 4"`, () => {
      const e = throwsWith(() => op(x3, x4), 'ShapeError', 'x: 3 vs 4', '(xˢ=3)', '(xˢ=4)');
      assert.ok(e instanceof ShapeError);
    });
  }
  it('where / clip / stack / expand report the same way', () => {
    throwsWith(() => math.where(x3.gt(1), x4, 0), 'ShapeError', 'x: 3 vs 4');
    throwsWith(() => math.where(x4.gt(1), x3, x4), 'ShapeError', 'x: 4 vs 3');
    throwsWith(() => math.clip(x3, x4, 10), 'ShapeError', 'x: 4 vs 3'); // ΦML: maximum(lower, minimum(x, upper))
    throwsWith(() => math.stack([x3, x4], batch('b')), 'ShapeError', 'x: 3 vs 4');
    throwsWith(() => math.expand(x3, spatial({ x: 4 })), 'ShapeError', 'x: 3 vs 4');
  });
  it('mismatches in a second dim and in batch dims', () => {
    const a = math.zeros(batch({ b: 2 }), spatial({ x: 3, y: 5 }));
    const b = math.zeros(batch({ b: 2 }), spatial({ x: 3, y: 6 }));
    throwsWith(() => a.add(b), 'ShapeError', 'y: 5 vs 6');
    throwsWith(() => a.add(math.zeros(batch({ b: 3 }))), 'ShapeError', 'b: 2 vs 3');
  });
  it('same name, different kinds', () => {
    throwsWith(() => x3.add(math.tensor([1, 2, 3], channel('x'))), 'ShapeError', "'x'", 'spatial', 'channel');
    throwsWith(() => x3.add(math.tensor([1, 2, 3], batch('x'))), 'ShapeError', 'spatial', 'batch');
  });
  it('different item names along the same dim', () => {
    throwsWith(() => vec({ a: 1, b: 2 }).add(vec({ c: 1, d: 2 })), 'ShapeError', 'vector', 'a,b', 'c,d');
    throwsWith(() => vec({ x: 1, y: 2 }).add(vec({ y: 1, x: 2 })), 'ShapeError', 'x,y', 'y,x');
    throwsWith(() => vec({ a: 1, b: 2 }).add(math.tensor([1, 2, 3])), 'ShapeError', 'vector: 2 vs 3');
  });
  it('a size-1 dim does not broadcast against a larger one of the same name', () => {
    throwsWith(() => x3.add(math.tensor([1], spatial('x'))), 'ShapeError', 'x: 3 vs 1');
  });
});

describe('errors: unknown dim names list the dims that exist', () => {
  // written for strict dims (absent dims as errors; ΦML and the default ignore them)
  before(() => math.setStrictDims(true));
  after(() => math.setStrictDims(false));
  const t = math.zeros(batch({ b: 2 }), spatial({ x: 3 }));
  it('reductions, get, transpose, rename, pack, unpack, pad, shift, dot, concat', () => {
    throwsWith(() => math.sum(t, 'y'), 'ShapeError', "'y'", "'b', 'x'");
    throwsWith(() => t.get({ y: 0 }), 'ShapeError', "'y'", "'b', 'x'");
    throwsWith(() => t.transpose('x,y'), 'ShapeError');
    throwsWith(() => t.renameDims({ y: 'z' }), 'ShapeError', "'y'");
    throwsWith(() => math.packDims(t, 'x,y', instance('p')), 'ShapeError', "'y'");
    throwsWith(() => math.unpackDim(t, 'y', spatial({ a: 1 })), 'ShapeError', "'y'");
    throwsWith(() => t.pad({ y: [1, 1] }), 'ShapeError', "'y'");
    throwsWith(() => t.shift({ y: 1 }), 'ShapeError', "'y'");
    throwsWith(() => math.dot(t, 'y', t, 'x'), 'ShapeError', "'y'");
    throwsWith(() => math.concat([t, t], 'y'), 'ShapeError', "'y'");
    throwsWith(() => math.laplace(t, { dims: 'y' }), 'ShapeError', "'y'");
  });
});

describe('errors: dtypes, data, conversions', () => {
  it('bad dtype names are DTypeErrors listing the valid ones', () => {
    const e = throwsWith(() => math.cast(x3, 'int8' as any), 'DTypeError', 'int8', "'float32', 'float64', 'int32', 'int64', 'bool'");
    assert.ok(e instanceof DTypeError);
    throwsWith(() => math.tensor(1, { dtype: 'double' as any }), 'DTypeError', 'double');
  });
  it('ragged arrays and data/shape size mismatches are TensorDataErrors / ShapeErrors', () => {
    assert.ok(throwsWith(() => math.tensor([[1], [2, 3]], spatial('x,y')), 'TensorDataError', 'ragged') instanceof TensorDataError);
    throwsWith(() => math.tensor(new Float32Array(3), spatial({ x: 2 })), 'TensorDataError', '2 elements', '3');
    throwsWith(() => math.tensor([1, 2, 3], spatial({ x: 4 })), 'ShapeError', 'x', '4', '3');
  });
  it('non-scalars do not convert to JS numbers', () => {
    throwsWith(() => Number(x3), 'ShapeError', '(xˢ=3)');
    throwsWith(() => x3.item(), 'ShapeError', '(xˢ=3)');
  });
  it('operands that are not tensors or numbers', () => {
    throwsWith(() => math.add(x3, null as any), 'TensorDataError', 'null');
    throwsWith(() => math.add(x3, 'a' as any), 'TensorDataError', 'string');
  });
});

describe('errors leave inputs untouched', () => {
  it('failed ops do not modify their operands', () => {
    const a = math.tensor([1, 2, 3], spatial('x'));
    const b = math.tensor([1, 2, 3, 4], spatial('x'));
    const before = [values(a), values(b), String(a.shape), String(b.shape)];
    for (const f of [() => a.add(b), () => math.where(a.gt(0), b, a), () => math.concat([a, math.zeros(spatial({ y: 2 }))], 'x'), () => math.stack([a, b], batch('k')), () => a.get({ x: 5 }), () => math.cast(a, 'x' as any), () => a.renameDims({ x: spatial({ x: 9 }) })]) {
      assert.throws(f);
    }
    assert.deepStrictEqual([values(a), values(b), String(a.shape), String(b.shape)], before);
  });
  it('successful ops do not modify their operands either (tensors are values)', () => {
    const a = math.tensor([1, 2, 3], spatial('x'));
    const d = a.data;
    a.add(1); a.neg(); math.sum(a); math.cast(a, 'int32'); a.get({ x: [0, 2] }); math.clip(a, 0, 1);
    assert.strictEqual(a.data, d);
    assert.deepStrictEqual(values(a), [1, 2, 3]);
  });
});
