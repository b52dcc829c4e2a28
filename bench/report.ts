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
  const y = { field: 'contender', type: 'nominal', sort: order, title: null, axis: { labelLimit: 260 } };
  const x = { type: 'quantitative', scale: { type: 'log', domain: [lo, hi] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `(${w.number}) ${w.title}${w.case ? ` — ${w.case}` : ''}`, subtitle: `median per call (bar), interquartile range (line); (n×): time relative to ${w.baseline}, median of per-round ratios`, anchor: 'start' },
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
    md = replaceBlock(md, s, `${table(w)}\n\n![${w.title}${w.case ? ` — ${w.case}` : ''}](performance/${s}.svg)`);
    console.log(`docs/performance/${s}.svg`);
  }
  const m = res.machine, r = res.references, v = res.versions as Record<string, string>;
  md = replaceBlock(md, 'machine', [
    `- Results: \`${path.relative(root(), file)}\`, ${res.date.slice(0, 16).replace('T', ' ')} UTC, ${res.durationS} s.`,
    `- Machine: ${m.cpu}, ${m.cores} cores (${m.caches ?? 'caches unknown'}), ${m.memoryGiB} GiB, ${m.os}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    `- Node ${m.node}; onnxruntime-node ${v['onnxruntime-node']}; @tensorflow/tfjs-core ${v['@tensorflow/tfjs-core']} with tfjs-backend-cpu ${v['@tensorflow/tfjs-backend-cpu']} and tfjs-backend-wasm ${v['@tensorflow/tfjs-backend-wasm']} (${v.tfjsWasmThreads ?? '?'} wasm thread${v.tfjsWasmThreads === '1' || (v.tfjsWasmThreads as unknown) === 1 ? '' : 's'}); @jax-js/jax ${v['@jax-js/jax']} (wasm).`,
    `- Measured references: memory bandwidth ${r.memoryBandwidthGBs} GB/s (${r.memoryBandwidthNote}); ${r.cacheBandwidthGBs} GB/s for a 4 MiB copy (in cache); onnxruntime MatMul ${r.matmulSize}³: ${r.matmulGflops1Thread} GFLOP/s on 1 thread, ${r.matmulGflopsAllThreads} GFLOP/s on ${r.threads}.`,
    `- Harness: ${res.harness.order}; at least ${res.harness.sampleMs} ms per sample, up to ${res.harness.rounds} rounds; garbage collected before every sample: ${res.harness.gcBetweenSamples ? 'yes' : 'no'}.`,
  ].join('\n'));
  fs.writeFileSync(docPath, md);
  console.log(`updated ${path.relative(root(), docPath)} from ${path.relative(root(), file)}`);
}

if (require.main === module) {
  main().catch((e) => { console.error(e); process.exitCode = 1; });
}
