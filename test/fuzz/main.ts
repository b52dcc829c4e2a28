/**
 * `npm run fuzz`: the long run of the property-based differential suite.
 *   npm run fuzz -- --runs 5000 --seed 7 --max-ops 20 [--numpy] [--kernels] [--triage]
 *   npm run fuzz -- --replay dist/fuzz-current-program.json   (one recorded program)
 * or env FUZZ_RUNS, FUZZ_SEED, FUZZ_MAX_OPS, FUZZ_NUMPY=1. Exits 1 on a disagreement, printing
 * the shrunk program as TS code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fuzz, failureText, kernelTable, kernelTableText, uncoveredPrimitives } from './harness';
import { numpyAvailable } from './oracle';
import { programCode, programJson, programFromJson, runProgram, type Program } from './program';

function arg(name: string, env: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : process.env[env];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} / ${env} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

// Each program is written here before it runs: if onnxruntime's native code crashes the process
// (no JS error to report, no shrinking), the program that did it is left behind (TS and JSON).
const current = path.join(__dirname, '..', '..', 'fuzz-current-program');
function record(prog: Program): void {
  fs.writeFileSync(`${current}.ts`, programCode(prog) + '\n');
  fs.writeFileSync(`${current}.json`, programJson(prog) + '\n');
}
function forget(): void {
  fs.rmSync(`${current}.ts`, { force: true });
  fs.rmSync(`${current}.json`, { force: true });
}

const replay = process.argv.indexOf('--replay');
if (replay >= 0) {
  const prog = programFromJson(fs.readFileSync(process.argv[replay + 1], 'utf8'));
  console.log(programCode(prog));
  const out = runProgram(prog);
  console.log(out.ok ? 'eager and compiled agree' : `disagree: ${out.message}`);
  process.exit(out.ok ? 0 : 1);
}
process.stderr.write(`(each program is written to ${current}.ts/.json before it runs; a native crash leaves it there)\n`);

const runs = arg('runs', 'FUZZ_RUNS', 2000);
const seed = arg('seed', 'FUZZ_SEED', Date.now() % 1000000);
const maxOps = arg('max-ops', 'FUZZ_MAX_OPS', 40);
const numpy = process.argv.includes('--numpy') || process.env.FUZZ_NUMPY === '1';
if (process.argv.includes('--triage')) {
  triage(runs, seed, maxOps);
  forget();
  process.exit(0);
}
if (process.argv.includes('--kernels')) {
  console.log(kernelTableText(kernelTable()));
}
const t0 = Date.now();
let done = 0;
const r = fuzz({
  runs, seed, maxOps, numpy: numpy && numpyAvailable(), beforeProgram: record,
  onProgram: () => { if (++done % 250 === 0) process.stderr.write(`  ${done} programs, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`); },
});
forget();
console.log(`fuzz: seed ${seed}, ${r.programs} programs (${r.ops} ops, 1–${maxOps} ops each), ${r.agreed} agree, ${r.programs - r.agreed} disagree; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const missing = uncoveredPrimitives(r.covered);
console.log(`primitives covered: ${r.covered.size}${missing.length ? `; not reached: ${missing.join(', ')}` : ''}`);
if (numpy) {
  if (!numpyAvailable()) console.log('numpy oracle: skipped (python3 with numpy not found)');
  else if (r.numpy) console.log(`numpy oracle: ${r.numpy.compared} ops compared, ${r.numpy.skipped} skipped, ${r.numpy.disagreements.length} disagree`);
}
if (r.numpy?.disagreements.length) console.log(r.numpy.disagreements.slice(0, 5).join('\n\n'));
if (r.failure) {
  console.log(failureText(r));
  process.exitCode = 1;
}

/** `--triage N`: runs N programs without stopping or shrinking and groups the failures by first line. */
export function triage(n: number, seed: number, maxOps: number): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const fc = require('fast-check') as typeof import('fast-check');
  const { choicesArbitrary, buildProgram } = require('./program') as typeof import('./program');
  const groups = new Map<string, { count: number; code: string; msg: string; size: number }>();
  for (const ch of fc.sample(choicesArbitrary(maxOps), { numRuns: n, seed })) {
    const prog = buildProgram(ch);
    record(prog);
    const out = runProgram(prog);
    if (out.ok) continue;
    const key = out.message!.replace(/^op \d+ \(v\d+ = (\w+)\).*?: (.{0,60}).*$/s, '$1: $2').replace(/\d+(\.\d+)?(e[-+]?\d+)?/g, '#');
    const g = groups.get(key);
    if (!g) groups.set(key, { count: 1, code: programCode(prog), msg: out.message!, size: prog.ops.length });
    else { g.count++; if (prog.ops.length < g.size) Object.assign(g, { code: programCode(prog), msg: out.message!, size: prog.ops.length }); }
  }
  for (const [k, g] of [...groups].sort((a, b) => b[1].count - a[1].count)) console.log(`\n### ${g.count}× ${k}\n${g.msg}\n${g.code}`);
}
