/**
 * Reverse-mode rules, one per primitive, keyed by primitive name (tinygrad's `pm_gradient`, jax-js's
 * exhaustive rule tables). A rule gets the cotangent of the equation's output (`ct`, exactly the
 * output's shape), the forward inputs and output (concrete tensors eagerly, tracers inside a jit
 * trace) and the params, and returns one cotangent per input (undefined: no gradient flows there).
 *
 * Rules are written with the public operations, so the backward pass is ordinary ops: it computes
 * eagerly on concrete values, records into the active trace on tracers, and is itself
 * differentiable (gradients of gradients). A returned cotangent may carry extra dims (they are
 * summed: broadcasting in the forward pass) or a different dim order: `backward.ts` fits it to the
 * input's exact shape and dtype.
 *
 * Primitives whose outputs are bool or int (comparisons, logical ops, any/all, isNan…) and random
 * numbers have no gradient: they are listed in NON_DIFFERENTIABLE with the reason, and the
 * coverage test (test/autodiff/coverage.test.ts) fails for a primitive in neither table.
 */
import { Shape } from '../shape';
import { allocate, type DType } from '../dtype';
import { Tensor } from '../tensor';
import { bind } from '../ops/registry';
import * as ops from '../operations';
import * as mv from '../ops/structure';
import type { GatherParams, SliceParams } from '../ops/structure';
import type { DotParams } from '../ops/linalg';
import type { ReduceParams } from '../ops/reduce';
import { bindAll } from '../ops/registry';
import { loop, type LoopParams } from '../ops/loop';
import { gatherNd, type GatherNdParams } from '../ops/indexing';
import { whileLoop } from '../loops';
import { isFloat } from '../dtype';
import { JitError } from '../errors';
import * as bw from './backward';

export interface VjpContext {
  /** Which inputs need a cotangent (rules may skip the work for the others). */
  readonly needs: readonly boolean[];
  /** Multi-output primitives (loops): the cotangent of every output (undefined: none) and the outputs. */
  readonly cts?: readonly (Tensor | undefined)[];
  readonly outs?: readonly Tensor[];
}

export type VjpRule<P = any> = (ct: Tensor, ins: readonly Tensor[], out: Tensor, params: P, cx: VjpContext) => readonly (Tensor | undefined)[];

/** A concrete zero tensor (a literal inside a trace). */
export function zerosOf(shape: Shape, dtype: DType): Tensor {
  return Tensor._concrete(shape, dtype, allocate(dtype, shape.volume));
}

/** Concrete ones (a literal inside a trace, so that constant folding sees them). */
export function onesOf(shape: Shape, dtype: DType): Tensor {
  const d = allocate(dtype, shape.volume);
  d.fill(1 as never);
  return Tensor._concrete(shape, dtype, d);
}

const { add, sub, div, neg, where } = ops;

/** A concrete rank-0 tensor equal to `v` (a literal the backward pass can fold away). */
function isConstant(t: Tensor, v: number): boolean {
  return t.available && t.shape.rank === 0 && Number(t._data![0]) === v;
}

/** `ops.mul`, skipping a multiplication by a concrete 1 (the seed, a unit exponent): fewer nodes in the backward graph. */
function mul(a: Tensor | number, b: Tensor | number): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) {
    if (isConstant(a, 1) && a.dtype === b.dtype) return b;
    if (isConstant(b, 1) && a.dtype === b.dtype) return a;
  }
  if (b === 1 && a instanceof Tensor) return a;
  return ops.mul(a, b);
}

/** `x^(b-1)` for the rule of pow, with the common constant exponents folded. */
function powMinusOne(a: Tensor, b: Tensor): Tensor {
  if (isConstant(b, 2)) return a;
  if (isConstant(b, 1)) return onesOf(a.shape, a.dtype);
  return ops.pow(a, sub(b, 1));
}

/** Same cotangent for every input (add, identity-like movement). */
const passThrough: VjpRule = (ct, ins) => ins.map(() => ct);
/** Piecewise-constant functions: derivative zero almost everywhere. */
const zeroGradient: VjpRule = (_ct, ins) => ins.map(() => undefined);

/** Cotangent of `x` when a rule computed it for x's dims only along `dims` (reductions): expanded back. */
function expandTo(g: Tensor, x: Tensor): Tensor {
  return ops.expand(g, x.shape);
}

/** Number of elements along the reduced dims. */
function reducedCount(x: Tensor, dims: readonly string[]): number {
  return dims.reduce((acc, d) => acc * x.shape.size(d), 1);
}

/**
 * Transpose of a gather along one dim (also of slice): scatter-add `g` back onto `size` positions.
 * `indices[j]` is the source position of `g`'s item j. Built from gather + concat only (so it is
 * differentiable again): a zero item is appended and each source position gathers its items; a
 * position that was read k times (edge padding) sums k gathers, one per occurrence.
 */
function scatterAlong(g: Tensor, dim: string, indices: readonly number[], size: number): Tensor {
  const byPos: number[][] = Array.from({ length: size }, () => []);
  indices.forEach((src, j) => byPos[src].push(j));
  const layers = Math.max(1, ...byPos.map((l) => l.length));
  const n = indices.length;
  const zero = zerosOf(g.shape.withSize(dim, 1), g.dtype);
  const padded = n === 0 ? zero : bind(mv.concat, [g, zero], { dim });
  let acc: Tensor | undefined;
  for (let r = 0; r < layers; r++) {
    const idx = byPos.map((l) => (r < l.length ? l[r] : n));
    if (idx.every((i) => i === n) && acc) continue;
    const part = bind(mv.gather, [padded], { dim, indices: idx, drop: false } satisfies GatherParams);
    acc = acc ? add(acc, part) : part;
  }
  return acc!;
}

/** Adds a size-1 dim `dim` of kind `kind` to `g` (the dim a one-index gather dropped). */
function withUnitDim(g: Tensor, name: string, kind: Shape['dims'][number]['kind']): Tensor {
  return bind(mv.reshape, [g], { shape: g.shape.and(new Shape([{ name, kind, size: 1 }])) });
}

let tempId = 0;

/** Cotangent of one dot operand: contract `g` with the other operand over the other's free dims. */
function dotOperandGrad(g: Tensor, other: Tensor, selfDims: readonly string[], otherDims: readonly string[], self: Tensor): Tensor {
  // The other's contracted dims are renamed to fresh names first, so that they cannot meet a
  // same-named free dim of `self` in g (which dot would treat as a shared, matched dim).
  const temp = otherDims.map(() => `__ad${tempId++}`);
  const o = bind(mv.rename, [other], { mapping: Object.fromEntries(otherDims.map((n, i) => [n, temp[i]])) });
  const otherFree = other.shape.without(otherDims).names.filter((n) => !self.shape.without(selfDims).has(n));
  const r = ops.dot(g, otherFree, o, otherFree);
  return bind(mv.rename, [r], { mapping: Object.fromEntries(temp.map((t, i) => [t, new Shape([self.shape.dim(selfDims[i])])])) });
}

/** Min/max reductions: the cotangent goes to the elements equal to the result, shared among ties. */
const extremumRule: VjpRule<ReduceParams> = (ct, [x], out, p) => {
  const hit = ops.cast(ops.equal(x, expandTo(out, x)), ct.dtype);
  const count = ops.sum(hit, p.dims);
  return [mul(hit, expandTo(div(ct, count), x))];
};

/** Element-wise min/max: the cotangent goes to the selected operand; ties share it. */
function minMaxRule(pickA: (a: Tensor, b: Tensor) => Tensor): VjpRule {
  return (ct, [a, b]) => {
    const tie = ops.equal(a, b);
    const half = mul(ct, 0.5);
    const first = pickA(a, b);
    return [where(tie, half, where(first, ct, 0)), where(tie, half, where(first, 0, ct))];
  };
}

export const VJP_RULES: Record<string, VjpRule> = {
  // --- element-wise, unary ---
  neg: (ct) => [neg(ct)],
  abs: (ct, [x]) => [mul(ct, ops.sign(x))],
  sign: zeroGradient,
  floor: zeroGradient,
  ceil: zeroGradient,
  round: zeroGradient,
  sqrt: (ct, _ins, y) => [div(mul(ct, 0.5), y)],
  exp: (ct, _ins, y) => [mul(ct, y)],
  log: (ct, [x]) => [div(ct, x)],
  sin: (ct, [x]) => [mul(ct, ops.cos(x))],
  cos: (ct, [x]) => [neg(mul(ct, ops.sin(x)))],
  tan: (ct, _ins, y) => [mul(ct, add(mul(y, y), 1))],
  tanh: (ct, _ins, y) => [mul(ct, sub(1, mul(y, y)))],
  sigmoid: (ct, _ins, y) => [mul(ct, mul(y, sub(1, y)))],
  /** Float → float casts pass the cotangent (converted back by the driver); int results never get here. */
  cast: passThrough,

  // --- element-wise, binary ---
  add: passThrough,
  sub: (ct, _ins, _y, _p, cx) => [ct, cx.needs[1] ? neg(ct) : undefined],
  mul: (ct, [a, b], _y, _p, cx) => [cx.needs[0] ? mul(ct, b) : undefined, cx.needs[1] ? mul(ct, a) : undefined],
  div: (ct, [, b], y, _p, cx) => [cx.needs[0] ? div(ct, b) : undefined, cx.needs[1] ? neg(div(mul(ct, y), b)) : undefined],
  pow: (ct, [a, b], y, _p, cx) => [
    cx.needs[0] ? mul(ct, mul(b, powMinusOne(a, b))) : undefined,
    // d/db a^b = a^b log a; where a is 0 the term is 0 (lim b→… of 0^b is flat for b > 0), as in JAX
    cx.needs[1] ? mul(ct, mul(y, ops.log(where(ops.equal(a, 0), 1, a)))) : undefined,
  ],
  /** a mod b = a - floor(a / b) b. */
  mod: (ct, [a, b], _y, _p, cx) => [ct, cx.needs[1] ? neg(mul(ct, ops.floor(div(a, b)))) : undefined],
  minimum: minMaxRule((a, b) => ops.less(a, b)),
  maximum: minMaxRule((a, b) => ops.greater(a, b)),
  where: (ct, [c], _y, _p, cx) => [undefined, cx.needs[1] ? where(c, ct, 0) : undefined, cx.needs[2] ? where(c, 0, ct) : undefined],

  // --- reductions ---
  sum: (ct, [x]) => [expandTo(ct, x)],
  mean: (ct, [x], _y, p: ReduceParams) => [expandTo(div(ct, reducedCount(x, p.dims)), x)],
  /**
   * ∂prod/∂xᵢ = the product of the other elements: prod / xᵢ where no element is 0; where exactly
   * one is 0, the product of the non-zero ones at that element and 0 elsewhere; two or more: 0.
   * (No division by 0 anywhere, so a gradient of this gradient stays finite.)
   */
  prod: (ct, [x], _y, p: ReduceParams) => {
    const isZero = ops.equal(x, 0);
    const zeros = ops.sum(ops.cast(isZero, 'int32'), p.dims);
    const safe = where(isZero, 1, x);
    const nonZeroProd = expandTo(ops.prod(safe, p.dims), x);
    const zerosAt = expandTo(zeros, x);
    const others = where(isZero, where(ops.equal(zerosAt, 1), nonZeroProd, 0), where(ops.equal(zerosAt, 0), div(nonZeroProd, safe), 0));
    return [mul(expandTo(ct, x), others)];
  },
  max: extremumRule,
  min: extremumRule,

  // --- movement ---
  /** Constants created inside a trace (trace.ts's identity equation). */
  const: passThrough,
  transpose: passThrough,
  rename: (ct, [x], _y, p: { mapping: Record<string, string | Shape> }) => {
    const inverse: Record<string, Shape> = {};
    for (const [from, to] of Object.entries(p.mapping)) inverse[typeof to === 'string' ? to : to.dims[0].name] = new Shape([x.shape.dim(from)]);
    return [bind(mv.rename, [ct], { mapping: inverse })];
  },
  reshape: (ct, [x]) => [bind(mv.reshape, [ct], { shape: x.shape })],
  expand: passThrough,
  slice: (ct, [x], _y, p: SliceParams) => {
    const idx: number[] = [];
    for (let i = p.start; p.step > 0 ? i < p.stop : i > p.stop; i += p.step) idx.push(i);
    return [scatterAlong(ct, p.dim, idx, x.shape.size(p.dim))];
  },
  gather: (ct, [x], _y, p: GatherParams) => {
    const d = x.shape.dim(p.dim);
    const g = p.drop ? withUnitDim(ct, p.dim, d.kind) : ct;
    return [scatterAlong(g, p.dim, p.indices, d.size!)];
  },
  concat: (ct, ins, _y, p: { dim: string }, cx) => {
    let at = 0;
    return ins.map((x, i) => {
      const n = x.shape.size(p.dim);
      const start = at;
      at += n;
      return cx.needs[i] ? bind(mv.slice, [ct], { dim: p.dim, start, stop: start + n, step: 1 } satisfies SliceParams) : undefined;
    });
  },
  stack: (ct, ins, _y, p: { dim: { name: string } }, cx) =>
    ins.map((_x, i) => (cx.needs[i] ? bind(mv.gather, [ct], { dim: p.dim.name, indices: [i], drop: true } satisfies GatherParams) : undefined)),

  // --- linear algebra ---
  dot: (ct, [a, b], _y, p: DotParams, cx) => [
    cx.needs[0] ? dotOperandGrad(ct, b, p.a, p.b, a) : undefined,
    cx.needs[1] ? dotOperandGrad(ct, a, p.b, p.a, b) : undefined,
  ],
};

/**
 * How the backward pass of a fixed-count loop gets the states before each iteration:
 * `'store'` (default): the forward loop, when evaluated for a gradient, also emits its states as
 * ONNX Loop scan outputs (memory: n states); `'recompute'`: the forward loop runs as it is and the
 * rule runs it a second time with the scan outputs (twice the forward work, no stored states while
 * nothing differentiates). bench (10) measures both.
 */
export type LoopTrajectoryMode = 'store' | 'recompute';
let trajectoryMode: LoopTrajectoryMode = 'store';
export function setLoopTrajectoryMode(mode: LoopTrajectoryMode): LoopTrajectoryMode {
  if (mode !== 'store' && mode !== 'recompute') throw new TypeError(`setLoopTrajectoryMode: 'store' or 'recompute', got ${String(mode)}`);
  const previous = trajectoryMode;
  trajectoryMode = mode;
  return previous;
}

/** The stored trajectories of loops evaluated by `evalForward`, by their first final-state output. */
const storedTrajectories = new WeakMap<Tensor, readonly Tensor[]>();
let trajectoryDimId = 0;

/**
 * The forward evaluation of a loop equation for a gradient (backward.ts's `evalForward`): a loop
 * with a fixed count and no trajectory of its own also returns its states after every iteration
 * (scan outputs of the same ONNX Loop), kept for its rule. Other loops are bound as they are.
 */
export function bindLoopForGradient(ins: readonly Tensor[], p: LoopParams): Tensor[] {
  if (trajectoryMode !== 'store' || p.cond || p.maxIterations === undefined || p.maxIterations === 0 || p.trajectory) return bindAll(loop, ins, p);
  const n = p.body.outputs.length;
  const outs = bindAll(loop, ins, { ...p, trajectory: new Shape([{ name: `__adIter${trajectoryDimId++}`, kind: 'instance', size: p.maxIterations }]) });
  storedTrajectories.set(outs[0], outs.slice(n));
  return outs.slice(0, n);
}

/**
 * Loops with a fixed iteration count (math.iterate, whileLoop without a tensor condition): the
 * backward pass is one more loop with the same count, running over the iterations in reverse
 * (one ONNX Loop: the graph does not grow with the count). Its state is the iteration index k
 * and the cotangents of the state and of the captured values; each iteration reads the state
 * before iteration k from the stacked trajectory by the traced index k (gatherNd), re-evaluates
 * the body there and applies the body's backward pass.
 */
const loopRule: VjpRule<LoopParams> = (_ct, ins, _y, p, cx) => {
  const N = p.maxIterations;
  if (p.cond || N === undefined) {
    throw new JitError(
      'Gradients through math.whileLoop need a fixed iteration count, but this loop stops on a tensor condition. ' +
        'Use math.iterate(f, n, x0) with the number of iterations n (find n first, e.g. eagerly, then differentiate with it).');
  }
  const n = p.body.outputs.length;
  const init = ins.slice(0, n), caps = ins.slice(n);
  const cts = cx.cts!, outs = cx.outs!;
  const floats = init.map((x, i) => (isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);
  const ctFinal = floats.map((i) => cts[i] ?? zerosOf(init[i].shape, init[i].dtype));
  if (N === 0) return init.map((_x, i) => (cx.needs[i] && floats.includes(i) ? ctFinal[floats.indexOf(i)] : undefined));
  const capIdx = caps.map((c, j) => (cx.needs[n + j] && isFloat(c.dtype) ? j : -1)).filter((j) => j >= 0);
  const trajCt = p.trajectory ? init.map((_x, i) => cts[n + i]) : [];
  const traj = p.trajectory ? outs.slice(n)
    : storedTrajectories.get(outs[0]) ?? bindAll(loop, ins, { ...p, trajectory: new Shape([{ name: `__adIter${trajectoryDimId++}`, kind: 'instance', size: N }]) }).slice(n);
  const tdim = traj[0].shape.dims[0];
  // the state before iteration k: x0 at 0, the trajectory's item k − 1 after that
  const before = init.map((x, i) => {
    // the iteration dim first, as in the trajectory: each iteration's gather then reads a contiguous block
    const first = bind(mv.reshape, [x], { shape: new Shape([{ name: tdim.name, kind: tdim.kind, size: 1 }, ...x.shape.dims]) });
    return N === 1 ? first : bind(mv.concat, [first, bind(mv.slice, [traj[i]], { dim: tdim.name, start: 0, stop: N - 1, step: 1 } satisfies SliceParams)], { dim: tdim.name });
  });
  const at = (t: Tensor, k: Tensor) => bind(gatherNd, [t, k], { dims: [tdim.name] } satisfies GatherNdParams);
  const start = {
    k: Tensor._concrete(Shape.EMPTY, 'int32', Int32Array.of(N - 1)),
    ct: ctFinal,
    caps: capIdx.map((j) => zerosOf(caps[j].shape, caps[j].dtype)),
  };
  const result = whileLoop(() => true, (s) => {
    const xk = before.map((b) => at(b, s.k));
    const ct = floats.map((i, f) => (trajCt[i] ? add(s.ct[f], at(trajCt[i]!, s.k)) : s.ct[f]));
    const env = bw.evalForward(p.body, [...xk, ...caps]);
    const seeds = floats.map((i, f) => [p.body.outputs[i], ct[f]] as const);
    const g = bw.backward(p.body, env, seeds, p.body.inputs);
    return { k: sub(s.k, 1), ct: floats.map((i) => g[i]), caps: capIdx.map((j, c) => add(s.caps[c], g[n + j])) };
  }, start, { maxIterations: N });
  const ctInit: (Tensor | undefined)[] = init.map(() => undefined);
  floats.forEach((i, f) => { if (cx.needs[i]) ctInit[i] = result.ct[f]; });
  const ctCaps: (Tensor | undefined)[] = caps.map(() => undefined);
  capIdx.forEach((j, c) => { ctCaps[j] = result.caps[c]; });
  return [...ctInit, ...ctCaps];
};
VJP_RULES.while = loopRule;

/** Primitives without a gradient, with the reason (their outputs are not differentiable values). */
export const NON_DIFFERENTIABLE: Record<string, string> = {
  greater: 'comparison: bool output',
  less: 'comparison: bool output',
  greaterEqual: 'comparison: bool output',
  lessEqual: 'comparison: bool output',
  equal: 'comparison: bool output',
  notEqual: 'comparison: bool output',
  logicalAnd: 'logical op: bool output',
  logicalOr: 'logical op: bool output',
  logicalXor: 'logical op: bool output',
  logicalNot: 'logical op: bool output',
  isNan: 'predicate: bool output',
  isFinite: 'predicate: bool output',
  any: 'logical reduction: bool output',
  all: 'logical reduction: bool output',
  random: 'sampling: a random draw has no derivative with respect to anything traced (it has no inputs)',
};

/** Registers the rule of a primitive defined outside this file (autodiff's own primitives, loops). */
export function defineVjp(name: string, rule: VjpRule): void {
  if (VJP_RULES[name] || NON_DIFFERENTIABLE[name]) throw new Error(`a gradient rule for '${name}' is defined twice`);
  VJP_RULES[name] = rule;
}

// rules of the ΦML-math primitives (special functions, scans, indexing)
import './rules-mathapi';
