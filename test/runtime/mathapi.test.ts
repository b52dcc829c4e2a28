/**
 * ΦML's everyday math (issue 14): each case runs eagerly and compiled, and both must print exactly
 * what ΦML 1.15.1 prints for the same expression (expected texts taken from ΦML on its NumPy
 * backend; the ΦML expression is in each case's name). Errors for unknown names and data-dependent
 * sizes inside jit functions are checked at the end.
 */
import * as assert from 'assert';
import { math, Tensor, spatial, channel, instance, vec, batch } from 'tensorjit';
import { throwsWith, assertTensor } from '../helpers';

const x5 = () => math.tensor([1, 2, 4, 8, 16], spatial('x'));
const x6 = () => math.tensor([1, 2, 4, 8, 16, 32], spatial('x'));
const g23 = () => math.tensor([[0, 1, 2], [10, 11, 12]], spatial('x,y'));
const t = (xs: number[]) => math.tensor(xs, spatial('x'));

const text = (v: unknown): string => (Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v));

/** [ΦML expression, tensorjit function, expected text]. Functions take no arguments: inputs are constants. */
const CASES: [string, () => unknown, string][] = [
  ['erf([0, .5, 1, -2])', () => math.erf(t([0, 0.5, 1, -2])), '(0.000, 0.520, 0.843, -0.995) along xˢ'],
  ['log2([1, 8, .5])', () => math.log2(t([1, 8, 0.5])), '(0.000, 3.000, -1.000) along xˢ'],
  ['log10([1, 1000, .1])', () => math.log10(t([1, 1000, 0.1])), '(0.000, 3.000, -1.000) along xˢ'],
  ['arcsin([0, .5, 1])', () => math.arcsin(t([0, 0.5, 1])), '(0.000, 0.524, 1.571) along xˢ'],
  ['arccos([0, .5, 1])', () => math.arccos(t([0, 0.5, 1])), '(1.571, 1.047, 0.000) along xˢ'],
  ['arctan([0, 1, -1])', () => math.arctan(t([0, 1, -1])), '(0.000, 0.785, -0.785) along xˢ'],
  ['arctan([1, -1, 0], divide_by=[-1, -1, 1])', () => math.arctan(t([1, -1, 0]), t([-1, -1, 1])), '(2.356, -2.356, 0.000) along xˢ'],
  ['sinh / cosh([0, 1])', () => [math.sinh(t([0, 1])), math.cosh(t([0, 1]))], '[(0.000, 1.175) along xˢ, (1.000, 1.543) along xˢ]'],
  ['arcsinh([0, 1]), arccosh([1, 2]), arctanh([0, .5])', () => [math.arcsinh(t([0, 1])), math.arccosh(t([1, 2])), math.arctanh(t([0, 0.5]))], '[(0.000, 0.881) along xˢ, (0.000, 1.317) along xˢ, (0.000, 0.549) along xˢ]'],
  ["cumulative_sum(x, 'x')", () => math.cumulativeSum(t([3, 1, 4, 1, 5]), 'x'), '(3.000, 4.000, 8.000, 9.000, 14.000) along xˢ'],
  ["cumulative_sum(x, 'x', include_0=True)", () => math.cumulativeSum(t([3, 1, 4, 1, 5]), 'x', { includeZero: true }), '(0.000, 3.000, 4.000, 8.000, 9.000, 14.000) along xˢ'],
  ["sort(x, 'x')", () => math.sort(t([3, 1, 4, 1, 5]), 'x'), '(1.000, 1.000, 3.000, 4.000, 5.000) along xˢ'],
  ["argmax(g, 'x,y')", () => math.argmax(math.tensor([[3, 1, 4], [1, 5, 9]], spatial('x,y')), 'x,y'), '(x=1, y=2) along indexᶜ int64'],
  ["argmin(g, 'y')", () => math.argmin(math.tensor([[3, 1, 4], [1, 5, 9]], spatial('x,y')), 'y'), '(y=1); (y=0) (xˢ=2, indexᶜ=y) int64'],
  ["softmax(x, 'x')", () => math.softmax(t([3, 1, 4, 1, 5]), 'x'), '(0.088, 0.012, 0.239, 0.012, 0.649) along xˢ'],
  ['gather(g, index vectors along index:x,y)', () => math.gather(g23(), math.tensor([[1, 2], [0, 0], [1, 0]], instance('points'), channel({ index: 'x,y' }), { dtype: 'int32' })), '(12.000, 0.000, 10.000) along pointsⁱ'],
  ['gather(x, indices)', () => math.gather(t([5, 6, 7]), math.tensor([2, 0, 2], instance('points'), { dtype: 'int32' })), '(7.000, 5.000, 7.000) along pointsⁱ'],
  ["scatter(zeros, [1, 3, 1], [1, 2, 3], mode='add')", () => math.scatter(math.zeros(spatial({ x: 4 })), math.tensor([1, 3, 1], instance('points'), { dtype: 'int32' }), math.tensor([1, 2, 3], instance('points')), { mode: 'add' }), '(0.000, 4.000, 0.000, 2.000) along xˢ'],
  ["scatter(zeros, [1, 3, 1], [1, 2, 3], mode='update')", () => math.scatter(math.zeros(spatial({ x: 4 })), math.tensor([1, 3, 1], instance('points'), { dtype: 'int32' }), math.tensor([1, 2, 3], instance('points'))), '(0.000, 3.000, 0.000, 2.000) along xˢ'],
  ['vec_length / vec_normalize / l2_loss of (3, 4)', () => [math.vecLength(vec({ x: 3, y: 4 })), math.vecNormalize(vec({ x: 3, y: 4 })), math.l2Loss(vec({ x: 3, y: 4 }))], '[5.0, (x=0.600, y=0.800), 12.5]'],
  ['safe_div([1, 2], [0, 4])', () => math.safeDiv(math.tensor([1, 2]), math.tensor([0, 4])), '(0.000, 0.500)'],
  ['cross_product(x̂, ŷ)', () => math.cross(vec({ x: 1, y: 0, z: 0 }), vec({ x: 0, y: 1, z: 0 })), '(x=0.000, y=0.000, z=1.000)'],
  ['rotate_vector(x̂, π/2)', () => math.rotateVector(vec({ x: 1, y: 0 }), Math.PI / 2), '(x=-0.000, y=1.000)'],
  ['pairwise_distances(points).points[0]', () => math.pairwiseDistances(math.tensor([[0, 0], [3, 4], [1, 0]], instance('points'), channel({ vector: 'x,y' }))).get({ points: 0 }), '(x=0.000, y=0.000); (x=3.000, y=4.000); (x=1.000, y=0.000) (~pointsᵈ=3, vectorᶜ=x,y)'],
  ['downsample2x(x)', () => math.downsample2x(x6()), '(1.500, 6.000, 24.000) along xˢ'],
  ['upsample2x([1, 2, 4])', () => math.upsample2x(t([1, 2, 4])), '(1.000, 1.250, 1.750, 2.500, 3.500, 4.000) along xˢ'],
  ['neighbor_mean(x)', () => math.neighborMean(x5()), '(1.500, 3.000, 6.000, 12.000) along xˢ'],
  ['neighbor_sum(g)', () => math.neighborSum(math.tensor([[1, 2, 3], [4, 5, 6]], spatial('x,y'))), '12.000; 16.000 (xˢ=1, yˢ=2)'],
  ['sample_subgrid(x, vec(x=.5), spatial(x=3))', () => math.sampleSubgrid(x6(), vec({ x: 0.5 }), spatial({ x: 3 })), '(1.500, 3.000, 6.000) along xˢ'],
  ["grid_sample(x, [.5, 1.25, 4.9], 'boundary')", () => math.gridSample(x6(), math.tensor([[0.5], [1.25], [4.9]], instance('p'), channel({ vector: 'x' })), 'boundary'), '(1.500, 2.500, 30.400) along pⁱ'],
  ['convolve(x, [1, 0, -1])', () => math.convolve(x6(), t([1, 0, -1])), '(-2.000, -3.000, -6.000, -12.000, -24.000, 16.000) along xˢ'],
  ["convolve(x, [1, 0, -1], size='valid')", () => math.convolve(x6(), t([1, 0, -1]), 'valid'), '(-3.000, -6.000, -12.000, -24.000) along xˢ'],
  ['shift(x, (-1, 1))', () => math.shift(x5(), [-1, 1]), '[(x=1.000); (x=1.000); (x=2.000); (x=4.000); (x=8.000) (xˢ=5, shiftᶜ=x), (x=2.000); (x=4.000); (x=8.000); (x=16.000); (x=16.000) (xˢ=5, shiftᶜ=x)]'],
  ["shift(v, (1,), 'vector', 'periodic', None)[0] + v", () => { const v = vec({ x: 1, y: 2, z: 3 }); return math.shift(v, [1], 'vector', 'periodic', null)[0].add(v); }, '(x=3.000, y=5.000, z=4.000)'],
  ["laplace(v, dims='vector', padding='periodic')", () => math.laplace(vec({ x: 1, y: 2, z: 3 }), { dims: 'vector', padding: 'periodic' }), '(3.000, 0.000, -3.000)'],
  ["pad(x, {'x': (1, 1)}, 5.)", () => math.pad(x5(), { x: [1, 1] }, 5), '(5.000, 1.000, 2.000, 4.000, 8.000, 16.000, 5.000) along xˢ'],
  ["unstack(g, 'x')", () => math.unstack(g23(), 'x'), '[(0.000, 1.000, 2.000) along yˢ, (10.000, 11.000, 12.000) along yˢ]'],
  ["map(lambda a: a * 2, g, dims='x')", () => math.map((a: Tensor) => a.mul(2), g23(), { dims: 'x' }), '0.000; 2.000; 4.000; 20.000; 22.000; 24.000 (xˢ=2, yˢ=3)'],
];

describe('ΦML math: same text as ΦML 1.15.1, eagerly and compiled', () => {
  for (const [phiml, f, expected] of CASES) {
    it(phiml, () => {
      assert.strictEqual(text(f()), expected, 'eager');
      const jitted = math.jitCompile(f);
      assert.strictEqual(text(jitted()), expected, 'compiled');
    });
  }
  it('nonzero and boolean_mask (eager: sizes from the data)', () => {
    assert.strictEqual(String(math.nonzero(math.tensor([[0, 1, 0], [1, 0, 1]], spatial('x,y')))), '(x=0, y=1); (x=1, y=0); (x=1, y=2) (nonzeroⁱ=3, vectorᶜ=x,y) int64');
    const p = math.tensor([1, 2, 3, 4], instance('p'));
    assert.strictEqual(String(math.booleanMask(p, 'p', p.gt(2))), '(3.000, 4.000) along pⁱ');
  });
  it('symmetric and reflect padding (NumPy / ΦML: [2 1 | 1 2 4 8 16 | 16 8 4], [4 2 | 1 2 4 8 16 | 8 4 2])', () => {
    assertTensor(math.pad(x5(), { x: [2, 3] }, 'symmetric'), '(xˢ=10)', 'float32', [2, 1, 1, 2, 4, 8, 16, 16, 8, 4]);
    assertTensor(math.pad(x5(), { x: [2, 3] }, 'reflect'), '(xˢ=10)', 'float32', [4, 2, 1, 2, 4, 8, 16, 8, 4, 2]);
  });
});

describe('ΦML math: data-dependent sizes inside jit functions', () => {
  it('nonzero / booleanMask without size name the jit function and the fix', () => {
    const f = math.jitCompile(function findPeaks(v: Tensor) { return math.nonzero(v); });
    throwsWith(() => f(t([0, 1, 0])), 'ShapeError', "math.nonzero inside jit function 'findPeaks'");
    throwsWith(() => f(t([0, 1, 0])), 'ShapeError', '{ size: n }');
    const g = math.jitCompile(function keep(v: Tensor) { return math.booleanMask(v, 'x', v.gt(0)); });
    throwsWith(() => g(t([0, 1, 0])), 'ShapeError', "math.booleanMask inside jit function 'keep'");
  });
  it('with { size } they compile: missing entries are fill, extra ones dropped', () => {
    const f = math.jitCompile((v: Tensor) => [math.nonzero(v, { size: 3, fill: -1 }), math.booleanMask(v, 'x', v.gt(0), { size: 2 })]);
    const [nz, masked] = f(t([0, 5, 0, 7]));
    assertTensor(nz, '(nonzeroⁱ=3, vectorᶜ=x)', 'int64', [1n, 3n, -1n]);
    assertTensor(masked, '(xˢ=2)', 'float32', [5, 7]);
    const [nz2] = f(t([1, 2, 3, 4]));
    assertTensor(nz2, '(nonzeroⁱ=3, vectorᶜ=x)', 'int64', [0n, 1n, 2n]);
  });
  it('eager nonzero with batch entries of different counts asks for size', () => {
    throwsWith(() => math.nonzero(math.tensor([[1, 0], [1, 1]], batch('b'), spatial('x'))), 'ShapeError', 'pass { size }');
    assertTensor(math.nonzero(math.tensor([[1, 0], [1, 1]], batch('b'), spatial('x')), { size: 2, indexDim: null }), '(bᵇ=2, nonzeroⁱ=2)', 'int64', [0n, 0n, 0n, 1n]);
  });
});

describe('ΦML math: errors name the value and the allowed ones', () => {
  it('unknown paddings', () => {
    throwsWith(() => math.pad(x5(), { x: [1, 1] }, 'mirror' as any), 'RangeError', "unknown padding 'mirror': use a number (constant) or one of 'zero', 'one', 'periodic', 'boundary', 'zero-gradient', 'symmetric', 'reflect'");
    throwsWith(() => math.shift(x5(), [1], 'x', 'wrap' as any), 'RangeError', "unknown padding 'wrap'");
    throwsWith(() => x5().shift({ x: 1 }, 'edge' as any), 'RangeError', "unknown padding 'edge'");
    throwsWith(() => math.laplace(x5(), { padding: 'circular' as any }), 'RangeError', "unknown padding 'circular'");
    throwsWith(() => math.spatialGradient(x5(), { padding: 'nope' as any }), 'RangeError', "unknown padding 'nope'");
  });
  it('unknown spatialGradient differences', () => {
    throwsWith(() => math.spatialGradient(x5(), { difference: 'upwind' as any }), 'RangeError', "math.spatialGradient: unknown difference 'upwind': use one of 'central', 'forward', 'backward'");
  });
  it('unknown scatter modes and outside handling; out-of-range indices', () => {
    throwsWith(() => math.scatter(x5(), math.tensor([1], instance('p'), { dtype: 'int32' }), 1, { mode: 'replace' as any }), 'RangeError', "unknown mode 'replace'");
    throwsWith(() => math.scatter(x5(), math.tensor([1], instance('p'), { dtype: 'int32' }), 1, { outsideHandling: 'wrap' as any }), 'RangeError', "unknown outsideHandling 'wrap'");
    throwsWith(() => math.scatter(x5(), math.tensor([9], instance('p'), { dtype: 'int32' }), 1), 'RangeError', 'out of range');
    throwsWith(() => math.gather(x5(), math.tensor([5], instance('p'), { dtype: 'int32' })), 'RangeError', 'out of range');
    throwsWith(() => math.gather(x5(), math.tensor([5], instance('p'), { dtype: 'int32' })), 'RangeError', 'math.clip(indices, 0, size - 1)');
  });
});
