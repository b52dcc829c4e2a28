/**
 * IR → ONNX model. Each equation is lowered by its primitive's `lower` rule through an
 * OnnxBuilder, which translates named dims to positional axes (Transpose/Unsqueeze only where
 * names require them), shares constants, and merges identical nodes.
 */
import type { Shape } from '../shape';
import { type DType, ONNX_TYPE, allocate, atPrecision } from '../dtype';
import { Tensor } from '../tensor';
import { Var, subgraphsOf, type Graph } from '../trace/ir';
import { simplifyMovement, eliminateCommonSubexpressions, eliminateDeadCode, recurse } from '../trace/optimize';
import type { Aval, Lowering, OnnxAttr, OnnxValue, SubgraphRef } from '../ops/primitive';
import { ATTR, encodeModel, type AttributeObj, type GraphObj, type ModelObj, type NodeObj, type TensorProtoObj, type ValueInfoObj } from './proto';

/** Opset 18: Reduce* ops take axes as inputs; everything we emit exists there. */
export const OPSET = 18;
const IR_VERSION = 8;

/** Literals up to this many elements are merged by content (bigger ones by identity). */
const DEDUP_ELEMENTS = 4096;

function rawBytes(t: Tensor): Uint8Array {
  const d = t._data!;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** State shared by a graph's builder and the builders of its sub-graphs (Loop bodies). */
class BuilderRoot {
  readonly initializers: TensorProtoObj[] = [];
  count = 0;
  readonly constCache = new Map<string, string>();
  readonly literalCache = new Map<Tensor, string>();
}

export class OnnxBuilder implements Lowering {
  readonly nodes: NodeObj[] = [];
  /** Prefix for node names, so runtime errors can be traced back to an equation. */
  scope = 'n';
  private readonly nodeCache = new Map<string, string>();
  private readonly root: BuilderRoot;

  /**
   * A builder for a graph, or (with `parent`) for a sub-graph: its nodes are its own, but
   * initializers go to the top graph, whose values ONNX sub-graphs see by name, and nodes of
   * enclosing graphs are reused (never the other way round).
   */
  constructor(private readonly parent?: OnnxBuilder) {
    this.root = parent ? parent.root : new BuilderRoot();
    if (parent) this.scope = parent.scope;
  }

  get initializers(): TensorProtoObj[] { return this.root.initializers; }

  private fresh(prefix: string): string { return `${prefix}_${this.root.count++}`; }

  private cached(key: string): string | undefined {
    for (let b: OnnxBuilder | undefined = this; b; b = b.parent) {
      const hit = b.nodeCache.get(key);
      if (hit) return hit;
    }
    return undefined;
  }

  node(opType: string, inputs: readonly string[], attrs: Record<string, OnnxAttr> = {}): string {
    // a 0 in a Reshape target is a size (allowzero), never "copy the input's dim"
    if (opType === 'Reshape' && attrs.allowzero === undefined) attrs = { ...attrs, allowzero: 1 };
    const random = opType.startsWith('Random');
    const key = `${opType}(${inputs.join(',')})${JSON.stringify(attrs)}`;
    if (!random) {
      const hit = this.cached(key);
      if (hit) return hit;
    }
    const out = this.fresh(`${this.scope}_${opType}`);
    this.nodes.push({ opType, input: inputs.slice(), output: [out], name: out, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    if (!random) this.nodeCache.set(key, out);
    return out;
  }

  nodeMulti(opType: string, inputs: readonly string[], outputs: number, attrs: Record<string, OnnxAttr> = {}): string[] {
    const name = this.fresh(`${this.scope}_${opType}`);
    const outs = Array.from({ length: outputs }, (_, k) => `${name}_o${k}`);
    this.nodes.push({ opType, input: inputs.slice(), output: outs, name, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return outs;
  }

  inline(graph: Graph, inputs: readonly OnnxValue[]): OnnxValue[] {
    return lowerInto(this, graph, inputs, () => this.scope);
  }

  subgraph(name: string, formal: readonly Aval[], build: (sub: Lowering, formal: readonly OnnxValue[]) => OnnxValue[]): SubgraphRef {
    const sub = new OnnxBuilder(this);
    const ins = formal.map((a) => ({ name: sub.fresh(`${this.scope}_${name}_in`), shape: a.shape, dtype: a.dtype }));
    const outs = build(sub, ins);
    // every output gets its own name (an output may be a declared input or an outer value)
    const output = outs.map((v) => {
      const out = sub.fresh(`${this.scope}_${name}_out`);
      sub.nodes.push({ opType: 'Identity', input: [v.name], output: [out], name: out });
      return valueInfo(out, v.shape, v.dtype);
    });
    const g: GraphObj = { name: sub.fresh(`${this.scope}_${name}`), node: sub.nodes, initializer: [], input: ins.map((v) => valueInfo(v.name, v.shape, v.dtype)), output };
    return { _subgraph: g };
  }

  private initializer(dtype: DType, dims: readonly number[], bytes: Uint8Array, key?: string): string {
    if (key) {
      const hit = this.root.constCache.get(key);
      if (hit) return hit;
    }
    const name = this.fresh('const');
    this.root.initializers.push({ name, dataType: ONNX_TYPE[dtype], dims: onnxDims(dims, dtype), rawData: bytes });
    if (key) this.root.constCache.set(key, name);
    return name;
  }

  int64s(values: readonly number[]): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    return this.initializer('int64', [values.length], new Uint8Array(data.buffer), `i64[${values.join(',')}]`);
  }

  scalar(value: number | boolean, dtype: DType): string {
    let bytes: Uint8Array;
    switch (dtype) {
      case 'complex64': bytes = new Uint8Array(Float32Array.of(Number(value), 0).buffer); break;
      case 'float32': bytes = new Uint8Array(Float32Array.of(Number(value)).buffer); break;
      case 'float64': bytes = new Uint8Array(Float64Array.of(Number(value)).buffer); break;
      case 'int32': bytes = new Uint8Array(Int32Array.of(Number(value)).buffer); break;
      case 'int64': bytes = new Uint8Array(BigInt64Array.of(BigInt(value)).buffer); break;
      case 'bool': bytes = Uint8Array.of(value ? 1 : 0); break;
    }
    return this.initializer(dtype, [], bytes, `${dtype}:${Object.is(value, -0) ? '-0' : String(value)}`);
  }

  /** A concrete tensor as an initializer (axes in its shape order); equal small tensors share one. */
  literal(t: Tensor): string {
    const hit = this.root.literalCache.get(t);
    if (hit) return hit;
    const bytes = rawBytes(t);
    const key = t.shape.volume <= DEDUP_ELEMENTS ? `lit:${t.dtype}:${(t.shape.sizes as number[]).join('x')}:${Buffer.from(bytes).toString('base64')}` : undefined;
    const name = this.initializer(t.dtype, t.shape.sizes as number[], bytes.slice(), key);
    this.root.literalCache.set(t, name);
    return name;
  }

  cast(name: string, from: DType, to: DType): string {
    if (from === to) return name;
    if (from === 'complex64' || to === 'complex64') throw new Error(`internal: a ${from} → ${to} conversion is not a Cast (complex values have a trailing axis)`);
    return this.node('Cast', [name], { to: ONNX_TYPE[to] });
  }

  transpose(v: OnnxValue, names: readonly string[]): string {
    const perm = names.map((n) => v.shape.indexOf(n));
    if (perm.some((p) => p < 0) || perm.length !== v.shape.rank) {
      throw new Error(`internal: cannot transpose ${v.shape} to (${names.join(', ')})`);
    }
    if (perm.every((p, i) => p === i)) return v.name;
    // a complex value's trailing (real, imaginary) axis stays last
    return this.node('Transpose', [v.name], { perm: v.dtype === 'complex64' ? [...perm, perm.length] : perm });
  }

  align(v: OnnxValue, to: Shape): string {
    if (v.shape.rank === 0) return v.name;
    const order = to.names.filter((n) => v.shape.has(n));
    const t = this.transpose(v, order);
    // ONNX broadcasting aligns trailing axes, so only dims missing after v's first dim need a
    // size-1 axis.
    const first = to.indexOf(order[0]);
    const axes: number[] = [];
    for (let p = first; p < to.rank; p++) if (!v.shape.has(to.dims[p].name)) axes.push(p - first);
    return axes.length ? this.node('Unsqueeze', [t, this.int64s(axes)]) : t;
  }
}

function attribute(name: string, v: OnnxAttr): AttributeObj {
  if (typeof v === 'number') return { name, type: ATTR.INT, i: v };
  if (typeof v === 'string') return { name, type: ATTR.STRING, s: Buffer.from(v, 'utf8') };
  if (Array.isArray(v)) return { name, type: ATTR.INTS, ints: v };
  if ('float' in v) return { name, type: ATTR.FLOAT, f: v.float };
  if ('graph' in v) return { name, type: ATTR.GRAPH, g: v.graph._subgraph as GraphObj };
  const t = v.tensor;
  return { name, type: ATTR.TENSOR, t: { dims: onnxDims(t.shape.sizes as number[], t.dtype), dataType: ONNX_TYPE[t.dtype], rawData: rawBytes(t).slice() } };
}

/** ONNX dims of a value: complex64 has a trailing axis of 2 (real, imaginary). */
function onnxDims(dims: readonly number[], dtype: DType): number[] {
  return dtype === 'complex64' ? [...dims, 2] : dims.slice();
}

function valueInfo(name: string, shape: Shape, dtype: DType, doc?: string): ValueInfoObj {
  return {
    name,
    type: { tensorType: { elemType: ONNX_TYPE[dtype], shape: { dim: onnxDims(shape.sizes as number[], dtype).map((n) => ({ dimValue: n })) } } },
    ...(doc ? { docString: doc } : {}),
  };
}

/**
 * The result of an equation that depends only on shapes: an empty output, or a reduction /
 * contraction over an empty dim (sum 0, any false, max by ΦML's rule …). It becomes a constant
 * computed by the eager kernel, so both paths agree and onnxruntime never sees a size-0 dim
 * (its Expand, Concat and Reshape mishandle them).
 */
function valueOfShapes(e: Graph['eqns'][number]): Tensor | undefined {
  if (e.prim.effectful) return undefined;
  const out = e.out;
  if (out.shape.volume === 0) return Tensor._concrete(out.shape, out.dtype, allocate(out.dtype, 0));
  const group = e.prim.group;
  if ((group !== 'reduction' && group !== 'linalg') || !e.inputs.some((a) => a.shape.volume === 0)) return undefined;
  // every element is a function of the empty inputs alone: zeros stand in for the others
  const ins = e.inputs.map((a) => Tensor._concrete(a.shape, a.dtype, allocate(a.dtype, a.shape.volume)));
  return Tensor._concrete(out.shape, out.dtype, e.prim.impl(ins, e.params, { shape: out.shape, dtype: out.dtype }));
}

export interface LoweredModel {
  readonly bytes: Uint8Array;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Node-name prefix → equation index, for mapping runtime errors back to user code. */
  readonly nodeCount: number;
}

/**
 * Builds the ONNX model of a graph. `inputNames` / `outputNames` name the graph's inputs and
 * outputs (e.g. after the argument paths); they must be unique.
 */
export function lowerGraph(traced: Graph, fnName: string, inputNames: readonly string[], outputNames: readonly string[]): LoweredModel {
  const b = new OnnxBuilder();
  // node names keep the index of the traced equation they come from (errors map back to user code)
  const index = new Map<Var, number>();
  traced.eqns.forEach((e, i) => index.set(e.out, i));
  const g = recurse(traced, (h) => {
    const simplified = simplifyMovement(h);
    return simplified === h ? h : eliminateDeadCode(eliminateCommonSubexpressions(simplified));
  });
  const inputs = g.inputs.map((v, i): OnnxValue => ({ name: inputNames[i], shape: v.shape, dtype: v.dtype }));
  const env = new Map<Var, OnnxValue>();
  lowerInto(b, g, inputs, (e) => `e${index.get(e.out)}`, env);
  b.scope = 'out';
  const outputs: ValueInfoObj[] = g.outputs.map((a, k) => {
    const src = a instanceof Var ? env.get(a)!.name : b.literal(a.value);
    b.nodes.push({ opType: 'Identity', input: [src], output: [outputNames[k]], name: `out_Identity_${k}` });
    return valueInfo(outputNames[k], a.shape, a.dtype, String(a.shape));
  });
  const model: ModelObj = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'tensorjit',
    producerVersion: '0.1.0',
    graph: {
      name: fnName || 'jit',
      node: b.nodes,
      initializer: b.initializers,
      input: g.inputs.map((v, i) => valueInfo(inputNames[i], v.shape, v.dtype, String(v.shape))),
      output: outputs,
    },
  };
  return { bytes: encodeModel(model), inputNames, outputNames, nodeCount: b.nodes.length };
}

/**
 * Lowers the equations of `g` through `b` with its inputs bound to `inputs`; returns the values
 * of its outputs. `scope` names the nodes of each equation (sub-graph nodes keep the scope of the
 * equation that holds them).
 */
function lowerInto(b: OnnxBuilder, g: Graph, inputs: readonly OnnxValue[], scope: (e: Graph['eqns'][number]) => string, env = new Map<Var, OnnxValue>()): OnnxValue[] {
  const saved = b.scope;
  g.inputs.forEach((v, i) => env.set(v, inputs[i]));
  const value = (a: Graph['outputs'][number]): OnnxValue => (a instanceof Var ? env.get(a)! : { name: b.literal(a.value), shape: a.shape, dtype: a.dtype });
  for (const e of g.eqns) {
    b.scope = scope(e);
    const ins = e.inputs.map(value);
    if (e.outs) {
      const avals = e.outs.map((v) => ({ shape: v.shape, dtype: v.dtype }));
      const names = atPrecision(e.precision, () => e.prim.lowerAll!(b, ins, e.params, avals));
      e.outs.forEach((v, k) => env.set(v, { name: names[k], shape: v.shape, dtype: v.dtype }));
    } else {
      const known = valueOfShapes(e);
      // the dtype rules a lowering consults read the precision the equation was traced under
      const name = known ? b.literal(known) : atPrecision(e.precision, () => e.prim.lower(b, ins, e.params, { shape: e.out.shape, dtype: e.out.dtype }));
      env.set(e.out, { name, shape: e.out.shape, dtype: e.out.dtype });
    }
  }
  b.scope = saved;
  return g.outputs.map(value);
}
