/**
 * `tensorjit/transformer`: the ts-patch / ttypescript-style transformer, plus the programmatic API
 * the other hosts and the tests use.
 *
 * tsconfig.json:
 * ```json
 * "plugins": [
 *   { "transform": "tensorjit/transformer" },                            // rewrite + diagnostics at emit
 *   { "transform": "tensorjit/transformer", "transformProgram": true },  // diagnostics also with --noEmit / --watch
 *   { "name": "tensorjit/language-service" }                             // editors
 * ]
 * ```
 * The default export serves both ts-patch entry kinds: called as a program transformer
 * (`(program, host, config, { ts })`, config.transformProgram true) it adds tensorjit's
 * diagnostics to `program.getSemanticDiagnostics`; called as a source transformer
 * (`(program, config, extras)`) it returns the `before` transformer that rewrites jit functions.
 */
import type * as ts from 'typescript';
import type { TS } from './analysis/model';
import { analyzeSourceFile, analyzeProgram } from './analysis/analyze';
import { rewriteFile, alreadyTransformed } from './transform/emit';

export { analyzeSourceFile, analyzeProgram, isAnalysable } from './analysis/analyze';
export { allRules, rules, formatOne, SOURCE, type Rule } from './analysis/rules';
export type { FileAnalysis, JitRoot, Plan, Fix, FixEdit, TS } from './analysis/model';
export { VERSION } from './version';

export interface TransformerOptions {
  /** Called with each tensorjit diagnostic of a transformed file (ts-patch's addDiagnostic). */
  readonly addDiagnostic?: (d: ts.Diagnostic) => void;
}

/** Programs whose getSemanticDiagnostics already include tensorjit's (program-transformer mode). */
const withSemanticDiagnostics = new WeakSet<ts.Program>();

function hostTs(t: TS | undefined): TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return checkCompilerApi(t ?? (require('typescript') as TS));
}

/**
 * The host's TypeScript must have the compiler API (TypeScript 5.x / 6.0). TypeScript 7's native
 * compiler exports a version stub without it: say so instead of failing deep inside a transform.
 */
export function checkCompilerApi(t: TS): TS {
  const m = t as Partial<TS> | undefined;
  if (m && typeof m.createProgram === 'function' && typeof m.factory?.createCallExpression === 'function' &&
      typeof m.visitEachChild === 'function' && m.SyntaxKind && typeof m.SyntaxKind.IfStatement === 'number') return t;
  const version = (m as { version?: string } | undefined)?.version ?? 'unknown';
  throw new Error(
    `tensorjit/transformer: the TypeScript in use (version ${version}) has no compiler API (TypeScript 7's native compiler has none), ` +
      'so tensorjit cannot analyse or rewrite jit functions with it. Build with TypeScript 5.x or 6.0 and ts-patch 3.3 ' +
      "(e.g. npm install --save-dev typescript@~5.9, or typescript@npm:@typescript/typescript6 for tspc while your editor uses 7), and run 'tensorjit check' in CI.");
}

/**
 * The `before` transformer for a program (also usable directly: `program.emit(…, { before: [createTransformer(program)] })`,
 * or from webpack's ts-loader `getCustomTransformers: (program) => ({ before: [createTransformer(program)] })`).
 */
export function createTransformer(program: ts.Program, options: TransformerOptions = {}, t?: TS): ts.TransformerFactory<ts.SourceFile> {
  const tsm = hostTs(t);
  const reported = new Set<ts.SourceFile>();
  return (context) => (sf) => {
    if (alreadyTransformed(tsm, sf)) return sf;
    const original = tsm.getOriginalNode(sf, tsm.isSourceFile) ?? sf;
    const file = program.getSourceFile(original.fileName) ?? original;
    const analysis = analyzeSourceFile(tsm, program, file);
    if (options.addDiagnostic && !reported.has(file)) {
      reported.add(file);
      for (const d of analysis.diagnostics) options.addDiagnostic(d);
    }
    return rewriteFile(tsm, context, sf, analysis, program.getCurrentDirectory());
  };
}

/**
 * Makes the program's semantic diagnostics include tensorjit's (idempotent): the public
 * `getSemanticDiagnostics` (tsc, fork-ts-checker, …) and the per-file `getBindAndCheckDiagnostics`
 * that builder programs (--watch, --incremental, tsc -b) call instead, when the host's TypeScript has it.
 */
export function addSemanticDiagnostics(program: ts.Program, t?: TS): ts.Program {
  if (withSemanticDiagnostics.has(program)) return program;
  const tsm = hostTs(t);
  const original = program.getSemanticDiagnostics;
  program.getSemanticDiagnostics = function (sourceFile?: ts.SourceFile, token?: ts.CancellationToken): readonly ts.Diagnostic[] {
    const base = original.call(program, sourceFile, token);
    const ours = sourceFile ? analyzeSourceFile(tsm, program, sourceFile).diagnostics : analyzeProgram(tsm, program).flatMap((a) => a.diagnostics);
    return ours.length ? [...base, ...ours] : base;
  };
  const internal = program as ts.Program & { getBindAndCheckDiagnostics?: (sf: ts.SourceFile, token?: ts.CancellationToken) => readonly ts.Diagnostic[] };
  const bindAndCheck = internal.getBindAndCheckDiagnostics;
  if (typeof bindAndCheck === 'function') {
    internal.getBindAndCheckDiagnostics = function (sourceFile: ts.SourceFile, token?: ts.CancellationToken): readonly ts.Diagnostic[] {
      const base = bindAndCheck.call(program, sourceFile, token);
      const ours = analyzeSourceFile(tsm, program, sourceFile).diagnostics;
      return ours.length ? [...base, ...ours] : base;
    };
  }
  withSemanticDiagnostics.add(program);
  return program;
}

interface TspExtras {
  readonly ts?: TS;
  readonly addDiagnostic?: (d: ts.Diagnostic) => number;
}

/** ts-patch entry (see the module comment). */
export default function tensorjitTransformer(program: ts.Program, a?: unknown, b?: unknown, c?: unknown):
    ts.Program | { before: ts.TransformerFactory<ts.SourceFile>[] } {
  const config = b as { transformProgram?: boolean } | undefined;
  if (config && typeof config === 'object' && config.transformProgram === true) {
    return addSemanticDiagnostics(program, (c as TspExtras | undefined)?.ts);
  }
  const extras = b as TspExtras | undefined;
  const t = extras?.ts && checkCompilerApi(extras.ts);
  const addDiagnostic = extras?.addDiagnostic && !withSemanticDiagnostics.has(program)
    ? (d: ts.Diagnostic) => { extras.addDiagnostic!(d); }
    : undefined;
  return { before: [createTransformer(program, { addDiagnostic }, t)] };
}
export { codeFixes, FIX_NAME } from './language-service/fixes';
export { main as runCli, formatPlain } from './cli/main';
