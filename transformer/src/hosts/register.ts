/**
 * `node --import tensorjit/register app.ts`: runs TypeScript files directly, with the tensorjit
 * transform and the type checker (the tsx / ts-node use case). Registers Node module hooks
 * (register-hooks.ts, `module.register`, Node ≥ 20.6) that compile each `.ts`/`.tsx`/`.mts`/`.cts`
 * file outside node_modules through the shared service, keeping the module format Node would
 * give the file (`.mts` ES module, `.cts` CommonJS, `.ts` by the nearest package.json `type`).
 * Source maps are inlined and `--enable-source-maps` is turned on, so stack traces show your lines.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { compile, tsCandidate } from './register-hooks';

interface CjsModule { _compile(code: string, filename: string): void }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeModule = require('module') as {
  register?: (specifier: string, parentURL?: string) => void;
  _extensions: Record<string, (m: CjsModule, filename: string) => void>;
  _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
};

if (typeof nodeModule.register !== 'function') {
  throw new Error(`tensorjit/register needs Node.js ≥ 20.6 (module.register); this is ${process.version}`);
}
nodeModule.register(pathToFileURL(path.join(__dirname, 'register-hooks.js')).href);

// CommonJS: Node 20 resolves `require` calls of CommonJS modules with the CommonJS resolver, and
// loads files through require.extensions when the CommonJS loader runs them. Teach both TypeScript.
for (const ext of ['.ts', '.tsx', '.cts']) {
  nodeModule._extensions[ext] = (m, filename) => {
    if (/[\\/]node_modules[\\/]/.test(filename)) { m._compile(fs.readFileSync(filename, 'utf8'), filename); return; }
    const out = compile(filename, fs.readFileSync(filename, 'utf8'));
    if (out.format === 'esm') {
      throw Object.assign(new Error(`${filename} is an ES module (package.json "type": "module"): import it instead of require`), { code: 'ERR_REQUIRE_ESM' });
    }
    m._compile(out.source, filename);
  };
}
const resolveFilename = nodeModule._resolveFilename;
nodeModule._resolveFilename = function (request, parent, ...rest) {
  try {
    return resolveFilename.call(this, request, parent, ...rest);
  } catch (e) {
    const found = (e as { code?: string }).code === 'MODULE_NOT_FOUND' && parent?.filename ? tsCandidate(request, pathToFileURL(parent.filename).href) : undefined;
    if (!found) throw e;
    return found;
  }
};
process.setSourceMapsEnabled?.(true);
