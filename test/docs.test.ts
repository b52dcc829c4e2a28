/**
 * Docs as tests: every ```ts block in docs/*.md and README.md runs, and the ```text block right after
 * it (only blank lines between) is its exact expected stdout.
 *
 * Conventions (the info string after ```ts):
 * - ```ts            compiled, type-checked and run; compared with the following ```text block, if any
 *                    (a block without one must just not throw).
 * - ```ts nocheck    as above, without the type check (for examples that show JS-only behaviour).
 * - ```ts norun      compiled and type-checked only (fragments that need files, devices, …).
 * - ```ts skip       not compiled at all (pseudo-code); reported as pending.
 * - ```ts diagnostics  compiled with the transformer; the following ```text block lists the tensorjit
 *                    diagnostics, one `error TS93xxx: message` line each, in source order.
 * Blocks that use `/** @jit *\/` or `@jit` are compiled with the project's transformer
 * (dist/transformer/transformer.js, through ts-patch's live compiler) when it has been built. Until
 * then, blocks with a `/** @jit *\/` comment (which only the transformer understands) are reported as
 * pending; blocks with `@jit` decorators only are compiled by TypeScript alone (standard decorators
 * run without the transformer, minus its control-flow conversion).
 *
 * Each block is transpiled to CommonJS on its own (`import … from 'tensorjit'` resolves to this
 * package by self-reference) and wrapped in its own function scope; all blocks of one file run in
 * one child `node` process, in order, separated by marker lines, so a file costs one process.
 * Blocks share process state (math.seed, jit caches): seed where results depend on it.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import { spawnSync } from 'child_process';
import * as ts from 'typescript';

function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    const pj = path.join(d, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'tensorjit') return d;
    if (path.dirname(d) === d) throw new Error(`docs.test: no tensorjit package.json above ${dir}`);
  }
}

const ROOT = findRoot(__dirname);
/** The built transformer (TENSORJIT_DOCS_TRANSFORMER overrides the path, to test this harness). */
const TRANSFORMER = process.env.TENSORJIT_DOCS_TRANSFORMER ?? path.join(ROOT, 'dist', 'transformer', 'transformer.js');
const OUT_DIR = path.join(ROOT, 'dist', 'docs-test');

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  flags: string[];
  code: string;
  /** Content of the ```text block that follows (without its final newline). */
  expected?: string;
  /** Compiled with the transformer when it is built. */
  usesTransformer: boolean;
  /** Cannot run without the transformer (a `/** @jit *\/` comment, or a diagnostics block). */
  needsTransformer: boolean;
}

/** Fenced code blocks of a markdown text; ts blocks get the text block that directly follows. */
export function parseMarkdown(md: string, file: string): DocBlock[] {
  const lines = md.split(/\r?\n/);
  const raw: { line: number; end: number; lang: string; flags: string[]; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j]);
    }
    raw.push({ line: i + 1, end: j + 1, lang: open[2].toLowerCase(), flags: open[3].split(/\s+/).filter(Boolean), code: body.join('\n') });
    i = j;
  }
  const blocks: DocBlock[] = [];
  raw.forEach((b, k) => {
    if (b.lang !== 'ts' && b.lang !== 'typescript') return;
    const next = raw[k + 1];
    const between = next ? lines.slice(b.end, next.line - 1) : [];
    const expected = next && next.lang === 'text' && between.every((l) => l.trim() === '') ? next.code : undefined;
    const jsdocJit = /\/\*\*(?:(?!\*\/)[\s\S])*@jit\b/.test(b.code);
    const needsTransformer = jsdocJit || b.flags.includes('diagnostics');
    blocks.push({ file, line: b.line, lang: b.lang, flags: b.flags, code: b.code, expected, needsTransformer, usesTransformer: needsTransformer || /@jit\b/.test(b.code) });
  });
  return blocks;
}

function docFiles(): string[] {
  const files: string[] = [];
  const docs = path.join(ROOT, 'docs');
  if (fs.existsSync(docs)) for (const f of fs.readdirSync(docs).sort()) if (f.endsWith('.md')) files.push(path.join(docs, f));
  const readme = path.join(ROOT, 'README.md');
  if (fs.existsSync(readme)) files.push(readme);
  return files;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  types: ['node'],
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  // every block is its own module, so blocks may declare the same names
  moduleDetection: ts.ModuleDetectionKind.Force,
};

/** Virtual file name of a block: inside the package, so that 'tensorjit' resolves by self-reference. */
function virtualName(b: DocBlock): string {
  const base = path.relative(ROOT, b.file).replace(/[^\w]/g, '_');
  return path.join(ROOT, 'docs', '.docs-test', `${base}_L${b.line}.ts`);
}

/** A compiler host that serves the blocks from memory and everything else from disk. */
function memoryHost(options: ts.CompilerOptions, files: Map<string, string>, out?: Map<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(path.resolve(f)) || fileExists(f);
  host.readFile = (f) => files.get(path.resolve(f)) ?? readFile(f);
  host.getSourceFile = (f, lang, onError) => {
    const text = files.get(path.resolve(f));
    return text !== undefined ? ts.createSourceFile(f, text, lang) : getSourceFile(f, lang, onError);
  };
  host.writeFile = (f, text) => out?.set(path.resolve(f), text);
  return host;
}

function formatDiagnostics(diags: readonly ts.Diagnostic[], blocks: Map<string, DocBlock>): string {
  return diags.map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return `TS${d.code}: ${msg}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const b = blocks.get(path.resolve(d.file.fileName));
    const where = b ? `${path.relative(ROOT, b.file)}:${b.line + 1 + line}:${character + 1}` : `${d.file.fileName}:${line + 1}`;
    return `${where} TS${d.code}: ${msg}`;
  }).join('\n');
}

/** Type errors of the checked blocks (one Program for all of them). */
function typeCheck(blocks: DocBlock[]): string {
  if (blocks.length === 0) return '';
  const files = new Map(blocks.map((b) => [path.resolve(virtualName(b)), b.code] as [string, string]));
  const byName = new Map(blocks.map((b) => [path.resolve(virtualName(b)), b] as [string, DocBlock]));
  const program = ts.createProgram([...files.keys()], COMPILER_OPTIONS, memoryHost(COMPILER_OPTIONS, files));
  const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.has(path.resolve(d.file.fileName)));
  return formatDiagnostics(diags, byName);
}

/** The transformer, through ts-patch's live compiler: emitted JS and tensorjit diagnostics per block. */
function compileWithTransformer(blocks: DocBlock[]): Map<DocBlock, { js?: string; diagnostics: string[] }> {
  const result = new Map<DocBlock, { js?: string; diagnostics: string[] }>();
  if (blocks.length === 0) return result;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tsp: typeof ts = require('ts-patch/compiler');
  const options: ts.CompilerOptions = {
    ...COMPILER_OPTIONS, noEmit: false, module: tsp.ModuleKind.Node16, moduleResolution: tsp.ModuleResolutionKind.Node16,
    outDir: path.join(OUT_DIR, 'transformed'), rootDir: ROOT, declaration: false, sourceMap: false,
    plugins: [{ transform: TRANSFORMER } as any],
  };
  const files = new Map(blocks.map((b) => [path.resolve(virtualName(b)), b.code] as [string, string]));
  const out = new Map<string, string>();
  const host = memoryHost(options, files, out);
  const program = tsp.createProgram([...files.keys()], options, host);
  const emit = program.emit();
  const all = [...tsp.getPreEmitDiagnostics(program), ...emit.diagnostics];
  for (const b of blocks) {
    const name = path.resolve(virtualName(b));
    const diags = all
      .filter((d) => d.file && path.resolve(d.file.fileName) === name && d.code >= 93000 && d.code < 94000)
      .sort((p, q) => (p.start ?? 0) - (q.start ?? 0))
      .map((d) => `${tsp.DiagnosticCategory[d.category].toLowerCase()} TS${d.code}: ${tsp.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    const jsName = path.join(options.outDir!, path.relative(ROOT, name)).replace(/\.ts$/, '.js');
    result.set(b, { js: out.get(path.resolve(jsName)), diagnostics: diags });
  }
  return result;
}

function transpile(b: DocBlock): string {
  const r = ts.transpileModule(b.code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: virtualName(b),
    reportDiagnostics: true,
  });
  if (r.diagnostics?.length) throw new Error(`${path.relative(ROOT, b.file)}:${b.line}: does not compile:\n${formatDiagnostics(r.diagnostics, new Map())}`);
  return r.outputText;
}

interface RunResult { outputs: Map<number, string>; errors: Map<number, string>; stderr: string; status: number | null }

/** Runs the blocks in one child process; each block's stdout is cut out between marker lines. */
function runBlocks(name: string, jsBlocks: { index: number; js: string }[]): RunResult {
  const nonce = crypto.randomBytes(6).toString('hex');
  const mark = `@@tensorjit-docs-${nonce}@@`;
  const fns = jsBlocks.map((b) => `  [${b.index}, async function (require, exports, module) {\n${b.js}\n  }],`).join('\n');
  const runner = `'use strict';
const __blocks = [
${fns}
];
(async () => {
  for (const [i, fn] of __blocks) {
    process.stdout.write('\\n${mark} start ' + i + '\\n');
    try { const m = { exports: {} }; await fn(require, m.exports, m); }
    catch (e) { process.stdout.write('\\n${mark} error ' + i + ' ' + JSON.stringify(String(e && e.stack || e)) + '\\n'); }
  }
  process.stdout.write('\\n${mark} end\\n');
})();
`;
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${name}.runner.js`);
  fs.writeFileSync(file, runner);
  const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const outputs = new Map<number, string>(), errors = new Map<number, string>();
  const stdout = r.stdout ?? '';
  const re = new RegExp(`\\n${mark} (start (\\d+)|error (\\d+) (.*)|end)\\n`, 'g');
  let current = -1, from = 0, m: RegExpExecArray | null;
  while ((m = re.exec(stdout))) {
    if (current >= 0 && !outputs.has(current)) outputs.set(current, stdout.slice(from, m.index));
    if (m[2] !== undefined) current = Number(m[2]);
    else if (m[3] !== undefined) { errors.set(Number(m[3]), JSON.parse(m[4])); }
    else current = -1;
    from = re.lastIndex;
  }
  if (current >= 0 && !outputs.has(current)) outputs.set(current, stdout.slice(from));
  return { outputs, errors, stderr: r.stderr ?? '', status: r.status };
}

const files = docFiles();
const transformerBuilt = fs.existsSync(TRANSFORMER);
const PENDING_TRANSFORMER = 'pending: needs the tensorjit transformer (dist/transformer/transformer.js is not built yet)';

describe('docs as tests', () => {
  if (files.length === 0) it('no docs/*.md or README.md yet');
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    const blocks = parseMarkdown(fs.readFileSync(file, 'utf8'), file);
    if (blocks.length === 0) continue;
    describe(rel, function () {
      this.timeout(180000);
      let run: RunResult | undefined;
      let compileErrors = new Map<DocBlock, string>();
      let transformed = new Map<DocBlock, { js?: string; diagnostics: string[] }>();
      const skipped = (b: DocBlock) => b.flags.includes('skip') || (b.needsTransformer && !transformerBuilt);
      const transform = (b: DocBlock) => b.usesTransformer && transformerBuilt;
      const runnable = blocks.filter((b) => !skipped(b) && !b.flags.includes('norun') && !b.flags.includes('diagnostics'));

      before(function () {
        try {
          transformed = compileWithTransformer(blocks.filter((b) => !skipped(b) && transform(b)));
        } catch (e) {
          for (const b of blocks.filter((x) => !skipped(x) && transform(x))) compileErrors.set(b, `transformer failed: ${(e as Error).stack}`);
        }
        const js: { index: number; js: string }[] = [];
        for (const b of runnable) {
          try {
            const code = transform(b) ? transformed.get(b)?.js : transpile(b);
            if (code === undefined) throw new Error('the transformer emitted no JavaScript for this block');
            js.push({ index: blocks.indexOf(b), js: code });
          } catch (e) {
            compileErrors.set(b, (e as Error).message);
          }
        }
        run = js.length ? runBlocks(rel.replace(/[^\w]/g, '_'), js) : undefined;
      });

      const checked = blocks.filter((b) => !b.flags.includes('skip') && !b.flags.includes('nocheck') && !b.flags.includes('diagnostics'));
      if (checked.length) {
        it('type-checks its ts blocks', () => {
          const errors = typeCheck(checked);
          assert.strictEqual(errors, '', `type errors in ${rel}:\n${errors}`);
        });
      }

      blocks.forEach((b, index) => {
        const title = `${rel}:${b.line}${b.expected !== undefined ? '' : ' (runs without error)'}`;
        if (b.flags.includes('skip')) { it(`${title} [pending: marked skip]`); return; }
        if (b.needsTransformer && !transformerBuilt) { it(`${title} [${PENDING_TRANSFORMER}]`); return; }
        if (b.flags.includes('diagnostics')) {
          it(`${title} diagnostics`, () => {
            assert.ok(!compileErrors.has(b), compileErrors.get(b));
            const got = transformed.get(b)?.diagnostics.join('\n') ?? '';
            assert.strictEqual(got, b.expected ?? '', `diagnostics of ${rel}:${b.line}`);
          });
          return;
        }
        if (b.flags.includes('norun')) {
          it(`${rel}:${b.line} compiles`, () => {
            if (transform(b)) assert.ok(transformed.get(b)?.js !== undefined, compileErrors.get(b) ?? 'no output');
            else transpile(b);
          });
          return;
        }
        it(title, () => {
          assert.ok(!compileErrors.has(b), compileErrors.get(b));
          if (transform(b)) {
            const diags = transformed.get(b)?.diagnostics ?? [];
            assert.deepStrictEqual(diags, [], `tensorjit diagnostics in ${rel}:${b.line}`);
          }
          assert.ok(run, 'the docs runner did not run');
          const err = run!.errors.get(index);
          if (err !== undefined) assert.fail(`${rel}:${b.line} threw:\n${err}\n--- stdout so far ---\n${run!.outputs.get(index) ?? ''}`);
          const out = run!.outputs.get(index);
          if (out === undefined) assert.fail(`${rel}:${b.line} did not run to completion (exit ${run!.status})\n${run!.stderr}`);
          if (b.expected !== undefined) assert.strictEqual(out!.replace(/\n$/, ''), b.expected, `stdout of ${rel}:${b.line}`);
        });
      });
    });
  }
});
