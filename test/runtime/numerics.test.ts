/**
 * Regression tests for the numerics rules (docs/api.md "Numerics"): each root cause found by the
 * differential fuzzer, checked eagerly and compiled (first and cached call) against the value the
 * rule gives.
 */
import { math, Tensor, spatial, channel, batch, instance } from 'tensorjit';
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { assertTensor, assertAllClose, values } from '../helpers';

const x = spatial('x');

/** Runs `f` eagerly and compiled (twice) and checks all three against the expected result. */
function both(f: (...a: any[]) => Tensor, args: unknown[], shape: string, dtype: string, expected: readonly (number | bigint | boolean)[]): void {
  assertTensor(f(...args), shape, dtype, expected, 'eager');
  const j = math.jitCompile(f);
  assertTensor(j(...args), shape, dtype, expected, 'compiled');
  assertTensor(j(...args), shape, dtype, expected, 'compiled (cached)');
  j.forgetTraces();
}

/** Like `both`, within `rtol` (transcendental kernels agree to a few ulp, not bit for bit). */
function near(f: (...a: any[]) => Tensor, args: unknown[], dtype: string, expected: readonly number[], rtol: number): void {
  const j = math.jitCompile(f);
  for (const [what, r] of [['eager', f(...args)], ['compiled', j(...args)]] as const) {
    assert.strictEqual(r.dtype, dtype, what);
    assertAllClose(values(r), expected, rtol, 0, what);
  }
  j.forgetTraces();
}

describe('numerics rules: eager and compiled agree', () => {
  it('where on bool values (onnxruntime has no bool Where)', () => {
    both((c, a, b) => math.where(c, a, b), [math.tensor([true, false], x), math.tensor([true, true], x), math.tensor([false, false], x)], '(xˢ=2)', 'bool', [true, false]);
  });

  it('where treats a NaN condition as true; a selected zero is +0', () => {
    both((c, a, b) => math.where(c, a, b), [math.tensor([NaN, 0], x), math.tensor([5n, 5n], x), math.tensor([0n, 0n], x)], '(xˢ=2)', 'int64', [5n, 0n]);
    both((c, a, b) => math.where(c, a, b), [math.tensor([true, false], x), math.tensor([-0, -0], x), math.tensor([1, -0], x)], '(xˢ=2)', 'float32', [0, 0]);
  });

  it('size-0 dims: expand, stack, concat, packDims and dot over an empty dim', () => {
    both((a) => math.expand(a, channel({ nc: 0 })), [math.tensor([1], spatial('y'))], '(ncᶜ=0, yˢ=1)', 'float32', []);
    both((a) => math.stack([a, a], batch('s')), [math.zeros(spatial({ x: 0 }))], '(sᵇ=2, xˢ=0)', 'float32', []);
    both((a, b) => math.concat([a, b], 'x'), [math.zeros(spatial({ x: 0 })), math.ones(spatial({ x: 2 }))], '(xˢ=2)', 'float32', [1, 1]);
    both((a) => math.packDims(a, 'x,y', spatial('p')), [math.zeros(spatial({ x: 0, y: 2 }))], '(pˢ=0)', 'float32', []);
    both((a, b) => math.dot(a, 'x', b, 'x'), [math.zeros(spatial({ x: 0, y: 2 })), math.zeros(spatial({ x: 0 }))], '(yˢ=2)', 'float32', [0, 0]);
  });

  it('every op has a kernel for float64 (tan), and sigmoid is stable in the tails', () => {
    // float64 results are the point here: at precision 64 (at 32, ΦML's rule makes them float32)
    math.precision(64, () => both((a) => math.tan(a), [math.tensor(new Float64Array([1]), x)], '(xˢ=1)', 'float64', [Math.sin(1) / Math.cos(1)]));
    const s = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
    // relative accuracy deep in the tail (the old compiled sigmoid gave 0 at -20 and 0 at -700)
    math.precision(64, () => near((a) => math.sigmoid(a), [math.tensor(new Float64Array([-30, -700, 40]), x)], 'float64', [s(-30), s(-700), s(40)], 1e-14));
    near((a) => math.sigmoid(a), [math.tensor([-20, -10, 0, 10], x)], 'float32', [s(-20), s(-10), 0.5, s(10)], 1e-6);
  });

  it('tanh of tiny and subnormal float32 inputs is x on both paths (onnxruntime Tanh loses relative accuracy there)', () => {
    const tiny = [3.333e-39, -1e-38, 1e-39, 1e-30, 1e-10, 1e-5, 2e-4, -0];
    const stored = Array.from(new Float32Array(tiny));
    both((a) => math.tanh(a), [math.tensor(tiny, x)], '(xˢ=8)', 'float32', stored);
    assert.ok(Object.is(values(math.jitCompile((a: Tensor) => math.tanh(a))(math.tensor([-0], x)))[0], -0), '-0 stays -0');
    // above the threshold the kernel is used: a few ulp from the correctly rounded value
    near((a) => math.tanh(a), [math.tensor([3e-4, 0.3, -2, NaN], x)], 'float32', [Math.tanh(Math.fround(3e-4)), Math.tanh(Math.fround(0.3)), Math.tanh(-2), NaN], 1e-6);
  });
  it('int sums and products wrap (int64 exactly); int32 sums and products are int64 (ΦML, NumPy)', () => {
    both((a) => math.sum(a), [math.tensor([2147483647, 1], x, { dtype: 'int32' })], '()', 'int64', [2147483648n]);
    both((a) => math.sum(a), [math.tensor([2n ** 62n, 2n ** 62n], x)], '()', 'int64', [-(2n ** 63n)]);
    both((a) => math.prod(a), [math.tensor([-8n, -(2n ** 63n)], x)], '()', 'int64', [0n]);
    both((a) => math.prod(a), [math.tensor([65536, 65537, 3], x, { dtype: 'int32' })], '()', 'int64', [65536n * 65537n * 3n]);
    both((a) => math.prod(a), [math.tensor([2147483647, 2147483647, 2147483647], x, { dtype: 'int32' })], '()', 'int64', [BigInt.asIntN(64, 2147483647n ** 3n)]);
  });

  it('float32 sums accumulate in float64 (no overflow of partial sums)', () => {
    both((a) => math.sum(a), [math.tensor([3e38, 3e38, -3e38], x)], '()', 'float32', [Math.fround(3e38)]);
  });

  it('max / min propagate NaN; over an empty dim they give 0 (ΦML), any gives false', () => {
    both((a) => math.max(a), [math.tensor([1, NaN, 3], x)], '()', 'float32', [NaN]);
    both((a) => math.min(a), [math.tensor([1, NaN, 3], x)], '()', 'float32', [NaN]);
    both((a) => math.max(a, 'x'), [math.zeros(spatial({ x: 0 }))], '()', 'float32', [0]);
    both((a) => math.max(a, 'x'), [math.zeros(spatial({ x: 0 }), { dtype: 'bool' })], '()', 'bool', [false]);
    both((a) => math.any(a, 'x'), [math.zeros(spatial({ x: 0 }), { dtype: 'bool' })], '()', 'bool', [false]);
    both((a, b) => math.maximum(a, b), [math.tensor([1, NaN], x), math.tensor([NaN, 2], x)], '(xˢ=2)', 'float32', [NaN, NaN]);
  });

  it('int64 minimum / maximum / sign / clip / max beyond 2^31', () => {
    const big = math.tensor([2n ** 60n + 1n, -(2n ** 40n), 2n ** 31n], x);
    both((a) => math.sign(a), [big], '(xˢ=3)', 'int64', [1n, -1n, 1n]);
    both((a) => math.minimum(a, 2n ** 60n), [big], '(xˢ=3)', 'int64', [2n ** 60n, -(2n ** 40n), 2n ** 31n]);
    both((a) => math.clip(a, -(2n ** 35n), 2n ** 35n), [big], '(xˢ=3)', 'int64', [2n ** 35n, -(2n ** 35n), 2n ** 31n]);
    both((a) => math.min(a), [math.tensor([-8n, -(2n ** 31n) - 1n], x)], '()', 'int64', [-(2n ** 31n) - 1n]);
  });

  it('negative-step get with a clamped start is empty', () => {
    both((a) => a.get({ x: [-5, -4, -1] }), [math.tensor([1, 2, 3], x)], '(xˢ=0)', 'float32', []);
  });

  it('mixed dtypes: operands are converted to the compute dtype first', () => {
    both((a, b) => math.equal(a, b), [math.tensor([16777217], x, { dtype: 'int32' }), math.tensor([16777216], x)], '(xˢ=1)', 'bool', [true]);
  });

  it('pow follows C (pow(1, NaN) = 1, pow(x, 0) = 1); int pow wraps', () => {
    both((a, b) => math.pow(a, b), [math.tensor([1, NaN, -1], x), math.tensor([NaN, 0, Infinity], x)], '(xˢ=3)', 'float32', [1, 1, 1]);
    both((a, b) => math.pow(a, b), [math.tensor([3n, 2n, 0n, 2n ** 31n], x), math.tensor([40n, 70n, -1n, 2n ** 31n], x)], '(xˢ=4)', 'int64', [BigInt.asIntN(64, 3n ** 40n), 0n, 0n, 0n]);
    both((a, b) => math.pow(a, b), [math.tensor([3, 2, -1], x, { dtype: 'int32' }), math.tensor([40, -1, -3], x, { dtype: 'int32' })], '(xˢ=3)', 'int32', [Number(BigInt.asIntN(32, 3n ** 40n)), 0, -1]);
  });

  it('dot: 0 · inf is NaN', () => {
    both((a, b) => math.dot(a, 'x', b, 'x'), [math.tensor([0, 1], x), math.tensor([Infinity, 1], x)], '()', 'float32', [NaN]);
  });

  it('mod: floor modulo from fmod (exact), infinite divisors, signed zeros', () => {
    both((a, b) => math.mod(a, b), [math.tensor([5, -5, 5, 6, -6], x), math.tensor([Infinity, Infinity, -Infinity, -3, 3], x)], '(xˢ=5)', 'float32', [5, Infinity, -Infinity, -0, 0]);
    math.precision(64, () => both((a, b) => math.mod(a, b), [math.tensor(new Float64Array([0.3, 1e17]), x), math.tensor(new Float64Array([0.1, 3]), x)], '(xˢ=2)', 'float64', [0.3 % 0.1, 1]));
  });

  it('int mod by -1 is 0, also for the int minimum (onnxruntime traps on INT_MIN % -1)', () => {
    both((a, b) => math.mod(a, b), [math.tensor([-2147483648, 7, -7], x, { dtype: 'int32' }), math.tensor([-1, -1, 3], x, { dtype: 'int32' })], '(xˢ=3)', 'int32', [0, 0, 2]);
    both((a, b) => math.mod(a, b), [math.tensor([-(2n ** 63n), 5n], x), math.tensor([-1n, -1n], x)], '(xˢ=2)', 'int64', [0n, 0n]);
  });

  it('clip with lower > upper gives upper, whether the bounds are JS numbers or traced numbers', () => {
    both((a, lo: number) => math.clip(a, lo, -1), [math.tensor([3, -5], x), 2], '(xˢ=2)', 'float32', [-1, -1]);
  });

  it('casts of NaN / ±inf / out-of-range floats to ints give the minimum', () => {
    both((a) => math.cast(a, 'int32'), [math.tensor([NaN, Infinity, -Infinity, 3e9, -2.7], x)], '(xˢ=5)', 'int32', [-2147483648, -2147483648, -2147483648, -2147483648, -2]);
    both((a) => math.cast(a, 'int64'), [math.tensor(new Float64Array([NaN, 1e19, -1e19, 2 ** 62]), x)], '(xˢ=4)', 'int64', [-(2n ** 63n), -(2n ** 63n), -(2n ** 63n), 2n ** 62n]);
  });

  it('int64 → float32 rounds once', () => {
    both((a) => math.cast(a, 'float32'), [math.tensor([2n ** 60n + 2n ** 36n + 1n], x)], '(xˢ=1)', 'float32', [2 ** 60 + 2 ** 37]);
  });

  it('a traced JS number is weak: i64.mul(n) is int64 on both paths, n alone is float32', () => {
    both((a, n) => a.mul(n), [math.tensor([3n], x), 2], '(xˢ=1)', 'int64', [6n]);
    both((a, n) => a.mul(n), [math.tensor([3n], x), 2 ** 40 + 1], '(xˢ=1)', 'int64', [3n * (2n ** 40n + 1n)]);
    both((a, n) => a.mul(n), [math.tensor([3n], x), 0.5], '(xˢ=1)', 'float32', [1.5]);
    math.precision(64, () => both((a, n) => a.mul(n), [math.tensor(new Float64Array([3]), x), 0.1], '(xˢ=1)', 'float64', [0.30000000000000004]));
    // at the default precision the float64 product is float32 (ΦML converts float results)
    both((a, n) => a.mul(n), [math.tensor(new Float64Array([3]), x), 0.1], '(xˢ=1)', 'float32', [Math.fround(0.30000000000000004)]);
    both((_a, n) => math.neg(n), [math.tensor([3n], x), 2], '()', 'float32', [-2]);
  });

  it('math.tensor([t1, t2]) of tensors inside a jit function', () => {
    both((a, b) => math.tensor([a, b]), [math.tensor(1.5), math.tensor(2)], '(vectorᶜ=2)', 'float32', [1.5, 2]);
  });

  it('compiled NoopElimination is off: x - (-0) is +0 for x = -0', () => {
    math.precision(64, () => both((a) => math.sub(a, -0), [math.tensor(new Float64Array([-0, 1]), x)], '(xˢ=2)', 'float64', [0, 1]));
  });
});

/** Eager, compiled and cached results of `f` with every -0 written as '-0' (assertTensor takes -0 === 0). */
function withZeroSigns(f: (...a: any[]) => Tensor, args: unknown[]): string[][] {
  const j = math.jitCompile(f);
  const show = (t: Tensor) => values(t).map((v) => (Object.is(v, -0) ? '-0' : String(v)));
  const out = [show(f(...args)), show(j(...args)), show(j(...args))];
  j.forgetTraces();
  return out;
}

describe('numerics rules: sorting, indexing, signed zeros (fuzzed primitives of the everyday math)', () => {
  const i = (vals: number[], n = 'q') => math.tensor(Int32Array.from(vals), instance({ [n]: vals.length }), { dtype: 'int32' });

  it('sort / argsort: NaN last, ties (also -0 and 0) stable; argmax / argmin: the first NaN wins', () => {
    const v = math.tensor([NaN, 2, -0, 0, NaN, -Infinity, 2], x);
    both((a) => math.sort(a, 'x'), [v], '(xˢ=7)', 'float32', [-Infinity, -0, 0, 2, 2, NaN, NaN]);
    both((a) => math.argsort(a, 'x'), [v], '(xˢ=7)', 'int64', [5n, 2n, 3n, 1n, 6n, 0n, 4n]);
    both((a) => math.argmax(a, 'x', null), [math.tensor([1, NaN, 3, NaN], x)], '()', 'int64', [1n]);
    both((a) => math.argmin(a, 'x', null), [math.tensor([1, -2, NaN, -2], x)], '()', 'int64', [2n]);
    both((a) => math.argmax(a, 'x', null), [math.tensor([1, 3, 3, -0], x)], '()', 'int64', [1n]);
    both((a) => math.argmin(a, 'x', null), [math.tensor(new Float64Array([0, -0, 1]), x)], '()', 'int64', [0n]);
  });

  it('minimum / maximum / max / min / clip: a zero result is +0 (which zero a tie keeps is unspecified in onnxruntime)', () => {
    const a = math.tensor([-0, 0, -0, 0, -0, 3], x), b = math.tensor([0, -0, -0, -0, 5, -0], x);
    for (const f of [(p: Tensor, q: Tensor) => math.minimum(p, q), (p: Tensor, q: Tensor) => math.maximum(p, q)]) {
      const [eager, compiled, cached] = withZeroSigns(f, [a, b]);
      assert.deepStrictEqual(compiled, eager);
      assert.deepStrictEqual(cached, eager);
      assert.ok(!eager.includes('-0'), `no -0: ${eager}`);
    }
    assert.deepStrictEqual(withZeroSigns((p) => math.max(p, 'x'), [math.tensor([-0, -0, -1], x)]), [['0'], ['0'], ['0']]);
    assert.deepStrictEqual(withZeroSigns((p) => math.min(p, 'x'), [math.tensor([0, -0, 1], x)]), [['0'], ['0'], ['0']]);
    assert.deepStrictEqual(withZeroSigns((p) => math.clip(p, -0, 1), [math.tensor([-0, -3], x)]), [['0', '0'], ['0', '0'], ['0', '0']]);
  });

  it('scatter: a JS number value takes the weak-number dtype next to the base, traced or not', () => {
    const base = math.tensor(Int32Array.of(1, 2, 3), x, { dtype: 'int32' });
    both((b, idx) => math.scatter(b, idx, 7, { dims: 'x' }), [base, i([2])], '(xˢ=3)', 'int32', [1, 2, 7]);
    both((b, idx, n) => math.scatter(b, idx, n, { dims: 'x' }), [base, i([0]), 7], '(xˢ=3)', 'int32', [7, 2, 3]);
    both((b, idx, n) => math.scatter(b, idx, n, { dims: 'x' }), [base, i([0]), 2.5], '(xˢ=3)', 'float32', [2.5, 2, 3]);
    both((b, idx) => math.scatter(b, idx, 2.5, { dims: 'x', mode: 'add' }), [base, i([1, 1])], '(xˢ=3)', 'float32', [1, 7, 3]);
  });

  it('scatter max / min: NaN wins (from the base or a value), zeros are +0; int32 mul wraps exactly', () => {
    const base = math.tensor([NaN, 1, 0, -0], x);
    both((b, idx, v) => math.scatter(b, idx, v, { dims: 'x', mode: 'max' }), [base, i([0, 1, 2, 3]), math.tensor([-2.5, NaN, -0, -0], instance({ q: 4 }))], '(xˢ=4)', 'float32', [NaN, NaN, 0, 0]);
    both((b, idx, v) => math.scatter(b, idx, v, { dims: 'x', mode: 'min' }), [base, i([1, 1, 3]), math.tensor([5, -4, 0], instance({ q: 3 }))], '(xˢ=4)', 'float32', [NaN, -4, 0, 0]);
    const [eager, compiled] = withZeroSigns((b, idx) => math.scatter(b, idx, -0, { dims: 'x', mode: 'min' }), [math.tensor([0, -0, 1], x), i([0, 1])]);
    assert.deepStrictEqual([eager, compiled], [['0', '0', '1'], ['0', '0', '1']]);
    both((b, idx) => math.scatter(b, idx, 16777217, { dims: 'x', mode: 'mul' }), [math.tensor(Int32Array.of(2147483647, 3), x, { dtype: 'int32' }), i([0])], '(xˢ=2)', 'int32', [Math.imul(2147483647, 16777217), 3]);
  });

  it('scatter with no indices (an empty index dim) is the base; compiled loads (was an ONNX Concat shape error)', () => {
    both((b, idx) => math.scatter(b, idx, 5, { dims: 'x', mode: 'add' }), [math.tensor([1, 2], x), i([])], '(xˢ=2)', 'float32', [1, 2]);
    // max / min zeros are +0 also where nothing is written (fuzz seed 101)
    assert.deepStrictEqual(withZeroSigns((b, idx) => math.scatter(b, idx, 5, { dims: 'x', mode: 'min' }), [math.tensor([-0, 2], x), i([])]), [['0', '2'], ['0', '2'], ['0', '2']]);
  });

  it('gather / scatter indices out of range throw on both paths (negative ones beyond -n too); nothing read or written: no error', () => {
    const v = math.tensor([1, 2], x);
    for (const [f, idx] of [
      [(a: Tensor, k: Tensor) => math.gather(a, k, 'x'), i([-3])],
      [(a: Tensor, k: Tensor) => math.gather(a, k, 'x'), i([0, 2])],
      [(a: Tensor, k: Tensor) => math.scatter(a, k, 1, { dims: 'x' }), i([-1])],
    ] as const) {
      assert.throws(() => f(v, idx), /out of range/, 'eager');
      const j = math.jitCompile(f);
      assert.throws(() => j(v, idx), /invalid ind/, 'compiled');
      j.forgetTraces();
    }
    both((a, k) => math.gather(a, k, 'x'), [v, i([-2, -1])], '(qⁱ=2)', 'float32', [1, 2]);
    // the base's other dim is empty: no value is written, so the index is not checked
    const empty = math.zeros(spatial({ x: 2 }), batch({ b: 0 }));
    both((a, k) => math.scatter(a, k, 1, { dims: 'x' }), [empty, i([5])], '(xˢ=2, bᵇ=0)', 'float32', []);
  });
});

/**
 * Graphs that crash onnxruntime's native code (a segfault kills the process, so each runs in a
 * child process: a regression fails this test instead of ending the suite).
 */
describe('numerics: no graph crashes onnxruntime', function () {
  this.timeout(120000);

  /** Runs `body` (JS using `math`, printing lines) in a fresh node process; returns its stdout lines. */
  function inChild(body: string): string[] {
    const script = `const { math, spatial, instance, batch } = require(${JSON.stringify(require.resolve('tensorjit'))});\n${body}`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 100000, env: { ...process.env, TENSORJIT_UNTRANSFORMED: 'ignore' } });
    assert.ok(r.status === 0, `child process ended with ${r.signal ?? `status ${r.status}`}:\n${r.stderr}`);
    return r.stdout.trim().split('\n');
  }

  it('dot of a transposed, cast operand with a whileLoop result (MatmulTransposeFusion segfault; fuzz seed 7)', () => {
    // a's dims (q, p, b) are transposed to MatMul's (p, q, b) = perm [1, 0, 2], then cast to float32;
    // the loop output's shape is unknown to onnxruntime
    const [eager, compiled] = inChild(`
      const a = math.tensor(Float64Array.from({ length: 12 }, (_, i) => i + 1), spatial({ q: 3 }), instance({ p: 2 }), batch({ b: 2 }));
      const s = math.tensor(BigInt64Array.from({ length: 8 }, (_, i) => BigInt(i + 1)), instance({ p: 2 }), batch({ b: 2 }), spatial({ y: 2 }));
      function f(a, s) {
        const [, l] = math.whileLoop(([i]) => math.less(i, 2), ([i, t]) => [math.add(i, 1), math.add(t, t)], [math.tensor(0, { dtype: 'int32' }), s]);
        return math.dot(a, 'b', l, 'b');
      }
      const show = (t) => JSON.stringify([String(t.shape), t.dtype, Array.from(t.data)]);
      console.log(show(f(a, s)));
      console.log(show(math.jitCompile(f)(a, s)));`);
    assert.strictEqual(compiled, eager);
    // (p=2, q=3, y=2): Σ_b a[q,p,b]·4·s[p,b,y]
    assert.strictEqual(eager, JSON.stringify(['(pⁱ=2, qˢ=3, yˢ=2)', 'float32', [4 * (1 * 1 + 2 * 3), 4 * (1 * 2 + 2 * 4), 4 * (5 * 1 + 6 * 3), 4 * (5 * 2 + 6 * 4), 4 * (9 * 1 + 10 * 3), 4 * (9 * 2 + 10 * 4),
      4 * (3 * 5 + 4 * 7), 4 * (3 * 6 + 4 * 8), 4 * (7 * 5 + 8 * 7), 4 * (7 * 6 + 8 * 8), 4 * (11 * 5 + 12 * 7), 4 * (11 * 6 + 12 * 8)]]));
  });
});
