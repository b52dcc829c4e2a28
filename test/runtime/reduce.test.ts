import * as assert from 'assert';
import { math, spatial, channel, batch, instance, vec, Tensor } from 'tensorjit';
import { assertTensor, assertAllClose, values, plain, refReduce, throwsWith } from '../helpers';

// (bᵇ=2, xˢ=3, yˢ=2) with distinct values, a negative, a zero
const T = math.tensor([[[1, -2], [3, 4], [0, 6]], [[7, 8], [9, -10], [11, 12]]], batch('b'), spatial('x'), spatial('y'));

type RefSpec = [number, (acc: number, x: number) => number, ((acc: number, n: number) => number)?];
const REF: Record<string, RefSpec> = {
  sum: [0, (a, x) => a + x],
  prod: [1, (a, x) => a * x],
  mean: [0, (a, x) => a + x, (a, n) => a / n],
  max: [-Infinity, (a, x) => Math.max(a, x)],
  min: [Infinity, (a, x) => Math.min(a, x)],
};
const FNS: Record<string, (t: Tensor, d?: any) => Tensor> = { sum: math.sum, prod: math.prod, mean: math.mean, max: math.max, min: math.min };

describe('reductions: sum prod mean max min over one / several / all dims', () => {
  for (const name of Object.keys(REF)) {
    const [init, step, finish] = REF[name];
    const fn = FNS[name];
    it(`${name} over one dim (string, array, Shape)`, () => {
      for (const sel of ['x', ['x'], spatial('x')]) {
        const r = fn(T, sel);
        const e = refReduce(plain(T), ['x'], init, step, finish);
        assert.strictEqual(String(r.shape), '(bᵇ=2, yˢ=2)');
        assert.strictEqual(r.dtype, 'float32');
        assertAllClose(values(r), e.data, 1e-6, 0, name);
      }
    });
    it(`${name} over several dims ('b,y')`, () => {
      const r = fn(T, 'b,y');
      const e = refReduce(plain(T), ['b', 'y'], init, step, finish);
      assertTensor(r, '(xˢ=3)', 'float32', e.data.map(Math.fround));
    });
    it(`${name} by default over all non-batch dims`, () => {
      const r = fn(T);
      const e = refReduce(plain(T), ['x', 'y'], init, step, finish);
      assertTensor(r, '(bᵇ=2)', 'float32', e.data.map(Math.fround));
    });
    it(`${name} over every dim, batch included`, () => {
      const r = fn(T, 'b,x,y');
      const e = refReduce(plain(T), ['b', 'x', 'y'], init, step, finish);
      assertTensor(r, '()', 'float32', e.data.map(Math.fround));
      assertTensor(fn(T, T.shape), '()', 'float32', e.data.map(Math.fround));
    });
    it(`${name} as a method`, () => {
      assert.deepStrictEqual(values((T as any)[name]('x')), values(fn(T, 'x')));
      assert.deepStrictEqual(values((T as any)[name]()), values(fn(T)));
    });
  }

  it('result keeps the other dims in input order and their item names', () => {
    const t = math.tensor([[1, 2], [3, 4], [5, 6]], spatial('x'), channel({ vector: 'a,b' }));
    assertTensor(math.sum(t, 'x'), '(vectorᶜ=a,b)', 'float32', [9, 12]);
    const u = math.tensor(Float32Array.of(1, 9, 3, 0, 5, 5, 2, 2, 4, 4, 6, 0), channel({ vector: 'a,b' }), spatial({ x: 3 }), batch({ n: 2 }));
    assertTensor(math.max(u, 'n'), '(vectorᶜ=a,b, xˢ=3)', 'float32', [9, 3, 5, 2, 4, 6]);
  });

  it('a tensor without non-batch dims: default reduction leaves it unchanged', () => {
    assertTensor(math.sum(math.tensor([1, 2], batch('b'))), '(bᵇ=2)', 'float32', [1, 2]);
    assertTensor(math.sum(math.tensor(3)), '()', 'float32', [3]);
    assertTensor(math.mean(math.tensor(3n)), '()', 'float32', [3]);
    assertTensor(math.sum(math.tensor(true)), '()', 'int64', [1n]); // ΦML: sums of bool are int64
  });

  it('NaN propagates through sum / mean / max / min', () => {
    const t = math.tensor([1, NaN, 3], spatial('x'));
    for (const f of [math.sum, math.mean, math.max, math.min, math.prod]) assertTensor(f(t), '()', 'float32', [NaN]);
    assertTensor(math.max(math.tensor([NaN, 1])), '()', 'float32', [NaN]);
    assertTensor(math.min(math.tensor([1, NaN])), '()', 'float32', [NaN]);
    assertTensor(math.max(math.tensor([-Infinity, 1])), '()', 'float32', [1]);
    assertTensor(math.sum(math.tensor([Infinity, -Infinity])), '()', 'float32', [NaN]);
  });

  it('size-1 dims', () => {
    const t = math.tensor([[5, 6]], spatial('x,y'));
    assertTensor(math.sum(t, 'x'), '(yˢ=2)', 'float32', [5, 6]);
    assertTensor(math.max(t, 'y'), '(xˢ=1)', 'float32', [6]);
  });

  it('empty reductions: sum 0, prod 1, mean NaN, max / min 0 (ΦML), any false, all true', () => {
    const e = math.zeros(spatial({ x: 0 }));
    assertTensor(math.sum(e), '()', 'float32', [0]);
    assertTensor(math.prod(e), '()', 'float32', [1]);
    assertTensor(math.mean(e), '()', 'float32', [NaN]);
    assertTensor(math.max(e), '()', 'float32', [0]);
    assertTensor(math.min(e), '()', 'float32', [0]);
    assertTensor(math.any(e), '()', 'bool', [false]);
    assertTensor(math.all(e), '()', 'bool', [true]);
    const ei = math.zeros(spatial({ x: 0 }), { dtype: 'int32' });
    assertTensor(math.sum(ei), '()', 'int64', [0n]); // ΦML (NumPy): int32 sums are int64
    assertTensor(math.prod(ei), '()', 'int64', [1n]);
    assertTensor(math.max(ei), '()', 'int32', [0]);
    assertTensor(math.min(ei), '()', 'int32', [0]);
    const el = math.zeros(spatial({ x: 0 }), { dtype: 'int64' });
    assertTensor(math.max(el), '()', 'int64', [0n]);
    assertTensor(math.min(el), '()', 'int64', [0n]);
    assertTensor(math.sum(el), '()', 'int64', [0n]);
    const eb = math.zeros(spatial({ x: 0 }), { dtype: 'bool' });
    assertTensor(math.max(eb), '()', 'bool', [false]);
    assertTensor(math.min(eb), '()', 'bool', [false]);
    // reducing an empty dim keeps the others
    assertTensor(math.sum(math.zeros(spatial({ x: 0, y: 3 })), 'x'), '(yˢ=3)', 'float32', [0, 0, 0]);
    assertTensor(math.sum(math.zeros(spatial({ x: 0, y: 3 })), 'y'), '(xˢ=0)', 'float32', []);
  });

  it('int reductions are exact; int32 sums / products are int64 (ΦML) and wrap only at 64 bits', () => {
    const i32 = (xs: number[]) => math.tensor(xs, { dtype: 'int32' });
    assertTensor(math.sum(i32([2147483647, 1])), '()', 'int64', [2147483648n]);
    assertTensor(math.prod(i32([65536, 65536])), '()', 'int64', [4294967296n]);
    assertTensor(math.prod(i32([99999, 99999, 99999, 99999])), '()', 'int64', [BigInt.asIntN(64, 99999n ** 4n)]);
    assertTensor(math.prod(i32([-3, 5, 7])), '()', 'int64', [-105n]);
    assertTensor(math.max(i32([-3, 5, 7])), '()', 'int32', [7]);
    // int64 partial sums beyond 2^53 that come back below it
    const P52 = 2n ** 52n;
    assertTensor(math.sum(math.tensor([P52 + 1n, P52 + 2n, -P52])), '()', 'int64', [P52 + 3n]);
  });

  it('bool: sum / prod count as int64 (ΦML), max / min stay bool', () => {
    const b = math.tensor([true, false, true]);
    assertTensor(math.sum(b), '()', 'int64', [2n]);
    assertTensor(math.prod(b), '()', 'int64', [0n]);
    assertTensor(math.max(b), '()', 'bool', [true]);
    assertTensor(math.min(b), '()', 'bool', [false]);
    assertTensor(math.mean(b), '()', 'float32', [Math.fround(2 / 3)]);
  });
});

describe('reductions: any / all', () => {
  const b = math.tensor([[true, false, false], [true, true, true]], batch('b'), spatial('x'));
  it('any / all over dims give bool', () => {
    assertTensor(math.any(b), '(bᵇ=2)', 'bool', [true, true]);
    assertTensor(math.all(b), '(bᵇ=2)', 'bool', [false, true]);
    assertTensor(math.any(b, 'b'), '(xˢ=3)', 'bool', [true, true, true]);
    assertTensor(math.all(b, 'b'), '(xˢ=3)', 'bool', [true, false, false]);
    assertTensor(math.all(b, 'b,x'), '()', 'bool', [false]);
    assertTensor(b.anyAlong('x'), '(bᵇ=2)', 'bool', [true, true]);
    assertTensor(b.allAlong('x'), '(bᵇ=2)', 'bool', [false, true]);
  });
  it('numbers count as true when nonzero, NaN included', () => {
    assertTensor(math.any(math.tensor([0, 0, NaN])), '()', 'bool', [true]);
    assertTensor(math.all(math.tensor([1, -1, NaN])), '()', 'bool', [true]);
    assertTensor(math.all(math.tensor([1, 0, 2])), '()', 'bool', [false]);
    assertTensor(math.any(math.tensor([0n, 0n])), '()', 'bool', [false]);
  });
  it('.all / .any getters give JS booleans over every dim (batch included)', () => {
    assert.strictEqual(b.all, false);
    assert.strictEqual(b.any, true);
    assert.strictEqual(math.tensor([true, true], batch('b')).all, true);
    assert.strictEqual(math.tensor([0, 0]).any, false);
    assert.strictEqual(math.tensor([1, NaN]).all, true);
    assert.strictEqual(math.tensor([0, NaN]).any, true);
    assert.strictEqual(math.zeros(spatial({ x: 0 })).all, true);
    assert.strictEqual(math.zeros(spatial({ x: 0 })).any, false);
    assert.strictEqual(math.tensor(true).all, true);
    assert.strictEqual(math.tensor(0).any, false);
    assert.strictEqual(math.tensor([0n, 2n]).any, true);
    assert.strictEqual(math.tensor([0n, 2n]).all, false);
  });
});

describe('reductions: std', () => {
  it('population std (ddof 0) over dims, float32', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = (xs: number[]) => { const m = mean(xs); return Math.sqrt(mean(xs.map((x) => (x - m) ** 2))); };
    const t = math.tensor([[1, 2, 3, 4], [2, 2, 2, 2]], batch('b'), spatial('x'));
    assertAllClose(values(math.std(t)), [std([1, 2, 3, 4]), 0], 1e-6);
    assert.strictEqual(String(math.std(t).shape), '(bᵇ=2)');
    assertAllClose(values(math.std(t, 'b')), [0.5, 0, 0.5, 1], 1e-6);
    assertAllClose(values(math.std(t, 'b,x')), [std([1, 2, 3, 4, 2, 2, 2, 2])], 1e-6);
    assertAllClose(values(t.std('x')), [std([1, 2, 3, 4]), 0], 1e-6);
    assertTensor(math.std(math.tensor([1n, 2n, 3n, 4n])), '()', 'float32', [Math.fround(Math.sqrt(1.25))]);
    assertTensor(math.std(math.tensor(5)), '()', 'float32', [0]);
    assertTensor(math.std(math.tensor([1, NaN])), '()', 'float32', [NaN]);
  });
});

describe('reductions: bad input', () => {
  // written for strict dims (absent dims as errors; ΦML and the default ignore them)
  before(() => math.setStrictDims(true));
  after(() => math.setStrictDims(false));
  it('unknown dim names are named in the error', () => {
    for (const f of [math.sum, math.mean, math.prod, math.max, math.min, math.any, math.all, math.std]) {
      throwsWith(() => f(T, 'z'), 'ShapeError', "'z'", "'b', 'x', 'y'");
    }
    throwsWith(() => math.sum(T, 'x,q'), 'ShapeError', "'q'");
    throwsWith(() => math.sum(math.tensor(1), 'x'), 'ShapeError', 'no dims');
  });
  it('the input is not modified', () => {
    const before = values(T);
    math.sum(T); math.max(T, 'x'); math.std(T, 'b,x');
    assert.deepStrictEqual(values(T), before);
    assert.strictEqual(String(T.shape), '(bᵇ=2, xˢ=3, yˢ=2)');
  });
});

describe('reductions with item names and instance dims', () => {
  it('reduce over a channel dim with item names drops it', () => {
    assertTensor(math.sum(vec({ x: 3, y: 4 }).mul(vec({ x: 3, y: 4 }))), '()', 'float32', [25]);
    const pts = math.tensor([[0, 1], [2, 3], [4, 5]], instance('points'), channel({ vector: 'x,y' }));
    assertTensor(math.mean(pts, 'points'), '(vectorᶜ=x,y)', 'float32', [2, 3]);
  });
});
