/**
 * The machine, and the physical references the workloads are compared with: memory bandwidth
 * (a large typed-array copy) and the peak float32 MatMul rate (onnxruntime's own MatMul on a large
 * problem, one thread and all threads), both measured in this run.
 */
import * as fs from 'fs';
import * as os from 'os';
import { execSync } from 'child_process';
import { math, spatial, Tensor } from 'tensorjit';
import { NativeRunner, exported } from './ort';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  caches?: string;
  os: string;
  node: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  let caches: string | undefined;
  try {
    const out = execSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    caches = out.split('\n').filter((l) => /^L[123]\w* cache/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim()).join('; ') || undefined;
  } catch { /* lscpu missing */ }
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const fam = /cpu family\s*:\s*(\d+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    if (fam) cpu += ` (family ${fam})`;
  } catch { /* not linux */ }
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    caches,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

/** Best time of `reps` calls: a peak rate is what the hardware can do when nothing else runs. */
function best(f: () => void, reps: number): number {
  let t = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    f();
    t = Math.min(t, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return t;
}

export interface References {
  /** Copy bandwidth of one thread over a buffer far larger than the caches: (read + write bytes) / best time. */
  memoryBandwidthGBs: number;
  memoryBandwidthNote: string;
  /** Copy bandwidth over a buffer that fits in the last-level cache. */
  cacheBandwidthGBs: number;
  /** onnxruntime's float32 MatMul (MLAS) rate on n×n×n problems (best of several runs and sizes). */
  matmulGflops1Thread: number;
  matmulGflopsAllThreads: number;
  matmulSizes: number[];
  threads: number;
}

/** Measures the references; `quick` uses small sizes (values are then only indicative). */
export function measureReferences(quick: boolean): References {
  const big = quick ? 1 << 22 : 1 << 26; // float32 elements: 16 MiB (quick) / 256 MiB
  const src = new Float32Array(big).fill(1), dst = new Float32Array(big);
  dst.set(src);
  const tBig = best(() => dst.set(src), quick ? 3 : 9);
  const small = 1 << 20; // 4 MiB
  const s2 = new Float32Array(small).fill(1), d2 = new Float32Array(small);
  for (let i = 0; i < 20; i++) d2.set(s2);
  const tSmall = best(() => { for (let i = 0; i < 10; i++) d2.set(s2); }, 15) / 10;

  // the peak is the best rate over two sizes (512³ fits the caches better, 1024³ amortises more)
  const sizes = quick ? [256] : [512, 1024];
  const threads = os.availableParallelism?.() ?? os.cpus().length;
  let g1 = 0, gAll = 0;
  for (const n of sizes) {
    const a = math.randomNormal(spatial({ i: n, k: n })), b = math.randomNormal(spatial({ k: n, j: n }));
    const mm = math.jitCompile(function matmul(p: Tensor, q: Tensor) { return math.dot(p, 'k', q, 'k'); });
    const ex = exported(mm, [a, b]);
    const flops = 2 * n * n * n;
    const rate = (th: number) => {
      const r = new NativeRunner(ex.bytes, ex.inputs, [a, b], ex.outputs, th);
      for (let i = 0; i < 3; i++) r.run();
      const t = best(() => r.run(), quick ? 3 : Math.ceil(3e9 / flops) + 5);
      r.dispose();
      return flops / (t / 1e3) / 1e9;
    };
    g1 = Math.max(g1, rate(1));
    gAll = Math.max(gAll, rate(threads));
    mm.forgetTraces();
  }
  return {
    memoryBandwidthGBs: +((2 * big * 4) / (tBig / 1e3) / 1e9).toFixed(2),
    memoryBandwidthNote: `Float32Array.prototype.set of ${(big * 4) / 2 ** 20} MiB (one thread), read + write bytes / best time`,
    cacheBandwidthGBs: +((2 * small * 4) / (tSmall / 1e3) / 1e9).toFixed(2),
    matmulGflops1Thread: +g1.toFixed(1),
    matmulGflopsAllThreads: +gAll.toFixed(1),
    matmulSizes: sizes,
    threads,
  };
}
