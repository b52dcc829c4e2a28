/**
 * Shared state of one file's analysis and the helpers every part of it uses to report: the base
 * of the analysis classes (context → checks → branches → FileAnalyzer in analyze.ts).
 */
import type * as ts from 'typescript';
import type { Absorb, Fix, JitRoot, Plan, TS } from './model';
import { TensorjitApi, skipOuter } from './api';
import { TypeInfo, type CondType } from './types';
import type { Provenance, Deps } from './provenance';
import type { References } from './flow';
import { makeDiagnostic, relativePath, type Related, type Rule } from './rules';

export interface CondInfo {
  /** 'tensor': converted inside jit functions; 'any': cannot tell; 'nullable'/'js': a JS condition. */
  readonly kind: 'tensor' | 'any' | 'nullable' | 'js';
  /** Depends on a traced value (only inside jit functions). */
  readonly traced: boolean;
  readonly deps: Deps;
}

/** How a tensor `if` returns: not at all, in both branches, after normalisation, or unconvertibly. */
export type IfMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'both' }
  | { readonly kind: 'absorb'; readonly absorb: Absorb }
  | { readonly kind: 'invalid'; readonly ret: ts.ReturnStatement | undefined; readonly why: 'one-sided' | 'partial' };

/** The jit function being analysed. */
export interface Ctx {
  readonly root: JitRoot;
  readonly prov: Provenance;
  readonly refs: References;
  readonly plans: Map<ts.Node, Plan>;
  /** Set while visiting a loop test: conversions there are reported as 93003 (once). */
  loopTest?: { readonly loop: ts.IterationStatement; reported: boolean };
  /** The `break` / `continue` statements of converted loops and the flag each sets. */
  readonly jumpFlags: Map<ts.Node, string>;
  /** Jumps and returns already reported (TS93003) by the traced loop around them: not again as TS93004. */
  readonly loopReported: Set<ts.Node>;
}

/** A reason a tensor `if` cannot become `where`. */
export interface Blocker {
  readonly rule: Rule;
  readonly node: ts.Node;
  readonly message: string;
  readonly related: readonly Related[];
  /** Short text for the run-time guard when the condition is not traced. */
  readonly reason: string;
  /** Blocks the conversion but is reported elsewhere (by the enclosing traced loop). */
  readonly silent?: boolean;
  /** A quick fix for the diagnostic (beyond the ignore directive). */
  readonly fix?: Omit<Fix, 'code' | 'start' | 'length'>;
}

/** Source text for messages: one line, at most `max` characters. */
export function short(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}

export abstract class AnalyzerBase {
  protected readonly checker: ts.TypeChecker;
  protected readonly api: TensorjitApi;
  protected readonly types: TypeInfo;
  protected readonly diagnostics: ts.Diagnostic[] = [];
  protected readonly fixes: Fix[] = [];
  protected readonly cwd: string;
  /** For a diagnostic about a tensor that JS tests for truth: the tested expression (guarded at run time when the diagnostic is ignored). */
  protected readonly guardable = new Map<ts.Diagnostic, ts.Expression>();
  private readonly reported = new Map<string, ts.Diagnostic>();

  constructor(protected readonly t: TS, protected readonly program: ts.Program, protected readonly sf: ts.SourceFile) {
    this.checker = program.getTypeChecker();
    this.api = new TensorjitApi(t, this.checker);
    this.types = new TypeInfo(t, this.checker, this.api);
    this.cwd = program.getCurrentDirectory();
  }

  /**
   * How a condition classifies: its type's kind, except that a `Tensor | undefined` value that is
   * computed (a call such as `limit?.lt(x)`, `a && a.gt(0)`, `a ?? b`, …) is a tensor condition in
   * which null / undefined count as false. Reading a variable or property (`if (mask)`,
   * `if (o.mask)`, `if (o?.mask)`) stays a presence test.
   */
  protected condKind(e: ts.Expression): CondType {
    const kind = this.types.condType(this.types.typeOf(e));
    return kind === 'nullable' && !this.isPresenceTest(e) ? 'tensor' : kind;
  }

  protected isPresenceTest(e0: ts.Expression): boolean {
    const t = this.t;
    let e = skipOuter(t, e0);
    for (;;) {
      if (t.isIdentifier(e) || e.kind === t.SyntaxKind.ThisKeyword) return true;
      if (t.isPropertyAccessExpression(e) || t.isElementAccessExpression(e)) { e = skipOuter(t, e.expression); continue; }
      return false;
    }
  }

  protected report(ctx: Ctx | undefined, rule: Rule, node: ts.Node, message: string, related: readonly Related[] = []): ts.Diagnostic {
    // one report per code and site (nested ifs can find the same return, a loop test several conversions)
    const key = `${rule.code}:${node.getStart(this.sf)}:${node.getEnd()}`;
    const seen = this.reported.get(key);
    if (seen) return seen;
    const d = makeDiagnostic(this.t, rule, node, message, related);
    this.reported.set(key, d);
    this.diagnostics.push(d);
    if (ctx && rule.severity === 'error') ctx.root.errors.push(d);
    return d;
  }

  protected site(node: ts.Node): string {
    const { line, character } = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    return `${relativePath(this.sf.fileName, this.cwd)}:${line + 1}:${character + 1}`;
  }

  protected depsText(deps: Deps): string {
    const params = deps.filter((d) => d.kind === 'param').map((d) => `'${d.name}'`);
    const created = deps.filter((d) => d.kind === 'created').map((d) => d.name);
    const parts: string[] = [];
    if (params.length) parts.push(`the traced argument${params.length > 1 ? 's' : ''} ${params.join(', ')}`);
    if (created.length) parts.push(`${created.join(', ')} (created inside the trace, so traced; math.wrap(…) keeps a concrete value)`);
    return parts.join(' and ');
  }

  /** Whether `e` is the condition of a `while` / `do` / `for` loop (a converted loop's carried variable is 'merged' there). */
  protected isLoopTest(e: ts.Node): boolean {
    const t = this.t;
    const p = e.parent;
    return !!p && (((t.isWhileStatement(p) || t.isDoStatement(p)) && p.expression === e) || (t.isForStatement(p) && p.condition === e));
  }

  protected depsRelated(deps: Deps, ctx: Ctx): Related[] {
    // the if that made a variable traced first, then where the traced data comes from
    const merged = deps.filter((d) => d.kind === 'merged').slice(0, 1);
    const sources = deps.filter((d) => d.kind !== 'merged').slice(0, 2);
    return [...merged, ...sources].map((d) => ({
      node: d.node,
      message: d.kind === 'merged'
        ? (this.isLoopTest(d.node)
          ? `'${d.name}' is assigned in the loop with this traced condition, which tensorjit converts into math.whileLoop with '${d.name}' as loop state, so in the loop and after it '${d.name}' is a tensor.`
          : `'${d.name}' is assigned under this traced condition and merged with math.where after it, so from there on (and in later loop iterations) it is a tensor.`)
        : d.kind === 'param'
        ? (d.name === 'this' ? `The object of the jit method '${ctx.root.name}' is a traced argument (its tensor and number fields are tracers).`
          : `'${d.name}' is a traced (non-auxiliary) parameter of jit function '${ctx.root.name}'.`)
        : `Created here inside the trace.`,
    }));
  }

  /**
   * Related information at the declaration of the variable an expression starts from (`u` in
   * `u.gt(0)`, `options` in `options.flip`), when it is declared in user code.
   */
  protected declRelated(e: ts.Expression, tensor: boolean): Related[] {
    const t = this.t;
    const top = skipOuter(t, e);
    let b = top;
    while (t.isPropertyAccessExpression(b) || t.isElementAccessExpression(b) || t.isCallExpression(b)) b = skipOuter(t, b.expression);
    if (!t.isIdentifier(b)) return [];
    const decl = this.checker.getSymbolAtLocation(b)?.valueDeclaration;
    if (!decl || decl.getSourceFile().isDeclarationFile) return [];
    const what = !tensor ? '' : b === top ? ' with a Tensor type' : ` ('${short(top.getText(this.sf))}' is a Tensor computed from it)`;
    return [{ node: decl, message: `'${b.text}' is declared here${what}.` }];
  }

  protected auxHint(deps: Deps): string {
    const params = deps.filter((d) => d.kind === 'param' && d.name !== 'this').map((d) => `'${d.name}'`);
    return params.length ? `, or list ${params.join(', ')} in auxiliaryArgs (a concrete value; each new value traces again)` : '';
  }
}
