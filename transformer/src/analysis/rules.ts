/**
 * The one list of tensorjit diagnostics (Effect language-service style: a stable code and name per
 * rule). Every host reports these with `source: 'tensorjit'`; docs/diagnostics.md documents each
 * code, and a test checks that the two agree.
 */
import type * as ts from 'typescript';
import type { TS } from './model';

export type Severity = 'error' | 'warning';

export interface Rule {
  readonly code: number;
  readonly name: string;
  readonly severity: Severity;
  /** One line: what the rule reports. */
  readonly summary: string;
}

function rule(code: number, name: string, severity: Severity, summary: string): Rule {
  return { code, name, severity, summary };
}

export const rules = {
  tensorCondition: rule(93001, 'tensor-condition', 'error',
    'A Tensor used directly as a JS condition outside a jit function: a tensor object is always truthy.'),
  tracedToJs: rule(93002, 'traced-to-js', 'error',
    'Inside a jit function, a value that depends on a traced argument is turned into a JS value.'),
  tracedLoop: rule(93003, 'traced-loop', 'error',
    'A loop whose condition depends on a traced tensor.'),
  tracedJump: rule(93004, 'traced-jump', 'error',
    '`break`, `continue`, `return` or `throw` under a traced condition that cannot be converted.'),
  oneSided: rule(93005, 'one-sided-variable', 'error',
    'A variable assigned in only one branch of a traced `if` and used after it.'),
  sideEffect: rule(93006, 'traced-side-effect', 'error',
    'A side effect (mutation of outer state) under a traced condition.'),
  tensorSwitch: rule(93007, 'tensor-switch', 'error',
    '`switch` on a tensor.'),
  tensorIdentity: rule(93008, 'tensor-identity', 'error',
    '`===` / `!==` / `==` / `!=` with a Tensor operand (compares object identity).'),
  unknownAux: rule(93010, 'unknown-auxiliary-arg', 'error',
    '`auxiliaryArgs` names a parameter the function does not have.'),
  anyCondition: rule(93011, 'unclassified-condition', 'warning',
    'Inside a jit function, a condition of type `any` / `unknown`: tensorjit cannot tell whether it is a tensor.'),
  nonTensorState: rule(93012, 'non-tensor-state', 'error',
    'A variable that cannot be merged element-wise (string, function, object) assigned under a traced condition and used after it.'),
  misplacedJit: rule(93013, 'misplaced-jit', 'error',
    '`@jit` where it has no effect: a decorator on a function declaration (TS1206), or a `/** @jit */` comment on something that is not a function.'),
  asyncJit: rule(93014, 'async-jit', 'error',
    'An async or generator function marked as jit: jit functions must be synchronous and return tensors.'),
  varInBranch: rule(93015, 'var-in-traced-branch', 'error',
    'A `var` declaration in a branch of a traced condition (the branch becomes a function, so `var` would not reach the code after it).'),
} as const;

export type RuleName = keyof typeof rules;

export const allRules: readonly Rule[] = Object.values(rules);

export const SOURCE = 'tensorjit';

/** Another site a diagnostic refers to (a use, the other branch, a declaration). */
export interface Related {
  readonly node: ts.Node;
  readonly message: string;
}

/** Another site by position (e.g. a range inside a comment). */
export interface RelatedAt {
  readonly file: ts.SourceFile;
  readonly start: number;
  readonly length: number;
  readonly message: string;
}

function relatedAt(rel: Related | RelatedAt): RelatedAt {
  if ('node' in rel) {
    const f = rel.node.getSourceFile();
    const s = rel.node.getStart(f);
    return { file: f, start: s, length: Math.max(0, rel.node.getEnd() - s), message: rel.message };
  }
  return rel;
}

/** Builds a diagnostic at `node` (from its first token to its end). */
export function makeDiagnostic(
  t: TS,
  r: Rule,
  node: ts.Node,
  message: string,
  related: readonly (Related | RelatedAt)[] = [],
): ts.Diagnostic {
  const file = node.getSourceFile();
  const start = node.getStart(file);
  return makeDiagnosticAt(t, r, file, start, Math.max(0, node.getEnd() - start), message, related);
}

/** Builds a diagnostic at a text range. */
export function makeDiagnosticAt(
  t: TS,
  r: Rule,
  file: ts.SourceFile,
  start: number,
  length: number,
  message: string,
  related: readonly (Related | RelatedAt)[] = [],
): ts.Diagnostic {
  return {
    file,
    start,
    length,
    messageText: message,
    category: r.severity === 'error' ? t.DiagnosticCategory.Error : t.DiagnosticCategory.Warning,
    code: r.code,
    source: SOURCE,
    relatedInformation: related.map(relatedAt).map((rel) => ({
      file: rel.file,
      start: rel.start,
      length: rel.length,
      messageText: rel.message,
      category: t.DiagnosticCategory.Message,
      code: r.code,
    })),
  };
}

/** `file(line,col): error TS93xxx: message` (what meta.errors carries and `tensorjit check` prints). */
export function formatOne(t: TS, d: ts.Diagnostic, cwd: string): string {
  const text = t.flattenDiagnosticMessageText(d.messageText, '\n');
  const cat = d.category === t.DiagnosticCategory.Error ? 'error' : d.category === t.DiagnosticCategory.Warning ? 'warning' : 'message';
  if (!d.file || d.start === undefined) return `${cat} TS${d.code}: ${text}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${relativePath(d.file.fileName, cwd)}(${line + 1},${character + 1}): ${cat} TS${d.code}: ${text}`;
}

/** A file name relative to `cwd` with forward slashes (absolute when outside it). */
export function relativePath(fileName: string, cwd: string): string {
  const f = fileName.replace(/\\/g, '/');
  const c = cwd.replace(/\\/g, '/').replace(/\/$/, '');
  if (c && f.startsWith(c + '/')) return f.slice(c.length + 1);
  return f;
}
