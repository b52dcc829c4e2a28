/**
 * The analysis: one pass over a source file that classifies every condition-like position (`if`,
 * `?:`, `&&`, `||`, `!`, loop tests, `switch`, `===`), decides how each tensor condition inside a
 * jit function is converted (AutoGraph-style, see DESIGN.md) and reports what cannot be. Pure:
 * it reads the program, never changes it. Results are cached per (program, file).
 */
import type * as ts from 'typescript';
import type { FileAnalysis, FunctionLike, JitRoot, Plan, TS } from './model';
import { TensorjitApi, skipOuter } from './api';
import { discover, paramNames } from './discovery';
import { Provenance, type Deps } from './provenance';
import { References, branchList, containsReturn, isLoop, stmtsOf, walk, walkAll, type RetKind } from './flow';
import { relativePath, rules, type Related } from './rules';
import { short, type CondInfo, type Ctx, type IfMode } from './context';
import { BranchAnalysis } from './branches';

class FileAnalyzer extends BranchAnalysis {
  private readonly rootsByFn = new Map<ts.Node, JitRoot>();
  private readonly rootPlans = new Map<JitRoot, Map<ts.Node, Plan>>();
  private readonly condMemo = new Map<ts.Node, CondInfo>();
  private readonly modeMemo = new Map<string, IfMode>();
  /** Run-time truth checks for tensor conditions whose TS93001 is ignored (any function). */
  private readonly guards = new Map<ts.Node, Plan>();

  run(): FileAnalysis {
    const t = this.t;
    const found = discover(t, this.checker, this.api, this.sf, this.cwd);
    this.diagnostics.push(...found.diagnostics);
    this.fixes.push(...found.fixes);
    for (const r of found.roots) this.rootsByFn.set(r.fn, r);
    const helpers = this.findHelpers(found.roots);
    for (const h of helpers) this.rootsByFn.set(h.fn, h);
    this.visit(this.sf, undefined);
    this.applyIgnoreDirectives([...found.roots, ...helpers]);
    const plans = new Map<ts.Node, Plan>(this.guards);
    for (const [root, p] of this.rootPlans) {
      // a helper is always rewritten: what it cannot convert keeps a run-time truth guard
      if (root.errors.length && root.kind !== 'helper') continue;
      for (const [n, plan] of p) plans.set(n, plan);
    }
    const diagnostics = this.diagnostics.slice().sort((a, b) => (a.start ?? 0) - (b.start ?? 0) || a.code - b.code);
    return { file: this.sf, roots: found.roots, plans, diagnostics, fixes: this.fixes };
  }

  /**
   * Unmarked functions of this file that jit functions call or pass on (transitively): AutoGraph
   * converts called functions too. Their parameters count as of unknown provenance (the function
   * may be called with concrete or traced values), so what cannot be converted there is guarded at
   * run time (controlFlow.truth) rather than reported.
   */
  private findHelpers(roots: readonly JitRoot[]): JitRoot[] {
    const t = this.t;
    const out: JitRoot[] = [];
    const seen = new Set<ts.Node>(roots.map((r) => r.fn));
    const inRoot = (n: ts.Node) => [...seen].some((f) => n.pos >= f.pos && n.end <= f.end);
    const scan = (fn: ts.Node) => {
      walk(t, fn, (n) => {
        if (!t.isIdentifier(n)) return;
        const decl = this.api.resolve(this.checker.getSymbolAtLocation(n))?.valueDeclaration;
        if (!decl || decl.getSourceFile() !== this.sf) return;
        let f: FunctionLike | undefined;
        let name = n.text;
        if (t.isFunctionDeclaration(decl) && decl.body) f = decl;
        else if (t.isVariableDeclaration(decl) && decl.initializer) {
          const init = skipOuter(t, decl.initializer);
          if (t.isArrowFunction(init) || t.isFunctionExpression(init)) f = init;
          if (t.isIdentifier(decl.name)) name = decl.name.text;
        }
        if (!f || seen.has(f) || inRoot(f) || f.modifiers?.some((m) => m.kind === t.SyntaxKind.AsyncKeyword) || f.asteriskToken) return;
        seen.add(f);
        const { line, character } = this.sf.getLineAndCharacterOfPosition(f.getStart(this.sf));
        out.push({
          kind: 'helper', fn: f, name, params: paramNames(t, f), aux: undefined, anchor: decl as ts.FunctionDeclaration,
          source: `${relativePath(this.sf.fileName, this.cwd)}:${line + 1}:${character + 1}`, errors: [], alreadyCompiled: false,
        });
        scan(f);
      }, true);
    };
    for (const r of roots) scan(r.fn);
    return out;
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
    // an ignored "always true" tensor condition still gets the run-time truth check
    for (const d of this.diagnostics) {
      const node = this.guardable.get(d);
      if (node && ignored(d) && !this.guards.has(node)) {
        this.guards.set(node, { kind: 'guard', reason: `TS${d.code} is ignored here`, site: this.site(node) });
      }
    }
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
    const kind = this.condKind(e);
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

  protected isStaticCondition(e: ts.Expression, ctx: Ctx): boolean {
    const c = this.condInfo(e, ctx);
    return c.kind === 'js' || c.kind === 'nullable';
  }

  protected tracedCondition(e: ts.Expression, ctx: Ctx): boolean {
    const c = this.condInfo(e, ctx);
    return c.kind === 'tensor' && c.traced;
  }

  private isTensorCondition(e: ts.Expression, ctx: Ctx | undefined): boolean {
    return this.condInfo(e, ctx).kind === 'tensor';
  }

  // ---- return normalisation ----

  /**
   * Whether a statement list always returns ('always': no path falls through its end, every exit a
   * return or throw), never returns ('never': no path returns; throws allowed), or returns on some
   * paths only (TorchScript's WILL / WONT / MIGHT, with THROWS not counting as a return).
   */
  private retKind(stmts: readonly ts.Statement[], ctx: Ctx): RetKind {
    const f = this.listFlow(stmts, ctx);
    return !f.falls ? 'always' : !f.returns ? 'never' : 'some';
  }

  private listFlow(stmts: readonly ts.Statement[], ctx: Ctx): { falls: boolean; returns: boolean } {
    let returns = false;
    for (let i = 0; i < stmts.length; i++) {
      const k = this.stmtFlow(stmts[i], stmts.slice(i + 1), ctx);
      returns ||= k.returns;
      if (!k.falls) return { falls: false, returns };
    }
    return { falls: true, returns };
  }

  private stmtFlow(s: ts.Statement, rest: readonly ts.Statement[], ctx: Ctx): { falls: boolean; returns: boolean } {
    const t = this.t;
    if (t.isReturnStatement(s)) return { falls: false, returns: true };
    if (t.isThrowStatement(s)) return { falls: false, returns: false };
    if (t.isBlock(s)) return this.listFlow(s.statements, ctx);
    if (t.isLabeledStatement(s)) return this.stmtFlow(s.statement, rest, ctx);
    if (t.isIfStatement(s)) {
      if (this.isTensorCondition(s.expression, ctx)) {
        const m = this.ifMode(s, rest, ctx);
        return m.kind === 'both' || m.kind === 'absorb' ? { falls: false, returns: true } : m.kind === 'none' ? { falls: true, returns: false } : { falls: true, returns: true };
      }
      const a = this.listFlow(stmtsOf(t, s.thenStatement), ctx);
      const b = s.elseStatement ? this.listFlow(stmtsOf(t, s.elseStatement), ctx) : { falls: true, returns: false };
      return { falls: a.falls || b.falls, returns: a.returns || b.returns };
    }
    if (t.isTryStatement(s)) {
      const fin = s.finallyBlock && this.listFlow(s.finallyBlock.statements, ctx);
      const tb = this.listFlow(s.tryBlock.statements, ctx);
      const cb = s.catchClause ? this.listFlow(s.catchClause.block.statements, ctx) : undefined;
      const returns = tb.returns || !!cb?.returns || !!fin?.returns;
      if (fin && !fin.falls) return { falls: false, returns };
      if (!tb.falls && (!cb || !cb.falls)) return { falls: false, returns };
      return { falls: true, returns };
    }
    if (t.isDoStatement(s) && !this.listFlow(stmtsOf(t, s.statement), ctx).falls) return { falls: false, returns: containsReturn(t, [s]) };
    return { falls: true, returns: containsReturn(t, [s]) };
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
    if (ctx && (t.isForOfStatement(node) || t.isForInStatement(node))) this.planJsLoop(node, ctx);
    if (t.isConditionalExpression(node)) {
      if (ctx) this.visitTernary(node, ctx);
      else this.checkOutsideCondition(node.condition);
    } else if (t.isBinaryExpression(node)) {
      const k = node.operatorToken.kind;
      if (k === t.SyntaxKind.AmpersandAmpersandToken || k === t.SyntaxKind.BarBarToken) {
        if (ctx) this.visitLogical(node, ctx);
        else this.checkOutsideCondition(node.left);
      } else if (k === t.SyntaxKind.AmpersandAmpersandEqualsToken || k === t.SyntaxKind.BarBarEqualsToken) {
        this.visitLogicalAssignment(node, ctx);
      } else if (k === t.SyntaxKind.EqualsEqualsEqualsToken || k === t.SyntaxKind.ExclamationEqualsEqualsToken ||
          k === t.SyntaxKind.EqualsEqualsToken || k === t.SyntaxKind.ExclamationEqualsToken) {
        this.checkIdentity(node, ctx);
      }
    } else if (t.isPrefixUnaryExpression(node) && node.operator === t.SyntaxKind.ExclamationToken) {
      if (ctx) {
        if (this.isTensorCondition(node.operand, ctx)) {
          ctx.plans.set(node, { kind: 'not' });
          this.checkTensorAsBoolean(node, ctx);
        }
      } else {
        this.checkOutsideCondition(node.operand, node);
      }
    } else if (t.isSwitchStatement(node)) {
      this.checkSwitch(node, ctx);
    } else if (t.isCallExpression(node) || t.isNewExpression(node)) {
      this.checkTruthCall(node, ctx);
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
    const ctx: Ctx = { root, prov, refs: new References(t, this.checker, root.fn), plans, jumpFlags: new Map(), loopReported: new Set() };
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
        for (const f of this.jumpFlagsIn([...thenList, ...elseList], ctx)) if (!outputs.includes(f)) outputs.push(f);
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
      for (const b of blockers) {
        if (b.silent) continue;
        const d = this.report(ctx, b.rule, b.node, b.message, [...b.related, condRel]);
        if (b.fix) this.fixes.push({ code: d.code, start: d.start!, length: d.length!, ...b.fix });
      }
    }
    // not converted: a JS condition guarded at run time (when the errors above are ignored with
    // @tensorjit-ignore-next-line, a traced condition then throws instead of counting as true)
    ctx.plans.set(s, { kind: 'truth', reason: blockers[0].reason, site });
    visitBranches(stmtsOf(t, s.thenStatement), stmtsOf(t, s.elseStatement));
    return false;
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
      return;
    }
    if (ci.traced) {
      const condRel: Related = { node: e.condition, message: `The condition '${cond}' depends on ${this.depsText(ci.deps)}.` };
      for (const b of effects) this.report(ctx, b.rule, b.node, b.message, [...b.related, condRel]);
    }
    ctx.plans.set(e, { kind: 'truth', reason: effects[0].reason, site });
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
        ctx.plans.set(e.left, { kind: 'guard', reason: effects[0].reason, site: this.site(e) });
        return;
      }
    }
    ctx.plans.set(e, { kind: op });
    this.checkTensorAsBoolean(e, ctx);
  }

  /**
   * `m &&= u` / `m ||= u` with a tensor `m`: JS tests `m` for truth (always true for a tensor).
   * In a jit function `m` (a variable) becomes `m = controlFlow.and(m, () => u)`; elsewhere, or for
   * a property target, it is reported.
   */
  private visitLogicalAssignment(e: ts.BinaryExpression, ctx: Ctx | undefined): void {
    const t = this.t;
    const and = e.operatorToken.kind === t.SyntaxKind.AmpersandAmpersandEqualsToken;
    if (this.condKind(e.left) !== 'tensor') return;
    const target = skipOuter(t, e.left);
    if (ctx && t.isIdentifier(target)) {
      ctx.plans.set(e, { kind: and ? 'and' : 'or' });
      return;
    }
    const text = short(e.left.getText(this.sf));
    const op = and ? '&&=' : '||=';
    const effect = and ? `'${op}' always assigns` : `'${op}' never assigns`;
    const method = and ? 'logicalAnd' : 'logicalOr';
    this.report(ctx, rules.tensorCondition, e,
      `'${op}' tests the Tensor '${text}' for truth: a tensor object is always truthy, so ${effect}. ` +
        (ctx ? `Write '${text} = math.${method}(${text}, …)' (tensorjit converts '${op}' only on a variable).`
          : `Write '${text} = math.${method}(${text}, …)' for the element-wise result, or test '${text}.all' / '${text}.any'.`),
      this.declRelated(e.left, true));
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
      const problems = this.loopProblems(loop, test, ctx);
      if (problems.list.length === 0) {
        const { carried, breakFlag, continueFlag, guards, incrementOutputs } = problems;
        ctx.plans.set(loop, { kind: 'whileStmt', carried, site, doWhile: t.isDoStatement(loop), breakFlag, continueFlag, guards, incrementOutputs });
        for (const [j, flag] of ctx.jumpFlags) if (j.pos >= loop.pos && j.end <= loop.end) ctx.plans.set(j, { kind: 'jumpFlag', flag });
      } else {
        for (const b of problems.list) {
          if (t.isBreakStatement(b.node) || t.isContinueStatement(b.node) || t.isReturnStatement(b.node)) ctx.loopReported.add(b.node);
        }
        ctx.plans.set(loop, { kind: 'truth', reason: problems.list[0].reason, site });
        const condRel: Related = { node: test, message: `The condition '${short(test.getText(this.sf))}' depends on ${this.depsText(ci.deps)}.` };
        for (const b of problems.list) {
          this.report(ctx, rules.tracedLoop, b.node,
            `The ${kw} loop condition '${short(test.getText(this.sf))}' depends on ${this.depsText(ci.deps)}, so tensorjit converts the loop into math.whileLoop ` +
              `(one ONNX Loop), but ${b.message}`, [...b.related, condRel]);
        }
      }
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
      this.planJsLoop(loop, ctx);
    }
    visitParts();
  }

  /** A loop that runs in JS: its break / continue under traced conditions become flags (jsLoopJumps). */
  private planJsLoop(loop: ts.IterationStatement, ctx: Ctx): void {
    const r = this.jsLoopJumps(loop, ctx);
    if (!r) return;
    if (r.conv.list.length) {
      for (const b of r.conv.list) this.report(ctx, b.rule, b.node, b.message, b.related);
      return;
    }
    const { breakFlag, continueFlag, guards } = r.conv;
    ctx.plans.set(loop, { kind: 'jsLoopJumps', site: this.site(loop), breakFlag, continueFlag, guards, bodyOutputs: r.bodyOutputs });
    for (const [j, flag] of ctx.jumpFlags) if (j.pos >= loop.pos && j.end <= loop.end) ctx.plans.set(j, { kind: 'jumpFlag', flag });
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
    try {
      a = isAnalysable(t, program, sf) && programUsesTensorjit(t, program)
        ? new FileAnalyzer(t, program, sf).run()
        : { file: sf, roots: [], plans: new Map(), diagnostics: [], fixes: [] };
    } catch (e) {
      const err = new Error(`tensorjit: the analysis of ${sf.fileName} failed (please report this with the file): ${(e as Error)?.message ?? e}`);
      err.stack = `${err.message}\n${(e as Error)?.stack ?? ''}`;
      throw err;
    }
    perProgram.set(sf, a);
  }
  return a;
}

/** Analyses every analysable file of a program; diagnostics in file order. */
export function analyzeProgram(t: TS, program: ts.Program): FileAnalysis[] {
  return program.getSourceFiles().filter((f) => isAnalysable(t, program, f)).map((f) => analyzeSourceFile(t, program, f));
}
