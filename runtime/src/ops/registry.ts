/**
 * The op registry: every primitive is declared once with its shape rule, dtype rule, eager
 * kernel and ONNX lowering (tinygrad's single op vocabulary, JAX's primitives). All public
 * functions funnel through `bind`, which either computes eagerly (all inputs concrete) or records
 * an equation in the active trace (any input traced).
 */
import { Tensor, type TraceHandle } from '../tensor';
import { currentTrace, foreignTracerError, type Trace } from '../trace/trace';
import type { Primitive } from './primitive';
import { DTypeError } from '../errors';

export type { Aval, OpGroup, OnnxValue, OnnxAttr, Lowering, Primitive } from './primitive';

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
  if (!prim.complex) refuseComplex(prim, ins);
  const trace = traceOf(prim, ins);
  const shape = prim.shape(ins, params);
  const dtype = prim.dtype(ins, params);
  if (trace === undefined) return Tensor._concrete(shape, dtype, prim.impl(ins, params, { shape, dtype }));
  return trace.record(prim, ins, params, shape, dtype);
}

/** `bind` for multi-output primitives (loops): all outputs, eagerly or as tracers. */
export function bindAll<P>(prim: Primitive<P>, ins: readonly Tensor[], params: P): Tensor[] {
  if (!prim.outputs || !prim.implAll) throw new Error(`internal: primitive '${prim.name}' has a single output; use bind`);
  if (!prim.complex) refuseComplex(prim, ins);
  const trace = traceOf(prim, ins);
  const avals = prim.outputs(ins, params);
  if (trace === undefined) return prim.implAll(ins, params);
  return trace.recordAll(prim, ins, params, avals);
}

/** The primitives that take complex64 values, for the refusal below. */
function complexOps(): string {
  return [...REGISTRY.values()].filter((p) => p.complex).map((p) => p.name).join(', ');
}

/** complex64 values only enter the primitives written for them: the others say which op and what to do. */
function refuseComplex(prim: Primitive<any>, ins: readonly Tensor[]): void {
  const c = ins.find((t) => t.dtype === 'complex64');
  if (c === undefined) return;
  throw new DTypeError(
    `${prim.name} does not take complex64 values (got a complex64 tensor ${c.shape}); complex64 works in ${complexOps()}: ` +
      'convert first with math.real(t), math.imag(t) or math.abs(t)',
  );
}

/**
 * The trace an application records into (undefined: compute eagerly). Tracers must belong to the
 * active trace, or to an enclosing one that the active (nested) trace captures from.
 */
function traceOf(prim: Primitive<any>, ins: readonly Tensor[]): Trace | undefined {
  let trace: TraceHandle | undefined;
  for (let i = 0; i < ins.length; i++) {
    const tr = ins[i]._tracer;
    if (tr !== undefined) { trace = tr.trace; break; }
  }
  const active = currentTrace();
  if (trace === undefined) return prim.effectful ? active : undefined;
  if (trace !== active || trace.closed) {
    if (!active || active.closed || !active.canCapture(trace)) {
      const stray = ins.find((t) => t._tracer && t._tracer.trace !== active) ?? ins.find((t) => t._tracer)!;
      throw foreignTracerError(stray, active);
    }
  }
  for (const t of ins) {
    const tr = t._tracer;
    if (tr && tr.trace !== active && !active!.canCapture(tr.trace)) throw foreignTracerError(t, active);
  }
  return active;
}
