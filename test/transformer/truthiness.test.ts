/**
 * Every place where JavaScript tests a value for truth, with a tensor there: inside a jit function
 * it must be converted (the emitted body calls controlFlow) or reported (a TS93xxx error in that
 * function), outside one reported (TS93001): never left as a plain JS truth test, which is always
 * true for a tensor object.
 *
 * The syntactic places are the ones where TypeScript's checker tests truthiness
 * (checkTruthinessExpression / checkTruthinessOfType): `if`, `do`, `while`, `for`, `?:`, `!`,
 * `&&` / `||` / `??` and `&&=` / `||=` / `??=`. The test counts those call sites in the installed
 * compilers, so a TypeScript version that adds one fails here until it is covered. The library
 * places are calls that test an argument (`Boolean`, `asserts` functions) or a callback's result
 * (predicates) for truth, and `===` in `switch` / `case`.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import { analyzeSourceFile, createTransformer } from 'tensorjit/transformer';
import { TS_VERSIONS, loadTs, groups, parseConfig } from './harness';

type Outcome = 'converted' | 'reported' | 'js';

interface Context {
  /** The syntax kind / checker path. */
  readonly kind: string;
  /** Statements using the tensor `x.gt(0)` (and `x: Tensor`, `y: Tensor`, `n: number`, `flag: boolean`, `maybe: Tensor | undefined`). */
  readonly body: string;
  /** In a jit function. */
  readonly jit: Outcome;
  /** In a plain function. */
  readonly plain: Outcome;
}

/** `nullish` operators never test truthiness; a tensor object is never null, so JS is right there. */
const CONTEXTS: readonly Context[] = [
  { kind: 'IfStatement', body: 'if (x.gt(0)) y = x.neg();', jit: 'converted', plain: 'reported' },
  { kind: 'IfStatement (else if)', body: 'if (flag) y = x; else if (x.gt(0)) y = x.neg();', jit: 'converted', plain: 'reported' },
  { kind: 'ConditionalExpression', body: 'y = x.gt(0) ? x : x.neg();', jit: 'converted', plain: 'reported' },
  { kind: 'WhileStatement', body: 'while (y.sum().gt(0)) y = y.sub(1);', jit: 'converted', plain: 'reported' },
  { kind: 'DoStatement', body: 'do { y = y.sub(1); } while (y.sum().gt(0));', jit: 'converted', plain: 'reported' },
  { kind: 'ForStatement', body: 'for (; y.sum().gt(0); ) y = y.sub(1);', jit: 'converted', plain: 'reported' },
  { kind: 'PrefixUnaryExpression ! (condition)', body: 'if (!x.gt(0)) y = x.neg();', jit: 'converted', plain: 'reported' },
  { kind: 'PrefixUnaryExpression ! (value)', body: 'const b = !x.gt(0); keep(b);', jit: 'reported', plain: 'reported' },
  { kind: 'PrefixUnaryExpression !! (value)', body: 'keep(!!x.gt(0));', jit: 'reported', plain: 'reported' },
  { kind: 'BinaryExpression && (left)', body: 'y = x.gt(0) && x.lt(2);', jit: 'converted', plain: 'reported' },
  { kind: 'BinaryExpression || (left)', body: 'y = x.gt(0) || x.lt(-2);', jit: 'converted', plain: 'reported' },
  { kind: 'BinaryExpression && (right, as a condition)', body: 'if (flag && x.gt(0)) y = x.neg();', jit: 'converted', plain: 'reported' },
  { kind: 'BinaryExpression ?: (arms, as a condition)', body: 'if (flag ? x.gt(0) : x.lt(0)) y = x.neg();', jit: 'converted', plain: 'reported' },
  { kind: 'BinaryExpression ?? (left)', body: 'y = maybe ?? x;', jit: 'js', plain: 'js' },
  { kind: 'BinaryExpression &&=', body: 'let m = x.gt(0); m &&= x.lt(2); keep(m);', jit: 'converted', plain: 'reported' },
  { kind: 'BinaryExpression ||=', body: 'let m = x.gt(0); m ||= x.lt(-2); keep(m);', jit: 'converted', plain: 'reported' },
  { kind: 'BinaryExpression &&= (property)', body: 'const o = { m: x.gt(0) }; o.m &&= x.lt(2); keep(o);', jit: 'reported', plain: 'reported' },
  { kind: 'BinaryExpression ??=', body: 'let m: Tensor | undefined = maybe; m ??= x; keep(m);', jit: 'js', plain: 'js' },
  { kind: 'optional chain Tensor | undefined', body: 'if (maybe?.lt(x)) y = x.neg();', jit: 'converted', plain: 'reported' },
  { kind: '&& guard Tensor | undefined', body: 'if (maybe && maybe.lt(x)) y = x.neg();', jit: 'converted', plain: 'reported' },
  { kind: 'presence test Tensor | undefined', body: 'if (maybe) y = maybe;', jit: 'js', plain: 'js' },
  { kind: 'traced number', body: 'if (n) y = x.neg();', jit: 'converted', plain: 'js' },
  { kind: 'call Boolean(t)', body: 'keep(Boolean(x.gt(0)));', jit: 'reported', plain: 'reported' },
  { kind: 'new Boolean(t)', body: 'keep(new Boolean(x.gt(0)));', jit: 'reported', plain: 'reported' },
  { kind: 'asserts parameter', body: 'check(x.gt(0));', jit: 'reported', plain: 'reported' },
  { kind: 'predicate filter', body: 'keep([x, y].filter((t) => t.gt(0)));', jit: 'reported', plain: 'reported' },
  { kind: 'predicate some', body: 'keep([x, y].some((t) => t.gt(0)));', jit: 'reported', plain: 'reported' },
  { kind: 'predicate every (block body)', body: 'keep([x, y].every((t) => { return t.gt(0); }));', jit: 'reported', plain: 'reported' },
  { kind: 'predicate find', body: 'keep([x, y].find((t) => t.gt(0)));', jit: 'reported', plain: 'reported' },
  { kind: 'predicate findIndex', body: 'keep([x, y].findIndex((t) => t.gt(0)));', jit: 'reported', plain: 'reported' },
  { kind: 'predicate (function reference)', body: 'const pos = (t: Tensor) => t.gt(0); keep([x, y].filter(pos));', jit: 'reported', plain: 'reported' },
  { kind: 'switch (tensor)', body: 'switch (x.gt(0)) { default: y = x; }', jit: 'reported', plain: 'reported' },
  { kind: 'case (tensor)', body: 'switch (flag) { case x.gt(0): y = x; }', jit: 'reported', plain: 'reported' },
  { kind: '=== on tensors', body: 'if (x === y) y = x.neg();', jit: 'reported', plain: 'reported' },
];

function source(): string {
  const fns = CONTEXTS.map((c, i) => {
    const sig = `(x: Tensor, y: Tensor, n: number, flag: boolean, maybe: Tensor | undefined): unknown`;
    return `/** @jit */\nexport function j${i}${sig} {\n  ${c.body}\n  return y;\n}\n\nexport function p${i}${sig.replace('n: number', 'n: number')} {\n  ${c.body}\n  return y;\n}\n`;
  });
  return `import { Tensor } from 'tensorjit';\n\ndeclare function check(value: unknown): asserts value;\nfunction keep(v: unknown): void { void v; }\n\n${fns.join('\n')}`;
}

/** The checker's truthiness call sites in a TypeScript build (definitions and the internal delegation excluded). */
function truthinessSites(t: typeof ts): number {
  const file = path.join(path.dirname(require.resolve(t === loadTs('6.0') ? 'typescript6' : 'typescript')), 'typescript.js');
  const text = fs.readFileSync(file, 'utf8');
  const calls = text.match(/(function )?checkTruthiness(Expression|OfType)\(/g) ?? [];
  const definitions = calls.filter((c) => c.startsWith('function ')).length;
  const delegation = (text.match(/checkTruthinessOfType\(checkExpression\(/g) ?? []).length;
  return calls.length - definitions - delegation;
}

describe('transformer: every JS truth test of a tensor is converted or reported', function () {
  this.timeout(120000);

  for (const v of TS_VERSIONS) {
    it(`TypeScript ${v}: the checker tests truthiness in exactly the 8 syntactic places covered here`, () => {
      // if, do, while, for, ?:, !, && || ?? (left), &&= ||= ??= (left)
      assert.strictEqual(truthinessSites(loadTs(v)), 8);
    });

    it(`TypeScript ${v}: ${CONTEXTS.length} contexts, in jit functions and plain functions`, () => {
      const t = loadTs(v);
      const g = groups()[0];
      const parsed = parseConfig(t, g.tsconfig);
      const file = path.join(g.dir, '__truthiness_contexts.ts');
      const text = source();
      const host = t.createCompilerHost(parsed.options);
      const read = host.readFile.bind(host);
      const getSourceFile = host.getSourceFile.bind(host);
      host.readFile = (f) => (path.resolve(f) === file ? text : read(f));
      host.fileExists = ((orig) => (f: string) => path.resolve(f) === file || orig(f))(host.fileExists.bind(host));
      host.getSourceFile = (f, lang, onError, create) =>
        path.resolve(f) === file ? t.createSourceFile(f, text, lang, true) : getSourceFile(f, lang, onError, create);
      const program = t.createProgram({ rootNames: [file], options: { ...parsed.options, noEmit: false, outDir: '/nonexistent-out', declaration: false, sourceMap: false }, host });
      const sf = program.getSourceFile(file)!;
      const own = program.getSemanticDiagnostics(sf).filter((d) => d.category === t.DiagnosticCategory.Error && d.code !== 2678);
      assert.deepStrictEqual(own.map((d) => t.flattenDiagnosticMessageText(d.messageText, '\n')), [], 'the generated source type-checks');
      const diags = analyzeSourceFile(t, program, sf).diagnostics.filter((d) => d.category === t.DiagnosticCategory.Error);
      let js = '';
      program.emit(sf, (_n, out) => { if (_n.endsWith('.js')) js = out; }, undefined, false, { before: [createTransformer(program, {}, t)] });
      const fnRange = (name: string) => {
        const fn = sf.statements.find((s) => t.isFunctionDeclaration(s) && s.name?.text === name)!;
        return [fn.getStart(sf), fn.getEnd()] as const;
      };
      const emittedBody = (name: string) => {
        const at = js.indexOf(`function ${name}(`);
        assert.ok(at >= 0, `no emitted ${name}`);
        return js.slice(at, js.indexOf('\n}\n', at));
      };
      const outcome = (name: string, implName: string): Outcome => {
        const [start, end] = fnRange(name);
        if (diags.some((d) => d.start! >= start && d.start! < end)) return 'reported';
        return /controlFlow\.\w+\(/.test(emittedBody(implName)) ? 'converted' : 'js';
      };
      const wrong: string[] = [];
      CONTEXTS.forEach((c, i) => {
        const jit = outcome(`j${i}`, `j${i}_impl`);
        const plain = outcome(`p${i}`, `p${i}`);
        if (jit !== c.jit) wrong.push(`${c.kind} in a jit function: ${jit}, expected ${c.jit}`);
        if (plain !== c.plain) wrong.push(`${c.kind} in a plain function: ${plain}, expected ${c.plain}`);
      });
      assert.deepStrictEqual(wrong, []);
    });
  }
});
