/**
 * TENSORJIT_UNTRANSFORMED (API.md "Without the transformer"): a jit function that the transformer
 * did not process, and whose source has control flow the transformer would have converted or
 * checked, runs its `if`s as plain JS (a tensor object is always truthy). That must never be
 * silent: such a function emits one Node warning naming it and the setup for the toolchain in use.
 *
 * Two ways in:
 * - `math.jitCompile` / `jit` / `@jit` without the transformer's `meta` (the transformer adds `meta`
 *   to every call it processed): checked when the jit function is created, from `fn.toString()`.
 * - `/** @jit *\/` functions without the transformer are plain functions that never reach
 *   tensorjit. They are found in the source of the modules that loaded tensorjit (the entry script,
 *   CommonJS modules in `require.cache`, the files on the stack when tensorjit was loaded), read
 *   once, after the synchronous module evaluation (so the jit functions the transformer did create
 *   are known by then). Not covered: bundles whose comments were stripped (esbuild, minifiers).
 */
import * as fs from 'fs';
import * as path from 'path';
import { JitError } from '../errors';

export const CODE = 'TENSORJIT_UNTRANSFORMED';

type Mode = 'warn' | 'ignore' | 'error';

function mode(): Mode {
  const v = process.env.TENSORJIT_UNTRANSFORMED;
  if (v === undefined || v === '' || v === 'warn') return 'warn';
  if (v === 'ignore' || v === 'error') return v;
  throw new JitError(`TENSORJIT_UNTRANSFORMED='${v}' is not a valid value: use 'ignore' (silence the warning), 'warn' (the default) or 'error' (throw instead)`);
}

/** Names of jit functions created with the transformer's metadata (they never warn). */
const transformedNames = new Set<string>();
const warned = new Set<string>();

/** Removes comments, string and template literals, so keywords inside them do not count. */
function codeOnly(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, ' ');
}

/** The control flow the transformer converts or checks: if, ?:, &&, ||, !, loops. */
const CONTROL_FLOW = /\bif\s*\(|\bwhile\s*\(|\bfor\s*\(|\bdo\s*\{|&&|\|\||\?(?![.?])|!(?!=)/;

export function hasControlFlow(src: string): boolean {
  return CONTROL_FLOW.test(codeOnly(src));
}

/** The toolchain this process runs under, as far as it can be told, and how to set the transformer up there. */
export function toolchainAdvice(): string {
  const env = process.env;
  const loaded = Object.keys(require.cache ?? {});
  const has = (re: RegExp) => loaded.some((k) => re.test(k)) || process.execArgv.some((a) => re.test(a)) ||
    re.test(env.NODE_OPTIONS ?? '');
  const docs = 'see docs/transformer.md in the tensorjit package';
  if (process.versions.bun) return `Under bun: preload the plugin (bunfig.toml: preload = ["tensorjit/bun"]), ${docs}`;
  if (env.VITEST) return `Under vitest: add the plugin to vitest.config (import tensorjit from 'tensorjit/vite'; plugins: [tensorjit()]), ${docs}`;
  if (env.JEST_WORKER_ID !== undefined) return `Under jest: use the transformer (jest.config: transform: { '^.+\\.tsx?$': 'tensorjit/jest' }), ${docs}`;
  if (typeof __non_webpack_require__ === 'function') { // webpack replaces this typeof in bundled code
    return `In a webpack bundle: add the plugin (const tensorjit = require('tensorjit/webpack'); plugins: [tensorjit()]), ${docs}`;
  }
  if (has(/[\\/]tsx[\\/]|(^|[\s=])tsx(\/|\s|$)/)) return `Under tsx (esbuild, no type information): run with node --import tensorjit/register instead, ${docs}`;
  if ((process as any)[Symbol.for('ts-node.register.instance')] || has(/[\\/]ts-node[\\/]|ts-node\//)) {
    return `Under ts-node: set "ts-node": { "compiler": "ts-patch/compiler" } in tsconfig.json (not transpileOnly), or run with node --import tensorjit/register, ${docs}`;
  }
  if (has(/@swc[\\/]|@swc-node|swc/)) return `Under swc (no type information): run with node --import tensorjit/register, or build with tspc, ${docs}`;
  if (has(/esbuild-register|esbuild/)) return `Under esbuild: add the plugin (import tensorjit from 'tensorjit/esbuild'; plugins: [tensorjit()]), ${docs}`;
  const entry = process.argv[1] ?? '';
  if (/\.[cm]?tsx?$/.test(entry)) return `Running TypeScript directly: use node --import tensorjit/register ${path.basename(entry)}, ${docs}`;
  return `Compiled without the transformer (plain tsc, a bundler without the tensorjit plugin, or JS)? Build with tspc and the tsconfig plugins, ` +
    `or use tensorjit/vite, tensorjit/esbuild, tensorjit/rollup, tensorjit/webpack, tensorjit/jest or node --import tensorjit/register (npx tensorjit setup writes the config), ${docs}`;
}

declare const __non_webpack_require__: unknown;

function message(name: string, where: string): string {
  return `${name}${where ? ` (${where})` : ''} is a jit function that the tensorjit transformer did not process: ` +
    `its control flow on tensors (if, ?:, &&, ||, !, loops) runs as plain JS, where a tensor is always true. ` +
    `${toolchainAdvice()}. Or pass { transformed: false } (or set TENSORJIT_UNTRANSFORMED=ignore) if this is intended.`;
}

function report(name: string, where: string): void {
  const key = `${name}@${where}`;
  if (warned.has(key)) return;
  warned.add(key);
  if (mode() === 'error') throw new JitError(message(name, where));
  process.emitWarning(message(name, where), { code: CODE, type: 'Warning' });
}

/**
 * Called by jitCompile / jit / @jit for each function they create.
 * `transformed`: the option (false = intended, no warning); `hasMeta`: the transformer processed the call.
 */
/**
 * Library wrappers (math.gradient's functions) whose source is tensorjit's own: the user function
 * they wrap is the one whose control flow matters.
 */
export const wrappedSource = new WeakMap<Function, Function>();

export function checkTransformed(fn: Function, name: string, transformed: boolean | undefined, hasMeta: boolean): void {
  if (hasMeta) { transformedNames.add(name); return; }
  const m = mode(); // an invalid env value is an error whether or not this function would warn
  if (transformed === false || transformed === true || m === 'ignore') return;
  let src: string;
  try { src = Function.prototype.toString.call(wrappedSource.get(fn) ?? fn); } catch { return; }
  if (!hasControlFlow(src)) return;
  report(name, callerFrame());
}

// ---- /** @jit */ functions the transformer never saw ----

/** `/** @jit … *\/` followed by `function name` / `const name =`, in emitted JS or TS source. */
const JSDOC_JIT = /\/\*\*(?:(?!\*\/)[\s\S])*?@jit\b(?:(?!\*\/)[\s\S])*?\*\/\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\s*\*?\s*([A-Za-z_$][\w$]*)|(?:const|let|var)\s+([A-Za-z_$][\w$]*))/g;
/** Emitted code of a file the transformer processed carries its metadata. */
const TRANSFORMED_FILE = /\bmeta:\s*\{\s*params:/;
const scanned = new Set<string>();

/** The body following a match: up to the next top-level `/** @jit` or 4000 characters (enough to see control flow). */
function bodyAfter(src: string, from: number): string {
  const next = src.indexOf('/**', from);
  return src.slice(from, Math.min(next < 0 ? src.length : next, from + 4000));
}

/**
 * `/** @jit *\/` functions found in source that no transformed jit function of the same name
 * accounts for yet. Decided after module evaluation has surely finished (modules that load
 * asynchronously, as under vitest, create their jit functions a few ticks after tensorjit loads),
 * or when the process exits first.
 */
const pending = new Map<string, { name: string; where: string }>();

function flushPending(atExit: boolean): void {
  for (const [key, p] of pending) {
    pending.delete(key);
    if (transformedNames.has(p.name) || warned.has(key)) continue;
    if (!atExit) { report(p.name, p.where); continue; }
    // warnings emitted now would never print (they are delivered on a later tick)
    warned.add(key);
    if (mode() === 'error') { process.stderr.write(`JitError: ${message(p.name, p.where)}\n`); process.exitCode = 1; continue; }
    process.stderr.write(`(node:${process.pid}) [${CODE}] Warning: ${message(p.name, p.where)}\n`);
  }
}

export function scanFile(file: string): void {
  if (scanned.has(file)) return;
  scanned.add(file);
  if (!/\.(c|m)?(j|t)sx?$/.test(file) || /[\\/]node_modules[\\/]/.test(file)) return;
  let src: string;
  try {
    if (fs.statSync(file).size > 2_000_000) return;
    src = fs.readFileSync(file, 'utf8');
  } catch { return; }
  if (!src.includes('@jit') || TRANSFORMED_FILE.test(src)) return;
  for (const m of src.matchAll(JSDOC_JIT)) {
    const name = m[1] ?? m[2];
    if (!name || transformedNames.has(name)) continue;
    if (!hasControlFlow(bodyAfter(src, m.index! + m[0].length))) continue;
    const before = src.slice(0, m.index!);
    if (/\/\/[^\n]*$/.test(before)) continue; // inside a line comment
    const line = before.split('\n').length;
    const where = `/** @jit */ at ${path.relative(process.cwd(), file) || file}:${line}`;
    pending.set(`${name}@${where}`, { name, where });
  }
}

/** Files of the code that loaded tensorjit: the stack at load time (jest, vitest run modules there). */
function stackFiles(): string[] {
  const stack = new Error().stack ?? '';
  const out: string[] = [];
  for (const m of stack.matchAll(/\(?((?:file:\/\/)?\/[^():\s]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?/g)) {
    out.push(m[1].startsWith('file://') ? decodeURIComponent(new URL(m[1]).pathname) : m[1]);
  }
  return out;
}

/** tensorjit's own files: dist/, and runtime/ and transformer/ sources (stack traces are source-mapped under --enable-source-maps). */
const OWN = ['dist', 'runtime', 'transformer'].map((d) => path.join(path.resolve(__dirname, '..', '..', '..'), d) + path.sep);
function isOwn(file: string): boolean {
  return OWN.some((d) => file.startsWith(d));
}

/** `file:line` of the code that called jitCompile (the first frame outside tensorjit). */
function callerFrame(): string {
  const f = (new Error().stack ?? '').split('\n').map((l) => l.trim()).find((l) => l.startsWith('at ') && !OWN.some((d) => l.includes(d)) && !l.includes('node:internal'));
  const m = f && /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?$/.exec(f);
  return m ? `at ${path.relative(process.cwd(), m[1].replace(/^file:\/\//, '')) || m[1]}:${m[2]}` : '';
}

let started = false;

/** Runs once when tensorjit is loaded: remembers who loaded it, scans after module evaluation. */
export function watchForUntransformedJsdoc(): void {
  if (started) return;
  started = true;
  let m: Mode;
  try { m = mode(); } catch { return; } // reported on the first jit function
  if (m === 'ignore') return;
  const atLoad = stackFiles().filter((f) => !isOwn(f));
  const scan = () => {
    try {
      const files = new Set<string>([...atLoad]);
      if (process.argv[1]) files.add(path.resolve(process.argv[1]));
      for (const k of Object.keys(require.cache ?? {})) if (!isOwn(k)) files.add(k);
      let n = 0;
      for (const f of files) { if (++n > 500) break; scanFile(f); }
    } catch (e) {
      if (e instanceof JitError) throw e; // TENSORJIT_UNTRANSFORMED=error
    }
  };
  setTimeout(scan, 0).unref();
  setTimeout(() => flushPending(false), 500).unref();
  process.once('exit', () => { scan(); flushPending(true); });
}
