/**
 * Typed arrays from another realm (jest runs test files in a vm context) are accepted by tag, not
 * by `instanceof`: as tensor data, and through the compiled path.
 */
import * as assert from 'assert';
import * as vm from 'vm';
import { math, spatial } from 'tensorjit';

describe('typed arrays from another realm', () => {
  it('become tensors and run through compiled functions', () => {
    const foreign = vm.runInNewContext('new Float32Array([-1, 2, 3])') as Float32Array;
    assert.ok(!(foreign instanceof Float32Array));
    const t = math.tensor(foreign, spatial('x'));
    assert.strictEqual(t.dtype, 'float32');
    const f = math.jitCompile((x: typeof t) => x.mul(2), { transformed: false });
    assert.deepStrictEqual(Array.from(f(t).data as Float32Array), [-2, 4, 6]);
    const i64 = math.tensor(vm.runInNewContext('new BigInt64Array([1n, 2n])') as BigInt64Array, spatial('x'));
    assert.strictEqual(i64.dtype, 'int64');
  });
});
