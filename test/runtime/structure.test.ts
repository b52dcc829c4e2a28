import * as assert from 'assert';
import { math, spatial, channel, batch, instance, dual, vec, Tensor } from 'tensorjit';
import { assertTensor, values, throwsWith } from '../helpers';

/** (xˢ=2, yˢ=3) with value 10·x + y */
const T = math.tensor([[0, 1, 2], [10, 11, 12]], spatial('x,y'));

describe('get: slicing and selection by dim name', () => {
  // written for strict dims (absent dims as errors; ΦML and the default ignore them)
  before(() => math.setStrictDims(true));
  after(() => math.setStrictDims(false));
  it('ranges are half-open [start, stop)', () => {
    assertTensor(T.get({ y: [1, 3] }), '(xˢ=2, yˢ=2)', 'float32', [1, 2, 11, 12]);
    assertTensor(T.get({ y: [0, 1] }), '(xˢ=2, yˢ=1)', 'float32', [0, 10]);
    assertTensor(T.get({ x: [1, 2], y: [0, 2] }), '(xˢ=1, yˢ=2)', 'float32', [10, 11]);
  });
  it('negative bounds count from the end; out-of-range bounds clamp', () => {
    assertTensor(T.get({ y: [-2, 3] }), '(xˢ=2, yˢ=2)', 'float32', [1, 2, 11, 12]);
    assertTensor(T.get({ y: [0, -1] }), '(xˢ=2, yˢ=2)', 'float32', [0, 1, 10, 11]);
    assertTensor(T.get({ y: [-10, 10] }), '(xˢ=2, yˢ=3)', 'float32', values(T));
    assertTensor(T.get({ y: [2, 1] }), '(xˢ=2, yˢ=0)', 'float32', []);
    assertTensor(T.get({ y: [3, 3] }), '(xˢ=2, yˢ=0)', 'float32', []);
  });
  it('steps, including negative steps', () => {
    const r = math.range(spatial({ x: 6 }));
    assertTensor(r.get({ x: [0, 6, 2] }), '(xˢ=3)', 'int32', [0, 2, 4]);
    assertTensor(r.get({ x: [1, 6, 2] }), '(xˢ=3)', 'int32', [1, 3, 5]);
    assertTensor(r.get({ x: [5, -7, -1] }), '(xˢ=6)', 'int32', [5, 4, 3, 2, 1, 0]);
    assertTensor(r.get({ x: [4, 0, -2] }), '(xˢ=2)', 'int32', [4, 2]);
    throwsWith(() => r.get({ x: [0, 6, 0] }), 'ShapeError', 'step');
  });
  it('an index drops the dim; negative indices count from the end', () => {
    assertTensor(T.get({ x: 1 }), '(yˢ=3)', 'float32', [10, 11, 12]);
    assertTensor(T.get({ x: -1 }), '(yˢ=3)', 'float32', [10, 11, 12]);
    assertTensor(T.get({ y: -3 }), '(xˢ=2)', 'float32', [0, 10]);
    assertTensor(T.get({ x: 0, y: 2 }), '()', 'float32', [2]);
    throwsWith(() => T.get({ x: 2 }), 'ShapeError', 'index 2', 'x', 'size 2');
    throwsWith(() => T.get({ x: -3 }), 'ShapeError', 'index -3');
    throwsWith(() => T.get({ x: 0.5 }), 'ShapeError', 'integer');
  });
  it('item names select along channel dims (one name drops the dim, a list keeps it)', () => {
    const v = vec({ x: 1, y: 2, z: 3 });
    assertTensor(v.get({ vector: 'y' }), '()', 'float32', [2]);
    assertTensor(v.get({ vector: 'z,x' }), '(vectorᶜ=z,x)', 'float32', [3, 1]);
    assertTensor(v.get({ vector: ['z', 'x'] }), '(vectorᶜ=z,x)', 'float32', [3, 1]);
    assertTensor(v.get({ vector: ['y'] }), '(vectorᶜ=y)', 'float32', [2]);
    assertTensor(v.get({ vector: [1, 3] }), '(vectorᶜ=y,z)', 'float32', [2, 3]);
    assertTensor(v.get({ vector: 0 }), '()', 'float32', [1]);
    const pts = math.tensor([[1, 2], [3, 4], [5, 6]], instance('p'), channel({ vector: 'x,y' }));
    assertTensor(pts.get({ vector: 'y' }), '(pⁱ=3)', 'float32', [2, 4, 6]);
    assertTensor(pts.get({ p: [1, 3], vector: 'x' }), '(pⁱ=2)', 'float32', [3, 5]);
    throwsWith(() => v.get({ vector: 'w' }), 'ShapeError', "'w'", 'x, y, z');
    throwsWith(() => T.get({ x: 'a' }), 'ShapeError', 'no item names');
  });
  it('selection of a non-canonically ordered tensor works by name', () => {
    const u = T.transpose('y,x');
    assertTensor(u.get({ x: 1 }), '(yˢ=3)', 'float32', [10, 11, 12]);
    assertTensor(u.get({ y: [1, 2] }), '(yˢ=1, xˢ=2)', 'float32', [1, 11]);
  });
  it('a full range returns the same values; unknown dims are errors; the input is unchanged', () => {
    assertTensor(T.get({ x: [0, 2] }), '(xˢ=2, yˢ=3)', 'float32', values(T));
    throwsWith(() => T.get({ z: 0 }), 'ShapeError', "'z'", "'x', 'y'");
    assertTensor(T, '(xˢ=2, yˢ=3)', 'float32', [0, 1, 2, 10, 11, 12]);
    assert.strictEqual(math.get(T, { x: 1 }).toArray().length, 3);
  });
});

describe('transpose', () => {
  it('reorders dims (data in the new order)', () => {
    assertTensor(T.transpose('y,x'), '(yˢ=3, xˢ=2)', 'float32', [0, 10, 1, 11, 2, 12]);
    assertTensor(math.transpose(T, ['y', 'x']), '(yˢ=3, xˢ=2)', 'float32', [0, 10, 1, 11, 2, 12]);
    assert.strictEqual(T.transpose('x,y'), T);
    const t3 = math.zeros(batch({ b: 2 }), spatial({ x: 3 }), channel({ c: 4 })).add(math.range(batch({ b: 2 }))).add(math.range(spatial({ x: 3 })).mul(10)).add(math.range(channel({ c: 4 })).mul(100));
    const p = t3.transpose('c,b,x');
    assert.strictEqual(String(p.shape), '(cᶜ=4, bᵇ=2, xˢ=3)');
    const v = values(p);
    for (let c = 0; c < 4; c++) for (let b = 0; b < 2; b++) for (let x = 0; x < 3; x++) assert.strictEqual(v[(c * 2 + b) * 3 + x], b + 10 * x + 100 * c);
  });
  it('must list every dim', () => {
    throwsWith(() => T.transpose('y'), 'ShapeError', 'every dim');
    throwsWith(() => T.transpose('y,z'), 'ShapeError');
  });
});

describe('renameDims', () => {
  // written for strict dims (absent dims as errors; ΦML and the default ignore them)
  before(() => math.setStrictDims(true));
  after(() => math.setStrictDims(false));
  it('renames by (names, names), by mapping, and retypes with a Shape', () => {
    assertTensor(math.renameDims(T, 'x', 'a'), '(aˢ=2, yˢ=3)', 'float32', values(T));
    assertTensor(math.renameDims(T, 'x,y', 'a,b'), '(aˢ=2, bˢ=3)', 'float32', values(T));
    assertTensor(T.renameDims({ y: 'z' }), '(xˢ=2, zˢ=3)', 'float32', values(T));
    assertTensor(math.renameDims(T, 'x', batch('b')), '(bᵇ=2, yˢ=3)', 'float32', values(T));
    // retyping keeps the dim in its place, as in ΦML
    assertTensor(math.renameDims(T, 'x', channel('c')), '(cᶜ=2, yˢ=3)', 'float32', values(T));
    assert.strictEqual(String(math.renameDims(T, 'x', channel('c'))), '(0.000, 10.000); (1.000, 11.000); (2.000, 12.000) (cᶜ=2, yˢ=3)');
    assertTensor(math.renameDims(T, 'y', dual('y')), '(xˢ=2, ~yᵈ=3)', 'float32', values(T));
  });
  it('keeps item names, or takes new ones from the target shape', () => {
    assertTensor(math.renameDims(vec({ a: 1, b: 2 }), 'vector', 'c'), '(cᶜ=a,b)', 'float32', [1, 2]);
    assertTensor(math.renameDims(vec({ a: 1, b: 2 }), 'vector', channel({ c: 'p,q' })), '(cᶜ=p,q)', 'float32', [1, 2]);
    assertTensor(math.renameDims(math.tensor([1, 2], spatial('x')), 'x', channel({ vector: 'u,v' })), '(vectorᶜ=u,v)', 'float32', [1, 2]);
  });
  it('a target Shape without item names drops them (ΦML)', () => {
    const v = vec({ a: 1, b: 2 });
    assert.strictEqual(String(math.renameDims(v, 'vector', batch('b'))), '(1.000, 2.000) along bᵇ');
    assert.strictEqual(String(math.renameDims(v, 'vector', spatial('s'))), '(1.000, 2.000) along sˢ');
    assert.strictEqual(String(math.renameDims(v, 'vector', channel('c'))), '(1.000, 2.000) along cᶜ');
    assert.strictEqual(String(math.renameDims(v, 'vector', 'c')), '(a=1.000, b=2.000) along cᶜ');
  });
  it('errors: unknown dim, name clash, size mismatch, count mismatch', () => {
    throwsWith(() => T.renameDims({ q: 'z' }), 'ShapeError', "'q'");
    throwsWith(() => T.renameDims({ x: 'y' }), 'ShapeError', 'Duplicate', 'y');
    throwsWith(() => math.renameDims(T, 'x', spatial({ a: 5 })), 'ShapeError', 'size 2', 'size 5');
    throwsWith(() => math.renameDims(T, 'x,y', 'a'), 'ShapeError', '2 dims');
    throwsWith(() => math.renameDims(T, 'x' as any), 'ShapeError');
    assertTensor(T, '(xˢ=2, yˢ=3)', 'float32', [0, 1, 2, 10, 11, 12]);
  });
});

describe('packDims / unpackDim', () => {
  // written for strict dims (absent dims as errors; ΦML and the default ignore them)
  before(() => math.setStrictDims(true));
  after(() => math.setStrictDims(false));
  it('packs row-major in the order given', () => {
    assertTensor(math.packDims(T, 'x,y', instance('p')), '(pⁱ=6)', 'float32', [0, 1, 2, 10, 11, 12]);
    assertTensor(math.packDims(T, 'y,x', instance('p')), '(pⁱ=6)', 'float32', [0, 10, 1, 11, 2, 12]);
    assertTensor(T.packDims(['x', 'y'], instance({ p: 6 })), '(pⁱ=6)', 'float32', [0, 1, 2, 10, 11, 12]);
  });
  it('keeps the other dims; the packed dim comes first (ΦML: packed & rest)', () => {
    const t = math.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], batch('b'), spatial('x'), channel('c'));
    assertTensor(math.packDims(t, 'x,c', instance('p')), '(pⁱ=4, bᵇ=2)', 'float32', [1, 5, 2, 6, 3, 7, 4, 8]);
    assertTensor(math.packDims(t, 'b,x', spatial('s')), '(sˢ=4, cᶜ=2)', 'float32', [1, 2, 3, 4, 5, 6, 7, 8]);
    assertTensor(math.packDims(t, 'b,c', batch('bc')), '(bcᵇ=4, xˢ=2)', 'float32', [1, 3, 2, 4, 5, 7, 6, 8]);
  });
  it('unpack is the inverse; one size may be left out', () => {
    const p = math.packDims(T, 'x,y', instance('p'));
    assertTensor(math.unpackDim(p, 'p', spatial({ x: 2, y: 3 })), '(xˢ=2, yˢ=3)', 'float32', values(T));
    assertTensor(math.unpackDim(p, 'p', spatial({ a: 3, b: 2 })), '(aˢ=3, bˢ=2)', 'float32', [0, 1, 2, 10, 11, 12]);
    assertTensor(p.unpackDim('p', spatial({ a: 3 }).and(spatial('b'))), '(aˢ=3, bˢ=2)', 'float32', [0, 1, 2, 10, 11, 12]);
    const q = math.tensor([[1, 2, 3, 4], [5, 6, 7, 8]], batch('b'), instance('p'));
    assertTensor(math.unpackDim(q, 'p', spatial({ x: 2, y: 2 })), '(bᵇ=2, xˢ=2, yˢ=2)', 'float32', [1, 2, 3, 4, 5, 6, 7, 8]);
    // unpacking into a channel dim with item names
    assertTensor(math.unpackDim(math.tensor([1, 2, 3, 4], instance('p')), 'p', instance({ i: 2 }).and(channel({ vector: 'x,y' }))), '(iⁱ=2, vectorᶜ=x,y)', 'float32', [1, 2, 3, 4]);
  });
  it('errors name the sizes', () => {
    const p = math.packDims(T, 'x,y', instance('p'));
    throwsWith(() => math.unpackDim(p, 'p', spatial({ a: 4, b: 2 })), 'ShapeError', '6', '8');
    throwsWith(() => math.unpackDim(p, 'p', spatial({ a: 4 }).and(spatial('b'))), 'ShapeError', 'divisible');
    throwsWith(() => math.unpackDim(p, 'p', spatial('a,b')), 'ShapeError', 'at most one');
    throwsWith(() => math.packDims(T, 'x,y', instance({ p: 5 })), 'ShapeError', '6', '5');
    throwsWith(() => math.packDims(T, 'x,z', instance('p')), 'ShapeError', "'z'");
    throwsWith(() => math.unpackDim(p, 'q', spatial({ a: 6 })), 'ShapeError', "'q'");
  });
});

describe('expand', () => {
  it('adds dims; values repeat along them', () => {
    const v = math.tensor([1, 2], spatial('x'));
    assertTensor(math.expand(v, batch({ b: 3 })), '(bᵇ=3, xˢ=2)', 'float32', [1, 2, 1, 2, 1, 2]);
    assertTensor(v.expand(channel({ c: 2 })), '(cᶜ=2, xˢ=2)', 'float32', [1, 2, 1, 2]); // ΦML: dims & value.shape
    assertTensor(math.expand(math.tensor(7n), spatial({ x: 2, y: 2 })), '(xˢ=2, yˢ=2)', 'int64', [7n, 7n, 7n, 7n]);
    assertTensor(math.expand(v, spatial({ x: 2 })), '(xˢ=2)', 'float32', [1, 2]);
    assertTensor(math.expand(v, batch({ b: 0 })), '(bᵇ=0, xˢ=2)', 'float32', []);
    assertTensor(math.expand(vec({ a: 1, b: 2 }), instance({ i: 2 })), '(iⁱ=2, vectorᶜ=a,b)', 'float32', [1, 2, 1, 2]);
    assertTensor(math.expand(3, spatial({ x: 2 })), '(xˢ=2)', 'float32', [3, 3]);
  });
  it('conflicting sizes and sizeless dims are errors', () => {
    throwsWith(() => math.expand(math.tensor([1, 2], spatial('x')), spatial({ x: 3 })), 'ShapeError', 'x: 2 vs 3');
    throwsWith(() => math.expand(math.tensor([1, 2], spatial('x')), spatial('y')), 'ShapeError', 'size');
  });
});

describe('stack', () => {
  it('stacks along a new dim (list form)', () => {
    assertTensor(math.stack([math.tensor(1), math.tensor(2)], batch('b')), '(bᵇ=2)', 'float32', [1, 2]);
    const a = math.tensor([1, 2], spatial('x')), b = math.tensor([3, 4], spatial('x'));
    assertTensor(math.stack([a, b], channel('c')), '(xˢ=2, cᶜ=2)', 'float32', [1, 3, 2, 4]);
    assertTensor(math.stack([a, b], batch('b')), '(bᵇ=2, xˢ=2)', 'float32', [1, 2, 3, 4]);
    assertTensor(math.stack([a, b], channel({ c: 'u,v' })), '(xˢ=2, cᶜ=u,v)', 'float32', [1, 3, 2, 4]);
    assertTensor(math.stack([1, 2, 3], spatial('x')), '(xˢ=3)', 'float32', [1, 2, 3]);
    assertTensor(math.stack([a], instance('i')), '(xˢ=2, iⁱ=1)', 'float32', [1, 2]); // ΦML: one value gets the dim appended
  });
  it('dict form: keys become item names', () => {
    assertTensor(math.stack({ a: math.tensor(1), b: math.tensor(2) }, channel('c')), '(cᶜ=a,b)', 'float32', [1, 2]);
    const r = math.stack({ x: math.tensor([1, 2], spatial('s')), y: 0 }, channel('vector'), { expandValues: true });
    assertTensor(r, '(sˢ=2, vectorᶜ=x,y)', 'float32', [1, 0, 2, 0]);
    assertTensor(r.get({ vector: 'x' }), '(sˢ=2)', 'float32', [1, 2]);
  });
  it('with expandValues, inputs broadcast by name to a common shape first (ΦML: expand_values=True)', () => {
    const a = math.tensor([1, 2], spatial('x'));
    const b = math.tensor([10, 20, 30], batch('b'));
    assertTensor(math.stack([a, b], channel('c'), { expandValues: true }), '(bᵇ=3, xˢ=2, cᶜ=2)', 'float32', [1, 10, 2, 10, 1, 20, 2, 20, 1, 30, 2, 30]);
    // without it, as in ΦML, only batch dims may differ
    assert.throws(() => math.stack([a, b], channel('c')), /non-batch dims must match .* expandValues/);
    assertTensor(math.stack([a, a.add(b)], channel('c')), '(bᵇ=3, xˢ=2, cᶜ=2)', 'float32', [1, 11, 2, 12, 1, 21, 2, 22, 1, 31, 2, 32]);
    assertTensor(math.stack([a, a.transpose('x')], batch('k')), '(kᵇ=2, xˢ=2)', 'float32', [1, 2, 1, 2]);
  });
  it('mixed dtypes follow tensor ⊕ tensor', () => {
    assertTensor(math.stack([math.tensor(1n), math.tensor(2.5)], spatial('s')), '(sˢ=2)', 'float32', [1, 2.5]);
    assertTensor(math.stack([math.tensor(1n), math.tensor(2, { dtype: 'int32' })], spatial('s')), '(sˢ=2)', 'int64', [1n, 2n]);
    assertTensor(math.stack([math.tensor(true), math.tensor(false)], spatial('s')), '(sˢ=2)', 'bool', [true, false]);
  });
  it('errors: existing dim, size mismatch, nothing to stack, incompatible inputs', () => {
    throwsWith(() => math.stack([math.tensor([1, 2], spatial('x'))], spatial('x')), 'ShapeError', "'x'", 'already exists');
    throwsWith(() => math.stack([math.tensor(1), math.tensor(2)], spatial({ s: 3 })), 'ShapeError', '3', '2');
    throwsWith(() => math.stack([], spatial('s')), 'ShapeError', 'nothing');
    throwsWith(() => math.stack([math.tensor([1, 2], spatial('x')), math.tensor([1, 2, 3], spatial('x'))], batch('b')), 'ShapeError', 'x: 2 vs 3');
    throwsWith(() => math.stack([math.tensor(1)], spatial('a,b')), 'ShapeError', 'one new dim');
  });
});

describe('concat', () => {
  it('joins along an existing dim, matching other dims by name', () => {
    const a = math.tensor([1, 2], spatial('x')), b = math.tensor([3], spatial('x'));
    assertTensor(math.concat([a, b], 'x'), '(xˢ=3)', 'float32', [1, 2, 3]);
    assertTensor(math.concat([a, b, a], spatial('x')), '(xˢ=5)', 'float32', [1, 2, 3, 1, 2]);
    assertTensor(math.concat([T, math.tensor([[7], [8]], spatial('x,y'))], 'y'), '(xˢ=2, yˢ=4)', 'float32', [0, 1, 2, 7, 10, 11, 12, 8]);
    assertTensor(math.concat([T, math.tensor([[7, 8]], spatial('y,x'))], 'y'), '(xˢ=2, yˢ=4)', 'float32', [0, 1, 2, 7, 10, 11, 12, 8]);
    assertTensor(math.concat([T, math.tensor([[5, 6, 7]], spatial('x,y'))], 'x'), '(xˢ=3, yˢ=3)', 'float32', [0, 1, 2, 10, 11, 12, 5, 6, 7]);
    assertTensor(math.concat([a], 'x'), '(xˢ=2)', 'float32', [1, 2]);
    assertTensor(math.concat([a, math.zeros(spatial({ x: 0 }))], 'x'), '(xˢ=2)', 'float32', [1, 2]);
  });
  it('item names are joined', () => {
    assertTensor(math.concat([vec({ a: 1 }), vec({ b: 2, c: 3 })], 'vector'), '(vectorᶜ=a,b,c)', 'float32', [1, 2, 3]);
  });
  it('errors: other dims differ, kinds differ, nothing to join, unknown dim', () => {
    throwsWith(() => math.concat([T, math.tensor([[7], [8], [9]], spatial('x,y'))], 'y'), 'ShapeError', "'y'", '(xˢ=2, yˢ=3)', '(xˢ=3, yˢ=1)');
    throwsWith(() => math.concat([math.tensor([1], spatial('x')), math.tensor([2], channel('x'))], 'x'), 'ShapeError', 'spatial', 'channel');
    throwsWith(() => math.concat([], 'x'), 'ShapeError', 'nothing');
    throwsWith(() => math.concat([T, T], 'z'), 'ShapeError', "'z'");
  });
});

describe('dot', () => {
  it('contracts named dims of different names', () => {
    assertTensor(math.dot(math.tensor([1, 2, 3], spatial('i')), 'i', math.tensor([4, 5, 6], spatial('j')), 'j'), '()', 'float32', [32]);
  });
  it('matrix products, reference loop', () => {
    const a = math.tensor([[1, 2, 3], [4, 5, 6]], spatial('r'), channel('k'));
    const b = math.tensor([[1, 0, 2, -1], [0, 1, 1, 1], [3, 1, 0, 2]], channel('kk'), instance('o'));
    const r = math.dot(a, 'k', b, 'kk');
    assert.strictEqual(String(r.shape), '(rˢ=2, oⁱ=4)'); // ΦML: a's remaining dims, then b's
    const A = [[1, 2, 3], [4, 5, 6]], B = [[1, 0, 2, -1], [0, 1, 1, 1], [3, 1, 0, 2]];
    const expected: number[] = [];
    for (let rr = 0; rr < 2; rr++) for (let o = 0; o < 4; o++) { let s = 0; for (let k = 0; k < 3; k++) s += A[rr][k] * B[k][o]; expected.push(s); }
    assert.deepStrictEqual(expected, [10, 5, 4, 7, 22, 11, 13, 13]); // ΦML's values
    assertTensor(r, '(rˢ=2, oⁱ=4)', 'float32', expected);
    assertTensor(a.dot('k', b, 'kk'), '(rˢ=2, oⁱ=4)', 'float32', expected);
  });
  it('shared non-contracted dims are matched element-wise (batch dims)', () => {
    const a = math.tensor([[1, 2, 3], [4, 5, 6]], batch('b'), spatial('x'));
    assertTensor(math.dot(a, 'x', a, 'x'), '(bᵇ=2)', 'float32', [14, 77]);
    const w = math.tensor([[1, 1], [2, 0], [0, 3]], spatial('x'), channel('out'));
    assertTensor(math.dot(a, 'x', w, 'x'), '(bᵇ=2, outᶜ=2)', 'float32', [5, 10, 14, 22]);
  });
  it('several contracted dims at once, and none', () => {
    const a = math.tensor([[1, 2], [3, 4]], spatial('x,y'));
    assertTensor(math.dot(a, 'x,y', a.transpose('y,x'), 'x,y'), '()', 'float32', [30]);
    assertTensor(math.dot(a, 'x,y', a, 'y,x'), '()', 'float32', [1 + 6 + 6 + 16]);
    assertTensor(math.dot(math.tensor([1, 2], spatial('i')), [], math.tensor([3, 4], spatial('j')), []), '(iˢ=2, jˢ=2)', 'float32', [3, 4, 6, 8]);
  });
  it('item names of remaining dims are kept; empty contraction gives zeros', () => {
    const m = math.tensor([[1, 0], [0, 2]], channel({ vector: 'x,y' }), channel({ out: 'a,b' }));
    assertTensor(math.dot(vec({ x: 3, y: 4 }), 'vector', m, 'vector'), '(outᶜ=a,b)', 'float32', [3, 8]);
    assertTensor(math.dot(math.zeros(spatial({ i: 0 }), batch({ b: 2 })), 'i', math.zeros(spatial({ i: 0 })), 'i'), '(bᵇ=2)', 'float32', [0, 0]);
  });
  it('errors name dims and sizes', () => {
    throwsWith(() => math.dot(T, 'y', T, 'x'), 'ShapeError', 'y: 3', 'x: 2');
    throwsWith(() => math.dot(T, 'x,y', T, 'x'), 'ShapeError', '2 dims', '1');
    throwsWith(() => math.dot(T, 'z', T, 'x'), 'ShapeError', "'z'");
    // shared dims must agree in size
    throwsWith(() => math.dot(math.zeros(spatial({ i: 2, s: 2 })), 'i', math.zeros(spatial({ i: 2, s: 3 })), 'i'), 'ShapeError', 's: 2 vs 3');
  });
});

describe('structure ops keep the input unchanged', () => {
  it('no op mutates its input', () => {
    const t = math.tensor([[1, 2], [3, 4]], spatial('x,y'));
    const snapshot = JSON.stringify(t.toArray());
    t.get({ x: 0 }); t.transpose('y,x'); math.packDims(t, 'x,y', instance('p')); math.renameDims(t, 'x', 'z');
    math.expand(t, batch({ b: 2 })); math.stack([t, t], batch('b')); math.concat([t, t], 'x'); t.pad({ x: [1, 1] }); t.shift({ y: 1 });
    assert.strictEqual(JSON.stringify(t.toArray()), snapshot);
    assert.strictEqual(String(t.shape), '(xˢ=2, yˢ=2)');
  });
});

describe('result dim order (ΦML 1.15: first appearance, merge_shapes grouping by kind)', () => {
  it('binary ops keep the order of first appearance; a several-kind shape keeps its order', () => {
    const c = math.ones(channel({ c: 1 }));
    const s = math.ones(spatial({ y: 1, x: 1 }));
    const i = math.ones(instance({ i: 1 }));
    const d = math.ones(dual({ d: 1 }));
    const b = math.ones(batch({ b: 1 }));
    // expected texts from ΦML 1.15.1
    assert.strictEqual(String(c.add(s).add(i).add(d).add(b).shape), '(cᶜ=1, yˢ=1, xˢ=1, iⁱ=1, ~dᵈ=1, bᵇ=1)');
    assert.strictEqual(String(s.add(c).shape), '(yˢ=1, xˢ=1, cᶜ=1)');
    assert.strictEqual(String(c.add(s.add(b)).shape), '(yˢ=1, xˢ=1, bᵇ=1, cᶜ=1)');
    // two shapes with several kinds each: merged grouped by kind (ΦML's merge_shapes)
    assert.strictEqual(String(s.add(c).add(b.add(i)).shape), '(bᵇ=1, iⁱ=1, yˢ=1, xˢ=1, cᶜ=1)');
    assert.strictEqual(String(math.where(c.gt(0), s, b).shape), '(bᵇ=1, yˢ=1, xˢ=1, cᶜ=1)');
    assert.strictEqual(String(math.ones(spatial({ x: 2 })).add(math.ones(spatial({ y: 3 }))).shape), '(xˢ=2, yˢ=3)');
    assert.strictEqual(String(math.ones(spatial({ y: 3 })).add(math.ones(spatial({ x: 2 }))).shape), '(yˢ=3, xˢ=2)');
    const x = math.tensor([1, 2, 3], spatial('x')), bt = math.tensor([10, 20], batch('b'));
    assert.strictEqual(String(x.add(bt)), '11.000; 21.000; 12.000; 22.000; 13.000; 23.000 (xˢ=3, bᵇ=2)');
    assert.strictEqual(String(bt.add(x)), '11.000; 12.000; 13.000; 21.000; 22.000; 23.000 (bᵇ=2, xˢ=3)');
    assert.strictEqual(String(math.zeros(spatial({ x: 2 }), batch({ b: 3 })).shape), '(xˢ=2, bᵇ=3)');
  });
  it('values follow names when the order changes', () => {
    const ct = math.tensor([[1, 2, 3], [4, 5, 6]], channel('c'), spatial('x'));
    const r = ct.add(0);
    assertTensor(r, '(xˢ=3, cᶜ=2)', 'float32', [1, 4, 2, 5, 3, 6]);
    assertTensor(ct.add(ct.transpose('x,c')), '(xˢ=3, cᶜ=2)', 'float32', [2, 8, 4, 10, 6, 12]);
  });
});
