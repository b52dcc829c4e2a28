import * as assert from 'assert';
import { spatial, channel, batch, dual, instance, Shape, ShapeError } from 'tensorjit';

describe('Shape', () => {
  it('prints as ΦML does', () => {
    assert.strictEqual(String(spatial({ x: 64, y: 32 })), '(xˢ=64, yˢ=32)');
    assert.strictEqual(String(channel({ vector: 'x,y' })), '(vectorᶜ=x,y)');
    assert.strictEqual(String(batch({ b: 10 })), '(bᵇ=10)');
    assert.strictEqual(String(dual({ x: 3 })), '(~xᵈ=3)');
    assert.strictEqual(String(instance({ points: 5 })), '(pointsⁱ=5)');
    assert.strictEqual(String(Shape.EMPTY), '()');
    assert.strictEqual(String(channel({ vector: 'alpha,beta,gamma' })), '(vectorᶜ=3:alpha...)');
    assert.strictEqual(String(channel({ c: 'abcd,efgh,ij' })), '(cᶜ=abcd,efgh,ij)');
    assert.strictEqual(String(spatial('x,y')), '(xˢ, yˢ)');
  });
  it('has names, sizes, rank, volume and lookup', () => {
    const s = spatial({ x: 4, y: 3 }).and(channel({ vector: 'x,y' }));
    assert.deepStrictEqual(s.names, ['x', 'y', 'vector']);
    assert.deepStrictEqual(s.sizes, [4, 3, 2]);
    assert.strictEqual(s.rank, 3);
    assert.strictEqual(s.volume, 24);
    assert.strictEqual(s.size('y'), 3);
    assert.deepStrictEqual(s.labels('vector'), ['x', 'y']);
    assert.throws(() => s.dim('z'), ShapeError);
  });
  it('and() rejects conflicting sizes naming the dim', () => {
    assert.throws(() => spatial({ x: 3 }).and(spatial({ x: 4 })), /x: 3 vs 4/);
  });
});
