/**
 * Fixture harness: compiles the fixture projects (fixtures/cases, fixtures/legacy) with a real
 * Program and the tensorjit transformer, for TypeScript 5.9 and 6.0, and formats what comes out
 * (emitted JS and diagnostics) the way the golden files beside each fixture store it.
 *
 * Refresh the goldens with `npm run fixtures:update` (UPDATE_FIXTURES=1; never interactive).
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import { createTransformer } from 'tensorjit/transformer';

export type TS = typeof ts;

function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    const pj = path.join(d, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'tensorjit') return d;
    if (path.dirname(d) === d) throw new Error(`no tensorjit package.json above ${dir}`);
  }
}

export const ROOT = findRoot(__dirname);
export const FIXTURES = path.join(ROOT, 'fixtures');
export const UPDATE = process.env.UPDATE_FIXTURES === '1';

export const TS_VERSIONS = ['5.9', '6.0'] as const;
export type TsVersion = (typeof TS_VERSIONS)[number];

export function loadTs(v: TsVersion): TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return v === '6.0' ? require('typescript6') : require('typescript');
}

export interface Group {
  readonly name: string;
  readonly dir: string;
  readonly tsconfig: string;
  /** The fixture inputs (absolute paths), sorted. */
  readonly cases: string[];
}

const CASE_RE = /^[a-z0-9_]+\.m?ts$/;

export function groups(): Group[] {
  return ['cases', 'legacy'].map((name) => {
    const dir = path.join(FIXTURES, name);
    const cases = fs.readdirSync(dir).filter((f) => CASE_RE.test(f)).sort().map((f) => path.join(dir, f));
    return { name, dir, tsconfig: path.join(dir, 'tsconfig.json'), cases };
  });
}

export function allCases(): { group: Group; file: string }[] {
  return groups().flatMap((g) => g.cases.map((file) => ({ group: g, file })));
}

export interface Compiled {
  readonly t: TS;
  readonly program: ts.Program;
  /** Emitted files by absolute path. */
  readonly outputs: Map<string, string>;
  /** What the transformer reported through addDiagnostic. */
  readonly transformerDiagnostics: ts.Diagnostic[];
  readonly outDir: string;
}

export interface CompileOptions {
  /** Write to this directory on disk (for running); otherwise in memory under dist/fixtures-mem. */
  readonly outDir?: string;
  readonly sourceMap?: boolean;
  readonly declaration?: boolean;
  /** Apply the transformer twice in a row (idempotence). */
  readonly twice?: boolean;
  readonly write?: boolean;
}

export function parseConfig(t: TS, tsconfig: string, overrides: ts.CompilerOptions = {}): ts.ParsedCommandLine {
  const errors: ts.Diagnostic[] = [];
  const parsed = t.getParsedCommandLineOfConfigFile(tsconfig, overrides, {
    ...t.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => errors.push(d),
  });
  if (!parsed || errors.length || parsed.errors.length) {
    const all = [...errors, ...(parsed?.errors ?? [])];
    throw new Error(`cannot read ${tsconfig}: ${all.map((d) => t.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`);
  }
  return parsed;
}

const cache = new Map<string, Compiled>();

export function compileGroup(t: TS, group: Group, opts: CompileOptions = {}): Compiled {
  const key = `${t.version}|${group.name}|${JSON.stringify(opts)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const outDir = opts.outDir ?? path.join(ROOT, 'dist', 'fixtures-mem', group.name);
  const parsed = parseConfig(t, group.tsconfig, {
    noEmit: false, outDir, rootDir: group.dir, sourceMap: !!opts.sourceMap, declaration: !!opts.declaration, declarationMap: false,
  });
  const program = t.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const outputs = new Map<string, string>();
  const transformerDiagnostics: ts.Diagnostic[] = [];
  const first = createTransformer(program, { addDiagnostic: (d) => transformerDiagnostics.push(d) }, t);
  const before = opts.twice ? [first, createTransformer(program, {}, t)] : [first];
  const result = program.emit(undefined, (name, text) => {
    outputs.set(path.resolve(name), text);
    if (opts.write) {
      fs.mkdirSync(path.dirname(name), { recursive: true });
      fs.writeFileSync(name, text);
    }
  }, undefined, false, { before });
  if (result.emitSkipped) throw new Error(`emit skipped for ${group.name} with TypeScript ${t.version}`);
  const c: Compiled = { t, program, outputs, transformerDiagnostics, outDir };
  cache.set(key, c);
  return c;
}

/** The emitted JS of one fixture, without TypeScript's module helpers and the source-map comment. */
export function emittedJs(c: Compiled, group: Group, file: string): string {
  const rel = path.relative(group.dir, file).replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs');
  const text = c.outputs.get(path.resolve(c.outDir, rel));
  if (text === undefined) throw new Error(`no output for ${file} (have: ${[...c.outputs.keys()].join(', ')})`);
  return normaliseJs(text);
}

/** Drops TypeScript's emit helpers (`var __importStar = …`), which differ between versions, and the map comment. */
export function normaliseJs(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let inHelper = false;
  for (const line of lines) {
    if (!inHelper && /^var __\w+ = \(this && this\.__\w+\) \|\|/.test(line)) { inHelper = !/;\s*$/.test(line); continue; }
    if (inHelper) {
      if (/^\}.*;\s*$/.test(line)) inHelper = false;
      continue;
    }
    if (line.startsWith('//# sourceMappingURL=')) continue;
    out.push(line);
  }
  return out.join('\n').trimEnd() + '\n';
}

function lineCol(sf: ts.SourceFile, pos: number): string {
  const { line, character } = sf.getLineAndCharacterOfPosition(pos);
  return `(${line + 1},${character + 1})`;
}

/** One line per diagnostic, `(line,col): error TS93005: message`, related sites indented below. */
export function formatFixtureDiagnostics(t: TS, diags: readonly ts.Diagnostic[]): string {
  const sorted = diags.slice().sort((a, b) => (a.start ?? 0) - (b.start ?? 0) || a.code - b.code);
  const lines: string[] = [];
  for (const d of sorted) {
    const cat = t.DiagnosticCategory[d.category].toLowerCase();
    const where = d.file && d.start !== undefined ? lineCol(d.file, d.start) : '(global)';
    lines.push(`${where}: ${cat} TS${d.code}: ${t.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    for (const r of d.relatedInformation ?? []) {
      const rw = r.file && r.start !== undefined ? `${r.file === d.file ? '' : path.basename(r.file.fileName)}${lineCol(r.file, r.start)}` : '';
      lines.push(`    ${rw}: ${t.flattenDiagnosticMessageText(r.messageText, '\n')}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '(no diagnostics)\n';
}

/** TypeScript's own diagnostics for a file plus the transformer's, as stored in `<case>.expected.txt`. */
export function fixtureDiagnostics(c: Compiled, file: string): string {
  const sf = c.program.getSourceFile(file);
  if (!sf) throw new Error(`${file} is not in the program`);
  const own = [...c.program.getSyntacticDiagnostics(sf), ...c.program.getSemanticDiagnostics(sf)];
  const ours = c.transformerDiagnostics.filter((d) => d.file && path.resolve(d.file.fileName) === path.resolve(file));
  return formatFixtureDiagnostics(c.t, [...own, ...ours]);
}

export function goldenPaths(file: string): { js: string; diagnostics: string } {
  const base = file.replace(/\.m?ts$/, '');
  return { js: `${base}.expected.${file.endsWith('.mts') ? 'mjs' : 'js'}`, diagnostics: `${base}.expected.txt` };
}

/** Compares with a golden file, or (UPDATE_FIXTURES=1) writes it. Returns an error text or undefined. */
export function checkGolden(goldenFile: string, actual: string): string | undefined {
  if (UPDATE) {
    if (!fs.existsSync(goldenFile) || fs.readFileSync(goldenFile, 'utf8') !== actual) fs.writeFileSync(goldenFile, actual);
    return undefined;
  }
  if (!fs.existsSync(goldenFile)) return `missing golden ${path.relative(ROOT, goldenFile)} (run npm run fixtures:update)`;
  const expected = fs.readFileSync(goldenFile, 'utf8');
  if (expected === actual) return undefined;
  return `${path.relative(ROOT, goldenFile)} differs (refresh with npm run fixtures:update):\n${diffText(expected, actual)}`;
}

/** A small line diff for messages (first differing region with context). */
export function diffText(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let ea = a.length - 1, eb = b.length - 1;
  while (ea > i && eb > i && a[ea] === b[eb]) { ea--; eb--; }
  const ctx = (x: string[], from: number, to: number, mark: string) => x.slice(from, to + 1).map((l) => `${mark} ${l}`).join('\n');
  return `@@ line ${i + 1}\n${ctx(a, i, Math.min(ea, i + 30), '-')}\n${ctx(b, i, Math.min(eb, i + 30), '+')}`;
}
