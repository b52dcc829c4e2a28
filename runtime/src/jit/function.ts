/**
 * JitFunction: ΦML's jit_compile. The first call with a new argument signature traces the JS body
 * into a graph, which is lowered to ONNX and run by onnxruntime; calls that match a stored trace
 * run the compiled model without running the body. See API.md "JIT" for the contract.
 */
import * as fs from 'fs';
import * as nodePath from 'path';
import { Tensor } from '../tensor';
import { Shape } from '../shape';
import { FLOAT, type DType, type TypedArray, isIntegralNumber, weakNumberData } from '../dtype';
import { JitError, CompiledRunError, ConfigError, DeviceError, TensorDataError } from '../errors';
import { Trace, currentTrace, withTrace, ForeignTracerError } from '../trace/trace';
import { Var, formatGraph, graphWork, type Atom, type Graph } from '../trace/ir';
import { optimize } from '../trace/optimize';
import { evalGraph } from '../trace/subgraph';
import { lowerGraph, type LoweredModel } from '../onnx/lower';
import { decodeModel } from '../onnx/proto';
import { OrtSession, threadsFor, type IOSpec } from '../session/ort';
import { deviceGeneration } from '../session/device';
import { AsyncSession } from '../session/async';
import { parseParams, type ParamInfo } from './params';
import { keyOf, auxKeyOf, treeKeyOf, describeTree, rebuild, objectKind } from './tree';
import { currentBackend } from './backend';
import { checkTransformed } from './untransformed';
import { admit, leave, tick, maxSessions, type Pooled } from '../session/pool';
import { checkOptions, describeValue, isPlainObject } from '../validate';

/** Metadata the tensorjit transformer injects, so the runtime needs no source parsing. */
export interface JitMeta {
  /** Parameter names in order; a rest parameter as `...name`. */
  readonly params: readonly string[];
  /** Version of the transformer that wrote this. */
  readonly version: string;
  /** `file.ts:line:col` of the function. */
  readonly source?: string;
  /** Compile-time errors: calling the function throws them instead of running wrong code. */
  readonly errors?: readonly string[];
}

export interface JitOptions {
  /** Parameters passed as concrete values (part of the cache key, by value): `'a,b'` or `['a', 'b']`. */
  readonly auxiliaryArgs?: string | readonly string[];
  /** Keep only the newest trace (earlier traces and their sessions are released). */
  readonly forgetTraces?: boolean;
  /** Name used in messages (defaults to the function's name). */
  readonly name?: string;
  readonly meta?: JitMeta;
  /**
   * `false`: this function is meant to run without the tensorjit transformer (its `if`s on tensors
   * are plain JS), which silences the TENSORJIT_UNTRANSFORMED warning.
   */
  readonly transformed?: boolean;
}

/** Every option name `jitCompile` / `@jit(...)` take: any other name is an error (a typo must not be ignored). */
const JIT_OPTIONS: readonly (keyof JitOptions)[] = ['auxiliaryArgs', 'forgetTraces', 'name', 'meta', 'transformed'];

/** What `fun.traces` lists: one entry per stored trace. */
export interface TraceInfo {
  /** The argument signature, e.g. `x: (xˢ=4) float32, fac: () float32`. */
  readonly signature: string;
  /** The traced program (IR), after common-subexpression and dead-code elimination. */
  readonly graph: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Number of equations in the traced program. */
  readonly ops: number;
  /** Whether an onnxruntime session is currently loaded for it, and where. */
  readonly session: 'cpu' | 'cuda' | 'none';
}

export interface JitFunction<F extends (...args: any[]) => any = (...args: any[]) => any> {
  (...args: Parameters<F>): ReturnType<F>;
  /** Stored traces (`fun.traces.length` is the count). */
  readonly traces: readonly TraceInfo[];
  /** Drops all traces and releases their onnxruntime sessions. */
  forgetTraces(): void;
  /** Like a call, but returns a Promise: the compiled model runs in a worker thread, so the event loop stays free. */
  async(...args: Parameters<F>): Promise<ReturnType<F>>;
  /** Writes the model traced for these arguments as a standalone `.onnx` file (inputs and outputs named after the arguments). */
  exportOnnx(path: string, ...args: Parameters<F>): { inputs: readonly string[]; outputs: readonly string[] };
  /** The wrapped function. */
  readonly f: F;
  readonly auxiliaryArgs: readonly string[];
  readonly forgetTracesOption: boolean;
}

const JIT_STATE = Symbol.for('tensorjit.jitState');
const TRACE_WARNING_AT = 10;

/**
 * Number leaves are traced as weak scalars that hold the number exactly: int64 for integral
 * numbers, float64 otherwise (the class is in the cache key); bigints as int64.
 */
function leafSpec(leaf: unknown): { shape: Shape; dtype: DType; weak: boolean } {
  if (leaf instanceof Tensor) return { shape: leaf.shape, dtype: leaf.dtype, weak: leaf._weak };
  if (typeof leaf === 'bigint') return { shape: Shape.EMPTY, dtype: 'int64', weak: false };
  return { shape: Shape.EMPTY, dtype: isIntegralNumber(leaf as number) ? 'int64' : 'float64', weak: true };
}

interface Signature {
  readonly passed: readonly string[];
  readonly aux: ReadonlyMap<string, string>;
  readonly trees: ReadonlyMap<string, { key: string; text: string }>;
  readonly specs: readonly { shape: string; dtype: string }[];
  /** Auxiliary values as text (for the retrace warning). */
  readonly auxText: ReadonlyMap<string, string>;
}

/** One traced leaf of a stored trace, for saying what changed between traces. */
interface LeafInfo { readonly param: string; readonly path: string; readonly shape: Shape; readonly dtype: DType }

/** How outputs are rebuilt from the compiled run: a template mirroring the returned value. */
type OutNode =
  | { k: 'out'; index: number; shape: Shape; dtype: DType }
  | { k: 'value'; value: unknown }
  /** A concrete tensor returned by the body: each call gets its own copy (tensors are values). */
  | { k: 'const'; shape: Shape; dtype: DType; data: TypedArray }
  | { k: 'array'; items: OutNode[] }
  | { k: 'object'; proto: object | null; keys: string[]; items: OutNode[] };

/** One stored trace: the graph, its ONNX model and (lazily) an onnxruntime session. */
class CompiledTrace implements Pooled {
  session: OrtSession | undefined;
  lastUsed = 0;
  private readonly scratch: TypedArray[];
  private readonly feed: TypedArray[];
  private model: LoweredModel | undefined;

  constructor(
    readonly owner: JitState,
    readonly key: string,
    readonly signature: Signature,
    readonly graph: Graph,
    readonly inputs: readonly IOSpec[],
    readonly outputs: readonly IOSpec[],
    readonly plan: OutNode,
    readonly description: string,
    readonly leafInfo: readonly LeafInfo[],
  ) {
    this.scratch = inputs.map((io) => (io.dtype === 'int64' ? new BigInt64Array(1) : io.dtype === 'float64' ? new Float64Array(1) : new Float32Array(1)));
    this.feed = new Array(inputs.length);
  }

  get lowered(): LoweredModel {
    if (!this.model) this.model = lowerGraph(this.graph, this.owner.name, this.inputs.map((i) => i.name), this.outputs.map((o) => o.name));
    return this.model;
  }

  /** Runs the compiled model on the traced leaves of a matching call. */
  run(leaves: readonly unknown[]): unknown {
    if (this.outputs.length === 0) return assemble(this.plan, []);
    let s = this.session;
    if (s === undefined || s.generation !== deviceGeneration()) s = this.load();
    this.lastUsed = tick();
    const feed = this.fillFeed(leaves);
    let outs: TypedArray[];
    try {
      outs = s.run(feed);
    } catch (e) {
      throw this.owner.runError(e, this, 'run');
    } finally {
      feed.fill(undefined as never);
    }
    return assemble(this.plan, outs);
  }

  private fillFeed(leaves: readonly unknown[]): TypedArray[] {
    const feed = this.feed;
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i];
      if (leaf instanceof Tensor) feed[i] = leaf._data!;
      else {
        const buf = this.scratch[i];
        buf[0] = (typeof leaf === 'number' && buf instanceof BigInt64Array ? BigInt(leaf) : leaf) as never;
        feed[i] = buf;
      }
    }
    return feed;
  }

  private asyncSession: AsyncSession | undefined;

  /** Runs the compiled model in the worker thread (the event loop stays free). */
  async runAsync(leaves: readonly unknown[]): Promise<unknown> {
    if (this.outputs.length === 0) return assemble(this.plan, []);
    if (!this.asyncSession) {
      const work = graphWork(this.graph);
      this.asyncSession = new AsyncSession(() => this.lowered.bytes, this.inputs, this.outputs, threadsFor(work));
    }
    const data = this.fillFeed(leaves).slice();
    this.feed.fill(undefined as never);
    let outs: TypedArray[];
    try {
      outs = await this.asyncSession.run(data);
    } catch (e) {
      const err = this.owner.runError(e, this, 'run');
      // a model that cannot load in the worker will never run: the trace is not kept
      if (!this.ranOnce && /could not load|Exception during initialization|Load model/i.test(String((e as Error)?.message))) this.owner.drop(this);
      throw err;
    }
    this.ranOnce = true;
    return assemble(this.plan, outs);
  }

  /** Whether a call of this trace has succeeded (a trace whose model never loads is dropped). */
  ranOnce = false;

  /** Creates the onnxruntime session (evicting the least recently used one beyond the limit). */
  load(): OrtSession {
    this.release();
    maxSessions(); // a bad TENSORJIT_MAX_SESSIONS is refused before a session is built
    let session: OrtSession;
    try {
      const work = graphWork(this.graph);
      session = new OrtSession(this.lowered.bytes, this.inputs, this.outputs, { threads: threadsFor(work) });
    } catch (e) {
      throw this.owner.runError(e, this, 'load');
    }
    this.session = session;
    admit(this);
    return session;
  }

  release(): void {
    if (this.session) {
      this.session.release();
      this.session = undefined;
    }
    leave(this);
  }

  evict(): void { this.release(); }

  /** Releases the main-thread session and the worker's copy. */
  dispose(): void {
    this.release();
    this.asyncSession?.release();
    this.asyncSession = undefined;
  }

  info(): TraceInfo {
    return {
      signature: this.description,
      graph: formatGraph(this.graph),
      inputs: this.inputs.map((i) => `${i.name}: ${shapeText(i)}`),
      outputs: this.outputs.map((o) => `${o.name}: ${shapeText(o)}`),
      ops: this.graph.eqns.length,
      session: this.session ? this.session.device : 'none',
    };
  }
}

function shapeText(io: IOSpec): string { return `${io.dtype}[${io.dims.join(',')}]`; }

function assemble(node: OutNode, outs: readonly TypedArray[]): unknown {
  switch (node.k) {
    case 'out': return Tensor._concrete(node.shape, node.dtype, outs[node.index]);
    case 'value': return node.value;
    case 'const': return Tensor._concrete(node.shape, node.dtype, node.data.slice());
    case 'array': return node.items.map((n) => assemble(n, outs));
    case 'object': {
      const o = Object.create(node.proto);
      node.keys.forEach((k, i) => { o[k] = assemble(node.items[i], outs); });
      return o;
    }
  }
}

function sanitize(path: string): string {
  return path.replace(/\[(\d+)\]/g, '_$1').replace(/[^\w]/g, '_').replace(/^(\d)/, '_$1') || 'value';
}

/** The state behind one jit function (or one decorated method). */
export class JitState {
  readonly params: readonly ParamInfo[];
  readonly aux: ReadonlySet<string>;
  readonly entries = new Map<string, CompiledTrace>();
  private warnedJs = false;
  private warnedRetrace = false;

  constructor(
    readonly fn: (...args: any[]) => any,
    readonly name: string,
    readonly auxList: readonly string[],
    readonly forget: boolean,
    readonly isMethod: boolean,
    readonly meta: JitMeta | undefined,
  ) {
    const params: ParamInfo[] = meta
      ? meta.params.map((p) => ({ name: p.replace(/^\.\.\./, ''), rest: p.startsWith('...'), hasDefault: false, named: true }))
      : parseParams(fn);
    this.params = isMethod ? [{ name: 'this', rest: false, hasDefault: false, named: true }, ...params] : params;
    for (const a of auxList) {
      if (!this.params.some((p) => p.name === a && p.name !== 'this')) {
        const names = params.map((p) => (p.rest ? '...' : '') + p.name).join(', ') || 'none';
        throw new JitError(`auxiliaryArgs names '${a}', which is not a parameter of ${this.name} (parameters: ${names})`);
      }
    }
    this.aux = new Set(auxList);
  }

  /** Parameter values in signature order (undefined: not passed). */
  bindArgs(thisArg: unknown, args: readonly unknown[]): unknown[] {
    const params = this.params;
    const own = this.isMethod ? params.length - 1 : params.length;
    const offset = this.isMethod ? 1 : 0;
    const values = new Array<unknown>(params.length);
    if (this.isMethod) values[0] = thisArg;
    const restAt = params.findIndex((p) => p.rest);
    if (restAt < 0 && args.length > own) {
      throw new JitError(`${this.name} takes ${own} parameter${own === 1 ? '' : 's'} (${params.slice(offset).map((p) => p.name).join(', ')}) but was called with ${args.length} arguments`);
    }
    for (let i = offset; i < params.length; i++) {
      if (i === restAt) { values[i] = args.length > i - offset ? args.slice(i - offset) : undefined; break; }
      values[i] = args[i - offset];
    }
    return values;
  }

  /** The cache key of bound arguments and their traced leaves (the hot path). */
  keyOf(values: readonly unknown[], leaves: unknown[]): string {
    let key = FLOAT === 'float32' ? '' : 'P64;'; // the global precision decides every float dtype of the trace
    const params = this.params;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined) continue;
      const name = params[i].name;
      key += this.aux.has(name) ? `${name}=A${auxKeyOf(v)}` : `${name}=${keyOf(v, leaves)}`;
    }
    return key;
  }

  call(thisArg: unknown, args: readonly unknown[]): unknown {
    if (this.meta?.errors?.length) {
      throw new JitError(`${this.name} was not compiled: the tensorjit transformer reported\n${this.meta.errors.map((e) => '  ' + e).join('\n')}`);
    }
    if (currentBackend() === 'js') {
      if (!this.warnedJs) {
        this.warnedJs = true;
        process.emitWarning(`jitCompile() not supported by the 'js' backend. Running function '${this.name}' as-is.`, 'RuntimeWarning');
      }
      return this.fn.apply(thisArg, args as unknown[]);
    }
    const values = this.bindArgs(thisArg, args);
    if (currentTrace() !== undefined) return this.inline(thisArg, args, values);
    const leaves: unknown[] = [];
    const key = this.keyOf(values, leaves);
    const entry = this.entries.get(key) ?? this.traceNew(values, key, thisArg, true, true);
    return entry.run(leaves);
  }

  /**
   * Traces the body for a new signature and stores the trace. Nothing is stored if it fails:
   * with `load`, that includes a model onnxruntime refuses to load (e.g. an int `mod` by a
   * constant 0), so no call can ever hit a trace that cannot run.
   */
  traceNew(values: readonly unknown[], key: string, thisArg: unknown, compile: boolean, load = false): CompiledTrace {
    const reason = this.entries.size > 0 ? this.reason(values) : '';
    const trace = new Trace(this.name, currentTrace());
    const inputs: IOSpec[] = [];
    const used = new Set<string>();
    const unique = (base: string) => {
      let n = sanitize(base), k = 1;
      while (used.has(n)) n = `${sanitize(base)}_${k++}`;
      used.add(n);
      return n;
    };
    const descr: string[] = [];
    const leafInfo: LeafInfo[] = [];
    const callArgs: unknown[] = [];
    let tracedThis = thisArg;
    this.params.forEach((p, i) => {
      const v = values[i];
      let arg: unknown;
      if (v === undefined) arg = undefined;
      else if (this.aux.has(p.name)) {
        auxKeyOf(v); // refuses traced aux values with a clear error
        arg = v;
        descr.push(`${p.name}=${describeAux(v)}`);
      } else {
        arg = rebuild(v, p.name, (leaf, path) => {
          const spec = leafSpec(leaf);
          const name = unique(path);
          inputs.push({ name, dims: spec.shape.sizes as number[], dtype: spec.dtype });
          descr.push(`${path}: ${spec.shape} ${spec.dtype}`);
          leafInfo.push({ param: p.name, path, shape: spec.shape, dtype: spec.dtype });
          return trace.input(spec.shape, spec.dtype, [path], spec.weak);
        });
      }
      if (this.isMethod && i === 0) tracedThis = arg;
      else if (p.rest) { if (Array.isArray(arg)) callArgs.push(...arg); }
      else callArgs[i - (this.isMethod ? 1 : 0)] = arg;
    });
    // trailing "not passed" parameters are left out so that default values apply
    while (callArgs.length && callArgs[callArgs.length - 1] === undefined) callArgs.pop();
    let result: unknown;
    try {
      result = withTrace(trace, () => this.fn.apply(tracedThis, callArgs));
    } catch (e) {
      throw this.explainBodyError(e, values);
    } finally {
      trace.closed = true;
    }
    if (result instanceof Promise) {
      throw new JitError(`${this.name} returned a Promise: jit functions must be synchronous (no async / await)`);
    }
    const outputs: Atom[] = [];
    const outSpecs: IOSpec[] = [];
    const outUsed = new Set<string>(used);
    const outName = (base: string) => {
      let n = sanitize(base), k = 1;
      while (outUsed.has(n)) n = `${sanitize(base)}_${k++}`;
      outUsed.add(n);
      return n;
    };
    const plan = this.outputPlan(result, 'output', trace, outputs, outSpecs, outName, 0);
    const graph = optimize(trace.graph(outputs));
    const entry = new CompiledTrace(this, key, this.signatureOf(values), graph, inputs, outSpecs, plan, descr.join(', '), leafInfo);
    if (compile) void entry.lowered; // lowering errors surface now, before anything is stored
    let deferred: unknown;
    if (load && outSpecs.length > 0) {
      try {
        entry.load();
      } catch (e) {
        // the device or the configuration failed, not the model: the trace is kept and the
        // session retried on the next call; a model that cannot load is never stored
        if (e instanceof DeviceError || e instanceof ConfigError) deferred = e;
        else { entry.dispose(); throw e; }
      }
    }
    const warn = !this.warnedRetrace && this.entries.size + 1 >= TRACE_WARNING_AT;
    let previous: CompiledTrace | undefined;
    if (warn) for (const e of this.entries.values()) previous = e;
    if (this.forget) this.forgetTraces();
    this.entries.set(key, entry);
    if (warn && this.entries.size >= TRACE_WARNING_AT) {
      this.warnedRetrace = true; // once per function: a warning per trace would flood the log
      const changed = previous ? this.describeChange(previous, entry) : '';
      process.emitWarning(
        `tensorjit: the jit function '${this.name}' was traced ${this.entries.size} times.\n` +
          'Performing many traces may be slow and use much memory.\n' +
          'Re-tracing occurs when the structure of the arguments, the shapes or dtypes of traced tensors, or the values of auxiliary arguments change.\n' +
          `Set { forgetTraces: true } to keep only the newest trace. Tracing reason: ${reason}` +
          (changed ? `\nChanged since the previous trace: ${changed}` : '') +
          '\n(This warning is shown once per function.)',
        'RuntimeWarning',
      );
    }
    if (deferred !== undefined) throw deferred;
    return entry;
  }

  /** What differs between two traces' arguments, by argument name: `argument 'x' changed shape: (xˢ=9) → (xˢ=10)`. */
  describeChange(a: CompiledTrace, b: CompiledTrace): string {
    const sa = a.signature, sb = b.signature;
    const out: string[] = [];
    const arg = (p: string) => (this.aux.has(p) ? `auxiliary argument '${p}'` : `argument '${p}'`);
    for (const p of sb.passed) if (!sa.passed.includes(p)) out.push(`${arg(p)} was not passed before`);
    for (const p of sa.passed) if (!sb.passed.includes(p)) out.push(`${arg(p)} is not passed any more`);
    for (const p of sb.passed) {
      if (!sa.passed.includes(p)) continue;
      if (this.aux.has(p)) {
        if (sa.aux.get(p) !== sb.aux.get(p)) out.push(`${arg(p)} changed value: ${sa.auxText.get(p)} → ${sb.auxText.get(p)}`);
        continue;
      }
      const ta = sa.trees.get(p)!, tb = sb.trees.get(p)!;
      if (ta.key !== tb.key) { out.push(`${arg(p)} changed structure: ${ta.text} → ${tb.text}`); continue; }
      const la = a.leafInfo.filter((l) => l.param === p), lb = b.leafInfo.filter((l) => l.param === p);
      lb.forEach((l, i) => {
        const o = la[i];
        if (!o) return;
        const where = l.path === p ? arg(p) : `${arg(p)} (${l.path})`;
        if (!o.shape.equals(l.shape)) out.push(`${where} changed shape: ${o.shape} → ${l.shape}`);
        if (o.dtype !== l.dtype) out.push(`${where} changed dtype: ${o.dtype} → ${l.dtype}`);
      });
    }
    return out.length > 4 ? `${out.slice(0, 4).join('; ')} (and ${out.length - 4} more)` : out.join('; ');
  }

  /**
   * A TypeError from the body while some argument is a string, boolean, null or missing is almost
   * always that argument's fault (`x.mul is not a function`): say which argument and what it takes.
   */
  private explainBodyError(e: unknown, values: readonly unknown[]): unknown {
    // a raw TypeError of the body, or an op refusing a string / null operand (`x.mul('abc')`)
    if (!(e instanceof TypeError) && !(e instanceof TensorDataError && e.message.startsWith('Expected a tensor or a number'))) return e;
    const notes: string[] = [];
    this.params.forEach((p, i) => {
      if (this.aux.has(p.name) || (this.isMethod && i === 0)) return;
      const v = values[i];
      if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'symbol' || v === null) notes.push(`argument '${p.name}' is ${describeValue(v)}`);
      else if (v === undefined && !p.hasDefault && !p.rest) notes.push(`argument '${p.name}' was not passed (undefined)`);
    });
    if (!notes.length) return e;
    const err = new JitError(
      `${this.name}: tracing failed with ${e.name}: ${e.message}\n  ${notes.join('\n  ')}\n` +
        '  A jit function traces tensors, JS numbers and bigints (and arrays or objects of them); strings, booleans and null ' +
        'are passed to the body as they are. Pass every parameter, as a tensor (math.tensor(...)) where the body computes with it, ' +
        'or list the parameter in auxiliaryArgs if the body uses it as a JS value.',
    );
    (err as { cause?: unknown }).cause = e;
    return err;
  }

  /** Removes a stored trace and releases its sessions (a trace whose model turned out not to load). */
  drop(entry: CompiledTrace): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    entry.dispose();
  }

  private outputPlan(v: unknown, path: string, trace: Trace, outputs: Atom[], specs: IOSpec[], name: (p: string) => string, depth: number): OutNode {
    if (depth > 64) throw new JitError(`${this.name} returned a value that is too deep or cyclic`);
    if (v instanceof Tensor) {
      // a constant: no graph output; every call returns a fresh copy, so mutating one result's
      // .data cannot change the next call's (one copy of a constant, only when one is returned)
      if (!v._tracer) return { k: 'const', shape: v.shape, dtype: v.dtype, data: v._data! };
      if (v._tracer.trace !== trace) {
        throw new JitError(`${this.name} returned a traced value of '${v._tracer.trace.fnName}' from another trace; return values computed from this function's arguments`);
      }
      outputs.push(v._tracer.v as Var);
      specs.push({ name: name(path), dims: v.shape.sizes as number[], dtype: v.dtype });
      return { k: 'out', index: outputs.length - 1, shape: v.shape, dtype: v.dtype };
    }
    if (v === null || typeof v !== 'object') return { k: 'value', value: v };
    const kind = objectKind(v);
    if (kind === 'array') return { k: 'array', items: (v as unknown[]).map((x, i) => this.outputPlan(x, `${path}_${i}`, trace, outputs, specs, name, depth + 1)) };
    if (kind === 'opaque' || v instanceof Shape) return { k: 'value', value: v };
    const keys = Object.keys(v);
    return { k: 'object', proto: Object.getPrototypeOf(v), keys, items: keys.map((k) => this.outputPlan((v as any)[k], `${path}_${k}`, trace, outputs, specs, name, depth + 1)) };
  }

  /** A call made while another jit function is being traced: inline this function's trace there. */
  private inline(thisArg: unknown, args: readonly unknown[], values: readonly unknown[]): unknown {
    const leaves: unknown[] = [];
    const key = this.keyOf(values, leaves);
    let entry = this.entries.get(key);
    if (!entry) {
      try {
        entry = this.traceNew(values, key, thisArg, false);
      } catch (e) {
        // the body captured a tracer of the outer function: run it inline instead of as its own trace
        if (e instanceof ForeignTracerError) return this.fn.apply(thisArg, args as unknown[]);
        throw e;
      }
    }
    const ins = entry.graph.inputs.map((v, i) => {
      const leaf = leaves[i];
      return leaf instanceof Tensor ? leaf : Tensor._concrete(Shape.EMPTY, v.dtype, typeof leaf === 'bigint' ? BigInt64Array.of(leaf) : weakNumberData(leaf as number, v.dtype));
    });
    return assembleTensors(entry.plan, evalGraph(entry.graph, ins));
  }

  signatureOf(values: readonly unknown[]): Signature {
    const passed: string[] = [];
    const aux = new Map<string, string>();
    const trees = new Map<string, { key: string; text: string }>();
    const specs: { shape: string; dtype: string }[] = [];
    const auxText = new Map<string, string>();
    this.params.forEach((p, i) => {
      const v = values[i];
      if (v === undefined) return;
      passed.push(p.name);
      if (this.aux.has(p.name)) { aux.set(p.name, auxKeyOf(v)); auxText.set(p.name, valueText(v)); return; }
      const leaves: unknown[] = [];
      keyOf(v, leaves);
      trees.set(p.name, { key: treeKeyOf(v), text: describeTree(v) });
      for (const l of leaves) {
        const s = leafSpec(l);
        specs.push({ shape: s.shape.key, dtype: s.dtype + (s.weak ? 'w' : '') });
      }
    });
    return { passed, aux, trees, specs, auxText };
  }

  /** Why a call with these arguments would trace, compared with every stored trace ('' = it would not). */
  reason(values: readonly unknown[]): string {
    if (this.entries.size === 0) return 'Function has not yet been traced';
    const leaves: unknown[] = [];
    if (this.entries.has(this.keyOf(values, leaves))) return '';
    const sig = this.signatureOf(values);
    const all = [...this.entries.values()].map((e) => e.signature);
    const sameMap = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
    const auxOk = all.filter((s) => sameMap(s.aux, sig.aux));
    if (!auxOk.length) return 'Auxiliary arguments do not match';
    const primary = (s: Signature) => s.passed.filter((p) => !this.aux.has(p));
    const setText = (names: string[]) => `{${names.slice().sort().map((n) => `'${n}'`).join(', ')}}`;
    const passOk = auxOk.filter((s) => primary(s).join(',') === primary(sig).join(','));
    if (!passOk.length) return `Different primary arguments passed: ${setText(primary(auxOk[auxOk.length - 1]))} vs ${setText(primary(sig))}`;
    const treeOk = passOk.filter((s) => primary(s).every((p) => s.trees.get(p)!.key === sig.trees.get(p)!.key));
    if (!treeOk.length) {
      const ref = passOk[passOk.length - 1];
      const p = primary(ref).find((n) => ref.trees.get(n)!.key !== sig.trees.get(n)!.key)!;
      return `Primary argument '${p}' differs in non-traced variables: ${ref.trees.get(p)!.text} vs ${sig.trees.get(p)!.text}`;
    }
    const shapesOnly = (s: Signature) => s.specs.map((x) => x.shape).join(';');
    return treeOk.some((s) => shapesOnly(s) === shapesOnly(sig)) ? 'Traced variables differ in dtype' : 'Traced variables differ in shape';
  }

  forgetTraces(): void {
    for (const e of this.entries.values()) e.dispose();
    this.entries.clear();
  }

  /** `fun.async(...)`: traces (synchronously) if needed, then runs in the worker thread. */
  callAsync(thisArg: unknown, args: readonly unknown[]): Promise<unknown> {
    if (this.meta?.errors?.length || currentBackend() === 'js' || currentTrace() !== undefined) {
      return new Promise((resolve) => resolve(this.call(thisArg, args)));
    }
    try {
      const values = this.bindArgs(thisArg, args);
      const leaves: unknown[] = [];
      const key = this.keyOf(values, leaves);
      const entry = this.entries.get(key) ?? this.traceNew(values, key, thisArg, true);
      return entry.runAsync(leaves);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Wraps an onnxruntime failure with the function, and the op and user line that emitted the failing node. */
  runError(e: unknown, entry: CompiledTrace, phase: 'run' | 'load'): Error {
    if (!(e instanceof Error) || e.name === 'DeviceError' || e.name === 'ConfigError') return e as Error;
    const msg = e.message;
    const m = /\be(\d+)_([A-Za-z]+)_\d+/.exec(msg) ?? kernelNode(msg, entry);
    let where = '';
    if (m) {
      const eqn = entry.graph.eqns[Number(m[1])];
      if (eqn) {
        const site = userFrame(eqn.site?.stack);
        where = ` in op '${eqn.prim.name}' (ONNX ${m[2]})${site ? ` called at ${site}` : ''}`;
      }
    }
    const what = phase === 'load' ? 'could not load the compiled model of' : 'failed while running';
    const fix = /(modulo|divide|division) by zero/i.test(msg) ? ' (an integer divisor is 0; guard it, e.g. math.where(b.eq(0), 1, b), or use float values)' : '';
    return new CompiledRunError(`onnxruntime ${what} jit function '${this.name}'${where}: ${msg.split('\n')[0]}${fix}`, e);
  }
}

/**
 * A kernel that refuses its node while the session loads (`onnxruntime::Mod::Mod(...) Integer
 * modulo by zero`) names its op type but not the node: find the node of that type in the model.
 */
function kernelNode(msg: string, entry: CompiledTrace): [string, string, string] | null {
  const op = /onnxruntime::(\w+)::\1\(/.exec(msg)?.[1];
  if (!op) return null;
  try {
    for (const n of decodeModel(entry.lowered.bytes).graph.node ?? []) {
      const m = n.opType === op ? /^e(\d+)_/.exec(n.name ?? '') : null;
      if (m) return [n.name!, m[1], op];
    }
  } catch { /* no better location */ }
  return null;
}

/** An auxiliary value as text, with its values (for saying what changed), cut at 60 characters. */
function valueText(v: unknown): string {
  const text = (x: unknown, depth: number): string => {
    if (x instanceof Tensor) return String(x);
    if (typeof x === 'string') return JSON.stringify(x);
    if (typeof x === 'bigint') return `${x}n`;
    if (x === null || typeof x !== 'object' || depth > 3) return typeof x === 'function' ? `function ${x.name || '(anonymous)'}` : String(x);
    if (x instanceof Shape) return String(x);
    if (Array.isArray(x)) return `[${x.map((y) => text(y, depth + 1)).join(', ')}]`;
    const kind = objectKind(x);
    if (kind === 'opaque') return describeTree(x);
    const body = Object.keys(x).map((k) => `${k}: ${text((x as any)[k], depth + 1)}`).join(', ');
    return kind === 'plain' ? `{ ${body} }` : `${x.constructor.name} { ${body} }`;
  };
  const t = text(v, 0);
  return t.length > 60 ? t.slice(0, 57) + '...' : t;
}

function describeAux(v: unknown): string {
  if (v instanceof Tensor) return String(v);
  return describeTree(v);
}

function userFrame(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const lines = stack.split('\n').slice(1).map((l) => l.trim());
  const ours = /[\\/](dist|src)[\\/]runtime[\\/]|[\\/]runtime[\\/]src[\\/]|node:internal/;
  const frame = lines.find((l) => l.startsWith('at ') && !ours.test(l));
  return frame?.replace(/^at\s+/, '');
}

function assembleTensors(node: OutNode, outs: readonly Tensor[]): unknown {
  switch (node.k) {
    case 'out': return outs[node.index];
    case 'value': return node.value;
    case 'const': return Tensor._concrete(node.shape, node.dtype, node.data.slice());
    case 'array': return node.items.map((n) => assembleTensors(n, outs));
    case 'object': {
      const o = Object.create(node.proto);
      node.keys.forEach((k, i) => { o[k] = assembleTensors(node.items[i], outs); });
      return o;
    }
  }
}

function normaliseAux(aux: JitOptions['auxiliaryArgs'], fnName: string): string[] {
  if (aux === undefined) return [];
  if (typeof aux === 'string') return aux.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (Array.isArray(aux) && aux.every((a) => typeof a === 'string')) return aux.map((s) => s.trim()).filter((s) => s.length > 0);
  throw new JitError(`auxiliaryArgs of ${fnName} must be a comma-separated string ('a,b') or an array of names (['a', 'b']), got ${typeof aux}`);
}

/** The JitState of a jit function (or decorated method), if it is one. */
export function jitStateOf(f: unknown): JitState | undefined {
  return typeof f === 'function' ? (f as any)[JIT_STATE] : undefined;
}

/**
 * Checked before tracing, so a bad path fails at once (not after the trace) with what to do,
 * instead of Node's bare ENOENT / EISDIR.
 */
function checkExportPath(path: unknown, name: string): void {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new JitError(`${name}.exportOnnx(path, ...args): give the file path first, e.g. exportOnnx('${name}.onnx', x); got ${describeValue(path)}`);
  }
  const stat = (p: string) => { try { return fs.statSync(p); } catch { return undefined; } };
  if (stat(path)?.isDirectory()) {
    throw new JitError(`${name}.exportOnnx: '${path}' is a directory; give a file path such as '${nodePath.join(path, `${name.replace(/[^\w.-]/g, '_')}.onnx`)}'`);
  }
  const dir = nodePath.dirname(nodePath.resolve(path));
  const d = stat(dir);
  if (!d) throw new JitError(`${name}.exportOnnx: cannot write '${path}': the directory '${dir}' does not exist; create it first (fs.mkdirSync('${dir}', { recursive: true }))`);
  if (!d.isDirectory()) throw new JitError(`${name}.exportOnnx: cannot write '${path}': '${dir}' is a file, not a directory`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new JitError(`${name}.exportOnnx: cannot write '${path}': no permission to write in '${dir}'; choose another directory`);
  }
}

/** Options of jitCompile / @jit: a record with known names and values of the right types. */
function checkJitOptions(options: unknown, where: string): JitOptions {
  if (options === undefined) return {};
  if (typeof options === 'string') {
    throw new JitError(`${where}: options must be an object, got the string ${JSON.stringify(options)}; to make it an auxiliary argument write { auxiliaryArgs: ${JSON.stringify(options)} }`);
  }
  checkOptions(where, options, JIT_OPTIONS, (m) => new JitError(m));
  const o = options as JitOptions;
  for (const k of ['forgetTraces', 'transformed'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new JitError(`${where}: ${k} must be true or false, got ${describeValue(o[k])}`);
  }
  if (o.name !== undefined && typeof o.name !== 'string') throw new JitError(`${where}: name must be a string, got ${describeValue(o.name)}`);
  if (o.meta !== undefined && !(isPlainObject(o.meta) && Array.isArray(o.meta.params))) throw new JitError(`${where}: meta is written by the tensorjit transformer ({ params, version }); got ${describeValue(o.meta)}`);
  return o;
}

/**
 * Releases the sessions of jit functions that were garbage-collected: a function nobody can call
 * any more must not keep onnxruntime sessions (thread pools, arenas) for the life of the process.
 * The held value is the state, which never references the function object itself.
 */
const collected = new FinalizationRegistry<JitState>((state) => state.forgetTraces());

function makeState(fn: Function, options: JitOptions, isMethod: boolean, methodName?: string): JitState {
  if (typeof fn !== 'function') throw new JitError(`jitCompile expects a function, got ${fn === null ? 'null' : typeof fn}`);
  const name = options.name ?? methodName ?? (fn.name || '<anonymous>');
  checkTransformed(fn, name, options.transformed, options.meta !== undefined);
  // a function the transformer rejected must load fine and throw its diagnostics when called
  if (options.meta?.errors?.length) return new JitState(fn as any, name, [], options.forgetTraces ?? false, isMethod, options.meta);
  if (Object.prototype.toString.call(fn) === '[object AsyncFunction]') throw new JitError(`${name} is async: jit functions must be synchronous`);
  if (/^\[object (Async)?GeneratorFunction\]$/.test(Object.prototype.toString.call(fn))) throw new JitError(`${name} is a generator: jit functions must return tensors`);
  return new JitState(fn as any, name, normaliseAux(options.auxiliaryArgs, name), options.forgetTraces ?? false, isMethod, options.meta);
}

function attach(f: Function, state: JitState): void {
  Object.defineProperty(f, JIT_STATE, { value: state });
  Object.defineProperty(f, 'name', { value: state.name });
  Object.defineProperties(f, {
    traces: { get: () => Object.freeze([...state.entries.values()].map((e) => e.info())) },
    f: { value: state.fn },
    auxiliaryArgs: { value: Object.freeze([...state.auxList]) },
    forgetTracesOption: { value: state.forget },
    forgetTraces: { value: () => state.forgetTraces() },
    toString: { value: () => `jit(${state.name})` },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => `jit(${state.name})` },
  });
  Object.defineProperty(f, 'async', {
    value(this: unknown, ...args: unknown[]) { return state.callAsync(this, args); },
  });
  Object.defineProperty(f, 'exportOnnx', {
    value(this: unknown, path: string, ...args: unknown[]) {
      checkExportPath(path, state.name);
      const values = state.bindArgs(state.isMethod ? args[0] : undefined, state.isMethod ? args.slice(1) : args);
      const key = state.keyOf(values, []);
      const entry = state.entries.get(key) ?? state.traceNew(values, key, state.isMethod ? args[0] : undefined, true);
      if (entry.outputs.length === 0) throw new JitError(`${state.name}: nothing to export, no output depends on the traced arguments`);
      try {
        fs.writeFileSync(path, entry.lowered.bytes);
      } catch (e) {
        throw new JitError(`${state.name}.exportOnnx: could not write '${path}': ${(e as Error).message}`);
      }
      return { inputs: entry.inputs.map((i) => i.name), outputs: entry.outputs.map((o) => o.name) };
    },
  });
}

/**
 * Compiles `fn` (ΦML's `jit_compile`): `math.jitCompile(f)`, `math.jitCompile(f, { auxiliaryArgs: 'y' })`.
 * Compiling a jit function again with the same auxiliary args returns it unchanged.
 */
export function jitCompile<F extends (...args: any[]) => any>(fn: F, options: JitOptions = {}): JitFunction<F> {
  options = checkJitOptions(options, `jitCompile(${typeof fn === 'function' ? fn.name || 'f' : 'f'}, options)`);
  const existing = jitStateOf(fn);
  if (existing) {
    const aux = normaliseAux(options.auxiliaryArgs, existing.name);
    if (aux.length === existing.aux.size && aux.every((a) => existing.aux.has(a)) && (options.forgetTraces ?? existing.forget) === existing.forget) return fn as unknown as JitFunction<F>;
  }
  const state = makeState(fn, options, false);
  const jitted = function (this: unknown, ...args: unknown[]) { return state.call(this, args); };
  attach(jitted, state);
  collected.register(jitted, state);
  return jitted as unknown as JitFunction<F>;
}

function decorateMethod(method: Function, name: string, options: JitOptions): Function {
  const state = makeState(method, options, true, name);
  const replacement = function (this: unknown, ...args: unknown[]) { return state.call(this, args); };
  attach(replacement, state);
  collected.register(replacement, state);
  return replacement;
}

function isDecoratorContext(x: unknown): x is { kind: string; name: string | symbol } {
  return !!x && typeof x === 'object' && 'kind' in x && 'name' in x;
}

function decorate(options: JitOptions, a: unknown, b: unknown, c: unknown): unknown {
  if (typeof a === 'function' && isDecoratorContext(b)) {
    if (b.kind !== 'method') throw new JitError(`@jit decorates methods, not a ${b.kind}; for a function use math.jitCompile(fn) or a /** @jit */ comment`);
    return decorateMethod(a, String(b.name), options);
  }
  if (c && typeof c === 'object' && typeof (c as PropertyDescriptor).value === 'function' && (typeof b === 'string' || typeof b === 'symbol')) {
    const d = c as PropertyDescriptor;
    d.value = decorateMethod(d.value, String(b), options);
    return d;
  }
  throw new JitError('@jit must decorate a method (TS 5 standard or experimentalDecorators)');
}

/**
 * `jit` is `math.jitCompile` and also a method decorator: `@jit step(x) {…}`,
 * `@jit({ auxiliaryArgs: 'n' }) run(x, n) {…}` (TS 5 standard decorators or experimentalDecorators).
 */
export function jit<F extends (...args: any[]) => any>(fn: F, options?: JitOptions): JitFunction<F>;
export function jit(options?: JitOptions): any;
export function jit(method: Function, context: ClassMethodDecoratorContext): any;
export function jit(target: object, key: string | symbol, descriptor: PropertyDescriptor): any;
export function jit(a?: unknown, b?: unknown, c?: unknown): unknown {
  if (typeof a === 'function' && (isDecoratorContext(b) || c !== undefined)) return decorate({}, a, b, c);
  if (typeof a === 'object' && a !== null && typeof b !== 'undefined' && c !== undefined) return decorate({}, a, b, c);
  if (typeof a === 'function') return jitCompile(a as any, b as JitOptions);
  if (a === undefined || (typeof a === 'object' && a !== null && objectKind(a) === 'plain')) {
    const options = checkJitOptions(a, '@jit(options)');
    return (x: unknown, y: unknown, z: unknown) => decorate(options, x, y, z);
  }
  throw new JitError('jit: expected a function, a method to decorate, or an options object');
}

/**
 * Whether a call with these arguments would reuse a stored trace: `[true, '']`, or `[false, reason]`
 * (ΦML's trace_check). For decorated methods pass the object first: `traceCheck(obj.step, obj, x)`.
 */
export function traceCheck(fun: unknown, ...args: unknown[]): [boolean, string] {
  const state = jitStateOf(fun);
  if (!state) throw new TypeError(`${typeof fun === 'function' ? (fun.name || 'the function') : String(fun)} is not a jit function: traceCheck takes functions made by math.jitCompile or @jit`);
  if (args.length === 0) throw new JitError('Please pass the hypothetical function arguments to traceCheck()');
  const values = state.isMethod ? state.bindArgs(args[0], args.slice(1)) : state.bindArgs(undefined, args);
  const reason = state.reason(values);
  return [reason === '', reason];
}
