/**
 * What a primitive is: its shape rule, dtype rule, eager kernel and ONNX lowering, and the small
 * interfaces those rules see (abstract values, ONNX values, the lowering builder). Types only, so
 * that the IR and the tracer can name primitives without depending on the registry.
 */
import type { Shape } from '../shape';
import type { DType, TypedArray } from '../dtype';
import type { Tensor } from '../tensor';
import type { Graph } from '../trace/ir';

/** Abstract value: what is known of a tensor while tracing. Tensors satisfy it. */
export interface Aval {
  readonly shape: Shape;
  readonly dtype: DType;
  /** A traced JS number: weak in dtype promotion. */
  readonly _weak?: boolean;
}

export type OpGroup = 'elementwise' | 'reduction' | 'movement' | 'linalg' | 'random';

/** An ONNX value during lowering; its axes are in `shape` order. */
export interface OnnxValue {
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Attribute values: numbers and number lists are ints; floats are `{ float: x }`. */
export type OnnxAttr = number | string | number[] | { float: number } | { tensor: Tensor } | { graph: SubgraphRef };

/** What a lowering rule may use to emit ONNX nodes (implemented in onnx/lower.ts). */
export interface Lowering {
  /** Emits one node and returns the name of its (first) output. */
  node(opType: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>): string;
  /** An int64 1-D initializer (axes, shapes, starts …). */
  int64s(values: readonly number[]): string;
  /** A scalar initializer of the given dtype. */
  scalar(value: number | boolean, dtype: DType): string;
  /** Casts when `from` differs from `to`. */
  cast(name: string, from: DType, to: DType): string;
  /** Transposes/unsqueezes `v` so that it broadcasts against `to` (whose dims include v's). */
  align(v: OnnxValue, to: Shape): string;
  /** Transposes `v` to the dim order `names` (a permutation of its dims). */
  transpose(v: OnnxValue, names: readonly string[]): string;
  /**
   * Lowers the equations of `graph` into the nodes being emitted, its inputs bound to `inputs`
   * (values of this graph or of an enclosing one); returns its outputs.
   */
  inline(graph: Graph, inputs: readonly OnnxValue[]): OnnxValue[];
  /**
   * Builds an ONNX sub-graph (a `Loop` body) with declared inputs of the given avals: `build`
   * emits its nodes through `sub` (which may use values of the enclosing graphs by name, as ONNX
   * allows) and returns its outputs. The result goes into a node attribute (`{ graph }`).
   */
  subgraph(name: string, formal: readonly Aval[], build: (sub: Lowering, formal: readonly OnnxValue[]) => OnnxValue[]): SubgraphRef;
  /** Emits a node with several outputs; returns their names. */
  nodeMulti(opType: string, inputs: readonly string[], outputs: number, attrs?: Record<string, OnnxAttr>): string[];
}

/** A lowered ONNX sub-graph, opaque to lowering rules (onnx/lower.ts builds and encodes it). */
export interface SubgraphRef { readonly _subgraph: unknown }

export interface Primitive<P = undefined> {
  readonly name: string;
  readonly group: OpGroup;
  shape(ins: readonly Aval[], params: P): Shape;
  dtype(ins: readonly Aval[], params: P): DType;
  /** Eager kernel: concrete inputs → output data in `out.shape` order. */
  impl(ins: readonly Tensor[], params: P, out: Aval): TypedArray;
  /** ONNX lowering: returns the name of the output value, axes in `out.shape` order. */
  lower(g: Lowering, ins: readonly OnnxValue[], params: P, out: Aval): string;
  /** Recorded even without traced inputs while a trace is active (random numbers). */
  readonly effectful?: boolean;
  /** Takes complex64 inputs (its rules and kernels handle them); other primitives refuse them in `bind`. */
  readonly complex?: boolean;
  /**
   * Multi-output primitives (loops): the abstract values of all outputs. `shape` / `dtype` then
   * describe the first one, and `implAll` / `lowerAll` replace `impl` / `lower`.
   */
  outputs?(ins: readonly Aval[], params: P): Aval[];
  /** Eager evaluation of a multi-output primitive on concrete inputs. */
  implAll?(ins: readonly Tensor[], params: P): Tensor[];
  /** ONNX lowering of a multi-output primitive: the names of its outputs, axes in their shape order. */
  lowerAll?(g: Lowering, ins: readonly OnnxValue[], params: P, outs: readonly Aval[]): string[];
}
