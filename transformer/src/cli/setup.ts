/**
 * `npx tensorjit setup`: detects how the project builds and runs TypeScript (vite, vitest, webpack,
 * rspack, rollup, esbuild, jest, tspc, plain node) and writes the tensorjit config for it, keeping
 * the files' formatting and comments (edits are text insertions). Prints what it changed; a second
 * run changes nothing. `--toolchain <name>` skips the detection, `--dry-run` only prints.
 */
import * as fs from 'fs';
import * as path from 'path';
import { projectTsVersion } from './main';

export type Toolchain = 'vite' | 'vitest' | 'webpack' | 'rspack' | 'rollup' | 'esbuild' | 'jest' | 'tspc' | 'node';
export const TOOLCHAINS: readonly Toolchain[] = ['vite', 'vitest', 'webpack', 'rspack', 'rollup', 'esbuild', 'jest', 'tspc', 'node'];

interface Pkg { scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; jest?: Record<string, unknown> }

interface Ctx {
  readonly dir: string;
  readonly dryRun: boolean;
  readonly out: (s: string) => void;
  changed: string[];
  notes: string[];
}

const JEST_TRANSFORM = "'^.+\\\\.tsx?$': 'tensorjit/jest'";

function read(ctx: Ctx, f: string): string | undefined {
  try { return fs.readFileSync(path.join(ctx.dir, f), 'utf8'); } catch { return undefined; }
}

function save(ctx: Ctx, f: string, text: string, what: string): void {
  if (!ctx.dryRun) fs.writeFileSync(path.join(ctx.dir, f), text);
  ctx.changed.push(`${f}: ${what}`);
}

function firstExisting(ctx: Ctx, names: readonly string[]): string | undefined {
  return names.find((n) => fs.existsSync(path.join(ctx.dir, n)));
}

function deps(pkg: Pkg): Record<string, string> {
  return { ...pkg.dependencies, ...pkg.devDependencies };
}

/** The toolchain, and why it was picked. */
export function detect(dir: string, pkg: Pkg): { toolchain: Toolchain; why: string } {
  const d = deps(pkg);
  const has = (f: string) => fs.existsSync(path.join(dir, f));
  const cfg = (base: string) => ['ts', 'mts', 'js', 'mjs', 'cjs'].map((e) => `${base}.config.${e}`).find(has);
  const scripts = Object.values(pkg.scripts ?? {}).join('\n');
  if (cfg('vitest') || (d.vitest && !d.vite)) return { toolchain: 'vitest', why: cfg('vitest') ?? 'vitest in package.json' };
  if (cfg('vite') || d.vite) return { toolchain: 'vite', why: cfg('vite') ?? 'vite in package.json' };
  if (cfg('webpack') || d.webpack) return { toolchain: 'webpack', why: cfg('webpack') ?? 'webpack in package.json' };
  if (cfg('rspack') || d['@rspack/core']) return { toolchain: 'rspack', why: cfg('rspack') ?? '@rspack/core in package.json' };
  if (cfg('rollup') || d.rollup) return { toolchain: 'rollup', why: cfg('rollup') ?? 'rollup in package.json' };
  if (d.esbuild) return { toolchain: 'esbuild', why: 'esbuild in package.json' };
  if (cfg('jest') || pkg.jest || d.jest) return { toolchain: 'jest', why: cfg('jest') ?? 'jest in package.json' };
  if (d['ts-patch'] || /\btspc\b/.test(scripts)) return { toolchain: 'tspc', why: d['ts-patch'] ? 'ts-patch in package.json' : 'tspc in the scripts' };
  const tsMajor = Number((projectTsVersion(dir) ?? d.typescript?.replace(/^[^\d]*/, '') ?? '0').split('.')[0]);
  if (/(^|\s)tsc(\s|$)/m.test(scripts) && tsMajor > 0 && tsMajor < 7) return { toolchain: 'tspc', why: 'tsc in the scripts (TypeScript < 7)' };
  return { toolchain: 'node', why: 'no bundler or test runner found: running TypeScript with node' };
}

/**
 * Adds `call` to the `plugins: [...]` of a config file and the import line at its top, or a
 * `plugins` entry to the exported object. Returns the new text, or undefined if it cannot tell where.
 */
function addPlugin(text: string, importLine: string, call: string): string | undefined {
  let body: string;
  const pluginsAt = /\bplugins\s*:\s*\[/.exec(text);
  if (pluginsAt) {
    const at = pluginsAt.index + pluginsAt[0].length;
    body = text.slice(0, at) + call + (/^\s*\]/.test(text.slice(at)) ? '' : ', ') + text.slice(at);
  } else {
    const obj = /(defineConfig\(\s*\{|export\s+default\s+\{|module\.exports\s*=\s*\{|\.build\(\s*\{)/.exec(text);
    if (!obj) return undefined;
    const at = obj.index + obj[0].length;
    body = `${text.slice(0, at)}\n  plugins: [${call}],${text.slice(at)}`;
  }
  // after a leading comment block / 'use strict', before the first other line
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && (/^\s*(\/\/|\/\*|\*|['"]use strict['"])/.test(lines[i]) || lines[i].trim() === '')) i++;
  lines.splice(i, 0, importLine);
  return lines.join('\n');
}

function bundler(ctx: Ctx, tool: 'vite' | 'vitest' | 'webpack' | 'rspack' | 'rollup' | 'esbuild'): void {
  const entry = tool === 'vitest' ? 'vite' : tool;
  const esm = (f: string) => /\.(mjs|mts|ts)$/.test(f) || (/\.js$/.test(f) && /\bimport\s|export\s+default/.test(read(ctx, f) ?? ''));
  const names = tool === 'esbuild'
    ? fs.readdirSync(ctx.dir).filter((f) => /\.(c|m)?(j|t)s$/.test(f) && /esbuild/.test(read(ctx, f) ?? '') && /\.build\(|context\(/.test(read(ctx, f) ?? ''))
    : ['ts', 'mts', 'js', 'mjs', 'cjs'].map((e) => `${tool}.config.${e}`);
  const file = firstExisting(ctx, names);
  if (!file) {
    if (tool === 'esbuild') {
      ctx.notes.push(`No esbuild build script found: add the plugin where you call esbuild.build: import tensorjit from 'tensorjit/esbuild'; … plugins: [tensorjit()]`);
      return;
    }
    const name = `${tool}.config.mjs`;
    const configFn = tool === 'vitest' ? `import { defineConfig } from 'vitest/config';\n` : tool === 'vite' ? `import { defineConfig } from 'vite';\n` : '';
    const text = `${configFn}import tensorjit from 'tensorjit/${entry}';\n\nexport default ${configFn ? 'defineConfig(' : ''}{\n  plugins: [tensorjit()],\n}${configFn ? ')' : ''};\n`;
    save(ctx, name, text, `created, with the tensorjit plugin (tensorjit/${entry})`);
    return;
  }
  const text = read(ctx, file)!;
  if (text.includes(`tensorjit/${entry}`)) return;
  const importLine = esm(file) ? `import tensorjit from 'tensorjit/${entry}';` : `const tensorjit = require('tensorjit/${entry}');`;
  const next = addPlugin(text, importLine, 'tensorjit()');
  if (!next) {
    ctx.notes.push(`Could not find where to add the plugin in ${file}: add ${importLine} and plugins: [tensorjit()] yourself`);
    return;
  }
  save(ctx, file, next, `added the tensorjit plugin (tensorjit/${entry})`);
  if (tool === 'webpack' || tool === 'rspack') {
    if (!/onnxruntime-node/.test(next)) {
      ctx.notes.push(`${file}: onnxruntime-node loads native .node files: keep it out of the bundle with externals: { 'onnxruntime-node': 'commonjs onnxruntime-node', 'onnxruntime-node/dist/binding': 'commonjs onnxruntime-node/dist/binding' } (docs/transformer.md)`);
    }
  }
}

function jest(ctx: Ctx, pkg: Pkg, pkgText: string): void {
  const file = firstExisting(ctx, ['jest.config.js', 'jest.config.cjs', 'jest.config.mjs', 'jest.config.ts']);
  if (!file) {
    const jestCfg = pkg.jest ?? {};
    const transform = (jestCfg.transform ?? {}) as Record<string, unknown>;
    if (Object.values(transform).includes('tensorjit/jest')) return;
    if (pkg.jest) {
      const others = Object.keys(transform).filter((k) => /tsx?/.test(k));
      for (const k of others) delete transform[k];
      pkg.jest = { ...jestCfg, transform: { '^.+\\.tsx?$': 'tensorjit/jest', ...transform } };
      save(ctx, 'package.json', JSON.stringify(pkg, null, detectIndent(pkgText)) + '\n', `jest.transform uses tensorjit/jest for TypeScript${others.length ? ` (replacing ${others.join(', ')})` : ''}`);
      return;
    }
    save(ctx, 'jest.config.js', `module.exports = {\n  transform: { ${JEST_TRANSFORM} },\n};\n`, 'created, with the tensorjit/jest transform');
    return;
  }
  const text = read(ctx, file)!;
  if (text.includes('tensorjit/jest')) return;
  let next: string | undefined;
  const t = /\btransform\s*:\s*\{/.exec(text);
  if (t) next = text.slice(0, t.index + t[0].length) + ` ${JEST_TRANSFORM},` + text.slice(t.index + t[0].length);
  else {
    const obj = /(module\.exports\s*=\s*\{|export\s+default\s+\{|const\s+config[^=]*=\s*\{)/.exec(text);
    if (obj) next = `${text.slice(0, obj.index + obj[0].length)}\n  transform: { ${JEST_TRANSFORM} },${text.slice(obj.index + obj[0].length)}`;
  }
  if (!next) {
    ctx.notes.push(`Could not find where to add the transform in ${file}: add transform: { ${JEST_TRANSFORM} }`);
    return;
  }
  save(ctx, file, next, 'transform uses tensorjit/jest for TypeScript');
  if (/ts-jest|babel-jest/.test(text)) ctx.notes.push(`${file} also maps TypeScript files to ts-jest/babel-jest: the first matching pattern wins in jest, tensorjit/jest is now first; remove the other entry`);
}

function detectIndent(text: string): number {
  const m = /\n( +)"/.exec(text);
  return m ? m[1].length : 2;
}

/** The tsconfig edits: plugin entries (transformer ones only for tspc), and a target that keeps decorators transpiled. */
function tsconfig(ctx: Ctx, toolchain: Toolchain, tsMajor: number): void {
  const file = 'tsconfig.json';
  let text = read(ctx, file);
  const wantTransform = toolchain === 'tspc';
  const wantLs = tsMajor < 7; // TypeScript 7's editor server loads no plugins
  if (text === undefined) {
    const plugins = [
      ...(wantTransform ? ['{ "transform": "tensorjit/transformer" }', '{ "transform": "tensorjit/transformer", "transformProgram": true }'] : []),
      ...(wantLs ? ['{ "name": "tensorjit/language-service" }'] : []),
    ];
    text = `{\n  "compilerOptions": {\n    "strict": true,\n    "target": "ES2022",\n    "lib": ["ES2022"],\n    "module": "node16",\n    "skipLibCheck": true${plugins.length ? `,\n    "plugins": [\n      ${plugins.join(',\n      ')}\n    ]` : ''}\n  }\n}\n`;
    save(ctx, file, text, 'created (strict, target ES2022, the tensorjit plugins)');
    return;
  }
  const entries: [string, string][] = [];
  if (wantTransform && !/"transform"\s*:\s*"tensorjit\/transformer"\s*\}/.test(text)) entries.push(['{ "transform": "tensorjit/transformer" }', 'the transformer']);
  if (wantTransform && !/"transformProgram"\s*:\s*true/.test(text)) entries.push(['{ "transform": "tensorjit/transformer", "transformProgram": true }', 'the diagnostics entry']);
  if (wantLs && !text.includes('tensorjit/language-service')) entries.push(['{ "name": "tensorjit/language-service" }', 'the editor plugin']);
  const co = /"compilerOptions"\s*:\s*\{/.exec(text);
  if (!co) {
    ctx.notes.push(`${file} has no "compilerOptions": add "plugins": [${entries.map((e) => e[0]).join(', ')}] yourself`);
    return;
  }
  const what: string[] = [];
  if (entries.length) {
    const p = /"plugins"\s*:\s*\[/.exec(text);
    const list = entries.map((e) => e[0]);
    if (p) {
      const at = p.index + p[0].length;
      const empty = /^\s*\]/.test(text.slice(at));
      text = text.slice(0, at) + `\n      ${list.join(',\n      ')}${empty ? '\n    ' : ','}` + text.slice(at);
    } else {
      const at = co.index + co[0].length;
      const emptyCo = /^\s*\}/.test(text.slice(at));
      text = text.slice(0, at) + `\n    "plugins": [\n      ${list.join(',\n      ')}\n    ]${emptyCo ? '\n  ' : ','}` + text.slice(at);
    }
    what.push(`added ${entries.map((e) => e[1]).join(', ')} to "plugins"`);
  }
  // standard decorators (@jit on methods): TypeScript emits them natively only for target ESNext, which Node 20 cannot run
  const target = /"target"\s*:\s*"([^"]*)"/i.exec(text);
  if (!target) {
    const at = /"compilerOptions"\s*:\s*\{/.exec(text)!;
    const pos = at.index + at[0].length;
    text = text.slice(0, pos) + `\n    "target": "ES2022",` + text.slice(pos);
    what.push('"target": "ES2022" (standard decorators are compiled for Node 20)');
  } else if (/^esnext$/i.test(target[1])) {
    text = text.slice(0, target.index) + '"target": "ES2022"' + text.slice(target.index + target[0].length);
    what.push('"target": "ESNext" → "ES2022" (with ESNext, @jit method decorators are emitted as native decorators, which Node 20 cannot run)');
  }
  if (what.length) save(ctx, file, text, what.join('; '));
}

function scripts(ctx: Ctx, toolchain: Toolchain, pkg: Pkg, pkgText: string): void {
  const s = { ...(pkg.scripts ?? {}) };
  const what: string[] = [];
  if (toolchain === 'tspc') {
    const usesTsc = Object.entries(s).some(([k, v]) => k !== 'prepare' && /(^|[\s&;|])tsc(\s|$)/.test(v));
    if (usesTsc && !/ts-patch install/.test(s.prepare ?? '')) {
      s.prepare = s.prepare ? `${s.prepare} && ts-patch install -s` : 'ts-patch install -s';
      what.push('"prepare": "ts-patch install -s" (so the scripts\' tsc loads the tsconfig plugins)');
    }
  }
  if (toolchain === 'node') {
    for (const [k, v] of Object.entries(s)) {
      const m = /^(?:npx\s+)?(?:tsx|ts-node(?:\s+--transpile-only)?|node)\s+((?:[\w./-]+\/)?[\w.-]+\.[cm]?tsx?)(.*)$/.exec(v);
      if (m && !v.includes('tensorjit/register')) {
        s[k] = `node --import tensorjit/register ${m[1]}${m[2]}`;
        what.push(`"${k}": "${s[k]}"`);
      }
    }
  }
  if (!what.length) return;
  pkg.scripts = s;
  save(ctx, 'package.json', JSON.stringify(pkg, null, detectIndent(pkgText)) + '\n', what.join('; '));
}

export function setup(argv: readonly string[], cwd: string, out: (s: string) => void, err: (s: string) => void): number {
  let toolchain: Toolchain | undefined;
  let dryRun = false;
  let dir = cwd;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') dryRun = true;
    else if (a === '--toolchain' || a === '-t') {
      const v = argv[++i] as Toolchain;
      if (!TOOLCHAINS.includes(v)) { err(`--toolchain takes one of ${TOOLCHAINS.join(', ')}\n`); return 2; }
      toolchain = v;
    } else if (a === '--dir') dir = path.resolve(cwd, argv[++i] ?? '.');
    else { err(`Unknown option '${a}' for setup. Usage: tensorjit setup [--toolchain ${TOOLCHAINS.join('|')}] [--dry-run]\n`); return 2; }
  }
  const pkgText = (() => { try { return fs.readFileSync(path.join(dir, 'package.json'), 'utf8'); } catch { return undefined; } })();
  if (pkgText === undefined) { err(`No package.json in ${dir}: run tensorjit setup in the project's root.\n`); return 2; }
  const pkg = JSON.parse(pkgText) as Pkg;
  const detected = toolchain ? { toolchain, why: '--toolchain' } : detect(dir, pkg);
  const tsVersion = projectTsVersion(dir) ?? deps(pkg).typescript;
  const tsMajor = Number((tsVersion ?? '0').replace(/^[^\d]*/, '').split('.')[0]) || 0;
  const ctx: Ctx = { dir, dryRun, out, changed: [], notes: [] };
  out(`tensorjit setup: ${detected.toolchain} (${detected.why})${tsVersion ? `, TypeScript ${tsVersion}` : ''}\n`);
  if (detected.toolchain === 'tspc' && tsMajor >= 7) {
    err(`tspc (ts-patch) cannot run on TypeScript ${tsVersion}: TypeScript 7 has no compiler API for transformers. ` +
      `Use a bundler plugin (tensorjit setup --toolchain vite|webpack|esbuild|rollup), tensorjit/jest, or node --import tensorjit/register ` +
      `(tensorjit setup --toolchain node); or install typescript@5.9 / 6.0 for tspc. Nothing changed.\n`);
    return 1;
  }
  const t = detected.toolchain;
  if (t === 'vite' || t === 'vitest' || t === 'webpack' || t === 'rspack' || t === 'rollup' || t === 'esbuild') bundler(ctx, t);
  if (t === 'jest') jest(ctx, pkg, pkgText);
  tsconfig(ctx, t, tsMajor || 5);
  const freshPkgText = dryRun ? pkgText : fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
  scripts(ctx, t, JSON.parse(freshPkgText) as Pkg, freshPkgText);
  if (t === 'tspc' && !deps(pkg)['ts-patch']) ctx.notes.push('Install the compiler: npm install --save-dev typescript@~5.9.3 ts-patch@~3.3.0, then build with npx tspc');
  if (t === 'node') ctx.notes.push('Run TypeScript files with: node --import tensorjit/register <file>.ts');
  if (tsMajor >= 7) ctx.notes.push(`TypeScript ${tsVersion}: editors get no tensorjit plugin; run npx tensorjit check --watch next to them (or in CI npx tensorjit check)`);
  if (ctx.changed.length) for (const c of ctx.changed) out(`  ${dryRun ? 'would change' : 'changed'} ${c}\n`);
  else out('  nothing to change: the project is set up\n');
  for (const n of ctx.notes) out(`  note: ${n}\n`);
  return 0;
}
