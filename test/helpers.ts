/**
 * Shared test helpers: closeness checks for tensors and plain arrays.
 */
import * as assert from 'assert';
import { Tensor } from 'tensorjit';

/** Flat numbers of a tensor (bigint and bool as numbers). */
export function values(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Asserts same shape (exact), same dtype, and values within rtol/atol (NaN equals NaN). */
export function assertClose(actual: Tensor, expected: Tensor, rtol = 1e-5, atol = 1e-6, msg = ''): void {
  assert.strictEqual(String(actual.shape), String(expected.shape), `${msg} shape`);
  assert.strictEqual(actual.dtype, expected.dtype, `${msg} dtype`);
  assertAllClose(values(actual), values(expected), rtol, atol, msg);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, msg = ''): void {
  assert.strictEqual(actual.length, expected.length, `${msg} length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${msg} element ${i}: ${a} vs expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
