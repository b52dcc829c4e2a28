/**
 * The module hooks behind `tensorjit/register` (they run on Node's loader thread). `resolve` maps
 * what TypeScript sources write (`./b`, `./b.js` for `./b.ts`, `./dir` for `./dir/index.ts`) to the
 * TypeScript file; `load` compiles TypeScript files with the tensorjit transform.
 *
 * Results are cached on disk (node_modules/.cache/tensorjit, or TENSORJIT_CACHE_DIR; TENSORJIT_CACHE=0
 * turns it off), keyed by the file's content, the tensorjit version, the compiler options and the
 * stamps of the project's files, so a second run starts without building a program.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { isTypeScriptFile, serviceFor, type OutputFormat } from './service';

interface ResolveContext { parentURL?: string; conditions?: readonly string[] }
interface Resolved { url: string; format?: string | null; shortCircuit?: boolean }
interface LoadResult { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];

function isFile(f: string): boolean {
  try { return fs.statSync(f).isFile(); } catch { return false; }
}

export function tsCandidate(specifier: string, parentURL: string | undefined): string | undefined {
  if (!parentURL?.startsWith('file:') || !/^\.\.?(\/|$)/.test(specifier)) return undefined;
  const base = path.resolve(path.dirname(fileURLToPath(parentURL)), specifier);
  const js = /\.(c|m)?jsx?$/.exec(base);
  const stem = js ? base.slice(0, -js[0].length) : base;
  const found = [...(js ? [] : [base]), ...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.map((e) => path.join(base, 'index' + e))].find(isFile);
  return found;
}

export async function resolve(specifier: string, context: ResolveContext, next: (s: string, c: ResolveContext) => Promise<Resolved>): Promise<Resolved> {
  try {
    return await next(specifier, context);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw e;
    const found = tsCandidate(specifier, context.parentURL);
    if (!found) throw e;
    return { url: pathToFileURL(found).href, shortCircuit: true };
  }
}

function packageType(dir: string): 'module' | 'commonjs' {
  for (let d = dir; ; d = path.dirname(d)) {
    const p = path.join(d, 'package.json');
    if (isFile(p)) {
      try { return JSON.parse(fs.readFileSync(p, 'utf8')).type === 'module' ? 'module' : 'commonjs'; } catch { return 'commonjs'; }
    }
    if (path.dirname(d) === d) return 'commonjs';
  }
}

function formatOf(file: string): OutputFormat {
  if (file.endsWith('.mts')) return 'esm';
  if (file.endsWith('.cts')) return 'cjs';
  return packageType(path.dirname(file)) === 'module' ? 'esm' : 'cjs';
}

function cacheDir(file: string, root: string): string | undefined {
  if (process.env.TENSORJIT_CACHE === '0') return undefined;
  if (process.env.TENSORJIT_CACHE_DIR) return process.env.TENSORJIT_CACHE_DIR;
  for (let d = root || path.dirname(file); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) return path.join(d, 'node_modules', '.cache', 'tensorjit');
    if (path.dirname(d) === d) return undefined;
  }
}

export function compile(file: string, code: string): { format: OutputFormat; source: string } {
  const format = formatOf(file);
  const service = serviceFor(file);
  const dir = cacheDir(file, service.root);
  const key = dir ? service.cacheKey(file, code, format) : '';
  const cached = dir ? path.join(dir, `${key}.js`) : '';
  if (cached && isFile(cached)) return { format, source: fs.readFileSync(cached, 'utf8') };
  const r = service.transform(file, code, format);
  // errors too are only printed: a jit function with errors is not rewritten and throws them when called (meta.errors)
  for (const d of [...service.configErrors, ...r.diagnostics]) process.stderr.write(`tensorjit: ${d.text}\n`);
  const source = r.code + (r.map ? `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(r.map).toString('base64')}\n` : '');
  if (cached && !r.diagnostics.length) {
    try {
      fs.mkdirSync(dir!, { recursive: true });
      const tmp = `${cached}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
      fs.writeFileSync(tmp, source);
      fs.renameSync(tmp, cached);
    } catch { /* a read-only node_modules: no cache */ }
  }
  return { format, source };
}

export async function load(url: string, context: { format?: string | null }, next: (u: string, c: unknown) => Promise<LoadResult>): Promise<LoadResult> {
  if (!url.startsWith('file:')) return next(url, context);
  const file = fileURLToPath(url);
  if (!isTypeScriptFile(file) || /[\\/]node_modules[\\/]/.test(file)) return next(url, context);
  const { format, source } = compile(file, fs.readFileSync(file, 'utf8'));
  return { format: format === 'esm' ? 'module' : 'commonjs', source, shortCircuit: true };
}
