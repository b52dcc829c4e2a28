/**
 * jit functions: bad options and arguments are refused with the argument named, failed traces
 * leave nothing behind, sessions are bounded (main thread and worker alike) and released when a
 * jit function is garbage-collected, returned constants are not shared between calls, and the
 * retrace warning comes once, saying what changed.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { math, jit, Tensor, spatial, channel, JitError } from 'tensorjit';
import { liveSessionCount, workerSessionCount, pooledCount } from 'tensorjit/internal';
import { throwsWith, warnings } from '../helpers';

/** Runs a script in a fresh `node --expose-gc` with the built runtime; returns its last stdout line as JSON. */
function child(script: string, env: Record<string, string> = {}): any {
  const runtime = path.dirname(require.resolve('tensorjit'));
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', `const RT = ${JSON.stringify(runtime)};\n${script}`], {
    env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000,
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const i32 = (v: number[]) => math.tensor(v, spatial('x'), { dtype: 'int32' });

describe('jit: options and arguments are checked', () => {
  const f = (x: Tensor, n: number) => x.mul(n);
  it('options as a string, unknown option names and wrong option types are JitErrors', () => {
    throwsWith(() => math.jitCompile(f, 'n' as any), 'JitError', 'options must be an object', 'the string "n"', "{ auxiliaryArgs: \"n\" }");
    throwsWith(() => math.jitCompile(f, { auxArgs: 'n' } as any), 'JitError', "unknown option 'auxArgs'", "'auxiliaryArgs'");
    throwsWith(() => math.jitCompile(f, { forgetTrace: true } as any), 'JitError', "Did you mean 'forgetTraces'?");
    throwsWith(() => math.jitCompile(f, { forgetTraces: 'yes' } as any), 'JitError', 'forgetTraces must be true or false');
    throwsWith(() => math.jitCompile(f, { name: 3 } as any), 'JitError', 'name must be a string');
    throwsWith(() => math.jitCompile(f, null as any), 'JitError', 'null');
    throwsWith(() => jit(f, 5 as any), 'JitError', 'the number 5');
    throwsWith(() => (jit as any)({ auxiliary: 'n' }), 'JitError', '@jit(options)', "'auxiliary'");
    // the documented names still work
    assert.deepStrictEqual(math.jitCompile(f, { auxiliaryArgs: 'n', forgetTraces: true, name: 'g', transformed: false }).auxiliaryArgs, ['n']);
  });
  it('a string (or boolean, null, missing) argument that the body computes with names the argument', () => {
    const g = math.jitCompile(function scale(x: Tensor, k: Tensor) { return x.mul(k); });
    const e = throwsWith(() => g(math.tensor(1), 'abc' as any), 'JitError', 'scale', "argument 'k' is the string \"abc\"", 'math.tensor', 'auxiliaryArgs');
    assert.ok((e as { cause?: unknown }).cause instanceof Error, 'the original error is kept as the cause');
    const e2 = throwsWith(() => g('abc' as any, math.tensor(1)), 'JitError', "argument 'x' is the string", 'TypeError');
    assert.ok((e2 as { cause?: unknown }).cause instanceof TypeError);
    throwsWith(() => g(null as any, math.tensor(1)), 'JitError', "argument 'x' is null");
    throwsWith(() => (g as any)(math.tensor(1)), 'JitError', "argument 'k' was not passed");
    assert.strictEqual(g.traces.length, 0, 'failed traces are not stored');
    // a string the body uses as a JS value stays legal
    const h = math.jitCompile((x: Tensor, mode: string) => (mode === 'double' ? x.mul(2) : x));
    assert.strictEqual(String(h(math.tensor(3), 'double')), '6.0');
    // an unrelated TypeError is passed through as it is
    const bad = math.jitCompile((x: Tensor) => (x as any).nope());
    assert.throws(() => bad(math.tensor(1)), (err: Error) => err instanceof TypeError);
  });
  it('exportOnnx to a missing directory, to a directory, or without a path', () => {
    const g = math.jitCompile(function g(x: Tensor) { return x.mul(2); });
    const x = math.tensor([1, 2], spatial('x'));
    const missing = path.join(os.tmpdir(), `tensorjit-no-such-dir-${process.pid}`, 'm.onnx');
    throwsWith(() => g.exportOnnx(missing, x), 'JitError', 'g.exportOnnx', 'does not exist', 'mkdirSync');
    throwsWith(() => g.exportOnnx(os.tmpdir(), x), 'JitError', 'is a directory', 'g.onnx');
    throwsWith(() => (g.exportOnnx as any)(x), 'JitError', 'give the file path first', 'a Tensor');
    throwsWith(() => g.exportOnnx('', x), 'JitError', 'give the file path first');
    assert.strictEqual(g.traces.length, 0, 'a bad path is refused before tracing');
    const file = path.join(os.tmpdir(), `tensorjit-ok-${process.pid}.onnx`);
    g.exportOnnx(file, x);
    assert.ok(fs.statSync(file).size > 0);
    fs.unlinkSync(file);
    g.forgetTraces();
  });
});

describe('jit: a model that cannot load leaves nothing behind', () => {
  it('an int mod by a constant 0: CompiledRunError naming the op; no trace, no session', () => {
    const before = liveSessionCount(), pooled = pooledCount();
    const zero = math.jitCompile(function modZero(a: Tensor) { return math.mod(a, math.tensor(0, { dtype: 'int32' })); });
    for (let k = 0; k < 2; k++) {
      throwsWith(() => zero(i32([1, 2])), 'CompiledRunError', "jit function 'modZero'", "op 'mod'", 'divisor is 0');
      assert.strictEqual(zero.traces.length, 0, 'no cache entry');
      assert.strictEqual(liveSessionCount(), before, 'no session');
      assert.strictEqual(pooledCount(), pooled);
    }
  });
  it('with forgetTraces, a failing new trace keeps the previous one', () => {
    const g = math.jitCompile((a: Tensor, b: Tensor) => math.mod(a, b), { forgetTraces: true });
    assert.strictEqual(String(g(i32([5, 7]), i32([3, 4]))), '(2, 3) along xˢ');
    const h = math.jitCompile((a: Tensor) => math.mod(a, math.tensor(0, { dtype: 'int32' })), { forgetTraces: true });
    assert.throws(() => h(i32([1])));
    assert.strictEqual(g.traces.length, 1);
    g.forgetTraces();
  });
  it('fun.async: the same failure rejects and stores nothing', async () => {
    const zero = math.jitCompile((a: Tensor) => math.mod(a, math.tensor(0, { dtype: 'int32' })));
    await assert.rejects(zero.async(i32([1, 2])), /could not load|op 'mod'/);
    assert.strictEqual(zero.traces.length, 0);
    assert.strictEqual(workerSessionCount(), 0);
  });
});

describe('jit: sessions are bounded and released', () => {
  it('fun.async worker sessions share the LRU limit with main-thread sessions', async () => {
    const prev = process.env.TENSORJIT_MAX_SESSIONS;
    process.env.TENSORJIT_MAX_SESSIONS = '4';
    try {
      const f = math.jitCompile((x: Tensor) => x.add(1));
      await warnings(async () => {
        for (let n = 1; n <= 12; n++) {
          const r = await f.async(math.ones(spatial({ x: n })));
          assert.strictEqual((r as Tensor).shape.size('x'), n);
        }
        for (let n = 1; n <= 6; n++) f(math.ones(spatial({ x: n })));
      });
      assert.ok(workerSessionCount() + liveSessionCount() <= 4, `worker ${workerSessionCount()}, main ${liveSessionCount()}`);
      assert.ok(pooledCount() <= 4);
      // an evicted worker session is loaded again when called
      const again = await f.async(math.ones(spatial({ x: 1 })));
      assert.strictEqual(String(again), '(2.000) along xˢ');
      f.forgetTraces();
      assert.strictEqual(workerSessionCount(), 0);
    } finally {
      if (prev === undefined) delete process.env.TENSORJIT_MAX_SESSIONS; else process.env.TENSORJIT_MAX_SESSIONS = prev;
    }
  });

  it('sessions of garbage-collected jit functions are released (node --expose-gc)', function () {
    this.timeout(60000);
    const r = child(`
      const { math, spatial } = require(RT + '/index.js');
      const internal = require(RT + '/internal.js');
      const base = internal.liveSessionCount();
      (function () {
        for (let i = 0; i < 20; i++) {
          const f = math.jitCompile((x) => x.mul(i + 1));
          f(math.ones(spatial({ x: 3 })));
        }
      })();
      let keep = math.jitCompile((x) => x.add(1));
      keep(math.ones(spatial({ x: 2 })));
      const created = internal.liveSessionCount() - base;
      (async () => {
        for (let k = 0; k < 20 && internal.liveSessionCount() - base > 1; k++) { global.gc(); await new Promise((r) => setTimeout(r, 10)); }
        const alive = internal.liveSessionCount() - base;
        console.log(JSON.stringify({ created, alive, kept: String(keep(math.ones(spatial({ x: 2 })))) }));
        process.exit(0);
      })();`);
    assert.strictEqual(r.created, 21);
    assert.strictEqual(r.alive, 1, 'only the function still referenced keeps its session');
    assert.strictEqual(r.kept, '(2.000, 2.000) along xˢ');
  });

  it('a decorated method keeps its sessions while its class is alive', function () {
    this.timeout(60000);
    const r = child(`
      const { math, spatial, jit } = require(RT + '/index.js');
      const internal = require(RT + '/internal.js');
      class M { step(x) { return x.mul(2); } }
      const d = Object.getOwnPropertyDescriptor(M.prototype, 'step');
      Object.defineProperty(M.prototype, 'step', jit(M.prototype, 'step', d));
      new M().step(math.ones(spatial({ x: 2 })));
      (async () => {
        for (let k = 0; k < 5; k++) { global.gc(); await new Promise((r) => setTimeout(r, 10)); }
        console.log(JSON.stringify({ alive: internal.liveSessionCount(), again: String(new M().step(math.ones(spatial({ x: 2 })))) }));
        process.exit(0);
      })();`);
    assert.strictEqual(r.alive, 1);
    assert.strictEqual(r.again, '(2.000, 2.000) along xˢ');
  });

  it('TENSORJIT_DEVICE with an unknown value is a ConfigError at the first compiled call, not at import', function () {
    this.timeout(60000);
    const r = child(`
      const { math } = require(RT + '/index.js');
      let err;
      try { math.jitCompile((x) => x.mul(2))(math.tensor(1)); } catch (e) { err = e; }
      console.log(JSON.stringify({ name: err && err.name, message: err && err.message }));`, { TENSORJIT_DEVICE: 'gpu' });
    assert.strictEqual(r.name, 'ConfigError');
    assert.match(r.message, /TENSORJIT_DEVICE="gpu"/);
    assert.match(r.message, /cpu, cuda, cuda:N/);
  });
});

describe('jit: returned values are not shared between calls', () => {
  it('a returned constant is a fresh tensor on every call: mutating one result does not change the next', () => {
    const c = math.wrap([1, 2], spatial('x'));
    const f = math.jitCompile((x: Tensor) => [x.mul(2), math.tensor([7, 8], spatial('y')), c, { k: math.wrap(5) }] as const);
    const x = math.tensor(1);
    const r1 = f(x);
    (r1[1].data as Float32Array)[0] = 42;
    (r1[2].data as Float32Array)[0] = 42;
    (r1[3].k.data as Float32Array)[0] = 42;
    const r2 = f(x);
    assert.deepStrictEqual(Array.from(r2[1].data as Float32Array), [7, 8]);
    assert.deepStrictEqual(Array.from(r2[2].data as Float32Array), [1, 2]);
    assert.strictEqual(r2[3].k.item(), 5);
    assert.deepStrictEqual(Array.from(c.data as Float32Array), [1, 2], 'the captured tensor itself is untouched');
    assert.notStrictEqual(r1[1], r2[1]);
    f.forgetTraces();
  });
  it('a returned input or output is not the caller\'s buffer', () => {
    const id = math.jitCompile((x: Tensor) => [x, x.mul(1)]);
    const x = math.tensor([1, 2], spatial('x'));
    const [a, b] = id(x) as Tensor[];
    assert.notStrictEqual(a.data, x.data);
    (a.data as Float32Array)[0] = 9;
    (b.data as Float32Array)[1] = 9;
    assert.deepStrictEqual(Array.from(x.data as Float32Array), [1, 2]);
    assert.deepStrictEqual(Array.from((id(x) as Tensor[])[0].data as Float32Array), [1, 2]);
    id.forgetTraces();
  });
});

describe('jit: the retrace warning', () => {
  it('comes once per function, at the 10th trace, naming the argument and what changed', async () => {
    const f = math.jitCompile(function grow(x: Tensor, y: Tensor) { return x.add(y); });
    const y = math.tensor(1);
    const got = await warnings(() => { for (let n = 1; n <= 25; n++) f(math.ones(spatial({ x: n })), y); });
    assert.strictEqual(got.length, 1, got.join('\n---\n'));
    assert.match(got[0], /the jit function 'grow' was traced 10 times/);
    assert.match(got[0], /argument 'x' changed shape: \(xˢ=9\) → \(xˢ=10\)/);
    assert.doesNotMatch(got[0], /argument 'y'/);
    // forgetting the traces does not bring the warning back
    f.forgetTraces();
    const more = await warnings(() => { for (let n = 1; n <= 12; n++) f(math.ones(spatial({ x: n })), y); });
    assert.strictEqual(more.length, 0);
    f.forgetTraces();
  });
  it('names dtype changes, paths inside trees, structure changes and auxiliary values', async () => {
    const g = math.jitCompile(function tree(s: { pos: Tensor; label: string }) { return s.pos.mul(2); });
    const got = await warnings(() => {
      for (let n = 1; n <= 9; n++) g({ pos: math.ones(spatial({ x: n })), label: 'a' });
      g({ pos: math.ones(spatial({ x: 9 }), { dtype: 'float64' }), label: 'a' });
    });
    assert.strictEqual(got.length, 1);
    assert.match(got[0], /argument 's' \(s\.pos\) changed dtype: float32 → float64/);
    g.forgetTraces();
    const h = math.jitCompile(function aux(x: Tensor, k: number) { return x.mul(k); }, { auxiliaryArgs: 'k' });
    const gotAux = await warnings(() => { for (let k = 1; k <= 10; k++) h(math.tensor(1), k); });
    assert.match(gotAux[0], /auxiliary argument 'k' changed value: 9 → 10/);
    h.forgetTraces();
    const s = math.jitCompile(function shape(x: unknown) { return x; });
    const gotTree = await warnings(() => {
      for (let n = 1; n <= 9; n++) s(math.ones(spatial({ x: n })));
      s([math.tensor(1), math.tensor(2)]);
    });
    assert.match(gotTree[0], /argument 'x' changed structure: Tensor → \[Tensor, Tensor\]/);
    s.forgetTraces();
  });
});
