/**
 * `tensorjit/language-service`: the tsserver plugin. Adds tensorjit's diagnostics to the semantic
 * diagnostics editors show, offers the analysis' quick fixes, and registers the 93xxx codes as
 * fixable. Uses the TypeScript module tsserver passes in, never its own copy.
 *
 * tsconfig.json: `"plugins": [{ "name": "tensorjit/language-service" }]` (editors must use the
 * workspace TypeScript, 5.x or 6.x; TypeScript 7's native server does not load plugins).
 */
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { analyzeSourceFile } from '../analysis/analyze';
import { codeFixes } from './fixes';
import { allRules } from '../analysis/rules';

function init(modules: { typescript: TS }): { create(info: ts.server.PluginCreateInfo): ts.LanguageService } {
  const t = modules.typescript;
  const codes = allRules.map((r) => String(r.code));

  function create(info: ts.server.PluginCreateInfo): ts.LanguageService {
    const ls = info.languageService;
    const log = (msg: string) => info.project?.projectService?.logger?.info(`[tensorjit] ${msg}`);
    const proxy: ts.LanguageService = Object.create(null);
    for (const k of Object.keys(ls) as (keyof ts.LanguageService)[]) {
      const x = ls[k];
      (proxy as unknown as Record<string, unknown>)[k] = typeof x === 'function' ? (...args: unknown[]) => (x as Function).apply(ls, args) : x;
    }
    proxy.getSemanticDiagnostics = (fileName: string) => {
      const prior = ls.getSemanticDiagnostics(fileName);
      try {
        const program = ls.getProgram();
        const sf = program?.getSourceFile(fileName);
        if (!program || !sf) return prior;
        const ours = analyzeSourceFile(t, program, sf).diagnostics;
        return ours.length ? [...prior, ...ours] : prior;
      } catch (e) {
        log(`analysis of ${fileName} failed: ${(e as Error)?.stack ?? e}`);
        return prior;
      }
    };
    proxy.getCodeFixesAtPosition = (fileName, start, end, errorCodes, formatOptions, preferences) => {
      const prior = ls.getCodeFixesAtPosition(fileName, start, end, errorCodes, formatOptions, preferences);
      try {
        const program = ls.getProgram();
        if (!program) return prior;
        const ours = codeFixes(t, program, fileName, start, end, errorCodes);
        return ours.length ? [...prior, ...ours] : prior;
      } catch (e) {
        log(`code fixes for ${fileName} failed: ${(e as Error)?.stack ?? e}`);
        return prior;
      }
    };
    if (typeof ls.getSupportedCodeFixes === 'function') {
      proxy.getSupportedCodeFixes = (fileName?: string) => [...ls.getSupportedCodeFixes(fileName), ...codes];
    }
    log('loaded');
    return proxy;
  }

  return { create };
}

export = init;
