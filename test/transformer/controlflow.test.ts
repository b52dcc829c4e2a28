/**
 * The run-time half of the conversion (runtime/src/controlflow.ts), called directly: dispatch on JS
 * values, concrete all-true / all-false / mixed tensors and traced tensors; merging of variables
 * and return values through arrays and objects; the errors that name the variable and the site.
 */
import * as assert from 'assert';
import { controlFlow as cf, math, spatial, Tensor, JitError } from 'tensorjit';
import { assertClose } from '../helpers';

const s = spatial('x');
const t = (v: number[]) => math.tensor(v, s);
const b = (v: boolean[]) => math.tensor(v, s);

/** Runs an if statement with one state variable through ifStmt; returns [result, thenRan, elseRan]. */
function runIf(cond: unknown, start: unknown, thenValue: unknown, elseValue: unknown): [unknown, boolean, boolean] {
  let y = start;
  let ranThen = false;
  let ranElse = false;
  cf.ifStmt(cond, () => { ranThen = true; y = thenValue; }, () => { ranElse = true; y = elseValue; }, 'f.ts:1:1', ['y'], () => [y], (v) => { [y] = v; });
  return [y, ranThen, ranElse];
}

describe('controlFlow (runtime helpers of the transformer)', function () {
  this.timeout(60000);

  describe('ifStmt', () => {
    it('JS conditions run exactly one branch with JS truthiness', () => {
      assert.deepStrictEqual(runIf(1, 0, 'a', 'b'), ['a', true, false]);
      assert.deepStrictEqual(runIf(0, 0, 'a', 'b'), ['b', false, true]);
      assert.deepStrictEqual(runIf('', 0, 'a', 'b'), ['b', false, true]);
    });

    it('a concrete tensor that is all true / all false runs one branch; NaN counts as true', () => {
      assert.deepStrictEqual(runIf(b([true, true]), 0, 'a', 'b'), ['a', true, false]);
      assert.deepStrictEqual(runIf(b([false, false]), 0, 'a', 'b'), ['b', false, true]);
      assert.deepStrictEqual(runIf(t([NaN, 2]), 0, 'a', 'b'), ['a', true, false]);
      assert.deepStrictEqual(runIf(t([0, 0]), 0, 'a', 'b'), ['b', false, true]);
    });

    it('a mixed concrete condition runs both branches and merges element-wise', () => {
      const [y, ranThen, ranElse] = runIf(b([true, false]), 0, t([1, 2]), t([10, 20]));
      assert.ok(ranThen && ranElse);
      assertClose(y as Tensor, t([1, 20]));
      const [z] = runIf(t([3, 0]), 0, 1, 2); // non-bool condition: nonzero is true; JS numbers merge into a tensor
      assertClose(z as Tensor, t([1, 2]));
    });

    it('each branch starts from the state before the if; restore-only variables are not merged', () => {
      let a: unknown = t([1, 1]);
      let scratch: unknown = 'before';
      let seenInElse: unknown;
      cf.ifStmt(b([true, false]), () => { scratch = 'then'; a = t([5, 5]); }, () => { seenInElse = scratch; a = t([7, 7]); },
        's.ts:2:3', ['a'], () => [a, scratch], (v) => { [a, scratch] = v; });
      assert.strictEqual(seenInElse, 'before');
      assertClose(a as Tensor, t([5, 7]));
    });

    it('unchanged values stay identical (no where)', () => {
      const x = t([1, 2]);
      const [y] = runIf(b([true, false]), x, x, x);
      assert.strictEqual(y, x);
    });

    it('merges arrays and plain objects element-wise', () => {
      const [arr] = runIf(b([true, false]), 0, [t([1, 1]), t([2, 2])], [t([3, 3]), t([4, 4])]);
      assertClose((arr as Tensor[])[0], t([1, 3]));
      assertClose((arr as Tensor[])[1], t([2, 4]));
      const [obj] = runIf(b([false, true]), 0, { p: t([1, 1]), q: 5 }, { p: t([2, 2]), q: 5 });
      assertClose((obj as { p: Tensor }).p, t([2, 1]));
      assert.strictEqual((obj as { q: number }).q, 5);
    });

    it('errors name the variable, the branches and the site', () => {
      assert.throws(() => runIf(b([true, false]), undefined, t([1, 1]), undefined), (e: Error) => {
        assert.ok(e instanceof JitError);
        assert.match(e.message, /Cannot merge 'y' after the tensor condition at f\.ts:1:1: it is a tensor \(xˢ=2\) float32 in the then branch but undefined \(not assigned\) in the else branch\. Assign it in the else branch too/);
        return true;
      });
      assert.throws(() => runIf(b([true, false]), 0, [t([1, 1])], [t([1, 1]), t([2, 2])]), /'y'.*an array of length 1 in the then branch but an array of length 2 in the else branch\. Both branches must produce arrays of the same length/);
      assert.throws(() => runIf(b([true, false]), 0, { a: t([1, 1]) }, { b: t([1, 1]) }), /objects with the same keys/);
      assert.throws(() => runIf(b([true, false]), 0, 'fast', 'slow'), /the string "fast" in the then branch but the string "slow" in the else branch\. Only tensors and JS numbers/);
      assert.throws(() => runIf(b([true, false]), 0, { p: [t([1, 1]), 'a'] }, { p: [t([1, 1]), 'b'] }), /'y' \(at \.p\[1\]\)/);
    });

    it('a traced condition inside a jit function compiles to where', () => {
      const f = math.jitCompile((x: Tensor) => {
        let y = x;
        cf.ifStmt(x.gt(0), () => { y = x.mul(2); }, () => { y = x.neg(); }, 'g.ts:1:1', ['y'], () => [y], (v) => { [y] = v as [Tensor]; });
        return y;
      });
      assertClose(f(t([-1, 3])), t([1, 6]));
      assert.strictEqual(f.traces.length, 1);
    });
  });

  describe('ifReturn / ifExp', () => {
    it('merge return values (structures too) and restore state between branches', () => {
      let v: unknown = 1;
      const r = cf.ifReturn(b([true, false]), () => { v = 100; return { a: t([1, 1]) }; }, () => ({ a: t([Number(v), Number(v)]) }), 'r.ts:1:1',
        () => [v], (st) => { [v] = st; });
      assertClose((r as { a: Tensor }).a, t([1, 1]));
      assert.throws(() => cf.ifReturn(b([true, false]), () => t([1, 1]), () => undefined, 'r.ts:2:2'), /Cannot merge the return value after the tensor condition at r\.ts:2:2/);
    });

    it('ifExp only evaluates the taken arm for a concrete condition', () => {
      let calls = 0;
      const v = cf.ifExp(b([true, true]), () => { calls++; return 1; }, () => { calls += 10; return 2; });
      assert.strictEqual(v, 1);
      assert.strictEqual(calls, 1);
      assertClose(cf.ifExp(b([false, true]), () => t([1, 1]), () => t([2, 2])) as Tensor, t([2, 1]));
    });
  });

  describe('and / or / not', () => {
    it('JS values keep JS semantics and short-circuiting', () => {
      let called = false;
      assert.strictEqual(cf.and(0, () => { called = true; return 1; }), 0);
      assert.strictEqual(called, false);
      assert.strictEqual(cf.or('', () => 'x'), 'x');
      assert.strictEqual(cf.not(0), true);
    });

    it('concrete tensors short-circuit when all false (and) / all true (or)', () => {
      let called = false;
      const r = cf.and(b([false, false]), () => { called = true; return b([true, true]); });
      assert.strictEqual(called, false);
      assert.deepStrictEqual((r as Tensor).toArray(), [false, false]);
      assert.strictEqual(cf.and(b([true, true]), () => false), false);
      assert.deepStrictEqual((cf.or(t([1, 2]), () => { throw new Error('not evaluated'); }) as Tensor).toArray(), [true, true]);
    });

    it('mixed tensors combine element-wise', () => {
      assert.deepStrictEqual((cf.and(b([true, false]), () => b([true, true])) as Tensor).toArray(), [true, false]);
      assert.deepStrictEqual((cf.or(b([true, false]), () => t([0, 5])) as Tensor).toArray(), [true, true]);
      assert.deepStrictEqual((cf.and(b([true, false]), () => true) as Tensor).toArray(), [true, false]);
      assert.deepStrictEqual((cf.not(t([0, 2])) as Tensor).toArray(), [true, false]);
    });
  });

  describe('whileStmt', () => {
    /** `while (cond(y, k)) body` through whileStmt, eagerly or inside a jit function. */
    function loop(y0: Tensor, cond: (y: Tensor, n: Tensor) => unknown, body: (y: Tensor, n: Tensor) => [Tensor, Tensor], breakOn?: (y: Tensor) => unknown) {
      let y = y0;
      let n: Tensor | number = 0;
      let brk: unknown = false;
      const names = breakOn ? ['y', 'n', 'brk'] : ['y', 'n'];
      cf.whileStmt(() => (breakOn ? cf.and(cf.not(brk), () => cond(y, n as Tensor)) : cond(y, n as Tensor)), () => {
        if (breakOn) cf.ifStmt(breakOn(y), () => { brk = true; }, undefined, 'f.ts:2:1', ['brk'], () => [brk], (v) => { [brk] = v; });
        cf.ifStmt(cf.not(brk), () => { [y, n] = body(y, math.wrap(n)); }, undefined, 'f.ts:3:1', ['y', 'n'], () => [y, n], (v) => { [y, n] = v as [Tensor, Tensor]; });
      }, 'f.ts:1:1', names, () => (breakOn ? [y, n, brk] : [y, n]), (v) => { [y, n] = v as [Tensor, Tensor]; if (breakOn) brk = v[2]; }, false, breakOn ? 'brk' : undefined);
      return [y, math.wrap(n)];
    }

    it('eagerly a JS loop; traced one while equation with the same result', () => {
      const f = (x: Tensor) => loop(x, (y) => y.sum().lt(50), (y, n) => [y.mul(2), n.add(1)]);
      const jf = math.jitCompile(f);
      for (const g of [f, jf]) {
        const [y, n] = g(t([1, 2]));
        assertClose(y, t([32, 64]));
        assertClose(n, math.tensor(5));
      }
      assert.match(String(jf.traces[0].graph), /= while\[/);
    });

    it('an element-wise break keeps the broken elements; a carried scalar widens to their shape when traced', () => {
      const f = (x: Tensor) => loop(x, (_y, n) => math.wrap(n).lt(6), (y, n) => [y.mul(2), n.add(1)], (y) => y.gt(10));
      const jf = math.jitCompile(f);
      for (const g of [f, jf]) {
        const [y, n] = g(t([1, 3, 20]));
        assertClose(y, t([16, 12, 20]));
        assertClose(n, t([4, 2, 0]));
      }
    });

    it('a dtype change of a carried variable names the loop, the variable and the dtypes', () => {
      const jf = math.jitCompile((x: Tensor) => loop(x, (y) => y.sum().lt(50), (y, n) => [math.cast(y.mul(2), 'int32'), n]));
      assert.throws(() => jf(t([1, 2])), (e: Error) => {
        assert.strictEqual(e.name, 'DTypeError');
        assert.match(e.message, /^The loop at f\.ts:1:1 runs as math\.whileLoop with 'y', 'n' as loop state .*state\.y from float32 to int32/);
        return true;
      });
    });

    it('stopped: a JS true or an all-true concrete tensor', () => {
      assert.strictEqual(cf.stopped(true), true);
      assert.strictEqual(cf.stopped(false), false);
      assert.strictEqual(cf.stopped(b([true, true])), true);
      assert.strictEqual(cf.stopped(b([true, false])), false);
    });
  });

  describe('truth', () => {
    it('JS truthiness for JS values; all / none for concrete tensors', () => {
      assert.strictEqual(cf.truth(1), true);
      assert.strictEqual(cf.truth(null), false);
      assert.strictEqual(cf.truth(b([true, true])), true);
      assert.strictEqual(cf.truth(b([false, false])), false);
    });

    it('a mixed concrete tensor throws with the site and the reason', () => {
      assert.throws(() => cf.truth(b([true, false]), 'm.ts:4:5', "it contains 'break'"),
        /The tensor condition at m\.ts:4:5 is true for some elements and false for others, but this statement could not be converted to an element-wise math\.where \(it contains 'break'\)/);
    });

    it('a traced tensor throws naming the jit function and the argument', () => {
      const f = math.jitCompile((x: Tensor) => (cf.truth(x.gt(0), 'k.ts:9:1', 'its static type is any') ? x : x.neg()));
      assert.throws(() => f(t([1, 2])), (e: Error) => {
        assert.ok(e instanceof JitError, String(e));
        assert.match(e.message, /Cannot branch on a traced tensor/);
        assert.match(e.message, /traced argument 'x'/);
        assert.match(e.message, /The statement at k\.ts:9:1 could not be converted to math\.where \(its static type is any\)/);
        return true;
      });
    });
  });
});
