/**
 * JIT semantics: what traces, what is cached, what traceCheck says (ΦML's jit acceptance cases,
 * adapted to TypeScript), nested jit, argument and output trees, misuse errors and resources.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { math, jit, Tensor, spatial, channel, batch, instance, vec, JitError, TracerConversionError, DeviceError } from 'tensorjit';
import { liveSessionCount } from 'tensorjit/internal';
import { warnings } from '../helpers';

const T = (...s: Parameters<typeof math.randomNormal>) => math.randomNormal(...s);

/** Captures console.log lines while `fn` runs. */
function logs(fn: () => void): string[] {
  const out: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => { out.push(a.map(String).join(' ')); };
  try { fn(); } finally { console.log = orig; }
  return out;
}

describe('jit: tracing and the cache', () => {
  it('traces on the first call, prints tracers, reuses the trace for the same signature (AT1–AT3)', () => {
    const fun = math.jitCompile(function fun(x: Tensor) {
      console.log(`Tracing fun with x = ${x}`);
      return x.mul(2);
    });
    let r: Tensor | undefined;
    assert.deepStrictEqual(logs(() => { r = fun(math.tensor(1)); }), ['Tracing fun with x = () float32 onnx tracer']);
    assert.strictEqual(String(r), '2.0');
    assert.deepStrictEqual(logs(() => { r = fun(math.tensor(1)); }), []);
    assert.strictEqual(String(r), '2.0');
    assert.strictEqual(fun.traces.length, 1);
    assert.deepStrictEqual(logs(() => { r = fun(math.tensor([1n, 2n])); }), ['Tracing fun with x = (vectorᶜ=2) int64 onnx tracer']);
    assert.strictEqual(String(r), '(2, 4) int64');
    assert.strictEqual(fun.traces.length, 2);
  });

  it('a new dtype alone retraces, and traceCheck says so (AT4; ONNX needs the dtype)', () => {
    const fun = math.jitCompile((x: Tensor) => x.mul(2));
    fun(math.tensor(1));
    assert.deepStrictEqual(math.traceCheck(fun, math.tensor(5, { dtype: 'int32' })), [false, 'Traced variables differ in dtype']);
    assert.strictEqual(String(fun(math.tensor(5n))), 'int64 10');
    assert.strictEqual(fun.traces.length, 2);
  });

  it('math.wrap values stay concrete inside a trace and may drive control flow (AT5, AT32)', () => {
    const fun = math.jitCompile(function fun(x: Tensor) {
      const y = math.wrap(2);
      const z = math.sin(y.pow(2));
      console.log(`z = ${z}`);
      if (Number(z) > 1) return z.mul(x);
      return z.div(x);
    });
    let r: Tensor | undefined;
    assert.deepStrictEqual(logs(() => { r = fun(math.tensor(1)); }), ['z = -0.7568025']);
    assert.strictEqual(String(r), '-0.7568025');
    const g = math.jitCompile((a: Tensor) => {
      const b = math.wrap([1, 2]);
      console.log(`Tracing with a = ${a}, b = ${b}`);
      return a.add(math.sin(b.pow(2)));
    });
    assert.deepStrictEqual(logs(() => { r = g(math.tensor([1, 2])); }), ['Tracing with a = (vectorᶜ=2) float32 onnx tracer, b = (1.000, 2.000)']);
    assert.strictEqual(String(r), '(1.841, 1.243)');
  });

  it('math.tensor inside a trace is a graph constant (a tracer), with an error pointing to math.wrap', () => {
    const f = math.jitCompile((x: Tensor) => {
      const c = math.tensor(3);
      console.log(`${c}`);
      return x.add(c);
    });
    assert.deepStrictEqual(logs(() => f(math.tensor(1))), ['() float32 onnx tracer']);
    const g = math.jitCompile((x: Tensor) => (math.zeros(spatial({ x: 2 })).item() ? x : x));
    assert.throws(() => g(math.tensor(1)), (e: Error) => e instanceof TracerConversionError && /math\.zeros/.test(e.message) && /math\.wrap/.test(e.message));
  });

  it('auxiliary arguments are concrete, compared by value (AT6–AT8, AT22)', async () => {
    const fun = math.jitCompile(function fun(x: Tensor, y: Tensor) {
      console.log(`Tracing fun with x = ${x}, y = ${y}`);
      const z = math.sin(y.pow(2));
      return z.gt(1).all ? z.mul(x) : z.div(x);
    }, { auxiliaryArgs: 'y' });
    let r: Tensor | undefined;
    assert.deepStrictEqual(logs(() => { r = fun(math.tensor(1), math.wrap(2)); }), ['Tracing fun with x = () float32 onnx tracer, y = 2.0']);
    assert.strictEqual(String(r), '-0.7568025');
    assert.deepStrictEqual(math.traceCheck(fun, math.tensor(1), math.wrap(2)), [true, '']);
    assert.deepStrictEqual(math.traceCheck(fun, math.tensor(1), math.wrap(-1)), [false, 'Auxiliary arguments do not match']);

    let traced = 0;
    const f = math.jitCompile((x: Tensor, a: unknown) => { traced++; return x; }, { auxiliaryArgs: ['a'] });
    const xx = math.tensor(1);
    const seq: [unknown, number][] = [
      [math.wrap(2), 1], [math.wrap(2), 0], [math.tensor(2, { dtype: 'int32' }), 0], [math.wrap(3), 1],
      [vec({ x: 1, y: 2 }), 1], [vec({ u: 1, v: 2 }), 1], ['CG', 1], ['CG', 0], [NaN, 1], [NaN, 0],
      [[1, 2], 1], [[1, 2], 0], [{ a: 1 }, 1], [{ a: 1 }, 0], [{ a: 2 }, 1], [true, 1], [1, 1], [2, 1],
    ];
    const got = await warnings(() => seq.forEach(([a, expected], i) => {
      const before = traced;
      f(xx, a);
      assert.strictEqual(traced - before, expected, `call ${i} with aux ${String(a)}`);
    }));
    assert.strictEqual(got.length, 1, 'warned once, at the 10th trace, not at the 11th and 12th');
    assert.match(got[0], /auxiliary argument 'a' changed value: \{ a: 2 \} → true/);
  });

  it('auxiliaryArgs parsing and unknown names (AT21)', () => {
    const f = (x: Tensor, a: number, b: number) => x;
    assert.deepStrictEqual(math.jitCompile(f, { auxiliaryArgs: ' a ,, b,' }).auxiliaryArgs, ['a', 'b']);
    assert.deepStrictEqual(math.jitCompile(f, { auxiliaryArgs: ['b'] }).auxiliaryArgs, ['b']);
    assert.throws(() => math.jitCompile(f, { auxiliaryArgs: 'zzz' }), /auxiliaryArgs names 'zzz', which is not a parameter of f \(parameters: x, a, b\)/);
    assert.throws(() => math.jitCompile(f, { auxiliaryArgs: 42 as any }), JitError);
  });

  it('traceCheck reasons (AT9–AT17)', () => {
    const g9 = math.jitCompile(function g9(x: Tensor) { return x; });
    assert.deepStrictEqual(math.traceCheck(g9, math.tensor(1)), [false, 'Function has not yet been traced']);
    assert.throws(() => math.traceCheck(g9), /Please pass the hypothetical function arguments to traceCheck\(\)/);
    assert.throws(() => math.traceCheck(function plain(x: Tensor) { return x; }, math.tensor(1)), TypeError);

    const f13 = math.jitCompile(function f(x: Tensor, fac = 1) { return x.mul(fac); });
    const xa = T(spatial({ x: 4 }));
    f13(xa);
    assert.deepStrictEqual(math.traceCheck(f13, xa, 2), [false, "Different primary arguments passed: {'x'} vs {'fac', 'x'}"]);

    const f14 = math.jitCompile(function f(x: Tensor, method: string) { console.log('  tracing with method', method); return x.mul(2); });
    assert.deepStrictEqual(logs(() => f14(T(spatial({ x: 2 })), 'CG')), ['  tracing with method CG']);
    assert.deepStrictEqual(math.traceCheck(f14, T(spatial({ x: 2 })), 'GD'), [false, "Primary argument 'method' differs in non-traced variables: 'CG' vs 'GD'"]);
    assert.deepStrictEqual(logs(() => f14(T(spatial({ x: 2 })), 'GD')), ['  tracing with method GD']);
    assert.strictEqual(f14.traces.length, 2);

    const f15 = math.jitCompile(function f(xs: unknown) { return (xs as Tensor[])[0]; });
    const a2 = T(spatial({ x: 2 }));
    f15([a2, a2]);
    assert.deepStrictEqual(math.traceCheck(f15, [a2, a2, a2]), [false, "Primary argument 'xs' differs in non-traced variables: [Tensor, Tensor] vs [Tensor, Tensor, Tensor]"]);
    assert.deepStrictEqual(math.traceCheck(f15, { a: a2 }), [false, "Primary argument 'xs' differs in non-traced variables: [Tensor, Tensor] vs {a: Tensor}"]);

    assert.deepStrictEqual(math.traceCheck(f13, 3), [false, "Primary argument 'x' differs in non-traced variables: Tensor vs number"]);

    const f17 = math.jitCompile((x: Tensor, y: Tensor) => x.add(y));
    const a = T(spatial({ x: 2, y: 3 })), b = T(channel({ vector: 'x,y' }));
    f17(a, b);
    assert.deepStrictEqual(math.traceCheck(f17, a, b), [true, '']);
    assert.deepStrictEqual(math.traceCheck(f17, T(spatial({ x: 2, y: 3 })), T(channel({ vector: 'x,y' }))), [true, '']);
    const differ: [Tensor, Tensor][] = [
      [T(spatial({ x: 5, y: 3 })), b], [T(spatial({ x: 2, z: 3 })), b], [T(spatial({ x: 2 }), instance({ y: 3 })), b],
      [a, T(channel({ vector: 'u,v' }))], [a, T(channel({ vector: 2 }))], [T(spatial({ y: 3, x: 2 })), b],
      [T(batch({ b: 2 }), spatial({ x: 2, y: 3 })), b],
    ];
    for (const [p, q] of differ) assert.deepStrictEqual(math.traceCheck(f17, p, q), [false, 'Traced variables differ in shape'], `${p.shape} ${q.shape}`);
  });

  it('traceCheck agrees with calls for constant tensors (ΦML quirk Q1 fixed) and checks every stored trace (Q2 fixed)', () => {
    const f = math.jitCompile((x: Tensor) => x.mul(2));
    const ones = math.ones(spatial({ x: 4 }));
    f(ones);
    assert.deepStrictEqual(math.traceCheck(f, ones), [true, '']);
    const g = math.jitCompile((x: Tensor, n: number) => x.mul(n), { auxiliaryArgs: 'n' });
    g(T(spatial({ x: 2 })), 1);
    g(T(spatial({ x: 3 })), 2);
    // aux 2 exists in a stored trace, so the difference is the shape, not the aux value
    assert.deepStrictEqual(math.traceCheck(g, T(spatial({ x: 2 })), 2), [false, 'Traced variables differ in shape']);
    assert.deepStrictEqual(math.traceCheck(g, T(spatial({ x: 3 })), 2), [true, '']);
  });

  it('JS numbers in non-auxiliary positions are traced: new values do not retrace (AT20)', () => {
    let traced = 0;
    const scalarMul = math.jitCompile((x: Tensor, fac = 1) => { traced++; return x.mul(fac); });
    const x = math.ones(spatial({ x: 4 }));
    assert.strictEqual(String(scalarMul(x, 1)), '(1.000, 1.000, 1.000, 1.000) along xˢ');
    assert.strictEqual(String(scalarMul(x, 2)), '(2.000, 2.000, 2.000, 2.000) along xˢ');
    assert.strictEqual(String(scalarMul(math.zeros(spatial({ x: 4 })), 2)), '(0.000, 0.000, 0.000, 0.000) along xˢ');
    assert.strictEqual(traced, 1);
    assert.strictEqual(String(scalarMul(math.zeros(spatial({ y: 4 })), 2)), '(0.000, 0.000, 0.000, 0.000) along yˢ');
    assert.strictEqual(traced, 2);
    // an omitted default parameter is a different signature (and its default is baked in)
    assert.strictEqual(String(scalarMul(x)), '(1.000, 1.000, 1.000, 1.000) along xˢ');
    assert.strictEqual(traced, 3);
  });

  it('aux omitted vs passed with its default value are two traces (AT23)', () => {
    const f = math.jitCompile((x: Tensor, a = 1) => x.mul(a), { auxiliaryArgs: 'a' });
    f(math.tensor(1));
    f(math.tensor(1), 1);
    assert.strictEqual(f.traces.length, 2);
  });

  it('forgetTraces keeps only the newest trace (AT24) and fun.forgetTraces() drops all', () => {
    const f = math.jitCompile((x: Tensor) => { console.log(`  tracing f24 ${x.shape}`); return x; }, { forgetTraces: true });
    assert.deepStrictEqual(logs(() => { f(T(spatial({ x: 2 }))); f(T(spatial({ x: 3 }))); f(T(spatial({ x: 2 }))); }),
      ['  tracing f24 (xˢ=2)', '  tracing f24 (xˢ=3)', '  tracing f24 (xˢ=2)']);
    assert.strictEqual(f.traces.length, 1);
    assert.strictEqual(f.forgetTracesOption, true);
    f.forgetTraces();
    assert.strictEqual(f.traces.length, 0);
  });

  it('warns when a function has been traced 10 times, naming the reason (AT25)', async () => {
    const f25 = math.jitCompile(function f25(x: Tensor) { return x; });
    const got = await warnings(() => { for (let n = 1; n <= 10; n++) f25(T(spatial({ x: n }))); });
    assert.strictEqual(got.length, 1);
    assert.match(got[0], /the jit function 'f25' was traced 10 times/);
    assert.match(got[0], /Tracing reason: Traced variables differ in shape/);
  });

  it("math.use('js') runs jit functions eagerly with a one-time warning (AT26)", async () => {
    let runs = 0;
    const f = math.jitCompile(function f(x: Tensor) { runs++; return x.mul(2); });
    math.use('js');
    try {
      let r: Tensor | undefined;
      const got = await warnings(() => { f(math.tensor(1)); r = f(math.tensor(1)); });
      assert.strictEqual(runs, 2);
      assert.strictEqual(String(r), '2.0');
      assert.strictEqual(f.traces.length, 0);
      assert.deepStrictEqual(got, ["jitCompile() not supported by the 'js' backend. Running function 'f' as-is."]);
    } finally {
      math.use('onnx');
    }
    assert.throws(() => math.use('jax' as any), JitError);
  });

  it('a jit function called while another is traced is inlined, and its trace is stored (AT28)', () => {
    const LOG: string[] = [];
    const inner = math.jitCompile(function inner(x: Tensor) { LOG.push('inner'); return x.add(1); });
    const outer = math.jitCompile(function outer(x: Tensor) { LOG.push('outer'); return inner(x).mul(2); });
    const xv = T(spatial({ x: 3 }));
    const r1 = outer(xv);
    outer(xv);
    const r2 = inner(xv);
    assert.deepStrictEqual(LOG, ['outer', 'inner']);
    assert.strictEqual(inner.traces.length, 1);
    assert.strictEqual(outer.traces.length, 1);
    assert.deepStrictEqual(Array.from(r1.data as Float32Array), Array.from(r2.data as Float32Array).map((v) => Math.fround(v * 2)));
    assert.ok(!/inner/.test(outer.traces[0].graph) && /add/.test(outer.traces[0].graph), 'the inner graph is inlined into the outer one');
  });

  it('a nested jit function that captures an outer tracer runs inline', () => {
    const outer = math.jitCompile((x: Tensor) => {
      const inner = math.jitCompile((y: Tensor) => y.add(x));
      return inner(math.wrap(1));
    });
    assert.strictEqual(String(outer(math.tensor(2))), '3.0');
  });

  it('class instances are argument trees: tensor fields traced, others by value (AT30)', () => {
    class Particles { constructor(public pos: Tensor, public name: string) {} }
    const step = math.jitCompile((p: Particles, dt: number) => { console.log(`  tracing step ${p.name}`); return new Particles(p.pos.add(dt), p.name); });
    let r: Particles | undefined;
    assert.deepStrictEqual(logs(() => { r = step(new Particles(T(instance({ points: 3 })), 'a'), 0.1); }), ['  tracing step a']);
    assert.ok(r instanceof Particles);
    assert.strictEqual(r!.name, 'a');
    assert.deepStrictEqual(logs(() => step(new Particles(T(instance({ points: 3 })), 'a'), 0.2)), []);
    assert.deepStrictEqual(logs(() => step(new Particles(T(instance({ points: 3 })), 'b'), 0.2)), ['  tracing step b']);
    assert.strictEqual(step.traces.length, 2);
  });

  it('is idempotent for the same options and prints as jit(name) (AT31)', () => {
    const f22 = math.jitCompile(function f22(x: Tensor, a: number) { return x; }, { auxiliaryArgs: 'a' });
    assert.strictEqual(math.jitCompile(f22, { auxiliaryArgs: 'a' }), f22);
    assert.notStrictEqual(math.jitCompile(f22), f22);
    assert.strictEqual(String(f22), 'jit(f22)');
    assert.strictEqual(f22.name, 'f22');
  });

  it('a bool auxiliary argument selects the branch (AT33)', () => {
    let traced = 0;
    const fn = math.jitCompile((x: Tensor, y: number, divideByY = false) => { traced++; return divideByY ? x.pow(2).div(y) : x.pow(2).mul(y); }, { auxiliaryArgs: 'divideByY' });
    assert.strictEqual(String(fn(math.tensor(2), 2, false)), '8.0');
    assert.strictEqual(String(fn(math.tensor(2), 3, false)), '12.0');
    assert.strictEqual(String(fn(math.tensor(2), 2, true)), '2.0');
    assert.strictEqual(traced, 2);
  });

  it('returns output trees: arrays, objects, constants and non-tensor leaves (AT35)', () => {
    const f = math.jitCompile((x: Tensor) => [x, { a: x.mul(2), b: null, c: math.wrap(5) }, 'label'] as const);
    const r = f(math.tensor([1, 2])) as any;
    assert.ok(Array.isArray(r));
    assert.strictEqual(String(r[1].a), '(2.000, 4.000)');
    assert.strictEqual(r[1].b, null);
    assert.strictEqual(String(r[1].c), '5.0');
    assert.strictEqual(r[2], 'label');
  });

  it('refuses bad calls clearly (AT36)', () => {
    const g = math.jitCompile(function g(x: Tensor) { return x; });
    assert.throws(() => (g as any)(math.tensor(1), math.tensor(2)), /g takes 1 parameter \(x\) but was called with 2 arguments/);
    const rest = math.jitCompile((x: Tensor, ...more: Tensor[]) => more.reduce((a, b) => a.add(b), x));
    assert.strictEqual(String(rest(math.tensor(1), math.tensor(2), math.tensor(3))), '6.0');
    assert.strictEqual(rest.traces.length, 1);
    rest(math.tensor(1), math.tensor(2));
    assert.strictEqual(rest.traces.length, 2);
    assert.throws(() => math.jitCompile(async (x: Tensor) => x), /async/);
    assert.throws(() => math.jitCompile(((x: Tensor) => Promise.resolve(x)) as any)(math.tensor(1)), /returned a Promise/);
    assert.throws(() => math.jitCompile((x: any) => x)(new Float32Array(2) as any), /raw Float32Array/);
  });

  it('a function with transformer errors loads, and throws the errors when called', () => {
    const meta = { params: ['x'], version: 'test', errors: ['demo.ts(3,5): error TS93003: a loop on a traced value'] };
    const f = math.jitCompile(async function broken(x: Tensor) { return x; } as any, { auxiliaryArgs: 'nope', meta });
    assert.throws(() => f(math.tensor(1)), (e: Error) => e instanceof JitError && /broken was not compiled/.test(e.message) && /TS93003/.test(e.message));
  });

  it('tracers refuse to become JS values, naming the function and argument (AT29)', () => {
    const uses: [string, (t: Tensor) => unknown][] = [
      ['.all', (t) => t.all], ['.any', (t) => t.any], ['.item()', (t) => t.item()], ['.data', (t) => t.data],
      ['Number(t)', (t) => Number(t)], ['t > 0', (t) => (t as any) > 0], ['.toArray()', (t) => t.toArray()],
    ];
    for (const [what, use] of uses) {
      const f = math.jitCompile(function relu(x: Tensor) { use(x.gt(0)); return x; });
      assert.throws(() => f(math.tensor(-2)), (e: Error) =>
        e instanceof TracerConversionError && /jit function 'relu'/.test(e.message) && /'x'/.test(e.message) && /math\.where/.test(e.message) && /auxiliaryArgs/.test(e.message), what);
      assert.strictEqual(f.traces.length, 0, `no cache entry after a failed trace (${what})`);
    }
    const ok = math.jitCompile((x: Tensor) => math.where(x.gt(0), x, x.neg()));
    assert.strictEqual(String(ok(math.tensor(-2))), '2.0');
  });

  it('a tracer that leaks out of its trace is refused when used', () => {
    let leaked: Tensor | undefined;
    const f = math.jitCompile((x: Tensor) => { leaked = x; return x; });
    f(math.tensor(1));
    assert.throws(() => leaked!.add(1), /after its trace ended/);
  });

  it('onnxruntime errors name the function, the op and the user line', () => {
    const f = math.jitCompile(function divider(x: Tensor, y: Tensor) { return math.mod(x, y); });
    const x = math.tensor([1, 2], spatial('x'), { dtype: 'int32' });
    assert.throws(() => f(x, x.mul(0)), (e: Error) => /jit function 'divider'/.test(e.message) && /op 'mod'/.test(e.message) && /cache\.test/.test(e.message));
  });
});

describe('jit: methods', () => {
  class Model {
    constructor(public w: Tensor, public label: string) {}
    traced = 0;
    @jit
    step(x: Tensor): Tensor { return this.w.mul(x); }
    @jit({ auxiliaryArgs: 'n' })
    run(x: Tensor, n: number): Tensor {
      let y = x;
      for (let i = 0; i < n; i++) y = this.step(y);
      return y;
    }
  }

  it('@jit methods count `this` as an argument', () => {
    const m = new Model(math.tensor([2, 3], spatial('x')), 'a');
    assert.strictEqual(String(m.step(math.tensor([1, 1], spatial('x')))), '(2.000, 3.000) along xˢ');
    assert.strictEqual(String(m.run(math.tensor([1, 1], spatial('x')), 3)), '(8.000, 27.000) along xˢ');
    const m2 = new Model(math.tensor([4, 5], spatial('x')), 'a');
    assert.strictEqual(String(m2.step(math.tensor([1, 1], spatial('x')))), '(4.000, 5.000) along xˢ');
    assert.strictEqual((Model.prototype.step as any).traces.length, 1, 'same field shapes: no retrace');
    assert.deepStrictEqual(math.traceCheck(m.step, new Model(math.tensor([1, 1], spatial('x')), 'b'), math.tensor([1, 1], spatial('x'))),
      [false, "Primary argument 'this' differs in non-traced variables: Model{label: 'a', traced: number, w: Tensor} vs Model{label: 'b', traced: number, w: Tensor}"]);
  });

  it('works as a legacy (experimentalDecorators) decorator', () => {
    class Legacy { k = math.tensor(3); twice(x: Tensor) { return x.mul(this.k).mul(2); } }
    const d = Object.getOwnPropertyDescriptor(Legacy.prototype, 'twice')!;
    Object.defineProperty(Legacy.prototype, 'twice', (jit as any)(Legacy.prototype, 'twice', d));
    assert.strictEqual(String(new Legacy().twice(math.tensor(1))), '6.0');
    assert.ok((Legacy.prototype.twice as any).traces.length === 1);
  });
});

describe('jit: resources, export, async, devices', () => {
  it('releases sessions on forgetTraces and keeps no session for failed traces', () => {
    const before = liveSessionCount();
    const f = math.jitCompile((x: Tensor) => x.add(1));
    f(T(spatial({ x: 2 })));
    f(T(spatial({ x: 3 })));
    assert.strictEqual(liveSessionCount(), before + 2);
    f.forgetTraces();
    assert.strictEqual(liveSessionCount(), before);
    const bad = math.jitCompile((x: Tensor) => { if (x.gt(0).any) return x; return x; });
    assert.throws(() => bad(math.tensor(1)));
    assert.strictEqual(liveSessionCount(), before);
  });

  it('bounds the number of live sessions (LRU)', () => {
    const prev = process.env.TENSORJIT_MAX_SESSIONS;
    process.env.TENSORJIT_MAX_SESSIONS = '3';
    try {
      const f = math.jitCompile((x: Tensor) => x.add(1));
      const base = liveSessionCount();
      for (let n = 1; n <= 6; n++) f(T(spatial({ x: n })));
      assert.ok(liveSessionCount() <= Math.max(3, base), `live sessions ${liveSessionCount()}`);
      assert.strictEqual(String(f(math.ones(spatial({ x: 1 })))), '(2.000) along xˢ', 'an evicted trace reloads its session');
      f.forgetTraces();
    } finally {
      if (prev === undefined) delete process.env.TENSORJIT_MAX_SESSIONS; else process.env.TENSORJIT_MAX_SESSIONS = prev;
    }
  });

  it('exportOnnx writes a model that onnxruntime runs by itself', async () => {
    const ort = require('onnxruntime-node');
    const f = math.jitCompile(function blend(x: Tensor, w: Tensor) { return { y: math.dot(x, 'i', w, 'i').tanh(), n: x.sum() }; });
    const x = T(batch({ b: 2 }), channel({ i: 3 })), w = T(channel({ i: 3, o: 2 }));
    const file = path.join(os.tmpdir(), `tensorjit-export-${process.pid}.onnx`);
    const io = f.exportOnnx(file, x, w);
    assert.deepStrictEqual(io, { inputs: ['x', 'w'], outputs: ['output_y', 'output_n'] });
    const session = await ort.InferenceSession.create(fs.readFileSync(file));
    const out = await session.run({ x: new ort.Tensor('float32', x.data, [2, 3]), w: new ort.Tensor('float32', w.data, [3, 2]) });
    const expected = f(x, w) as { y: Tensor };
    assert.deepStrictEqual(Array.from(out.output_y.data as Float32Array), Array.from(expected.y.data as Float32Array));
    await session.release();
    fs.unlinkSync(file);
  });

  it('fun.async runs in a worker thread: same results, the event loop stays free', async () => {
    const f = math.jitCompile((x: Tensor, w: Tensor) => math.dot(x, 'k', w, 'k').tanh().sum());
    const x = T(spatial({ i: 64, k: 64 })), w = T(spatial({ k: 64, j: 64 }));
    let ranMeanwhile = false;
    const pending = f.async(x, w);
    setImmediate(() => { ranMeanwhile = true; });
    const r = await pending;
    assert.ok(ranMeanwhile, 'a setImmediate callback ran before the result arrived');
    assert.deepStrictEqual(Array.from(r.data as Float32Array), Array.from(f(x, w).data as Float32Array));
    const many = await Promise.all([1, 2, 3].map((n) => f.async(x.mul(n), w)));
    assert.strictEqual(many.length, 3);
    await assert.rejects((f.async as any)(x) as Promise<unknown>, /not a parameter|parameter|undefined|Cannot/i);
    await assert.rejects((f.async as any)(x, w, x) as Promise<unknown>, JitError);
    const bad = math.jitCompile((p: Tensor, q: Tensor) => math.mod(p, q));
    const i = math.tensor([1, 2], spatial('x'), { dtype: 'int32' });
    await assert.rejects(bad.async(i, i.mul(0)), /op 'mod'/);
    f.forgetTraces();
    bad.forgetTraces();
  });

  it("'cuda' without the CUDA provider fails clearly; 'auto' falls back to the CPU", function () {
    if (process.env.TENSORJIT_DEVICE) this.skip();
    const f = math.jitCompile((x: Tensor) => x.mul(2));
    try {
      math.setDevice('cuda');
      let err: Error | undefined;
      try { f(math.tensor(1)); } catch (e) { err = e as Error; }
      if (err) {
        assert.ok(err instanceof DeviceError, String(err));
        assert.match(err.message, /libonnxruntime_providers_cuda\.so|could not be loaded|CUDA/);
        assert.match(err.message, /docs\/cuda\.md/);
        assert.strictEqual(f.traces.length, 1, 'the trace is kept; only the session failed');
      } else {
        assert.strictEqual(math.getDevice().resolved, 'cuda'); // a machine with CUDA
      }
      math.setDevice('auto');
      assert.strictEqual(String(f(math.tensor(1))), '2.0');
      assert.ok(math.getDevice().resolved === 'cpu' || math.getDevice().resolved === 'cuda');
      assert.throws(() => math.setDevice('tpu' as any), DeviceError);
    } finally {
      math.setDevice('cpu');
    }
  });
});
