/**
 * Reverse mode as an interpreter over the IR (DESIGN.md "Differentiation is an interpreter over
 * the IR"): a function is traced into a Graph, the graph is evaluated forward by re-binding every
 * equation (JAX's eval_jaxpr: eagerly on concrete inputs, recorded into the active trace on
 * tracers), keeping every forward value, and then walked backwards applying the rules of
 * `rules.ts`. The backward pass is ordinary ops, so inside a jit function forward and backward end
 * up in one traced graph (one ONNX model), and the gradient function can itself be differentiated.
 */
import { Tensor } from '../tensor';
import { Shape } from '../shape';
import { isFloat } from '../dtype';
import { JitError, DTypeError } from '../errors';
import { SubTrace, currentTrace, withTrace, ForeignTracerError, type Trace } from '../trace/trace';
import { Var, Literal, eqnOuts, type Atom, type Graph } from '../trace/ir';
import { optimize } from '../trace/optimize';
import { bind, bindAll } from '../ops/registry';
import * as red from '../ops/reduce';
import * as mv from '../ops/structure';
import * as ops from '../operations';
import { rebuild, objectKind } from '../jit/tree';
import { VJP_RULES, NON_DIFFERENTIABLE, zerosOf, bindLoopForGradient } from './rules';
import { loop, type LoopParams } from '../ops/loop';

/** f traced for differentiation: the graph, the outer values of its inputs, and f's result as a template. */
export interface TracedFunction {
  readonly graph: Graph;
  /** Values of `graph.inputs` (concrete tensors, or tracers of the enclosing trace). */
  readonly inputs: readonly Tensor[];
  /** Per differentiated parameter: its argument rebuilt with graph-input indices at the tensor leaves. */
  readonly wrtTrees: readonly unknown[];
  /** Per differentiated parameter: the graph-input indices of its leaves, in tree order. */
  readonly wrtLeaves: readonly (readonly number[])[];
  /** f's result with graph-output indices (as `OutRef`) at its tensor leaves. */
  readonly result: unknown;
}

export class OutRef { constructor(readonly index: number) {} }
export class InRef { constructor(readonly index: number) {} }

export interface TraceRequest {
  /** For messages: `math.gradient` / `math.jacobian`. */
  readonly api: string;
  readonly fnName: string;
  readonly paramNames: readonly string[];
  readonly args: readonly unknown[];
  /** Indices of the differentiated parameters. */
  readonly wrt: readonly number[];
}

/**
 * Traces `f(...args)` with every tensor leaf of every argument as a graph input, in a nested
 * trace: values of enclosing traces that f captures in a closure become further inputs after
 * those (closure conversion, trace/subgraph.ts), so that they are constants of this gradient while
 * an enclosing gradient can still differentiate through them.
 */
export function traceForGradient(f: (...args: any[]) => unknown, req: TraceRequest): TracedFunction {
  const trace = new SubTrace(req.fnName, currentTrace());
  const inputs: Tensor[] = [];
  const wrtTrees: unknown[] = [];
  const wrtLeaves: number[][] = [];
  const callArgs = req.args.map((arg, i) => {
    const isWrt = req.wrt.includes(i);
    const leaves: number[] = [];
    const tree = rebuild(arg, req.paramNames[i] ?? `arg${i}`, (leaf, path) => {
      if (!(leaf instanceof Tensor)) {
        if (!isWrt) return leaf; // JS numbers of other parameters stay constants
        if (typeof leaf === 'bigint') throw intParameterError(req, path, 'a bigint (int64)');
        leaf = ops.cast(leaf as number, 'float32');
      }
      const t = leaf as Tensor;
      if (isWrt && !isFloat(t.dtype)) throw intParameterError(req, path, `${t.shape} ${t.dtype}`);
      leaves.push(inputs.length);
      inputs.push(t);
      return trace.input(t.shape, t.dtype, [path], t._weak);
    });
    if (isWrt) {
      let k = 0;
      const at = req.wrt.indexOf(i);
      wrtLeaves[at] = leaves.slice();
      wrtTrees[at] = (rebuild(tree, '', (leaf) => (leaf instanceof Tensor ? new InRef(leaves[k++]) : leaf)));
    }
    return tree;
  });
  let result: unknown;
  try {
    result = withTrace(trace, () => f(...callArgs));
  } catch (e) {
    if (e instanceof ForeignTracerError && e.tracer.trace !== trace) {
      throw new JitError(
        `${req.api}: ${req.fnName} uses a traced value of '${e.tracer.trace.fnName}' that is not one of its parameters (a closure ` +
          `over a traced value). Pass that value to ${req.fnName} as a parameter (and leave it out of wrt if it needs no gradient).`);
    }
    throw e;
  } finally {
    trace.closed = true;
  }
  const outputs: Atom[] = [];
  const template = outputTemplate(result, trace, outputs, req, 0);
  const graph = optimize(trace.graph(outputs));
  return { graph, inputs: [...inputs, ...trace.captured], wrtTrees, wrtLeaves, result: template };
}

function intParameterError(req: TraceRequest, path: string, what: string): JitError {
  return new JitError(
    `${req.api}: cannot differentiate ${req.fnName} with respect to '${path}', which is ${what}: gradients are taken with respect ` +
      `to float tensors. Convert it (math.cast(${path.split(/[.[]/)[0]}, 'float32')) or leave it out of wrt.`);
}

function outputTemplate(v: unknown, trace: Trace, outputs: Atom[], req: TraceRequest, depth: number): unknown {
  if (v instanceof Tensor) {
    outputs.push(trace.atom(v));
    return new OutRef(outputs.length - 1);
  }
  if (v === null || typeof v !== 'object' || depth > 64) return v;
  const kind = objectKind(v);
  if (kind === 'array') return (v as unknown[]).map((x) => outputTemplate(x, trace, outputs, req, depth + 1));
  if (kind !== 'plain') return v;
  const o: any = {};
  for (const k of Object.keys(v)) o[k] = outputTemplate((v as any)[k], trace, outputs, req, depth + 1);
  return o;
}

/** Fills a template's refs with values. */
export function fillTemplate(t: unknown, outs: readonly Tensor[], Ref: typeof OutRef | typeof InRef = OutRef): unknown {
  if (t instanceof Ref) return outs[t.index];
  if (Array.isArray(t)) return t.map((x) => fillTemplate(x, outs, Ref));
  if (t && typeof t === 'object' && !(t instanceof Tensor) && !(t instanceof Shape) && !(t instanceof OutRef) && !(t instanceof InRef)) {
    const o: any = Object.create(Object.getPrototypeOf(t));
    for (const k of Object.keys(t)) o[k] = fillTemplate((t as any)[k], outs, Ref);
    return o;
  }
  return t;
}

/**
 * Forward values of every variable of `graph` for the given inputs (re-binding each equation).
 * Loops with a fixed count also keep their states for their rule (rules.ts, bindLoopForGradient).
 */
export function evalForward(graph: Graph, inputs: readonly Tensor[]): Map<Var, Tensor> {
  const env = new Map<Var, Tensor>();
  graph.inputs.forEach((v, i) => env.set(v, inputs[i]));
  const atom = (a: Atom): Tensor => (a instanceof Literal ? a.value : env.get(a)!);
  for (const e of graph.eqns) {
    if (e.outs) {
      const ins = e.inputs.map(atom);
      const outs = e.prim === loop ? bindLoopForGradient(ins, e.params as LoopParams) : bindAll(e.prim, ins, e.params);
      e.outs.forEach((v, i) => env.set(v, outs[i]));
    } else env.set(e.out, bind(e.prim, e.inputs.map(atom), e.params));
  }
  return env;
}

export function atomValue(env: ReadonlyMap<Var, Tensor>, a: Atom): Tensor {
  return a instanceof Literal ? a.value : env.get(a)!;
}

/** The equations' outputs that depend (through differentiable ops, as floats) on the `wrt` inputs. */
function activeVars(graph: Graph, wrt: readonly Var[]): Set<Var> {
  const active = new Set<Var>(wrt.filter((v) => isFloat(v.dtype)));
  for (const e of graph.eqns) {
    if (e.prim.name === 'stopGradient' || !e.inputs.some((a) => a instanceof Var && active.has(a))) continue;
    // complex values have no gradient rules: refuse instead of a silent zero
    if (eqnOuts(e).some((v) => v.dtype === 'complex64')) {
      throw new DTypeError(`gradient: '${e.prim.name}' makes a complex64 value from a differentiated one; gradients through complex numbers are not supported (differentiate a real computation, or stop the gradient first with math.stopGradient)`);
    }
    if (NON_DIFFERENTIABLE[e.prim.name] !== undefined) continue;
    for (const v of eqnOuts(e)) if (isFloat(v.dtype)) active.add(v);
  }
  return active;
}

/**
 * Fits a cotangent to a variable's exact aval: dims it lacks are summed (they came from
 * broadcasting), missing dims are expanded, then dim order, item names and dtype are matched.
 */
export function fitTo(g: Tensor, aval: { shape: Shape; dtype: Tensor['dtype'] }): Tensor {
  let t = g;
  const extra = t.shape.names.filter((n) => !aval.shape.has(n));
  if (extra.length) t = bind(red.sum, [t], { dims: extra });
  if (aval.shape.names.some((n) => !t.shape.has(n))) t = ops.expand(t, aval.shape);
  if (t.shape.key !== aval.shape.key) {
    t = ops.transpose(t, aval.shape.names);
    if (t.shape.key !== aval.shape.key) t = bind(mv.reshape, [t], { shape: aval.shape }); // item names only
  }
  return t.dtype === aval.dtype ? t : ops.cast(t, aval.dtype);
}

/**
 * The backward pass: cotangents of `wrt` given cotangents (`seeds`) of some variables, using
 * the forward values in `env`. A `wrt` input nothing depends on gets zeros.
 */
export function backward(graph: Graph, env: ReadonlyMap<Var, Tensor>, seeds: Iterable<readonly [Atom, Tensor]>, wrt: readonly Var[]): Tensor[] {
  const active = activeVars(graph, wrt);
  const cts = new Map<Var, Tensor>();
  const accumulate = (v: Var, g: Tensor) => {
    const fitted = fitTo(g, v);
    const prev = cts.get(v);
    // (add orders dims by type: fit again)
    cts.set(v, prev ? fitTo(ops.add(prev, fitted), v) : fitted);
  };
  for (const [a, g] of seeds) if (a instanceof Var && active.has(a)) accumulate(a, g);
  for (let i = graph.eqns.length - 1; i >= 0; i--) {
    const e = graph.eqns[i];
    const outs = eqnOuts(e);
    if (!outs.some((v) => active.has(v))) continue;
    const outCts = outs.map((v) => cts.get(v));
    if (outCts.every((c) => c === undefined)) continue;
    const rule = VJP_RULES[e.prim.name];
    if (!rule) throw new JitError(`No gradient rule for the primitive '${e.prim.name}': add one to runtime/src/autodiff/rules.ts`);
    const needs = e.inputs.map((a) => a instanceof Var && active.has(a));
    const ins = e.inputs.map((a) => atomValue(env, a));
    // multi-output equations (loops): the rule reads every output's cotangent from the context
    const multi = e.outs ? { cts: outCts, outs: outs.map((v) => env.get(v)!) } : {};
    const inCts = rule(outCts[0] ?? zerosOf(e.out.shape, e.out.dtype), ins, env.get(e.out)!, e.params, { needs, ...multi });
    e.inputs.forEach((a, k) => {
      const c = inCts[k];
      if (needs[k] && c !== undefined) accumulate(a as Var, c);
    });
    for (const v of outs) if (!wrt.includes(v)) cts.delete(v);
  }
  return wrt.map((v) => cts.get(v) ?? zerosOf(v.shape, v.dtype));
}
