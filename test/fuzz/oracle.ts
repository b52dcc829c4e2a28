/**
 * Optional NumPy oracle: the ops of fuzzed programs (with their eager operands and results,
 * already equal to the compiled ones) are serialised as JSON and recomputed by one python3
 * process per batch (test/fuzz/numpy_oracle.py), which broadcasts by name like tensorjit and
 * follows the same documented rules. Skipped cleanly when python3 with NumPy is not available.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as fs from 'fs';
import { Tensor } from 'tensorjit';
import { inputTensor, programArgs, programFunction, withPrecision, type Program } from './program';

export interface OracleResult { compared: number; skipped: number; disagreements: string[] }

let available: boolean | undefined;

/** True when `python3 -c "import numpy"` works (checked once). */
export function numpyAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8', timeout: 30000 });
    available = r.status === 0;
  }
  return available;
}

function script(): string {
  // the .py file stays in the source tree (test/fuzz); dist/test/fuzz is two levels below the root
  for (const p of [path.join(__dirname, 'numpy_oracle.py'), path.join(__dirname, '..', '..', '..', 'test', 'fuzz', 'numpy_oracle.py')]) {
    if (fs.existsSync(p)) return p;
  }
  throw new Error('numpy_oracle.py not found next to test/fuzz/oracle.ts');
}

function num(v: number): number | string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return v;
}

function serial(t: Tensor): object {
  const data = Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? String(v) : t.dtype === 'bool' ? v !== 0 : num(v)));
  return { names: t.shape.names, kinds: t.shape.dims.map((d) => d.kind), sizes: t.shape.sizes, dtype: t.dtype, data };
}

/** Compares every op of the programs with NumPy (one python3 process for the batch). */
export function numpyOracle(progs: readonly Program[]): OracleResult {
  const records: object[] = [];
  for (const prog of progs) {
    withPrecision(prog.precision, () => {
      const vals = programArgs(prog).slice(0, prog.inputs.length) as Tensor[];
      const outs = programFunction(prog)(...programArgs(prog));
      const all = [...vals, ...outs];
      prog.ops.forEach((node, i) => {
        const args = node.args.map((a) => ('v' in a ? serial(all[a.v]) : 'lit' in a ? serial(inputTensor(a.lit)) : 'num' in a ? { num: num(a.num) } : 'big' in a ? { big: a.big } : { n: true }));
        records.push({ op: node.op, params: node.params, args, out: serial(outs[i]), n: prog.n === undefined ? undefined : num(prog.n), precision: prog.precision ?? 32 });
      });
    });
  }
  const r = spawnSync('python3', [script()], { input: JSON.stringify(records), encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600000 });
  if (r.status !== 0) throw new Error(`numpy oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleResult;
}
