/**
 * The analysis: one pass over a source file that classifies every condition-like position (`if`,
 * `?:`, `&&`, `||`, `!`, loop tests, `switch`, `===`), decides how each tensor condition inside a
 * jit function is converted (AutoGraph-style, see DESIGN.md) and reports what cannot be. Pure:
 * it reads the program, never changes it. Results are cached per (program, file).
 */
import type * as ts from 'typescript';
import type { Absorb, FileAnalysis, Fix, JitRoot, Plan, TS } from './model';
import { TensorjitApi, skipOuter } from './api';
import { TypeInfo } from './types';
import { discover } from './discovery';
import { Provenance, type Deps } from './provenance';
import {
  References, branchList, containsReturn, definitelyAssigns, escapingJumps, isFunctionLike, isLoop, isWrite,
  stmtsOf, varDeclarations, walkAll, type RetKind,
} from './flow';
import { rules, makeDiagnostic, relativePath, type Related, type Rule } from './rules';

interface CondInfo {
  /** 'tensor': converted inside jit functions; 'any': cannot tell; 'nullable'/'js': a JS condition. */
  readonly kind: 'tensor' | 'any' | 'nullable' | 'js';
  /** Depends on a traced value (only inside jit functions). */
  readonly traced: boolean;
  readonly deps: Deps;
}

type IfMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'both' }
  | { readonly kind: 'absorb'; readonly absorb: Absorb }
  | { readonly kind: 'invalid'; readonly ret: ts.ReturnStatement | undefined; readonly why: 'one-sided' | 'partial' };

interface Ctx {
  readonly root: JitRoot;
  readonly prov: Provenance;
  readonly refs: References;
  readonly plans: Map<ts.Node, Plan>;
  /** Set while visiting a loop test: conversions there are reported as 93003 (once). */
  loopTest?: { readonly loop: ts.IterationStatement; reported: boolean };
}

/** A reason a tensor `if` cannot become `where`. */
interface Blocker {
  readonly rule: Rule;
  readonly node: ts.Node;
  readonly message: string;
  readonly related: readonly Related[];
  /** Short text for the run-time guard when the condition is not traced. */
  readonly reason: string;
}

const MUTATING_ARRAY = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
const MUTATING_COLLECTION = new Set(['set', 'add', 'delete', 'clear']);
const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet']);

function short(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}

class FileAnalyzer {
  private readonly checker: ts.TypeChecker;
  private readonly api: TensorjitApi;
  private readonly types: TypeInfo;
  private readonly diagnostics: ts.Diagnostic[] = [];
  private readonly fixes: Fix[] = [];
  private readonly rootsByFn = new Map<ts.Node, JitRoot>();
  private readonly rootPlans = new Map<JitRoot, Map<ts.Node, Plan>>();
  private readonly condMemo = new Map<ts.Node, CondInfo>();
  private readonly modeMemo = new Map<string, IfMode>();
  private readonly cwd: string;

  constructor(private readonly t: TS, private readonly program: ts.Program, private readonly sf: ts.SourceFile) {
    this.checker = program.getTypeChecker();
    this.api = new TensorjitApi(t, this.checker);
    this.types = new TypeInfo(t, this.checker, this.api);
    this.cwd = program.getCurrentDirectory();
  }

  run(): FileAnalysis {
    const t = this.t;
    const found = discover(t, this.checker, this.api, this.sf, this.cwd);
    this.diagnostics.push(...found.diagnostics);
    this.fixes.push(...found.fixes);
    for (const r of found.roots) this.rootsByFn.set(r.fn, r);
    this.visit(this.sf, undefined);
    this.applyIgnoreDirectives(found.roots);
    const plans = new Map<ts.Node, Plan>();
    for (const [root, p] of this.rootPlans) {
      if (root.errors.length) continue;
      for (const [n, plan] of p) plans.set(n, plan);
    }
    const diagnostics = this.diagnostics.slice().sort((a, b) => (a.start ?? 0) - (b.start ?? 0) || a.code - b.code);
    return { file: this.sf, roots: found.roots, plans, diagnostics, fixes: this.fixes };
  }

  // ---- reporting ----

  /**
   * `// @tensorjit-ignore-next-line` (optionally followed by codes: `93002 TS93008`) on the line
   * before a diagnostic suppresses it; an error suppressed this way no longer blocks the rewrite.
   * Every other diagnostic gets a quick fix that inserts the directive.
   */
  private applyIgnoreDirectives(roots: readonly JitRoot[]): void {
    const lines = this.sf.text.split(/\r?\n/);
    const ignored = (d: ts.Diagnostic): boolean => {
      const line = this.sf.getLineAndCharacterOfPosition(d.start ?? 0).line;
      const m = line > 0 ? /^\s*\/\/\s*@tensorjit-ignore-next-line\b(.*)$/.exec(lines[line - 1]) : null;
      if (!m) return false;
      const codes = m[1].match(/\d{5}/g);
      return !codes || codes.includes(String(d.code));
    };
    const kept = this.diagnostics.filter((d) => !ignored(d));
    this.diagnostics.length = 0;
    this.diagnostics.push(...kept);
    for (const r of roots) {
      const errs = r.errors.filter((d) => !ignored(d));
      r.errors.length = 0;
      r.errors.push(...errs);
    }
    for (const d of kept) {
      const { line } = this.sf.getLineAndCharacterOfPosition(d.start ?? 0);
      const lineStart = this.sf.getPositionOfLineAndCharacter(line, 0);
      const indent = /^[ \t]*/.exec(lines[line])![0];
      this.fixes.push({
        code: d.code, start: d.start!, length: d.length!, description: `Ignore TS${d.code} on this line (// @tensorjit-ignore-next-line)`,
        edits: [{ start: lineStart, length: 0, newText: `${indent}// @tensorjit-ignore-next-line ${d.code}\n` }],
      });
    }
  }

  private report(ctx: Ctx | undefined, rule: Rule, node: ts.Node, message: string, related: readonly Related[] = []): ts.Diagnostic {
    const d = makeDiagnostic(this.t, rule, node, message, related);
    this.diagnostics.push(d);
    if (ctx && rule.severity === 'error') ctx.root.errors.push(d);
    return d;
  }

  private site(node: ts.Node): string {
    const { line, character } = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    return `${relativePath(this.sf.fileName, this.cwd)}:${line + 1}:${character + 1}`;
  }

  private depsText(deps: Deps): string {
    const params = deps.filter((d) => d.kind === 'param').map((d) => `'${d.name}'`);
    const created = deps.filter((d) => d.kind === 'created').map((d) => d.name);
    const parts: string[] = [];
    if (params.length) parts.push(`the traced argument${params.length > 1 ? 's' : ''} ${params.join(', ')}`);
    if (created.length) parts.push(`${created.join(', ')} (created inside the trace, so traced; math.wrap(…) keeps a concrete value)`);
    return parts.join(' and ');
  }

  private depsRelated(deps: Deps, ctx: Ctx): Related[] {
    return deps.slice(0, 2).map((d) => ({
      node: d.node,
      message: d.kind === 'param'
        ? (d.name === 'this' ? `The object of the jit method '${ctx.root.name}' is a traced argument (its tensor and number fields are tracers).`
          : `'${d.name}' is a traced (non-auxiliary) parameter of jit function '${ctx.root.name}'.`)
        : `Created here inside the trace.`,
    }));
  }

  /**
   * Related information at the declaration of the variable an expression starts from (`u` in
   * `u.gt(0)`, `options` in `options.flip`), when it is declared in user code.
   */
  private declRelated(e: ts.Expression, tensor: boolean): Related[] {
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

  private auxHint(deps: Deps): string {
    const params = deps.filter((d) => d.kind === 'param' && d.name !== 'this').map((d) => `'${d.name}'`);
    return params.length ? `, or list ${params.join(', ')} in auxiliaryArgs (a concrete value; each new value traces again)` : '';
  }

  // ---- classification ----

  private condInfo(e: ts.Expression, ctx: Ctx | undefined): CondInfo {
    let c = this.condMemo.get(e);
    if (!c) {
      c = this.computeCond(e, ctx);
      this.condMemo.set(e, c);
    }
    return c;
  }

  private computeCond(e0: ts.Expression, ctx: Ctx | undefined): CondInfo {
    const t = this.t;
    const e = skipOuter(t, e0);
    const deps = (x: ts.Expression) => (ctx ? ctx.prov.deps(x) : []);
    const traced = (d: Deps) => d.length > 0;
    if (t.isPrefixUnaryExpression(e) && e.operator === t.SyntaxKind.ExclamationToken) {
      const inner = this.condInfo(e.operand, ctx);
      if (inner.kind === 'tensor') return inner;
    }
    if (t.isBinaryExpression(e) && (e.operatorToken.kind === t.SyntaxKind.AmpersandAmpersandToken || e.operatorToken.kind === t.SyntaxKind.BarBarToken)) {
      const left = this.condInfo(e.left, ctx);
      if (left.kind === 'tensor') {
        const d = [...left.deps, ...deps(e.right)];
        return { kind: 'tensor', traced: traced(d), deps: d };
      }
    }
    const kind = this.types.condType(this.types.typeOf(e));
    if (kind === 'tensor') {
      const d = deps(e);
      return { kind, traced: traced(d), deps: d };
    }
    if (ctx) {
      const d = deps(e);
      const ty = this.types.typeOf(e);
      if (traced(d) && (this.types.isNumeric(ty) || this.types.isBooleanLike(ty))) return { kind: 'tensor', traced: true, deps: d };
    }
    return { kind, traced: false, deps: [] };
  }

  private isTensorCondition(e: ts.Expression, ctx: Ctx | undefined): boolean {
    return this.condInfo(e, ctx).kind === 'tensor';
  }

  // ---- return normalisation ----

  private retKind(stmts: readonly ts.Statement[], ctx: Ctx): RetKind {
    let some = false;
    for (let i = 0; i < stmts.length; i++) {
      const k = this.stmtRet(stmts[i], stmts.slice(i + 1), ctx);
      if (k === 'always') return 'always';
      if (k === 'some') some = true;
    }
    return some ? 'some' : 'never';
  }

  private stmtRet(s: ts.Statement, rest: readonly ts.Statement[], ctx: Ctx): RetKind {
    const t = this.t;
    if (t.isReturnStatement(s) || t.isThrowStatement(s)) return 'always';
    if (t.isBlock(s)) return this.retKind(s.statements, ctx);
    if (t.isLabeledStatement(s)) return this.stmtRet(s.statement, rest, ctx);
    if (t.isIfStatement(s)) {
      if (this.isTensorCondition(s.expression, ctx)) {
        const m = this.ifMode(s, rest, ctx);
        return m.kind === 'both' || m.kind === 'absorb' ? 'always' : m.kind === 'none' ? 'never' : 'some';
      }
      const a = this.retKind(stmtsOf(t, s.thenStatement), ctx);
      const b = s.elseStatement ? this.retKind(stmtsOf(t, s.elseStatement), ctx) : 'never';
      if (a === 'always' && b === 'always') return 'always';
      return a === 'never' && b === 'never' ? 'never' : 'some';
    }
    if (t.isTryStatement(s)) {
      if (s.finallyBlock && this.retKind(s.finallyBlock.statements, ctx) === 'always') return 'always';
      if (this.retKind(s.tryBlock.statements, ctx) === 'always' && (!s.catchClause || this.retKind(s.catchClause.block.statements, ctx) === 'always')) return 'always';
    }
    if (t.isDoStatement(s) && this.retKind(stmtsOf(t, s.statement), ctx) === 'always') return 'always';
    return containsReturn(t, [s]) ? 'some' : 'never';
  }

  /** How a tensor `if` returns, with `rest` the statements after it (in its possibly normalised list). */
  private ifMode(s: ts.IfStatement, rest: readonly ts.Statement[], ctx: Ctx): IfMode {
    const key = `${s.pos}:${rest.length}:${rest[0]?.pos ?? -1}`;
    let m = this.modeMemo.get(key);
    if (!m) {
      m = this.computeIfMode(s, rest, ctx);
      this.modeMemo.set(key, m);
    }
    return m;
  }

  private computeIfMode(s: ts.IfStatement, rest: readonly ts.Statement[], ctx: Ctx): IfMode {
    const t = this.t;
    const thenList = stmtsOf(t, s.thenStatement);
    const elseList = stmtsOf(t, s.elseStatement);
    const a = this.retKind(thenList, ctx);
    const b = this.retKind(elseList, ctx);
    const firstReturn = (nodes: readonly ts.Node[]) => {
      let r: ts.ReturnStatement | undefined;
      walkAll(t, nodes, (n) => { if (r) return false; if (t.isReturnStatement(n)) r = n; });
      return r;
    };
    if (a === 'always' && b === 'always') return { kind: 'both' };
    if (a === 'never' && b === 'never') return { kind: 'none' };
    if (a === 'always' || b === 'always') {
      const into = a === 'always' ? 'else' : 'then';
      const combined = branchList(t, into === 'else' ? s.elseStatement : s.thenStatement, rest);
      if (this.retKind(combined, ctx) === 'always') return { kind: 'absorb', absorb: { into, statements: rest } };
      return { kind: 'invalid', ret: firstReturn(into === 'else' ? thenList : elseList), why: 'one-sided' };
    }
    return { kind: 'invalid', ret: firstReturn([...thenList, ...elseList]), why: 'partial' };
  }

  // ---- visiting ----

  private visit(node: ts.Node, ctx: Ctx | undefined): void {
    const t = this.t;
    const root = this.rootsByFn.get(node);
    if (root && (!ctx || ctx.root !== root)) {
      this.visitRoot(root);
      return;
    }
    if (ctx && (t.isBlock(node) || t.isModuleBlock(node))) {
      this.visitList(node.statements, ctx);
      return;
    }
    if (ctx && (t.isCaseClause(node) || t.isDefaultClause(node))) {
      if (t.isCaseClause(node)) this.visit(node.expression, ctx);
      this.visitList(node.statements, ctx);
      return;
    }
    if (t.isIfStatement(node)) {
      if (ctx) this.visitIf(node, [], ctx);
      else {
        this.checkOutsideCondition(node.expression);
        t.forEachChild(node, (c) => this.visit(c, ctx));
      }
      return;
    }
    if (isLoop(t, node) && !t.isForOfStatement(node) && !t.isForInStatement(node)) {
      this.visitLoop(node, ctx);
      return;
    }
    if (t.isConditionalExpression(node)) {
      if (ctx) this.visitTernary(node, ctx);
      else this.checkOutsideCondition(node.condition);
    } else if (t.isBinaryExpression(node)) {
      const k = node.operatorToken.kind;
      if (k === t.SyntaxKind.AmpersandAmpersandToken || k === t.SyntaxKind.BarBarToken) {
        if (ctx) this.visitLogical(node, ctx);
        else this.checkOutsideCondition(node.left);
      } else if (k === t.SyntaxKind.EqualsEqualsEqualsToken || k === t.SyntaxKind.ExclamationEqualsEqualsToken ||
          k === t.SyntaxKind.EqualsEqualsToken || k === t.SyntaxKind.ExclamationEqualsToken) {
        this.checkIdentity(node, ctx);
      }
    } else if (t.isPrefixUnaryExpression(node) && node.operator === t.SyntaxKind.ExclamationToken) {
      if (ctx) {
        if (this.isTensorCondition(node.operand, ctx)) ctx.plans.set(node, { kind: 'not' });
      } else {
        this.checkOutsideCondition(node.operand, node);
      }
    } else if (t.isSwitchStatement(node)) {
      this.checkSwitch(node, ctx);
    }
    if (ctx && t.isExpression(node)) this.checkConversion(node, ctx);
    t.forEachChild(node, (c) => this.visit(c, ctx));
  }

  private visitRoot(root: JitRoot): void {
    const t = this.t;
    const plans = new Map<ts.Node, Plan>();
    this.rootPlans.set(root, plans);
    let ctxRef: Ctx | undefined;
    const prov = new Provenance(t, this.checker, this.types, this.api, root, (e) => this.isTensorCondition(e, ctxRef));
    const ctx: Ctx = { root, prov, refs: new References(t, this.checker, root.fn), plans };
    ctxRef = ctx;
    const fn = root.fn;
    for (const p of fn.parameters) this.visit(p, ctx);
    if (!fn.body) return;
    if (t.isBlock(fn.body)) this.visitList(fn.body.statements, ctx);
    else this.visit(fn.body, ctx);
  }

  private visitList(stmts: readonly ts.Statement[], ctx: Ctx): void {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      if (this.t.isIfStatement(s)) {
        if (this.visitIf(s, stmts.slice(i + 1), ctx)) return;
      } else {
        this.visit(s, ctx);
      }
    }
  }

  /** Visits an `if` in a jit function; returns true when it absorbed `rest` into a branch. */
  private visitIf(s: ts.IfStatement, rest: readonly ts.Statement[], ctx: Ctx): boolean {
    const t = this.t;
    const ci = this.condInfo(s.expression, ctx);
    this.visit(s.expression, ctx);
    const visitBranches = (thenList: readonly ts.Statement[], elseList: readonly ts.Statement[]) => {
      this.visitList(thenList, ctx);
      this.visitList(elseList, ctx);
    };
    if (ci.kind === 'any') {
      this.warnAny(s.expression, ctx, 'if');
      ctx.plans.set(s, { kind: 'truth', reason: 'its static type is any', site: this.site(s) });
      visitBranches(stmtsOf(t, s.thenStatement), stmtsOf(t, s.elseStatement));
      return false;
    }
    if (ci.kind !== 'tensor') {
      visitBranches(stmtsOf(t, s.thenStatement), stmtsOf(t, s.elseStatement));
      return false;
    }
    const mode = this.ifMode(s, rest, ctx);
    let thenList = stmtsOf(t, s.thenStatement);
    let elseList = stmtsOf(t, s.elseStatement);
    if (mode.kind === 'absorb') {
      if (mode.absorb.into === 'else') elseList = branchList(t, s.elseStatement, rest);
      else thenList = branchList(t, s.thenStatement, rest);
    }
    const blockers = this.blockers(s, mode, thenList, elseList, ctx);
    const site = this.site(s);
    if (blockers.length === 0) {
      const state = this.assigned(thenList, elseList, ctx);
      if (mode.kind === 'none') {
        const outputs = this.outputs(s, thenList, elseList, ctx).map((o) => o.name);
        ctx.plans.set(s, { kind: 'ifStmt', outputs, restore: state.map((v) => v.name).filter((n) => !outputs.includes(n)), site });
      } else {
        ctx.plans.set(s, { kind: 'ifReturn', absorb: mode.kind === 'absorb' ? mode.absorb : undefined, restore: state.map((v) => v.name), site });
      }
      visitBranches(thenList, elseList);
      return mode.kind === 'absorb';
    }
    if (ci.traced) {
      const cond = short(s.expression.getText(this.sf));
      const condRel: Related = { node: s.expression, message: `The condition '${cond}' depends on ${this.depsText(ci.deps)}.` };
      for (const b of blockers) this.report(ctx, b.rule, b.node, b.message, [...b.related, condRel]);
    } else {
      ctx.plans.set(s, { kind: 'truth', reason: blockers[0].reason, site });
    }
    visitBranches(stmtsOf(t, s.thenStatement), stmtsOf(t, s.elseStatement));
    return false;
  }

  private blockers(s: ts.IfStatement, mode: IfMode, thenList: readonly ts.Statement[], elseList: readonly ts.Statement[], ctx: Ctx): Blocker[] {
    const t = this.t;
    const out: Blocker[] = [];
    const cond = short(s.expression.getText(this.sf));
    const all = [...thenList, ...elseList];
    for (const j of escapingJumps(t, all)) {
      const kw = t.isBreakStatement(j) ? 'break' : t.isContinueStatement(j) ? 'continue' : 'throw';
      const fix = kw === 'throw'
        ? 'Check the condition before calling the jit function (or on an auxiliary argument), or return a flag tensor instead of throwing.'
        : `Keep the loop running and select values with math.where (e.g. x = math.where(done, x, step(x))), or make the loop's data an auxiliary argument.`;
      out.push({
        rule: rules.tracedJump, node: j, reason: `it contains '${kw}'`, related: [],
        message: `'${kw}' under the traced condition '${cond}' cannot be converted: while tracing both branches run and are merged with math.where, ` +
          `so a jump cannot depend on the condition. ${fix}`,
      });
    }
    if (mode.kind === 'invalid') {
      const node = mode.ret ?? s;
      const msg = mode.why === 'one-sided'
        ? `'return' under the traced condition '${cond}', but the other branch (with the code after the if) can end without returning a value. ` +
          'Both branches run while tracing and their return values are merged with math.where, so every path must return a value: add a return to the other branch or after the if.'
        : `'return' on only some paths under the traced condition '${cond}': tensorjit converts an if whose branches either both always return or never return. ` +
          'Assign a result variable in both branches and return it after the if.';
      out.push({ rule: rules.tracedJump, node, message: msg, related: [], reason: "a branch returns on some paths only" });
    }
    if (mode.kind === 'both' || mode.kind === 'absorb') {
      walkAll(t, all, (n) => {
        if (!t.isReturnStatement(n)) return;
        const f = t.TypeFlags;
        const empty = !n.expression || !!(this.types.typeOf(n.expression).flags & (f.Undefined | f.Void | f.Null));
        if (empty) {
          out.push({
            rule: rules.tracedJump, node: n, related: [], reason: 'a branch returns no value',
            message: `This 'return' gives no value (${n.expression ? short(n.expression.getText(this.sf)) : 'undefined'}) on one side of the traced condition '${cond}': ` +
              'while tracing both branches run and their return values are merged with math.where, so both must return tensors (or numbers, or arrays / objects of them). ' +
              'Return a tensor on every path, e.g. math.zerosLike(x) as the neutral value.',
          });
        }
      });
    }
    for (const v of varDeclarations(t, all)) {
      out.push({
        rule: rules.varInBranch, node: v, reason: "it contains a 'var' declaration", related: [],
        message: `'var' declaration in a branch of the traced condition '${cond}': the branch runs as a function while tracing, so a 'var' would not be visible after the if. Use 'let' or 'const' (declared before the if when it is used after it).`,
      });
    }
    if (mode.kind === 'absorb') {
      for (const st of mode.absorb.statements) {
        if (t.isFunctionDeclaration(st) || t.isClassDeclaration(st)) {
          out.push({
            rule: rules.varInBranch, node: st.name ?? st, reason: 'a declaration would move into a branch', related: [],
            message: `'${st.name?.text ?? 'declaration'}' is declared after a 'return' under the traced condition '${cond}': tensorjit moves the code after a one-sided return into the other branch, where this declaration would no longer be visible to the rest of the function. Move it before the if.`,
          });
        }
      }
    }
    out.push(...this.sideEffects(all, cond, ctx));
    if (mode.kind === 'none') {
      for (const o of this.outputs(s, thenList, elseList, ctx)) {
        if (!this.types.mergeable(o.type)) {
          out.push({
            rule: rules.nonTensorState, node: o.write, reason: `'${o.name}' cannot be merged`,
            related: o.use ? [{ node: o.use, message: `'${o.name}' is used here after the if.` }] : [],
            message: `'${o.name}' (type ${this.types.text(o.type)}) is assigned under the traced condition '${cond}' and used after the if, but only tensors, numbers, booleans ` +
              'and arrays / plain objects of them can be merged with math.where. Compute it outside the if, or make the condition static (an auxiliary argument).',
          });
        }
        if (!ctx.refs.hasValueBefore(o.sym, s) &&
            !(definitelyAssigns(t, thenList, o.sym, this.checker) && definitelyAssigns(t, elseList, o.sym, this.checker))) {
          const thenMissing = !definitelyAssigns(t, thenList, o.sym, this.checker);
          const missing = thenMissing ? 'the then branch' : 'the else branch';
          const other = thenMissing ? 'the else branch' : 'the then branch';
          const where = !thenMissing && !s.elseStatement ? 'the if has no else branch' : `not on every path of ${missing}`;
          const add = !thenMissing && !s.elseStatement ? 'add an else branch that assigns it' : `assign it in ${missing} too`;
          out.push({
            rule: rules.oneSided, node: o.write, reason: `'${o.name}' is assigned in one branch only`,
            related: o.use ? [{ node: o.use, message: `'${o.name}' is used here after the if.` }] : [],
            message: `'${o.name}' is assigned in ${other} of the traced condition '${cond}' but ${where}, and it is used after the if. ` +
              `Both branches run while tracing and '${o.name}' is merged with math.where, so it needs a value from each: ${add}, or give it a value before the if (e.g. 'let ${o.name} = …').`,
          });
        }
      }
    }
    return out;
  }

  private declaredIn(decl: ts.Node, stmts: readonly ts.Statement[]): boolean {
    return stmts.some((s) => decl.pos >= s.pos && decl.end <= s.end);
  }

  /** Variables of the jit function assigned in either branch and declared outside them (the branch state). */
  private assigned(thenList: readonly ts.Statement[], elseList: readonly ts.Statement[], ctx: Ctx):
      { name: string; sym: ts.Symbol; decl: ts.Node; write: ts.Identifier }[] {
    const t = this.t;
    const all = [...thenList, ...elseList];
    const seen = new Map<ts.Symbol, ts.Identifier>();
    walkAll(t, all, (n) => {
      if (t.isIdentifier(n) && isWrite(t, n)) {
        const sym = this.checker.getSymbolAtLocation(n);
        if (sym && !seen.has(sym)) seen.set(sym, n);
      }
    }, true);
    const out: { name: string; sym: ts.Symbol; decl: ts.Node; write: ts.Identifier }[] = [];
    for (const [sym, write] of seen) {
      const decl = sym.valueDeclaration ?? sym.declarations?.[0];
      if (!decl || this.declaredIn(decl, all)) continue;
      if (!(decl.pos >= ctx.root.fn.pos && decl.end <= ctx.root.fn.end)) continue; // outer: a side effect
      out.push({ name: sym.getName(), sym, decl, write });
    }
    return out;
  }

  /** The branch state that is live after the if (merged with where). */
  private outputs(s: ts.IfStatement, thenList: readonly ts.Statement[], elseList: readonly ts.Statement[], ctx: Ctx):
      { name: string; sym: ts.Symbol; type: ts.Type; write: ts.Identifier; use: ts.Identifier | undefined }[] {
    const out: { name: string; sym: ts.Symbol; type: ts.Type; write: ts.Identifier; use: ts.Identifier | undefined }[] = [];
    for (const v of this.assigned(thenList, elseList, ctx)) {
      const use = ctx.refs.liveAfter(v.sym, s);
      if (!use) continue;
      out.push({ name: v.name, sym: v.sym, type: this.checker.getTypeOfSymbolAtLocation(v.sym, v.decl), write: v.write, use });
    }
    return out;
  }

  /**
   * Mutations of state outside the branches: outer variables, properties, mutating calls. With
   * `expressionArms` (the arms of `?:`, the right side of `&&` / `||`), assignments to any variable
   * declared outside them count too: expression arms have no state merging.
   */
  private sideEffects(nodes: readonly ts.Node[], cond: string, ctx: Ctx, expressionArms = false): Blocker[] {
    const t = this.t;
    const out: Blocker[] = [];
    const stmts = nodes as readonly ts.Statement[];
    const fix = 'Both branches run while tracing, so the mutation happens whatever the condition is. Return the new value instead (merged with math.where), or make the condition static (an auxiliary argument).';
    const baseOf = (e: ts.Expression): ts.Node => {
      let b = skipOuter(t, e);
      while (t.isPropertyAccessExpression(b) || t.isElementAccessExpression(b) || t.isCallExpression(b)) b = skipOuter(t, b.expression);
      return b;
    };
    const outside = (base: ts.Node): { decl?: ts.Node; name: string } | undefined => {
      if (base.kind === t.SyntaxKind.ThisKeyword) return { name: 'this' };
      if (!t.isIdentifier(base)) return undefined;
      const sym = this.checker.getSymbolAtLocation(base);
      const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
      if (!decl || this.declaredIn(decl, stmts)) return undefined;
      return { decl, name: base.text };
    };
    const declRel = (o: { decl?: ts.Node; name: string }): Related[] =>
      o.decl ? [{ node: o.decl, message: `'${o.name}' is declared here, outside the branches.` }] : [];
    walkAll(t, nodes, (n) => {
      if (t.isIdentifier(n) && isWrite(t, n)) {
        const sym = this.checker.getSymbolAtLocation(n);
        const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
        if (decl && !(decl.pos >= ctx.root.fn.pos && decl.end <= ctx.root.fn.end)) {
          out.push({
            rule: rules.sideEffect, node: n, reason: `it assigns the outer variable '${n.text}'`,
            related: [{ node: decl, message: `'${n.text}' is declared here, outside jit function '${ctx.root.name}'.` }],
            message: `Assignment to '${n.text}', declared outside jit function '${ctx.root.name}', under the traced condition '${cond}'. ${fix}`,
          });
        } else if (decl && expressionArms && !nodes.some((a) => decl.pos >= a.pos && decl.end <= a.end)) {
          out.push({
            rule: rules.sideEffect, node: n, reason: `it assigns '${n.text}' in an expression`,
            related: [{ node: decl, message: `'${n.text}' is declared here.` }],
            message: `Assignment to '${n.text}' inside an expression that depends on the traced condition '${cond}': both sides run while tracing and only the expression's value is merged, so '${n.text}' would keep whichever side ran last. ` +
              'Use an if statement (its variables are merged with math.where), or compute the value with math.where.',
          });
        }
        return;
      }
      let target: ts.Expression | undefined;
      let what = '';
      if (t.isBinaryExpression(n) && n.operatorToken.kind >= t.SyntaxKind.FirstAssignment && n.operatorToken.kind <= t.SyntaxKind.LastAssignment &&
          (t.isPropertyAccessExpression(skipOuter(t, n.left)) || t.isElementAccessExpression(skipOuter(t, n.left)))) {
        target = n.left;
        what = `Assignment to '${short(n.left.getText(this.sf))}'`;
      } else if ((t.isPrefixUnaryExpression(n) || t.isPostfixUnaryExpression(n)) &&
          (n.operator === t.SyntaxKind.PlusPlusToken || n.operator === t.SyntaxKind.MinusMinusToken) &&
          (t.isPropertyAccessExpression(skipOuter(t, n.operand)) || t.isElementAccessExpression(skipOuter(t, n.operand)))) {
        target = n.operand;
        what = `'${short(n.getText(this.sf))}'`;
      } else if (t.isDeleteExpression(n)) {
        target = n.expression;
        what = `'${short(n.getText(this.sf))}'`;
      } else if (t.isCallExpression(n)) {
        const callee = skipOuter(t, n.expression);
        if (t.isPropertyAccessExpression(callee)) {
          const m = callee.name.text;
          const rt = this.types.typeOf(callee.expression);
          const sym = rt.getSymbol();
          if ((MUTATING_ARRAY.has(m) && this.types.isArray(rt)) || (MUTATING_COLLECTION.has(m) && sym && COLLECTIONS.has(sym.getName()))) {
            target = callee.expression;
            what = `'${short(n.getText(this.sf))}' mutates '${short(callee.expression.getText(this.sf))}'`;
          } else if (t.isIdentifier(callee.expression) && callee.expression.text === 'Object' && (m === 'assign' || m === 'defineProperty') && n.arguments[0]) {
            target = n.arguments[0];
            what = `'Object.${m}(…)' mutates '${short(n.arguments[0].getText(this.sf))}'`;
          }
        }
      }
      if (target) {
        const o = outside(baseOf(target));
        if (o) {
          out.push({
            rule: rules.sideEffect, node: n, reason: `it mutates '${o.name}'`, related: declRel(o),
            message: `${what} under the traced condition '${cond}': it changes state outside the branches. ${fix}`,
          });
        }
      }
    }, true);
    return out;
  }

  private visitTernary(e: ts.ConditionalExpression, ctx: Ctx): void {
    const ci = this.condInfo(e.condition, ctx);
    const site = this.site(e);
    if (ci.kind === 'any') {
      this.warnAny(e.condition, ctx, 'conditional expression');
      ctx.plans.set(e, { kind: 'truth', reason: 'its static type is any', site });
      return;
    }
    if (ci.kind !== 'tensor') return;
    const cond = short(e.condition.getText(this.sf));
    const effects = this.sideEffects([e.whenTrue, e.whenFalse], cond, ctx, true);
    if (effects.length === 0) {
      ctx.plans.set(e, { kind: 'ifExp', site });
    } else if (ci.traced) {
      const condRel: Related = { node: e.condition, message: `The condition '${cond}' depends on ${this.depsText(ci.deps)}.` };
      for (const b of effects) this.report(ctx, b.rule, b.node, b.message, [...b.related, condRel]);
    } else {
      ctx.plans.set(e, { kind: 'truth', reason: effects[0].reason, site });
    }
  }

  private visitLogical(e: ts.BinaryExpression, ctx: Ctx): void {
    const t = this.t;
    const left = this.condInfo(e.left, ctx);
    if (left.kind !== 'tensor') return;
    const op = e.operatorToken.kind === t.SyntaxKind.AmpersandAmpersandToken ? 'and' : 'or';
    if (left.traced) {
      const cond = short(e.left.getText(this.sf));
      const effects = this.sideEffects([e.right], cond, ctx, true);
      if (effects.length) {
        const condRel: Related = { node: e.left, message: `'${cond}' depends on ${this.depsText(left.deps)}.` };
        for (const b of effects) this.report(ctx, b.rule, b.node, b.message, [...b.related, condRel]);
        return;
      }
    }
    ctx.plans.set(e, { kind: op });
  }

  private visitLoop(loop: ts.IterationStatement, ctx: Ctx | undefined): void {
    const t = this.t;
    const test = t.isForStatement(loop) ? loop.condition : (loop as ts.WhileStatement | ts.DoStatement).expression;
    const visitParts = () => {
      if (t.isForStatement(loop)) {
        if (loop.initializer) this.visit(loop.initializer, ctx);
        if (loop.incrementor) this.visit(loop.incrementor, ctx);
      }
      this.visit(loop.statement, ctx);
    };
    if (!test) { visitParts(); return; }
    if (!ctx) {
      this.checkOutsideCondition(test);
      this.visit(test, ctx);
      visitParts();
      return;
    }
    const ci = this.condInfo(test, ctx);
    const site = this.site(loop);
    const kw = t.isForStatement(loop) ? 'for' : t.isDoStatement(loop) ? 'do…while' : 'while';
    if (ci.kind === 'tensor' && ci.traced) {
      this.report(ctx, rules.tracedLoop, test,
        `The ${kw} loop condition '${short(test.getText(this.sf))}' depends on ${this.depsText(ci.deps)}: loops run in JS while tracing, ` +
          `so their trip count must be known then. Use a static bound (a number or shape size, or an auxiliary argument) and select with math.where inside the loop${this.auxHint(ci.deps)}.`,
        this.depsRelated(ci.deps, ctx));
      this.visit(test, ctx);
    } else if (ci.kind === 'tensor') {
      ctx.plans.set(loop, { kind: 'truth', reason: 'a loop condition must be concrete', site });
      this.visit(test, ctx);
    } else if (ci.kind === 'any') {
      this.warnAny(test, ctx, `${kw} loop`);
      ctx.plans.set(loop, { kind: 'truth', reason: 'its static type is any', site });
      this.visit(test, ctx);
    } else {
      const saved = ctx.loopTest;
      ctx.loopTest = { loop, reported: false };
      this.visit(test, ctx);
      ctx.loopTest = saved;
    }
    visitParts();
  }

  private warnAny(e: ts.Expression, ctx: Ctx, where: string): void {
    this.report(ctx, rules.anyCondition, e,
      `The ${where} condition '${short(e.getText(this.sf))}' has type ${this.types.text(this.types.typeOf(e))} in jit function '${ctx.root.name}': ` +
        'tensorjit cannot tell whether it is a tensor, so it stays a JS condition (guarded: a tensor there throws while tracing instead of always counting as true). ' +
        'Give it a type: Tensor (converted to math.where) or boolean.',
      this.declRelated(e, false));
  }

  // ---- checks ----

  private checkConversion(e: ts.Expression, ctx: Ctx): void {
    const conv = ctx.prov.conversion(e);
    if (!conv) return;
    const traced = conv.operands.filter((o) => ctx.prov.traced(o));
    if (!traced.length) return;
    const deps = traced.flatMap((o) => ctx.prov.deps(o));
    const opText = short(traced[0].getText(this.sf));
    if (ctx.loopTest) {
      if (ctx.loopTest.reported) return;
      ctx.loopTest.reported = true;
      const loop = ctx.loopTest.loop;
      const test = this.t.isForStatement(loop) ? loop.condition! : (loop as ts.WhileStatement).expression;
      this.report(ctx, rules.tracedLoop, test,
        `The loop condition '${short(test.getText(this.sf))}' uses '${opText}', which depends on ${this.depsText(deps)}: loops run in JS while tracing, ` +
          `so their trip count must be known then. Use a static bound (a number, a shape size, or an auxiliary argument) and select with math.where inside the loop${this.auxHint(deps)}.`,
        this.depsRelated(deps, ctx));
      return;
    }
    const d = this.report(ctx, rules.tracedToJs, e,
      `${conv.what.replace('{}', `'${opText}'`)}, which depends on ${this.depsText(deps)} of jit function '${ctx.root.name}': a traced value has no JS value while tracing. ` +
        `Fix: ${conv.fix}${this.auxHint(deps)}.`,
      this.depsRelated(deps, ctx));
    // quick fix: `.all` / `.any` used as a condition → the tensor reduction (converted to math.where)
    const t = this.t;
    if (t.isPropertyAccessExpression(e) && (e.name.text === 'all' || e.name.text === 'any') && this.isConditionPosition(e)) {
      const alt = e.name.text === 'all' ? 'allAlong()' : 'anyAlong()';
      this.fixes.push({
        code: d.code, start: d.start!, length: d.length!, description: `Use the tensor '${short(e.expression.getText(this.sf))}.${alt}' as the condition`,
        edits: [{ start: e.name.getStart(this.sf), length: e.name.getWidth(this.sf), newText: alt }],
      });
    }
  }

  private isConditionPosition(e: ts.Node): boolean {
    const t = this.t;
    let n = e;
    for (;;) {
      const p = n.parent;
      if (t.isParenthesizedExpression(p) || (t.isPrefixUnaryExpression(p) && p.operator === t.SyntaxKind.ExclamationToken) ||
          (t.isBinaryExpression(p) && (p.operatorToken.kind === t.SyntaxKind.AmpersandAmpersandToken || p.operatorToken.kind === t.SyntaxKind.BarBarToken))) {
        n = p;
        continue;
      }
      return (t.isIfStatement(p) && p.expression === n) || (t.isConditionalExpression(p) && p.condition === n);
    }
  }

  private checkOutsideCondition(cond: ts.Expression, notNode?: ts.PrefixUnaryExpression): void {
    const t = this.t;
    const e = skipOuter(t, cond);
    if (t.isPrefixUnaryExpression(e) && e.operator === t.SyntaxKind.ExclamationToken) return; // reported at the `!`
    if (t.isBinaryExpression(e) && (e.operatorToken.kind === t.SyntaxKind.AmpersandAmpersandToken || e.operatorToken.kind === t.SyntaxKind.BarBarToken)) return; // at its left
    if (this.types.condType(this.types.typeOf(e)) !== 'tensor') return;
    const text = short(e.getText(this.sf));
    const related = this.declRelated(e, true);
    const always = notNode ? 'always false' : 'always true';
    const d = this.report(undefined, rules.tensorCondition, e,
      `'${text}' is a Tensor used as a JS condition${notNode ? " (negated with '!')" : ''}: a tensor object is always truthy, so this is ${always}. ` +
        `Use '${text}.all' or '${text}.any' for a concrete tensor, or move the code into a jit function, where tensor conditions are converted to math.where.`,
      related);
    const needsParens = !(t.isIdentifier(e) || t.isPropertyAccessExpression(e) || t.isCallExpression(e) || t.isElementAccessExpression(e));
    for (const m of ['all', 'any']) {
      const edits = needsParens
        ? [{ start: e.getStart(this.sf), length: 0, newText: '(' }, { start: e.getEnd(), length: 0, newText: `).${m}` }]
        : [{ start: e.getEnd(), length: 0, newText: `.${m}` }];
      this.fixes.push({ code: d.code, start: d.start!, length: d.length!, description: `Use '${text}.${m}'`, edits });
    }
  }

  private isNullish(e: ts.Expression): boolean {
    const t = this.t;
    const x = skipOuter(t, e);
    if (x.kind === t.SyntaxKind.NullKeyword || t.isVoidExpression(x)) return true;
    if (t.isIdentifier(x) && x.text === 'undefined') return true;
    const ty = this.types.typeOf(x);
    const f = t.TypeFlags;
    return !!(ty.flags & (f.Null | f.Undefined | f.Void));
  }

  private checkIdentity(e: ts.BinaryExpression, ctx: Ctx | undefined): void {
    const t = this.t;
    if (this.isNullish(e.left) || this.isNullish(e.right)) return;
    const isTensorSide = (x: ts.Expression) => this.types.hasTensor(this.types.typeOf(x)) ||
      (!!ctx && this.types.isNumeric(this.types.typeOf(x)) && ctx.prov.traced(x));
    const l = isTensorSide(e.left);
    const r = isTensorSide(e.right);
    if (!l && !r) return;
    const op = e.operatorToken.getText(this.sf);
    const neg = op.startsWith('!');
    const side = l ? e.left : e.right;
    const other = l ? e.right : e.left;
    const sideText = short(side.getText(this.sf));
    const tracedNumber = !this.types.hasTensor(this.types.typeOf(side));
    const inJit = !!ctx;
    const method = neg ? 'ne' : 'eq';
    const otherText = short(other.getText(this.sf));
    const recvText = t.isIdentifier(side) || t.isPropertyAccessExpression(side) || t.isCallExpression(side) ? sideText : `(${sideText})`;
    const replacement = inJit
      ? `math.${neg ? 'notEqual' : 'equal'}(${sideText}, ${otherText})`
      : `'${recvText}.${method}(${otherText}).${neg ? 'any' : 'all'}'`;
    const d = this.report(ctx, rules.tensorIdentity, e,
      `'${op}' compares ${tracedNumber ? `'${sideText}' (a traced number: a tensor while tracing)` : `the tensor '${sideText}'`} by object identity, not by value, ` +
        `so '${short(e.getText(this.sf))}' is ${neg ? 'true' : 'false'} even when the values are equal. ` +
        (inJit
          ? `Use ${replacement} (a bool tensor; tensorjit converts it as a condition).`
          : `Use ${replacement} (element-wise ${neg ? 'inequality: true if any element differs' : 'equality: true if all elements are equal'}).`),
      tracedNumber && ctx ? this.depsRelated(ctx.prov.deps(side), ctx) : this.declRelated(side, true));
    if (this.types.hasTensor(this.types.typeOf(side))) {
      const recv = t.isIdentifier(side) || t.isPropertyAccessExpression(side) || t.isCallExpression(side) ? side.getText(this.sf) : `(${side.getText(this.sf)})`;
      const text = inJit ? `${recv}.${method}(${other.getText(this.sf)})` : `${recv}.${method}(${other.getText(this.sf)}).${neg ? 'any' : 'all'}`;
      this.fixes.push({ code: d.code, start: d.start!, length: d.length!, description: `Compare values: '${short(text)}'`, edits: [{ start: d.start!, length: d.length!, newText: text }] });
    }
  }

  private checkSwitch(s: ts.SwitchStatement, ctx: Ctx | undefined): void {
    const ty = this.types.typeOf(s.expression);
    const kind = this.types.condType(ty);
    const tracedNumber = !!ctx && this.types.isNumeric(ty) && ctx.prov.traced(s.expression);
    if (kind !== 'tensor' && kind !== 'nullable' && !tracedNumber) return;
    const text = short(s.expression.getText(this.sf));
    this.report(ctx, rules.tensorSwitch, s.expression,
      `'switch' on ${tracedNumber ? `'${text}', a traced number (a tensor while tracing)` : `the tensor '${text}'`}: switch compares with '===' (object identity), so no case matches a tensor. ` +
        `Use if / else with math.equal(…)${ctx ? ' (converted to math.where in jit functions)' : " and '.all'"}, or pass the value as an auxiliary argument and switch on a JS number.`,
      ctx && tracedNumber ? this.depsRelated(ctx.prov.deps(s.expression), ctx) : this.declRelated(s.expression, true));
  }
}

const cache = new WeakMap<ts.Program, WeakMap<ts.SourceFile, FileAnalysis>>();
const hasTensorjit = new WeakMap<ts.Program, boolean>();

function programUsesTensorjit(t: TS, program: ts.Program): boolean {
  let v = hasTensorjit.get(program);
  if (v === undefined) {
    const api = new TensorjitApi(t, program.getTypeChecker());
    v = program.getSourceFiles().some((f) => api.isTensorjitFile(f));
    hasTensorjit.set(program, v);
  }
  return v;
}

/** Whether tensorjit analyses this file (TypeScript sources, not declarations). */
export function isAnalysable(t: TS, program: ts.Program, sf: ts.SourceFile): boolean {
  if (sf.isDeclarationFile) return false;
  if (!/\.(c|m)?tsx?$/.test(sf.fileName)) return false;
  if (program.isSourceFileFromExternalLibrary(sf)) return false;
  return true;
}

/** Analyses one file of a program (cached per program and file). */
export function analyzeSourceFile(t: TS, program: ts.Program, sf: ts.SourceFile): FileAnalysis {
  let perProgram = cache.get(program);
  if (!perProgram) { perProgram = new WeakMap(); cache.set(program, perProgram); }
  let a = perProgram.get(sf);
  if (!a) {
    a = isAnalysable(t, program, sf) && programUsesTensorjit(t, program)
      ? new FileAnalyzer(t, program, sf).run()
      : { file: sf, roots: [], plans: new Map(), diagnostics: [], fixes: [] };
    perProgram.set(sf, a);
  }
  return a;
}

/** Analyses every analysable file of a program; diagnostics in file order. */
export function analyzeProgram(t: TS, program: ts.Program): FileAnalysis[] {
  return program.getSourceFiles().filter((f) => isAnalysable(t, program, f)).map((f) => analyzeSourceFile(t, program, f));
}
