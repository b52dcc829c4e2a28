/**
 * Runs the property (eager = compiled = cached, op by op) over many random programs with
 * fast-check, shrinking a failure to a minimal program printed as TS code; and the op × dtype
 * kernel table. Shared by the fixed-seed slice in `npm test` and the long run (`npm run fuzz`).
 */
import * as fc from 'fast-check';
import { math, spatial, type DType } from 'tensorjit';
import { primitives } from 'tensorjit/internal';
import { buildProgram, choicesArbitrary, programCode, runProgram, ERROR_PATH, type Program } from './program';
import { OPS, type GenContext, type OpNode } from './ops';
import { numpyOracle, type OracleResult } from './oracle';

export interface FuzzOptions {
  runs: number;
  seed: number;
  maxOps: number;
  /** Also compare with NumPy (when python3 + numpy are available). */
  numpy?: boolean;
  /** Called before each program runs (the long run records it: a native crash leaves it behind). */
  beforeProgram?: (prog: Program) => void;
  /** Called for each program run (progress). */
  onProgram?: (prog: Program, ok: boolean) => void;
}

export interface FuzzReport {
  programs: number;
  agreed: number;
  ops: number;
  covered: Set<string>;
  numpy?: OracleResult;
  failure?: { message: string; code: string; seed: number; path?: string };
}

/** Primitives the fuzzer does not compare by value, with the reason. */
export const NOT_FUZZED: Record<string, string> = {
  random: 'eager and onnxruntime draw from different generators by design (shapes/dtypes are checked in test/runtime)',
};

export function fuzz(opts: FuzzOptions): FuzzReport {
  const report: FuzzReport = { programs: 0, agreed: 0, ops: 0, covered: new Set() };
  const batch: Program[] = [];
  let lastMessage = '';
  const result = fc.check(
    fc.property(choicesArbitrary(opts.maxOps), (ch) => {
      const prog = buildProgram(ch);
      opts.beforeProgram?.(prog);
      const out = runProgram(prog);
      report.programs++;
      report.ops += prog.ops.length;
      out.prims.forEach((p) => report.covered.add(p));
      if (out.ok) {
        report.agreed++;
        // (programs that end in an expected error have no values for NumPy to recompute)
        if (opts.numpy && batch.length < 5000 && !out.prims.includes(ERROR_PATH)) batch.push(prog);
      }
      opts.onProgram?.(prog, out.ok);
      lastMessage = out.message ?? '';
      return out.ok;
    }),
    { numRuns: opts.runs, seed: opts.seed, endOnFailure: false, verbose: 0 },
  );
  if (result.failed && result.counterexample) {
    const prog = buildProgram(result.counterexample[0]);
    const out = runProgram(prog);
    report.failure = { message: out.message ?? lastMessage, code: programCode(prog), seed: result.seed, path: result.counterexamplePath ?? undefined };
  }
  if (opts.numpy && batch.length) report.numpy = numpyOracle(batch);
  return report;
}

export function failureText(r: FuzzReport): string {
  const f = r.failure!;
  return `eager and compiled disagree (seed ${f.seed}, path ${f.path}; shrunk):\n${f.message}\n\nMinimal program:\n${f.code}\n`;
}

// ---------------------------------------------------------------- op × dtype kernel table

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

const SAMPLE: Record<DType, unknown> = {
  float32: Float32Array.of(1.5, -2, 0, 3, 0.25, 7),
  float64: Float64Array.of(1.5, -2, 0, 3, 0.25, 7),
  int32: Int32Array.of(1, -2, 0, 3, 5, 7),
  int64: BigInt64Array.of(1n, -2n, 0n, 3n, 5n, 7n),
  bool: Uint8Array.of(1, 0, 1, 1, 0, 1),
  complex64: null, // not an input dtype of the table (complex values are made inside the spectral op)
};

export interface KernelCell { op: string; dtype: DType; ok: boolean; na?: boolean; error?: string; prims: string[] }

/** Compiles and runs every op on one input of every dtype (cast: to every dtype). */
export function kernelTable(): KernelCell[] {
  const cells: KernelCell[] = [];
  for (const def of OPS) {
    const variants: { name: string; fix?: (n: OpNode) => OpNode }[] = def.name === 'cast'
      ? DTYPES.map((to) => ({ name: `cast→${to}`, fix: (n: OpNode) => ({ ...n, params: { dtype: to } }) }))
      : [{ name: def.name }];
    for (const v of variants) {
      for (const dtype of DTYPES) {
        const x = math.tensor(SAMPLE[dtype] as any, spatial({ x: 3, y: 2 }), { dtype });
        const ctx: GenContext = {
          values: [x], hasNumberArg: false, pick: () => 0, value: () => 0, compatible: () => 0,
          weak: () => ({ num: 2 }),
        };
        const node0 = def.gen(ctx);
        // the op does not take this dtype (e.g. a loop state that must keep its dtype): n/a
        if (!node0) { cells.push({ op: v.name, dtype, ok: true, na: true, prims: [] }); continue; }
        const node = v.fix ? v.fix(node0) : node0;
        const prog: Program = { inputs: [{ dims: [{ name: 'x', kind: 'spatial', size: 3 }, { name: 'y', kind: 'spatial', size: 2 }], dtype, values: Array.from(SAMPLE[dtype] as ArrayLike<number | bigint>, (u) => (dtype === 'int64' ? String(u) : dtype === 'bool' ? u === 1 : Number(u))) }], ops: [node] };
        const out = runProgram(prog);
        cells.push({ op: v.name, dtype, ok: out.ok, error: out.message, prims: [...out.prims] });
      }
    }
  }
  return cells;
}

export function kernelTableText(cells: readonly KernelCell[]): string {
  const ops = [...new Set(cells.map((c) => c.op))];
  const lines = [`| op (primitives) | ${DTYPES.join(' | ')} |`, `|---|${DTYPES.map(() => '---').join('|')}|`];
  for (const op of ops) {
    const row = cells.filter((c) => c.op === op);
    const prims = [...new Set(row.flatMap((c) => c.prims))].sort().join(', ');
    lines.push(`| ${op} (${prims}) | ${DTYPES.map((d) => { const c = row.find((r) => r.dtype === d)!; return c.na ? 'n/a' : c.ok ? 'ok' : `FAIL: ${String(c.error).slice(0, 60).replace(/\|/g, '/')}`; }).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function uncoveredPrimitives(covered: ReadonlySet<string>): string[] {
  return [...primitives().keys()].filter((p) => !covered.has(p) && !(p in NOT_FUZZED));
}
