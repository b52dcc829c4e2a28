/**
 * The package as a user gets it (slow: `npm run test:toolchains`, TENSORJIT_TOOLCHAINS=all): the
 * `npm pack` tarball installs from the registry next to TypeScript 7 (no peer conflict),
 * `tensorjit check` works there, `node --import tensorjit/register` runs converted code, the
 * subpath types resolve under node10 resolution, the README's tsconfig compiles tensorjit's own
 * declarations, source maps resolve, and the tarball has no charts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, CONVERTED } from './matrix';

const all = process.env.TENSORJIT_TOOLCHAINS === 'all';
const TS7 = '7.0.2';

/** The compilerOptions of the README's tsconfig snippet (without its plugins). */
const README_OPTIONS = (() => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = /```json\n(\{\n  "compilerOptions"[\s\S]*?)\n```/.exec(readme);
  if (!m) throw new Error('README.md: no tsconfig snippet');
  const o = JSON.parse(m[1]).compilerOptions as Record<string, unknown>;
  delete o.plugins;
  return o;
})();

function run(cwd: string, cmd: string, args: string[]): { status: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  delete env.TENSORJIT_UNTRANSFORMED;
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}${r.error ? String(r.error) : ''}` };
}

(all ? describe : describe.skip)('toolchain packaging (npm pack, TypeScript 7)', function () {
  this.timeout(900_000);
  let dir: string;
  let tarball: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-pack-'));
    const p = run(ROOT, 'npm', ['pack', '--pack-destination', dir, '--json']);
    assert.strictEqual(p.status, 0, p.out);
    tarball = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  });

  it('the tarball: no charts, sources for the source maps, LICENSE, declarations of every subpath', () => {
    const list = run(dir, 'tar', ['-tzf', tarball]).out.split('\n').map((l) => l.replace(/^package\//, ''));
    assert.ok(!list.some((f) => /\.(svg|png)$/.test(f)), 'no charts');
    assert.ok(list.includes('LICENSE'));
    assert.ok(list.includes('runtime/src/index.ts') && list.includes('transformer/src/hosts/service.ts'));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const [sub, e] of Object.entries(pkg.exports as Record<string, { types?: string; default: string } | string>)) {
      if (typeof e === 'string') continue;
      assert.ok(list.includes(e.default.replace(/^\.\//, '')), `${sub} → ${e.default}`);
      assert.ok(list.includes(e.types!.replace(/^\.\//, '')), `${sub} types → ${e.types}`);
    }
    // every map's sources are in the package
    const maps = list.filter((f) => /^dist\/.*\.js\.map$/.test(f));
    for (const m of maps.slice(0, 40)) {
      const map = JSON.parse(fs.readFileSync(path.join(ROOT, m), 'utf8')) as { sources: string[] };
      for (const s of map.sources) assert.ok(list.includes(path.normalize(path.join(path.dirname(m), s))), `${m} → ${s}`);
    }
  });

  it(`installs next to typescript@${TS7}; tensorjit check and node --import tensorjit/register work there`, () => {
    const app = path.join(dir, 'app');
    fs.mkdirSync(path.join(app, 'src'), { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0',
      dependencies: { tensorjit: `file:${tarball}` }, devDependencies: { typescript: TS7 } }, null, 2));
    for (const f of fs.readdirSync(path.join(ROOT, 'test', 'toolchains', 'probe'))) {
      fs.copyFileSync(path.join(ROOT, 'test', 'toolchains', 'probe', f), path.join(app, 'src', f === 'probe.ts' ? 'main.ts' : f));
    }
    fs.writeFileSync(path.join(app, 'src', 'bad.ts'), "import { jit, Tensor } from 'tensorjit';\nexport const f = jit((x: Tensor) => { while (x.gt(0)) { x = x.sub(1); } return x; });\n");
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'node16', skipLibCheck: true,
      plugins: [{ transform: 'tensorjit/transformer' }] }, include: ['src/main.ts', 'src/lib.ts', 'src/helper.ts', 'src/bad.ts'] }, null, 2));
    const i = run(app, 'npm', ['install', '--no-audit', '--no-fund']);
    assert.strictEqual(i.status, 0, i.out);
    assert.match(fs.readFileSync(path.join(app, 'node_modules', 'typescript', 'package.json'), 'utf8'), new RegExp(`"version": "${TS7.replace(/\./g, '\\.')}"`));
    const c = run(app, process.execPath, [path.join(app, 'node_modules', 'tensorjit', 'dist', 'transformer', 'cli', 'main.js'), 'check']);
    assert.strictEqual(c.status, 1, c.out); // bad.ts: a while loop on a tensor
    assert.match(c.out, /src\/bad\.ts\(2,\d+\): error TS93\d{3}/);
    assert.match(c.out, new RegExp(`the project's TypeScript is ${TS7.replace(/\./g, '\\.')}; checked with tensorjit's own TypeScript 5\\.9`));
    assert.match(c.out, /need tspc \/ ts-patch, which cannot run on TypeScript 7/);
    fs.rmSync(path.join(app, 'src', 'bad.ts'));
    const r = run(app, process.execPath, ['--import', 'tensorjit/register', 'src/main.ts']);
    assert.strictEqual(r.status, 0, r.out);
    assert.ok(r.out.includes(CONVERTED) && !r.out.includes('TENSORJIT_UNTRANSFORMED'), r.out);
    // subpath types under node10 resolution (typesVersions)
    fs.writeFileSync(path.join(app, 'src', 'types.ts'), [
      "import { math } from 'tensorjit';",
      "import vite = require('tensorjit/vite');",
      "import esbuild = require('tensorjit/esbuild');",
      "import webpack = require('tensorjit/webpack');",
      "import jest = require('tensorjit/jest');",
      "import { createTransformer } from 'tensorjit/transformer';",
      "import ls = require('tensorjit/language-service');",
      'export const all = [math.jitOf, vite, esbuild, webpack, jest.process, createTransformer, ls];',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(app, 'tsconfig.node10.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', lib: ['ES2022'],
      module: 'commonjs', moduleResolution: 'node10', types: [], noEmit: true, skipLibCheck: true }, files: ['src/types.ts'] }));
    // the README's tsconfig compiles tensorjit's own declarations (no skipLibCheck)
    fs.writeFileSync(path.join(app, 'src', 'readme.ts'), "import { math, spatial } from 'tensorjit';\nimport { createTransformer } from 'tensorjit/transformer';\nexport const t = [math.tensor([1], spatial('x')), createTransformer];\n");
    fs.writeFileSync(path.join(app, 'tsconfig.readme.json'), JSON.stringify({ compilerOptions: { ...README_OPTIONS, noEmit: true, types: [] }, files: ['src/readme.ts'] }));
    const tsc = path.join(app, 'node_modules', 'tensorjit', 'node_modules', 'typescript', 'bin', 'tsc');
    for (const config of ['tsconfig.node10.json', 'tsconfig.readme.json']) {
      const t = run(app, process.execPath, [tsc, '-p', config]);
      assert.strictEqual(t.status, 0, `${config}: ${t.out}`);
    }
  });
});
