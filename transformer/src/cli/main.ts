#!/usr/bin/env node
/**
 * `tensorjit` command line: `tensorjit check [-p tsconfig.json]` reports tensorjit's diagnostics
 * for a project without emitting (for CI and for editors without the plugin), in tsc's format
 * `file(line,col): error TS93xxx: message`. Exit code 0: no errors (warnings allowed); 1: errors;
 * 2: bad usage or an unreadable tsconfig.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { analyzeProgram } from '../analysis/analyze';
import { allRules } from '../analysis/rules';
import { VERSION } from '../version';
import { setup } from './setup';

const HELP = `tensorjit ${VERSION}

Usage:
  tensorjit check [-p <tsconfig.json or directory>] [--typecheck] [--pretty] [--watch]
  tensorjit setup [--toolchain vite|vitest|webpack|rspack|rollup|esbuild|jest|tspc|node] [--dry-run]
  tensorjit --help | --version

Commands:
  check         Type-check the project and report tensorjit's compile-time diagnostics
                (control flow on tensors, traced values turned into JS values, …) without
                emitting files. Output matches tsc: file(line,col): error TS93xxx: message.
                Uses the project's TypeScript 5.x/6.x, or tensorjit's own (for TypeScript 7).
  setup         Detects the project's toolchain and writes the tensorjit config for it
                (bundler plugin, jest transform, tsconfig plugins, scripts); prints what it
                changed. Running it again changes nothing.

Options:
  -p, --project   The tsconfig.json (or a directory containing one). Default: the nearest
                  tsconfig.json from the current directory upwards. Projects it references
                  (solution-style configs) are checked too.
  --typecheck     Also report TypeScript's own errors (like tsc --noEmit).
  --pretty        Colours and source excerpts (tsc --pretty style).
  -w, --watch     Check again when a file changes (tsc --watch output: editors' $tsc-watch
                  problem matcher reads it).
  -h, --help      Show this help.
  -v, --version   Show the version.

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or configuration error.

Diagnostic codes:
${allRules.map((r) => `  TS${r.code}  ${r.severity.padEnd(7)} ${r.summary}`).join('\n')}
See docs/diagnostics.md in the tensorjit package for examples and fixes.
`;

/** Whether a `typescript` module has the classic compiler API (5.x, 6.x; TypeScript 7's package has none). */
export function hasClassicApi(t: unknown): t is TS {
  const m = t as Partial<TS> | undefined;
  return !!m && typeof m.createProgram === 'function' && !!m.sys && typeof m.sys.directoryExists === 'function';
}

/** The project's TypeScript version, if it has one (read from its package.json: TypeScript 7 exports no API to ask). */
export function projectTsVersion(cwd: string): string | undefined {
  try {
    const p = require.resolve('typescript/package.json', { paths: [cwd] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(p) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * The project's TypeScript when it has the classic API (so `--typecheck` matches the project's
 * tsc), else tensorjit's own (its `typescript` dependency): a project on TypeScript 7 is checked too.
 */
function loadTypeScript(cwd: string): { t: TS; own: boolean } {
  try {
    const p = require.resolve('typescript', { paths: [cwd] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const t: unknown = require(p);
    if (hasClassicApi(t)) return { t, own: false };
  } catch { /* none in the project, or one without a CommonJS entry */ }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { t: require('typescript') as TS, own: true };
}

class UsageError extends Error {}

interface Args {
  command?: string;
  project?: string;
  typecheck: boolean;
  pretty: boolean;
  watch: boolean;
  help: boolean;
  version: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { typecheck: false, pretty: false, watch: false, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '-h' || x === '--help') a.help = true;
    else if (x === '-v' || x === '--version') a.version = true;
    else if (x === '-p' || x === '--project') {
      const v = argv[++i];
      if (!v) throw new UsageError(`${x} needs a path: tensorjit check -p tsconfig.json`);
      a.project = v;
    } else if (x.startsWith('--project=')) a.project = x.slice('--project='.length);
    else if (x === '--typecheck') a.typecheck = true;
    else if (x === '--pretty') a.pretty = true;
    else if (x === '-w' || x === '--watch') a.watch = true;
    else if (x.startsWith('-')) throw new UsageError(`Unknown option '${x}'. Run 'tensorjit --help'.`);
    else if (!a.command) a.command = x;
    else throw new UsageError(`Unexpected argument '${x}'. Run 'tensorjit --help'.`);
  }
  return a;
}

/**
 * tsc's plain format (`file(line,col): error TS93005: …`), each diagnostic followed by its related
 * information (the other sites its message refers to), indented: `    file(line,col): message`.
 */
export function formatPlain(t: TS, diags: readonly ts.Diagnostic[], host: ts.FormatDiagnosticsHost): string {
  let text = '';
  const cwd = host.getCurrentDirectory();
  for (const d of diags) {
    text += t.formatDiagnostics([d], host);
    for (const r of d.relatedInformation ?? []) {
      let where = '';
      if (r.file && r.start !== undefined) {
        const { line, character } = r.file.getLineAndCharacterOfPosition(r.start);
        where = `${path.relative(cwd, r.file.fileName).replace(/\\/g, '/')}(${line + 1},${character + 1}): `;
      }
      text += `    ${where}${t.flattenDiagnosticMessageText(r.messageText, '\n')}${host.getNewLine()}`;
    }
  }
  return text;
}

/** Runs the CLI; returns the exit code. Output goes through `out` / `err` (tests pass their own). */
export function main(
  argv: readonly string[],
  cwd = process.cwd(),
  out = (s: string) => { process.stdout.write(s); },
  err = (s: string) => { process.stderr.write(s); },
  typescript?: TS,
): number {
  if (argv[0] === 'setup') return setup(argv.slice(1), cwd, out, err);
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    err(`${(e as Error).message}\n`);
    return 2;
  }
  if (args.help || (!args.command && !args.version)) {
    out(HELP);
    return args.help ? 0 : 2;
  }
  if (args.version) {
    out(`${VERSION}\n`);
    return 0;
  }
  if (args.command !== 'check') {
    err(`Unknown command '${args.command}'. Run 'tensorjit --help'.\n`);
    return 2;
  }
  const loaded = typescript ? { t: typescript, own: false } : loadTypeScript(cwd);
  const t = loaded.t;
  const projectVersion = loaded.own ? projectTsVersion(cwd) : undefined;
  const formatHost: ts.FormatDiagnosticsHost = {
    getCurrentDirectory: () => cwd,
    getCanonicalFileName: (f) => (t.sys.useCaseSensitiveFileNames ? f : f.toLowerCase()),
    getNewLine: () => '\n',
  };
  const print = (diags: readonly ts.Diagnostic[]) => {
    if (!diags.length) return;
    out(args.pretty ? t.formatDiagnosticsWithColorAndContext(diags, formatHost) + '\n' : formatPlain(t, diags, formatHost));
  };
  let configPath: string | undefined;
  if (args.project) {
    const p = path.resolve(cwd, args.project);
    configPath = t.sys.directoryExists(p) ? path.join(p, 'tsconfig.json') : p;
    if (!t.sys.fileExists(configPath)) {
      err(`Cannot find a tsconfig.json at '${args.project}'.\n`);
      return 2;
    }
  } else {
    configPath = t.findConfigFile(cwd, t.sys.fileExists, 'tsconfig.json');
    if (!configPath) {
      err(`No tsconfig.json found in '${cwd}' or above. Pass one with -p.\n`);
      return 2;
    }
  }
  let lastErrors = 0;
  const runCheck = (): number => {
    // the project and, for solution-style configs, the projects it references (each once)
    const diags: ts.Diagnostic[] = [];
    const seenConfigs = new Set<string>();
    const seenFiles = new Set<string>();
    let checkedFiles = 0;
    const checkProject = (config: string): boolean => {
      const key = path.resolve(config);
      if (seenConfigs.has(key)) return true;
      seenConfigs.add(key);
      const configErrors: ts.Diagnostic[] = [];
      const parsed = t.getParsedCommandLineOfConfigFile(config, { noEmit: true }, {
        ...t.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d),
      });
      const emptyOk = (d: ts.Diagnostic) => d.code === 18003 && !!parsed?.projectReferences?.length; // no inputs in a solution config
      if (!parsed || configErrors.length || parsed.errors.some((d) => d.category === t.DiagnosticCategory.Error && !emptyOk(d))) {
        print([...configErrors, ...(parsed?.errors ?? [])]);
        return false;
      }
      if (parsed.fileNames.length) {
        const program = t.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences });
        if (args.typecheck) {
          diags.push(...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getGlobalDiagnostics(),
            ...program.getSemanticDiagnostics());
        }
        for (const a of analyzeProgram(t, program)) {
          if (seenFiles.has(a.file.fileName)) continue; // a file shared by two projects is reported once
          seenFiles.add(a.file.fileName);
          diags.push(...a.diagnostics);
        }
        checkedFiles += parsed.fileNames.length;
      }
      for (const ref of parsed.projectReferences ?? []) {
        const refConfig = t.sys.directoryExists(ref.path) ? path.join(ref.path, 'tsconfig.json') : ref.path;
        if (!checkProject(refConfig)) return false;
      }
      return true;
    };
    if (!checkProject(configPath)) return 2;
    print(diags);
    if (projectVersion && Number(projectVersion.split('.')[0]) >= 7) {
      const config = t.sys.readFile(configPath) ?? '';
      const note = /tensorjit\/transformer/.test(config)
        ? ` Its tsconfig plugins ("transform": "tensorjit/transformer") need tspc / ts-patch, which cannot run on TypeScript 7 (no compiler API): ` +
          `build with a bundler plugin (tensorjit/vite, tensorjit/esbuild, tensorjit/webpack, …), node --import tensorjit/register or tensorjit/jest, ` +
          `or keep typescript@5.9 / 6.0 as the project's compiler for tspc (npx tensorjit setup picks one).`
        : '';
      err(`tensorjit check: the project's TypeScript is ${projectVersion}; checked with tensorjit's own TypeScript ${t.version}.${note}\n`);
    }
    const errors = diags.filter((d) => d.category === t.DiagnosticCategory.Error).length;
    const warnings = diags.filter((d) => d.category === t.DiagnosticCategory.Warning).length;
    const files = new Set(diags.map((d) => d.file?.fileName).filter(Boolean)).size;
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    const projects = seenConfigs.size > 1 ? ` (${seenConfigs.size} projects)` : '';
    err(errors || warnings
      ? `tensorjit check: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}${projects}.\n`
      : `tensorjit check: no problems in ${plural(checkedFiles, 'file')}${projects}.\n`);
    lastErrors = errors;
    return errors ? 1 : 0;
  };
  if (!args.watch) return runCheck();
  // tsc --watch's lines, so editors' $tsc-watch problem matcher reads them
  const stamp = () => `[${new Date().toLocaleTimeString('en-US')}] `;
  const project = path.dirname(path.resolve(configPath));
  const cycle = (first: boolean) => {
    out(`${stamp()}${first ? 'Starting compilation in watch mode...' : 'File change detected. Starting incremental compilation...'}\n\n`);
    runCheck();
    out(`${stamp()}Found ${lastErrors} error${lastErrors === 1 ? '' : 's'}. Watching for file changes.\n\n`);
  };
  cycle(true);
  let timer: NodeJS.Timeout | undefined;
  fs.watch(project, { recursive: true }, (_e, f) => {
    if (!f || /(^|[\\/])(node_modules|\.git|dist)([\\/]|$)/.test(String(f)) || !/\.(c|m)?tsx?$|tsconfig.*\.json$/.test(String(f))) return;
    clearTimeout(timer);
    timer = setTimeout(() => cycle(false), 100);
  });
  return 0;
}

if (require.main === module) {
  const code = main(process.argv.slice(2));
  if (!process.argv.includes('--watch') && !process.argv.includes('-w')) process.exitCode = code;
}
