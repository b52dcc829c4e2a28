/**
 * The fuzzer's op vocabulary: one entry per public operation, each saying how to pick its
 * operands and parameters from random choices, how to apply it (through the public `math` API,
 * so composites such as `clip` and `get`'s index clamping are exercised too), how to print it as
 * TS code, and which tolerance family its results are compared with. The primitives an entry
 * reaches are read back from the compiled graphs (see fuzz.test.ts's coverage check).
 */
import { math, Tensor, Shape, spatial, instance, channel, batch, dual, type DType, type Dim } from 'tensorjit';

/**
 * An operand: a program value (by index), a JS number literal, a bigint literal, the traced number
 * argument, or a literal tensor made inside the function (index tensors of gather / scatter).
 */
export type Arg = { v: number } | { num: number } | { big: string } | { n: true } | { lit: LiteralSpec };

/** A literal tensor operand: named dims (size, optional item names), dtype and values. */
export interface LiteralSpec {
  readonly dims: readonly { readonly name: string; readonly kind: string; readonly size: number; readonly labels?: readonly string[] }[];
  readonly dtype: DType;
  readonly values: readonly (number | string | boolean)[];
}

export interface OpNode { readonly op: string; readonly args: readonly Arg[]; readonly params?: any }

/**
 * How a result is compared with the eager op applied to the same (compiled) inputs.
 * exact: bit-exact (NaN = NaN, signed zeros distinguished); transcendental: k ulp plus the
 * conditioning term |f'(x)|·ulp(x); accumulate: n·eps·Σ|terms| (sum order differs).
 */
export type Tolerance = 'exact' | 'transcendental' | 'accumulate';

/** What a generator sees: the values so far and a stream of random choices. */
export interface GenContext {
  readonly values: readonly Tensor[];
  /** Next random choice in [0, n). */
  pick(n: number): number;
  /** A value index, preferring recent values. */
  value(): number;
  /** A value index broadcast-compatible with all of `with` (same size/kind/items for shared names), or undefined. */
  compatible(...withIdx: number[]): number | undefined;
  /** A weak operand: a JS number literal (edge values) or the traced number argument. */
  weak(): Arg;
  /** The traced number argument's current value (eager replay). */
  readonly hasNumberArg: boolean;
}

export interface OpDef {
  readonly name: string;
  readonly tol: Tolerance | ((node: OpNode, ins: readonly unknown[]) => Tolerance);
  /** transcendental: |f'| at the operands (the conditioning term of the tolerance); default 0. */
  readonly derivative?: (x: readonly number[], fx: number) => number;
  /** transcendental: the kernel computes in float32 whatever the dtype (onnxruntime has no float64 kernel). */
  readonly float32Kernel?: boolean;
  /** accumulate: the number of terms behind each result element (default: input volume / output volume). */
  readonly terms?: (node: OpNode, ins: readonly Tensor[]) => number;
  /** Picks operands and parameters, or undefined when the op does not apply here. */
  gen(ctx: GenContext): OpNode | undefined;
  apply(args: readonly any[], params: any): Tensor;
  code(args: readonly string[], params: any): string;
}

const UNARY = ['neg', 'abs', 'sign', 'sqrt', 'exp', 'log', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'floor', 'ceil', 'round', 'logicalNot', 'isNan', 'isFinite'] as const;
const TRANSCENDENTAL = new Set(['sqrt', 'exp', 'log', 'sin', 'cos', 'tan', 'tanh', 'sigmoid']);
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'mod', 'minimum', 'maximum', 'greater', 'less', 'greaterEqual', 'lessEqual', 'equal', 'notEqual', 'logicalAnd', 'logicalOr', 'logicalXor'] as const;
const REDUCTIONS = ['sum', 'prod', 'mean', 'max', 'min', 'any', 'all', 'std'] as const;
const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

/** A JS literal as TS source. */
export function numText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

export function dimsText(names: readonly string[]): string { return `'${names.join(',')}'`; }

/** TS source of a one-dim Shape constructor call. */
export function shapeCode(d: { name: string; kind: string; size?: number; labels?: readonly string[] }): string {
  const name = d.kind === 'dual' ? d.name.replace(/^~/, '') : d.name;
  const size = d.labels ? `'${d.labels.join(',')}'` : d.size === undefined ? undefined : String(d.size);
  return size === undefined ? `${d.kind}('${name}')` : `${d.kind}({ ${JSON.stringify(name).slice(1, -1).match(/^[A-Za-z_]\w*$/) ? name : JSON.stringify(name)}: ${size} })`;
}

export function makeShape(d: { name: string; kind: string; size?: number; labels?: readonly string[] }): Shape {
  const ctor = { spatial, instance, channel, batch, dual }[d.kind as 'spatial']!;
  const name = d.kind === 'dual' ? d.name.replace(/^~/, '') : d.name;
  if (d.size === undefined) return ctor(name);
  return ctor({ [name]: d.labels ? d.labels.join(',') : d.size } as any);
}

const NEW_DIMS = [
  { name: 'z', kind: 'spatial' }, { name: 'q', kind: 'instance' }, { name: 'k', kind: 'channel' }, { name: 'e', kind: 'batch' }, { name: '~u', kind: 'dual' },
] as const;

function freshDim(ctx: GenContext, x: Tensor, size: number): { name: string; kind: string; size: number } | undefined {
  const free = NEW_DIMS.filter((d) => !x.shape.has(d.name));
  if (!free.length) return undefined;
  const d = free[ctx.pick(free.length)];
  return { name: d.name, kind: d.kind, size };
}

/** Picks a value: its index (the operand) and the tensor (to look at its shape and dtype). */
export function pickValue(ctx: GenContext): { xi: number; x: Tensor } {
  const xi = ctx.value();
  return { xi, x: ctx.values[xi] };
}

/**
 * Picks a value and one of its dims (among those passing `ok`): the start of every generator that
 * works along a dim. Undefined when the value has no such dim.
 */
export function valueAndDim(ctx: GenContext, ok: (d: Dim, x: Tensor) => boolean = () => true): { xi: number; x: Tensor; d: Dim } | undefined {
  const { xi, x } = pickValue(ctx);
  const dims = x.shape.dims.filter((d) => ok(d, x));
  if (!dims.length) return undefined;
  return { xi, x, d: dims[ctx.pick(dims.length)] };
}

/** A non-empty random subset of x's dim names (in x's order), or undefined (no dims, or 1 in 5: all dims by default). */
function pickDims(ctx: GenContext, x: Tensor): string[] | undefined {
  if (x.rank === 0 || ctx.pick(5) === 0) return undefined;
  const names = x.shape.names.filter(() => ctx.pick(2) === 1);
  return names.length ? names : [x.shape.names[ctx.pick(x.rank)]];
}

const unaryDefs: OpDef[] = UNARY.map((op) => ({
  name: op,
  tol: TRANSCENDENTAL.has(op) ? 'transcendental' : 'exact',
  gen: (ctx) => ({ op, args: [{ v: ctx.value() }] }),
  apply: ([x]) => (math as any)[op](x),
  code: ([x]) => `math.${op}(${x})`,
}));

const castDef: OpDef = {
  name: 'cast',
  tol: 'exact',
  gen: (ctx) => ({ op: 'cast', args: [{ v: ctx.value() }], params: { dtype: DTYPES[ctx.pick(DTYPES.length)] } }),
  apply: ([x], p) => math.cast(x, p.dtype),
  code: ([x], p) => `math.cast(${x}, '${p.dtype}')`,
};

/** Second operand of a binary op: a compatible value mostly, else a weak number. */
function secondOperand(ctx: GenContext, a: number): Arg {
  const r = ctx.pick(10);
  if (r < 6) {
    const b = ctx.compatible(a);
    if (b !== undefined) return { v: b };
  }
  if (r === 9) return { big: String([0n, 1n, -1n, 2n, 3n, 40n, 2n ** 62n, -(2n ** 63n)][ctx.pick(8)]) };
  return ctx.weak();
}

const binaryDefs: OpDef[] = BINARY.map((op) => ({
  name: op,
  tol: op === 'pow' ? 'transcendental' : 'exact',
  gen: (ctx) => {
    const a = ctx.value();
    const b = secondOperand(ctx, a);
    return ctx.pick(4) === 0 ? { op, args: [b, { v: a }] } : { op, args: [{ v: a }, b] };
  },
  apply: ([a, b]) => (math as any)[op](a, b),
  code: ([a, b]) => `math.${op}(${a}, ${b})`,
}));

const whereDef: OpDef = {
  name: 'where',
  tol: 'exact',
  gen: (ctx) => {
    const c = ctx.value();
    const a: Arg = ctx.pick(3) ? { v: ctx.compatible(c) ?? c } : ctx.weak();
    const av = 'v' in a ? [c, a.v] : [c];
    const bi = ctx.compatible(...av);
    const b: Arg = ctx.pick(3) && bi !== undefined ? { v: bi } : ctx.weak();
    return { op: 'where', args: [{ v: c }, a, b] };
  },
  apply: ([c, a, b]) => math.where(c, a, b),
  code: ([c, a, b]) => `math.where(${c}, ${a}, ${b})`,
};

const clipDef: OpDef = {
  name: 'clip',
  tol: 'exact',
  gen: (ctx) => {
    const x = ctx.value();
    const lo = secondOperand(ctx, x), hi = secondOperand(ctx, x);
    return { op: 'clip', args: [{ v: x }, lo, hi] };
  },
  apply: ([x, lo, hi]) => math.clip(x, lo, hi),
  code: ([x, lo, hi]) => `math.clip(${x}, ${lo}, ${hi})`,
};

const reductionDefs: OpDef[] = REDUCTIONS.map((op) => ({
  name: op,
  tol: op === 'sum' || op === 'prod' || op === 'mean' || op === 'std' ? 'accumulate' : 'exact',
  gen: (ctx) => {
    const x = ctx.value();
    return { op, args: [{ v: x }], params: { dims: pickDims(ctx, ctx.values[x]) } };
  },
  apply: ([x], p) => (math as any)[op](x, p.dims),
  code: ([x], p) => `math.${op}(${x}${p.dims ? `, ${dimsText(p.dims)}` : ''})`,
}));

const dotDef: OpDef = {
  name: 'dot',
  tol: 'accumulate',
  gen: (ctx) => {
    const pick = valueAndDim(ctx);
    if (!pick) return undefined;
    const { xi: ai, x: a, d: da } = pick;
    // b: a value with a dim of the same size whose other shared dims broadcast with a's
    const cands: [number, string][] = [];
    ctx.values.forEach((b, bi) => {
      for (const db of b.shape.dims) {
        if (db.size !== da.size) continue;
        const ra = a.shape.without(da.name), rb = b.shape.without(db.name);
        if (ra.dims.every((d) => !rb.has(d.name) || (rb.dim(d.name).size === d.size && rb.dim(d.name).kind === d.kind && String(rb.dim(d.name).labels) === String(d.labels)))) cands.push([bi, db.name]);
      }
    });
    if (!cands.length) return undefined;
    const [bi, dbn] = cands[ctx.pick(cands.length)];
    return { op: 'dot', args: [{ v: ai }, { v: bi }], params: { a: da.name, b: dbn } };
  },
  apply: ([a, b], p) => math.dot(a, p.a, b, p.b),
  code: ([a, b], p) => `math.dot(${a}, '${p.a}', ${b}, '${p.b}')`,
};

const transposeDef: OpDef = {
  name: 'transpose',
  tol: 'exact',
  gen: (ctx) => {
    const x = ctx.value();
    const names = ctx.values[x].shape.names.slice();
    if (names.length < 2) return undefined;
    for (let i = names.length - 1; i > 0; i--) { const j = ctx.pick(i + 1); [names[i], names[j]] = [names[j], names[i]]; }
    return { op: 'transpose', args: [{ v: x }], params: { order: names } };
  },
  apply: ([x], p) => math.transpose(x, p.order),
  code: ([x], p) => `math.transpose(${x}, ${dimsText(p.order)})`,
};

const renameDef: OpDef = {
  name: 'renameDims',
  tol: 'exact',
  gen: (ctx) => {
    const pick = valueAndDim(ctx);
    if (!pick) return undefined;
    const { xi, x, d } = pick;
    const to = freshDim(ctx, x, d.size!);
    if (!to || (d.labels && to.kind !== 'channel')) return undefined;
    return { op: 'renameDims', args: [{ v: xi }], params: { from: d.name, to: { name: to.name, kind: to.kind } } };
  },
  apply: ([x], p) => math.renameDims(x, p.from, makeShape(p.to)),
  code: ([x], p) => `math.renameDims(${x}, '${p.from}', ${shapeCode(p.to)})`,
};

const packDef: OpDef = {
  name: 'packDims',
  tol: 'exact',
  gen: (ctx) => {
    const { xi, x } = pickValue(ctx);
    if (x.rank === 0) return undefined;
    const names = x.shape.names.filter(() => ctx.pick(2) === 1);
    if (!names.length) names.push(x.shape.names[0]);
    const to = freshDim(ctx, x, 0);
    if (!to) return undefined;
    return { op: 'packDims', args: [{ v: xi }], params: { dims: names, to: { name: to.name, kind: to.kind } } };
  },
  apply: ([x], p) => math.packDims(x, p.dims, makeShape(p.to)),
  code: ([x], p) => `math.packDims(${x}, ${dimsText(p.dims)}, ${shapeCode(p.to)})`,
};

const unpackDef: OpDef = {
  name: 'unpackDim',
  tol: 'exact',
  gen: (ctx) => {
    const pick = valueAndDim(ctx, (d) => !d.labels);
    if (!pick) return undefined;
    const { xi, x, d } = pick;
    const n = d.size!;
    const divisors = n === 0 ? [0, 1, 2] : [1, 2, 3, 4].filter((k) => n % k === 0);
    const f = divisors[ctx.pick(divisors.length)];
    const free = NEW_DIMS.filter((nd) => !x.shape.has(nd.name) || nd.name === d.name);
    if (free.length < 2) return undefined;
    const i = ctx.pick(free.length);
    const j = (i + 1 + ctx.pick(free.length - 1)) % free.length;
    // one size left out (inferred) unless the dim is empty
    const first = { name: free[i].name, kind: free[i].kind, size: f };
    const second = { name: free[j].name, kind: free[j].kind, size: n === 0 ? (f === 0 ? 2 : 0) : undefined };
    return { op: 'unpackDim', args: [{ v: xi }], params: { dim: d.name, to: [first, second] } };
  },
  apply: ([x], p) => math.unpackDim(x, p.dim, makeShape(p.to[0]).and(makeShape(p.to[1]))),
  code: ([x], p) => `math.unpackDim(${x}, '${p.dim}', ${shapeCode(p.to[0])}.and(${shapeCode(p.to[1])}))`,
};

const expandDef: OpDef = {
  name: 'expand',
  tol: 'exact',
  gen: (ctx) => {
    const { xi, x } = pickValue(ctx);
    const d = freshDim(ctx, x, [0, 1, 2, 3][ctx.pick(4)]);
    return d && { op: 'expand', args: [{ v: xi }], params: { dim: d } };
  },
  apply: ([x], p) => math.expand(x, makeShape(p.dim)),
  code: ([x], p) => `math.expand(${x}, ${shapeCode(p.dim)})`,
};

const STEPS = [1, 1, 2, -1, -2, 3];

const getDef: OpDef = {
  name: 'get',
  tol: 'exact',
  gen: (ctx) => {
    const pick = valueAndDim(ctx);
    if (!pick) return undefined;
    const { xi, d } = pick;
    const n = d.size!;
    const kind = ctx.pick(4);
    if (kind === 0 && n > 0) return { op: 'get', args: [{ v: xi }], params: { dim: d.name, sel: ctx.pick(2 * n) - n } };
    if (kind === 1 && d.labels && n > 0) {
      const items = d.labels.filter(() => ctx.pick(2) === 1);
      return { op: 'get', args: [{ v: xi }], params: { dim: d.name, sel: items.length === 1 && ctx.pick(2) ? items[0] : items.length ? items : [d.labels[0]] } };
    }
    const r = () => ctx.pick(2 * n + 5) - n - 2;
    const step = STEPS[ctx.pick(STEPS.length)];
    return { op: 'get', args: [{ v: xi }], params: { dim: d.name, sel: step === 1 && ctx.pick(2) ? [r(), r()] : [r(), r(), step] } };
  },
  apply: ([x], p) => x.get({ [p.dim]: p.sel }),
  code: ([x], p) => `${x}.get({ ${/^\w+$/.test(p.dim) ? p.dim : JSON.stringify(p.dim)}: ${JSON.stringify(p.sel).replace(/"/g, "'").replace(/,/g, ', ')} })`,
};

const concatDef: OpDef = {
  name: 'concat',
  tol: 'exact',
  gen: (ctx) => {
    const pick = valueAndDim(ctx);
    if (!pick) return undefined;
    const { xi: ai, x: a, d } = pick;
    const rest = a.shape.without(d.name);
    const cands: number[] = [];
    ctx.values.forEach((b, bi) => {
      if (b.shape.has(d.name) && b.shape.dim(d.name).kind === d.kind && b.shape.without(d.name).sameDims(rest)
        && rest.dims.every((r) => String(b.shape.dim(r.name).labels) === String(r.labels))) cands.push(bi);
    });
    const k = 1 + ctx.pick(3);
    const args: Arg[] = [{ v: ai }];
    for (let i = 0; i < k; i++) args.push({ v: cands[ctx.pick(cands.length)] });
    return { op: 'concat', args, params: { dim: d.name } };
  },
  apply: (args, p) => math.concat(args, p.dim),
  code: (args, p) => `math.concat([${args.join(', ')}], '${p.dim}')`,
};

function stackOperands(ctx: GenContext): Arg[] {
  const a = ctx.value();
  const args: Arg[] = [{ v: a }];
  const idx = [a];
  const k = 1 + ctx.pick(2);
  for (let i = 0; i < k; i++) {
    const b = ctx.compatible(...idx);
    if (b === undefined || ctx.pick(5) === 0) args.push(ctx.weak());
    else { args.push({ v: b }); idx.push(b); }
  }
  return args;
}

const stackDef: OpDef = {
  name: 'stack',
  tol: 'exact',
  gen: (ctx) => {
    const args = stackOperands(ctx);
    const all = args.flatMap((a) => ('v' in a ? [ctx.values[a.v]] : []));
    const free = NEW_DIMS.filter((d) => all.every((t) => !t.shape.has(d.name)));
    if (!free.length) return undefined;
    const d = free[ctx.pick(free.length)];
    return { op: 'stack', args, params: { dim: { name: d.name, kind: d.kind } } };
  },
  apply: (args, p) => math.stack(args, makeShape(p.dim)),
  code: (args, p) => `math.stack([${args.join(', ')}], ${shapeCode(p.dim)})`,
};

/** `math.tensor([t1, t2])` of tensors (inside the jit function: a traced stack). */
const tensorOfDef: OpDef = {
  name: 'tensorOf',
  tol: 'exact',
  gen: (ctx) => {
    const a = ctx.value();
    const b = ctx.compatible(a);
    const x = ctx.values[a];
    if (b === undefined || x.shape.has('vector') || ctx.values[b].shape.has('vector')) return undefined;
    return { op: 'tensorOf', args: [{ v: a }, { v: b }] };
  },
  apply: (args) => math.tensor(args),
  code: (args) => `math.tensor([${args.join(', ')}])`,
};

/**
 * `math.whileLoop` (the `while` primitive with its sub-graphs): a counter and a state; the body
 * applies one element-wise op that keeps the state's dtype, at most 1–3 times.
 */
const LOOP_BODIES = ['neg', 'abs', 'floor', 'sign', 'add', 'mul', 'sub', 'maximum'] as const;
const whileDef: OpDef = {
  name: 'whileLoop',
  tol: 'exact',
  gen: (ctx) => {
    const { xi, x } = pickValue(ctx);
    if (x.dtype === 'bool') return undefined;
    return { op: 'whileLoop', args: [{ v: xi }], params: { body: LOOP_BODIES[ctx.pick(LOOP_BODIES.length)], n: 1 + ctx.pick(3), max: ctx.pick(2) ? 2 : undefined } };
  },
  apply: ([x], p) => {
    const step = (s: Tensor): Tensor => (['add', 'mul', 'sub', 'maximum'].includes(p.body) ? (math as any)[p.body](s, s) : (math as any)[p.body](s));
    const [, out] = math.whileLoop(([i]: Tensor[]) => math.less(i, p.n), ([i, s]: Tensor[]) => [math.add(i, 1), step(s)], [math.tensor(0, { dtype: 'int32' }), x], p.max === undefined ? undefined : { maxIterations: p.max });
    return out;
  },
  code: ([x], p) => {
    const step = ['add', 'mul', 'sub', 'maximum'].includes(p.body) ? `math.${p.body}(s, s)` : `math.${p.body}(s)`;
    return `math.whileLoop(([i]) => math.less(i, ${p.n}), ([i, s]) => [math.add(i, 1), ${step}], [math.tensor(0, { dtype: 'int32' }), ${x}]${p.max === undefined ? '' : `, { maxIterations: ${p.max} }`})[1]`;
  },
};

/** The gradient markers (identities on values): `math.stopGradient` and a `math.customGradient` function. */
const stopGradientDef: OpDef = {
  name: 'stopGradient',
  tol: 'exact',
  gen: (ctx) => ({ op: 'stopGradient', args: [{ v: ctx.value() }] }),
  apply: ([x]) => (math as any).stopGradient(x),
  code: ([x]) => `math.stopGradient(${x})`,
};
const customGradientDef: OpDef = {
  name: 'customGradient',
  tol: 'exact',
  gen: (ctx) => ({ op: 'customGradient', args: [{ v: ctx.value() }] }),
  apply: ([x]) => (math as any).customGradient((t: Tensor) => math.neg(t), (_inputs: unknown, _y: Tensor, dy: Tensor) => ({ t: math.neg(dy) }))(x),
  code: ([x]) => `math.customGradient((t: Tensor) => math.neg(t), (_i, _y, dy) => ({ t: math.neg(dy) }))(${x})`,
};

// ---------------------------------------------------------------- special functions, scans, sorting, indexing

/**
 * ΦML's special functions. Operands are picked domain-aware: of two candidate values the one with
 * more elements inside the function's domain (arcsin: [-1, 1], arccosh: [1, ∞), log: > 0), so both
 * in-domain values and the edges outside (NaN results) are compared. `d` is |f'(x)| for the
 * tolerance's conditioning term.
 */
const SPECIAL: readonly { op: string; inDomain: (x: number) => boolean; d: (x: number, fx: number) => number; f32?: boolean }[] = [
  { op: 'erf', inDomain: (x) => Math.abs(x) < 6, d: (x) => 1.1284 * Math.exp(-x * x), f32: true },
  { op: 'log2', inDomain: (x) => x > 0, d: (x) => 1.4427 / Math.abs(x) },
  { op: 'log10', inDomain: (x) => x > 0, d: (x) => 0.4343 / Math.abs(x) },
  { op: 'arcsin', inDomain: (x) => Math.abs(x) <= 1, d: (x) => 1 / Math.sqrt(Math.max(1 - x * x, 0)), f32: true },
  { op: 'arccos', inDomain: (x) => Math.abs(x) <= 1, d: (x) => 1 / Math.sqrt(Math.max(1 - x * x, 0)), f32: true },
  { op: 'arctan', inDomain: () => true, d: (x) => 1 / (1 + x * x), f32: true },
  { op: 'sinh', inDomain: (x) => Math.abs(x) < 89, d: (_x, fx) => Math.abs(fx) + 1, f32: true },
  { op: 'cosh', inDomain: (x) => Math.abs(x) < 89, d: (_x, fx) => Math.abs(fx), f32: true },
  { op: 'arcsinh', inDomain: () => true, d: (x) => 1 / Math.sqrt(1 + x * x), f32: true },
  { op: 'arccosh', inDomain: (x) => x >= 1, d: (x) => 1 / Math.sqrt(Math.max(x * x - 1, 0)), f32: true },
  { op: 'arctanh', inDomain: (x) => Math.abs(x) < 1, d: (x) => 1 / Math.max(1 - x * x, 0), f32: true },
];

function inDomainCount(t: Tensor, inDomain: (x: number) => boolean): number {
  if (t.dtype === 'int64') return 0;
  const data = t.data as ArrayLike<number>;
  let n = 0;
  for (let i = 0; i < data.length; i++) if (inDomain(Number(data[i]))) n++;
  return n;
}

const specialDefs: OpDef[] = SPECIAL.map(({ op, inDomain, d, f32 }) => ({
  name: op,
  tol: 'transcendental',
  derivative: ([x], fx) => d(x, fx),
  float32Kernel: f32,
  gen: (ctx) => {
    const a = ctx.value(), b = ctx.value();
    const x = inDomainCount(ctx.values[b], inDomain) > inDomainCount(ctx.values[a], inDomain) ? b : a;
    return { op, args: [{ v: x }] };
  },
  apply: ([x]) => (math as any)[op](x),
  code: ([x]) => `math.${op}(${x})`,
}));

/** arctan2(y, x): the quadrant rules, the origin (0), both infinite (NaN, documented). */
const arctan2Def: OpDef = {
  name: 'arctan2',
  tol: 'transcendental',
  float32Kernel: true,
  // |∂/∂y| + |∂/∂x| = (|x| + |y|) / (x² + y²)
  derivative: ([y, x]) => (Math.abs(x) + Math.abs(y)) / (x * x + y * y),
  gen: (ctx) => {
    const y = ctx.value();
    const x = secondOperand(ctx, y);
    return ctx.pick(4) === 0 ? { op: 'arctan2', args: [x, { v: y }] } : { op: 'arctan2', args: [{ v: y }, x] };
  },
  apply: ([y, x]) => math.arctan2(y, x),
  code: ([y, x]) => `math.arctan2(${y}, ${x})`,
};

/** `math.cumulativeSum` (the cumsum primitive) along one dim or several packed, with includeZero / includeSum. */
const cumsumDef: OpDef = {
  name: 'cumsum',
  tol: (node) => (node.params.float ? 'accumulate' : 'exact'),
  terms: (node, [x]) => (node.params.dims as string[]).reduce((a, n) => a * x.shape.size(n), 1),
  gen: (ctx) => {
    const { xi, x } = pickValue(ctx);
    const dims = pickDims(ctx, x) ?? (x.rank ? [x.shape.names[ctx.pick(x.rank)]] : undefined);
    if (!dims) return undefined;
    // several dims: exactly one of includeZero, includeSum (the flattened result keeps its size)
    const includeZero = ctx.pick(3) === 0;
    const includeSum = dims.length > 1 ? !includeZero : !includeZero || ctx.pick(2) === 0;
    return { op: 'cumsum', args: [{ v: xi }], params: { dims, includeZero, includeSum, float: x.dtype === 'float32' || x.dtype === 'float64' } };
  },
  apply: ([x], p) => math.cumulativeSum(x, p.dims, { includeZero: p.includeZero, includeSum: p.includeSum }),
  code: ([x], p) => `math.cumulativeSum(${x}, ${dimsText(p.dims)}, { includeZero: ${p.includeZero}, includeSum: ${p.includeSum} })`,
};

/** `math.sort` along one dim, several (packed) or the default (non-batch dims). */
const sortDef: OpDef = {
  name: 'sort',
  tol: 'exact',
  gen: (ctx) => {
    const { xi, x } = pickValue(ctx);
    if (x.shape.nonBatch.rank === 0 && x.rank === 0) return undefined;
    return { op: 'sort', args: [{ v: xi }], params: { dims: pickDims(ctx, x) } };
  },
  apply: ([x], p) => math.sort(x, p.dims),
  code: ([x], p) => `math.sort(${x}${p.dims ? `, ${dimsText(p.dims)}` : ''})`,
};

const argsortDef: OpDef = {
  name: 'argsort',
  tol: 'exact',
  gen: (ctx) => {
    const pick = valueAndDim(ctx);
    return pick && { op: 'argsort', args: [{ v: pick.xi }], params: { dim: pick.d.name } };
  },
  apply: ([x], p) => math.argsort(x, p.dim),
  code: ([x], p) => `math.argsort(${x}, '${p.dim}')`,
};

/** argmax / argmin over one dim (plain index, or an index vector) or several (index vectors). */
const argExtremeDefs: OpDef[] = (['argmax', 'argmin'] as const).map((op) => ({
  name: op,
  tol: 'exact',
  gen: (ctx) => {
    const pick = valueAndDim(ctx, (d) => d.size! > 0);
    if (!pick) return undefined;
    const more = pickDims(ctx, pick.x)?.filter((n) => n !== pick.d.name && pick.x.shape.size(n) > 0) ?? [];
    const dims = [pick.d.name, ...more.slice(0, ctx.pick(2))];
    const plain = dims.length === 1 && ctx.pick(2) === 0;
    return { op, args: [{ v: pick.xi }], params: { dims, plain } };
  },
  apply: ([x], p) => (math as any)[op](x, p.dims, p.plain ? null : undefined),
  code: ([x], p) => `math.${op}(${x}, ${dimsText(p.dims)}${p.plain ? ', null' : ''})`,
}));

const INDEX_DIMS = [{ name: 'q', kind: 'instance' }, { name: 'z', kind: 'spatial' }] as const;

/**
 * An int index tensor for gather / scatter over `dims` of `x`: one fresh list dim (size 0–3), maybe
 * a dim shared with x (matched element-wise), and for two indexed dims a channel dim listing them.
 * Values in range (negative ones count from the end in gather), repeats likely (scatter duplicates);
 * with `outside`, 1 in 6 is outside (the error path, or 'discard' / 'clamp').
 */
function indexLiteral(ctx: GenContext, x: Tensor, dims: readonly string[], opts: { negative: boolean; outside: boolean }): LiteralSpec | undefined {
  const free = INDEX_DIMS.filter((d) => !x.shape.has(d.name));
  if (!free.length) return undefined;
  const list = free[ctx.pick(free.length)];
  const ldims: LiteralSpec['dims'][number][] = [{ name: list.name, kind: list.kind, size: [2, 3, 0, 1, 3][ctx.pick(5)] }];
  const shared = x.shape.dims.filter((d) => !dims.includes(d.name) && d.kind !== 'channel' && d.size! <= 3);
  if (shared.length && ctx.pick(3) === 0) { const d = shared[ctx.pick(shared.length)]; ldims.push({ name: d.name, kind: d.kind, size: d.size! }); }
  if (dims.length > 1) ldims.push({ name: 'index', kind: 'channel', size: dims.length, labels: dims });
  const count = ldims.reduce((a, d) => a * d.size, 1);
  const dtype: DType = ctx.pick(2) ? 'int32' : 'int64';
  const values: (number | string)[] = [];
  for (let i = 0; i < count; i++) {
    const n = x.shape.size(dims.length > 1 ? dims[i % dims.length] : dims[0]);
    let v = ctx.pick(Math.max(n, 1));
    if (opts.negative && ctx.pick(4) === 3) v -= n;
    if (opts.outside && ctx.pick(6) === 5) v = ctx.pick(2) ? n + ctx.pick(2) : -n - 1 - ctx.pick(2);
    values.push(dtype === 'int64' ? String(v) : v);
  }
  return { dims: ldims, dtype, values };
}

/** `math.gather` (gatherNd): values at int indices over one or two dims; out-of-range indices throw on both paths. */
const gatherDef: OpDef = {
  name: 'gather',
  tol: 'exact',
  gen: (ctx) => {
    const pick = valueAndDim(ctx, (d) => d.kind !== 'channel' && d.size! > 0);
    if (!pick) return undefined;
    const second = pick.x.shape.dims.filter((d) => d.name !== pick.d.name && d.kind !== 'channel' && d.size! > 0);
    const dims = second.length && ctx.pick(3) === 0 ? [pick.d.name, second[ctx.pick(second.length)].name] : [pick.d.name];
    const idx = indexLiteral(ctx, pick.x, dims, { negative: true, outside: ctx.pick(8) === 7 });
    return idx && { op: 'gather', args: [{ v: pick.xi }, { lit: idx }], params: { dims } };
  },
  apply: ([x, i], p) => math.gather(x, i, p.dims),
  code: ([x, i], p) => `math.gather(${x}, ${i}, ${dimsText(p.dims)})`,
};

const SCATTER_MODES = ['update', 'add', 'mul', 'max', 'min', 'mean'] as const;
const OUTSIDE = ['check', 'discard', 'clamp'] as const;

/**
 * `math.scatter` (scatterNd): base values with `values` written at int indices (duplicates likely)
 * by every mode; values a compatible program value (dims from the indices and the base) or a JS number.
 */
const scatterDef: OpDef = {
  name: 'scatter',
  tol: (node) => (node.params.mode === 'add' || node.params.mode === 'mean' ? 'accumulate' : 'exact'),
  terms: (node, ins) => Math.max(1, ins[1] ? ins[1].shape.volume : 1),
  gen: (ctx) => {
    const pick = valueAndDim(ctx, (d) => d.kind !== 'channel' && d.size! > 0);
    if (!pick) return undefined;
    const { xi, x, d } = pick;
    const outside = OUTSIDE[ctx.pick(3)];
    const idx = indexLiteral(ctx, x, [d.name], { negative: outside !== 'check' || ctx.pick(8) === 7, outside: outside !== 'check' || ctx.pick(8) === 7 });
    if (!idx) return undefined;
    // values: dims among the indices' (not the index channel) and the base's other dims, same sizes
    const allowed = new Map<string, { size: number; kind: string }>();
    for (const ld of idx.dims) allowed.set(ld.name, ld);
    for (const bd of x.shape.dims) if (bd.name !== d.name) allowed.set(bd.name, { size: bd.size!, kind: bd.kind });
    const fits = ctx.values.map((t, i) => [t, i] as const).filter(([t]) => t.shape.dims.every((td) => allowed.get(td.name)?.size === td.size && allowed.get(td.name)?.kind === td.kind && !td.labels));
    const values: Arg = fits.length && ctx.pick(3) ? { v: fits[ctx.pick(fits.length)][1] } : ctx.weak();
    return { op: 'scatter', args: [{ v: xi }, { lit: idx }, values], params: { dim: d.name, mode: SCATTER_MODES[ctx.pick(SCATTER_MODES.length)], outside } };
  },
  apply: ([x, i, v], p) => math.scatter(x, i, v, { dims: p.dim, mode: p.mode, outsideHandling: p.outside }),
  code: ([x, i, v], p) => `math.scatter(${x}, ${i}, ${v}, { dims: '${p.dim}', mode: '${p.mode}', outsideHandling: '${p.outside}' })`,
};

/**
 * complex64 (fidelity branch): a chain through the complex ops that ends in a real value, so the
 * program goes on with real values (the other ops refuse complex ones). Each chain reaches fft
 * (forward and inverse), toComplex / cast, add, sub, mul, neg, conjugate, real, imag and abs.
 */
const SPECTRAL = [
  (x: Tensor, d: string | undefined) => math.real(math.ifft(math.fft(x, d), d)),
  (x: Tensor, d: string | undefined) => math.abs(math.fft(x, d)),
  (x: Tensor, d: string | undefined) => math.imag(math.conjugate(math.fft(x, d)).sub(math.toComplex(x)).neg()),
  (x: Tensor, d: string | undefined) => math.real(math.fft(x, d).mul(math.toComplex(0.5, -0.25)).add(math.toComplex(x, 1))),
] as const;
const SPECTRAL_CODE = [
  (x: string, d: string) => `math.real(math.ifft(math.fft(${x}${d}), ${d.slice(2) || 'undefined'}))`,
  (x: string, d: string) => `math.abs(math.fft(${x}${d}))`,
  (x: string, d: string) => `math.imag(math.conjugate(math.fft(${x}${d})).sub(math.toComplex(${x})).neg())`,
  (x: string, d: string) => `math.real(math.fft(${x}${d}).mul(math.toComplex(0.5, -0.25)).add(math.toComplex(${x}, 1)))`,
];
const spectralDef: OpDef = {
  name: 'spectral',
  tol: 'accumulate',
  gen: (ctx) => {
    const { xi, x } = pickValue(ctx);
    // the spatial dims (ΦML's default) or one named dim
    const dim = x.rank && ctx.pick(2) ? x.shape.dims[ctx.pick(x.rank)].name : undefined;
    return { op: 'spectral', args: [{ v: xi }], params: { chain: ctx.pick(SPECTRAL.length), dim } };
  },
  apply: ([x], p) => SPECTRAL[p.chain](x, p.dim),
  code: ([x], p) => SPECTRAL_CODE[p.chain](x, p.dim === undefined ? '' : `, '${p.dim}'`),
};

const ALL_OPS: readonly OpDef[] = [whileDef, stopGradientDef, customGradientDef, spectralDef,
  ...unaryDefs, castDef, ...binaryDefs, whereDef, clipDef, ...reductionDefs, dotDef,
  transposeDef, renameDef, packDef, unpackDef, expandDef, getDef, concatDef, stackDef, tensorOfDef,
  ...specialDefs, arctan2Def, cumsumDef, sortDef, argsortDef, ...argExtremeDefs, gatherDef, scatterDef,
];
/** The vocabulary: every op, or those named in FUZZ_OPS (comma-separated; `FUZZ_OPS=scatter,gather npm run fuzz`). */
export const OPS: readonly OpDef[] = (() => {
  const only = process.env.FUZZ_OPS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!only?.length) return ALL_OPS;
  const unknown = only.filter((n) => !ALL_OPS.some((o) => o.name === n));
  if (unknown.length) throw new Error(`FUZZ_OPS: unknown op ${unknown.join(', ')}; the ops are ${ALL_OPS.map((o) => o.name).join(', ')}`);
  return ALL_OPS.filter((o) => only.includes(o.name));
})();
export const OP_BY_NAME = new Map(ALL_OPS.map((o) => [o.name, o]));
