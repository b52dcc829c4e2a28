/**
 * The loop primitive: a higher-order primitive holding its condition and body as closed
 * sub-graphs in its params (JAX's `while` primitive with `cond_jaxpr` / `body_jaxpr`). One
 * equation runs the whole loop: eagerly by evaluating the sub-graphs again and again, compiled as
 * one ONNX `Loop` node, so the graph does not grow with the number of iterations.
 *
 * Inputs: the initial state (one tensor per state entry), then the condition's captures, then the
 * body's captures. Outputs: the final state, then (with `trajectory`) each state entry stacked
 * over the iterations along the trajectory dim (ONNX scan outputs).
 */
import { Shape, type Dim } from '../shape';
import { ShapeError, DTypeError } from '../errors';
import type { Tensor } from '../tensor';
import type { Graph } from '../trace/ir';
import { evalGraph } from '../trace/subgraph';
import { definePrimitive, bind, type Aval } from './registry';
import { stack as stackPrim } from './structure';

export interface LoopParams {
  /**
   * Fixed iteration count / upper bound: the loop stops after this many iterations (no error).
   * Undefined: only the condition stops it.
   */
  readonly maxIterations?: number;
  /** Also output each state entry after every iteration, stacked along this (one-dim) shape; needs a fixed count and no condition. */
  readonly trajectory?: Shape;
  /** (state..., captures...) → [continue?] as a bool scalar; undefined: run `maxIterations` times. */
  readonly cond?: Graph;
  /** (state..., captures...) → next state, same shapes (and dim order) and dtypes. */
  readonly body: Graph;
}

function stateCount(p: LoopParams): number { return p.body.outputs.length; }
function condCaptureCount(p: LoopParams): number { return p.cond ? p.cond.inputs.length - stateCount(p) : 0; }

/** The trajectory of one state entry: the trajectory dim (one entry per iteration) first. */
function trajectoryAval(p: LoopParams, s: Aval): Aval {
  const d: Dim = p.trajectory!.dims[0];
  if (s.shape.has(d.name)) throw new ShapeError(`iterate: the trajectory dim '${d.name}' is already a dim of the state ${s.shape}; choose another name`);
  return { shape: new Shape([{ name: d.name, kind: d.kind, size: p.maxIterations! }, ...s.shape.dims]), dtype: s.dtype };
}

export const loop = definePrimitive<LoopParams>({
  name: 'while',
  group: 'movement',
  shape: (ins) => ins[0].shape,
  dtype: (ins) => ins[0].dtype,
  outputs: (ins, p) => {
    const n = stateCount(p);
    const state = ins.slice(0, n).map((t): Aval => ({ shape: t.shape, dtype: t.dtype }));
    // the public functions check this with the state's paths; here it guards the IR itself
    p.body.outputs.forEach((o, i) => {
      if (o.shape.key !== state[i].shape.key) throw new ShapeError(`while: body output ${i} has shape ${o.shape}, the state ${state[i].shape}`);
      if (o.dtype !== state[i].dtype) throw new DTypeError(`while: body output ${i} has dtype ${o.dtype}, the state ${state[i].dtype}`);
    });
    if (p.trajectory && (p.cond || p.maxIterations === undefined)) throw new Error('internal: a loop trajectory needs a fixed iteration count');
    return p.trajectory ? [...state, ...state.map((s) => trajectoryAval(p, s))] : state;
  },
  impl: () => { throw new Error('internal: the loop primitive has several outputs (implAll)'); },
  implAll: (ins, p) => {
    const n = stateCount(p);
    const nc = condCaptureCount(p);
    let state = ins.slice(0, n);
    const condCaptures = ins.slice(n, n + nc);
    const bodyCaptures = ins.slice(n + nc);
    const steps: Tensor[][] = [];
    for (let i = 0; p.maxIterations === undefined || i < p.maxIterations; i++) {
      if (p.cond && !evalGraph(p.cond, [...state, ...condCaptures])[0].any) break;
      state = evalGraph(p.body, [...state, ...bodyCaptures]);
      if (p.trajectory) steps.push(state);
    }
    if (!p.trajectory) return state;
    return [...state, ...state.map((s, k) => {
      const aval = trajectoryAval(p, s);
      return bind(stackPrim, steps.map((st) => st[k]), { dim: aval.shape.dims[0] });
    })];
  },
  lower: () => { throw new Error('internal: the loop primitive has several outputs (lowerAll)'); },
  lowerAll: (g, ins, p) => {
    const n = stateCount(p);
    const nc = condCaptureCount(p);
    const init = ins.slice(0, n);
    const condCaptures = ins.slice(n, n + nc);
    const bodyCaptures = ins.slice(n + nc);
    // ONNX Loop: trip count M and condition are both checked before every iteration; the
    // condition of the first one is computed here, the others at the end of the body
    const M = p.maxIterations === undefined ? '' : g.scalar(p.maxIterations, 'int64');
    const c0 = p.cond ? g.inline(p.cond, [...init, ...condCaptures])[0].name : '';
    const formal: Aval[] = [{ shape: Shape.EMPTY, dtype: 'int64' }, { shape: Shape.EMPTY, dtype: 'bool' }, ...init];
    const body = g.subgraph('body', formal, (sub, [, condIn, ...state]) => {
      const next = sub.inline(p.body, [...state, ...bodyCaptures]);
      const c = p.cond ? sub.inline(p.cond, [...next, ...condCaptures])[0] : condIn;
      return [c, ...next, ...(p.trajectory ? next : [])];
    });
    return g.nodeMulti('Loop', [M, c0, ...init.map((v) => v.name)], p.trajectory ? 2 * n : n, { body: { graph: body } });
  },
});
