/**
 * Turns a results file of `npm run bench` into the tables and charts of docs/performance.md:
 * one SVG per workload (vega-lite, rendered to SVG by vega in Node; no canvas needed) under
 * docs/performance/, and the tables between `<!-- bench:NAME -->` … `<!-- /bench:NAME -->` markers.
 *
 *   node dist/bench/report.js [results.json]     (default: the newest bench/results/<date>.json)
 */
import * as fs from 'fs';
import * as path from 'path';
import { fmtMs } from './harness';
import type { BenchResults } from './main';
import type { WorkloadResult } from './workloads';

function root(): string {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    const pj = path.join(d, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'tensorjit') return d;
  }
  return process.cwd();
}

export function slug(w: WorkloadResult): string {
  return `${w.number}-${w.id}${w.case ? '-' + w.case.replace(/[^\w]+/g, '-').replace(/-+$/, '').toLowerCase() : ''}`;
}

const KIND_LABEL = { tensorjit: 'tensorjit', reference: 'onnxruntime (reference)', peer: 'peer' } as const;

/** A vega-lite spec: one horizontal bar per contender (median, log scale), the interquartile range as a rule. */
export function chartSpec(w: WorkloadResult): Record<string, unknown> {
  const rows = w.contenders.filter((c) => !c.error && Number.isFinite(c.medianMs));
  const unit = Math.max(...rows.map((r) => r.medianMs)) < 0.1 ? 'µs' : 'ms';
  const scale = unit === 'µs' ? 1e3 : 1;
  const data = rows.map((c) => ({
    contender: c.name,
    kind: KIND_LABEL[c.kind],
    median: c.medianMs * scale,
    q1: c.q1Ms * scale,
    q3: c.q3Ms * scale,
    label: `${fmtMs(c.medianMs)}${c.name === w.baseline || c.ratioToBaseline === undefined ? '' : `  (${c.ratioToBaseline.toFixed(2)}×)`}`,
  }));
  const order = data.map((d) => d.contender);
  // log scale (contenders differ by orders of magnitude): bars start at a power of ten below the fastest
  const lo = 10 ** Math.floor(Math.log10(Math.min(...data.map((d) => Math.min(d.median, d.q1 || d.median))) * 0.9));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...data.map((d) => Math.max(d.median, d.q3 || d.median))) * 1.5));
  for (const d of data as any[]) d.base = lo;
  const y = { field: 'contender', type: 'nominal', sort: order, title: null, axis: { labelLimit: 400 } };
  const x = { type: 'quantitative', scale: { type: 'log', domain: [lo, hi] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `(${w.number}) ${w.title}${w.case ? ` — ${w.case}` : ''}`, subtitle: ['median time per call (bar) and interquartile range (line)', `(n×): time relative to ${w.baseline} (median of per-round ratios)`], anchor: 'start' },
    width: 420,
    height: { step: 22 },
    data: { values: data },
    layer: [
      { mark: { type: 'bar', height: 16 }, encoding: { y, x: { ...x, field: 'base', title: `time per call (${unit}, log scale)` }, x2: { field: 'median' }, color: { field: 'kind', type: 'nominal', title: null, scale: { domain: Object.values(KIND_LABEL), range: ['#d62728', '#7f7f7f', '#1f77b4'] }, legend: { orient: 'bottom', labelLimit: 300 } } } },
      { mark: { type: 'rule', color: 'black' }, encoding: { y, x: { ...x, field: 'q1' }, x2: { field: 'q3' } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y, x: { ...x, field: 'median' }, text: { field: 'label' } } },
    ],
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: null }, axis: { grid: true } },
  };
}

/** Renders a vega-lite spec to SVG text (vega and vega-lite are ESM-only: loaded with import()). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vl.compile(spec as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export function table(w: WorkloadResult): string {
  const lines = [
    `| contender | median per call | interquartile range | vs ${w.baseline} | max abs. diff. from ${w.baseline} | samples × calls |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const c of w.contenders) {
    const name = `${c.name}${c.version && c.kind !== 'tensorjit' ? ` ${c.version}` : ''}`;
    if (c.error) { lines.push(`| ${name} | — | | | | fails: ${c.error.replace(/\|/g, '\\|')} |`); continue; }
    const gf = (c as any).gflops !== undefined ? ` (${(c as any).gflops} GFLOP/s)` : '';
    lines.push(`| ${name} | ${fmtMs(c.medianMs)}${gf} | ${fmtMs(c.q1Ms)} – ${fmtMs(c.q3Ms)} | ${c.name === w.baseline ? '1' : c.ratioToBaseline!.toFixed(2)}× | ${c.maxAbsDiff === undefined ? '' : c.maxAbsDiff.toExponential(1)} | ${c.samples} × ${c.inner} |`);
  }
  return lines.join('\n');
}

const us = (ms: number) => fmtMs(ms);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`;

/** The physical reference of a workload, in words. */
export function referenceText(w: WorkloadResult): string {
  const r = w.reference as any;
  const get = (name: string) => w.contenders.find((c) => c.name === name);
  const base = w.contenders[0];
  switch (w.id) {
    case 'dispatch':
    case 'cache':
      return `Reference: onnxruntime's own synchronous run of the same model takes ${fmtMs(r.onnxruntimeRunUs / 1e3)}; ` +
        `tensorjit's compiled call adds ${fmtMs(((r.tensorjitOverheadUs ?? r.callOverheadUs) as number) / 1e3)} (argument key, cache lookup, feeds, output tensor)` +
        (r.traceCheckHitUs !== undefined ? `; \`math.traceCheck\` on a hit takes ${fmtMs(r.traceCheckHitUs / 1e3)}.` : '.');
    case 'elementwise':
      return `Reference: a perfectly fused kernel reads and writes ${mb(r.minimumBytes)}: ${us(r.floorMs)} at the measured ${r.memoryBandwidthGBs} GB/s. ` +
        `The traced program has ${w.params.ops} ops; run one by one they move ${mb(r.unfusedBytes)} (${us(r.unfusedFloorMs)} at that bandwidth; much of it stays in the caches). ` +
        `tensorjit compiled: ${us(base.medianMs)}, ${r.compiledEffectiveGBs} GB/s of useful traffic: the transcendental functions (sin, exp, tanh, sqrt), not memory, bound it.`;
    case 'mlp': {
      const [i, h, o] = String(w.params.layers).split('→').map(Number);
      const b = Number(w.params.batch);
      const one = get('tensorjit compiled, 1 thread');
      return `Reference: ${(r.flops / 1e6).toFixed(1)} MFLOP (two MatMuls of ${(2 * b * i * h / 1e6).toFixed(1)} and ${(2 * b * h * o / 1e6).toFixed(1)} MFLOP); ` +
        `at the peak MatMul rate measured on this machine (onnxruntime on large square problems, best run: ${r.peakGflops1Thread} GFLOP/s on 1 thread, ${r.peakGflopsAllThreads} on all cores) that is ${us(r.floorMs)}. ` +
        `tensorjit compiled reaches ${r.compiledGflops} GFLOP/s${one && !one.error ? ` (${(r.flops / (one.medianMs / 1e3) / 1e9).toFixed(1)} on 1 thread)` : ''}.`;
    }
    case 'simulation':
      return `Reference: the traced program has ${w.params.ops} ops (${w.params.stepsPerCall} steps; ${w.params.onnxNodes} ONNX nodes after lowering); run one by one they move ${mb(r.unfusedBytes)}, ${us(r.unfusedFloorMs)} at the in-cache copy bandwidth (${r.cacheBandwidthGBs} GB/s; the ${w.params.grid} grid fits in L2). ` +
        `A kernel fusing all steps would move ${mb(r.minimumBytes)}. tensorjit compiled: ${us(base.medianMs)}, ${r.perGridPointStepNs} ns per grid point and step.`;
    case 'first-call':
      return `Reference: onnxruntime's own session creation for this model (${(r.modelBytes / 1024).toFixed(1)} KiB) takes ${us(r.sessionMs)} of the ${us(base.medianMs)} first call; ` +
        `tracing (${us(get('tensorjit: trace')!.medianMs)}) and lowering (${us(get('tensorjit: lower to ONNX')!.medianMs)}) are tensorjit's.`;
  }
  return '';
}

/** One line per workload: tensorjit compiled against the fastest peer. */
export function summaryTable(res: BenchResults): string {
  const lines = [
    '| workload | tensorjit compiled | onnxruntime alone (run, or session creation) | fastest peer | peer / tensorjit | tensorjit eager |',
    '|---|---:|---:|---|---:|---:|',
  ];
  for (const w of res.workloads) {
    const base = w.contenders[0];
    const ort = w.contenders.find((c) => c.kind === 'reference' && !c.error);
    // first calls compare with the peers' first calls (compiling), not with eager runs
    const candidates = w.contenders.filter((c) => c.kind === 'peer' && (w.id !== 'first-call' || /first call/.test(c.name)));
    const peers = candidates.filter((c) => !c.error).sort((a, b) => a.medianMs - b.medianMs);
    const failed = candidates.find((c) => c.error);
    const eagerRow = w.contenders.find((c) => c.name.startsWith('tensorjit eager'));
    const best = peers[0];
    const peerText = best ? `${best.name} ${fmtMs(best.medianMs)}` : failed ? `${failed.name}: fails (${failed.error})` : '—';
    lines.push(`| (${w.number}) ${w.title}${w.case ? ` — ${w.case}` : ''} | ${fmtMs(base.medianMs)} | ${ort ? fmtMs(ort.medianMs) : ''} | ${peerText} | ${best ? `${best.ratioToBaseline!.toFixed(2)}×` : ''} | ${eagerRow && !eagerRow.error ? fmtMs(eagerRow.medianMs) : ''} |`);
  }
  return lines.join('\n');
}

function replaceBlock(md: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- bench:${name} -->\\n)[\\s\\S]*?(<!-- /bench:${name} -->)`);
  if (!re.test(md)) return md;
  return md.replace(re, `$1${body}\n$2`);
}

async function main(): Promise<void> {
  const dir = path.join(root(), 'bench', 'results');
  const file = process.argv[2] ?? path.join(dir, fs.readdirSync(dir).filter((f) => /^\d{4}-\d\d-\d\d\.json$/.test(f)).sort().pop()!);
  const res: BenchResults = JSON.parse(fs.readFileSync(file, 'utf8'));
  const figDir = path.join(root(), 'docs', 'performance');
  fs.mkdirSync(figDir, { recursive: true });
  const docPath = path.join(root(), 'docs', 'performance.md');
  let md = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '';
  for (const w of res.workloads) {
    const s = slug(w);
    fs.writeFileSync(path.join(figDir, `${s}.svg`), await renderSvg(chartSpec(w)));
    md = replaceBlock(md, s, `${table(w)}\n\n${referenceText(w)}\n\n![${w.title}${w.case ? ` — ${w.case}` : ''}](performance/${s}.svg)`);
    console.log(`docs/performance/${s}.svg`);
  }
  md = replaceBlock(md, 'summary', summaryTable(res));
  const m = res.machine, r = res.references, v = res.versions as Record<string, string>;
  md = replaceBlock(md, 'machine', [
    `- Results: \`${path.relative(root(), file)}\`, ${res.date.slice(0, 16).replace('T', ' ')} UTC, ${res.durationS} s.`,
    `- Machine: ${m.cpu}, ${m.cores} cores (${m.caches ?? 'caches unknown'}), ${m.memoryGiB} GiB, ${m.os}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    `- Node ${m.node}; onnxruntime-node ${v['onnxruntime-node']}; @tensorflow/tfjs-core ${v['@tensorflow/tfjs-core']} with tfjs-backend-cpu ${v['@tensorflow/tfjs-backend-cpu']} and tfjs-backend-wasm ${v['@tensorflow/tfjs-backend-wasm']} (wasm threads: ${v.tfjsWasmThreads ?? 'unknown'}); @jax-js/jax ${v['@jax-js/jax']} (wasm backend).`,
    `- Measured references: memory bandwidth ${r.memoryBandwidthGBs} GB/s (${r.memoryBandwidthNote}); ${r.cacheBandwidthGBs} GB/s for a 4 MiB copy (in cache); onnxruntime MatMul (best of ${r.matmulSizes.map((n) => `${n}³`).join(' and ')}): ${r.matmulGflops1Thread} GFLOP/s on 1 thread, ${r.matmulGflopsAllThreads} GFLOP/s on ${r.threads}.`,
    `- Harness: ${res.harness.order}; at least ${res.harness.sampleMs} ms per sample, up to ${res.harness.rounds} rounds; garbage collected before every sample: ${res.harness.gcBetweenSamples ? 'yes' : 'no'}.`,
  ].join('\n'));
  fs.writeFileSync(docPath, md);
  console.log(`updated ${path.relative(root(), docPath)} from ${path.relative(root(), file)}`);
}

if (require.main === module) {
  main().catch((e) => { console.error(e); process.exitCode = 1; });
}
