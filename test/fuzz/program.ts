/**
 * Random programs over the op registry, run eagerly and compiled (first call and cached call),
 * compared op by op.
 *
 * A program is plain data (JSON-serialisable): its inputs (named shapes, dtype, values) and a
 * list of op nodes whose operands are earlier values, JS numbers, or the traced number
 * argument `n`. fast-check draws *choices* (small integers); `buildProgram` turns any choice
 * list into a valid program, so shrinking the choices shrinks the program.
 *
 * Comparison is local: the compiled function returns every intermediate value, and each one is
 * compared with the eager op applied to the *compiled* values of its operands. Errors then do not
 * compound along a program, so a tolerance per op family suffices, while exact ops still prove
 * by induction that the whole program agrees.
 */
import * as fc from 'fast-check';
import { math, Tensor, type DType } from 'tensorjit';
import { OPS, OP_BY_NAME, numText, shapeCode, makeShape, type Arg, type OpNode, type GenContext, type Tolerance } from './ops';

export interface DimSpec { readonly name: string; readonly kind: string; readonly size: number; readonly labels?: readonly string[] }
export interface InputSpec { readonly dims: readonly DimSpec[]; readonly dtype: DType; readonly values: readonly (number | string | boolean)[] }
export interface Program {
  readonly inputs: readonly InputSpec[];
  /** Value of the JS number argument `n` (traced, weak) when the program has one. */
  readonly n?: number;
  readonly ops: readonly OpNode[];
  /** Global float precision (when the library has `math.precision`). */
  readonly precision?: 32 | 64;
}

// ---------------------------------------------------------------- edge values

// (±0.99999994 and 1.0000001: the float32 neighbours of ±1, the edges of arcsin / arctanh / arccosh)
const F_EDGE = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 1.5, 2.5, 3, -7.25, 0.1, 0.3, 1e-30, 1e-45, 3e38, -3e38, 16777217, 2 ** 31, 2 ** 53 + 2, -20, 40, 90, 1e10,
  0.99999994, -0.99999994, 1.0000001, -0.75];
const D_EDGE = [...F_EDGE, 2 ** 53 + 1, 1e300, -1e300, 5e-324, 1e19, 0.1 + 0.2, -745.5, 710];
const I32_EDGE = [0, 1, -1, 2, 3, -3, -7, 5, 2147483647, -2147483648, 65536, 16777217, 46341, 40];
const I64_EDGE = [0n, 1n, -1n, 2n, 3n, -7n, 5n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 2n ** 62n, 2n ** 31n, -(2n ** 31n) - 1n, 3n ** 20n, 40n, 9007199254740993n];
const WEAK = [0, 1, -1, 2, 0.5, 3, -2.5, NaN, Infinity, -Infinity, 1e10, 2 ** 31, 2 ** 53 + 2, 16777217, -0];

/** An input element: an edge value (6 in 10) or a uniform one in ±15.6, ±1.56 or ±0.156 (`scale` 0–2: domain-sized values). */
function value(dtype: DType, r: number, r2: number, scale = 0): number | string | boolean {
  const edge = r % 10 < 6;
  const div = 64 * 10 ** scale;
  switch (dtype) {
    case 'float32': return edge ? F_EDGE[r2 % F_EDGE.length] : Math.fround(((r2 % 2001) - 1000) / div);
    case 'float64': return edge ? D_EDGE[r2 % D_EDGE.length] : ((r2 % 2001) - 1000) / div + 1e-9;
    case 'int32': return edge ? I32_EDGE[r2 % I32_EDGE.length] : (r2 % 21) - 10;
    case 'int64': return String(edge ? I64_EDGE[r2 % I64_EDGE.length] : BigInt((r2 % 21) - 10));
    case 'bool': return r2 % 2 === 1;
    case 'complex64': throw new Error('complex64 is not an input dtype of fuzzed programs (the spectral op makes complex values inside)');
  }
}

// ---------------------------------------------------------------- choices → program

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];
const DIM_POOL = [
  { name: 'x', kind: 'spatial' }, { name: 'y', kind: 'spatial' }, { name: 'b', kind: 'batch' },
  { name: 'p', kind: 'instance' }, { name: 'vector', kind: 'channel' }, { name: '~d', kind: 'dual' },
] as const;
const SIZES = [0, 1, 1, 2, 2, 3, 3, 4];
const LABELS = ['a', 'b', 'c', 'd'];

export interface Choices {
  readonly sizes: readonly number[];
  readonly labelled: boolean;
  readonly inputs: readonly { dims: number; order: number; dtype: number; scale: number; data: readonly number[] }[];
  readonly n: number | null;
  readonly ops: readonly { op: number; c: readonly number[] }[];
  readonly precision: number;
}

export function choicesArbitrary(maxOps: number): fc.Arbitrary<Choices> {
  const nat = fc.nat({ max: 1 << 20 });
  return fc.record({
    sizes: fc.array(fc.nat({ max: SIZES.length - 1 }), { minLength: DIM_POOL.length, maxLength: DIM_POOL.length }),
    labelled: fc.boolean(),
    inputs: fc.array(fc.record({ dims: fc.nat({ max: 63 }), order: nat, dtype: fc.nat({ max: 4 }), scale: fc.nat({ max: 2 }), data: fc.array(nat, { minLength: 2, maxLength: 40 }) }), { minLength: 1, maxLength: 3 }),
    n: fc.option(fc.nat({ max: WEAK.length - 1 }), { nil: null }),
    ops: fc.array(fc.record({ op: fc.nat({ max: OPS.length - 1 }), c: fc.array(nat, { maxLength: 12 }) }), { minLength: 1, maxLength: maxOps, size: 'max' }),
    precision: fc.nat({ max: 3 }),
  });
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) { s = (s * 1103515245 + 12345) & 0x7fffffff; const j = s % (i + 1); [out[i], out[j]] = [out[j], out[i]]; }
  return out;
}

/** Any choices give a valid program: ops whose operands don't fit (shape errors) are left out. */
export function buildProgram(ch: Choices): Program {
  const dims: DimSpec[] = DIM_POOL.map((d, i) => {
    const size = SIZES[ch.sizes[i] ?? 2];
    return d.name === 'vector' && ch.labelled && size > 0 ? { ...d, size, labels: LABELS.slice(0, size) } : { ...d, size };
  });
  const inputs: InputSpec[] = ch.inputs.map((inp) => {
    const chosen = shuffle(dims.filter((_d, i) => (inp.dims >> i) & 1), inp.order).slice(0, 3);
    const dtype = DTYPES[inp.dtype];
    const volume = chosen.reduce((a, d) => a * d.size, 1);
    const values = Array.from({ length: volume }, (_v, i) => value(dtype, inp.data[i % inp.data.length], inp.data[(i * 7 + 3) % inp.data.length] + i, inp.scale));
    return { dims: chosen, dtype, values };
  });
  const n = ch.n === null ? undefined : WEAK[ch.n];
  const precision = ch.precision === 3 ? 64 : 32;
  const prog: Program = { inputs, n, ops: [], precision };
  const ops: OpNode[] = [];
  withPrecision(precision, () => {
    const vals: Tensor[] = inputs.map(inputTensor);
    for (const o of ch.ops) {
      const def = OPS[o.op % OPS.length];
      let k = 0;
      const ctx: GenContext = {
        values: vals,
        hasNumberArg: n !== undefined,
        pick: (m) => (m <= 1 ? 0 : (o.c[k++ % Math.max(o.c.length, 1)] ?? 0) % m),
        value: () => {
          const r = ctx.pick(4);
          return r < 2 ? vals.length - 1 - ctx.pick(Math.min(vals.length, 2)) : ctx.pick(vals.length);
        },
        compatible: (...idx) => {
          const cands = vals.map((_v, i) => i).filter((i) => idx.every((j) => compatibleShapes(vals[i], vals[j])));
          return cands.length ? cands[ctx.pick(cands.length)] : undefined;
        },
        weak: () => (n !== undefined && ctx.pick(3) === 0 ? { n: true } : { num: WEAK[ctx.pick(WEAK.length)] }),
      };
      const node = def.gen(ctx);
      if (!node) continue;
      let out: Tensor;
      try {
        out = applyNode(node, vals, n);
      } catch (e) {
        if (isInvalidProgram(e)) continue;
        // an eager crash on a valid op is a finding: keep the op (the run reports it)
        ops.push(node);
        break;
      }
      if (!(out instanceof Tensor)) continue;
      vals.push(out);
      ops.push(node);
    }
  });
  return { ...prog, ops };
}

/** Errors that mean the generated op does not apply (not a bug): shape mismatches, int modulo by zero. */
function isInvalidProgram(e: unknown): boolean {
  const name = (e as Error)?.constructor?.name;
  const msg = String((e as Error)?.message);
  return name === 'ShapeError' || name === 'DTypeError' || /modulo by zero/.test(msg);
}

/**
 * Errors a valid program may raise on purpose (gather / scatter indices out of range): the compiled
 * function must then fail with an error as well (never crash, never return values).
 */
function isExpectedError(e: unknown): boolean {
  return e instanceof RangeError && /out of range/.test(e.message);
}

function compatibleShapes(a: Tensor, b: Tensor): boolean {
  for (const d of a.shape.dims) {
    if (!b.shape.has(d.name)) continue;
    const e = b.shape.dim(d.name);
    if (e.size !== d.size || e.kind !== d.kind || String(e.labels) !== String(d.labels)) return false;
  }
  return true;
}

export function withPrecision<T>(precision: 32 | 64 | undefined, fn: () => T): T {
  return precision === undefined ? fn() : math.precision(precision, fn);
}

// ---------------------------------------------------------------- running

function typedArray(inp: InputSpec): ArrayLike<unknown> & ArrayBufferView {
  const v = inp.values;
  switch (inp.dtype) {
    case 'float32': return Float32Array.from(v as number[]);
    case 'float64': return Float64Array.from(v as number[]);
    case 'int32': return Int32Array.from(v as number[]);
    case 'int64': return BigInt64Array.from(v as string[], (s) => BigInt(s));
    case 'bool': return Uint8Array.from(v as boolean[], (b) => (b ? 1 : 0));
    case 'complex64': throw new Error('complex64 is not an input dtype of fuzzed programs (the spectral op makes complex values inside)');
  }
}

export function inputTensor(inp: InputSpec): Tensor {
  if (inp.dims.length === 0) return math.tensor(scalarOf(inp.values[0], inp.dtype), { dtype: inp.dtype });
  return math.tensor(typedArray(inp) as any, ...inp.dims.map(makeShape), { dtype: inp.dtype });
}

function scalarOf(v: number | string | boolean, dtype: DType): number | bigint | boolean {
  return dtype === 'int64' ? BigInt(v as string) : dtype === 'bool' ? (v as boolean) : (v as number);
}

function argValue(a: Arg, vals: readonly Tensor[], n: unknown): unknown {
  if ('v' in a) return vals[a.v];
  if ('num' in a) return a.num;
  if ('big' in a) return BigInt(a.big);
  if ('lit' in a) return inputTensor(a.lit);
  return n;
}

export function applyNode(node: OpNode, vals: readonly Tensor[], n: unknown): Tensor {
  const def = OP_BY_NAME.get(node.op)!;
  return def.apply(node.args.map((a) => argValue(a, vals, n)), node.params);
}

/** The program as a function of its inputs (and `n`): returns every intermediate value. */
export function programFunction(prog: Program): (...args: unknown[]) => Tensor[] {
  const k = prog.inputs.length;
  return (...args: unknown[]) => {
    const vals = args.slice(0, k) as Tensor[];
    const n = prog.n === undefined ? undefined : args[k];
    for (const node of prog.ops) vals.push(applyNode(node, vals, n));
    return vals.slice(k);
  };
}

export function programArgs(prog: Program): unknown[] {
  const args: unknown[] = prog.inputs.map(inputTensor);
  if (prog.n !== undefined) args.push(prog.n);
  return args;
}

export interface Outcome {
  readonly ok: boolean;
  readonly message?: string;
  /** Primitives in the compiled graph. */
  readonly prims: readonly string[];
}

/** Runs eagerly, compiled (first call), compiled (cached call); compares op by op. */
export function runProgram(prog: Program): Outcome {
  return withPrecision(prog.precision, () => runIn(prog));
}

function runIn(prog: Program): Outcome {
  const f = programFunction(prog);
  const args = programArgs(prog);
  let eager: Tensor[];
  const jitted = math.jitCompile(f, { transformed: false } as any);
  try { eager = f(...args); } catch (e) {
    if (isInvalidProgram(e)) return { ok: true, prims: [] };
    if (isExpectedError(e)) return compiledMustThrow(jitted, args, e as Error);
    return { ok: false, message: `eager run threw: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`, prims: [] };
  }
  let first: Tensor[], second: Tensor[];
  let graph = '';
  try {
    first = jitted(...args);
    graph = String((jitted as any).traces?.[0]?.graph ?? '');
    second = jitted(...args);
  } catch (e) {
    return { ok: false, message: `compiled run threw: ${(e as Error).message.split('\n').slice(0, 3).join(' | ')}`, prims: [] };
  } finally {
    jitted.forgetTraces();
  }
  const prims = [...new Set([...graph.matchAll(/= (\w+)/g)].map((m) => m[1]))];
  const k = prog.inputs.length;
  const compiledVals = [...args.slice(0, k) as Tensor[], ...first];
  for (let i = 0; i < prog.ops.length; i++) {
    const node = prog.ops[i];
    const e = eager[i], c = first[i], c2 = second[i];
    const where = `op ${i} (v${k + i} = ${OP_BY_NAME.get(node.op)!.name})`;
    if (String(c.shape) !== String(e.shape)) return fail(`${where}: compiled shape ${c.shape} vs eager ${e.shape}`);
    if (c.dtype !== e.dtype) return fail(`${where}: compiled dtype ${c.dtype} vs eager ${e.dtype}`);
    if (c.data.length !== c.shape.volume) return fail(`${where}: compiled data has ${c.data.length} elements but shape ${c.shape} holds ${c.shape.volume}`);
    if (!sameBits(c, c2)) return fail(`${where}: cached call differs from the first compiled call`);
    // the eager op on the compiled operands (local comparison)
    let ref: Tensor;
    try { ref = applyNode(node, compiledVals, prog.n); } catch (err) { return fail(`${where}: eager replay threw ${(err as Error).message}`); }
    const def = OP_BY_NAME.get(node.op)!;
    const tol = typeof def.tol === 'function' ? def.tol(node, []) : def.tol;
    const bad = compareValues(c, ref, tol, node, compiledVals, prog.n);
    if (bad) return fail(`${where}: ${bad}`);
    compiledVals.push(c);
  }
  return { ok: true, prims };

  function fail(message: string): Outcome { return { ok: false, message, prims }; }
}

/** What `Outcome.prims` holds for a program that ended in an expected error on both paths. */
export const ERROR_PATH = '(error path)';

/** The eager run raised an expected error (an index out of range): the compiled call must raise one too. */
function compiledMustThrow(jitted: ReturnType<typeof math.jitCompile>, args: unknown[], eagerError: Error): Outcome {
  try {
    (jitted as any)(...args);
  } catch (e) {
    return { ok: true, prims: [ERROR_PATH] };
  } finally {
    jitted.forgetTraces();
  }
  return { ok: false, message: `eager run threw "${eagerError.message}" but the compiled call returned values`, prims: [] };
}

function sameBits(a: Tensor, b: Tensor): boolean {
  const x = a.data, y = b.data;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

const EPS: Record<string, number> = { float32: 2 ** -23, float64: 2 ** -52 };
const TINY: Record<string, number> = { float32: 2 ** -149, float64: 2 ** -1074 };

function ulp(x: number, dtype: DType): number { return Math.max(Math.abs(x) * EPS[dtype], TINY[dtype]); }

const show = (v: unknown) => (typeof v === 'number' ? numText(v) : typeof v === 'bigint' ? `${v}n` : String(v));

function compareValues(actual: Tensor, expected: Tensor, tol: Tolerance, node: OpNode, vals: readonly Tensor[], n: unknown): string | undefined {
  const a = actual.data as ArrayLike<number | bigint>, e = expected.data as ArrayLike<number | bigint>;
  if (a.length !== e.length) return `compiled has ${a.length} elements, eager ${e.length}`;
  const float = actual.dtype === 'float32' || actual.dtype === 'float64';
  const bound = float && (tol === 'transcendental' || tol === 'accumulate') ? toleranceOf(tol, node, vals, n, expected) : undefined;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = e[i];
    if (Object.is(x, y)) continue;
    if (typeof x === 'number' && typeof y === 'number' && bound) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        // inf / NaN must agree, unless the tolerance itself is unbounded (tan at a pole)
        // (sums whose terms reach the float's range may overflow in one order and not the other)
        if (bound[i] === Infinity && (tol === 'accumulate' || (!Number.isNaN(x) && !Number.isNaN(y)))) continue;
        return mismatch(i, x, y, '');
      }
      if (Math.abs(x - y) <= bound[i]) continue;
      return mismatch(i, x, y, ` (tolerance ${bound[i]})`);
    }
    return mismatch(i, x, y, ' (exact)');
  }
  return undefined;

  function mismatch(i: number, x: unknown, y: unknown, how: string): string {
    return `element ${i}: compiled ${show(x)} vs eager ${show(y)}${how}; compiled [${Array.from(a, show).slice(0, 12).join(', ')}] eager [${Array.from(e, show).slice(0, 12).join(', ')}]`;
  }
}

/** Per-element absolute tolerance for the non-exact families. */
function toleranceOf(tol: Tolerance, node: OpNode, vals: readonly Tensor[], n: unknown, expected: Tensor): Float64Array {
  const dt = expected.dtype;
  const m = expected.shape.volume;
  const out = new Float64Array(m);
  const ev = expected.data as ArrayLike<number>;
  const K = 8;
  const ins = node.args.map((a) => ('v' in a ? vals[a.v] : undefined));
  const def = OP_BY_NAME.get(node.op)!;
  if (tol === 'transcendental') {
    // k ulp of the result plus k·|f'(x)|·ulp(x) (the argument reduction's error scales with |x|);
    // kernels that compute in float32 for every dtype are measured in float32 ulp
    const rt: DType = def.float32Kernel ? 'float32' : dt;
    const operands = node.args.map((a) => alignedValues(a, vals, n, expected));
    for (let i = 0; i < m; i++) {
      const xs = operands.map((o) => o[i]);
      const xv = xs[0] ?? 0;
      const deriv = node.op === 'pow' ? Infinity : def.derivative ? def.derivative(xs, ev[i]) : derivative(node.op, xv, ev[i]);
      const ulpX = ulp(Math.max(...xs.map(Math.abs), 0), def.float32Kernel || !(dt === 'float64' && ins[0]?.dtype === 'float64') ? rt : 'float64');
      out[i] = K * ulp(ev[i], rt) + K * deriv * ulpX;
      if (node.op === 'pow') out[i] = K * ulp(ev[i], dt) * 4;
      if (Number.isNaN(out[i])) out[i] = Infinity;
    }
    return out;
  }
  // accumulate: n·eps·Σ|terms| over the reduced elements (bounded by the largest magnitude)
  let count = 1, mag = 0, subnormal = false, logBig = 0, logSmall = 0;
  const minNormal = dt === 'float32' ? 2 ** -126 : 2 ** -1022;
  const terms = def.terms?.(node, ins.map((t) => t ?? math.tensor(0)));
  for (const t of ins) {
    if (!t) continue;
    const d = Array.from(t.data as ArrayLike<number | bigint>, (v) => Math.abs(Number(v)));
    count = Math.max(count, terms ?? t.shape.volume / Math.max(m, 1));
    for (const v of d) {
      if (Number.isFinite(v)) mag = Math.max(mag, v);
      if (v > 0 && v < minNormal) subnormal = true;
      if (v > 1) logBig += Math.log2(v); else if (v > 0) logSmall += Math.log2(v);
    }
  }
  // a product through a subnormal factor depends on the order (it may underflow or lose digits)
  // and so does one whose partial products can leave the (float64) accumulator's range in some order
  if (node.op === 'prod' && (subnormal || logBig > 1000 || logSmall < -1000)) return out.fill(Infinity);
  const mag2 = node.op === 'dot' ? mag * mag : node.op === 'std' ? mag * mag : node.op === 'prod' ? 0 : mag;
  for (let i = 0; i < m; i++) {
    out[i] = node.op === 'prod' ? K * count * ulp(ev[i], dt) : K * (count + 1) * EPS[dt] * mag2 * (node.op === 'mean' ? 1 : count) + K * ulp(ev[i], dt);
    if (node.op === 'std') out[i] = Math.sqrt(out[i]) + K * ulp(ev[i], dt);
    // partial sums may leave the float's range (onnxruntime's float32 MatMul accumulates in float32)
    if (node.op !== 'prod' && count * mag2 >= (dt === 'float32' ? 3.4e38 : 1.7e308)) out[i] = Infinity;
  }
  return out;
}

/** An operand's values in the result's element order (broadcast), as numbers; a JS number repeated. */
function alignedValues(a: Arg, vals: readonly Tensor[], n: unknown, like: Tensor): number[] {
  const m = like.shape.volume;
  if (!('v' in a) && !('lit' in a)) {
    const v = 'num' in a ? a.num : 'big' in a ? Number(a.big) : Number(n);
    return new Array(m).fill(v);
  }
  const t = 'v' in a ? vals[a.v] : inputTensor(a.lit);
  const full = math.transpose(math.expand(t, like.shape.without(t.shape.names)), like.shape.names);
  return Array.from(full.data as ArrayLike<number | bigint>, Number);
}

function derivative(op: string, x: number, fx: number): number {
  switch (op) {
    case 'sin': case 'cos': return 1;
    case 'tan': return 1 + fx * fx;
    case 'exp': return Math.abs(fx);
    case 'log': return 1 / Math.abs(x);
    case 'sqrt': return 0;
    case 'tanh': return 1;
    case 'sigmoid': return 0.25;
    default: return 0;
  }
}

// ---------------------------------------------------------------- saving

/** A program as JSON text (NaN, ±Infinity and -0 kept, which plain JSON loses). */
export function programJson(prog: Program): string {
  return JSON.stringify(prog, (_k, v) => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `#${Object.is(v, -0) ? '-0' : v}` : v));
}

export function programFromJson(text: string): Program {
  const special: Record<string, number> = { '#NaN': NaN, '#Infinity': Infinity, '#-Infinity': -Infinity, '#-0': -0 };
  return JSON.parse(text, (_k, v) => (typeof v === 'string' && v in special ? special[v] : v)) as Program;
}

// ---------------------------------------------------------------- printing

function argText(a: Arg): string {
  if ('v' in a) return `v${a.v}`;
  if ('num' in a) return numText(a.num);
  if ('big' in a) return `${a.big}n`;
  if ('lit' in a) return `math.tensor(${ARRAY[a.lit.dtype]}.of(${a.lit.values.map((v) => valueText(v, a.lit.dtype)).join(', ')}), ${a.lit.dims.map((d) => shapeCode(d)).join(', ')}, { dtype: '${a.lit.dtype}' })`;
  return 'n';
}

function valueText(v: number | string | boolean, dtype: DType): string {
  if (dtype === 'int64') return `${v}n`;
  if (dtype === 'bool') return v ? '1' : '0';
  return numText(v as number);
}

const ARRAY: Record<DType, string> = { float32: 'Float32Array', float64: 'Float64Array', int32: 'Int32Array', int64: 'BigInt64Array', bool: 'Uint8Array', complex64: 'Float32Array' };

/** The program as a runnable TS snippet comparing eager and compiled. */
export function programCode(prog: Program): string {
  const k = prog.inputs.length;
  const params = [...prog.inputs.map((_x, i) => `v${i}: Tensor`), ...(prog.n !== undefined ? ['n: number'] : [])];
  const lines: string[] = [];
  lines.push(`import { math, Tensor, spatial, instance, channel, batch, dual } from 'tensorjit';`);
  prog.inputs.forEach((inp, i) => {
    const shapes = inp.dims.map((d) => shapeCode(d));
    if (!shapes.length) { lines.push(`const x${i} = math.tensor(${inp.dtype === 'bool' ? String(inp.values[0]) : valueText(inp.values[0], inp.dtype)}, { dtype: '${inp.dtype}' });`); return; }
    lines.push(`const x${i} = math.tensor(${ARRAY[inp.dtype]}.of(${inp.values.map((v) => valueText(v, inp.dtype)).join(', ')})${shapes.length ? ', ' + shapes.join(', ') : ''}, { dtype: '${inp.dtype}' });`);
  });
  lines.push(`function f(${params.join(', ')}) {`);
  prog.ops.forEach((node, j) => {
    lines.push(`  const v${k + j} = ${OP_BY_NAME.get(node.op)!.code(node.args.map(argText), node.params)};`);
  });
  lines.push(`  return [${prog.ops.map((_o, j) => `v${k + j}`).join(', ')}];`);
  lines.push('}');
  const call = [...prog.inputs.map((_x, i) => `x${i}`), ...(prog.n !== undefined ? [numText(prog.n)] : [])].join(', ');
  const body = [`console.log(String(f(${call})));`, `console.log(String(math.jitCompile(f)(${call})));`];
  if (prog.precision === 64) lines.push(`math.precision(64, () => {`, ...body.map((l) => '  ' + l), '});');
  else lines.push(...body);
  return lines.join('\n');
}
