/**
 * Smoke test of `npm run bench`: the quick mode (small sizes, one or two samples) runs every
 * workload and contender and writes a well-formed results file. Nothing is asserted about time;
 * the outputs of every contender must agree with tensorjit's compiled result.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'bench', 'main.js');

describe('bench (quick mode)', function () {
  this.timeout(180000);
  const out = path.join(os.tmpdir(), `tensorjit-bench-quick-${process.pid}.json`);
  let results: any;

  before(function () {
    assert.ok(fs.existsSync(MAIN), `${MAIN} is missing: build with \`npm run build\``);
    const r = spawnSync(process.execPath, ['--expose-gc', MAIN, '--quick', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 170000 });
    assert.strictEqual(r.status, 0, `bench --quick failed (${r.signal ?? r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    results = JSON.parse(fs.readFileSync(out, 'utf8'));
  });

  after(() => { try { fs.unlinkSync(out); } catch { /* not written */ } });

  it('writes the machine, the versions of every peer, the harness settings and the references', () => {
    assert.strictEqual(results.schema, 'tensorjit-bench/1');
    assert.strictEqual(results.quick, true);
    assert.ok(!Number.isNaN(Date.parse(results.date)));
    assert.ok(results.machine.cores >= 1 && typeof results.machine.cpu === 'string' && results.machine.node === process.version);
    for (const p of ['onnxruntime-node', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@jax-js/jax']) {
      assert.match(String(results.versions[p]), /^\d+\.\d+\.\d+/, `version of ${p}`);
    }
    for (const k of ['memoryBandwidthGBs', 'cacheBandwidthGBs', 'matmulGflops1Thread', 'matmulGflopsAllThreads']) {
      assert.ok(results.references[k] > 0, k);
    }
  });

  it('runs workloads (1)–(10), every contender without error, with medians, samples and ratios', () => {
    const numbers = new Set<number>(results.workloads.map((w: any) => w.number));
    assert.deepStrictEqual([...numbers].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const w of results.workloads) {
      const where = `(${w.number}) ${w.title}${w.case ? ' ' + w.case : ''}`;
      assert.ok(w.contenders.length >= 4, `${where}: contenders`);
      assert.strictEqual(w.contenders[0].name, w.baseline, `${where}: the baseline comes first`);
      assert.ok(w.reference && typeof w.reference.what === 'string', `${where}: physical reference`);
      for (const c of w.contenders) {
        assert.strictEqual(c.error, undefined, `${where}: ${c.name} failed: ${c.error}`);
        assert.ok(['tensorjit', 'peer', 'reference'].includes(c.kind), `${where}: ${c.name} kind`);
        assert.ok(c.medianMs > 0 && Number.isFinite(c.medianMs), `${where}: ${c.name} median`);
        assert.ok(c.samples >= 1 && c.inner >= 1 && c.timesMs.length === c.samples, `${where}: ${c.name} samples`);
        assert.ok(c.ratioToBaseline > 0, `${where}: ${c.name} ratio`);
        if (c.kind === 'peer') assert.match(String(c.version), /^\d+\.\d+\.\d+/, `${where}: ${c.name} version`);
      }
    }
    assert.ok(results.workloads.some((w: any) => w.contenders.some((c: any) => c.name.startsWith('TensorFlow.js wasm'))));
    assert.ok(results.workloads.some((w: any) => w.contenders.some((c: any) => c.name.startsWith('jax-js'))));
  });

  it('every contender computes the same values as tensorjit compiled', () => {
    for (const w of results.workloads) {
      for (const c of w.contenders) {
        if (c.maxAbsDiff === undefined) continue;
        assert.ok(typeof c.maxAbsDiff === 'number' && c.maxAbsDiff < 1e-4, `(${w.number}) ${w.case ?? ''} ${c.name}: max abs. difference ${c.maxAbsDiff}`);
      }
    }
  });
});
