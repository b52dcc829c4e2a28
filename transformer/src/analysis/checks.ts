/**
 * Expression-level checks: tensors used as JS conditions outside jit functions (93001), traced
 * values turned into JS values (93002, or 93003 in a loop test), `===` on tensors (93008),
 * `switch` on tensors (93007) and unclassifiable `any` conditions (93011).
 */
import type * as ts from 'typescript';
import { skipOuter } from './api';
import { AnalyzerBase, short, type Ctx } from './context';
import { rules } from './rules';
import { isWrite } from './flow';
import type { TS } from './model';

/** Library methods that test a callback's result for truth (their parameter is named `predicate`). */
const PREDICATE_METHODS = new Set(['filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);

/** The parent of `e` outside parentheses / `as` / `!` wrappers. */
function skipOuterParent(t: TS, e: ts.Node): ts.Node | undefined {
  let p = e.parent;
  while (p && (t.isParenthesizedExpression(p) || t.isAsExpression(p) || t.isNonNullExpression(p) || t.isSatisfiesExpression(p))) p = p.parent;
  return p;
}

export abstract class ExpressionChecks extends AnalyzerBase {
  protected warnAny(e: ts.Expression, ctx: Ctx, where: string): void {
    this.report(ctx, rules.anyCondition, e,
      `The ${where} condition '${short(e.getText(this.sf))}' has type ${this.types.text(this.types.typeOf(e))} in jit function '${ctx.root.name}': ` +
        'tensorjit cannot tell whether it is a tensor, so it stays a JS condition (guarded: a tensor there throws while tracing instead of always counting as true). ' +
        'Give it a type: Tensor (converted to math.where) or boolean.',
      this.declRelated(e, false));
  }

  protected checkConversion(e: ts.Expression, ctx: Ctx): void {
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
    const merged = deps.find((x) => x.kind === 'merged');
    const mergedText = merged
      ? ` ('${merged.name}' is a tensor here: the traced ${this.isLoopTest(merged.node) ? 'loop' : 'if'} at line ${this.sf.getLineAndCharacterOfPosition(merged.node.getStart(this.sf)).line + 1} ` +
        `${this.isLoopTest(merged.node) ? 'carries it as loop state (math.whileLoop)' : 'assigns it and merges it with math.where'})`
      : '';
    const fix = merged
      ? `keep '${merged.name}' a tensor from the start (e.g. 'let ${merged.name} = math.tensor(0)', then '${merged.name} = ${merged.name}.add(…)')`
      : conv.fix;
    const d = this.report(ctx, rules.tracedToJs, e,
      `${conv.what.replace('{}', `'${opText}'`)}, which depends on ${this.depsText(deps)} of jit function '${ctx.root.name}'${mergedText}: a traced value has no JS value while tracing. ` +
        `Fix: ${fix}${this.auxHint(deps)}.`,
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

  protected isConditionPosition(e: ts.Node): boolean {
    const t = this.t;
    let n = e;
    for (;;) {
      const p = n.parent;
      if (t.isParenthesizedExpression(p) || (t.isPrefixUnaryExpression(p) && p.operator === t.SyntaxKind.ExclamationToken) ||
          (t.isBinaryExpression(p) && (p.operatorToken.kind === t.SyntaxKind.AmpersandAmpersandToken || p.operatorToken.kind === t.SyntaxKind.BarBarToken))) {
        n = p;
        continue;
      }
      return (t.isIfStatement(p) && p.expression === n) || (t.isConditionalExpression(p) && p.condition === n) ||
        ((t.isWhileStatement(p) || t.isDoStatement(p)) && p.expression === n) || (t.isForStatement(p) && p.condition === n);
    }
  }

  /** Whether a declaration comes from TypeScript's default library (lib.*.d.ts). */
  protected isLibDeclaration(decl: ts.Node | undefined): boolean {
    if (!decl) return false;
    const f = decl.getSourceFile();
    return f.hasNoDefaultLib || /(^|[\\/])lib\.[^\\/]*\.d\.ts$/.test(f.fileName);
  }

  /** The values a callback returns: an expression body, or the `return` expressions of its block (not of nested functions). */
  protected returnedExpressions(fn: ts.ArrowFunction | ts.FunctionExpression): ts.Expression[] {
    const t = this.t;
    if (!t.isBlock(fn.body)) return [fn.body];
    const out: ts.Expression[] = [];
    const visit = (n: ts.Node): void => {
      if (t.isFunctionLike(n) || t.isClassLike(n)) return;
      if (t.isReturnStatement(n) && n.expression) out.push(n.expression);
      t.forEachChild(n, visit);
    };
    t.forEachChild(fn.body, visit);
    return out;
  }

  /**
   * Calls whose callee tests an argument for truth (JS's ToBoolean) where tensorjit cannot convert
   * it: `Boolean(t)` / `new Boolean(t)`, a predicate callback returning a tensor (`filter`, `some`,
   * `every`, `find`, `findIndex`, `findLast`, `findLastIndex`: every library parameter named
   * `predicate`), and a tensor passed to an `asserts value` function (`assert(t)`). Always true for
   * a tensor object, inside jit functions and outside (TS93001).
   */
  protected checkTruthCall(e: ts.CallExpression | ts.NewExpression, ctx: Ctx | undefined): void {
    const t = this.t;
    const args = e.arguments ?? [];
    const callee = skipOuter(t, e.expression);
    const inJit = !!ctx;
    const where = inJit ? '' : ', or move the code into a jit function, where tensor conditions are converted to math.where';
    if (t.isIdentifier(callee) && callee.text === 'Boolean' && args.length > 0 && this.isLibDeclaration(this.checker.getSymbolAtLocation(callee)?.declarations?.[0])) {
      const a = args[0];
      if (this.condKind(a) !== 'tensor') return;
      const text = short(a.getText(this.sf));
      const d = this.report(ctx, rules.tensorCondition, e,
        `'${short(e.getText(this.sf))}' converts the Tensor '${text}' to a JS boolean by truthiness: a tensor object is always truthy, so this is always true. ` +
          (inJit
            ? `Use the bool tensor '${text}' itself (as a condition tensorjit converts it to math.where), or '${text}.all' / '${text}.any' on a concrete tensor.`
            : `Use '${text}.all' or '${text}.any'${where}.`),
        this.declRelated(a, true));
      this.guardable.set(d, a);
      if (!inJit) {
        for (const m of ['all', 'any']) {
          this.fixes.push({ code: d.code, start: d.start!, length: d.length!, description: `Use '${short(a.getText(this.sf))}.${m}'`,
            edits: [{ start: e.getStart(this.sf), length: e.getEnd() - e.getStart(this.sf), newText: `${this.receiverText(a)}.${m}` }] });
        }
      }
      return;
    }
    // (decorators are left alone: resolving them would change what TypeScript's import elision sees)
    if (!t.isCallExpression(e) || args.length === 0 || t.isDecorator(e.parent)) return;
    // asserts value: the argument is tested for truth
    const assertSig = this.types.typeOf(callee).getCallSignatures().find((cs) => {
      const p = this.checker.getTypePredicateOfSignature(cs);
      return !!p && p.kind === t.TypePredicateKind.AssertsIdentifier && !p.type;
    });
    const pred = assertSig && this.checker.getTypePredicateOfSignature(assertSig);
    if (pred && pred.kind === t.TypePredicateKind.AssertsIdentifier && pred.parameterIndex < args.length) {
      const a = args[pred.parameterIndex];
      if (this.condKind(a) === 'tensor') {
        const text = short(a.getText(this.sf));
        const d = this.report(ctx, rules.tensorCondition, a,
          `'${text}' is a Tensor passed to '${short(callee.getText(this.sf))}', which asserts that its argument is truthy: a tensor object is always truthy, so the assertion always passes. ` +
            `Assert '${text}.all' on a concrete tensor${inJit ? ' (a traced tensor has no value while tracing: check it before calling the jit function)' : ''}.`,
          this.declRelated(a, true));
        this.guardable.set(d, a);
      }
      return;
    }
    if (!t.isPropertyAccessExpression(callee) || !PREDICATE_METHODS.has(callee.name.text)) return;
    const sig = this.checker.getResolvedSignature(e);
    const decl = sig?.getDeclaration();
    if (!sig || !decl || !this.isLibDeclaration(decl)) return;
    const pi = sig.getParameters().findIndex((p) => p.getName() === 'predicate');
    if (pi < 0 || pi >= args.length) return;
    const method = callee.name.text;
    const cb = skipOuter(t, args[pi]);
    const tensorReturns: ts.Expression[] = [];
    if (t.isArrowFunction(cb) || t.isFunctionExpression(cb)) {
      for (const r of this.returnedExpressions(cb)) if (this.condKind(r) === 'tensor') tensorReturns.push(r);
    } else {
      const ty = this.types.typeOf(cb);
      if (ty.getCallSignatures().some((cs) => this.types.hasTensor(cs.getReturnType()))) tensorReturns.push(cb);
    }
    for (const r of tensorReturns) {
      const text = short(r.getText(this.sf));
      const d = this.report(ctx, rules.tensorCondition, r,
        `The callback of '${method}' returns the Tensor '${text}', and '${method}' tests that result for truth: a tensor object is always truthy, so the predicate holds for every element. ` +
          (inJit
            ? `Return a JS boolean ('${text}.all' / '.any' on a concrete tensor). A traced condition cannot choose elements while tracing: select values with math.where instead (or make the data an auxiliary argument).`
            : `Return '${text}.all' or '${text}.any'.`),
        this.declRelated(r, true));
      if (r !== cb) {
        this.guardable.set(d, r);
        for (const m of ['all', 'any']) {
          this.fixes.push({ code: d.code, start: d.start!, length: d.length!, description: `Return '${short(r.getText(this.sf))}.${m}'`,
            edits: [{ start: r.getStart(this.sf), length: r.getEnd() - r.getStart(this.sf), newText: `${this.receiverText(r)}.${m}` }] });
        }
      }
    }
  }

  /**
   * Whether a bool tensor typed boolean is only used where a tensor is fine: passed where a Tensor
   * is accepted (`math.where(!m, a, b)`), or stored in a variable used only there and as converted
   * (traced) conditions.
   */
  private tensorValueAccepted(e: ts.Expression, ctx: Ctx): boolean {
    const t = this.t;
    const accepts = (n: ts.Expression) => {
      const ct = this.checker.getContextualType(n);
      return !!ct && this.types.hasTensor(ct);
    };
    if (accepts(e)) return true;
    const p = skipOuterParent(t, e);
    if (!p || !t.isVariableDeclaration(p) || !t.isIdentifier(p.name) || p.type) return false;
    const sym = this.checker.getSymbolAtLocation(p.name);
    if (!sym) return false;
    const uses = ctx.refs.of(sym).filter((r) => r !== p.name);
    return uses.every((r) => !isWrite(t, r) && (accepts(r) || (this.isConditionPosition(r) && this.tracedCondition(r, ctx))));
  }

  /** Implemented by the analyzer: whether a condition expression is converted as a traced tensor condition. */
  protected abstract tracedCondition(e: ts.Expression, ctx: Ctx): boolean;

  /** `e` as the receiver of a member access: parenthesised unless it is a name, access or call. */
  protected receiverText(e: ts.Expression): string {
    const t = this.t;
    const text = e.getText(this.sf);
    return t.isIdentifier(e) || t.isPropertyAccessExpression(e) || t.isCallExpression(e) || t.isElementAccessExpression(e) || t.isParenthesizedExpression(e)
      ? text : `(${text})`;
  }

  /**
   * Inside a jit function, a converted `!t` (or `t && b` / `t || b` whose static type has no
   * Tensor in it) gives a bool tensor where TypeScript sees a boolean: fine as a condition, but
   * used as a value (stored, returned, passed) JS code later tests that "boolean" for truth.
   */
  protected checkTensorAsBoolean(e: ts.Expression, ctx: Ctx): void {
    const t = this.t;
    if (this.isConditionPosition(e)) return;
    const p = skipOuterParent(t, e);
    // an operand of a larger converted expression is reported there
    if (p && ((t.isPrefixUnaryExpression(p) && p.operator === t.SyntaxKind.ExclamationToken) ||
        (t.isBinaryExpression(p) && (p.operatorToken.kind === t.SyntaxKind.AmpersandAmpersandToken || p.operatorToken.kind === t.SyntaxKind.BarBarToken) &&
          !this.types.hasTensor(this.types.typeOf(p))))) return;
    if (this.types.hasTensor(this.types.typeOf(e))) return;
    if (this.tensorValueAccepted(e, ctx)) return;
    const text = short(e.getText(this.sf));
    const inner = t.isPrefixUnaryExpression(e) ? skipOuter(t, e.operand) : undefined;
    const doubleNot = inner && t.isPrefixUnaryExpression(inner) && inner.operator === t.SyntaxKind.ExclamationToken;
    const fix = inner
      ? (doubleNot ? `use the bool tensor '${short(skipOuter(t, (inner as ts.PrefixUnaryExpression).operand).getText(this.sf))}' itself` : `write '${short(this.receiverText(inner))}.not()'`)
      : 'use math.logicalAnd / math.logicalOr (or the methods .and / .or) on bool tensors';
    const d = this.report(ctx, rules.tensorCondition, e,
      `'${text}' is a bool tensor in jit function '${ctx.root.name}', but its static type is boolean, and it is used as a value: JS code that later tests it for truth ` +
        `(an if on a variable, filter, ===) sees an object, which is always truthy. Keep a Tensor type: ${fix}.`,
      []);
    if (inner && !doubleNot) {
      this.fixes.push({ code: d.code, start: d.start!, length: d.length!, description: `Use '${short(this.receiverText(inner))}.not()'`,
        edits: [{ start: e.getStart(this.sf), length: e.getEnd() - e.getStart(this.sf), newText: `${this.receiverText(inner)}.not()` }] });
    }
  }

  protected checkOutsideCondition(cond: ts.Expression, notNode?: ts.PrefixUnaryExpression): void {
    const t = this.t;
    const e = skipOuter(t, cond);
    if (t.isPrefixUnaryExpression(e) && e.operator === t.SyntaxKind.ExclamationToken) return; // reported at the `!`
    if (t.isBinaryExpression(e) && (e.operatorToken.kind === t.SyntaxKind.AmpersandAmpersandToken || e.operatorToken.kind === t.SyntaxKind.BarBarToken)) {
      // the left side is tested by the operator itself (reported where the operator is visited);
      // the right side is what the condition tests when the left one lets it through
      this.checkOutsideCondition(e.right);
      return;
    }
    if (t.isConditionalExpression(e)) {
      this.checkOutsideCondition(e.whenTrue);
      this.checkOutsideCondition(e.whenFalse);
      return;
    }
    if (this.condKind(e) !== 'tensor') return;
    const text = short(e.getText(this.sf));
    const related = this.declRelated(e, true);
    const always = notNode ? 'always false' : 'always true';
    const fn = this.markableFunction(e);
    const helper = fn
      ? ` If '${fn.name}' is a helper called from jit functions, mark it /** @jit */: a jit function called while tracing is inlined, and its tensor conditions are converted.`
      : '';
    const d = this.report(undefined, rules.tensorCondition, e,
      `'${text}' is a Tensor used as a JS condition${notNode ? " (negated with '!')" : ''}: a tensor object is always truthy, so this is ${always}. ` +
        `Use '${text}.all' or '${text}.any' for a concrete tensor, or move the code into a jit function, where tensor conditions are converted to math.where.${helper}`,
      related);
    this.guardable.set(d, e);
    const needsParens = !(t.isIdentifier(e) || t.isPropertyAccessExpression(e) || t.isCallExpression(e) || t.isElementAccessExpression(e));
    for (const m of ['all', 'any']) {
      const edits = needsParens
        ? [{ start: e.getStart(this.sf), length: 0, newText: '(' }, { start: e.getEnd(), length: 0, newText: `).${m}` }]
        : [{ start: e.getEnd(), length: 0, newText: `.${m}` }];
      this.fixes.push({ code: d.code, start: d.start!, length: d.length!, description: `Use '${text}.${m}'`, edits });
    }
    if (fn) {
      const lineStart = this.sf.getPositionOfLineAndCharacter(this.sf.getLineAndCharacterOfPosition(fn.statement.getStart(this.sf)).line, 0);
      const indent = /^[ \t]*/.exec(this.sf.text.slice(lineStart))![0];
      this.fixes.push({ code: d.code, start: d.start!, length: d.length!, description: `Mark '${fn.name}' as a jit function (/** @jit */)`,
        edits: [{ start: fn.statement.getStart(this.sf), length: 0, newText: `/** @jit */\n${indent}` }] });
    }
  }

  /** The function declaration or `const f = (…) => …` around `e` that /** @jit *\/ could mark (not already a jit function). */
  protected markableFunction(e: ts.Node): { name: string; statement: ts.Statement } | undefined {
    const t = this.t;
    for (let p = e.parent; p; p = p.parent) {
      if (t.isFunctionDeclaration(p)) return p.name && p.body && t.isSourceFile(p.parent) ? { name: p.name.text, statement: p } : undefined;
      if (t.isArrowFunction(p) || t.isFunctionExpression(p)) {
        const d = p.parent;
        if (t.isVariableDeclaration(d) && t.isIdentifier(d.name) && t.isVariableDeclarationList(d.parent) && t.isVariableStatement(d.parent.parent) &&
            t.isSourceFile(d.parent.parent.parent)) return { name: d.name.text, statement: d.parent.parent };
        return undefined;
      }
      if (t.isClassLike(p) || t.isMethodDeclaration(p)) return undefined;
    }
    return undefined;
  }

  protected isNullish(e: ts.Expression): boolean {
    const t = this.t;
    const x = skipOuter(t, e);
    if (x.kind === t.SyntaxKind.NullKeyword || t.isVoidExpression(x)) return true;
    if (t.isIdentifier(x) && x.text === 'undefined') return true;
    const ty = this.types.typeOf(x);
    const f = t.TypeFlags;
    return !!(ty.flags & (f.Null | f.Undefined | f.Void));
  }

  protected checkIdentity(e: ts.BinaryExpression, ctx: Ctx | undefined): void {
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

  protected checkSwitch(s: ts.SwitchStatement, ctx: Ctx | undefined): void {
    const ty = this.types.typeOf(s.expression);
    const kind = this.types.condType(ty);
    const tracedNumber = !!ctx && this.types.isNumeric(ty) && ctx.prov.traced(s.expression);
    if (kind !== 'tensor' && kind !== 'nullable' && !tracedNumber) {
      // `switch (true) { case x.gt(0): … }`: each case is compared with '===' too
      for (const c of s.caseBlock.clauses) {
        if (!this.t.isCaseClause(c) || !this.types.hasTensor(this.types.typeOf(c.expression))) continue;
        const ct = short(c.expression.getText(this.sf));
        this.report(ctx, rules.tensorSwitch, c.expression,
          `'case ${ct}' compares the tensor '${ct}' with the switch value by '===' (object identity), so this case never matches. ` +
            `Use if / else with the tensor condition '${ct}'${ctx ? ' (converted to math.where in jit functions)' : " and '.all'"}.`,
          this.declRelated(c.expression, true));
      }
      return;
    }
    const text = short(s.expression.getText(this.sf));
    this.report(ctx, rules.tensorSwitch, s.expression,
      `'switch' on ${tracedNumber ? `'${text}', a traced number (a tensor while tracing)` : `the tensor '${text}'`}: switch compares with '===' (object identity), so no case matches a tensor. ` +
        `Use if / else with math.equal(…)${ctx ? ' (converted to math.where in jit functions)' : " and '.all'"}, or pass the value as an auxiliary argument and switch on a JS number.`,
      ctx && tracedNumber ? this.depsRelated(ctx.prov.deps(s.expression), ctx) : this.declRelated(s.expression, true));
  }
}
