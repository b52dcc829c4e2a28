/**
 * Build-time cost of the bundler plugin: a generated 50-file app (every file imports tensorjit,
 * every fifth has a jit function with a tensor `if`) bundled by esbuild and by vite, with and
 * without the tensorjit plugin, each build a fresh process (cold: the plugin builds its program).
 * `node dist/test/toolchains/overhead.js [runs]` prints the medians (docs/transformer.md quotes them).
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { makeProject, ROOT } from './matrix';

function generate(dir: string, files = 50): void {
  const src = path.join(dir, 'src');
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(src);
  const imports: string[] = [];
  for (let i = 1; i < files; i++) {
    const jit = i % 5 === 0;
    fs.writeFileSync(path.join(src, `m${i}.ts`), [
      "import { math, spatial, Tensor } from 'tensorjit';",
      i > 1 ? `import { f${i - 1} } from './m${i - 1}';` : '',
      '',
      jit ? '/** @jit */' : '',
      `export function f${i}(x: Tensor): Tensor {`,
      jit ? `  if (x.gt(${i})) return x.mul(2);` : '',
      `  const y = ${i > 1 ? `f${i - 1}(x)` : 'x'}.add(${i});`,
      `  return y.mul(math.tensor([1, 2, 3], spatial('k')).sum());`,
      '}',
      '',
      `export const label${i}: string = 'module ${i}';`,
      '',
    ].join('\n'));
    imports.push(`import { label${i} } from './m${i}';`);
  }
  fs.writeFileSync(path.join(src, 'main.ts'), `${imports.join('\n')}\nimport { f${files - 1} } from './m${files - 1}';\nimport { math, spatial } from 'tensorjit';\n` +
    `console.log(f${files - 1}(math.tensor([1, 2], spatial('x'))).shape.toString(), [${[...Array(files - 1)].map((_, i) => `label${i + 1}`).join(', ')}].length);\n`);
}

/** Wall time and CPU time (user + sys, children included: bash's `time`) of one build, in ms. */
function time(dir: string, args: string[]): [number, number] {
  const t0 = process.hrtime.bigint();
  const quoted = [process.execPath, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='CPU %U %S'; time ${quoted} >/dev/null`], { cwd: dir, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return [wall, (Number(m[1]) + Number(m[2])) * 1000];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 5);
  const dir = makeProject('overhead');
  generate(dir);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true, types: [] }, include: ['src'] }));
  const esb = (plugin: boolean) => `import * as esbuild from 'esbuild';\n${plugin ? "import tensorjit from 'tensorjit/esbuild';\n" : ''}` +
    `await esbuild.build({ entryPoints: ['src/main.ts'], bundle: true, platform: 'node', format: 'esm', outfile: 'out/main.mjs', external: ['tensorjit'], plugins: [${plugin ? 'tensorjit()' : ''}] });\n`;
  const vite = (plugin: boolean) => `import { defineConfig } from 'vite';\n${plugin ? "import tensorjit from 'tensorjit/vite';\n" : ''}` +
    `export default defineConfig({ plugins: [${plugin ? 'tensorjit()' : ''}], logLevel: 'warn', build: { ssr: 'src/main.ts', outDir: 'out' }, ssr: { external: ['tensorjit'] } });\n`;
  fs.writeFileSync(path.join(dir, 'esb-plain.mjs'), esb(false));
  fs.writeFileSync(path.join(dir, 'esb-plugin.mjs'), esb(true));
  fs.writeFileSync(path.join(dir, 'vite-plain.config.mjs'), vite(false));
  fs.writeFileSync(path.join(dir, 'vite-plugin.config.mjs'), vite(true));
  const viteBin = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const cases: [string, string[]][] = [
    ['esbuild', ['esb-plain.mjs']], ['esbuild + tensorjit', ['esb-plugin.mjs']],
    ['vite', [viteBin, 'build', '-c', 'vite-plain.config.mjs']], ['vite + tensorjit', [viteBin, 'build', '-c', 'vite-plugin.config.mjs']],
  ];
  const results: Record<string, [number, number][]> = {};
  for (let r = 0; r < runs; r++) for (const [name, args] of cases) (results[name] ??= []).push(time(dir, args));
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`load average ${require('os').loadavg()[0].toFixed(1)} on ${require('os').cpus().length} cores; ${runs} runs each`);
  for (const [name, xs] of Object.entries(results)) {
    console.log(`${name.padEnd(22)} wall median ${s(median(xs.map((x) => x[0])))}  CPU median ${s(median(xs.map((x) => x[1])))}`);
  }
  const check = spawnSync(process.execPath, ['out/main.mjs'], { cwd: dir, encoding: 'utf8' });
  console.log(`the vite + tensorjit build runs: ${check.stdout.trim()}`);
}
