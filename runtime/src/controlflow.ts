/**
 * Run-time half of the tensorjit transformer's control-flow conversion (AutoGraph's
 * `operators/control_flow.py`, specialised to `where`). The transformer rewrites an `if`, `?:`,
 * `&&`, `||` or `!` whose condition is a tensor inside a jit function into calls of these helpers;
 * they decide at run time (during a trace, or eagerly) how to execute it:
 *
 * - a JS value as condition: ordinary JS truthiness, exactly one branch runs;
 * - a concrete tensor whose elements are all true: only the first branch runs; all false: only
 *   the second one;
 * - a traced tensor, or a concrete one with both true and false elements: both branches run
 *   (on the same inputs, one after the other) and the variables they assign, or the values they
 *   return, are merged element-wise with `math.where(condition, then, else)`, through arrays and
 *   plain objects.
 *
 * Users do not call these directly; the emitted code does. Every helper takes the source position
 * of the converted statement (`file.ts:line:col`) so that its errors point at user code.
 */
import { Tensor } from './tensor';
import { JitError, ShapeError, DTypeError } from './errors';
import { Shape } from './shape';
import { wrap } from './create';
import { where, cast, expand, logicalAnd, logicalOr, logicalNot } from './operations';
import { whileLoop, type LoopState } from './loops';

/** Which branch(es) to run for a condition value. `mask` is set when both run. */
type Decision = { readonly run: 'then' } | { readonly run: 'else' } | { readonly run: 'both'; readonly mask: Tensor };

const THEN: Decision = { run: 'then' };
const ELSE: Decision = { run: 'else' };

/** A tensor as an element-wise condition: bool as is, other dtypes nonzero → true. */
function asBool(t: Tensor): Tensor {
  return t.dtype === 'bool' ? t : cast(t, 'bool');
}

function decide(cond: unknown): Decision {
  if (!(cond instanceof Tensor)) return cond ? THEN : ELSE;
  if (cond.available) {
    // `.all` / `.any` treat NaN as true, like the cast to bool
    if (cond.all) return THEN;
    if (!cond.any) return ELSE;
  }
  return { run: 'both', mask: asBool(cond) };
}

/** `'name'` or a description of what is merged, for messages. */
function label(name: string): string {
  return name.startsWith('the ') ? name : `'${name}'`;
}

function at(site: string | undefined): string {
  return site ? ` at ${site}` : '';
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor ${v.shape} ${v.dtype}`;
  if (v === undefined) return 'undefined (not assigned)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  switch (typeof v) {
    case 'string': return `the string ${JSON.stringify(v)}`;
    case 'number': case 'bigint': case 'boolean': return `the ${typeof v} ${String(v)}`;
    case 'function': return `a function ${v.name || '(anonymous)'}`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return `an object with keys {${Object.keys(v as object).join(', ')}}`;
  return `an instance of ${(v as object).constructor?.name ?? 'an unknown class'}`;
}

function isTensorLike(v: unknown): v is Tensor | number | bigint | boolean {
  return v instanceof Tensor || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function mergeError(name: string, path: string, site: string | undefined, a: unknown, b: unknown, why: string): JitError {
  const what = path ? `${label(name)} (at ${path})` : label(name);
  return new JitError(
    `Cannot merge ${what} after the tensor condition${at(site)}: it is ${describe(a)} in the then branch ` +
      `but ${describe(b)} in the else branch. ${why}`,
  );
}

/**
 * Merges the values of one variable (or return value) from both branches, element-wise for tensors
 * and JS numbers, structurally through arrays and plain objects. Identical values stay as they are.
 */
export function merge(mask: Tensor, a: unknown, b: unknown, name: string, site?: string, path = ''): unknown {
  if (a === b) return a;
  if (isTensorLike(a) && isTensorLike(b) && (a instanceof Tensor || b instanceof Tensor || typeof a === typeof b)) {
    return where(mask, a, b);
  }
  if (a === undefined || b === undefined) {
    const which = a === undefined ? 'then' : 'else';
    throw mergeError(name, path, site, a, b,
      `Assign it in the ${which} branch too, or give it a value before the if.`);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      throw mergeError(name, path, site, a, b, 'Both branches must produce arrays of the same length.');
    }
    return a.map((x, i) => merge(mask, x, b[i], name, site, `${path}[${i}]`));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join('\u0000') !== kb.join('\u0000')) {
      throw mergeError(name, path, site, a, b, 'Both branches must produce objects with the same keys.');
    }
    const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(a));
    for (const k of ka) out[k] = merge(mask, a[k], b[k], name, site, `${path}.${k}`);
    return out;
  }
  throw mergeError(name, path, site, a, b,
    'Only tensors and JS numbers (and arrays / plain objects of them) can differ between the branches of a tensor condition; ' +
      'compute other values outside the if, or use an auxiliary argument for the condition.');
}

/**
 * A converted `if` statement. `getState` / `setState` read and write the variables the branches
 * assign; the first `names.length` of them are used after the statement and get merged, the rest
 * are only restored (so that each branch starts from the state before the statement). When both
 * branches run, the merged state is written back.
 */
export function ifStmt(
  cond: unknown,
  body: () => void,
  orelse: (() => void) | undefined,
  site?: string,
  names: readonly string[] = [],
  getState?: () => unknown[],
  setState?: (state: unknown[]) => void,
): void {
  const d = decide(cond);
  if (d.run === 'then') { body(); return; }
  if (d.run === 'else') { orelse?.(); return; }
  if (!getState || !setState) {
    body();
    orelse?.();
    return;
  }
  const before = getState();
  body();
  const afterThen = getState();
  setState(before);
  orelse?.();
  const afterElse = getState();
  setState(afterElse.map((v, i) => (i < names.length ? merge(d.mask, afterThen[i], v, names[i], site) : v)));
}

/**
 * A converted `if` whose branches both end in `return` (after the transformer moved the code that
 * follows a one-sided `return` into the other branch). Returns the merged return value. The state
 * the branches assign is restored before the second branch runs.
 */
export function ifReturn<T>(
  cond: unknown,
  body: () => T,
  orelse: () => T,
  site?: string,
  getState?: () => unknown[],
  setState?: (state: unknown[]) => void,
): T {
  const d = decide(cond);
  if (d.run === 'then') return body();
  if (d.run === 'else') return orelse();
  const before = getState?.();
  const a = body();
  if (before && setState) setState(before);
  const b = orelse();
  return merge(d.mask, a, b, 'the return value', site) as T;
}

/** A converted conditional expression `cond ? a : b` (both arms are thunks: only the taken one runs when possible). */
export function ifExp<T>(cond: unknown, a: () => T, b: () => T, site?: string): T {
  const d = decide(cond);
  if (d.run === 'then') return a();
  if (d.run === 'else') return b();
  const va = a();
  const vb = b();
  return merge(d.mask, va, vb, 'the value of the conditional expression', site) as T;
}

/** `a && b` with a tensor `a`: element-wise logical and; short-circuits when `a` is concrete. */
export function and(a: unknown, b: () => unknown): unknown {
  if (!(a instanceof Tensor)) return a ? b() : a;
  if (a.available) {
    if (!a.any) return asBool(a);
    if (a.all) {
      const v = b();
      return v instanceof Tensor ? asBool(v) : v;
    }
  }
  const v = b();
  return logicalAnd(asBool(a), v instanceof Tensor ? asBool(v) : Boolean(v));
}

/** `a || b` with a tensor `a`: element-wise logical or; short-circuits when `a` is concrete. */
export function or(a: unknown, b: () => unknown): unknown {
  if (!(a instanceof Tensor)) return a ? a : b();
  if (a.available) {
    if (a.all) return asBool(a);
    if (!a.any) {
      const v = b();
      return v instanceof Tensor ? asBool(v) : v;
    }
  }
  const v = b();
  return logicalOr(asBool(a), v instanceof Tensor ? asBool(v) : Boolean(v));
}

/** `!a` with a tensor `a`: element-wise logical not. */
export function not(a: unknown): unknown {
  return a instanceof Tensor ? logicalNot(asBool(a)) : !a;
}

/**
 * A condition the transformer could not convert to `where` (the statement contains `break`,
 * `return`, a side effect, …, or its static type is `any`) but that does not depend on a traced
 * argument as far as the transformer can tell. Returns a JS boolean: JS truthiness for JS values,
 * and for tensors true when all elements are true, false when none is. A traced tensor, or a
 * concrete one that is true for some elements and false for others, throws with `reason`.
 */
export function truth(cond: unknown, site?: string, reason?: string): boolean {
  if (!(cond instanceof Tensor)) return Boolean(cond);
  const why = reason ? ` (${reason})` : '';
  if (!cond.available) {
    const base = cond._tracerError('branch on');
    throw new JitError(`${base.message} The statement${at(site)} could not be converted to math.where${why}.`);
  }
  if (cond.all) return true;
  if (!cond.any) return false;
  throw new JitError(
    `The tensor condition${at(site)} is true for some elements and false for others, but this statement could not ` +
      `be converted to an element-wise math.where${why}. Reduce the condition (.all / .any, math.all / math.any) ` +
      'or restructure the code so that both branches assign the same variables.',
  );
}

/**
 * Whether the break flag of a loop that runs in JS says that every element broke: a JS `true`, or a
 * concrete tensor that is all true. A traced flag never stops the JS loop (its iterations run, with
 * the body merged under the flag).
 */
export function stopped(flag: unknown): boolean {
  if (flag instanceof Tensor) return flag.available && flag.all;
  return flag === true;
}

/**
 * A converted `while` / `do … while` / `for (;;)` loop whose condition the transformer found to
 * depend on a traced tensor (AutoGraph's `while_stmt`). `getState` / `setState` read and write the
 * loop-carried variables (`names`: assigned in the loop and declared before it). While the
 * condition is a JS value or a concrete tensor the loop runs in JS (a concrete tensor goes on while
 * any element is true, as `math.whileLoop`); once it is a traced tensor the rest of the loop is one
 * `math.whileLoop` over the carried variables (one ONNX `Loop`), and their final values are written
 * back. `doWhile`: the body runs once before the first test.
 *
 * `breakFlag` names the carried flag a converted `break` sets (the transformer also tests it in the
 * condition, AutoGraph style). Under an element-wise condition it is a mask: the elements that broke
 * keep their values in the later iterations (their state is merged back with `where`).
 *
 * A carried variable whose shape the body widens (the break flag takes the shape of an element-wise
 * break condition; `acc = acc.add(x)` from `let acc = 0`) is only known once the body is traced:
 * the loop is then traced again with that variable broadcast to the wider shape (math.whileLoop
 * itself requires the state's shapes to stay the same).
 */
export function whileStmt(
  cond: () => unknown,
  body: () => void,
  site: string | undefined,
  names: readonly string[],
  getState: () => unknown[],
  setState: (state: unknown[]) => void,
  doWhile = false,
  breakFlag?: string,
): void {
  const bi = breakFlag === undefined ? -1 : names.indexOf(breakFlag);
  const step = (): void => {
    const before = bi >= 0 ? getState() : undefined;
    const flag = before?.[bi];
    body();
    if (before && flag instanceof Tensor && flag.shape.rank > 0) {
      // the elements that broke in an earlier iteration keep their values
      const mask = asBool(flag);
      setState(getState().map((v, i) => merge(mask, before[i], v, names[i], site)));
    }
  };
  if (doWhile) step();
  let c = cond();
  for (;;) {
    if (c instanceof Tensor && !c.available) break;
    if (c instanceof Tensor ? !c.any : !c) return;
    step();
    c = cond();
  }
  const values = getState();
  const init: Record<string, unknown> = {};
  names.forEach((n, i) => {
    const v = values[i];
    if (v === undefined || v === null || typeof v === 'string' || typeof v === 'function') {
      throw new JitError(
        `The loop${at(site)} has a traced condition, so it runs as math.whileLoop with '${n}' as loop state, ` +
          `but '${n}' is ${describe(v)} before the loop. Give it a tensor or number value before the loop.`);
    }
    init[n] = v;
  });
  const toArray = (s: Record<string, unknown>) => names.map((n) => s[n]);
  for (let attempt = 0; ; attempt++) {
    try {
      const final = whileLoop(
        (s: LoopState) => { setState(toArray(s as Record<string, unknown>)); return cond(); },
        (s: LoopState) => {
          setState(toArray(s as Record<string, unknown>));
          step();
          const next = getState();
          return Object.fromEntries(names.map((n, i) => [n, next[i]])) as LoopState;
        },
        init as LoopState,
      );
      setState(toArray(final as Record<string, unknown>));
      return;
    } catch (e) {
      // a carried variable (the break flag under an element-wise break condition, `acc = acc.add(x)`
      // from a number) took a wider shape in the body: start it with that shape, values repeated
      const entry = attempt <= names.length && e instanceof ShapeError ? widening(e, names, init) : undefined;
      setState(values);
      if (!entry) throw atLoop(e, site, names);
      init[entry.name] = expand(asTensor(init[entry.name]), entry.shape);
    }
  }
}

/** A state error of math.whileLoop, said at the converted loop in user code (same error class). */
function atLoop(e: unknown, site: string | undefined, names: readonly string[]): unknown {
  if (!(e instanceof ShapeError || e instanceof DTypeError) || !site) return e;
  const message = `The loop at ${site} runs as math.whileLoop with ${names.map((n) => `'${n}'`).join(', ')} as loop state ` +
    `('state.${names[0]}' is '${names[0]}'): ${e.message}`;
  return e instanceof ShapeError ? new ShapeError(message, e.shapes) : new DTypeError(message);
}

/** The carried variable a ShapeError of math.whileLoop names, when the body only added dims to it. */
function widening(e: ShapeError, names: readonly string[], init: Record<string, unknown>): { name: string; shape: Shape } | undefined {
  const [from, to] = e.shapes;
  if (!(from instanceof Shape) || !(to instanceof Shape)) return undefined;
  const name = names.find((n) => e.message.includes(`state.${n} from`));
  if (name === undefined || !(init[name] instanceof Tensor || typeof init[name] === 'number' || typeof init[name] === 'boolean')) return undefined;
  if (!from.dims.every((d) => to.has(d.name) && to.size(d.name) === d.size) || to.rank <= from.rank) return undefined;
  return { name, shape: to };
}

function asTensor(v: unknown): Tensor {
  return v instanceof Tensor ? v : wrap(v as number | boolean);
}
