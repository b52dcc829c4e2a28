/**
 * Tensor-dependent loops (ΦML's `while_loop` / `iterate`, JAX's `lax.while_loop`). Eagerly they
 * are JS loops; while a jit function is being traced, the condition and the body are traced once
 * each into sub-graphs of one loop equation (ops/loop.ts), lowered to one ONNX `Loop` node, so the
 * graph is the same size for 10 or 10,000 iterations.
 *
 * The loop-carried state is a tree: a tensor, or arrays / plain objects of tensors (JS numbers,
 * bigints and booleans become tensors). Entries are named by their path (`state`, `state[0]`,
 * `state.x`) in errors. The body must keep every entry's shape and dtype.
 */
import { Shape } from './shape';
import { Tensor } from './tensor';
import { ShapeError, DTypeError, JitError } from './errors';
import { wrap } from './create';
import { any, transpose, stack, concat, cast } from './operations';
import { bindAll, type Aval } from './ops/registry';
import { loop, type LoopParams } from './ops/loop';
import { stackShape } from './ops/structure';
import { traceSubgraph } from './trace/subgraph';
import { currentTrace } from './trace/trace';
import { Literal } from './trace/ir';

/** A loop-carried state: a tensor, or an array / plain object of states. */
export type LoopState = Tensor | number | bigint | boolean | readonly LoopState[] | { readonly [key: string]: LoopState };

export interface WhileLoopOptions {
  /** Stop after this many iterations at the latest (no error). Default: no limit. */
  readonly maxIterations?: number;
}

// --- state trees ---

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor ${v.shape} ${v.dtype}`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (isPlainObject(v)) return `an object with keys {${Object.keys(v).join(', ')}}`;
  if (typeof v === 'object') return `an instance of ${(v as object).constructor?.name ?? 'a class'}`;
  return `${typeof v === 'undefined' ? 'undefined' : `the ${typeof v} ${String(v)}`}`;
}

/** The structure of a state tree, with the leaves' paths. */
interface Tree {
  readonly paths: readonly string[];
  rebuild(leaves: readonly Tensor[]): any;
}

function leafTensor(v: unknown, path: string, what: string): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return wrap(v);
  throw new JitError(`${what}: ${path} is ${describe(v)}; the loop state may hold tensors, JS numbers and arrays / plain objects of them`);
}

/** Flattens `v` into leaves (tensors) and its structure. */
function flatten(v: unknown, path: string, what: string, leaves: Tensor[]): Tree['rebuild'] {
  if (Array.isArray(v)) {
    const items = v.map((x, i) => flatten(x, `${path}[${i}]`, what, leaves));
    return (ls) => items.map((r) => r(ls));
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    const items = keys.map((k) => flatten(v[k], `${path}.${k}`, what, leaves));
    return (ls) => Object.fromEntries(keys.map((k, i) => [k, items[i](ls)]));
  }
  const index = leaves.length;
  leaves.push(leafTensor(v, path, what));
  return (ls) => ls[index];
}

function treeOf(v: unknown, root: string, what: string): { tree: Tree; leaves: Tensor[] } {
  const leaves: Tensor[] = [];
  const paths: string[] = [];
  const rebuild = flatten(v, root, what, leaves);
  collectPaths(v, root, paths);
  return { tree: { paths, rebuild }, leaves };
}

function collectPaths(v: unknown, path: string, out: string[]): void {
  if (Array.isArray(v)) v.forEach((x, i) => collectPaths(x, `${path}[${i}]`, out));
  else if (isPlainObject(v)) for (const k of Object.keys(v)) collectPaths(v[k], `${path}.${k}`, out);
  else out.push(path);
}

/**
 * The leaves of the next state `v`, checked against the state's structure and avals: same tree,
 * same dims (reordered to the state's order when only their order differs) and dtypes.
 */
function nextLeaves(v: unknown, init: unknown, path: string, avals: readonly Aval[], what: string, out: Tensor[]): void {
  if (Array.isArray(init)) {
    if (!Array.isArray(v) || v.length !== init.length) {
      throw new ShapeError(`${what}: the body returned ${describe(v)} for ${path}, which is ${describe(init)} in the initial state; the body must return the state's structure`);
    }
    init.forEach((x, i) => nextLeaves(v[i], x, `${path}[${i}]`, avals, what, out));
    return;
  }
  if (isPlainObject(init)) {
    const keys = Object.keys(init);
    if (!isPlainObject(v) || Object.keys(v).length !== keys.length || keys.some((k) => !(k in v))) {
      throw new ShapeError(`${what}: the body returned ${describe(v)} for ${path}, which is ${describe(init)} in the initial state; the body must return the state's structure`);
    }
    for (const k of keys) nextLeaves(v[k], init[k], `${path}.${k}`, avals, what, out);
    return;
  }
  const aval = avals[out.length];
  let t = v instanceof Tensor ? v : typeof v === 'number' ? wrap(v, { dtype: aval.dtype }) : leafTensor(v, path, what);
  if (t.dtype !== aval.dtype) {
    throw new DTypeError(`${what}: the body changed the dtype of ${path} from ${aval.dtype} to ${t.dtype}; the loop-carried state must keep its dtype (convert it back with math.cast(x, '${aval.dtype}'))`);
  }
  if (t.shape.key !== aval.shape.key) {
    if (!t.shape.sameDims(aval.shape)) {
      throw new ShapeError(`${what}: the body changed the shape of ${path} from ${aval.shape} to ${t.shape}; the loop-carried state must keep its shape`, [aval.shape, t.shape]);
    }
    t = transpose(t, aval.shape.names);
  }
  out.push(t);
}

/** A condition value as one JS boolean (eager): any element true, NaN counts as true. */
function truthy(c: unknown, what: string): boolean {
  if (c instanceof Tensor) return c.any;
  if (typeof c === 'boolean') return c;
  throw new JitError(`${what}: the condition returned ${describe(c)}; return a bool tensor (or a JS boolean)`);
}

/** A condition value as a rank-0 bool tensor (traced): true when any element is true. */
function conditionScalar(c: unknown, what: string): Tensor {
  if (typeof c === 'boolean') return wrap(c);
  if (!(c instanceof Tensor)) throw new JitError(`${what}: the condition returned ${describe(c)}; return a bool tensor (or a JS boolean)`);
  const b = c.dtype === 'bool' ? c : cast(c, 'bool');
  return b.shape.rank === 0 ? b : any(b, b.shape);
}

function checkOptions(options: object | undefined, allowed: readonly string[], what: string): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw new TypeError(`${what}: options must be a plain object, got ${describe(options)}`);
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) throw new TypeError(`${what}: unknown option '${k}' (options: ${allowed.join(', ')})`);
  }
}

function checkCount(n: unknown, name: string, what: string): number | undefined {
  if (n === undefined) return undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new TypeError(`${what}: ${name} must be a non-negative integer, got ${describe(n)}`);
  return n;
}

/**
 * One loop equation over `leaves`: traces `cond` (optional) and `body` into sub-graphs and binds
 * the loop primitive (eagerly evaluated when nothing is traced). Returns the final leaves and,
 * with `trajectory`, the stacked leaves after each iteration.
 */
function tracedLoop(
  what: string,
  root: string,
  tree: Tree,
  init: unknown,
  leaves: readonly Tensor[],
  cond: ((state: any) => unknown) | undefined,
  body: (state: any) => unknown,
  maxIterations: number | undefined,
  trajectory?: Shape,
): { final: Tensor[]; steps?: Tensor[] } {
  const avals: Aval[] = leaves.map((t) => ({ shape: t.shape, dtype: t.dtype, _weak: t._weak }));
  const inputNames = tree.paths;
  let condGraph = cond && traceSubgraph(`${what} condition`, avals, (...xs) => [conditionScalar(cond(tree.rebuild(xs)), what)], { inputNames });
  if (condGraph) {
    // a condition that does not depend on anything traced is decided now
    const out = condGraph.graph.outputs[0];
    if (out instanceof Literal) {
      if (!out.value.any) return { final: leaves.slice(), steps: undefined };
      if (maxIterations === undefined) throw new JitError(`${what}: the condition is always true and there is no maxIterations: the loop would never end`);
      condGraph = undefined;
    }
  }
  const bodyGraph = traceSubgraph(`${what} body`, avals, (...xs) => {
    const out: Tensor[] = [];
    nextLeaves(body(tree.rebuild(xs)), init, root, avals, what, out);
    return out;
  }, { inputNames });
  const params: LoopParams = {
    maxIterations,
    trajectory,
    cond: condGraph?.graph,
    body: bodyGraph.graph,
  };
  const outs = bindAll(loop, [...leaves, ...(condGraph?.captures ?? []), ...bodyGraph.captures], params);
  const n = leaves.length;
  return { final: outs.slice(0, n), steps: trajectory ? outs.slice(n) : undefined };
}

/**
 * `while (any(cond(state))) state = body(state)`, at most `maxIterations` times; returns the
 * final state (same tree as `init`). `cond` may return a bool tensor of any shape (the loop goes
 * on while any element is true) or a JS boolean.
 */
export function whileLoop<S extends LoopState>(cond: (state: S) => unknown, body: (state: S) => S, init: S, options?: WhileLoopOptions): S {
  const what = 'math.whileLoop';
  if (typeof cond !== 'function') throw new TypeError(`${what}: cond must be a function, got ${describe(cond)}`);
  if (typeof body !== 'function') throw new TypeError(`${what}: body must be a function, got ${describe(body)}`);
  checkOptions(options, ['maxIterations'], what);
  const max = checkCount(options?.maxIterations, 'maxIterations', what);
  const { tree, leaves } = treeOf(init, 'state', what);
  if (leaves.length === 0) throw new JitError(`${what}: the state holds no tensor`);
  if (currentTrace() === undefined) {
    // eager: a JS loop on concrete tensors, checking the state after each step
    const avals: Aval[] = leaves.map((t) => ({ shape: t.shape, dtype: t.dtype }));
    let state = tree.rebuild(leaves);
    for (let i = 0; max === undefined || i < max; i++) {
      if (!truthy(cond(state), what)) break;
      const out: Tensor[] = [];
      nextLeaves(body(state), init, 'state', avals, what, out);
      state = tree.rebuild(out);
    }
    return state;
  }
  const { final } = tracedLoop(what, 'state', tree, init, leaves, cond, body as (s: any) => unknown, max);
  return tree.rebuild(final);
}

/**
 * ΦML's `iterate`: applies `f` `iterations` times to `x0` (`f` takes the values as arguments and
 * returns one value, or an array of as many values as there are). With a number, returns the
 * final value(s); with a Shape such as `batch({ t: 100 })`, the trajectory stacked along that
 * dim, `x0` first (size `n + 1`). Traced, one loop whatever `n` is.
 */
export function iterate(f: (...x: any[]) => any, iterations: number | Shape, ...x0: LoopState[]): any {
  const what = 'math.iterate';
  if (typeof f !== 'function') throw new TypeError(`${what}: f must be a function, got ${describe(f)}`);
  if (x0.length === 0) throw new TypeError(`${what}: give the initial value(s) after the iteration count`);
  let n: number;
  let dim: Shape | undefined;
  if (iterations instanceof Shape) {
    if (iterations.rank !== 1 || iterations.dims[0].size === undefined) {
      throw new ShapeError(`${what}: iterations must be a number or one dim with a size such as batch({ t: 100 }), got ${iterations}`);
    }
    n = iterations.dims[0].size;
    dim = iterations;
  } else {
    n = checkCount(iterations, 'iterations', what)!;
  }
  const single = x0.length === 1;
  const init: LoopState = single ? x0[0] : x0;
  const { tree, leaves } = treeOf(init, single ? 'x0' : 'x', what);
  if (leaves.length === 0) throw new JitError(`${what}: x0 holds no tensor`);
  const step = (state: any) => (single ? f(state) : f(...state));
  const dimName = dim?.dims[0].name;
  const trajectoryDim = dim && new Shape([{ name: dimName!, kind: dim.dims[0].kind, size: n + 1 }]);
  const stackAll = (steps: Tensor[][]): any => tree.rebuild(steps[0].map((_, k) => stack(steps.map((s) => s[k]), trajectoryDim!)));
  if (n === 0) return dim ? stackAll([leaves]) : tree.rebuild(leaves);
  if (currentTrace() === undefined) {
    const avals: Aval[] = leaves.map((t) => ({ shape: t.shape, dtype: t.dtype }));
    let cur = leaves;
    const steps: Tensor[][] = [leaves];
    for (let i = 0; i < n; i++) {
      const out: Tensor[] = [];
      nextLeaves(step(tree.rebuild(cur)), init, single ? 'x0' : 'x', avals, what, out);
      cur = out;
      if (dim) steps.push(cur);
    }
    return dim ? stackAll(steps) : tree.rebuild(cur);
  }
  const { final, steps } = tracedLoop(what, single ? 'x0' : 'x', tree, init, leaves, undefined, step, n, dim && new Shape([{ name: dimName!, kind: dim.dims[0].kind, size: n }]));
  if (!dim) return tree.rebuild(final);
  // x0 first, then the scan outputs of the loop, in the dim order `stack` gives eagerly
  return tree.rebuild(leaves.map((x, k) => {
    const order = stackShape([x, x], { name: dimName!, kind: dim.dims[0].kind, size: undefined });
    const first = stack([x], trajectoryDim!.withSize(dimName!, 1));
    const joined = concat([transpose(first, steps![k].shape.names), steps![k]], dimName!);
    return joined.shape.names.join() === order.names.join() ? joined : transpose(joined, order.names);
  }));
}
