/**
 * pad / shift / laplace / spatialGradient with every extrapolation (zero, a constant, periodic,
 * boundary, symmetric, reflect). Expected values come from a plain reference: an index function per
 * padding mode, applied in loops.
 */
import * as assert from 'assert';
import { math, spatial, batch, channel, Tensor } from 'tensorjit';
import { assertTensor, assertAllClose, values, throwsWith } from '../helpers';

type Padding = 'zero' | 'periodic' | 'boundary' | 'symmetric' | 'reflect' | number;
/** Value of `xs` at index i with the padding rule (the constant outside for 'zero' and numbers). */
function at(xs: readonly number[], i: number, padding: Padding): number {
  const n = xs.length;
  if (i >= 0 && i < n) return xs[i];
  if (padding === 'zero') return 0;
  if (typeof padding === 'number') return padding;
  if (padding === 'periodic') return xs[((i % n) + n) % n];
  // mirrored: symmetric repeats the edge value (…x1 x0 | x0 x1…), reflect does not (…x2 x1 | x0 x1…)
  if (padding === 'symmetric') return at(xs, i < 0 ? -1 - i : 2 * n - 1 - i, padding);
  if (padding === 'reflect') return n === 1 ? xs[0] : at(xs, i < 0 ? -i : 2 * (n - 1) - i, padding);
  return xs[Math.min(Math.max(i, 0), n - 1)];
}
const PADDINGS: Padding[] = ['zero', 'periodic', 'boundary', 'symmetric', 'reflect', -2.5];
const X = [1, 2, 4, 8, 16];
const x = math.tensor(X, spatial('x'));

describe('pad', () => {
  for (const padding of PADDINGS) {
    it(`${padding}: widths [2, 3] along x`, () => {
      const r = x.pad({ x: [2, 3] }, padding);
      const expected = Array.from({ length: 10 }, (_, k) => at(X, k - 2, padding));
      assertTensor(r, '(xˢ=10)', 'float32', expected);
      assertTensor(math.pad(x, { x: [2, 3] }, padding), '(xˢ=10)', 'float32', expected);
    });
    it(`${padding}: wider than the dim`, () => {
      const r = x.pad({ x: [7, 6] }, padding);
      assertTensor(r, '(xˢ=18)', 'float32', Array.from({ length: 18 }, (_, k) => at(X, k - 7, padding)));
    });
  }
  it('a constant pads with its value in the tensor dtype; { x: w } pads both sides', () => {
    assertTensor(math.tensor([1, 2], spatial('x'), { dtype: 'int32' }).pad({ x: 1 }, 7), '(xˢ=4)', 'int32', [7, 1, 2, 7]);
    assertTensor(math.pad(x, { x: 1 }, 'one'), '(xˢ=7)', 'float32', [1, ...X, 1]);
  });
  it('a padded channel dim loses its item names (ΦML)', () => {
    const v = math.vec({ x: 1, y: 2, z: 3 });
    assert.strictEqual(String(v.pad({ vector: [1, 0] }, 'periodic').shape), '(vectorᶜ=4)');
    assert.strictEqual(String(v.pad({ vector: [1, 0] }).shape), '(vectorᶜ=4)');
  });
  it('zero is the default; zero widths return the same values', () => {
    assertTensor(x.pad({ x: [1, 0] }), '(xˢ=6)', 'float32', [0, ...X]);
    assertTensor(x.pad({ x: [0, 0] }, 'periodic'), '(xˢ=5)', 'float32', X);
  });
  it('pads several dims of a 2-D tensor, other dims untouched', () => {
    const g = math.tensor([[1, 2, 3], [4, 5, 6]], spatial('x,y'));
    const r = g.pad({ x: [1, 1], y: [0, 1] }, 'periodic');
    const G = [[1, 2, 3], [4, 5, 6]];
    const expected: number[] = [];
    for (let i = -1; i < 3; i++) for (let j = 0; j < 4; j++) expected.push(G[((i % 2) + 2) % 2][j % 3]);
    assertTensor(r, '(xˢ=4, yˢ=4)', 'float32', expected);
    const b = math.tensor([[1, 2], [3, 4]], batch('b'), spatial('x')).pad({ x: [1, 0] }, 'boundary');
    assertTensor(b, '(bᵇ=2, xˢ=3)', 'float32', [1, 1, 2, 3, 3, 4]);
  });
  it('keeps dtype (int64, bool)', () => {
    assertTensor(math.tensor([1n, 2n], spatial('x')).pad({ x: [1, 1] }), '(xˢ=4)', 'int64', [0n, 1n, 2n, 0n]);
    assertTensor(math.tensor([true], spatial('x')).pad({ x: [1, 0] }), '(xˢ=2)', 'bool', [false, true]);
  });
  it('errors: negative widths, unknown dims, periodic/boundary of an empty dim', () => {
    throwsWith(() => x.pad({ x: [-1, 1] }), 'ShapeError', 'non-negative');
    throwsWith(() => x.pad({ y: [1, 1] }), 'ShapeError', "'y'");
    throwsWith(() => math.zeros(spatial({ x: 0 })).pad({ x: [1, 1] }, 'periodic'), 'ShapeError', 'empty');
    throwsWith(() => x.pad({ x: [1, 1] }, 'mirror' as any), 'RangeError', "unknown padding 'mirror'", "'symmetric', 'reflect'");
    assertTensor(math.zeros(spatial({ x: 0 })).pad({ x: [1, 1] }), '(xˢ=2)', 'float32', [0, 0]);
  });
});

describe('shift', () => {
  for (const padding of PADDINGS) {
    for (const o of [1, -1, 2, -3, 5, -7, 7, 12]) {
      it(`${padding}: shift by ${o}: result[i] = x[i + ${o}]`, () => {
        const r = x.shift({ x: o }, padding);
        assertTensor(r, '(xˢ=5)', 'float32', X.map((_, i) => at(X, i + o, padding)));
      });
    }
  }
  it("the record form's default padding is 'boundary' (ΦML's default)", () => {
    assertTensor(x.shift({ x: 1 }), '(xˢ=5)', 'float32', [2, 4, 8, 16, 16]);
    assertTensor(math.shift(x, { x: -2 }), '(xˢ=5)', 'float32', [1, 1, 1, 2, 4]);
  });
  it("ΦML's form: one tensor per offset, components stacked along shiftᶜ", () => {
    const g = math.tensor([[1, 2, 3], [4, 5, 6]], spatial('x,y'));
    const [lo, hi] = math.shift(g, [-1, 1], undefined, 'zero');
    assert.strictEqual(String(lo.shape), '(xˢ=2, yˢ=3, shiftᶜ=x,y)');
    assertTensor(lo.get({ shift: 'x' }), '(xˢ=2, yˢ=3)', 'float32', [0, 0, 0, 1, 2, 3]);
    assertTensor(hi.get({ shift: 'y' }), '(xˢ=2, yˢ=3)', 'float32', [2, 3, 0, 5, 6, 0]);
    const [only] = g.shift([1], { dims: 'y', padding: 'periodic', stackDim: null });
    assertTensor(only, '(xˢ=2, yˢ=3)', 'float32', [2, 3, 1, 5, 6, 4]);
    const [valid] = math.shift(x, [2], 'x', null, null);
    assertTensor(valid, '(xˢ=3)', 'float32', [4, 8, 16]);
    const [ext] = math.shift(x, [0], { dims: 'x', padding: 'zero', stackDim: null, extendBounds: 1 });
    assertTensor(ext, '(xˢ=7)', 'float32', [0, ...X, 0]);
  });
  it('shifting along a labelled channel dim drops its item names, so the result adds to the input (bug fix)', () => {
    const v = math.vec({ x: 1, y: 2, z: 3 });
    const s = math.shift(v, { vector: 1 }, 'periodic');
    assert.strictEqual(String(s.shape), '(vectorᶜ=3)');
    assert.strictEqual(String(s.add(v)), '(x=3.000, y=5.000, z=4.000)');
    assert.strictEqual(String(math.laplace(v, { dims: 'vector', padding: 'periodic' })), '(3.000, 0.000, -3.000)');
  });
  it('zero offset and a 2-D shift', () => {
    assertTensor(math.shift(x, { x: 0 }), '(xˢ=5)', 'float32', X);
    const g = math.tensor([[1, 2, 3], [4, 5, 6]], spatial('x,y'));
    assertTensor(g.shift({ x: 1, y: -1 }, 'periodic'), '(xˢ=2, yˢ=3)', 'float32', [6, 4, 5, 3, 1, 2]);
  });
  it('errors: non-integer offsets', () => {
    throwsWith(() => x.shift({ x: 0.5 }), 'ShapeError', 'integer');
  });
});

describe('laplace', () => {
  function ref1d(xs: number[], padding: Padding): number[] {
    return xs.map((v, i) => at(xs, i + 1, padding) + at(xs, i - 1, padding) - 2 * v);
  }
  for (const padding of PADDINGS) {
    it(`1-D, ${padding} padding`, () => {
      assertTensor(math.laplace(x, { padding }), '(xˢ=5)', 'float32', ref1d(X, padding));
    });
  }
  it('default padding is boundary (ΦML); dx scales by 1/dx²', () => {
    assertTensor(math.laplace(x), '(xˢ=5)', 'float32', ref1d(X, 'boundary'));
    assertAllClose(values(math.laplace(x, { padding: 'periodic', dx: 2 })), ref1d(X, 'periodic').map((v) => v / 4), 1e-6);
  });
  it('2-D sums over spatial dims; batch dims are independent', () => {
    const G = [[1, 2, 3], [4, 5, 7]];
    const g = math.tensor(G, spatial('x,y'));
    for (const padding of PADDINGS) {
      const get = (i: number, j: number) => at(G.map((row) => at(row, j, padding)), i, padding);
      const expected: number[] = [];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expected.push(get(i + 1, j) + get(i - 1, j) + get(i, j + 1) + get(i, j - 1) - 4 * G[i][j]);
      assertTensor(math.laplace(g, { padding }), '(xˢ=2, yˢ=3)', 'float32', expected, String(padding));
    }
    const b = math.tensor([[1, 2, 3], [4, 5, 7]], batch('b'), spatial('x'));
    assertTensor(math.laplace(b), '(bᵇ=2, xˢ=3)', 'float32', [...ref1d([1, 2, 3], 'boundary'), ...ref1d([4, 5, 7], 'boundary')]);
    // only the listed dims
    assertTensor(math.laplace(g, { dims: 'y', padding: 'zero' }), '(xˢ=2, yˢ=3)', 'float32', [...ref1d([1, 2, 3], 'zero'), ...ref1d([4, 5, 7], 'zero')]);
  });
  it('int input gives float32 (ΦML: float); no spatial dims is an error', () => {
    assertTensor(math.laplace(math.tensor([1n, 4n, 9n], spatial('x'))), '(xˢ=3)', 'float32', [3, 2, -5]);
    assertTensor(math.laplace(math.tensor([1, 4, 9], spatial('x'), { dtype: 'int32' }), { dx: 2 }), '(xˢ=3)', 'float32', [0.75, 0.5, -1.25]);
    throwsWith(() => math.laplace(math.tensor([1, 2])), 'ShapeError', 'no spatial dims');
    throwsWith(() => math.laplace(x, { dims: 'q' }), 'ShapeError', "'q'");
  });
});

describe('spatialGradient', () => {
  function grad1d(xs: number[], padding: Padding, difference: string, dx = 1): number[] {
    return xs.map((v, i) => {
      if (difference === 'central') return (at(xs, i + 1, padding) - at(xs, i - 1, padding)) / (2 * dx);
      if (difference === 'forward') return (at(xs, i + 1, padding) - v) / dx;
      return (v - at(xs, i - 1, padding)) / dx;
    });
  }
  for (const padding of PADDINGS) {
    for (const difference of ['central', 'forward', 'backward'] as const) {
      it(`1-D ${difference}, ${padding} padding: components along vectorᶜ=x`, () => {
        const r = math.spatialGradient(x, { padding, difference });
        assertTensor(r, '(xˢ=5, gradientᶜ=x)', 'float32', grad1d(X, padding, difference));
      });
    }
  }
  it('default is central differences with boundary padding; dx divides', () => {
    assertTensor(math.spatialGradient(x), '(xˢ=5, gradientᶜ=x)', 'float32', grad1d(X, 'boundary', 'central'));
    assertAllClose(values(math.spatialGradient(x, { dx: 0.5, padding: 'zero' })), grad1d(X, 'zero', 'central', 0.5), 1e-6);
  });
  it('2-D: one component per spatial dim, item names are the dim names', () => {
    const G = [[1, 2, 3], [4, 5, 7]];
    const g = math.tensor(G, spatial('x,y'));
    const r = math.spatialGradient(g, { padding: 'zero' });
    assert.strictEqual(String(r.shape), '(xˢ=2, yˢ=3, gradientᶜ=x,y)');
    const col = (j: number) => G.map((row) => row[j]);
    const gx = [0, 1, 2].map((j) => grad1d(col(j), 'zero', 'central'));
    const gy = G.map((row) => grad1d(row, 'zero', 'central'));
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expected.push(gx[j][i], gy[i][j]);
    assertTensor(r, '(xˢ=2, yˢ=3, gradientᶜ=x,y)', 'float32', expected);
    assertTensor(r.get({ gradient: 'y' }), '(xˢ=2, yˢ=3)', 'float32', gy.flat());
    const only = math.spatialGradient(g, { dims: 'y', stackDim: channel('grad') });
    assert.strictEqual(String(only.shape), '(xˢ=2, yˢ=3, gradᶜ=y)');
  });
  it('int input gives float32 (division)', () => {
    assertTensor(math.spatialGradient(math.tensor([1n, 4n, 9n], spatial('x'))), '(xˢ=3, gradientᶜ=x)', 'float32', [1.5, 4, 2.5]);
  });
  it('no spatial dims and unknown differences are errors', () => {
    throwsWith(() => math.spatialGradient(math.tensor([1, 2])), 'ShapeError', 'no spatial dims');
    throwsWith(() => math.spatialGradient(x, { difference: 'centered' as any }), 'RangeError', "unknown difference 'centered'", "'central', 'forward', 'backward'");
    assertTensor(math.spatialGradient(x, { difference: 'Forward' as any, stackDim: null }), '(xˢ=5)', 'float32', [1, 2, 4, 8, 0]);
  });
});

describe('stencils keep their input unchanged', () => {
  it('no mutation', () => {
    const t: Tensor = math.tensor([1, 2, 3], spatial('x'));
    math.laplace(t); math.spatialGradient(t, { padding: 'periodic' }); t.shift({ x: 1 }); t.pad({ x: [2, 2] }, 'boundary');
    assertTensor(t, '(xˢ=3)', 'float32', [1, 2, 3]);
  });
});
