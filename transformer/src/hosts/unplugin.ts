/**
 * The bundler plugin (one unplugin factory): `tensorjit/vite`, `tensorjit/rollup`,
 * `tensorjit/esbuild`, `tensorjit/webpack`, `tensorjit/rspack`, `tensorjit/bun` are its adapters.
 * It compiles the project's TypeScript files itself (ES module output, source maps with the
 * sources inlined), running the tensorjit transformer with the type checker of a program over the
 * tsconfig; tensorjit's errors fail the build, its warnings become bundler warnings.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createUnplugin, type UnpluginFactory, type UnpluginInstance } from 'unplugin';
import { isTypeScriptFile, serviceFor, type HostDiagnostic, type HostOptions } from './service';

export interface PluginOptions extends HostOptions {
  /** Files to transform (default: TypeScript files outside node_modules). */
  readonly include?: (id: string) => boolean;
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];

function cleanId(id: string): string {
  return id.replace(/[?#].*$/, '');
}

/** `./b` or `./b.js` written in TypeScript for `./b.ts` (what tsc resolves; rollup does not). */
function resolveTs(source: string, importer: string | undefined): string | undefined {
  if (!importer || !/^\.\.?\//.test(source) || !isTypeScriptFile(cleanId(importer))) return undefined;
  const base = path.resolve(path.dirname(cleanId(importer)), source);
  const isFile = (f: string) => { try { return fs.statSync(f).isFile(); } catch { return false; } };
  if (isFile(base)) return undefined; // the bundler finds it
  const js = /\.(c|m)?jsx?$/.exec(base);
  const stem = js ? base.slice(0, -js[0].length) : base;
  const candidates = [...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  return candidates.find(isFile);
}

export const unpluginFactory: UnpluginFactory<PluginOptions | undefined> = (options = {}) => {
  const include = options.include ?? ((id: string) => isTypeScriptFile(id) && !/[\\/]node_modules[\\/]/.test(id));
  return {
    name: 'tensorjit',
    enforce: 'pre',
    resolveId(source, importer) {
      return resolveTs(source, importer) ?? null;
    },
    transformInclude(id) {
      return include(cleanId(id));
    },
    transform(code, id) {
      const file = cleanId(id);
      const service = serviceFor(file, options);
      const r = service.transform(file, code, 'esm');
      const errors: HostDiagnostic[] = [];
      for (const d of [...service.configErrors, ...r.diagnostics]) {
        if (d.category === 'error') errors.push(d);
        else this.warn(d.text);
      }
      if (errors.length) this.error(new Error(`tensorjit:\n${errors.map((d) => d.text).join('\n')}`));
      return { code: r.code, map: r.map ? JSON.parse(r.map) : undefined };
    },
  };
};

export const unplugin: UnpluginInstance<PluginOptions | undefined, boolean> = createUnplugin(unpluginFactory);
export default unplugin;
