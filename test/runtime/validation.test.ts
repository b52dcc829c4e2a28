/**
 * Bad input is never silently accepted: shape specs, creation data and options, dim selections,
 * slices, env variables. Each error is typed, names the bad value and says what to write instead.
 */
import * as assert from 'assert';
import { math, spatial, channel, batch, instance, dual, vec, Tensor } from 'tensorjit';
import { threadsFor, maxSessions } from 'tensorjit/internal';
import { throwsWith, assertTensor } from '../helpers';

const x = math.tensor([1, 2, 3], spatial('x'));

describe('validation: shape constructors', () => {
  it("a size given as a string ('3') is refused, not taken as one item name", () => {
    throwsWith(() => spatial({ x: '3' } as any), 'ShapeError', 'spatial({ x: "3" })', 'spatial({ x: 3 })');
    throwsWith(() => channel({ c: ' 12 ' }), 'ShapeError', 'channel({ c: 12 })');
    // real item names still work
    assert.strictEqual(String(channel({ vector: 'x,y' })), '(vectorᶜ=x,y)');
    assert.strictEqual(String(channel({ vector: ['a1', 'b'] })), '(vectorᶜ=a1,b)');
  });
  it('null, numbers, booleans and arrays as specs are ShapeErrors naming the value', () => {
    throwsWith(() => spatial(null as any), 'ShapeError', 'spatial(...)', 'got null');
    throwsWith(() => batch(5 as any), 'ShapeError', 'batch(...)', 'the number 5');
    throwsWith(() => instance(['p'] as any), 'ShapeError', 'an array');
    throwsWith(() => spatial({ x: true } as any), 'ShapeError', 'spatial({ x: … })', 'the boolean true');
    throwsWith(() => spatial({ x: {} } as any), 'ShapeError', 'an object');
    throwsWith(() => channel({ v: ['a', 1] } as any), 'ShapeError', 'item names');
  });
  it('negative, fractional and NaN sizes name the dim and the value', () => {
    throwsWith(() => spatial({ x: -1 }), 'ShapeError', 'spatial({ x: -1 })', 'non-negative integer');
    throwsWith(() => dual({ k: 2.5 }), 'ShapeError', 'dual({ k: 2.5 })');
    throwsWith(() => spatial({ x: NaN }), 'ShapeError', 'NaN');
    throwsWith(() => spatial({ x: Infinity }), 'ShapeError', 'Infinity');
  });
});

describe('validation: creation data and dtypes', () => {
  it('NaN and infinity are refused for int32 and int64 alike', () => {
    throwsWith(() => math.tensor([1, NaN], { dtype: 'int64' }), 'TensorDataError', 'NaN', 'flat index 1', 'int64', 'float dtype');
    throwsWith(() => math.tensor([NaN], { dtype: 'int32' }), 'TensorDataError', 'NaN', 'int32');
    throwsWith(() => math.tensor(Infinity, { dtype: 'int64' }), 'TensorDataError', 'Infinity');
    throwsWith(() => math.tensor(new Float64Array([0, -Infinity]), { dtype: 'int32' }), 'TensorDataError', '-Infinity');
  });
  it('values beyond the int range are refused instead of wrapping', () => {
    throwsWith(() => math.tensor([3e9], { dtype: 'int32' }), 'TensorDataError', '3000000000', 'int32', '-2147483648 to 2147483647', "'int64'");
    throwsWith(() => math.tensor(2 ** 31, { dtype: 'int32' }), 'TensorDataError', '2147483648');
    throwsWith(() => math.tensor(1e20, { dtype: 'int64' }), 'TensorDataError', 'int64', '9223372036854775807');
    throwsWith(() => math.tensor(2 ** 63, { dtype: 'int64' }), 'TensorDataError', 'out of range');
    throwsWith(() => math.tensor([1n, 2n ** 63n]), 'TensorDataError', '9223372036854775808n', 'int64');
    throwsWith(() => math.tensor(-(2n ** 63n) - 1n), 'TensorDataError', 'out of range');
    throwsWith(() => math.tensor(2n ** 40n, { dtype: 'int32' }), 'TensorDataError', '1099511627776n', 'int32');
    throwsWith(() => math.tensor(new Float32Array([1, 5e9]), { dtype: 'int32' }), 'TensorDataError', 'flat index 1');
    throwsWith(() => math.tensor(BigInt64Array.of(2n ** 33n), { dtype: 'int32' }), 'TensorDataError', 'int32');
    throwsWith(() => math.tensor(math.tensor([1e10]), { dtype: 'int32' }), 'TensorDataError', 'int32');
  });
  it('the edges of each range and fractions (truncated like a cast) are accepted', () => {
    assertTensor(math.tensor([2147483647, -2147483648], spatial('x'), { dtype: 'int32' }), '(xˢ=2)', 'int32', [2147483647, -2147483648]);
    assertTensor(math.tensor([2n ** 63n - 1n, -(2n ** 63n)], spatial('x')), '(xˢ=2)', 'int64', [2n ** 63n - 1n, -(2n ** 63n)]);
    assertTensor(math.tensor([-(2 ** 63), 2 ** 62], spatial('x'), { dtype: 'int64' }), '(xˢ=2)', 'int64', [-(2n ** 63n), 2n ** 62n]);
    assertTensor(math.tensor([1.9, -1.9], spatial('x'), { dtype: 'int32' }), '(xˢ=2)', 'int32', [1, -1]);
    assertTensor(math.tensor([NaN], spatial('x'), { dtype: 'float64' }), '(xˢ=1)', 'float64', [NaN]);
  });
  it('math.range: integer start, stop and step within int32', () => {
    throwsWith(() => math.range(spatial('x'), 0, 1, 0.5), 'TensorDataError', 'step', '0.5', 'math.linspace');
    throwsWith(() => math.range(spatial('x'), 1.5), 'TensorDataError', 'stop', '1.5');
    throwsWith(() => math.range(spatial('x'), NaN), 'TensorDataError', 'stop', 'finite');
    throwsWith(() => math.range(spatial('x'), 2 ** 31, 2 ** 31 + 2), 'TensorDataError', 'int32');
    throwsWith(() => math.range('x' as any), 'ShapeError', 'math.range', 'the string "x"');
    assertTensor(math.range(spatial('x'), 3, 0, -1), '(xˢ=3)', 'int32', [3, 2, 1]);
  });
  it('linspace and vec check their arguments', () => {
    throwsWith(() => math.linspace(0, NaN, spatial({ x: 3 })), 'TensorDataError', 'stop', 'NaN');
    throwsWith(() => math.linspace('0' as any, 1, spatial({ x: 3 })), 'TensorDataError', 'start', 'the string "0"');
    throwsWith(() => math.linspace(0, 1, 3 as any), 'ShapeError', 'the number 3');
    throwsWith(() => vec(null as any), 'TensorDataError', 'vec', 'null');
    throwsWith(() => vec({ x: 1 }, 3 as any), 'TensorDataError', 'dim name');
  });
});

describe('validation: option records', () => {
  it('a record that is not options (zeros({ x: 2 })) is an error that shows the shape constructor', () => {
    throwsWith(() => math.zeros({ x: 2 } as any), 'TensorDataError', 'math.zeros', "unknown option 'x'", 'spatial({ x: 2 })');
    throwsWith(() => math.ones(spatial({ x: 2 }), { y: 3 } as any), 'TensorDataError', 'math.ones', "'y'");
    throwsWith(() => math.tensor([1, 2], { vector: 2 } as any), 'TensorDataError', 'math.tensor', "'vector'");
  });
  it('a misspelt option name is refused and the near name suggested, in every creation function', () => {
    for (const [fn, make] of [
      ['math.tensor', () => math.tensor(1, { dtyp: 'int32' } as any)],
      ['math.wrap', () => math.wrap(1, { Dtype: 'int32' } as any)],
      ['math.zeros', () => math.zeros(spatial({ x: 2 }), { dtpe: 'int32' } as any)],
      ['math.randomNormal', () => math.randomNormal(spatial({ x: 2 }), { sdt: 2 } as any)],
      ['math.randomUniform', () => math.randomUniform(spatial({ x: 2 }), { hi: 2 } as any)],
    ] as [string, () => unknown][]) {
      throwsWith(make, 'TensorDataError', fn, 'unknown option');
    }
    throwsWith(() => math.zeros(spatial({ x: 2 }), { dtyp: 'int32' } as any), 'TensorDataError', "Did you mean 'dtype'?");
    // the distribution's own names only: low/high are not randomNormal's
    throwsWith(() => math.randomNormal(spatial({ x: 2 }), { low: 0 } as any), 'TensorDataError', "'low'", "'mean', 'std'");
  });
  it('shapes must be Shapes, options last', () => {
    throwsWith(() => math.zeros('x' as any), 'TensorDataError', 'math.zeros', 'the string "x"', 'position 1');
    throwsWith(() => math.zeros({ dtype: 'int32' }, spatial({ x: 2 }) as any), 'TensorDataError', 'position 1');
    throwsWith(() => math.tensor([1], spatial('x'), null as any), 'TensorDataError', 'null', 'position 2');
  });
  it('randomUniform: low > high, non-finite bounds, empty int ranges; randomNormal: std < 0', () => {
    throwsWith(() => math.randomUniform(spatial({ x: 2 }), { low: 2, high: 1 }), 'TensorDataError', 'low (2) is greater than high (1)');
    throwsWith(() => math.randomUniform(spatial({ x: 2 }), { low: NaN }), 'TensorDataError', 'low', 'finite', 'NaN');
    throwsWith(() => math.randomUniform(spatial({ x: 2 }), { high: '3' as any }), 'TensorDataError', 'high', 'the string "3"');
    throwsWith(() => math.randomUniform(spatial({ x: 2 }), { low: 1, high: 1, dtype: 'int32' }), 'TensorDataError', 'empty range');
    throwsWith(() => math.randomUniform(spatial({ x: 2 }), { low: 0.5, high: 3, dtype: 'int32' }), 'TensorDataError', 'integer bounds');
    throwsWith(() => math.randomUniform(spatial({ x: 2 }), { low: 0, high: 2 ** 40, dtype: 'int32' }), 'TensorDataError', 'int32');
    throwsWith(() => math.randomNormal(spatial({ x: 2 }), { std: -1 }), 'TensorDataError', 'std must be >= 0');
    const u = math.randomUniform(spatial({ x: 50 }), { low: 1, high: 1 });
    assert.ok(Array.from(u.data as Float32Array).every((v) => v === 1), 'float low == high gives low');
    const i = math.randomUniform(spatial({ x: 50 }), { low: -2, high: 3, dtype: 'int64' });
    assert.ok(Array.from(i.data as BigInt64Array).every((v) => v >= -2n && v < 3n));
  });
  it('laplace, spatialGradient and setDevice refuse unknown option names', () => {
    throwsWith(() => math.laplace(x, { padding: 'periodic', dxx: 2 } as any), 'TensorDataError', 'math.laplace', "'dxx'", "Did you mean 'dx'?");
    throwsWith(() => math.spatialGradient(x, { diference: 'forward' } as any), 'TensorDataError', "Did you mean 'difference'?");
    throwsWith(() => math.setDevice('cpu', { deviceid: 0 } as any), 'DeviceError', "Did you mean 'deviceId'?");
    throwsWith(() => math.setDevice('cpu', { tf32: 'yes' } as any), 'DeviceError', 'tf32', 'the string "yes"');
    math.setDevice('cpu');
  });
  it('math.seed takes integers', () => {
    throwsWith(() => math.seed('1' as any), 'TensorDataError', 'math.seed', 'the string "1"');
    throwsWith(() => math.seed(1.5), 'TensorDataError', '1.5');
    math.seed(0);
  });
});

describe('validation: dim selections, slices and structure arguments', () => {
  it('reductions and dot take names or Shapes, nothing else', () => {
    throwsWith(() => math.sum(x, 5 as any), 'ShapeError', 'math.sum', 'the number 5', "'x,y'");
    throwsWith(() => math.mean(x, {} as any), 'ShapeError', 'math.mean', 'an object');
    throwsWith(() => x.max([1] as any), 'ShapeError', 'math.max');
    throwsWith(() => math.dot(x, null as any, x, 'x'), 'ShapeError', 'null');
    throwsWith(() => x.transpose(3 as any), 'ShapeError', 'the number 3');
  });
  it('slice bounds must be integers; NaN is named as such', () => {
    throwsWith(() => x.get({ x: [0.5, 2] } as any), 'ShapeError', 'slice start', "'x'", 'the number 0.5');
    throwsWith(() => x.get({ x: [NaN, 2] } as any), 'ShapeError', 'slice start', 'NaN');
    throwsWith(() => x.get({ x: [0, 2.5] } as any), 'ShapeError', 'slice stop', '2.5');
    throwsWith(() => x.get({ x: [0, 3, 1.5] } as any), 'ShapeError', 'slice step', '1.5');
    throwsWith(() => x.get({ x: [0, '2'] } as any), 'ShapeError', 'slice stop', 'the string "2"');
    throwsWith(() => x.get({ x: 1.5 }), 'ShapeError', '1.5', 'not an integer');
    throwsWith(() => x.get({ x: [] } as any), 'ShapeError', 'an array of length 0');
    throwsWith(() => x.get({ x: {} } as any), 'ShapeError', 'an object');
    throwsWith(() => x.get({ x: true } as any), 'ShapeError', 'the boolean true');
    throwsWith(() => x.get(1 as any), 'ShapeError', 'select by dim name', 'the number 1');
    assertTensor(x.get({ x: [1, undefined] as any }), '(xˢ=2)', 'float32', [2, 3]);
    assertTensor(x.get({ x: [-2, 3] }), '(xˢ=2)', 'float32', [2, 3]);
  });
  it('stack, concat, expand and unpackDim name what they got', () => {
    throwsWith(() => math.stack(null as any, channel('v')), 'ShapeError', 'stack', 'null');
    throwsWith(() => math.concat(x as any, 'x'), 'ShapeError', 'concat', 'a Tensor');
    throwsWith(() => math.concat([x, x], 0 as any), 'ShapeError', 'concat', 'the number 0');
    throwsWith(() => math.expand(x, { y: 2 } as any), 'ShapeError', 'expand', 'an object', 'position 2');
    throwsWith(() => math.unpackDim(x, 'x', { a: 3 } as any), 'ShapeError', 'unpackDim', 'an object');
    throwsWith(() => math.unpackDim(x, 0 as any, spatial({ a: 3 })), 'ShapeError', 'unpackDim', 'the number 0');
  });
  it('errors leave their inputs untouched', () => {
    const t = math.tensor([1, 2, 3], spatial('x'));
    assert.throws(() => t.get({ x: [NaN, 2] } as any));
    assert.throws(() => math.sum(t, 5 as any));
    assertTensor(t, '(xˢ=3)', 'float32', [1, 2, 3]);
  });
});

describe('validation: environment variables', () => {
  function withEnv(name: string, value: string | undefined, fn: () => void): void {
    const prev = process.env[name];
    if (value === undefined) delete process.env[name]; else process.env[name] = value;
    try { fn(); } finally { if (prev === undefined) delete process.env[name]; else process.env[name] = prev; }
  }
  it('TENSORJIT_THREADS: an integer from 1 to 256, named in the error', () => {
    for (const bad of ['-3', '100000', 'abc', '0', '2.5', '1e3']) {
      withEnv('TENSORJIT_THREADS', bad, () => throwsWith(() => threadsFor(10), 'ConfigError', `TENSORJIT_THREADS="${bad}"`, 'from 1 to 256'));
    }
    withEnv('TENSORJIT_THREADS', '3', () => assert.strictEqual(threadsFor(10), 3));
    withEnv('TENSORJIT_THREADS', '', () => assert.strictEqual(threadsFor(10), 1));
    withEnv('TENSORJIT_THREADS', undefined, () => assert.strictEqual(threadsFor(10), 1));
  });
  it('TENSORJIT_MAX_SESSIONS: an integer from 1 to 100000; a jit call with a bad value fails with it, and works once fixed', () => {
    for (const bad of ['abc', '0', '-1', '1000000']) {
      withEnv('TENSORJIT_MAX_SESSIONS', bad, () => throwsWith(() => maxSessions(), 'ConfigError', 'TENSORJIT_MAX_SESSIONS', 'from 1 to 100000', 'default, 64'));
    }
    withEnv('TENSORJIT_MAX_SESSIONS', ' 7 ', () => assert.strictEqual(maxSessions(), 7));
    const f = math.jitCompile((t: Tensor) => t.mul(3));
    withEnv('TENSORJIT_MAX_SESSIONS', 'abc', () => throwsWith(() => f(math.tensor(1)), 'ConfigError', 'TENSORJIT_MAX_SESSIONS'));
    assert.strictEqual(String(f(math.tensor(1))), '3.0', 'works once the variable is fixed');
    f.forgetTraces();
  });
});
