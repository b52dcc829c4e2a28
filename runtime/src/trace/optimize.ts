/**
 * Graph hygiene before lowering: common subexpressions merged, dead equations removed. (Constant
 * folding already happened while tracing: ops on concrete values ran eagerly.)
 */
import { Shape } from '../shape';
import { Var, type Atom, type Eqn, type Graph } from './ir';

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
    if (e.prim.effectful) { eqns.push({ ...e, inputs }); continue; }
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
    if (!live.has(e.out)) continue;
    kept.push(e);
    for (const a of e.inputs) if (a instanceof Var) live.add(a);
  }
  kept.reverse();
  return { inputs: g.inputs, eqns: kept, outputs: g.outputs };
}

export function optimize(g: Graph): Graph {
  return eliminateDeadCode(eliminateCommonSubexpressions(g));
}
