/**
 * Runnable fixtures: every fixture that exports `cases` ({ fnName: [args, …] }) is compiled with the
 * transformer, loaded, and each jit function is checked against `<fnName>Reference` (the same
 * computation written with math.where by hand, run eagerly) in two ways: compiled (traced to ONNX
 * and run by onnxruntime) and eagerly through the converted body (`fn.f`, concrete tensors: the
 * run-time dispatch takes the all-true / all-false / mixed paths). Cases cover all-true, all-false
 * and mixed conditions and NaN in the untaken branch.
 */
import * as assert from 'assert';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Tensor, JitError, math, spatial } from 'tensorjit';
import { assertClose } from '../helpers';
import { groups, compileGroup, loadTs, ROOT } from './harness';

type Mod = Record<string, unknown>;

function assertSame(actual: unknown, expected: unknown, where: string): void {
  if (expected instanceof Tensor) {
    assert.ok(actual instanceof Tensor, `${where}: expected a tensor, got ${String(actual)}`);
    assertClose(actual, expected, 1e-5, 1e-6, where);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    assert.strictEqual(actual.length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertSame(actual[i], e, `${where}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    assert.ok(actual && typeof actual === 'object', `${where}: expected an object`);
    assert.deepStrictEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const k of Object.keys(expected)) assertSame((actual as Mod)[k], (expected as Mod)[k], `${where}.${k}`);
    return;
  }
  assert.strictEqual(actual, expected, where);
}

const loaded = new Map<string, Mod>();

async function load(file: string): Promise<Mod> {
  let m = loaded.get(file);
  if (m) return m;
  const g = groups().find((x) => x.cases.includes(file))!;
  const outDir = path.join(ROOT, 'dist', 'fixtures', g.name);
  compileGroup(loadTs('5.9'), g, { outDir, write: true });
  const out = path.join(outDir, path.basename(file).replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs'));
  m = file.endsWith('.mts') ? ((await import(pathToFileURL(out).href)) as Mod) : (require(out) as Mod);
  loaded.set(file, m);
  return m;
}

describe('transformer runnable fixtures (compiled and eager vs reference)', function () {
  this.timeout(120000);
  const runnable = groups().flatMap((g) => g.cases).filter((f) => {
    const text = require('fs').readFileSync(f, 'utf8') as string;
    return /^export const cases\b/m.test(text);
  });

  it('has runnable fixtures', () => assert.ok(runnable.length >= 25, `only ${runnable.length}`));

  for (const file of runnable) {
    const name = path.basename(file);
    it(name, async () => {
      const mod = await load(file);
      const cases = mod.cases as Record<string, unknown[][]>;
      assert.ok(cases && Object.keys(cases).length, 'no cases');
      for (const [fnName, argLists] of Object.entries(cases)) {
        const fn = mod[fnName] as ((...a: unknown[]) => unknown) & { f?: (...a: unknown[]) => unknown; traces?: unknown };
        const ref = mod[`${fnName}Reference`] as (...a: unknown[]) => unknown;
        assert.strictEqual(typeof fn, 'function', `${fnName} is not exported`);
        assert.strictEqual(typeof ref, 'function', `${fnName}Reference is not exported`);
        argLists.forEach((args, i) => {
          const expected = ref(...args);
          assertSame(fn(...args), expected, `${name} ${fnName} case ${i} compiled`);
          if (typeof fn.f === 'function') assertSame(fn.f(...args), expected, `${name} ${fnName} case ${i} eager`);
        });
      }
    });
  }

  it('a /** @jit */ function is usable before its declaration and is a real jit function', async () => {
    const mod = await load(path.join(ROOT, 'fixtures', 'cases', 'discovery_jsdoc_function.ts'));
    assert.strictEqual(mod.earlyName, 'relu');
    const relu = mod.relu as ((x: Tensor) => Tensor) & { traces: readonly unknown[] };
    const x = math.tensor([1, -1], spatial('x'));
    relu(x);
    assert.deepStrictEqual(math.traceCheck(relu, x), [true, '']);
    assert.ok(relu.traces.length >= 1);
  });

  it('a function with an error diagnostic throws it when called instead of running', async () => {
    const mod = await load(path.join(ROOT, 'fixtures', 'cases', 'errors_not_rewritten.ts'));
    assert.throws(() => (mod.broken as (x: Tensor) => Tensor)(mod.brokenInput as Tensor), (e: Error) => {
      assert.ok(e instanceof JitError, String(e));
      assert.match(e.message, /error TS93005: 'y' is assigned in the then branch/);
      assert.match(e.message, /errors_not_rewritten\.ts\(9,5\)/);
      return true;
    });
  });

  it('an `any` condition stays JS but a tensor there throws instead of counting as true', async () => {
    const mod = await load(path.join(ROOT, 'fixtures', 'cases', 'w93011_any_condition.ts'));
    const f = mod.f as (x: Tensor, o: unknown) => Tensor;
    const x = math.tensor([1, -2], spatial('x'));
    assertClose(f(x, { flip: true, scale: false }), math.tensor([-1, 2], spatial('x')));
    assert.throws(() => f(x, { flip: x.gt(0), scale: false }), (e: Error) => {
      assert.match(e.message, /its static type is any/);
      assert.match(e.message, /w93011_any_condition\.ts:8:3/);
      return true;
    });
  });

  it('a static tensor condition guarded by controlFlow.truth throws on a mixed mask', async () => {
    const mod = await load(path.join(ROOT, 'fixtures', 'cases', 'if_static_tensor.ts'));
    const countUp = mod.countUp as ((x: Tensor, l: Tensor) => Tensor) & { f: (x: Tensor, l: Tensor) => Tensor };
    const x = math.tensor([0, 1], spatial('x'));
    assert.throws(() => countUp.f(x, math.tensor([1, 5], spatial('x'))), /true for some elements and false for others.*it contains 'break'/s);
  });

  it('an ignored jump or one-sided variable throws while tracing instead of taking one branch', async () => {
    const mod = await load(path.join(ROOT, 'fixtures', 'cases', 'ignore_directive.ts'));
    const x = math.tensor([1, 2], spatial('x'));
    for (const name of ['firstBig', 'oneSided']) {
      const fn = mod[name] as ((x: Tensor) => Tensor) & { f: (x: Tensor) => Tensor };
      assert.throws(() => fn(x), (e: Error) => {
        assert.ok(e instanceof JitError, String(e));
        assert.match(e.message, /could not be converted to math\.where/);
        assert.match(e.message, /ignore_directive\.ts:\d+:\d+/);
        return true;
      }, name);
    }
    // concrete all-true / all-false conditions still run as JS (eagerly through the converted body)
    const firstBig = mod.firstBig as { f: (x: Tensor) => Tensor };
    assertClose(firstBig.f(math.tensor([1, 1], spatial('x'))), math.tensor([8, 8], spatial('x')));
    assertClose(firstBig.f(math.tensor([6, 6], spatial("x"))), math.tensor([6, 6], spatial("x")));
    const plain = mod.plain as (a: Tensor, b: Tensor, c: Tensor) => number;
    const yes = math.tensor([true, true], spatial('x'));
    const no = math.tensor([false, false], spatial('x'));
    assert.strictEqual(plain(no, yes, yes), 2, 'the ignored `if (a)` tests a concrete tensor by value');
    assert.throws(() => plain(math.tensor([true, false], spatial('x')), yes, yes), /true for some elements and false for others/);
  });

  it('a converted loop is one while equation whatever its trip count, and eager calls run it in JS', async () => {
    const mod = await load(path.join(ROOT, 'fixtures', 'cases', 'loop_while.ts'));
    const halve = mod.halveUntilSmall as ((x: Tensor) => Tensor) & { traces: readonly { graph: unknown; ops: number }[] };
    const before = halve.traces.length;
    const few = halve(math.tensor([3, 2], spatial('x')));
    const many = halve(math.tensor([3e6, 2], spatial('x')));
    assertClose(few, math.tensor([0.75, 0.5], spatial('x')));
    assertClose(many, math.tensor([3e6 / 2 ** 22, 2 / 2 ** 22], spatial('x')), 1e-5, 1e-9);
    assert.strictEqual(halve.traces.length, before + 1, 'one trace for both trip counts');
    const graph = String(halve.traces[before].graph);
    assert.strictEqual(graph.match(/= while\[/g)?.length, 1, graph);
    assert.strictEqual(graph.match(/ mul /g)?.length, 1, `the body is traced once:\n${graph}`);
  });

  it('ES module output runs under Node ESM', async () => {
    const mod = await load(path.join(ROOT, 'fixtures', 'cases', 'esm_module.mts'));
    assert.ok(String(mod.relu).includes('jit('), String(mod.relu));
  });
});
