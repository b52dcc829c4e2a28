/**
 * Expression-level checks: tensors used as JS conditions outside jit functions (93001), traced
 * values turned into JS values (93002, or 93003 in a loop test), `===` on tensors (93008),
 * `switch` on tensors (93007) and unclassifiable `any` conditions (93011).
 */
import type * as ts from 'typescript';
import { skipOuter } from './api';
import { AnalyzerBase, short, type Ctx } from './context';
import { rules } from './rules';

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
      return (t.isIfStatement(p) && p.expression === n) || (t.isConditionalExpression(p) && p.condition === n);
    }
  }

  protected checkOutsideCondition(cond: ts.Expression, notNode?: ts.PrefixUnaryExpression): void {
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
    if (kind !== 'tensor' && kind !== 'nullable' && !tracedNumber) return;
    const text = short(s.expression.getText(this.sf));
    this.report(ctx, rules.tensorSwitch, s.expression,
      `'switch' on ${tracedNumber ? `'${text}', a traced number (a tensor while tracing)` : `the tensor '${text}'`}: switch compares with '===' (object identity), so no case matches a tensor. ` +
        `Use if / else with math.equal(…)${ctx ? ' (converted to math.where in jit functions)' : " and '.all'"}, or pass the value as an auxiliary argument and switch on a JS number.`,
      ctx && tracedNumber ? this.depsRelated(ctx.prov.deps(s.expression), ctx) : this.declRelated(s.expression, true));
  }
}
