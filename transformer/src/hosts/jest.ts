/**
 * `tensorjit/jest`: a jest transformer (jest.config: `transform: { '^.+\\.tsx?$': 'tensorjit/jest' }`)
 * that compiles TypeScript test and source files to CommonJS with the tensorjit transform and the
 * type checker. tensorjit's errors fail the file's transform; warnings are printed.
 * `getCacheKey` covers the content, the options and the stamps of the project's files.
 */
import { serviceFor, type HostOptions } from './service';

interface TransformOptions { readonly transformerConfig?: HostOptions; readonly config?: { readonly rootDir?: string } }

function hostOptions(o: TransformOptions | undefined): HostOptions {
  return o?.transformerConfig ?? {};
}

function process(sourceText: string, sourcePath: string, options?: TransformOptions): { code: string; map?: string } {
  const service = serviceFor(sourcePath, hostOptions(options));
  const r = service.transform(sourcePath, sourceText, 'cjs');
  const errors = r.diagnostics.filter((d) => d.category === 'error');
  for (const d of r.diagnostics) if (d.category !== 'error') console.warn(`tensorjit: ${d.text}`);
  if (errors.length) throw new Error(`tensorjit:\n${errors.map((d) => d.text).join('\n')}`);
  return { code: r.code, map: r.map };
}

function getCacheKey(sourceText: string, sourcePath: string, options?: TransformOptions): string {
  return serviceFor(sourcePath, hostOptions(options)).cacheKey(sourcePath, sourceText, 'cjs');
}

// jest reads `process` / `getCacheKey` from the module object itself (an ES module's default would hide them)
export = { process, getCacheKey, canInstrument: false };
