/**
 * `tensorjit setup` on fixture projects: detection, the edits (text insertions that keep comments),
 * the printed summary, idempotency, and the TypeScript 7 + tspc refusal.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from 'tensorjit/transformer';

function project(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-setup-'));
  for (const [f, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), typeof c === 'string' ? c : JSON.stringify(c, null, 2) + '\n');
  }
  return dir;
}

function setup(dir: string, ...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(['setup', ...args], dir, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

/** Runs setup twice: the second run must change nothing. */
function twice(dir: string, ...args: string[]): { code: number; out: string; err: string } {
  const first = setup(dir, ...args);
  assert.strictEqual(first.code, 0, first.err);
  const snapshot = fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).isFile() ? read(dir, f) : '').join('\0');
  const second = setup(dir, ...args);
  assert.strictEqual(second.code, 0, second.err);
  assert.match(second.out, /nothing to change: the project is set up/);
  assert.strictEqual(fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).isFile() ? read(dir, f) : '').join('\0'), snapshot);
  return first;
}

describe('tensorjit setup', () => {
  it('vite: adds the plugin to an existing config, keeps the rest', () => {
    const dir = project({
      'package.json': { name: 'a', devDependencies: { vite: '7.3.8', typescript: '5.9.3' } },
      'vite.config.ts': "// my config\nimport { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n\nexport default defineConfig({\n  plugins: [react()],\n});\n",
      'tsconfig.json': '{\n  // comments stay\n  "compilerOptions": {\n    "strict": true,\n    "target": "ESNext"\n  }\n}\n',
    });
    const r = twice(dir);
    assert.match(r.out, /tensorjit setup: vite \(vite\.config\.ts\)/);
    assert.match(r.out, /changed vite\.config\.ts: added the tensorjit plugin \(tensorjit\/vite\)/);
    const cfg = read(dir, 'vite.config.ts');
    assert.match(cfg, /^\/\/ my config\nimport tensorjit from 'tensorjit\/vite';\nimport \{ defineConfig \}/);
    assert.match(cfg, /plugins: \[tensorjit\(\), react\(\)\]/);
    const tsconfig = read(dir, 'tsconfig.json');
    assert.match(tsconfig, /\/\/ comments stay/);
    assert.match(tsconfig, /"target": "ES2022"/);
    assert.match(tsconfig, /\{ "name": "tensorjit\/language-service" \}/);
    assert.doesNotMatch(tsconfig, /tensorjit\/transformer/); // the bundler plugin transforms, not tsc
  });

  it('webpack: CommonJS config without plugins gets require + plugins, and the externals note', () => {
    const dir = project({
      'package.json': { name: 'a', devDependencies: { webpack: '5.113.0' } },
      'webpack.config.js': "const path = require('path');\nmodule.exports = {\n  entry: './src/main.ts',\n};\n",
    });
    const r = twice(dir);
    const cfg = read(dir, 'webpack.config.js');
    assert.match(cfg, /^const tensorjit = require\('tensorjit\/webpack'\);\nconst path/);
    assert.match(cfg, /module\.exports = \{\n  plugins: \[tensorjit\(\)\],\n  entry/);
    assert.match(r.out, /note: webpack\.config\.js: onnxruntime-node loads native \.node files/);
    assert.match(r.out, /changed tsconfig\.json: created/);
  });

  it('jest: the package.json jest key gets the tensorjit/jest transform (replacing ts-jest)', () => {
    const dir = project({ 'package.json': { name: 'a', devDependencies: { jest: '30.5.2' }, jest: { transform: { '^.+\\.tsx?$': 'ts-jest' } } } });
    const r = twice(dir);
    assert.match(r.out, /jest\.transform uses tensorjit\/jest for TypeScript \(replacing \^\.\+\\\.tsx\?\$\)/);
    assert.deepStrictEqual(JSON.parse(read(dir, 'package.json')).jest, { transform: { '^.+\\.tsx?$': 'tensorjit/jest' } });
  });

  it('esbuild: finds the build script', () => {
    const dir = project({
      'package.json': { name: 'a', devDependencies: { esbuild: '0.28.2' } },
      'build.mjs': "import * as esbuild from 'esbuild';\nawait esbuild.build({ entryPoints: ['a.ts'], bundle: true });\n",
    });
    twice(dir);
    assert.match(read(dir, 'build.mjs'), /^import tensorjit from 'tensorjit\/esbuild';\nimport \* as esbuild[\s\S]*esbuild\.build\(\{\n  plugins: \[tensorjit\(\)\],/);
  });

  it('tspc: tsconfig plugins, target, and prepare: ts-patch install when the scripts use tsc', () => {
    const dir = project({
      'package.json': { name: 'a', scripts: { build: 'tsc -p .' }, devDependencies: { typescript: '~5.9.3', 'ts-patch': '~3.3.0' } },
      'tsconfig.json': '{\n  "compilerOptions": {\n    "strict": true, // keep\n    "plugins": []\n  }\n}\n',
    });
    const r = twice(dir);
    assert.match(r.out, /tensorjit setup: tspc \(ts-patch in package\.json\)/);
    const tsconfig = read(dir, 'tsconfig.json');
    assert.match(tsconfig, /"strict": true, \/\/ keep/);
    assert.match(tsconfig, /"target": "ES2022"/);
    assert.match(tsconfig, /\{ "transform": "tensorjit\/transformer" \},\n\s*\{ "transform": "tensorjit\/transformer", "transformProgram": true \},\n\s*\{ "name": "tensorjit\/language-service" \}\n\s*\]/);
    assert.strictEqual(JSON.parse(read(dir, 'package.json')).scripts.prepare, 'ts-patch install -s');
  });

  it('plain node: scripts that run TypeScript use node --import tensorjit/register', () => {
    const dir = project({ 'package.json': { name: 'a', scripts: { start: 'tsx src/main.ts --fast', other: 'echo hi' }, devDependencies: { typescript: '7.0.2' } } });
    const r = twice(dir);
    assert.match(r.out, /tensorjit setup: node/);
    assert.deepStrictEqual(JSON.parse(read(dir, 'package.json')).scripts, { start: 'node --import tensorjit/register src/main.ts --fast', other: 'echo hi' });
    assert.match(r.out, /note: TypeScript 7\.0\.2: editors get no tensorjit plugin; run npx tensorjit check --watch/);
    assert.doesNotMatch(read(dir, 'tsconfig.json'), /language-service/);
  });

  it('tspc on TypeScript 7 is refused with what to use instead; --dry-run writes nothing', () => {
    const dir = project({ 'package.json': { name: 'a', scripts: { build: 'tspc' }, devDependencies: { typescript: '7.0.2' } } });
    const r = setup(dir);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /tspc \(ts-patch\) cannot run on TypeScript 7\.0\.2: .*node --import tensorjit\/register/);
    const d = setup(dir, '--toolchain', 'vite', '--dry-run');
    assert.strictEqual(d.code, 0);
    assert.match(d.out, /would change vite\.config\.mjs: created/);
    assert.ok(!fs.existsSync(path.join(dir, 'vite.config.mjs')));
  });
});
