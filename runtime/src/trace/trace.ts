/**
 * Tracing: while a jit function's body runs on tracers, every op with a traced input records an
 * equation here instead of computing (JAX's DynamicJaxprTrace). Ops on concrete inputs only still
 * run eagerly; their results enter the graph as literals when a traced op uses them.
 */
import { type DType, getPrecision } from '../dtype';
import type { Shape } from '../shape';
import { Tensor, type TracerRef, type TraceHandle } from '../tensor';
import { JitError } from '../errors';
import { Var, Literal, type Atom, type Eqn, type Graph } from './ir';
import type { Primitive } from '../ops/primitive';

/** Set to false to skip recording call sites (saves a little trace time). */
export const traceOptions = { recordSites: true };

export class Trace {
  private nextId = 0;
  readonly inputs: Var[] = [];
  readonly eqns: Eqn[] = [];
  /** Concrete tensors already turned into literals, so one tensor gives one initializer. */
  private literals = new Map<Tensor, Literal>();
  /** True once the trace finished; tracers of a closed trace must not be used again. */
  closed = false;

  constructor(readonly fnName: string, readonly parent: Trace | undefined) {}

  newVar(shape: Shape, dtype: DType): Var { return new Var(this.nextId++, shape, dtype); }

  /** A traced input of the function (an argument leaf). `deps` names the argument. */
  input(shape: Shape, dtype: DType, deps: readonly string[], weak = false): Tensor {
    const v = this.newVar(shape, dtype);
    this.inputs.push(v);
    return Tensor._traced(shape, dtype, { trace: this, v, deps }, weak);
  }

  /** A tracer standing for a concrete value created inside the trace (`math.tensor(...)` there). */
  constant(t: Tensor, origin: string): Tensor {
    const v = this.newVar(t.shape, t.dtype);
    this.eqns.push({ prim: IDENTITY, inputs: [this.literal(t)], params: undefined, out: v });
    return Tensor._traced(t.shape, t.dtype, { trace: this, v, deps: [], origin });
  }

  literal(t: Tensor): Literal {
    let l = this.literals.get(t);
    if (!l) { l = new Literal(t); this.literals.set(t, l); }
    return l;
  }

  atom(t: Tensor): Atom {
    const tr = t._tracer;
    if (!tr) return this.literal(t);
    if (tr.trace !== this) throw foreignTracerError(t, this);
    return tr.v as Var;
  }

  record(prim: Primitive<any>, ins: readonly Tensor[], params: unknown, shape: Shape, dtype: DType): Tensor {
    const inputs = ins.map((t) => this.atom(t));
    const out = this.newVar(shape, dtype);
    const site = traceOptions.recordSites ? captureSite() : undefined;
    this.eqns.push({ prim, inputs, params, out, site, precision: getPrecision() });
    return Tensor._traced(shape, dtype, { trace: this, v: out, deps: mergeDeps(ins) });
  }

  /** Records a multi-output primitive (a loop): one equation, one tracer per output. */
  recordAll(prim: Primitive<any>, ins: readonly Tensor[], params: unknown, avals: readonly { shape: Shape; dtype: DType }[]): Tensor[] {
    const inputs = ins.map((t) => this.atom(t));
    const outs = avals.map((a) => this.newVar(a.shape, a.dtype));
    const site = traceOptions.recordSites ? captureSite(Trace.prototype.recordAll) : undefined;
    this.eqns.push({ prim, inputs, params, out: outs[0], outs, site, precision: getPrecision() });
    const deps = mergeDeps(ins);
    return outs.map((v) => Tensor._traced(v.shape, v.dtype, { trace: this, v, deps }));
  }

  /** Whether tracers of `other` may be used here (captured): only nested sub-traces capture. */
  canCapture(_other: TraceHandle): boolean { return false; }

  graph(outputs: Atom[]): Graph { return { inputs: this.inputs.slice(), eqns: this.eqns.slice(), outputs }; }
}

/**
 * A trace nested in another one (or in eager code): a loop's body, a function being
 * differentiated. Values of enclosing traces and concrete tensors it uses become captures, extra
 * inputs after the declared ones (JAX's closure conversion); `captured` holds the outer tensors in
 * input order. Concrete scalars stay literals (constants of the sub-graph).
 */
export class SubTrace extends Trace {
  readonly captured: Tensor[] = [];
  private readonly captureVars = new Map<object, Var>();

  constructor(fnName: string, parent: Trace | undefined) { super(fnName, parent); }

  override canCapture(other: TraceHandle): boolean {
    if (other.closed) return false;
    // up through the enclosing sub-traces to the first ordinary trace (a jit function's own
    // trace never captures: its caller inlines it instead)
    for (let p = this.parent; p; p = p instanceof SubTrace ? p.parent : undefined) if (p === other) return true;
    return false;
  }

  override atom(t: Tensor): Atom {
    const tr = t._tracer;
    if (tr && tr.trace === this) return tr.v as Var;
    if (!tr && t.shape.rank === 0) return this.literal(t);
    if (tr && !this.canCapture(tr.trace)) throw foreignTracerError(t, this);
    const key: object = tr ? tr.v : t;
    let v = this.captureVars.get(key);
    if (!v) {
      v = this.newVar(t.shape, t.dtype);
      this.captureVars.set(key, v);
      this.captured.push(t);
    }
    return v;
  }

  /** The closed graph: declared inputs, then one input per capture. */
  override graph(outputs: Atom[]): Graph {
    return { inputs: [...this.inputs, ...this.captureVars.values()], eqns: this.eqns.slice(), outputs };
  }
}

/** Identity primitive used for constants created inside a trace; lowered to nothing. */
const IDENTITY: Primitive<undefined> = {
  name: 'const',
  group: 'movement',
  shape: (ins) => ins[0].shape,
  dtype: (ins) => ins[0].dtype,
  impl: (ins) => ins[0].data,
  lower: (_g, ins) => ins[0].name,
};

/** Frames of tensorjit itself (sources or build output) and of Node: not the user's line. */
const OWN_FRAME = /[\\/](dist|src)[\\/]runtime[\\/]|[\\/]runtime[\\/]src[\\/]|^node:/;

/** `Error\n    at <the first user frame>`, source-mapped when Node maps stack traces. */
function userFrameText(_e: unknown, frames: NodeJS.CallSite[]): string {
  for (const c of frames) {
    const file = c.getFileName();
    if (!file || OWN_FRAME.test(file)) continue;
    let text = c.toString();
    if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) {
      const entry = require('module').findSourceMap?.(file)?.findEntry((c.getLineNumber() ?? 1) - 1, (c.getColumnNumber() ?? 1) - 1);
      if (entry?.originalSource) text = `${c.getFunctionName() ?? '<anonymous>'} (${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1})`;
    }
    return `Error\n    at ${text}`;
  }
  return 'Error';
}

/**
 * The user's line that recorded an equation, as text made now: a captured but unformatted stack
 * keeps every function and receiver on it alive (the jit function, the tensors passed) for as long
 * as the trace is stored, and formatting only the user's frame costs about as little.
 */
function captureSite(fn: Function = Trace.prototype.record): { stack?: string } {
  const prev = Error.prepareStackTrace;
  const site: { stack?: string } = {};
  Error.prepareStackTrace = userFrameText;
  try {
    Error.captureStackTrace(site, fn);
    return { stack: site.stack };
  } finally {
    Error.prepareStackTrace = prev;
  }
}

function mergeDeps(ins: readonly Tensor[]): readonly string[] {
  let deps: readonly string[] | undefined;
  for (const t of ins) {
    const d = t._tracer?.deps;
    if (!d || d.length === 0) continue;
    if (!deps) { deps = d; continue; }
    if (deps === d) continue;
    const merged = new Set(deps);
    for (const x of d) merged.add(x);
    if (merged.size !== deps.length) deps = [...merged].slice(0, 8);
  }
  return deps ?? [];
}

// --- the trace stack ---
let current: Trace | undefined;

export function currentTrace(): Trace | undefined { return current; }

/** Runs `fn` with `trace` as the active trace, restoring the previous one afterwards. */
export function withTrace<T>(trace: Trace, fn: () => T): T {
  const prev = current;
  current = trace;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** Thrown when a tracer of another (outer or finished) trace is used. */
export class ForeignTracerError extends JitError {
  constructor(message: string, readonly tracer: TracerRef) { super(message); }
}

export function foreignTracerError(t: Tensor, inTrace: Trace | undefined): ForeignTracerError {
  const tr = t._tracer!;
  if (tr.trace.closed) {
    return new ForeignTracerError(
      `A traced value of jit function '${tr.trace.fnName}' was used after its trace ended (it leaked out, e.g. through a ` +
        `global or a closure). Return it from the function instead, or compute it outside the jit function.`, tr);
  }
  return new ForeignTracerError(
    `A traced value of jit function '${tr.trace.fnName}' was used while tracing '${inTrace?.fnName ?? '(no trace)'}'. ` +
      `Pass it to '${inTrace?.fnName}' as an argument instead of capturing it in a closure.`, tr);
}
