/**
 * Sub-graphs: tracing a function into a closed Graph of its own, and evaluating such a graph
 * again. Shared by the higher-order primitives (a loop's condition and body) and by autodiff.
 *
 * - `traceSubgraph` runs `fn` on fresh tracers of a nested trace (JAX's `trace_to_jaxpr` of a
 *   sub-function). Values that `fn` takes from outside, tracers of the enclosing traces or
 *   concrete tensors, become extra graph inputs after the declared ones, and the outer tensors
 *   are returned beside the graph (closure conversion, like JAX's `closure_convert`), so the
 *   graph is closed: it can be stored in an equation's params, lowered on its own, and
 *   re-evaluated anywhere. Concrete scalars stay literals of the sub-graph.
 * - `evalGraph` re-binds every equation through the registry (JAX's `eval_jaxpr`): on concrete
 *   inputs it computes eagerly, on tracers it records into the active trace.
 */
import { atPrecision } from '../dtype';
import { Tensor } from '../tensor';
import { JitError } from '../errors';
import type { Aval } from '../ops/primitive';
import { bind, bindAll } from '../ops/registry';
import { Literal, Var, type Atom, type Graph } from './ir';
import { SubTrace, currentTrace, withTrace } from './trace';

/** A closed sub-graph and the outer tensors bound to its capture inputs (in input order). */
export interface ClosedGraph {
  readonly graph: Graph;
  /** The outer tensors (tracers of enclosing traces or concrete tensors) for the inputs after the declared ones. */
  readonly captures: readonly Tensor[];
}

export interface SubgraphOptions {
  /** Names of the declared inputs for error messages (e.g. `state.x`); default `name[i]`. */
  readonly inputNames?: readonly string[];
}

/**
 * Traces `fn(...tracers)` (one tracer per aval, weak avals give weak tracers) in a nested trace
 * and returns the closed graph: inputs = declared ones then captures, outputs = what `fn` returns.
 */
export function traceSubgraph(
  name: string,
  avals: readonly Aval[],
  fn: (...xs: Tensor[]) => readonly Tensor[],
  options: SubgraphOptions = {},
): ClosedGraph {
  const parent = currentTrace();
  // errors raised while tracing name the jit function being traced (the user's code), if any
  const trace = new SubTrace(parent?.fnName ?? name, parent);
  const xs = avals.map((a, i) => trace.input(a.shape, a.dtype, [options.inputNames?.[i] ?? `${name}[${i}]`], a._weak ?? false));
  let result: readonly Tensor[];
  try {
    result = withTrace(trace, () => fn(...xs));
    if (!Array.isArray(result)) throw new JitError(`${name}: the traced function must return an array of tensors, got ${typeof result}`);
    const outputs: Atom[] = result.map((t, i) => {
      if (!(t instanceof Tensor)) throw new JitError(`${name}: output ${i} is not a tensor (${t === null ? 'null' : typeof t})`);
      return trace.atom(t);
    });
    return { graph: trace.graph(outputs), captures: trace.captured.slice() };
  } finally {
    trace.closed = true;
  }
}

/**
 * Evaluates `graph` on `inputs` (declared inputs followed by the captures) by binding each
 * equation again: eagerly on concrete tensors, recorded into the active trace on tracers.
 */
export function evalGraph(graph: Graph, inputs: readonly Tensor[]): Tensor[] {
  if (inputs.length !== graph.inputs.length) {
    throw new Error(`internal: evalGraph got ${inputs.length} inputs for a graph of ${graph.inputs.length}`);
  }
  const env = new Map<Var, Tensor>();
  graph.inputs.forEach((v, i) => env.set(v, inputs[i]));
  const read = (a: Atom): Tensor => (a instanceof Literal ? a.value : env.get(a)!);
  for (const e of graph.eqns) {
    const ins = e.inputs.map(read);
    // re-bound under the precision it was traced with, so the dtypes are the recorded ones
    if (e.outs) {
      const outs = atPrecision(e.precision, () => bindAll(e.prim, ins, e.params));
      e.outs.forEach((v, i) => env.set(v, outs[i]));
    } else {
      env.set(e.out, atPrecision(e.precision, () => bind(e.prim, ins, e.params)));
    }
  }
  return graph.outputs.map(read);
}
