/**
 * TENSORJIT_UNTRANSFORMED (API.md "Without the transformer"): jit functions the transformer did
 * not process warn once each, naming the function; `{ transformed: false }` and
 * TENSORJIT_UNTRANSFORMED=ignore silence it; another env value is an error. Each case runs a
 * small plain-JS script in a child process (warnings are per process).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { math, spatial, JitError } from 'tensorjit';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function run(src: string, env: Record<string, string | undefined> = {}, name = 'app.js'): { stdout: string; stderr: string; status: number | null; warnings: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-untransformed-'));
  fs.writeFileSync(path.join(dir, name), src);
  const e: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') };
  delete e.TENSORJIT_UNTRANSFORMED;
  for (const [k, v] of Object.entries(env)) { if (v === undefined) delete e[k]; else e[k] = v; }
  // the package by self-reference: a node_modules/tensorjit link beside the script
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'tensorjit'), 'dir');
  const r = spawnSync(process.execPath, [name], { cwd: dir, env: e, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  const warnings = r.stderr.split('\n').filter((l) => l.includes('[TENSORJIT_UNTRANSFORMED]'));
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, warnings };
}

const PROBE = `
const { math, spatial } = require('tensorjit');
/** @jit */
function relu(x) {
  if (x.gt(0)) return x;
  return math.zerosLike(x);
}
const flip = math.jitCompile(function flip(x) { return x.gt(0) ? x : x.neg(); });
const twice = math.jitCompile((x) => x.mul(2));          // no control flow: no warning
const x = math.tensor([-1, 2], spatial('x'));
for (let i = 0; i < 3; i++) console.log(\`\${relu(x)} \${flip(x)} \${twice(x)}\`);
`;

describe('TENSORJIT_UNTRANSFORMED', () => {
  it('warns once per untransformed jit function with control flow, naming it and the setup', () => {
    const r = run(PROBE);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.warnings.length, 2, r.stderr);
    const flip = r.warnings.find((w) => w.includes('flip (at app.js:8)'));
    const relu = r.warnings.find((w) => w.includes('relu (/** @jit */ at app.js:3)'));
    assert.ok(flip && relu, r.stderr);
    assert.match(flip, /did not process/);
    assert.match(flip, /Build with tspc/);
    assert.match(flip, /TENSORJIT_UNTRANSFORMED=ignore/);
  });

  it('names the toolchain it detects (a .ts entry, jest, vitest)', () => {
    assert.match(run(PROBE, {}, 'app.ts').warnings.join('\n'), /node --import tensorjit\/register app\.ts/);
    assert.match(run(PROBE, { JEST_WORKER_ID: '1' }).warnings[0], /tensorjit\/jest/);
    assert.match(run(PROBE, { VITEST: 'true' }).warnings[0], /tensorjit\/vite/);
  });

  it('is silenced by { transformed: false } and by TENSORJIT_UNTRANSFORMED=ignore', () => {
    const silenced = PROBE.replace('/** @jit */\nfunction relu', 'function relu').replace('x.neg(); })', 'x.neg(); }, { transformed: false })');
    const a = run(silenced);
    assert.strictEqual(a.warnings.length, 0, a.stderr);
    const b = run(PROBE, { TENSORJIT_UNTRANSFORMED: 'ignore' });
    assert.strictEqual(b.status, 0);
    assert.strictEqual(b.warnings.length, 0, b.stderr);
  });

  it('does not warn for code the transformer processed (meta), nor for transformed files', () => {
    const transformed = `
const { math, spatial } = require('tensorjit');
const f = math.jitCompile((x) => x.gt(0) ? x : x.neg(), { meta: { params: ['x'], version: '0', source: 'a.ts:1:1' } });
console.log(\`\${f(math.tensor([1], spatial('x')))}\`);
`;
    assert.strictEqual(run(transformed).warnings.length, 0);
  });

  it('TENSORJIT_UNTRANSFORMED=error throws instead; any other value is an error naming it', () => {
    const e = run(PROBE, { TENSORJIT_UNTRANSFORMED: 'error' });
    assert.notStrictEqual(e.status, 0);
    assert.match(e.stderr, /JitError: flip \(at app\.js:8\) is a jit function that the tensorjit transformer did not process/);
    const bad = run(PROBE, { TENSORJIT_UNTRANSFORMED: 'off' });
    assert.notStrictEqual(bad.status, 0);
    assert.match(bad.stderr, /TENSORJIT_UNTRANSFORMED='off' is not a valid value: use 'ignore'/);
  });
});

describe('math.jitOf', () => {
  it('returns the JitFunction of a jit function, typed', () => {
    const f = math.jitCompile((x: ReturnType<typeof math.zeros>) => x.mul(2), { transformed: false });
    const typed = math.jitOf(f);
    typed(math.tensor([1, 2], spatial('x')));
    assert.strictEqual(typed.traces.length, 1);
    typed.forgetTraces();
    assert.strictEqual(typed.traces.length, 0);
  });

  it('is a clear error for a plain function', () => {
    function plain(x: number) { return x; }
    assert.throws(() => math.jitOf(plain), (e: Error) => e instanceof JitError &&
      /plain is a plain function, not a jit function: mark it \/\*\* @jit \*\/ and build with the tensorjit transformer/.test(e.message));
    assert.throws(() => math.jitOf(3 as any), /jitOf expects a jit function, got number/);
  });
});
