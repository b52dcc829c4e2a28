/**
 * One analysis, three front-ends: the ts-patch transformer, the language-service plugin and the
 * `tensorjit check` CLI report identical diagnostics (parity, in process, TypeScript 5.9 and 6.0);
 * end to end through the real tools: tspc (emit, --noEmit, --watch, --incremental, TypeScript 6
 * via TSP_COMPILER_TS_PATH), a spawned tsserver (semanticDiag), and the CLI binary.
 */
import * as assert from 'assert';
import * as path from 'path';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import type * as ts from 'typescript';
import tensorjitTransformer, { addSemanticDiagnostics, createTransformer, formatOne, formatPlain, SOURCE, runCli as cliMain } from 'tensorjit/transformer';
import { TS_VERSIONS, loadTs, groups, compileGroup, parseConfig, ROOT, type TS, type Group } from './harness';
import { makeProject, ONE_SIDED, FIXED, type Project } from './project';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const lsPlugin = require('tensorjit/language-service') as (m: { typescript: TS }) => { create(info: unknown): ts.LanguageService };

const TSPC = path.join(ROOT, 'node_modules', 'ts-patch', 'bin', 'tspc.js');
const CLI = path.join(ROOT, 'dist', 'transformer', 'cli', 'main.js');

/** A language service over a fixture group, wrapped by the plugin (as tsserver would). */
export function pluginService(t: TS, g: Group): { ls: ts.LanguageService; files: string[] } {
  const parsed = parseConfig(t, g.tsconfig);
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => parsed.options,
    getScriptFileNames: () => parsed.fileNames,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (t.sys.fileExists(f) ? t.ScriptSnapshot.fromString(t.sys.readFile(f)!) : undefined),
    getCurrentDirectory: () => g.dir,
    getDefaultLibFileName: (o) => t.getDefaultLibFilePath(o),
    fileExists: t.sys.fileExists,
    readFile: t.sys.readFile,
    readDirectory: t.sys.readDirectory,
    directoryExists: t.sys.directoryExists,
    getDirectories: t.sys.getDirectories,
  };
  const base = t.createLanguageService(host, t.createDocumentRegistry());
  const logged: string[] = [];
  const ls = lsPlugin({ typescript: t }).create({
    languageService: base, languageServiceHost: host, config: {}, serverHost: t.sys,
    project: { projectService: { logger: { info: (m: string) => logged.push(m) } } },
  });
  return { ls, files: parsed.fileNames };
}

/** Everything a diagnostic says, as one comparable line (file relative to the repository). */
function key(t: TS, d: ts.Diagnostic): string {
  const rel = (r: { file?: ts.SourceFile; start?: number; length?: number; messageText: string | ts.DiagnosticMessageChain }) =>
    `${r.file ? path.relative(ROOT, r.file.fileName) : ''}@${r.start}+${r.length}: ${t.flattenDiagnosticMessageText(r.messageText, '\n')}`;
  return `${t.DiagnosticCategory[d.category]} TS${d.code} ${rel(d)}${(d.relatedInformation ?? []).map((r) => `\n  ${rel(r)}`).join('')}`;
}

function sortByPosition(ds: readonly ts.Diagnostic[]): ts.Diagnostic[] {
  return ds.slice().sort((a, b) => (a.file!.fileName < b.file!.fileName ? -1 : a.file!.fileName > b.file!.fileName ? 1 : 0) ||
    (a.start ?? 0) - (b.start ?? 0) || a.code - b.code);
}

function formatHost(t: TS, cwd: string): ts.FormatDiagnosticsHost {
  return { getCurrentDirectory: () => cwd, getCanonicalFileName: (f) => f, getNewLine: () => '\n' };
}

describe('transformer hosts: a TypeScript without the compiler API', () => {
  it('TypeScript 7 (a version stub without createProgram): every entry throws a clear error', () => {
    const ts7 = { version: '7.0.2' } as unknown as typeof import('typescript');
    const check = (f: () => unknown) => assert.throws(f, /the TypeScript in use \(version 7\.0\.2\) has no compiler API.*TypeScript 5\.x or 6\.0/);
    check(() => createTransformer({} as never, {}, ts7));
    check(() => tensorjitTransformer({} as never, {}, { ts: ts7 }));
    check(() => addSemanticDiagnostics({ getSemanticDiagnostics: () => [] } as never, ts7));
  });
});

describe('transformer hosts: parity', function () {
  this.timeout(120000);
  for (const v of TS_VERSIONS) {
    for (const g of groups()) {
      it(`TypeScript ${v}, ${g.name}: transformer, language service and check CLI report identical diagnostics`, () => {
        const t = loadTs(v);
        const fromTransformer = sortByPosition(compileGroup(t, g).transformerDiagnostics);
        assert.ok(fromTransformer.length >= (g.name === 'cases' ? 40 : 0), `${fromTransformer.length} diagnostics`);
        for (const d of fromTransformer) assert.strictEqual(d.source, SOURCE);

        const { ls, files } = pluginService(t, g);
        const fromLs = sortByPosition(files.flatMap((f) => ls.getSemanticDiagnostics(f).filter((d) => d.source === SOURCE)));
        assert.deepStrictEqual(fromLs.map((d) => key(t, d)), fromTransformer.map((d) => key(t, d)));

        let out = '';
        let err = '';
        const code = cliMain(['check', '-p', path.relative(ROOT, g.dir)], ROOT, (s) => { out += s; }, (s) => { err += s; }, t);
        assert.strictEqual(out, formatPlain(t, fromTransformer, formatHost(t, ROOT)));
        const errors = fromTransformer.filter((d) => d.category === t.DiagnosticCategory.Error).length;
        assert.strictEqual(code, errors ? 1 : 0, err);
        assert.match(err, errors ? /tensorjit check: \d+ errors?, \d+ warnings? in \d+ files?\./ : /no problems|warning/);
      });
    }
  }

  it('the plugin keeps TypeScript\'s own diagnostics and adds its codes to the supported code fixes', () => {
    const t = loadTs('5.9');
    const g = groups()[0];
    const { ls } = pluginService(t, g);
    const file = path.join(g.dir, 'e93013_misplaced_jit.ts');
    const all = ls.getSemanticDiagnostics(file);
    assert.ok(all.some((d) => d.source === SOURCE && d.code === 93013));
    const supported = ls.getSupportedCodeFixes(file);
    for (const c of ['93001', '93002', '93008', '93010', '93013']) assert.ok(supported.includes(c), c);
  });
});

describe('transformer hosts: quick fixes (language service)', function () {
  this.timeout(60000);
  const t = loadTs('5.9');
  const g = groups()[0];
  let service: ts.LanguageService;
  before(() => { service = pluginService(t, g).ls; });

  function fixesFor(file: string, code: number): { diag: ts.Diagnostic; fixes: readonly ts.CodeFixAction[]; ignore: ts.CodeFixAction; text: string }[] {
    const f = path.join(g.dir, file);
    const text = t.sys.readFile(f)!;
    return service.getSemanticDiagnostics(f).filter((d) => d.code === code).map((diag) => {
      const all = service.getCodeFixesAtPosition(f, diag.start!, diag.start! + diag.length!, [code], {}, {});
      // every diagnostic also offers the ignore directive, last
      assert.strictEqual(all[all.length - 1]?.description, `Ignore TS${code} on this line (// @tensorjit-ignore-next-line)`);
      return { diag, text, fixes: all.slice(0, -1), ignore: all[all.length - 1] };
    });
  }
  function apply(text: string, fix: ts.CodeFixAction): string {
    const edits = fix.changes.flatMap((c) => c.textChanges).sort((a, b) => b.span.start - a.span.start);
    for (const e of edits) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.start + e.span.length);
    return text;
  }

  it('93001: use .all / .any', () => {
    const [first] = fixesFor('e93001_tensor_condition.ts', 93001);
    assert.deepStrictEqual(first.fixes.map((f) => f.description), ["Use 'u.gt(0).all'", "Use 'u.gt(0).any'", "Mark 'plainJs' as a jit function (/** @jit */)"]);
    assert.match(apply(first.text, first.fixes[0]), /if \(u\.gt\(0\)\.all\) n \+= 1;/);
    // a helper (in another file than its jit callers) → mark it /** @jit */
    assert.match(apply(first.text, first.fixes[2]), /\/\*\* @jit \*\/\nexport function plainJs\(/);
  });

  it('93002: .all as a condition → the tensor reduction', () => {
    const [first] = fixesFor('e93002_traced_to_js.ts', 93002);
    assert.strictEqual(first.fixes.length, 1);
    assert.match(apply(first.text, first.fixes[0]), /if \(x\.sum\(\)\.gt\(0\)\.allAlong\(\)\) y = y\.neg\(\);/);
  });

  it('93005: give the one-sided variable the neutral value before the if', () => {
    const [thenOnly, elseOnly] = fixesFor('e93005_one_sided.ts', 93005);
    assert.deepStrictEqual(thenOnly.fixes.map((f) => f.description), ["Give 'y' the value math.zerosLike(x) before the if (where the condition is false)"]);
    assert.match(apply(thenOnly.text, thenOnly.fixes[0]), /let y: Tensor;\n  y = math\.zerosLike\(x\);\n  if \(x\.gt\(0\)\) \{\n    y = x;/);
    assert.match(apply(elseOnly.text, elseOnly.fixes[0]), /let y: Tensor;\n  y = math\.zerosLike\(x\.neg\(\)\);\n  if \(x\.gt\(0\)\) \{\n    \/\/ nothing/);
  });

  it('93008: compare values instead of identity', () => {
    const all = fixesFor('e93008_identity.ts', 93008);
    assert.deepStrictEqual(all.map((x) => x.fixes.map((f) => f.description)), [
      ["Compare values: 'a.eq(b).all'"], ["Compare values: 'a.ne(b).any'"], ["Compare values: 'x.eq(zero)'"], [],
    ]);
    assert.match(apply(all[2].text, all[2].fixes[0]), /if \(x\.eq\(zero\)\) return x;/);
  });

  it('93010: did-you-mean for an unknown auxiliary name', () => {
    const all = fixesFor('e93010_unknown_aux.ts', 93010);
    assert.deepStrictEqual(all.map((x) => x.fixes.map((f) => f.description)), [["Change 'step' to 'steps'"], [], []]);
    assert.match(apply(all[0].text, all[0].fixes[0]), /\{ auxiliaryArgs: 'steps' \}/);
  });

  it('the ignore fix inserts the directive above the line, with its indentation', () => {
    const [first] = fixesFor('e93005_one_sided.ts', 93005);
    assert.match(apply(first.text, first.ignore), /\n  if \(x\.gt\(0\)\) \{\n    \/\/ @tensorjit-ignore-next-line 93005\n    y = x;\n/);
  });

  it('93013: @jit on a function declaration → the JSDoc form', () => {
    const [first] = fixesFor('e93013_misplaced_jit.ts', 93013);
    assert.strictEqual(first.fixes.length, 1);
    assert.match(apply(first.text, first.fixes[0]), /\n\/\*\* @jit auxiliaryArgs=n \*\/\nexport function decorated/);
  });
});

describe('transformer hosts: check CLI binary', function () {
  this.timeout(60000);
  const run = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });

  it('--help prints usage and every code, exit 0', () => {
    const r = run(['--help']);
    assert.strictEqual(r.status, 0);
    assert.match(r.stdout, /tensorjit check \[-p <tsconfig\.json or directory>\]/);
    for (const c of [93001, 93002, 93003, 93004, 93005, 93006, 93007, 93008, 93010, 93011, 93012, 93013, 93014, 93015]) assert.match(r.stdout, new RegExp(`TS${c}`));
  });

  it('reports fixture diagnostics tsc-style with exit 1', () => {
    const r = run(['check', '-p', 'fixtures/cases']);
    assert.strictEqual(r.status, 1, r.stderr);
    assert.match(r.stdout, /^fixtures\/cases\/e93005_one_sided\.ts\(9,5\): error TS93005: 'y' is assigned in the then branch/m);
    assert.match(r.stdout, /^fixtures\/cases\/w93011_any_condition\.ts\(8,7\): warning TS93011: /m);
    // related information, indented below its diagnostic (also without --pretty)
    assert.match(r.stdout, /TS93005: 'y' is assigned in the then branch[^\n]*\n    fixtures\/cases\/e93005_one_sided\.ts\(11,10\): 'y' is used here after the if\./);
  });

  it('prints the same diagnostics as tspc --noEmit on the fixture project', () => {
    const check = run(['check', '-p', 'fixtures/cases']);
    const tsp = spawnSync(process.execPath, [TSPC, '-p', 'fixtures/cases', '--noEmit'], { cwd: ROOT, encoding: 'utf8' });
    const ours = (text: string) => text.split('\n').filter((l) => / TS93\d\d\d: /.test(l));
    assert.ok(ours(check.stdout).length >= 40);
    assert.deepStrictEqual(ours(tsp.stdout), ours(check.stdout));
  });

  it('follows project references of a solution-style tsconfig', () => {
    const p = makeProject({ 'src/main.ts': ONE_SIDED });
    try {
      p.write('tsconfig.app.json', p.read('tsconfig.json').replace('"compilerOptions": {', '"compilerOptions": {\n    "composite": true,'));
      p.write('tsconfig.json', JSON.stringify({ files: [], references: [{ path: './tsconfig.app.json' }] }));
      const r = run(['check'], p.dir);
      assert.strictEqual(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^src\/main\.ts\(7,5\): error TS93005: /m);
      assert.match(r.stderr, /1 error, 0 warnings in 1 file \(2 projects\)/);
    } finally {
      p.remove();
    }
  });

  it('exit 0 on a clean project, 2 on bad usage or a missing tsconfig', () => {
    const p = makeProject({ 'src/main.ts': FIXED });
    try {
      const ok = run(['check'], p.dir);
      assert.strictEqual(ok.status, 0, ok.stdout + ok.stderr);
      assert.strictEqual(ok.stdout, '');
      assert.match(ok.stderr, /no problems in 1 file/);
      const withTs = run(['check', '--typecheck'], p.dir);
      assert.strictEqual(withTs.status, 0, withTs.stdout);
    } finally {
      p.remove();
    }
    assert.strictEqual(run(['check', '--bogus']).status, 2);
    const missing = run(['check', '-p', 'no/such/dir']);
    assert.strictEqual(missing.status, 2);
    assert.match(missing.stderr, /Cannot find a tsconfig\.json at 'no\/such\/dir'/);
    assert.strictEqual(run(['frobnicate']).status, 2);
  });
});

function tspc(p: Project, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [TSPC, '-p', p.dir, ...args], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('transformer hosts: tspc (ts-patch live compiler)', function () {
  this.timeout(180000);
  let p: Project;
  beforeEach(() => { p = makeProject({ 'src/main.ts': ONE_SIDED }); });
  afterEach(() => p.remove());

  for (const [label, env] of [['TypeScript 5.9', {}], ['TypeScript 6.0', { TSP_COMPILER_TS_PATH: path.join(ROOT, 'node_modules', 'typescript6') }]] as const) {
    it(`${label}: emit reports the diagnostic once, exit 2, and the output runs`, () => {
      const r = tspc(p, [], env);
      assert.strictEqual(r.status, 2, r.stdout + r.stderr);
      assert.strictEqual(r.stdout.match(/error TS93005/g)?.length, 1, r.stdout);
      assert.match(r.stdout, /src\/main\.ts\(7,5\): error TS93005: 'y' is assigned in the then branch of the traced condition 'x\.gt\(0\)'/);
      const js = p.read('out/main.js');
      assert.match(js, /errors: \[\s*"src\/main\.ts\(7,5\): error TS93005/);
      assert.match(js, /controlFlow\.ifExp\(x\.gt\(0\)/);
      const run = spawnSync(process.execPath, ['out/main.js'], { cwd: p.dir, encoding: 'utf8' });
      assert.strictEqual(run.status, 0, run.stderr);
      assert.strictEqual(run.stdout, '(0.000, 2.000) along xˢ\n');
    });

    it(`${label}: --noEmit reports through the program-transformer entry`, () => {
      const r = tspc(p, ['--noEmit'], env);
      assert.notStrictEqual(r.status, 0);
      assert.strictEqual(r.stdout.match(/error TS93005/g)?.length, 1, r.stdout);
    });
  }

  it('a jit function with errors still loads; calling it throws the diagnostics (here an unknown auxiliary name)', () => {
    p.write('src/main.ts', `import { math, Tensor } from 'tensorjit';

/** @jit auxiliaryArgs=count */
export function h(x: Tensor, n: number): Tensor {
  return x.mul(n);
}

console.log('loaded');
try {
  h(math.tensor(1), 2);
} catch (e) {
  console.log(\`\${(e as Error).name}: \${(e as Error).message}\`);
}
`);
    const r = tspc(p, []);
    assert.strictEqual(r.status, 2, r.stdout);
    const run = spawnSync(process.execPath, ['out/main.js'], { cwd: p.dir, encoding: 'utf8' });
    assert.strictEqual(run.status, 0, run.stderr);
    assert.match(run.stdout, /^loaded\nJitError: h was not compiled: the tensorjit transformer reported\n  src\/main\.ts\(3,24\): error TS93010: auxiliaryArgs names 'count'/);
  });

  it('--noEmit without the program-transformer entry: the source transformer alone reports nothing (documented)', () => {
    p.write('tsconfig.json', p.read('tsconfig.json').replace(/,\s*\{\s*"transform": "tensorjit\/transformer",\s*"transformProgram": true\s*\}/, ''));
    assert.doesNotMatch(p.read('tsconfig.json'), /transformProgram/);
    const r = tspc(p, ['--noEmit']);
    assert.strictEqual(r.status, 0, r.stdout);
    const emit = tspc(p, []);
    assert.strictEqual(emit.stdout.match(/error TS93005/g)?.length, 1, emit.stdout);
  });

  it('--incremental reports the diagnostic on the first and the replayed second run', () => {
    const a = tspc(p, ['--incremental']);
    assert.match(a.stdout, /error TS93005/);
    const b = tspc(p, ['--incremental']);
    assert.match(b.stdout, /error TS93005/);
    p.write('src/main.ts', FIXED);
    const c = tspc(p, ['--incremental']);
    assert.strictEqual(c.status, 0, c.stdout);
  });

  it('--watch reports, and clears the diagnostic when the file is fixed', async () => {
    const child = spawn(process.execPath, [TSPC, '-p', p.dir, '--watch', '--preserveWatchOutput', '--noEmit'], { cwd: p.dir });
    try {
      const output = collect(child);
      await output.waitFor(/Found 1 error\. Watching for file changes\./);
      assert.match(output.text(), /error TS93005/);
      p.write('src/main.ts', FIXED);
      await output.waitFor(/Found 0 errors\. Watching for file changes\./);
    } finally {
      child.kill();
    }
  });
});

describe('transformer hosts: module formats', function () {
  this.timeout(120000);
  const SOURCE_TEXT = `import { math, spatial, Tensor } from 'tensorjit';

console.log(\`early: \${relu.name}\`);

/** @jit */
export function relu(x: Tensor): Tensor {
  let y = x;
  if (x.lt(0)) y = math.zerosLike(x);
  return y;
}

console.log(\`\${relu(math.tensor([-1, 2], spatial('x')))}\`);
`;
  const formats: [string, Record<string, unknown>, boolean][] = [
    ['CommonJS (node10 resolution, no esModuleInterop)', { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: false }, false],
    ['NodeNext ES module', { module: 'nodenext', moduleResolution: 'nodenext' }, true],
    ['ESNext with bundler resolution', { module: 'esnext', moduleResolution: 'bundler' }, true],
  ];
  for (const [label, options, esm] of formats) {
    it(`${label}: one namespace import, runs`, () => {
      const p = makeProject({ 'src/main.ts': SOURCE_TEXT }, options);
      try {
        if (esm) p.write('package.json', JSON.stringify({ type: 'module' }));
        const r = tspc(p, []);
        assert.strictEqual(r.status, 0, r.stdout + r.stderr);
        const js = p.read('out/main.js');
        // every injected reference goes through one namespace binding
        const injected = new Set([...js.matchAll(/\b(tensorjit_\d+)\.(?:controlFlow|math\.jitCompile)\b/g)].map((m) => m[1]));
        assert.strictEqual(injected.size, 1, js);
        const [ns] = injected;
        assert.match(js, esm ? new RegExp(`^import \\* as ${ns} from "tensorjit";$`, 'm') : new RegExp(`^const ${ns} = require\\("tensorjit"\\);$`, 'm'));
        const run = spawnSync(process.execPath, ['out/main.js'], { cwd: p.dir, encoding: 'utf8' });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.strictEqual(run.stdout, 'early: relu\n(0.000, 2.000) along xˢ\n');
      } finally {
        p.remove();
      }
    });
  }
});

function collect(child: ChildProcess): { text(): string; waitFor(re: RegExp, ms?: number): Promise<void> } {
  let buf = '';
  const waiters: { re: RegExp; resolve(): void }[] = [];
  const onData = (d: Buffer) => {
    buf += d.toString();
    for (const w of waiters.slice()) if (w.re.test(buf)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    text: () => buf,
    waitFor: (re, ms = 60000) => new Promise<void>((resolve, reject) => {
      if (re.test(buf)) { resolve(); return; }
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${buf}`)), ms);
      waiters.push({ re, resolve: () => { clearTimeout(timer); resolve(); } });
    }),
  };
}

describe('transformer hosts: tsserver end to end', function () {
  this.timeout(120000);

  for (const [label, dir] of [['TypeScript 5.9', 'typescript'], ['TypeScript 6.0', 'typescript6']] as const) it(`${label}: a spawned tsserver loads the plugin and reports TS93005 in semanticDiag`, async () => {
    const p = makeProject({ 'src/main.ts': ONE_SIDED }, {}, dir);
    const file = path.join(p.dir, 'src', 'main.ts');
    // node resolves the symlinked tsserver.js to this checkout, so tell tsserver where the project's
    // node_modules are (with a real install, tsserver finds the plugin next to itself)
    const server = spawn(process.execPath, [path.join(p.dir, 'node_modules', 'typescript', 'lib', 'tsserver.js'),
      '--disableAutomaticTypingAcquisition', '--pluginProbeLocations', p.dir], { cwd: p.dir });
    try {
      const events: { event?: string; body?: { file?: string; diagnostics?: { code: number; text: string; start: { line: number; offset: number }; source?: string }[] } }[] = [];
      let buf = '';
      const waiters: (() => void)[] = [];
      server.stdout!.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        for (;;) {
          const m = /Content-Length: (\d+)\r\n\r\n/.exec(buf);
          if (!m) break;
          const start = m.index + m[0].length;
          const body = Buffer.from(buf.slice(start), 'utf8');
          const len = Number(m[1]);
          if (body.length < len) break;
          const json = body.subarray(0, len).toString('utf8');
          buf = body.subarray(len).toString('utf8');
          events.push(JSON.parse(json));
          waiters.splice(0).forEach((w) => w());
        }
      });
      const send = (seq: number, command: string, args: unknown) => server.stdin!.write(JSON.stringify({ seq, type: 'request', command, arguments: args }) + '\n');
      send(1, 'open', { file });
      send(2, 'geterr', { files: [file], delay: 0 });
      const deadline = Date.now() + 90000;
      let diag: (typeof events)[number] | undefined;
      while (!(diag = events.find((e) => e.event === 'semanticDiag' && e.body?.file === file))) {
        if (Date.now() > deadline) throw new Error('no semanticDiag event');
        await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 500); });
      }
      const ours = diag.body!.diagnostics!.filter((d) => d.code === 93005);
      assert.strictEqual(ours.length, 1, JSON.stringify(diag.body));
      assert.deepStrictEqual(ours[0].start, { line: 7, offset: 5 });
      assert.match(ours[0].text, /'y' is assigned in the then branch of the traced condition 'x\.gt\(0\)'/);
      assert.strictEqual(ours[0].source, 'tensorjit');
    } finally {
      server.kill();
      p.remove();
    }
  });
});

describe('transformer hosts: meta.errors text', () => {
  it('formatOne gives tsc-style lines relative to the program directory', () => {
    const t = loadTs('5.9');
    const g = groups()[0];
    const c = compileGroup(t, g);
    const d = c.transformerDiagnostics.find((x) => x.code === 93005)!;
    assert.match(formatOne(t, d, ROOT), /^fixtures\/cases\/e\w+\.ts\(\d+,\d+\): error TS93005: /);
  });
});
