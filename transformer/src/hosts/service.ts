/**
 * The one engine behind the bundler plugins, the Node register hook and the jest transformer
 * (DESIGN.md "Hosts are thin"): a TypeScript LanguageService over the project's tsconfig, so the
 * analysis has the type checker, updated incrementally as files change (each file's version is the
 * hash of the content the host hands over). `transform(file, code)` emits that one file with the
 * tensorjit transformer and returns JS, a source map and tensorjit's diagnostics.
 *
 * It uses tensorjit's own TypeScript (the `typescript` dependency, classic compiler API), never
 * the project's: that may be TypeScript 7, which has no compiler API.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { analyzeSourceFile } from '../analysis/analyze';
import { createTransformer } from '../index';
import { VERSION } from '../version';

/** tensorjit's own TypeScript (resolved from this package, whatever the project has). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ownTs: TS = require('typescript');

export type OutputFormat = 'esm' | 'cjs';

export interface HostOptions {
  /** The tsconfig.json to use (default: the nearest one above the first transformed file, else compiler defaults). */
  readonly tsconfig?: string;
  /** Compiler options on top of the tsconfig's. */
  readonly compilerOptions?: ts.CompilerOptions;
}

export interface HostDiagnostic {
  readonly category: 'error' | 'warning';
  readonly code: number;
  /** `file(line,col): error TS93xxx: message`, as tsc prints it. */
  readonly text: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface TransformResult {
  readonly code: string;
  /** Source map (JSON text) with the sources inlined. */
  readonly map?: string;
  readonly diagnostics: readonly HostDiagnostic[];
}

const TS_FILE = /\.(c|m)?tsx?$/;

export function isTypeScriptFile(file: string): boolean {
  return TS_FILE.test(file) && !/\.d\.(c|m)?tsx?$/.test(file);
}

function hash(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/** The nearest tsconfig.json from `dir` upwards. */
export function findTsconfig(dir: string): string | undefined {
  return ownTs.findConfigFile(dir, ownTs.sys.fileExists, 'tsconfig.json');
}

/** A service per tsconfig (a process may build files of several projects). */
const services = new Map<string, TransformService>();

export function serviceFor(file: string, options: HostOptions = {}): TransformService {
  const config = options.tsconfig ? path.resolve(options.tsconfig) : findTsconfig(path.dirname(path.resolve(file))) ?? '';
  const key = `${config}\0${JSON.stringify(options.compilerOptions ?? {})}`;
  let s = services.get(key);
  if (!s) { s = new TransformService(config || undefined, options.compilerOptions); services.set(key, s); }
  return s;
}

export class TransformService {
  private readonly t = ownTs;
  private readonly baseOptions: ts.CompilerOptions;
  private readonly rootNames = new Set<string>();
  private readonly contents = new Map<string, { text: string; version: string }>();
  private readonly services = new Map<OutputFormat, ts.LanguageService>();
  private readonly registry = this.t.createDocumentRegistry();
  readonly configErrors: readonly HostDiagnostic[];
  /** Directory of the tsconfig (or the cwd): file names in messages are relative to it. */
  readonly root: string;

  constructor(readonly tsconfig: string | undefined, overrides: ts.CompilerOptions = {}) {
    const t = this.t;
    this.root = tsconfig ? path.dirname(tsconfig) : process.cwd();
    let options: ts.CompilerOptions = { strict: true, target: t.ScriptTarget.ES2022, skipLibCheck: true };
    const errors: ts.Diagnostic[] = [];
    if (tsconfig) {
      const parsed = t.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...t.sys, onUnRecoverableConfigFileDiagnostic: (d) => errors.push(d) });
      if (parsed) {
        options = parsed.options;
        for (const f of parsed.fileNames) this.rootNames.add(path.resolve(f));
        errors.push(...parsed.errors.filter((d) => d.code !== 18003)); // "no inputs" is fine: files come from the bundler
      }
    }
    this.baseOptions = { ...options, ...overrides };
    this.configErrors = errors.map((d) => this.toHost(d));
  }

  /** Options for emitting one file for a host: JS + source map, no declarations, the module format the host wants. */
  private optionsFor(format: OutputFormat): ts.CompilerOptions {
    const t = this.t;
    const o: ts.CompilerOptions = {
      ...this.baseOptions,
      noEmit: false, emitDeclarationOnly: false, declaration: false, declarationMap: false, composite: false, incremental: false,
      tsBuildInfoFile: undefined, noEmitOnError: false, sourceMap: true, inlineSourceMap: false, inlineSources: true,
      outDir: undefined, outFile: undefined, rootDir: undefined, mapRoot: undefined, sourceRoot: undefined,
      allowImportingTsExtensions: this.baseOptions.allowImportingTsExtensions,
    };
    const resolution = this.baseOptions.moduleResolution;
    const nodeLike = resolution === t.ModuleResolutionKind.Node16 || resolution === t.ModuleResolutionKind.NodeNext;
    if (format === 'esm') {
      o.module = t.ModuleKind.ESNext;
      if (nodeLike || resolution === undefined) o.moduleResolution = t.ModuleResolutionKind.Bundler;
    } else {
      o.module = t.ModuleKind.CommonJS;
      o.verbatimModuleSyntax = false;
      if (nodeLike || resolution === t.ModuleResolutionKind.Bundler || resolution === undefined) o.moduleResolution = t.ModuleResolutionKind.Node10;
      o.esModuleInterop = this.baseOptions.esModuleInterop ?? true;
    }
    if (o.allowImportingTsExtensions) o.noEmit = false;
    return o;
  }

  private service(format: OutputFormat): ts.LanguageService {
    let ls = this.services.get(format);
    if (ls) return ls;
    const t = this.t;
    const options = this.optionsFor(format);
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [...this.rootNames],
      getScriptVersion: (f) => this.contents.get(path.resolve(f))?.version ?? diskVersion(f),
      getScriptSnapshot: (f) => {
        const c = this.contents.get(path.resolve(f));
        if (c) return t.ScriptSnapshot.fromString(c.text);
        const text = t.sys.readFile(f);
        return text === undefined ? undefined : t.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => this.root,
      getDefaultLibFileName: (o) => t.getDefaultLibFilePath(o),
      fileExists: (f) => this.contents.has(path.resolve(f)) || t.sys.fileExists(f),
      readFile: (f) => this.contents.get(path.resolve(f))?.text ?? t.sys.readFile(f),
      readDirectory: t.sys.readDirectory,
      directoryExists: t.sys.directoryExists,
      getDirectories: t.sys.getDirectories,
      realpath: t.sys.realpath,
      useCaseSensitiveFileNames: () => t.sys.useCaseSensitiveFileNames,
    };
    ls = t.createLanguageService(host, this.registry);
    this.services.set(format, ls);
    return ls;
  }

  /**
   * Emits `fileName` (with `code` as its content) through the transformer. Files that cannot
   * contain jit functions (no `jit` in the text) are only transpiled, without a program.
   */
  transform(fileName: string, code: string, format: OutputFormat): TransformResult {
    const t = this.t;
    const file = path.resolve(fileName);
    if (!/jit/.test(code)) {
      const out = t.transpileModule(code, { fileName: file, compilerOptions: this.optionsFor(format) });
      return { code: stripMapComment(out.outputText), map: out.sourceMapText, diagnostics: [] };
    }
    // the same text as on disk keeps the disk version, so a build that hands over every file
    // unchanged reuses one program (and one type checker) for all of them
    const known = this.contents.get(file);
    if (code === readDisk(file)) { if (known) this.contents.delete(file); }
    else if (!known || known.text !== code) this.contents.set(file, { text: code, version: hash(code) });
    this.rootNames.add(file);
    const program = this.service(format).getProgram();
    const sf = program?.getSourceFile(file);
    if (!program || !sf) throw new Error(`tensorjit: ${fileName} is not part of the TypeScript program`);
    let js: string | undefined;
    let map: string | undefined;
    const diagnostics: ts.Diagnostic[] = [...analyzeSourceFile(t, program, sf).diagnostics];
    const result = program.emit(sf, (name, text) => {
      if (/\.map$/.test(name)) map = text;
      else if (/\.[cm]?jsx?$/.test(name)) js = text;
    }, undefined, false, { before: [createTransformer(program, {}, t)] });
    diagnostics.push(...result.diagnostics);
    if (js === undefined) throw new Error(`tensorjit: TypeScript emitted nothing for ${fileName}${result.emitSkipped ? ' (emit skipped)' : ''}`);
    return { code: stripMapComment(js), map, diagnostics: diagnostics.map((d) => this.toHost(d)) };
  }

  toHost(d: ts.Diagnostic): HostDiagnostic {
    const t = this.t;
    const message = t.flattenDiagnosticMessageText(d.messageText, '\n');
    const category = d.category === t.DiagnosticCategory.Error ? 'error' : 'warning';
    const text = t.formatDiagnostics([d], { getCurrentDirectory: () => this.root, getCanonicalFileName: (f) => f, getNewLine: () => '\n' }).trimEnd();
    if (!d.file || d.start === undefined) return { category, code: d.code, text, message };
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return { category, code: d.code, text, message, file: d.file.fileName, line: line + 1, column: character + 1 };
  }

  /**
   * A cache key for a transform result that is sound across processes: the file's content, the
   * tensorjit version, the output format, the compiler options and the size and modification time
   * of every file of the project (another file's types can change what gets converted).
   */
  cacheKey(fileName: string, code: string, format: OutputFormat): string {
    const stamps = [...this.rootNames].sort().map((f) => `${f}:${diskVersion(f)}`).join('\n');
    return hash([VERSION, format, path.resolve(fileName), code, JSON.stringify(this.optionsFor(format)), stamps].join('\0'));
  }
}

function readDisk(f: string): string | undefined {
  try { return fs.readFileSync(f, 'utf8'); } catch { return undefined; }
}

function diskVersion(f: string): string {
  try {
    const s = fs.statSync(f);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function stripMapComment(js: string): string {
  return js.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '\n');
}
