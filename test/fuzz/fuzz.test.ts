/**
 * The property-based differential suite in `npm test`: a fixed-seed slice of random programs
 * (eager = compiled first call = compiled cached call, op by op), every registry primitive
 * reached, and the op × dtype kernel table (every op has an onnxruntime kernel for every dtype).
 * The long run is `npm run fuzz` (test/fuzz/main.ts).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { fuzz, failureText, kernelTable, kernelTableText, uncoveredPrimitives } from './harness';
import { numpyAvailable } from './oracle';

const SEED = 20261201;
const RUNS = Number(process.env.FUZZ_TEST_RUNS ?? 300);

describe('property: eager = compiled on random programs (fixed seed)', function () {
  this.timeout(600000);
  const covered = new Set<string>();

  it(`${RUNS} random programs of 1–8 ops agree (seed ${SEED})`, () => {
    const r = fuzz({ runs: RUNS, seed: SEED, maxOps: 8 });
    r.covered.forEach((p) => covered.add(p));
    if (r.failure) assert.fail(failureText(r));
    assert.strictEqual(r.agreed, RUNS);
  });

  it('the slice reaches every registry primitive in a compiled graph', () => {
    assert.deepStrictEqual(uncoveredPrimitives(covered), [], 'primitives no fuzzed program compiled: add a generator to test/fuzz/ops.ts');
  });

  it('NumPy oracle agrees on a batch (skipped without python3 + numpy)', function () {
    if (!numpyAvailable()) this.skip();
    const r = fuzz({ runs: 60, seed: SEED + 1, maxOps: 6, numpy: true });
    if (r.failure) assert.fail(failureText(r));
    assert.ok(r.numpy, 'oracle ran');
    assert.deepStrictEqual(r.numpy!.disagreements.slice(0, 3), [], `NumPy disagrees:\n${r.numpy!.disagreements.slice(0, 3).join('\n\n')}`);
    assert.ok(r.numpy!.compared > 0);
  });
});

describe('op × dtype kernel table: every op compiles and runs on onnxruntime for every dtype', function () {
  this.timeout(300000);
  it('all cells run and agree with eager', () => {
    const cells = kernelTable();
    const text = kernelTableText(cells);
    const out = path.join(__dirname, '..', '..', 'fuzz-kernel-table.md');
    fs.writeFileSync(out, text + '\n');
    const bad = cells.filter((c) => !c.ok);
    assert.deepStrictEqual(bad.map((c) => `${c.op} ${c.dtype}: ${c.error}`), [], `kernel table (also in ${out}):\n${text}`);
  });
});
