/**
 * The toolchain matrix: the same probe app (test/toolchains/probe) built and run with each
 * toolchain, each in a fresh project directory whose node_modules links this repository's
 * packages and `tensorjit` itself (the repository root, built). Each toolchain either computes the
 * converted result or emits TENSORJIT_UNTRANSFORMED.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROBE = path.join(ROOT, 'test', 'toolchains', 'probe');
const BIN = (pkg: string, rel: string) => path.join(ROOT, 'node_modules', pkg, rel);

export const CONVERTED = 'PROBE (0, 2) | (1, 2)';
export const CONVERTED_ASYNC = 'ASYNC (1, 2)';
export const UNCONVERTED = 'PROBE (-1, 2) | (-1, 2)';

export interface Outcome { stdout: string; stderr: string; status: number | null; ms: number; dir: string }

export interface Toolchain {
  readonly name: string;
  /** 'converted': the result is the converted one; 'warns': the plain-JS result and the warning. */
  readonly expect: 'converted' | 'warns';
  /** Functions the warning must name (for 'warns'). */
  readonly warns?: readonly string[];
  /** The probe is a test file run by the tool (jest, vitest): the tool's exit status says it passed. */
  readonly testRunner?: boolean;
  readonly setup: (dir: string) => void;
  /** Build (optional) and run; returns the run's output. */
  readonly run: (dir: string) => Outcome;
}

const TSCONFIG_CJS = { compilerOptions: { strict: true, target: 'ES2022', module: 'node16', moduleResolution: 'node16', skipLibCheck: true, outDir: 'out', types: [] as string[] } };
const TSCONFIG_BUNDLER = { compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true, types: [] as string[] } };

function write(dir: string, file: string, content: unknown): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
}

/** A project directory with the probe and node_modules linking this repository's packages. */
export function makeProject(name: string, packageJson: Record<string, unknown> = {}): string {
  const base = path.join(os.tmpdir(), 'tensorjit-toolchains');
  const dir = path.join(base, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  for (const e of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (e === '.cache' || e === '.package-lock.json') continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', e), path.join(dir, 'node_modules', e));
  }
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'tensorjit'), 'dir');
  fs.mkdirSync(path.join(dir, 'src'));
  for (const f of fs.readdirSync(PROBE)) fs.copyFileSync(path.join(PROBE, f), path.join(dir, 'src', f === 'probe.ts' ? 'main.ts' : f));
  write(dir, 'package.json', { name: `probe-${name}`, private: true, version: '1.0.0', ...packageJson });
  return dir;
}

function sh(dir: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Outcome {
  const t0 = Date.now();
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e.TENSORJIT_UNTRANSFORMED;
  delete e.NODE_OPTIONS;
  const r = spawnSync(cmd, args, { cwd: dir, env: e, encoding: 'utf8', timeout: 300_000 });
  return { stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''), status: r.status, ms: Date.now() - t0, dir };
}

/** The file of a `<!-- recipe: tool file -->` block in docs/transformer.md, verbatim. */
export function recipe(tool: string, file: string): string {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'transformer.md'), 'utf8');
  const m = new RegExp(`<!-- recipe: ${tool.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${file.replace('.', '\\.')} -->\n\`\`\`\\w*\n([\\s\\S]*?)\n\`\`\`\n`).exec(doc);
  if (!m) throw new Error(`docs/transformer.md has no recipe block for ${tool} ${file}`);
  return m[1] + '\n';
}

function writeRecipe(dir: string, tool: string, file: string): void {
  write(dir, file, recipe(tool, file));
}

/** Runs the build step, then (if it succeeded) the program. */
function buildThenRun(dir: string, build: [string, string[]], run: [string, string[]]): Outcome {
  const b = sh(dir, build[0], build[1]);
  if (b.status !== 0) return { ...b, stderr: `build failed (${build.join(' ')}):\n${b.stdout}\n${b.stderr}` };
  const r = sh(dir, run[0], run[1]);
  return { ...r, ms: r.ms + b.ms, stderr: b.stderr + r.stderr };
}

const node = process.execPath;

export const TOOLCHAINS: readonly Toolchain[] = [
  {
    name: 'tspc', expect: 'converted',
    setup: (d) => writeRecipe(d, 'tspc', 'tsconfig.json'),
    run: (d) => buildThenRun(d, [node, [BIN('ts-patch', 'bin/tspc.js'), '-p', '.']], [node, ['out/main.js']]),
  },
  {
    name: 'ts-node', expect: 'converted',
    setup: (d) => writeRecipe(d, 'ts-node', 'tsconfig.json'),
    run: (d) => sh(d, node, [BIN('ts-node', 'dist/bin.js'), 'src/main.ts']),
  },
  {
    name: 'node --import tensorjit/register', expect: 'converted',
    setup: (d) => write(d, 'tsconfig.json', TSCONFIG_CJS),
    run: (d) => sh(d, node, ['--import', 'tensorjit/register', 'src/main.ts']),
  },
  {
    name: 'esbuild', expect: 'converted',
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_BUNDLER);
      writeRecipe(d, 'esbuild', 'build.mjs');
    },
    run: (d) => buildThenRun(d, [node, ['build.mjs']], [node, ['--enable-source-maps', 'out/main.mjs']]),
  },
  {
    name: 'vite', expect: 'converted',
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_BUNDLER);
      writeRecipe(d, 'vite', 'vite.config.mjs');
    },
    run: (d) => buildThenRun(d, [node, [BIN('vite', 'bin/vite.js'), 'build', '--logLevel', 'warn']], [node, ['out/main.mjs']]),
  },
  {
    name: 'vitest', expect: 'converted', testRunner: true,
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_BUNDLER);
      writeRecipe(d, 'vitest', 'vitest.config.mjs');
      fs.writeFileSync(path.join(d, 'src', 'probe.test.ts'), `import { test, expect } from 'vitest';\n${fs.readFileSync(path.join(d, 'src', 'probe.test.ts'), 'utf8').replace(/^declare const .*\n/gm, '')}`);
    },
    run: (d) => sh(d, node, [BIN('vitest', 'vitest.mjs'), 'run']),
  },
  {
    name: 'rollup', expect: 'converted',
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_BUNDLER);
      writeRecipe(d, 'rollup', 'rollup.config.mjs');
    },
    run: (d) => buildThenRun(d, [node, [BIN('rollup', 'dist/bin/rollup'), '-c', '--silent']], [node, ['out/main.mjs']]),
  },
  {
    name: 'webpack', expect: 'converted',
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_BUNDLER);
      writeRecipe(d, 'webpack', 'webpack.config.js');
    },
    run: (d) => buildThenRun(d, [node, [BIN('webpack-cli', 'bin/cli.js'), '--no-stats']], [node, ['out/main.js']]),
  },
  {
    name: 'rspack', expect: 'converted',
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_BUNDLER);
      write(d, 'build.js', `const { rspack } = require('@rspack/core');
rspack(require('./rspack.config.js'), (err, stats) => {
  if (err || stats.hasErrors()) { console.error(err ?? stats.toString('errors-only')); process.exit(1); }
});
`);
      // docs/transformer.md: the webpack recipe with tensorjit/rspack
      write(d, 'rspack.config.js', recipe('webpack', 'webpack.config.js').replace(/webpack/g, 'rspack'));
    },
    run: (d) => buildThenRun(d, [node, ['build.js']], [node, ['out/main.js']]),
  },
  {
    name: 'jest', expect: 'converted', testRunner: true,
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_CJS);
      writeRecipe(d, 'jest', 'jest.config.js');
      // two test files: each gets its own module registry (and realm) in the same worker
      fs.copyFileSync(path.join(d, 'src', 'probe.test.ts'), path.join(d, 'src', 'probe2.test.ts'));
    },
    run: (d) => sh(d, node, [BIN('jest', 'bin/jest.js'), '--ci']),
  },
  {
    name: 'bun', expect: 'converted',
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_BUNDLER);
      writeRecipe(d, 'bun', 'bunfig.toml');
    },
    run: (d) => sh(d, BIN('bun', 'bin/bun.exe'), ['src/main.ts']),
  },
  {
    name: 'tsx', expect: 'warns', warns: ['relu', '<anonymous>'],
    setup: (d) => write(d, 'tsconfig.json', TSCONFIG_CJS),
    run: (d) => sh(d, node, [BIN('tsx', 'dist/cli.mjs'), 'src/main.ts']),
  },
  {
    // swc drops the JSDoc comment of an exported function: only the jitCompile function is found
    name: 'swc', expect: 'warns', warns: ['<anonymous>'],
    setup: (d) => {
      write(d, 'tsconfig.json', TSCONFIG_CJS);
      write(d, 'build.js', `const swc = require('@swc/core');
const fs = require('fs');
fs.mkdirSync('out', { recursive: true });
for (const f of ['main', 'lib', 'helper']) {
  const { code } = swc.transformFileSync('src/' + f + '.ts', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  fs.writeFileSync('out/' + f + '.js', code);
}
`);
    },
    run: (d) => buildThenRun(d, [node, ['build.js']], [node, ['out/main.js']]),
  },
  {
    name: 'plain tsc', expect: 'warns', warns: ['relu', '<anonymous>'],
    setup: (d) => write(d, 'tsconfig.json', { ...TSCONFIG_CJS, include: ['src/main.ts'] }),
    run: (d) => buildThenRun(d, [node, [BIN('typescript', 'bin/tsc'), '-p', '.']], [node, ['out/main.js']]),
  },
  {
    name: 'esbuild without the plugin', expect: 'warns', warns: ['<anonymous>'],
    setup: (d) => write(d, 'tsconfig.json', TSCONFIG_BUNDLER),
    run: (d) => buildThenRun(d, [BIN('esbuild', 'bin/esbuild'), ['src/main.ts', '--bundle', '--platform=node', '--format=esm', '--external:tensorjit', '--outfile=out/main.mjs', '--log-level=warning']],
      [node, ['out/main.mjs']]),
  },
];

export interface Verdict { ok: boolean; why: string }

export function judge(tc: Toolchain, o: Outcome): Verdict {
  const warnings = o.stderr.split('\n').filter((l) => l.includes('[TENSORJIT_UNTRANSFORMED]'));
  const tail = `\n--- stdout\n${o.stdout.slice(-3000)}\n--- stderr\n${o.stderr.slice(-3000)}`;
  if (tc.expect === 'converted') {
    if (o.status !== 0) return { ok: false, why: `exit ${o.status}${tail}` };
    if (warnings.length) return { ok: false, why: `unexpected TENSORJIT_UNTRANSFORMED${tail}` };
    if (tc.testRunner) return { ok: true, why: 'test passed' };
    if (!o.stdout.includes(CONVERTED) || !o.stdout.includes(CONVERTED_ASYNC)) return { ok: false, why: `not the converted result${tail}` };
    return { ok: true, why: CONVERTED };
  }
  if (o.status !== 0) return { ok: false, why: `exit ${o.status}${tail}` };
  if (!o.stdout.includes(UNCONVERTED)) return { ok: false, why: `expected the plain-JS result${tail}` };
  for (const name of tc.warns ?? []) {
    if (!warnings.some((w) => w.includes(`Warning: ${name} (`) || w.includes(`Warning: ${name} is`))) return { ok: false, why: `no warning for ${name}${tail}` };
  }
  return { ok: true, why: `warns (${warnings.length})` };
}
