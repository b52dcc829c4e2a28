/**
 * The plain result of analysing one source file: the jit functions found, the rewrite plan for
 * every converted construct (keyed by the original node), the diagnostics and their quick fixes.
 * The transformer, the language-service plugin and the `check` CLI all consume this; only the
 * transformer uses the plans.
 */
import type * as ts from 'typescript';

/** The TypeScript module in use (injected by each host: ts-patch, tsserver, the CLI). */
export type TS = typeof ts;

/**
 * How a jit function was marked; 'helper': an unmarked function of the same file that jit code
 * calls (converted like AutoGraph's recursive conversion, never wrapped in jitCompile).
 */
export type JitKind = 'jsdoc-function' | 'jsdoc-variable' | 'call' | 'decorator' | 'helper';

export type FunctionLike =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration;

/** One function whose body is traced by the runtime. */
export interface JitRoot {
  readonly kind: JitKind;
  /** The traced function (its body is analysed and rewritten). */
  readonly fn: FunctionLike;
  /** Name used in messages. */
  readonly name: string;
  /** Parameter names in order, a rest parameter as `...name` (JitMeta.params). */
  readonly params: readonly string[];
  /** Auxiliary parameter names; undefined when they cannot be read statically. */
  readonly aux: ReadonlySet<string> | undefined;
  /** Auxiliary names from a JSDoc tag (emitted as the `auxiliaryArgs` option). */
  readonly jsdocAux?: readonly string[];
  /** `file.ts:line:col` of the function (JitMeta.source). */
  readonly source: string;
  /** For 'call': the jit call. For 'decorator': the decorator. For JSDoc kinds: the statement. */
  readonly anchor: ts.CallExpression | ts.Decorator | ts.FunctionDeclaration | ts.VariableStatement;
  /** The options argument of a call / decorator call, if any. */
  readonly options?: ts.Expression;
  /** The name to pass as the `name` option when the runtime could not infer one, if any. */
  readonly inferredName?: string;
  /** Error diagnostics inside this function: when non-empty, the body is not rewritten. */
  readonly errors: ts.Diagnostic[];
  /** The call/decorator already carries `meta` (a previous pass): leave it alone. */
  readonly alreadyCompiled: boolean;
}

/** Where trailing statements move when a one-sided `return` is normalised (AutoGraph's ConditionalReturnRewriter). */
export interface Absorb {
  readonly into: 'then' | 'else';
  readonly statements: readonly ts.Statement[];
}

export type Plan =
  /**
   * `if` → `controlFlow.ifStmt(cond, then, else, site, outputs, getState, setState)`: `outputs` are
   * assigned and live after (merged), `restore` only assigned (reset before the second branch).
   */
  | { readonly kind: 'ifStmt'; readonly outputs: readonly string[]; readonly restore: readonly string[]; readonly site: string }
  /** `if` whose branches all return → `return controlFlow.ifReturn(cond, then, else, site, getState, setState)`. */
  | { readonly kind: 'ifReturn'; readonly absorb?: Absorb; readonly restore: readonly string[]; readonly site: string }
  /**
   * A loop with a traced condition → `controlFlow.whileStmt(() => cond, () => { body }, site,
   * carried, getState, setState, doWhile)` (a `for` keeps its initialiser before it).
   */
  | {
      readonly kind: 'whileStmt'; readonly carried: readonly string[]; readonly site: string; readonly doWhile: boolean;
      /** `break` / `continue` in the body become flags (AutoGraph): their names, when the body has them. */
      readonly breakFlag?: string;
      readonly continueFlag?: string;
      /**
       * The statements of the body after which the rest of their list runs only while no flag is
       * set: `controlFlow.ifStmt(!(break || continue), () => { rest }, …, outputs)`.
       */
      readonly guards: ReadonlyMap<ts.Node, { readonly outputs: readonly string[] }>;
      /** The variables the `for` incrementor assigns that are carried (it is skipped after a break). */
      readonly incrementOutputs: readonly string[];
    }
  /**
   * A loop that runs in JS (a static bound, for…of, for…in) with a `break` / `continue` under a
   * traced condition: the jumps become flags as in a converted loop; with a break flag the body
   * runs under `if (!break_)` (merged with where: the elements that broke keep their values) and
   * the JS loop stops once the flag is a JS `true` or an all-true concrete tensor.
   */
  | {
      readonly kind: 'jsLoopJumps'; readonly site: string;
      readonly breakFlag?: string;
      readonly continueFlag?: string;
      readonly guards: ReadonlyMap<ts.Node, { readonly outputs: readonly string[] }>;
      /** The variables the body assigns that are merged after the `if (!break_)` of each iteration. */
      readonly bodyOutputs: readonly string[];
    }
  /** A `break` / `continue` of a converted loop → `flag = true`. */
  | { readonly kind: 'jumpFlag'; readonly flag: string }
  /** A condition kept as JS but guarded: `controlFlow.truth(cond, site, reason)`. */
  | { readonly kind: 'truth'; readonly reason: string; readonly site: string }
  /** An expression JS tests for truth, wrapped: `controlFlow.truth(e, site, reason)`. */
  | { readonly kind: 'guard'; readonly reason: string; readonly site: string }
  /** `c ? a : b` → `controlFlow.ifExp(c, () => a, () => b, site)`. */
  | { readonly kind: 'ifExp'; readonly site: string }
  /** `a && b` / `a || b` → `controlFlow.and(a, () => b)` / `controlFlow.or(a, () => b)`. */
  | { readonly kind: 'and' | 'or' }
  /** `!a` → `controlFlow.not(a)`. */
  | { readonly kind: 'not' };

/** A text edit of a quick fix. */
export interface FixEdit {
  readonly start: number;
  readonly length: number;
  readonly newText: string;
}

export interface Fix {
  /** The diagnostic this fix belongs to (same file, code and start). */
  readonly code: number;
  readonly start: number;
  readonly length: number;
  readonly description: string;
  readonly edits: readonly FixEdit[];
}

export interface FileAnalysis {
  readonly file: ts.SourceFile;
  readonly roots: readonly JitRoot[];
  /** Rewrite plans by original node; only for jit functions without errors. */
  readonly plans: ReadonlyMap<ts.Node, Plan>;
  readonly diagnostics: readonly ts.Diagnostic[];
  readonly fixes: readonly Fix[];
}
