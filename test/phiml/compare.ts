/**
 * Measures tensorjit against the real ΦML: runs every expression of `corpus.ts` in ΦML (Python,
 * NumPy backend) and in tensorjit, eagerly and compiled (the expression inside a jit function with
 * no arguments, so its tensors are graph constants), and counts identical printed texts.
 *
 *   npm run build && node dist/test/phiml/compare.js [--phiml /work/phiml] [--verbose]
 *
 * Needs python3 with ΦML importable from the `--phiml` directory (env PHIML_PATH); not part of
 * `npm test`. An error on both sides counts as a match.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tj from 'tensorjit';
import { CORPUS, type Env } from './corpus';

const args = process.argv.slice(2);
const phimlDir = args.includes('--phiml') ? args[args.indexOf('--phiml') + 1] : process.env.PHIML_PATH ?? '/work/phiml';
const verbose = args.includes('--verbose');

const PY_PRELUDE = `
import json, sys, warnings
warnings.filterwarnings('ignore')
import numpy as np
from phiml import math
from phiml.math import spatial, batch, channel, instance, dual, vec
x = math.tensor([1., 2, 3], spatial('x'))
y = math.tensor([10., 20], spatial('y'))
b = math.tensor([100., 200], batch('b'))
v = math.tensor([1., 2], channel(vector='u,v'))
i3 = math.tensor([1, 2, 3], spatial('x'))
m = math.tensor([[1., 2], [3, 4]], channel('out'), channel('in'))
xb2 = math.tensor([[1., 0], [0, 1], [1, 1]], batch('b'), channel('in'))
out = []
for expr, prec in json.load(sys.stdin):
    try:
        with math.precision(prec):
            out.append(str(eval(expr)))
    except Exception as e:
        out.append('ERROR ' + type(e).__name__)
print(json.dumps(out))
`;

function runPython(): string[] {
  const file = path.join(os.tmpdir(), `tensorjit-phiml-${process.pid}.py`);
  fs.writeFileSync(file, PY_PRELUDE);
  try {
    const input = JSON.stringify(CORPUS.map((c) => [c.py, c.precision ?? 32]));
    const out = execFileSync('python3', [file], { cwd: phimlDir, env: { ...process.env, PYTHONPATH: phimlDir }, input, encoding: 'utf8', maxBuffer: 1 << 26 });
    return JSON.parse(out.trim().split('\n').pop()!);
  } finally {
    fs.unlinkSync(file);
  }
}

function env(): Env {
  const { math, spatial, batch, channel, instance, dual, vec } = tj as any;
  return {
    math, spatial, batch, channel, instance, dual, vec,
    x: math.tensor([1, 2, 3], spatial('x')),
    y: math.tensor([10, 20], spatial('y')),
    b: math.tensor([100, 200], batch('b')),
    v: math.tensor([1, 2], channel({ vector: 'u,v' })),
    i3: math.tensor([1n, 2n, 3n], spatial('x')),
    m: math.tensor([[1, 2], [3, 4]], channel('out'), channel('in')),
    xb2: math.tensor([[1, 0], [0, 1], [1, 1]], batch('b'), channel('in')),
  };
}

function withPrecision<T>(bits: 32 | 64 | undefined, fn: () => T): T {
  const m = tj.math as any;
  if (bits === 64) {
    if (typeof m.precision !== 'function') throw new Error('no math.precision');
    return m.precision(64, fn);
  }
  return fn();
}

function text(fn: () => unknown): string {
  try {
    return String(fn());
  } catch (e) {
    return 'ERROR ' + ((e as Error).name ?? 'Error');
  }
}

function main(): void {
  process.removeAllListeners('warning');
  process.on('warning', () => {});
  const expected = runPython();
  let eager = 0, compiled = 0;
  const misses: string[] = [];
  CORPUS.forEach((c, k) => {
    const e = env();
    const want = expected[k];
    // printed inside the precision too: ΦML prints no dtype for floats of the global precision
    const got = text(() => withPrecision(c.precision, () => String(c.ts(e))));
    const gotJit = text(() => withPrecision(c.precision, () => String(tj.math.jitCompile(function corpusCase() { return c.ts(e); })())));
    const same = (a: string) => a === want || (a.startsWith('ERROR') && want.startsWith('ERROR'));
    if (same(got)) eager++;
    if (same(gotJit)) compiled++;
    if (!same(got) || !same(gotJit) || verbose) {
      misses.push(`${same(got) ? ' ' : 'E'}${same(gotJit) ? ' ' : 'C'} ${c.py}${c.precision ? '  [precision 64]' : ''}\n     ΦML:      ${want}\n     eager:    ${got}\n     compiled: ${gotJit}`);
    }
  });
  console.log(misses.join('\n'));
  console.log(`\nΦML corpus: ${CORPUS.length} expressions; eager ${eager}/${CORPUS.length} match, compiled ${compiled}/${CORPUS.length} match`);
}

main();
