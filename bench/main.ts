/**
 * `npm run bench`: tensorjit against its peers and the hardware, every contender interleaved in one
 * process. Writes bench/results/<date>.json (or --out FILE) and prints one table per workload.
 *
 *   node --expose-gc dist/bench/main.js [--quick] [--out FILE] [--only dispatch,mlp,…] [--skip REGEX]
 *
 * --quick: small sizes and few samples, for CI smoke runs (checks that everything runs; its times
 * mean nothing). Nothing here asserts anything about time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ORT_VERSION } from 'tensorjit/internal';
import { fmtMs, type HarnessOptions } from './harness';
import { machineInfo, measureReferences } from './machine';
import { loadJax, loadTf, peerInfo, versionOf } from './peers';
import { WORKLOADS, type Context, type WorkloadResult } from './workloads';

export interface BenchResults {
  schema: 'tensorjit-bench/1';
  date: string;
  quick: boolean;
  command: string;
  machine: ReturnType<typeof machineInfo>;
  versions: Record<string, unknown>;
  harness: Omit<HarnessOptions, 'log'> & { gcBetweenSamples: boolean; order: string };
  references: ReturnType<typeof measureReferences>;
  workloads: WorkloadResult[];
  durationS: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function root(): string {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    const pj = path.join(d, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'tensorjit') return d;
  }
  return process.cwd();
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const quick = process.argv.includes('--quick');
  const only = arg('--only')?.split(',').map((s) => s.trim());
  const unknown = only?.filter((o) => !(o in WORKLOADS));
  if (unknown?.length) throw new Error(`unknown workload(s) ${unknown.join(', ')}; choose from ${Object.keys(WORKLOADS).join(', ')}`);
  const date = new Date().toISOString();
  const out = arg('--out') ?? path.join(root(), 'bench', 'results', `${date.slice(0, 10)}.json`);
  const opts: HarnessOptions = quick
    ? { sampleMs: 1, warmupMs: 5, rounds: 2, minRounds: 1, budgetMs: 100 }
    : { sampleMs: 20, warmupMs: 300, rounds: 21, minRounds: 5, budgetMs: 25000 };
  const log = (s: string) => console.log(s);
  log(`tensorjit bench${quick ? ' (quick: small sizes, few samples; times are not meaningful)' : ''}`);
  const machine = machineInfo();
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; load ${machine.loadAverageAtStart.join(' ')}`);
  const tf = await loadTf();
  const jax = await loadJax();
  const refs = measureReferences(quick);
  log(`references: memory bandwidth ${refs.memoryBandwidthGBs} GB/s, cache ${refs.cacheBandwidthGBs} GB/s, MatMul ${refs.matmulGflops1Thread} GFLOP/s (1 thread) / ${refs.matmulGflopsAllThreads} GFLOP/s (${refs.threads} threads)`);
  const skip = arg('--skip');
  const ctx: Context = { quick, opts, refs, tf, jax, log, skip: skip ? new RegExp(skip, 'i') : undefined };
  const workloads: WorkloadResult[] = [];
  for (const [id, w] of Object.entries(WORKLOADS)) {
    if (only && !only.includes(id)) continue;
    for (const r of await w(ctx)) {
      workloads.push(r);
      printTable(r);
    }
  }
  const results: BenchResults = {
    schema: 'tensorjit-bench/1',
    date,
    quick,
    command: `node --expose-gc dist/bench/main.js ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    versions: { tensorjit: versionOf('tensorjit') ?? require(path.join(root(), 'package.json')).version, onnxruntimeNodePinned: ORT_VERSION, ...peerInfo() },
    harness: { ...opts, gcBetweenSamples: typeof (globalThis as any).gc === 'function', order: 'interleaved, rotating start each round; medians of per-call times; ratios = median of per-round ratios to the baseline' },
    references: refs,
    workloads,
    durationS: Math.round((Date.now() - t0) / 1000),
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 1) + '\n');
  log(`\nwrote ${out} (${results.durationS} s)`);
}

function printTable(w: WorkloadResult): void {
  const rows = w.contenders.map((c) => [
    c.name,
    c.error ? `error: ${c.error}` : fmtMs(c.medianMs),
    c.error || c.ratioToBaseline === undefined ? '' : `${c.ratioToBaseline.toFixed(2)}×`,
    c.maxAbsDiff === undefined ? '' : c.maxAbsDiff.toExponential(1),
    c.samples ? `${c.samples}×${c.inner}` : '',
  ]);
  const head = ['contender', 'median', `vs ${w.baseline}`, 'max |diff|', 'samples'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => (i === 0 ? s.padEnd(width[i]) : s.padStart(width[i]))).join('  ');
  console.log(`\n(${w.number}) ${w.title}${w.case ? ` — ${w.case}` : ''}`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`reference: ${JSON.stringify(w.reference)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
