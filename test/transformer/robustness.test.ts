/**
 * The analysis runs on every keystroke in editors: it must not throw on incomplete code. Each
 * fixture is cut at many points (and has a stray `if (` inserted) and analysed through a language
 * service (and emitted through the transformer); the plugin would swallow an exception, so this
 * calls the analysis directly.
 */
import * as assert from 'assert';
import * as path from 'path';
import type * as ts from 'typescript';
import { analyzeSourceFile, createTransformer } from 'tensorjit/transformer';
import { loadTs, groups, parseConfig } from './harness';

describe('transformer robustness on incomplete code', function () {
  this.timeout(180000);
  const t = loadTs('5.9');
  const g = groups()[0];
  const parsed = parseConfig(t, g.tsconfig);
  const overrides = new Map<string, string>();
  const versions = new Map<string, number>();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => parsed.options,
    getScriptFileNames: () => parsed.fileNames,
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => {
      const text = overrides.get(f) ?? t.sys.readFile(f);
      return text === undefined ? undefined : t.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => g.dir,
    getDefaultLibFileName: (o) => t.getDefaultLibFilePath(o),
    fileExists: (f) => overrides.has(f) || t.sys.fileExists(f),
    readFile: (f) => overrides.get(f) ?? t.sys.readFile(f),
    readDirectory: t.sys.readDirectory,
    directoryExists: t.sys.directoryExists,
    getDirectories: t.sys.getDirectories,
  };
  const ls = t.createLanguageService(host, t.createDocumentRegistry());

  const targets = ['if_two_outputs.ts', 'return_chain.ts', 'patterns.ts', 'e93004_jumps.ts', 'discovery_method_decorator.ts', 'logical_ops.ts'];
  for (const name of targets) {
    it(`${name}: cut at 40 points, and with a stray 'if (' inserted: analysis and emit do not throw`, () => {
      const file = path.join(g.dir, name);
      const text = t.sys.readFile(file)!;
      const variants: string[] = [];
      for (let k = 1; k <= 40; k++) variants.push(text.slice(0, Math.floor((text.length * k) / 41)));
      for (let k = 1; k <= 10; k++) {
        const at = Math.floor((text.length * k) / 11);
        variants.push(`${text.slice(0, at)} if (x.gt(0) ${text.slice(at)}`);
      }
      let analysed = 0;
      for (const v of variants) {
        overrides.set(file, v);
        versions.set(file, (versions.get(file) ?? 0) + 1);
        const program = ls.getProgram()!;
        const sf = program.getSourceFile(file)!;
        assert.doesNotThrow(() => analyzeSourceFile(t, program, sf), `analysing a cut of ${name} at ${v.length} chars`);
        assert.doesNotThrow(() => program.emit(sf, () => undefined, undefined, false, { before: [createTransformer(program, {}, t)] }),
          `emitting a cut of ${name} at ${v.length} chars`);
        analysed++;
      }
      overrides.delete(file);
      versions.set(file, (versions.get(file) ?? 0) + 1);
      assert.strictEqual(analysed, 50);
    });
  }
});
