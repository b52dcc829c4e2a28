/**
 * Profiling helpers for the workloads (how the optimisations in docs/performance.md were found).
 *
 *   node --cpu-prof --cpu-prof-dir=prof dist/bench/profile.js js WORKLOAD [seconds]
 *       loops tensorjit's compiled call (or first call, for first-call-N) so that V8's CPU profile
 *       shows where the JS side spends its time; then
 *   node dist/bench/profile.js summary prof/<file>.cpuprofile
 *       prints self time per function (top 25), and
 *   node dist/bench/profile.js ort WORKLOAD
 *       runs the exported model with onnxruntime's own profiler: time per ONNX op type.
 *
 * WORKLOAD: dispatch, elementwise, mlp, simulation, tree, first-call-20, first-call-200, first-call-2000.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { math, spatial, channel, batch, Tensor, type JitFunction } from 'tensorjit';
import * as F from './functions';
import { exported, sessionOptions } from './ort';

function setup(name: string): { fn: (...a: any[]) => unknown; args: unknown[]; leaves: Tensor[] } {
  math.seed(1);
  switch (name) {
    case 'dispatch': { const x = math.tensor(3); return { fn: F.double, args: [x], leaves: [x] }; }
    case 'elementwise': { const x = math.randomNormal(spatial({ x: 1000, y: 1000 })); return { fn: F.chain, args: [x], leaves: [x] }; }
    case 'mlp': {
      const a = [math.randomNormal(batch({ b: 256 }), channel({ in: 256 })), math.randomNormal(channel({ in: 256, hidden: 512 }), { std: 1 / 16 }),
        math.randomNormal(channel({ hidden: 512 }), { std: 0.1 }), math.randomNormal(channel({ hidden: 512, out: 64 }), { std: 1 / 22 })];
      return { fn: F.mlp, args: a, leaves: a };
    }
    case 'simulation': {
      const a = [math.randomNormal(spatial({ x: 256, y: 256 }), { std: 0.3 }), math.randomNormal(spatial({ x: 256, y: 256 }), { std: 0.3 }), math.randomUniform(spatial({ x: 256, y: 256 }))];
      return { fn: F.simulate(10), args: a, leaves: a };
    }
    case 'tree': {
      const tree = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, math.randomNormal(spatial({ x: 100 }))]));
      return { fn: F.sumTree, args: [tree], leaves: Object.values(tree) };
    }
  }
  const m = /^first-call-(\d+)$/.exec(name);
  if (m) { const x = math.randomNormal(spatial({ x: 100 })); return { fn: F.opChain(Number(m[1])), args: [x], leaves: [x] }; }
  throw new Error(`unknown workload ${name}`);
}

function loopJs(name: string, seconds: number): void {
  const { fn, args } = setup(name);
  const end = Date.now() + seconds * 1000;
  let n = 0;
  if (name.startsWith('first-call')) {
    while (Date.now() < end) { const f = math.jitCompile(fn); f(...args); f.forgetTraces(); n++; }
  } else {
    const f: JitFunction = math.jitCompile(fn);
    while (Date.now() < end) { for (let i = 0; i < 100; i++) f(...args); n += 100; }
  }
  console.log(`${name}: ${n} calls, ${((seconds * 1e6) / n).toFixed(2)} µs per call`);
}

function summary(file: string): void {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const self = new Map<number, number>();
  const dt: number[] = prof.timeDeltas;
  prof.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const node of prof.nodes) {
    const t = self.get(node.id) ?? 0;
    total += t;
    const cf = node.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? path.basename(cf.url) + ':' + (cf.lineNumber + 1) : ''}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + t);
  }
  console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [k, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
}

function ortProfile(name: string): void {
  const { fn, args, leaves } = setup(name);
  const f = math.jitCompile(fn);
  const ex = exported(f, args);
  const b = require('onnxruntime-node/dist/binding');
  b.initOrt();
  const s = new b.binding.InferenceSession();
  const prefix = path.join(os.tmpdir(), `tensorjit-ortprof-${process.pid}`);
  s.loadModel(ex.bytes.buffer, ex.bytes.byteOffset, ex.bytes.byteLength, { ...sessionOptions(ex.threads), enableProfiling: true, profileFilePrefix: prefix });
  const feeds: Record<string, unknown> = {};
  ex.inputs.forEach((n, i) => { feeds[n] = { type: leaves[i].dtype, dims: leaves[i].shape.sizes, data: leaves[i].data, location: 'cpu' }; });
  const runs = 30;
  for (let i = 0; i < runs; i++) s.run(feeds, { [ex.outputs[0]]: null }, {});
  s.endProfiling();
  const dir = path.dirname(prefix);
  const file = fs.readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => f.startsWith(prefix)).pop()!;
  const ev = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.unlinkSync(file);
  const byOp = new Map<string, { us: number; n: number }>();
  let total = 0;
  for (const e of ev) {
    if (e.cat !== 'Node' || !String(e.name).endsWith('_kernel_time')) continue;
    const o = byOp.get(e.args.op_name) ?? { us: 0, n: 0 };
    o.us += e.dur; o.n++; total += e.dur;
    byOp.set(e.args.op_name, o);
  }
  const model = ev.filter((e: any) => e.name === 'model_run').map((e: any) => e.dur).sort((a: number, c: number) => a - c);
  console.log(`${name}: ${ex.threads} intra-op thread(s); model_run median ${model[model.length >> 1]} µs; kernels ${(total / runs).toFixed(0)} µs per run`);
  for (const [op, o] of [...byOp].sort((a, c) => c[1].us - a[1].us)) {
    console.log(`${op.padEnd(14)} ${(o.us / runs).toFixed(0).padStart(7)} µs/run  ${String(o.n / runs).padStart(4)} nodes  ${(o.us / o.n).toFixed(1).padStart(7)} µs/node`);
  }
  s.dispose();
}

const [mode, what, extra] = process.argv.slice(2);
if (mode === 'js') loopJs(what, Number(extra ?? 5));
else if (mode === 'summary') summary(what);
else if (mode === 'ort') ortProfile(what);
else console.log('usage: profile.js js WORKLOAD [seconds] | summary FILE.cpuprofile | ort WORKLOAD');
