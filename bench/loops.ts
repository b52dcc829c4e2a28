/**
 * Loop workloads (issue 12): (7) a 128×128 Poisson problem solved by CG to 1e-5, compiled (one
 * ONNX Loop) vs eager vs the same CG unrolled for the iteration count the solve needs, with SciPy's
 * CG as an outside reference when python3 + scipy are installed; (8) the first call of a function
 * with a 10,000-iteration `math.iterate`, which must cost what a 10-iteration one costs (the graph
 * does not grow with the count), against a JS loop unrolled at trace time.
 *
 * (10) gradients through `math.iterate` (issue 13): first call and step for n = 10 / 1000, states
 * stored vs recomputed.
 *
 *   npm run bench -- --only poisson-cg,iterate-first-call,loop-gradient
 */
import { spawnSync } from 'child_process';
import { math, spatial, Tensor, type JitFunction } from 'tensorjit';
import { jitStateOf, setLoopTrajectoryMode, type LoopTrajectoryMode } from 'tensorjit/internal';
import { compare, type Contender, type ContenderResult, type HarnessOptions } from './harness';
import { compiled, compiledOneThread, eager } from './contenders';
import type { Context, WorkloadResult } from './workloads';

function ms(x: number): number { return +x.toPrecision(4); }

async function run(ctx: Context, title: string, contenders: Contender[], opts?: Partial<HarnessOptions>): Promise<ContenderResult[]> {
  ctx.log(title);
  const kept = contenders.filter((c, i) => i === 0 || !ctx.skip?.test(c.name));
  return compare(kept, { ...ctx.opts, log: ctx.log, ...opts });
}

const laplace = (p: Tensor) => math.laplace(p, { padding: 'zero' });

/** A smooth source and sink on the grid (the right-hand side). */
function rhs(side: number): Tensor {
  const x = math.range(spatial({ x: side })), y = math.range(spatial({ y: side }));
  const bump = (cx: number, cy: number) => math.exp(x.sub(cx).pow(2).add(y.sub(cy).pow(2)).mul(-20 / (side * side)));
  return bump(side * 0.3, side * 0.3).sub(bump(side * 0.7, side * 0.6));
}

/** Plain CG for exactly `n` iterations as a JS loop (unrolled when traced), no convergence test. */
function unrolledCg(y: Tensor, n: number): Tensor {
  let x = math.zerosLike(y);
  let r = y;
  let d = r;
  let delta = math.sum(r.mul(r));
  for (let i = 0; i < n; i++) {
    const q = laplace(d);
    const alpha = delta.div(math.sum(d.mul(q)));
    x = x.add(d.mul(alpha));
    r = r.sub(q.mul(alpha));
    const next = math.sum(r.mul(r));
    d = r.add(d.mul(next.div(delta)));
    delta = next;
  }
  return x;
}

/** SciPy's CG on the same system (5-point stencil, zero outside), timed in Python; undefined without scipy. */
function scipyCg(side: number, y: Float32Array, rounds: number): { medianMs: number; iterations: number; version: string; maxAbsDiff?: number; x: number[] } | undefined {
  const script = `
import sys, json, time
import numpy as np, scipy, scipy.sparse as sp, scipy.sparse.linalg as sl
n = ${side}
b = np.array(json.loads(sys.stdin.read()), dtype=np.float32)
d = sp.diags([1, -2, 1], [-1, 0, 1], shape=(n, n), dtype=np.float32)
I = sp.identity(n, dtype=np.float32)
A = (sp.kron(d, I) + sp.kron(I, d)).tocsr()
its = [0]
def cb(_): its[0] += 1
kw = {'rtol': 1e-5, 'atol': 1e-5 * 0} if tuple(int(v) for v in scipy.__version__.split('.')[:2]) >= (1, 12) else {'tol': 1e-5}
x, info = sl.cg(A, b, callback=cb, **kw)
times = []
for _ in range(${rounds}):
    t = time.perf_counter(); sl.cg(A, b, **kw); times.append(time.perf_counter() - t)
print(json.dumps({'medianMs': float(np.median(times) * 1e3), 'iterations': its[0], 'version': scipy.__version__, 'info': int(info), 'x': x.tolist()}))
`;
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(Array.from(y)), encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
  if (r.status !== 0) return undefined;
  try { return JSON.parse(r.stdout); } catch { return undefined; }
}

// (7) ------------------------------------------------------------------------------------------------------
export async function poissonCg(ctx: Context): Promise<WorkloadResult[]> {
  const side = ctx.quick ? 16 : 128;
  const y = rhs(side);
  const grid = y.shape;
  const solve = (b: Tensor) => math.solveLinear(laplace, b, { method: 'CG', x0: math.zeros(grid), relTol: 1e-5, absTol: 0, maxIterations: 10 * side });
  const fun = math.jitCompile(solve, { name: 'poissonCg', transformed: false });
  const x = fun(y);
  // the iteration count the solve needs (the loop's counter, through an eager solve's error at one less)
  let iterations = 0;
  for (let lo = 0, hi = 10 * side; lo <= hi;) {
    const mid = (lo + hi) >> 1;
    try { math.solveLinear(laplace, y, { method: 'CG', x0: math.zeros(grid), relTol: 1e-5, absTol: 0, maxIterations: mid }); iterations = mid; hi = mid - 1; } catch { lo = mid + 1; }
  }
  const unrolledFn = (b: Tensor) => unrolledCg(b, iterations);
  const unrolled = math.jitCompile(unrolledFn, { name: 'poissonCgUnrolled', transformed: false });
  const t0 = performance.now();
  unrolled(y);
  const unrolledFirstMs = performance.now() - t0;
  const t1 = performance.now();
  const fresh = math.jitCompile(solve, { name: 'poissonCgFresh', transformed: false });
  fresh(y);
  const loopFirstMs = performance.now() - t1;
  const entry = (f: JitFunction) => [...jitStateOf(f)!.entries.values()].pop()!;
  const sizes = {
    opsLoop: entry(fun).graph.eqns.length, onnxNodesLoop: entry(fun).lowered.nodeCount,
    opsUnrolled: entry(unrolled).graph.eqns.length, onnxNodesUnrolled: entry(unrolled).lowered.nodeCount,
  };
  const cs: Contender[] = [
    compiled(fun, [y], 'tensorjit compiled (one Loop)'),
    compiledOneThread(math.jitCompile(solve, { name: 'poissonCg1', transformed: false }), [y]),
    compiled(unrolled, [y], `tensorjit compiled, unrolled ${iterations} iterations`),
    { ...eager(solve, [y], 'tensorjit eager (JS loop)') },
  ];
  const rs = await run(ctx, `(7) Poisson ${side}×${side}, CG to relTol 1e-5 (${iterations} iterations)`, cs, ctx.quick ? undefined : { budgetMs: 40000, minRounds: 3 });
  const sci = scipyCg(side, y.data as Float32Array, ctx.quick ? 2 : 11);
  const c = rs[0];
  const xs = x.data as Float32Array;
  const res = math.sub(y, laplace(x));
  const relResidual = Math.sqrt(math.sum(res.mul(res)).item() as number) / Math.sqrt(math.sum(y.mul(y)).item() as number);
  fun.forgetTraces(); unrolled.forgetTraces(); fresh.forgetTraces();
  return [{
    number: 7, id: 'poisson-cg', title: 'Poisson CG to 1e-5 (math.solveLinear, one ONNX Loop)',
    params: {
      grid: `${side}×${side}`, method: 'CG', relTol: 1e-5, iterations, relativeResidual: +relResidual.toPrecision(3),
      ...sizes,
      firstCallLoopMs: ms(loopFirstMs), firstCallUnrolledMs: ms(unrolledFirstMs),
    },
    baseline: c.name, contenders: rs,
    reference: sci ? {
      what: "SciPy's scipy.sparse.linalg.cg on the same system (CSR 5-point Laplacian, float32, single thread), timed in Python; an outside reference, not a dependency",
      scipyVersion: sci.version, scipyMedianMs: ms(sci.medianMs), scipyIterations: sci.iterations,
      scipyMaxAbsDiff: +Math.max(...sci.x.map((v, i) => Math.abs(v - xs[i]))).toPrecision(3),
      perIterationCompiledUs: ms(c.medianMs * 1e3 / Math.max(iterations, 1)),
      perIterationScipyUs: ms(sci.medianMs * 1e3 / Math.max(sci.iterations, 1)),
    } : {
      what: "SciPy's CG (not measured: python3 with scipy not found)",
      perIterationCompiledUs: ms(c.medianMs * 1e3 / Math.max(iterations, 1)),
    },
  }];
}

// (8) ------------------------------------------------------------------------------------------------------
export async function iterateFirstCall(ctx: Context): Promise<WorkloadResult[]> {
  const counts = ctx.quick ? [10, 100] : [10, 10000];
  const unrolledCount = ctx.quick ? 20 : 1000;
  const x = math.randomNormal(spatial({ x: 100 }));
  const step = (u: Tensor) => u.add(math.laplace(u, { padding: 'periodic' }).mul(0.1));
  const looped = (n: number) => (u: Tensor) => math.iterate(step, n, u);
  const unrolledFn = (u: Tensor) => { let v = u; for (let i = 0; i < unrolledCount; i++) v = step(v); return v; };
  let fresh: JitFunction | undefined;
  const phase = (fn: (u: Tensor) => Tensor, name: string, what: 'first' | 'build'): Contender => ({
    name, kind: 'tensorjit', singleShot: true,
    note: what === 'first' ? 'trace + lower + session + run (the run itself does all iterations)' : 'trace + lower to ONNX + onnxruntime session, no run',
    before: () => { fresh = math.jitCompile(fn, { name: 'iterated', transformed: false }); },
    run: () => {
      if (what === 'first') return (fresh!(x) as Tensor).data;
      const st = jitStateOf(fresh!)!;
      const values = st.bindArgs(undefined, [x]);
      const entry = st.traceNew(values, st.keyOf(values, []), undefined, true);
      return (entry as any).load();
    },
    after: () => { fresh?.forgetTraces(); fresh = undefined; },
  });
  const cs: Contender[] = [
    phase(looped(counts[1]), `first call, iterate ${counts[1]}`, 'first'),
    phase(looped(counts[0]), `first call, iterate ${counts[0]}`, 'first'),
    phase(looped(counts[1]), `trace + build, iterate ${counts[1]}`, 'build'),
    phase(looped(counts[0]), `trace + build, iterate ${counts[0]}`, 'build'),
    phase(unrolledFn, `first call, JS loop unrolled ${unrolledCount}×`, 'first'),
  ];
  const rs = await run(ctx, `(8) first call of a function with math.iterate(f, n) on 100 values`, cs, ctx.quick ? undefined : { rounds: 7, minRounds: 3 });
  const ops = (fn: (u: Tensor) => Tensor) => { const f = math.jitCompile(fn, { transformed: false }); f(x); const n = f.traces[0].ops; f.forgetTraces(); return n; };
  return [{
    number: 8, id: 'iterate-first-call', title: 'First call with a long math.iterate (graph size independent of the count)',
    params: { counts, opsIterate: counts.map((n) => ops(looped(n))), unrolledCount, opsUnrolled: ops(unrolledFn), values: 100 },
    baseline: rs[0].name, contenders: rs,
    reference: {
      what: `the same function with ${counts[0]} iterations (the build must not grow with the count; the run does)`,
      buildRatio: +(rs[2].medianMs / rs[3].medianMs).toFixed(2),
    },
  }];
}

// (10) ------------------------------------------------------------------------------------------------------
/**
 * Gradients through `math.iterate` (issue 13): the backward pass is one more ONNX Loop running
 * over the stored states in reverse, so the first call (trace + build) must not grow with the
 * count; the step time of the gradient vs the forward alone, and the two ways of getting the
 * states for the backward pass: 'store' (scan outputs of the forward Loop, the default) and
 * 'recompute' (a second forward Loop emits them, the first keeps none).
 */
export async function loopGradient(ctx: Context): Promise<WorkloadResult[]> {
  const counts = ctx.quick ? [10, 100] : [10, 1000];
  const long = counts[1];
  const x = math.randomNormal(spatial({ x: 100 }));
  const step = (u: Tensor) => u.add(math.laplace(u, { padding: 'periodic' }).mul(0.1)).mul(0.99);
  const loss = (n: number) => (u: Tensor) => math.sum(math.iterate(step, n, u).pow(2) as Tensor);
  const grad = (n: number) => math.gradient(loss(n), { getOutput: false });
  let fresh: JitFunction | undefined;
  const firstCall = (n: number, what: 'first' | 'build'): Contender => ({
    name: `${what === 'first' ? 'first call' : 'trace + build'}, gradient through iterate ${n}`, kind: 'tensorjit', singleShot: true,
    note: what === 'first' ? 'trace + gradient + lower + session + run (the run does all iterations)' : 'trace + gradient + lower to ONNX + onnxruntime session, no run',
    before: () => { fresh = math.jitCompile(grad(n), { name: 'gradIterated', transformed: false }); },
    run: () => {
      if (what === 'first') return (fresh!(x) as Tensor).data;
      const st = jitStateOf(fresh!)!;
      const values = st.bindArgs(undefined, [x]);
      return (st.traceNew(values, st.keyOf(values, []), undefined, true) as any).load();
    },
    after: () => { fresh?.forgetTraces(); fresh = undefined; },
  });
  const stepOf = (name: string, fn: (u: Tensor) => Tensor, mode: LoopTrajectoryMode = 'store'): Contender => {
    const fun = math.jitCompile(fn, { transformed: false });
    return {
      name, kind: 'tensorjit', note: `states for the backward pass: ${mode}`,
      setup() { const prev = setLoopTrajectoryMode(mode); try { fun(x); } finally { setLoopTrajectoryMode(prev); } },
      run: () => (fun(x) as Tensor).data,
      output: () => (fun(x) as Tensor).data as Float32Array,
      teardown: () => fun.forgetTraces(),
    };
  };
  const steps: Contender[] = [
    stepOf(`gradient step, iterate ${long} (states stored)`, grad(long)),
    stepOf(`gradient step, iterate ${long} (states recomputed)`, grad(long), 'recompute'),
    { ...stepOf(`forward step only, iterate ${long}`, loss(long)), output: undefined },
    { ...stepOf(`gradient step, iterate ${counts[0]}`, grad(counts[0])), output: undefined },
  ];
  const rs = await run(ctx, `(10) gradient through math.iterate(f, n) on 100 values: step time`, steps);
  const first = await run(ctx, `(10) gradient through math.iterate(f, n): first call`, [firstCall(long, 'first'), firstCall(counts[0], 'first'), firstCall(long, 'build'), firstCall(counts[0], 'build')], ctx.quick ? undefined : { rounds: 7, minRounds: 3 });
  const ops = (fn: (u: Tensor) => Tensor) => { const f = math.jitCompile(fn, { transformed: false }); f(x); const n = f.traces[0].ops; f.forgetTraces(); return n; };
  return [{
    number: 10, id: 'loop-gradient', title: 'Gradient through math.iterate: one backward Loop (graph size independent of the count)',
    params: { counts, opsGradient: counts.map((n) => ops(grad(n))), opsForward: counts.map((n) => ops(loss(n))), values: 100 },
    baseline: rs[0].name, contenders: [...rs, ...first],
    reference: {
      what: `the forward pass alone (${long} iterations); the first call and the build (trace + gradient + ONNX + session, which must not grow with the count) with ${counts[0]} iterations`,
      backwardForwardRatio: +((rs[0].medianMs - rs[2].medianMs) / rs[2].medianMs).toFixed(2),
      recomputeOverStore: +(rs[1].medianMs / rs[0].medianMs).toFixed(2),
      firstCallRatio: +(first[0].medianMs / first[1].medianMs).toFixed(2),
      buildRatio: +(first[2].medianMs / first[3].medianMs).toFixed(2),
      perIterationGradientUs: ms(rs[0].medianMs * 1e3 / long),
    },
  }];
}
