/**
 * Graph hygiene before lowering: common subexpressions merged, dead equations removed. (Constant
 * folding already happened while tracing: ops on concrete values ran eagerly.)
 */
import { Shape } from '../shape';
import { Var, mapSubgraphs, subgraphsOf, type Atom, type Eqn, type Graph } from './ir';

function paramsKey(params: unknown): string {
  if (params === undefined) return '';
  return JSON.stringify(params, (_k, v) => (v instanceof Shape ? `shape:${v.key}` : v));
}

/** Merges equations that apply the same primitive with the same params to the same inputs. */
export function eliminateCommonSubexpressions(g: Graph): Graph {
  const ids = new Map<Atom, number>();
  let next = 0;
  const id = (a: Atom) => {
    let i = ids.get(a);
    if (i === undefined) { i = next++; ids.set(a, i); }
    return i;
  };
  const replace = new Map<Var, Var>();
  const seen = new Map<string, Var>();
  const eqns: Eqn[] = [];
  const sub = (a: Atom): Atom => (a instanceof Var ? replace.get(a) ?? a : a);
  for (const e of g.eqns) {
    const inputs = e.inputs.map(sub);
    // effectful and higher-order equations are kept as they are (their sub-graphs are optimised on their own)
    if (e.prim.effectful || e.outs || subgraphsOf(e).length) { eqns.push(inputs.every((a, i) => a === e.inputs[i]) ? e : { ...e, inputs }); continue; }
    const key = `${e.prim.name}|${paramsKey(e.params)}|${inputs.map(id).join(',')}`;
    const prev = seen.get(key);
    if (prev) { replace.set(e.out, prev); continue; }
    seen.set(key, e.out);
    eqns.push(inputs.every((a, i) => a === e.inputs[i]) ? e : { ...e, inputs });
  }
  return { inputs: g.inputs, eqns, outputs: g.outputs.map(sub) };
}

/** Drops equations whose results no output needs. */
export function eliminateDeadCode(g: Graph): Graph {
  const live = new Set<Var>();
  for (const a of g.outputs) if (a instanceof Var) live.add(a);
  const kept: Eqn[] = [];
  for (let i = g.eqns.length - 1; i >= 0; i--) {
    const e = g.eqns[i];
    if (!(e.outs ? e.outs.some((v) => live.has(v)) : live.has(e.out))) continue;
    kept.push(e);
    for (const a of e.inputs) if (a instanceof Var) live.add(a);
  }
  kept.reverse();
  return { inputs: g.inputs, eqns: kept, outputs: g.outputs };
}

/**
 * Rewrites that remove data movement without changing any value:
 * - `slice` of a `gather` along the same dim → one `gather` of the sliced index list (a periodic
 *   shift, traced as pad-by-gather then slice, becomes one rotation);
 * - selecting item i (`gather`, dim dropped) of a `stack` along that dim → the i-th stacked value
 *   itself, when it already has the selection's shape and dtype (`spatialGradient(q).get({ gradient: 'x' })`).
 * Equations left unused are removed by dead-code elimination. Returns `g` itself when nothing
 * applies. Applied when lowering to ONNX (the
 * traced program that `fun.traces` shows is left as traced); a rewritten equation keeps the output
 * Var of the one it replaces.
 */
export function simplifyMovement(g: Graph): Graph {
  const producer = new Map<Var, Eqn>();
  const subst = new Map<Var, Atom>();
  const sub = (a: Atom): Atom => (a instanceof Var ? subst.get(a) ?? a : a);
  const eqns: Eqn[] = [];
  let changed = false;
  for (const e0 of g.eqns) {
    let e: Eqn = e0.inputs.some((a) => a instanceof Var && subst.has(a)) ? { ...e0, inputs: e0.inputs.map(sub) } : e0;
    const src = e.inputs[0] instanceof Var ? producer.get(e.inputs[0]) : undefined;
    if (src && e.prim.name === 'slice' && src.prim.name === 'gather' && !src.params.drop && src.params.dim === e.params.dim) {
      const { start, stop, step } = e.params;
      const indices: number[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) indices.push(src.params.indices[i]);
      const params = { dim: e.params.dim, indices, drop: false };
      if (src.prim.shape(src.inputs, params).key === e.out.shape.key) { e = { prim: src.prim, inputs: src.inputs, params, out: e.out, site: e.site, precision: src.precision }; changed = true; }
    } else if (src && e.prim.name === 'gather' && e.params.drop && src.prim.name === 'stack' && src.params.dim.name === e.params.dim) {
      const picked = src.inputs[e.params.indices[0]];
      if (picked && picked.shape.key === e.out.shape.key && picked.dtype === e.out.dtype) {
        subst.set(e.out, picked);
        changed = true;
        continue;
      }
    }
    producer.set(e.out, e);
    eqns.push(e);
  }
  return changed ? { inputs: g.inputs, eqns, outputs: g.outputs.map(sub) } : g;
}

/** Applies `pass` to every sub-graph (recursively, innermost first) and then to `g`. */
export function recurse(g: Graph, pass: (g: Graph) => Graph): Graph {
  let changed = false;
  const eqns = g.eqns.map((e) => {
    const f = mapSubgraphs(e, (sub) => recurse(sub, pass));
    if (f !== e) changed = true;
    return f;
  });
  return pass(changed ? { ...g, eqns } : g);
}

export function optimize(g: Graph): Graph {
  return recurse(g, (h) => eliminateDeadCode(eliminateCommonSubexpressions(h)));
}
