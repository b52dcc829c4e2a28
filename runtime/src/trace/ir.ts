/**
 * The traced program: a small SSA IR in the spirit of JAX's jaxpr. A Graph has input Vars, a
 * list of equations (one primitive application each) and output atoms. Atoms are Vars or
 * Literals (concrete tensors that become ONNX initializers).
 */
import type { DType } from '../dtype';
import type { Shape } from '../shape';
import type { Tensor } from '../tensor';
import type { Primitive } from '../ops/primitive';
import { formatScalar } from '../format';

export class Var {
  constructor(readonly id: number, readonly shape: Shape, readonly dtype: DType) {}
  toString(): string { return `v${this.id}`; }
}

export class Literal {
  constructor(readonly value: Tensor) {}
  get shape(): Shape { return this.value.shape; }
  get dtype(): DType { return this.value.dtype; }
}

export type Atom = Var | Literal;

export interface Eqn {
  readonly prim: Primitive<any>;
  readonly inputs: readonly Atom[];
  readonly params: any;
  readonly out: Var;
  /**
   * All outputs of a multi-output primitive (a loop's final state); `outs[0]` is `out`. Absent for
   * the ordinary single-output primitives.
   */
  readonly outs?: readonly Var[];
  /** Where the op was called (for errors that point at user code); stack formatted lazily. */
  readonly site?: { stack?: string };
  /**
   * The global precision when the op was recorded. Dtype rules read the precision, so lowering
   * and re-evaluation run each equation under it: an op traced inside `math.precision(64, …)`
   * (or `std` of float64) lowers to the dtypes its tracer already has.
   */
  readonly precision?: 32 | 64;
}

export interface Graph {
  readonly inputs: readonly Var[];
  readonly eqns: readonly Eqn[];
  readonly outputs: readonly Atom[];
}

/** True for a Graph value (sub-graphs are stored in the params of higher-order primitives). */
export function isGraph(v: unknown): v is Graph {
  return typeof v === 'object' && v !== null && Array.isArray((v as Graph).eqns) && Array.isArray((v as Graph).inputs) && Array.isArray((v as Graph).outputs);
}

/** The outputs of an equation (one Var, or all of a multi-output primitive's). */
export function eqnOuts(e: Eqn): readonly Var[] { return e.outs ?? [e.out]; }

/**
 * Elements the graph's equations produce, sub-graphs included (each counted once, whatever the
 * number of iterations): a size estimate used to choose thread counts.
 */
export function graphWork(g: Graph): number {
  let work = 0;
  for (const e of g.eqns) {
    for (const v of eqnOuts(e)) work += v.shape.volume || 0;
    for (const [, sub] of subgraphsOf(e)) work += graphWork(sub);
  }
  return work;
}

/** The sub-graphs held in an equation's params (a loop's cond and body), by param name. */
export function subgraphsOf(e: Eqn): [string, Graph][] {
  const p = e.params;
  if (!p || typeof p !== 'object') return [];
  const out: [string, Graph][] = [];
  for (const k of Object.keys(p)) if (isGraph(p[k])) out.push([k, p[k]]);
  return out;
}

/** `e` with each sub-graph replaced by `fn(sub)`; `e` itself when none changes. */
export function mapSubgraphs(e: Eqn, fn: (g: Graph) => Graph): Eqn {
  const subs = subgraphsOf(e);
  if (!subs.length) return e;
  let params: any;
  for (const [k, g] of subs) {
    const h = fn(g);
    if (h !== g) { params ??= { ...e.params }; params[k] = h; }
  }
  return params ? { ...e, params } : e;
}

const SHORT: Record<DType, string> = { float32: 'f32', float64: 'f64', int32: 'i32', int64: 'i64', bool: 'bool', complex64: 'c64' };

function avalText(shape: Shape, dtype: DType): string {
  return `${SHORT[dtype]}[${shape.dims.map((d) => `${d.name}=${d.size}`).join(',')}]`;
}

function paramsText(params: any, indent: string): string {
  if (params === undefined || params === null) return '';
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  if (!entries.length) return '';
  const fmt = (v: unknown): string => {
    // sub-graphs print as nested listings on their own lines, like jaxpr's `while[body_jaxpr={ lambda … }]`
    if (isGraph(v)) return `\n${formatGraph(v, indent + '      ')}`;
    if (Array.isArray(v)) return `[${v.map(fmt).join(',')}]`;
    if (v && typeof v === 'object' && 'dims' in (v as any) && typeof (v as any).toString === 'function') return String(v);
    if (v && typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
  return `[${entries.map(([k, v]) => `${k}=${fmt(v)}`).join(' ')}]`;
}

/** Readable listing of a graph, e.g. for `fun.traces[0].graph` and snapshot tests. */
export function formatGraph(g: Graph, indent = ''): string {
  const name = (a: Atom) => (a instanceof Var ? a.toString() : literalText(a));
  const lines = [`${indent}{ lambda ${g.inputs.map((v) => `${v}:${avalText(v.shape, v.dtype)}`).join(' ')} .`];
  for (const e of g.eqns) {
    const outs = eqnOuts(e).map((v) => `${v}:${avalText(v.shape, v.dtype)}`).join(' ');
    lines.push(`${indent}    ${outs} = ${e.prim.name}${paramsText(e.params, indent)} ${e.inputs.map(name).join(' ')}`);
  }
  lines.push(`${indent}  in (${g.outputs.map(name).join(', ')}) }`);
  return lines.join('\n');
}

function literalText(l: Literal): string {
  const t = l.value;
  if (t.shape.rank === 0) return `${formatScalar(t._data!, 0, t.dtype)}:${SHORT[t.dtype]}`;
  return `const:${avalText(t.shape, t.dtype)}`;
}

/** Structural checks (JAX's check_jaxpr): every var defined before use, avals consistent. */
export function checkGraph(g: Graph): void {
  const defined = new Set<Var>(g.inputs);
  for (const e of g.eqns) {
    for (const a of e.inputs) {
      if (a instanceof Var && !defined.has(a)) throw new Error(`IR check: ${a} used by ${e.prim.name} before definition`);
    }
    // sub-graphs are closed: they see only their own inputs (captured values are explicit inputs)
    for (const [, sub] of subgraphsOf(e)) checkGraph(sub);
    for (const v of eqnOuts(e)) {
      if (defined.has(v)) throw new Error(`IR check: ${v} defined twice`);
      defined.add(v);
    }
  }
  for (const a of g.outputs) if (a instanceof Var && !defined.has(a)) throw new Error(`IR check: output ${a} is undefined`);
}
