/**
 * Printing: API.md "Printing" and phiml_jit.md §11.2 / §11.3 / §11.4, adapted to API.md's dtype rules
 * (a JS number is float32, a bigint int64: ΦML's `tensor([1, 2])` (int64) is `math.tensor([1n, 2n])`
 * here, and `math.tensor([1, 2])` prints as float32 `(1.000, 2.000)`).
 * Every expected text is hand-written.
 */
import * as assert from 'assert';
import * as util from 'util';
import { math, spatial, channel, batch, instance, dual, vec, Shape, Tensor } from 'tensorjit';

function check(rows: [string, () => unknown, string][]): void {
  for (const [what, make, text] of rows) {
    it(`${what} → ${text}`, () => assert.strictEqual(String(make()), text));
  }
}

describe('printing: shapes (§11.2)', () => {
  check([
    ['spatial({ x: 4 })', () => spatial({ x: 4 }), '(xˢ=4)'],
    ['spatial({ x: 4, y: 3 })', () => spatial({ x: 4, y: 3 }), '(xˢ=4, yˢ=3)'],
    ["channel({ vector: 'x,y' })", () => channel({ vector: 'x,y' }), '(vectorᶜ=x,y)'],
    ["channel({ vector: 'x,y,z' })", () => channel({ vector: 'x,y,z' }), '(vectorᶜ=x,y,z)'],
    ["channel({ vector: ['x', 'y'] })", () => channel({ vector: ['x', 'y'] }), '(vectorᶜ=x,y)'],
    ['channel({ vector: 3 })', () => channel({ vector: 3 }), '(vectorᶜ=3)'],
    ["channel({ vector: 'alpha,beta,gamma' }) (item text > 12 chars)", () => channel({ vector: 'alpha,beta,gamma' }), '(vectorᶜ=3:alpha...)'],
    ["channel({ c: 'abcd,efgh,ij' }) (exactly 12 chars)", () => channel({ c: 'abcd,efgh,ij' }), '(cᶜ=abcd,efgh,ij)'],
    ["channel({ c: 'abcd,efgh,ijk' }) (13 chars)", () => channel({ c: 'abcd,efgh,ijk' }), '(cᶜ=3:abcd...)'],
    ['batch({ b: 10 })', () => batch({ b: 10 }), '(bᵇ=10)'],
    ['instance({ points: 5 })', () => instance({ points: 5 }), '(pointsⁱ=5)'],
    ['dual({ x: 3 })', () => dual({ x: 3 }), '(~xᵈ=3)'],
    ["spatial('x')", () => spatial('x'), '(xˢ)'],
    ["spatial('x,y')", () => spatial('x,y'), '(xˢ, yˢ)'],
    ['channel()', () => channel(), '()'],
    ['Shape.EMPTY', () => Shape.EMPTY, '()'],
    ['instance(i=2).and(dual(x=2)).and(batch(b=1)) keeps the order', () => instance({ i: 2 }).and(dual({ x: 2 })).and(batch({ b: 1 })), '(iⁱ=2, ~xᵈ=2, bᵇ=1)'],
    ['channel(vector=2).and(spatial(x=3)).and(batch(b=2))', () => channel({ vector: 2 }).and(spatial({ x: 3 })).and(batch({ b: 2 })), '(vectorᶜ=2, xˢ=3, bᵇ=2)'],
    ["tensor(zeros 2×2, instance('points'), channel(vector='x,y')).shape", () => math.tensor([[0, 0], [0, 0]], instance('points'), channel({ vector: 'x,y' })).shape, '(pointsⁱ=2, vectorᶜ=x,y)'],
    ['vec({ x: 1, y: 2 }).shape', () => vec({ x: 1, y: 2 }).shape, '(vectorᶜ=x,y)'],
    ['a size-0 dim', () => spatial({ x: 0 }), '(xˢ=0)'],
  ]);
  it('util.inspect and template literals agree for shapes', () => {
    const s = spatial({ x: 64, y: 32 });
    assert.strictEqual(util.inspect(s), '(xˢ=64, yˢ=32)');
    assert.strictEqual(`${s}`, '(xˢ=64, yˢ=32)');
  });
});

describe('printing: rank-0 tensors (§11.4: NumPy scalar text)', () => {
  check([
    ['tensor(1.5)', () => math.tensor(1.5), '1.5'],
    ['tensor(2)', () => math.tensor(2), '2.0'],
    ['tensor(1/3): shortest float32 digits', () => math.tensor(1 / 3), '0.33333334'],
    ['tensor(2/3)', () => math.tensor(2 / 3), '0.6666667'],
    ['tensor(0.1)', () => math.tensor(0.1), '0.1'],
    ['sin(tensor(4))', () => math.sin(math.tensor(4)), '-0.7568025'],
    ['tensor(Math.PI)', () => math.tensor(Math.PI), '3.1415927'],
    ['tensor(Math.E)', () => math.tensor(Math.E), '2.7182817'],
    ['tensor(1e-7)', () => math.tensor(1e-7), '1e-07'],
    ['tensor(123456789)', () => math.tensor(123456789), '1.2345679e+08'],
    ['tensor(1e6)', () => math.tensor(1e6), '1e+06'],
    ['tensor(1234567)', () => math.tensor(1234567), '1.234567e+06'],
    ['tensor(16777217) (rounds to 2^24 in float32)', () => math.tensor(16777217), '1.6777216e+07'],
    ['tensor(100000)', () => math.tensor(100000), '100000.0'],
    ['tensor(999999)', () => math.tensor(999999), '999999.0'],
    ['tensor(1e16)', () => math.tensor(1e16), '1e+16'],
    ['tensor(0.0001) (float32 0.0001 is below 1e-4)', () => math.tensor(0.0001), '1e-04'],
    ['tensor(0.00011)', () => math.tensor(0.00011), '0.00011'],
    ['tensor(1e-5)', () => math.tensor(1e-5), '1e-05'],
    ['tensor(9.9e-5)', () => math.tensor(9.9e-5), '9.9e-05'],
    ['tensor(1.5e-5)', () => math.tensor(1.5e-5), '1.5e-05'],
    ['tensor(3.4028234663852886e38) (float32 max)', () => math.tensor(3.4028234663852886e38), '3.4028235e+38'],
    ['tensor(1e-45) (smallest float32 subnormal)', () => math.tensor(1e-45), '1e-45'],
    ['tensor(-2.5)', () => math.tensor(-2.5), '-2.5'],
    ['tensor(-0)', () => math.tensor(-0), '-0.0'],
    ['tensor(0)', () => math.tensor(0), '0.0'],
    ['tensor(NaN)', () => math.tensor(NaN), 'nan'],
    ['tensor(Infinity)', () => math.tensor(Infinity), 'inf'],
    ['tensor(-Infinity)', () => math.tensor(-Infinity), '-inf'],
    ['math.ones()', () => math.ones(), '1.0'],
    ['math.zeros()', () => math.zeros(), '0.0'],
    ['tensor(10n)', () => math.tensor(10n), 'int64 10'],
    ['tensor(-3n)', () => math.tensor(-3n), 'int64 -3'],
    ['tensor(10, int32)', () => math.tensor(10, { dtype: 'int32' }), '10'],
    ['tensor(-3, int32)', () => math.tensor(-3, { dtype: 'int32' }), '-3'],
    ['tensor(true)', () => math.tensor(true), 'True'],
    ['tensor(false)', () => math.tensor(false), 'False'],
    ['wrap(true)', () => math.wrap(true), 'True'],
    ['wrap(2) (a JS number is float32)', () => math.wrap(2), '2.0'],
    ['wrap(2n)', () => math.wrap(2n), 'int64 2'],
    ['tensor(2.5, float64)', () => math.tensor(2.5, { dtype: 'float64' }), 'float64 2.5'],
    ['sin(tensor(4.)) at precision 64', () => math.precision(64, () => String(math.sin(math.tensor(4)))), '-0.7568024953079282'],
    ['sin(wrap(2.)) at precision 64', () => math.precision(64, () => String(math.sin(math.wrap(2)))), '0.9092974268256817'],
    ['sin(tensor(4, float64)) at precision 32 (float32, as ΦML)', () => math.sin(math.tensor(4, { dtype: 'float64' })), '-0.7568025'],
    ['tensor(1e6, float64) (float64 switches at 1e16)', () => math.tensor(1e6, { dtype: 'float64' }), 'float64 1000000.0'],
    ['tensor(1e16, float64)', () => math.tensor(1e16, { dtype: 'float64' }), 'float64 1e+16'],
    ['tensor(0.1, float64)', () => math.tensor(0.1, { dtype: 'float64' }), 'float64 0.1'],
    ['tensor(1e-5, float64)', () => math.tensor(1e-5, { dtype: 'float64' }), 'float64 1e-05'],
    ['tensor(NaN, float64)', () => math.tensor(NaN, { dtype: 'float64' }), 'float64 nan'],
    ['2 * tensor(1)', () => math.mul(2, math.tensor(1)), '2.0'],
    ['sum(tensor([1n, 2n])) (int64)', () => math.sum(math.tensor([1n, 2n])), 'int64 3'],
    ['mean(tensor([1n, 2n])) (float32 here; float64 in ΦML)', () => math.mean(math.tensor([1n, 2n])), '1.5'],
    ['2^53 + 1 as int64', () => math.tensor(2n ** 53n + 1n), 'int64 9007199254740993'],
  ]);
});

describe('printing: rows, fewer than 8 elements (§11.3)', () => {
  check([
    ['tensor([1, 2])', () => math.tensor([1, 2]), '(1.000, 2.000)'],
    ['tensor([1n, 2n])', () => math.tensor([1n, 2n]), '(1, 2) int64'],
    ['empty along x (a row with no elements, as ΦML)', () => math.zeros(spatial({ x: 0 })), '() along xˢ'],
    ['empty with two dims', () => math.zeros(spatial({ x: 0, y: 2 }), { dtype: 'int64' }), '(xˢ=0, yˢ=2) int64'],
    ['wrap([1n, 2n])', () => math.wrap([1n, 2n]), '(1, 2) int64'],
    ['tensor([1, 2.5])', () => math.tensor([1, 2.5]), '(1.000, 2.500)'],
    ['tensor([true, false])', () => math.tensor([true, false]), '(True, False)'],
    ["tensor([1n, 2n, 3n], channel(vector='x,y,z'))", () => math.tensor([1n, 2n, 3n], channel({ vector: 'x,y,z' })), '(x=1, y=2, z=3) int64'],
    ["tensor([1, 2, 3], channel(vector='x,y,z'))", () => math.tensor([1, 2, 3], channel({ vector: 'x,y,z' })), '(x=1.000, y=2.000, z=3.000)'],
    ["tensor([1n, 2n, 3n], spatial('x'))", () => math.tensor([1n, 2n, 3n], spatial('x')), '(1, 2, 3) along xˢ int64'],
    ["tensor([1, 2, 3], spatial('x'))", () => math.tensor([1, 2, 3], spatial('x')), '(1.000, 2.000, 3.000) along xˢ'],
    ["tensor([1, 2, 3], instance('points'))", () => math.tensor([1, 2, 3], instance('points')), '(1.000, 2.000, 3.000) along pointsⁱ'],
    ["tensor([1, 2, 3], batch('b'))", () => math.tensor([1, 2, 3], batch('b')), '(1.000, 2.000, 3.000) along bᵇ'],
    ["tensor([1, 2], dual('x'))", () => math.tensor([1, 2], dual('x')), '(1.000, 2.000) along ~xᵈ'],
    ["tensor([1, 2], dual(vector='x,y'))", () => math.tensor([1, 2], dual({ vector: 'x,y' })), '~(x=1.000, y=2.000)'],
    ["tensor([1, 2], channel('c'))", () => math.tensor([1, 2], channel('c')), '(1.000, 2.000) along cᶜ'],
    ["tensor([1, 2], channel(c='a,b'))", () => math.tensor([1, 2], channel({ c: 'a,b' })), '(a=1.000, b=2.000) along cᶜ'],
    ['vec({ x: 1n, y: 2n })', () => vec({ x: 1n, y: 2n }), '(x=1, y=2) int64'],
    ['vec({ x: 1, y: 2 })', () => vec({ x: 1, y: 2 }), '(x=1.000, y=2.000)'],
    ['vec({ x: 1.5, y: 2 })', () => vec({ x: 1.5, y: 2 }), '(x=1.500, y=2.000)'],
    ["tensor(Float64Array [1, 2], channel(vector='x,y'))", () => math.tensor(new Float64Array([1, 2]), channel({ vector: 'x,y' })), '(x=1.000, y=2.000) float64'],
    ['vec({ x: [0n, 1n, 2n] along sequenceⁱ, y: 0n })', () => vec({ x: math.tensor([0n, 1n, 2n], instance('sequence')), y: 0n }), '(x=0, y=0); (x=1, y=0); (x=2, y=0) (sequenceⁱ=3, vectorᶜ=x,y) int64'],
    ["tensor([[0n,1n],[0n,2n],[1n,3n]], instance('p'), channel(vector='x,y'))", () => math.tensor([[0n, 1n], [0n, 2n], [1n, 3n]], instance('p'), channel({ vector: 'x,y' })), '(x=0, y=1); (x=0, y=2); (x=1, y=3) (pⁱ=3, vectorᶜ=x,y) int64'],
    ["tensor([[1n, 2n], [3n, 4n]], spatial('x,y'))", () => math.tensor([[1n, 2n], [3n, 4n]], spatial('x,y')), '1; 2; 3; 4 (xˢ=2, yˢ=2) int64'],
    ['2×3 float32 along x, y', () => math.tensor([[0, 1, 2], [3, 4, 5]], spatial('x,y')), '0.000; 1.000; 2.000; 3.000; 4.000; 5.000 (xˢ=2, yˢ=3)'],
    ["tensor([[1, 2], [3, 4]], batch('b'), channel(vector='x,y'))", () => math.tensor([[1, 2], [3, 4]], batch('b'), channel({ vector: 'x,y' })), '(x=1.000, y=2.000); (x=3.000, y=4.000) (bᵇ=2, vectorᶜ=x,y)'],
    ['a channel dim first (typed arrays keep the given order): one vector per other index', () => math.tensor(Float32Array.of(1, 2, 3, 4, 5, 6), channel({ c: 2 }), spatial({ x: 3 })), '(1.000, 4.000); (2.000, 5.000); (3.000, 6.000) (cᶜ=2, xˢ=3)'],
    ['nested arrays get their dims sorted by kind, as ΦML', () => math.tensor([[1, 2, 3], [4, 5, 6]], channel('c'), spatial('x')), '(1.000, 4.000); (2.000, 5.000); (3.000, 6.000) (xˢ=3, cᶜ=2)'],
    ['math.ones(spatial(x=4))', () => math.ones(spatial({ x: 4 })), '(1.000, 1.000, 1.000, 1.000) along xˢ'],
    ['7 floats along x (still a row)', () => math.cast(math.range(spatial({ x: 7 })), 'float32'), '(0.000, 1.000, 2.000, 3.000, 4.000, 5.000, 6.000) along xˢ'],
    ['math.ones(channel(vector=3), int32)', () => math.ones(channel({ vector: 3 }), { dtype: 'int32' }), '(1, 1, 1)'],
    ['math.ones(channel(vector=3), float64)', () => math.ones(channel({ vector: 3 }), { dtype: 'float64' }), '(1.000, 1.000, 1.000) float64'],
    ['math.ones(batch(vector=3)) (a batch dim named vector gets along)', () => math.ones(batch({ vector: 3 })), '(1.000, 1.000, 1.000) along vectorᵇ'],
    ['tensor([0, 1e-5])', () => math.tensor([0, 1e-5]), '(0.000, 0.000)'],
    ['tensor([1e6, 2e6])', () => math.tensor([1e6, 2e6]), '(1000000.000, 2000000.000)'],
    ['tensor([NaN, 1])', () => math.tensor([NaN, 1]), '(nan, 1.000)'],
    ['tensor([Infinity, -1])', () => math.tensor([Infinity, -1]), '(inf, -1.000)'],
    ['tensor([-0, -0.0004])', () => math.tensor([-0, -0.0004]), '(-0.000, -0.000)'],
    ['tensor([0.0625, 0.1875]) (.3f ties to even on the exact value)', () => math.tensor([0.0625, 0.1875]), '(0.062, 0.188)'],
    ['tensor([0.0005, 2.0005]) (no ties: float32 0.0005 is above, 2.0005 below)', () => math.tensor([0.0005, 2.0005]), '(0.001, 2.000)'],
    ['tensor(Int32Array [1, 2])', () => math.tensor(new Int32Array([1, 2])), '(1, 2)'],
    ['tensor([1n, 2n]) * 2.5 (float32 here, float64 in ΦML)', () => math.tensor([1n, 2n]).mul(2.5), '(2.500, 5.000)'],
    ['tensor([1n, 2n]) + tensor([1, 2])', () => math.tensor([1n, 2n]).add(math.tensor([1, 2])), '(2.000, 4.000)'],
    ['2 * tensor([1n, 2n])', () => math.mul(2, math.tensor([1n, 2n])), '(2, 4) int64'],
    ['(t > 1) + (t > 1) is int32', () => { const c = math.tensor([1n, 2n]).gt(1); return c.add(c); }, '(0, 2)'],
    ['tensor([1n, 2n]) + sin(tensor([1n, 2n]) ** 2)', () => math.tensor([1n, 2n]).add(math.sin(math.tensor([1n, 2n]).pow(2))), '(1.841, 1.243)'],
    ['int64 beyond 2^53 in a row', () => math.tensor([2n ** 53n + 1n, -1n]), '(9007199254740993, -1) int64'],
  ]);
});

describe('printing: summaries, 8 or more elements (§11.3)', () => {
  const f32 = (xs: number[]) => math.tensor(xs, spatial('x'));
  check([
    ['math.ones(spatial(x=8))', () => math.ones(spatial({ x: 8 })), '(xˢ=8) const 1.0'],
    ['math.zeros(batch(b=10))', () => math.zeros(batch({ b: 10 })), '(bᵇ=10) const 0.0'],
    ['math.ones(spatial(x=4, y=3))', () => math.ones(spatial({ x: 4, y: 3 })), '(xˢ=4, yˢ=3) const 1.0'],
    ['ones × 0.5', () => math.ones(spatial({ x: 8 })).mul(0.5), '(xˢ=8) const 0.5'],
    ['ones × 1e-5 (the float32 value, as Python float repr)', () => math.ones(spatial({ x: 8 })).mul(1e-5), '(xˢ=8) const 9.999999747378752e-06'],
    ['ones × 0.1, 10 elements', () => math.ones(spatial({ x: 10 })).mul(0.1), '(xˢ=10) const 0.10000000149011612'],
    ['float64 ones × 0.1 (float32 at precision 32, as ΦML)', () => math.ones(spatial({ x: 10 }), { dtype: 'float64' }).mul(0.1), '(xˢ=10) const 0.10000000149011612'],
    ['int32 ones', () => math.ones(spatial({ x: 8 }), { dtype: 'int32' }), '(xˢ=8) const 1.0'],
    ['int64 threes', () => math.ones(spatial({ x: 8 }), { dtype: 'int64' }).mul(3), '(xˢ=8) int64 const 3.0'],
    ['all inf (ΦML: no finite values)', () => math.expand(math.tensor(Infinity), spatial({ x: 8 })), '(xˢ=8) nan ± nan (nan...nan)'],
    ['8 floats 0…7', () => math.cast(math.range(spatial({ x: 8 })), 'float32'), '(xˢ=8) 3.500 ± 2.291 (0e+00...7e+00)'],
    ['math.range(spatial(x=10)) (int32)', () => math.range(spatial({ x: 10 })), '(xˢ=10) 4.500 ± 2.872 (0e+00...9e+00)'],
    ['range as int64', () => math.cast(math.range(spatial({ x: 10 })), 'int64'), '(xˢ=10) int64 4.500 ± 2.872 (0e+00...9e+00)'],
    ['range along vector as float64', () => math.cast(math.range(channel({ vector: 10 })), 'float64'), '(vectorᶜ=10) float64 4.500 ± 2.872 (0e+00...9e+00)'],
    ['math.zeros(batch(b=10)) > 0', () => math.zeros(batch({ b: 10 })).gt(0), '(bᵇ=10) 0 / 10 True'],
    ['range(10) > 4', () => math.range(spatial({ x: 10 })).gt(4), '(xˢ=10) 5 / 10 True'],
    ['linspace(0, 1e-4, x=11): .2e / .1e forms for small values', () => math.linspace(0, 1e-4, spatial({ x: 11 })), '(xˢ=11) 5.00e-05 ± 3.2e-05 (0e+00...1e-04)'],
    ['range(10) × 1e-5', () => math.cast(math.range(spatial({ x: 10 })), 'float32').mul(1e-5), '(xˢ=10) 4.50e-05 ± 2.9e-05 (0e+00...9e-05)'],
    ['a large std uses .2e / .1e', () => f32([0, 0, 0, 0, 0, 0, 0, 2000]), '(xˢ=8) 250.000 ± 661.438 (0e+00...2e+03)'],
    ['mean and std above 1000', () => f32([1000, 1250, 1000, 1250, 1000, 1250, 1000, 1250]), '(xˢ=8) 1.12e+03 ± 1.2e+02 (1e+03...1e+03)'],
    ['.3f ties to even: mean 0.3125, std 0.0625', () => f32([0.25, 0.375, 0.25, 0.375, 0.25, 0.375, 0.25, 0.375]), '(xˢ=8) 0.312 ± 0.062 (2e-01...4e-01)'],
    ['.0e ties to even: 2.5 → 2e+00, 3.5 → 4e+00', () => f32([2.5, 3.5, 2.5, 3.5, 2.5, 3.5, 2.5, 3.5]), '(xˢ=8) 3.000 ± 0.500 (2e+00...4e+00)'],
    ['negative values', () => f32([-1, -2, -3, -4, -5, -6, -7, -8]), '(xˢ=8) -4.500 ± 2.291 (-8e+00...-1e+00)'],
    ['NaN: finite mean / min / max, std nan', () => f32([1, 2, 1, 1, 1, 1, 1, NaN]), '(xˢ=8) 1.143 ± nan (1e+00...2e+00)'],
    ['2-D summary', () => math.ones(batch({ b: 2 }), spatial({ x: 2, y: 2 })).mul(math.range(batch({ b: 2 }))), '(bᵇ=2, xˢ=2, yˢ=2) 0.500 ± 0.500 (0e+00...1e+00)'],
    ['item names in the shape of a summary', () => math.ones(instance({ p: 4 }), channel({ vector: 'x,y' })), '(pⁱ=4, vectorᶜ=x,y) const 1.0'],
  ]);
});

describe('printing: String(t), template literals, util.inspect and console.log agree', () => {
  const samples: Tensor[] = [
    math.tensor(1 / 3), math.tensor(10n), math.tensor(true), math.tensor([1, 2]), math.tensor([1n, 2n, 3n], spatial('x')),
    vec({ x: 1, y: 2 }), math.ones(spatial({ x: 8 })), math.range(spatial({ x: 10 })), math.zeros(batch({ b: 10 })).gt(0),
  ];
  it('String, `${t}`, "" + t, util.inspect, util.format("%s") and console.log all give the same text', () => {
    for (const t of samples) {
      const s = String(t);
      assert.strictEqual(`${t}`, s);
      if (t.rank > 0) assert.strictEqual('' + (t as any), s); // rank 0: `+` takes the number (hint 'default')
      assert.strictEqual(t.toString(), s);
      assert.strictEqual(util.inspect(t), s);
      assert.strictEqual(util.format('%s', t), s);
      assert.strictEqual(util.format(t), s);
      const lines: string[] = [];
      const orig = process.stdout.write;
      (process.stdout as any).write = (chunk: string) => { lines.push(String(chunk)); return true; };
      try { console.log(t); console.log('t =', t); } finally { (process.stdout as any).write = orig; }
      assert.deepStrictEqual(lines, [s + '\n', 't = ' + s + '\n']);
    }
  });
  it('tensors nested in arrays and objects print with the same text', () => {
    assert.strictEqual(util.inspect([math.tensor([1, 2])]), '[ (1.000, 2.000) ]');
    assert.strictEqual(util.inspect({ a: math.tensor(2) }), '{ a: 2.0 }');
  });
});

describe('printing: traced tensors (inside math.jitCompile)', () => {
  it('print shape, dtype and "onnx tracer"; concrete math.wrap values print their value', () => {
    const seen: string[] = [];
    const f = math.jitCompile((x: Tensor, y: Tensor, c: Tensor) => {
      seen.push(`${x}`, `${y}`, `${c}`, String(x.gt(0)), String(math.sum(y)), String(math.wrap(2n)), String(math.wrap([1n, 2n])), String(x.add(math.wrap(2))));
      return x.mul(2);
    });
    f(math.ones(batch({ b: 2 }), spatial({ x: 3 })), math.tensor([1n, 2n], channel({ vector: 'a,b' })), math.tensor(true));
    assert.deepStrictEqual(seen, [
      '(bᵇ=2, xˢ=3) float32 onnx tracer',
      '(vectorᶜ=a,b) int64 onnx tracer',
      '() bool onnx tracer',
      '(bᵇ=2, xˢ=3) bool onnx tracer',
      '() int64 onnx tracer',
      'int64 2',
      '(1, 2) int64',
      '(bᵇ=2, xˢ=3) float32 onnx tracer',
    ]);
  });
  it('API.md: `() float32 onnx tracer`, `(vectorᶜ=2) int64 onnx tracer`', () => {
    const seen: string[] = [];
    const g = math.jitCompile((x: Tensor) => { seen.push(`Tracing g with x = ${x}`); return x; });
    g(math.tensor(1));
    g(math.tensor([1n, 2n]));
    assert.deepStrictEqual(seen, ['Tracing g with x = () float32 onnx tracer', 'Tracing g with x = (vectorᶜ=2) int64 onnx tracer']);
  });
});
