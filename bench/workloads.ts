/**
 * The workloads of `npm run bench`: (1)–(6) from issue 6, (7)–(8) loops from issue 12 (bench/loops.ts). Each builds its contenders, runs them
 * interleaved through the harness, and adds the physical reference it is measured against.
 */
import { math, spatial, channel, batch, Tensor, type JitFunction } from 'tensorjit';
import { jitStateOf } from 'tensorjit/internal';
import { compare, type Contender, type ContenderResult, type HarnessOptions } from './harness';
import { compiled, compiledOneThread, eager, nativeOrt, publicOrt, tfjs, jaxjs, inputOf, type Input } from './contenders';
import { exported, loadOnly } from './ort';
import { type TF, type Jax, JAX_VERSION, TF_VERSION, versionOf } from './peers';
import type { References } from './machine';
import * as F from './functions';
import { poissonCg, iterateFirstCall, loopGradient } from './loops';
import { training } from './training';

export interface WorkloadResult {
  /** 1–6, as numbered in issue 6. */
  number: number;
  id: string;
  title: string;
  /** Sub-case (e.g. '200 ops'), when a workload has several. */
  case?: string;
  params: Record<string, unknown>;
  /** The contender every ratio is relative to. */
  baseline: string;
  contenders: ContenderResult[];
  /** The physical reference: what the hardware (or onnxruntime itself) allows. */
  reference: Record<string, unknown>;
}

export interface Context {
  quick: boolean;
  /** Contenders whose name matches are left out (for diagnosis). */
  skip?: RegExp;
  opts: HarnessOptions;
  refs: References;
  tf?: TF;
  jax?: Jax;
  log: (s: string) => void;
}

const BYTES: Record<string, number> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };

/** Bytes the traced graph reads and writes when every op is a separate kernel (no fusion). */
function unfusedBytes(fun: JitFunction): { bytes: number; ops: number; onnxNodes: number } {
  const entry = [...jitStateOf(fun)!.entries.values()].pop()!;
  let bytes = 0;
  for (const e of entry.graph.eqns) {
    bytes += (e.out.shape.volume ?? 0) * BYTES[e.out.dtype];
    for (const a of e.inputs) bytes += (a.shape.volume ?? 0) * BYTES[a.dtype];
  }
  return { bytes, ops: entry.graph.eqns.length, onnxNodes: entry.lowered.nodeCount };
}

function ms(x: number): number { return +x.toPrecision(4); }

function byName(rs: readonly ContenderResult[], name: string): ContenderResult | undefined { return rs.find((r) => r.name === name); }

async function run(ctx: Context, title: string, contenders: Contender[], opts?: Partial<HarnessOptions>): Promise<ContenderResult[]> {
  ctx.log(title);
  const kept = contenders.filter((c, i) => i === 0 || !ctx.skip?.test(c.name));
  return compare(kept, { ...ctx.opts, log: ctx.log, ...opts });
}

// (1) ------------------------------------------------------------------------------------------------------
export async function dispatch(ctx: Context): Promise<WorkloadResult[]> {
  const fun = math.jitCompile(F.double, { name: 'double' });
  const x = math.tensor(3);
  const xin = inputOf(x);
  const cs = [
    compiled(fun, [x]),
    nativeOrt(fun, [x]),
    publicOrt(fun, [x]),
    { name: 'tensorjit compiled .async()', kind: 'tensorjit' as const, async: true, note: 'runs the model in a worker thread (event loop free); inputs copied there, outputs transferred back',
      setup: async () => { await fun.async(x); }, run: async () => (await fun.async(x)).data, output: async () => (await fun.async(x)).data as Float32Array },
    eager(F.double, [x]),
    tfjs(ctx.tf, 'cpu', F.tfDouble, [xin]),
    tfjs(ctx.tf, 'wasm', F.tfDouble, [xin]),
    jaxjs(ctx.jax, F.jaxDouble, [xin]),
  ];
  const rs = await run(ctx, '(1) dispatch: x * 2 on a scalar', cs);
  const c = byName(rs, 'tensorjit compiled')!, n = byName(rs, 'onnxruntime-node native run')!;
  fun.forgetTraces();
  return [{
    number: 1, id: 'dispatch', title: 'Dispatch: x * 2 on a scalar', params: { shape: '()', dtype: 'float32' },
    baseline: c.name, contenders: rs,
    reference: {
      what: "onnxruntime's own synchronous run of the same exported model",
      onnxruntimeRunUs: ms(n.medianMs * 1e3),
      tensorjitOverheadUs: ms((c.medianMs - n.medianMs) * 1e3),
    },
  }];
}

// (2) ------------------------------------------------------------------------------------------------------
export async function elementwise(ctx: Context): Promise<WorkloadResult[]> {
  const side = ctx.quick ? 100 : 1000;
  math.seed(1);
  const x = math.randomNormal(spatial({ x: side, y: side }));
  const fun = math.jitCompile(F.chain, { name: 'chain' });
  const xin = inputOf(x);
  const cs = [
    compiled(fun, [x]),
    nativeOrt(fun, [x]),
    compiledOneThread(math.jitCompile(F.chain, { name: 'chain1' }), [x]),
    eager(F.chain, [x]),
    tfjs(ctx.tf, 'cpu', F.tfChain, [xin]),
    tfjs(ctx.tf, 'wasm', F.tfChain, [xin]),
    jaxjs(ctx.jax, F.jaxChain, [xin]),
  ];
  const rs = await run(ctx, `(2) element-wise chain with where, ${side * side} values`, cs);
  const { bytes, ops, onnxNodes } = unfusedBytes(fun);
  const n = side * side;
  const minBytes = 2 * n * 4;
  const c = byName(rs, 'tensorjit compiled')!;
  fun.forgetTraces();
  return [{
    number: 2, id: 'elementwise', title: 'Element-wise chain with where', params: { values: n, shape: `(xˢ=${side}, yˢ=${side})`, ops, onnxNodes, expression: 'where(x > 0, sin(2x), exp(-x)/2).tanh() + sqrt(|x|)' },
    baseline: c.name, contenders: rs,
    reference: {
      what: 'bytes moved / measured memory bandwidth',
      minimumBytes: minBytes,
      minimumBytesNote: 'read x once, write the result once (a perfectly fused kernel)',
      unfusedBytes: bytes,
      unfusedBytesNote: `every one of the ${ops} traced ops reads its inputs and writes its output`,
      memoryBandwidthGBs: ctx.refs.memoryBandwidthGBs,
      floorMs: ms(minBytes / (ctx.refs.memoryBandwidthGBs * 1e9) * 1e3),
      unfusedFloorMs: ms(bytes / (ctx.refs.memoryBandwidthGBs * 1e9) * 1e3),
      compiledEffectiveGBs: +(minBytes / (c.medianMs / 1e3) / 1e9).toFixed(2),
    },
  }];
}

// (3) ------------------------------------------------------------------------------------------------------
export async function mlp(ctx: Context): Promise<WorkloadResult[]> {
  const [B, I, H, O] = ctx.quick ? [16, 32, 64, 8] : [256, 256, 512, 64];
  math.seed(2);
  const x = math.randomNormal(batch({ b: B }), channel({ in: I }));
  const w1 = math.randomNormal(channel({ in: I, hidden: H }), { std: 1 / Math.sqrt(I) });
  const b1 = math.randomNormal(channel({ hidden: H }), { std: 0.1 });
  const w2 = math.randomNormal(channel({ hidden: H, out: O }), { std: 1 / Math.sqrt(H) });
  const args = [x, w1, b1, w2];
  const ins = args.map(inputOf);
  const fun = math.jitCompile(F.mlp, { name: 'mlp' });
  const cs = [
    compiled(fun, args),
    nativeOrt(fun, args),
    compiledOneThread(math.jitCompile(F.mlp, { name: 'mlp1' }), args),
    eager(F.mlp, args),
    tfjs(ctx.tf, 'cpu', F.tfMlp, ins),
    tfjs(ctx.tf, 'wasm', F.tfMlp, ins),
    jaxjs(ctx.jax, F.jaxMlp, ins),
  ];
  const rs = await run(ctx, `(3) MLP inference, batch ${B}, ${I}→${H}→${O}, tanh`, cs);
  const flops = 2 * B * (I * H + H * O);
  const c = byName(rs, 'tensorjit compiled')!;
  fun.forgetTraces();
  return [{
    number: 3, id: 'mlp', title: 'MLP inference (math.dot over named dims)', params: { batch: B, layers: `${I}→${H}→${O}`, activation: 'tanh', flops },
    baseline: c.name, contenders: rs.map((r) => ({ ...r, gflops: Number.isFinite(r.medianMs) ? +(flops / (r.medianMs / 1e3) / 1e9).toFixed(2) : undefined })),
    reference: {
      what: 'FLOPs / measured peak (onnxruntime MatMul on a large problem, this machine)',
      flops,
      peakGflops1Thread: ctx.refs.matmulGflops1Thread,
      peakGflopsAllThreads: ctx.refs.matmulGflopsAllThreads,
      peakGflops: Math.max(ctx.refs.matmulGflops1Thread, ctx.refs.matmulGflopsAllThreads),
      floorMs: ms(flops / (Math.max(ctx.refs.matmulGflops1Thread, ctx.refs.matmulGflopsAllThreads) * 1e9) * 1e3),
      compiledGflops: +(flops / (c.medianMs / 1e3) / 1e9).toFixed(2),
    },
  }];
}

// (4) ------------------------------------------------------------------------------------------------------
export async function simulation(ctx: Context): Promise<WorkloadResult[]> {
  const side = ctx.quick ? 32 : 256;
  const steps = ctx.quick ? 2 : 10;
  math.seed(3);
  const u = math.randomNormal(spatial({ x: side, y: side }), { std: 0.3 });
  const v = math.randomNormal(spatial({ x: side, y: side }), { std: 0.3 });
  const c0 = math.randomUniform(spatial({ x: side, y: side }));
  const args = [u, v, c0];
  const ins = args.map(inputOf);
  const fn = F.simulate(steps);
  const fun = math.jitCompile(fn, { name: 'simulate' });
  const cs = [
    compiled(fun, args),
    nativeOrt(fun, args),
    compiledOneThread(math.jitCompile(fn, { name: 'simulate1' }), args),
    eager(fn, args),
    tfjs(ctx.tf, 'cpu', (tf) => F.tfSimulate(tf, steps), ins),
    tfjs(ctx.tf, 'wasm', (tf) => F.tfSimulate(tf, steps), ins),
    jaxjs(ctx.jax, (jax) => F.jaxSimulate(jax, steps), ins),
  ];
  const rs = await run(ctx, `(4) advection–diffusion, ${side}×${side} grid, ${steps} steps per call`, cs);
  const { bytes, ops, onnxNodes } = unfusedBytes(fun);
  const n = side * side;
  const minBytes = 4 * n * 4;
  const c = byName(rs, 'tensorjit compiled')!;
  fun.forgetTraces();
  return [{
    number: 4, id: 'simulation', title: 'ΦML-style simulation step (math.laplace, math.spatialGradient)',
    params: { grid: `${side}×${side}`, stepsPerCall: steps, padding: 'periodic', ops, onnxNodes },
    baseline: c.name, contenders: rs,
    reference: {
      what: 'bytes moved / measured bandwidth (the grid fits in the caches: cache bandwidth applies)',
      minimumBytes: minBytes,
      minimumBytesNote: 'read u, v, c once and write the result once (all steps fused)',
      unfusedBytes: bytes,
      unfusedBytesNote: `every one of the ${ops} traced ops reads its inputs and writes its output`,
      cacheBandwidthGBs: ctx.refs.cacheBandwidthGBs,
      memoryBandwidthGBs: ctx.refs.memoryBandwidthGBs,
      unfusedFloorMs: ms(bytes / (ctx.refs.cacheBandwidthGBs * 1e9) * 1e3),
      perGridPointStepNs: +(c.medianMs * 1e6 / (n * steps)).toFixed(3),
    },
  }];
}

// (5) ------------------------------------------------------------------------------------------------------
export async function firstCall(ctx: Context): Promise<WorkloadResult[]> {
  const sizes = ctx.quick ? [20, 200] : [20, 200, 2000];
  const out: WorkloadResult[] = [];
  const x = math.randomNormal(spatial({ x: 100 }));
  const xin = inputOf(x);
  let salt = 0;
  for (const n of sizes) {
    const fn = F.opChain(n);
    const probe = math.jitCompile(fn, { name: `chain${n}` });
    const ex = exported(probe, [x]);
    const ops = probe.traces[0].ops;
    probe.forgetTraces();
    let fresh: JitFunction | undefined;
    const state = () => jitStateOf(fresh!)!;
    let traced: any;
    const traceStep = () => {
      const st = state();
      const values = st.bindArgs(undefined, [x]);
      const key = st.keyOf(values, []);
      return st.traceNew(values, key, undefined, false);
    };
    const newFn = () => { fresh = math.jitCompile(fn, { name: `chain${n}` }); };
    const dropFn = () => { fresh?.forgetTraces(); fresh = undefined; traced = undefined; };
    let jf: any;
    let xj: any;
    const cs: Contender[] = [
      { name: 'tensorjit compiled: first call', kind: 'tensorjit', singleShot: true, note: 'trace + lower to ONNX + onnxruntime session + run',
        before: newFn, run: () => (fresh!(x) as Tensor).data, after: dropFn, output: () => { newFn(); try { return (fresh!(x) as Tensor).data as Float32Array; } finally { dropFn(); } } },
      { name: 'tensorjit: trace', kind: 'tensorjit', singleShot: true, note: 'part of the first call: run the body on tracers, CSE/DCE',
        before: newFn, run: () => { traced = traceStep(); }, after: dropFn },
      { name: 'tensorjit: lower to ONNX', kind: 'tensorjit', singleShot: true, note: 'part of the first call: IR → ONNX model bytes',
        before: () => { newFn(); traced = traceStep(); }, run: () => traced.lowered, after: dropFn },
      { name: 'onnxruntime: create session', kind: 'reference', singleShot: true, version: versionOf('onnxruntime-node'), note: 'part of the first call: load the same model into onnxruntime (no tensorjit)',
        run: () => loadOnly(ex.bytes, ex.threads) },
      { name: 'jax-js jit (wasm): first call', kind: 'peer', singleShot: true, version: JAX_VERSION(), note: 'trace + compile + run (a fresh constant each time, so its kernel cache cannot match)',
        setup() { if (!ctx.jax) throw new Error('@jax-js/jax is not installed'); xj = ctx.jax.numpy.array(xin.data, { shape: xin.shape }); },
        before: () => { salt++; jf = ctx.jax!.jit(F.jaxOpChain(ctx.jax!, n, salt * 1e-6)); },
        run: () => jf(xj.ref).dataSync(),
        after: () => { jf?.dispose?.(); jf = undefined; },
        output: () => { const f = ctx.jax!.jit(F.jaxOpChain(ctx.jax!, n, 0)); try { return f(xj.ref).dataSync() as Float32Array; } finally { f.dispose(); } },
        teardown: () => xj?.dispose() },
      eager(fn, [x], 'tensorjit eager (no compile)'),
      tfjs(ctx.tf, 'cpu', (tf) => F.tfOpChain(tf, n), [xin]),
    ];
    // jax-js compiles wasm, which V8 finishes (tier-up) on background threads: let that settle after every sample
    const rs = await run(ctx, `(5) first call of a ${n}-op function on 100 values`, cs, { settleMs: ctx.quick ? 0 : 60 });
    const session = byName(rs, 'onnxruntime: create session')!;
    const first = byName(rs, 'tensorjit compiled: first call')!;
    out.push({
      number: 5, id: 'first-call', title: 'First-call latency (trace + build + session)', case: `${n} ops`,
      params: { ops: n, tracedOps: ops, values: 100 },
      baseline: first.name, contenders: rs,
      reference: {
        what: "onnxruntime's own session creation for the same model",
        sessionMs: ms(session.medianMs),
        tensorjitShareMs: ms(first.medianMs - session.medianMs),
        modelBytes: ex.bytes.length,
      },
    });
  }
  return out;
}

// (6) ------------------------------------------------------------------------------------------------------
export async function cache(ctx: Context): Promise<WorkloadResult[]> {
  const out: WorkloadResult[] = [];
  // a: one scalar argument
  {
    const fun = math.jitCompile(F.double, { name: 'double' });
    const x = math.tensor(3);
    const other = math.tensor([1, 2], spatial('x'));
    const cs: Contender[] = [
      compiled(fun, [x], 'tensorjit compiled call (cache hit)'),
      { name: 'math.traceCheck (hit)', kind: 'tensorjit', setup: () => { fun(x); }, run: () => math.traceCheck(fun, x) },
      { name: 'math.traceCheck (miss: other shape)', kind: 'tensorjit', setup: () => { fun(x); }, run: () => math.traceCheck(fun, other) },
      nativeOrt(fun, [x]),
      jaxjs(ctx.jax, F.jaxDouble, [inputOf(x)]),
    ];
    const rs = await run(ctx, '(6a) cache hit and traceCheck: one scalar argument', cs);
    fun.forgetTraces();
    out.push(cacheResult('one scalar argument', { leaves: 1 }, rs));
  }
  // b: a tree of 10 tensors
  {
    const fun = math.jitCompile(F.sumTree, { name: 'sumTree' });
    math.seed(4);
    const keys = Array.from({ length: 10 }, (_, i) => `a${i}`);
    const tree = Object.fromEntries(keys.map((k) => [k, math.randomNormal(spatial({ x: 100 }))]));
    const ins = keys.map((k) => inputOf(tree[k]));
    const leaves = keys.map((k) => tree[k]);
    const cs: Contender[] = [
      compiled(fun, [tree], 'tensorjit compiled call (cache hit)'),
      { name: 'math.traceCheck (hit)', kind: 'tensorjit', setup: () => { fun(tree); }, run: () => math.traceCheck(fun, tree) },
      nativeOrt(fun, leaves, [tree]),
      jaxjs(ctx.jax, F.jaxSumTree, ins, keys),
    ];
    const rs = await run(ctx, '(6b) cache hit and traceCheck: a tree of 10 tensors', cs);
    fun.forgetTraces();
    out.push(cacheResult('ten-tensor tree', { leaves: 10, valuesPerLeaf: 100 }, rs));
  }
  return out;

  function cacheResult(kase: string, params: Record<string, unknown>, rs: ContenderResult[]): WorkloadResult {
    const c = rs[0], n = byName(rs, 'onnxruntime-node native run')!, hit = byName(rs, 'math.traceCheck (hit)')!;
    return {
      number: 6, id: 'cache', title: 'math.traceCheck and cache-hit cost', case: kase, params, baseline: c.name, contenders: rs,
      reference: {
        what: "onnxruntime's own run of the same model (the compiled call minus it is tensorjit's whole per-call cost)",
        onnxruntimeRunUs: ms(n.medianMs * 1e3),
        callOverheadUs: ms((c.medianMs - n.medianMs) * 1e3),
        traceCheckHitUs: ms(hit.medianMs * 1e3),
      },
    };
  }
}

export const WORKLOADS: Record<string, (ctx: Context) => Promise<WorkloadResult[]>> = {
  dispatch, elementwise, mlp, simulation, 'first-call': firstCall, cache,
  'poisson-cg': poissonCg, 'iterate-first-call': iterateFirstCall, training, 'loop-gradient': loopGradient,
};

export { TF_VERSION };
