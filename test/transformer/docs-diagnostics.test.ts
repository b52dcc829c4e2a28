/**
 * docs/diagnostics.md documents every rule: a `## TS93xxx name` section with an example whose
 * diagnostics (the ```text block after it) are exactly what the analysis reports, a **Why.** and a
 * **Fix.** (test/docs.test.ts runs the ```ts blocks). docs/transformer.md's ```js excerpts (those
 * starting with `// fixtures/…`) are verbatim parts of fixture goldens. `UPDATE_FIXTURES=1` rewrites the example outputs.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import { allRules, analyzeSourceFile } from 'tensorjit/transformer';
import { ROOT, UPDATE, loadTs, type TS } from './harness';

const DOC = path.join(ROOT, 'docs', 'diagnostics.md');

interface Block { start: number; end: number; lang: string; flags: string[]; code: string }

/** Fenced blocks with their line ranges (0-based, fences included). */
function blocks(lines: string[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(\w*)\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    let j = i + 1;
    while (j < lines.length && lines[j] !== '```') j++;
    out.push({ start: i, end: j, lang: m[1], flags: m[2].split(/\s+/).filter(Boolean), code: lines.slice(i + 1, j).join('\n') });
    i = j;
  }
  return out;
}

const isExample = (b: Block) => b.lang === 'ts' && (b.flags.includes('diagnostics') || b.flags.includes('tensorjit-diagnostics'));

/** What the analysis reports for each example, one `category TScode: message` line each. */
function report(t: TS, codes: string[]): string[] {
  const options: ts.CompilerOptions = {
    module: t.ModuleKind.Node16, moduleResolution: t.ModuleResolutionKind.Node16, target: t.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'], types: ['node'], strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true,
    moduleDetection: t.ModuleDetectionKind.Force,
  };
  const dir = path.join(ROOT, 'docs', '.diagnostics-test');
  const names = codes.map((_, i) => path.join(dir, `example_${i}.ts`));
  const host = t.createCompilerHost(options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError) => {
    const i = names.indexOf(path.resolve(f));
    return i >= 0 ? t.createSourceFile(f, codes[i], lang) : original(f, lang, onError);
  };
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => names.includes(path.resolve(f)) || exists(f);
  const program = t.createProgram(names, options, host);
  return names.map((n) => analyzeSourceFile(t, program, program.getSourceFile(n)!).diagnostics
    .map((d) => `${t.DiagnosticCategory[d.category].toLowerCase()} TS${d.code}: ${t.flattenDiagnosticMessageText(d.messageText, '\n')}`)
    .join('\n'));
}

describe('docs/diagnostics.md', function () {
  this.timeout(60000);
  const t = loadTs('5.9');

  it('every example shows exactly the diagnostics the analysis reports', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    const lines = text.split('\n');
    const all = blocks(lines);
    const examples = all.filter(isExample);
    const outputs = report(t, examples.map((b) => b.code));
    const problems: string[] = [];
    // rewrite from the end so line numbers stay valid
    for (let k = examples.length - 1; k >= 0; k--) {
      const ex = examples[k];
      const next = all[all.indexOf(ex) + 1];
      assert.ok(next && next.lang === 'text' && lines.slice(ex.end + 1, next.start).every((l) => l.trim() === ''),
        `the example at line ${ex.start + 1} needs a \`\`\`text block right after it`);
      if (next.code !== outputs[k]) {
        if (UPDATE) lines.splice(next.start + 1, next.end - next.start - 1, ...(outputs[k] ? outputs[k].split('\n') : []));
        else problems.push(`line ${next.start + 1}:\n--- documented\n${next.code}\n--- reported\n${outputs[k]}`);
      }
    }
    if (UPDATE) fs.writeFileSync(DOC, lines.join('\n'));
    assert.deepStrictEqual(problems, [], 'refresh with npm run fixtures:update');
  });

  it('documents every rule: heading, table row, example reporting its code, Why and Fix', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    const sections = text.split(/^## /m).slice(1);
    const outputs = new Map<number, string>();
    for (const r of allRules) {
      const section = sections.find((s) => s.startsWith(`TS${r.code} ${r.name}\n`));
      assert.ok(section, `no section '## TS${r.code} ${r.name}'`);
      assert.match(text, new RegExp(`\\| \\[TS${r.code}\\]\\(#ts${r.code}-${r.name}\\) \\| ${r.name} \\| ${r.severity} \\|`), `table row for ${r.code}`);
      assert.match(section!, /\*\*Why\.\*\*/, `${r.code}: Why`);
      assert.match(section!, /\*\*Fix\.\*\*/, `${r.code}: Fix`);
      const ex = blocks(section!.split('\n')).find(isExample);
      assert.ok(ex, `${r.code}: no example`);
      outputs.set(r.code, ex!.code);
    }
    const reported = report(t, [...outputs.values()]);
    [...outputs.keys()].forEach((code, i) => assert.match(reported[i], new RegExp(`TS${code}: `), `example of ${code} does not report it`));
  });
});

describe('docs/transformer.md', () => {
  it('its ```js excerpts are verbatim parts of the named fixture goldens', () => {
    const file = path.join(ROOT, 'docs', 'transformer.md');
    const excerpts = blocks(fs.readFileSync(file, 'utf8').split('\n')).filter((b) => b.lang === 'js' && b.code.startsWith('// fixtures/'));
    assert.ok(excerpts.length >= 3, `${excerpts.length} excerpts`);
    for (const b of excerpts) {
      const [first, ...rest] = b.code.split('\n');
      const m = /^\/\/ (fixtures\/\S+\.expected\.m?js)/.exec(first);
      assert.ok(m, `excerpt at line ${b.start + 1} must start with // fixtures/….expected.js`);
      const golden = fs.readFileSync(path.join(ROOT, m![1]), 'utf8');
      const body = rest.join('\n').replace(/^\/\/ …\n/gm, '');
      for (const part of body.split(/^\s*\/\/ …\s*$/m).map((p) => p.replace(/^\n+|\n+$/g, '')).filter(Boolean)) {
        assert.ok(golden.includes(part), `excerpt at docs/transformer.md:${b.start + 1} is not in ${m![1]}:\n${part}`);
      }
    }
  });
});
