/**
 * The CUDA check of docs/cuda.md: compiled results on the CUDA execution provider must equal the
 * CPU results within tolerance, and the timings of compute-heavy functions on both devices.
 * Run on a GPU machine: `TENSORJIT_DEVICE=cuda node dist/bench/cuda-check.js` (see docs/cuda.md).
 * Writes cuda-check.json into $OUT (or the current directory).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execSync } from 'child_process';
import { math, spatial, channel, batch, Tensor } from 'tensorjit';

interface Case { name: string; fn: (...xs: Tensor[]) => Tensor; args: () => Tensor[]; rtol: number; atol: number; reps: number }

function median(xs: number[]): number { const s = xs.slice().sort((a, b) => a - b); return s[s.length >> 1]; }

function timeCalls(f: (...xs: Tensor[]) => Tensor, args: Tensor[], reps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    f(...args);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

function maxDiff(a: Tensor, b: Tensor): { abs: number; rel: number } {
  const x = a.data as Float32Array, y = b.data as Float32Array;
  let abs = 0, rel = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(Math.abs(y[i]), 1e-6));
  }
  return { abs, rel };
}

const mlp = (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor) => math.dot(math.tanh(math.dot(x, 'in', w1, 'in').add(b1)), 'hidden', w2, 'hidden').tanh();
const simulate = (u: Tensor, v: Tensor, c: Tensor) => {
  // 10 explicit steps of advection–diffusion of a concentration c by velocity (u, v), periodic
  let q = c;
  for (let s = 0; s < 10; s++) {
    const g = math.spatialGradient(q, { padding: 'periodic' });
    const adv = u.mul(g.get({ gradient: 'x' })).add(v.mul(g.get({ gradient: 'y' })));
    q = q.add(math.laplace(q, { padding: 'periodic' }).mul(0.1).sub(adv.mul(0.05)));
  }
  return q;
};
const heavy = (a: Tensor, w: Tensor) => {
  let h = a;
  for (let i = 0; i < 10; i++) h = math.dot(h, 'k', w, 'k').renameDims('j', 'k').tanh();
  return h;
};
const chain = (x: Tensor) => math.where(x.gt(0), x.mul(2).sin(), x.neg().exp().mul(0.5)).tanh().add(x.abs().sqrt());

const cases: Case[] = [
  { name: 'element-wise chain with where, 1M values', fn: chain, args: () => [math.randomNormal(spatial({ x: 1000, y: 1000 }))], rtol: 1e-5, atol: 1e-5, reps: 20 },
  {
    name: 'MLP inference, batch 256, 256→512→64, tanh',
    fn: mlp,
    args: () => [math.randomNormal(batch({ b: 256 }), channel({ in: 256 })), math.randomNormal(channel({ in: 256, hidden: 512 }), { std: 0.06 }),
      math.randomNormal(channel({ hidden: 512 }), { std: 0.1 }), math.randomNormal(channel({ hidden: 512, out: 64 }), { std: 0.04 })],
    rtol: 1e-4, atol: 1e-5, reps: 30,
  },
  {
    name: 'advection–diffusion, 256×256 grid, 10 steps per call',
    fn: simulate,
    args: () => [math.randomNormal(spatial({ x: 256, y: 256 }), { std: 0.3 }), math.randomNormal(spatial({ x: 256, y: 256 }), { std: 0.3 }), math.randomUniform(spatial({ x: 256, y: 256 }))],
    rtol: 1e-4, atol: 1e-4, reps: 30,
  },
  {
    name: '10 × (4096×4096 MatMul + tanh) in one graph',
    fn: heavy,
    args: () => [math.randomNormal(spatial({ i: 4096, k: 4096 })), math.randomNormal(spatial({ k: 4096, j: 4096 }), { std: 1 / 64 })],
    rtol: 1e-3, atol: 1e-4, reps: 5,
  },
];

function gpuName(): string {
  try { return execSync('nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader', { encoding: 'utf8' }).trim(); } catch { return 'none (nvidia-smi not found)'; }
}

const report: any = {
  date: new Date().toISOString(),
  gpu: gpuName(),
  cpu: `${os.cpus()[0]?.model} × ${os.cpus().length}`,
  node: process.version,
  command: 'TENSORJIT_DEVICE=cuda node dist/bench/cuda-check.js',
  cases: [] as unknown[],
};

// CUDA_CHECK_DEVICE=auto lets the script run (on the CPU twice) where no GPU is; CUDA_CHECK_QUICK skips the biggest case.
const second = (process.env.CUDA_CHECK_DEVICE ?? 'cuda') as 'cuda' | 'auto';
const selected = process.env.CUDA_CHECK_QUICK ? cases.slice(0, 3) : cases;
for (const c of selected) {
  const args = c.args();
  const f = math.jitCompile(c.fn, { name: c.name });
  const res: Record<string, Tensor> = {};
  const times: Record<string, number[]> = { cpu: [], cuda: [] };
  for (let round = 0; round < 2; round++) {
    for (const dev of ['cpu', 'cuda'] as const) {
      math.setDevice(dev === 'cpu' ? 'cpu' : second);
      res[dev] = f(...args); // warm-up (and session build after the device switch)
      times[dev].push(...timeCalls(f, args, Math.ceil(c.reps / 2)));
    }
  }
  const diff = maxDiff(res.cuda, res.cpu);
  const ok = diff.abs <= c.atol || diff.rel <= c.rtol;
  const entry = {
    name: c.name, shape: String(res.cpu.shape),
    cpuMs: +median(times.cpu).toFixed(3), cudaMs: +median(times.cuda).toFixed(3),
    speedup: +(median(times.cpu) / median(times.cuda)).toFixed(2),
    maxAbsDiff: diff.abs, maxRelDiff: diff.rel, tolerance: { rtol: c.rtol, atol: c.atol }, equal: ok,
    device: math.getDevice().resolved,
  };
  report.cases.push(entry);
  console.log(JSON.stringify(entry));
  f.forgetTraces();
}
const outDir = process.env.OUT || '.';
fs.writeFileSync(path.join(outDir, 'cuda-check.json'), JSON.stringify(report, null, 2));
console.log(`gpu: ${report.gpu}`);
const failed = report.cases.filter((c: any) => !c.equal);
if (failed.length) { console.log(`NOT EQUAL: ${failed.map((c: any) => c.name).join('; ')}`); process.exitCode = 1; }
