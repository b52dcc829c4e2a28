/**
 * The op registry: every primitive is declared once with its shape rule, dtype rule, eager
 * kernel and ONNX lowering (tinygrad's single op vocabulary, JAX's primitives). All public
 * functions funnel through `bind`, which either computes eagerly (all inputs concrete) or records
 * an equation in the active trace (any input traced).
 */
import type { Shape } from '../shape';
import type { DType, TypedArray } from '../dtype';
import { Tensor } from '../tensor';
import { currentTrace, foreignTracerError, type Trace } from '../trace/trace';

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
export type OnnxAttr = number | string | number[] | { float: number } | { tensor: Tensor };

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
}

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
}

const REGISTRY = new Map<string, Primitive<any>>();

/** Declares a primitive; names are unique. */
export function definePrimitive<P>(prim: Primitive<P>): Primitive<P> {
  if (REGISTRY.has(prim.name)) throw new Error(`primitive '${prim.name}' defined twice`);
  REGISTRY.set(prim.name, prim);
  return prim;
}

/** All declared primitives (for tests that cover every op). */
export function primitives(): ReadonlyMap<string, Primitive<any>> { return REGISTRY; }

/** Applies a primitive: eagerly when all inputs are concrete, else records it in the trace. */
export function bind<P>(prim: Primitive<P>, ins: readonly Tensor[], params: P): Tensor {
  let trace: Trace | undefined;
  for (let i = 0; i < ins.length; i++) {
    const tr = ins[i]._tracer;
    if (tr !== undefined) { trace = tr.trace; break; }
  }
  const active = currentTrace();
  if (trace === undefined && prim.effectful) trace = active;
  const shape = prim.shape(ins, params);
  const dtype = prim.dtype(ins, params);
  if (trace === undefined) return Tensor._concrete(shape, dtype, prim.impl(ins, params, { shape, dtype }));
  if (trace !== active || trace.closed) {
    const stray = ins.find((t) => t._tracer && t._tracer.trace !== active) ?? ins.find((t) => t._tracer)!;
    throw foreignTracerError(stray, active);
  }
  for (const t of ins) if (t._tracer && t._tracer.trace !== trace) throw foreignTracerError(t, trace);
  return trace.record(prim, ins, params, shape, dtype);
}
