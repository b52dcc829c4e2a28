/**
 * What stands between a tensor `if` and its conversion (the blockers: jumps, unconvertible
 * returns, `var`, side effects, one-sided and unmergeable variables), and the branch state: the
 * variables the branches assign (restored between them) and those used after the `if` (merged).
 */
import type * as ts from 'typescript';
import { skipOuter } from './api';
import { ExpressionChecks } from './checks';
import { short, type Blocker, type Ctx, type IfMode } from './context';
import type { Fix } from './model';
import { definitelyAssigns, escapingJumps, isLoop, isWrite, refSymbol, stmtsOf, varDeclarations, walkAll } from './flow';
import { rules, type Related } from './rules';

/** How a loop with a traced condition becomes math.whileLoop (or what prevents it: `list`). */
export interface LoopConversion {
  readonly list: Blocker[];
  readonly carried: string[];
  readonly breakFlag?: string;
  readonly continueFlag?: string;
  readonly guards: ReadonlyMap<ts.Node, { readonly outputs: readonly string[] }>;
  readonly incrementOutputs: readonly string[];
}

const MUTATING_ARRAY = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
const MUTATING_COLLECTION = new Set(['set', 'add', 'delete', 'clear']);
const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet']);

export abstract class BranchAnalysis extends ExpressionChecks {
  protected blockers(s: ts.IfStatement, mode: IfMode, thenList: readonly ts.Statement[], elseList: readonly ts.Statement[], ctx: Ctx): Blocker[] {
    const t = this.t;
    const out: Blocker[] = [];
    const cond = short(s.expression.getText(this.sf));
    const all = [...thenList, ...elseList];
    for (const j of escapingJumps(t, all, (g) => this.isStaticCondition(g.expression, ctx))) {
      if (ctx.jumpFlags.has(j) || ctx.loopReported.has(j)) continue; // a converted loop's flag, or reported by the loop
      const kw = t.isBreakStatement(j) ? 'break' : t.isContinueStatement(j) ? 'continue' : 'throw';
      const target = kw === 'throw' ? undefined : this.enclosingLoop(j, ctx);
      const test = target && (t.isForStatement(target) ? target.condition : t.isWhileStatement(target) || t.isDoStatement(target) ? target.expression : undefined);
      const unbounded = !!target && ((t.isForStatement(target) && !test) || (!!test && skipOuter(t, test).kind === t.SyntaxKind.TrueKeyword));
      const fix = kw === 'throw'
        ? 'Check the condition before calling the jit function (or on an auxiliary argument), or return a flag tensor instead of throwing (a throw under a static condition, such as an argument check, is fine: it happens while tracing).'
        : unbounded
        ? `The loop has no bound of its own and runs in JS while tracing, where this '${kw}' cannot end it (tensorjit converts jumps in loops with a bound or a traced condition into flags): ` +
          `write the exit as the loop's condition, a tensor (e.g. while (y.sum().le(100))), to make it a math.whileLoop.`
        : `Keep the loop running and select values with math.where (e.g. x = math.where(done, x, step(x))), or make the loop's data an auxiliary argument.`;
      out.push({
        rule: rules.tracedJump, node: j, reason: `it contains '${kw}'`, related: [],
        message: `'${kw}' under the traced condition '${cond}' cannot be converted: while tracing both branches run and are merged with math.where, ` +
          `so a jump cannot depend on the condition. ${fix}`,
      });
    }
    const loop = mode.kind === 'invalid' ? this.enclosingLoop(s, ctx) : undefined;
    if (mode.kind === 'invalid' && loop && mode.ret && ctx.loopReported.has(mode.ret)) {
      out.push({ rule: rules.tracedJump, node: mode.ret, reason: 'it returns from inside a traced loop', related: [], message: '', silent: true });
    } else if (mode.kind === 'invalid' && loop) {
      // the cause is the loop: code after the if cannot move into a branch out of a loop body
      const kw = t.isForStatement(loop) ? 'for' : t.isDoStatement(loop) ? 'do…while' : t.isWhileStatement(loop) ? 'while' : t.isForOfStatement(loop) ? 'for…of' : 'for…in';
      const line = this.sf.getLineAndCharacterOfPosition(loop.getStart(this.sf)).line + 1;
      out.push({
        rule: rules.tracedJump, node: mode.ret ?? s, reason: 'it returns from inside a loop',
        related: [{ node: loop.getChildAt(0, this.sf), message: `The enclosing ${kw} loop: it runs in JS while tracing.` }],
        message: `'return' under the traced condition '${cond}' inside the ${kw} loop at line ${line}: the loop runs in JS while tracing, so this return would have to end the loop ` +
          'for some elements and not for others. Keep the result in a variable (select it with math.where, e.g. result = math.where(found, result, v), with a `found` mask) and return it after the loop.',
      });
    } else if (mode.kind === 'invalid') {
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
            fix: this.neutralValueFix(s, o.write, o.name),
            related: o.use ? [{ node: o.use, message: `'${o.name}' is used here after the if.` }] : [],
            message: `'${o.name}' is assigned in ${other} of the traced condition '${cond}' but ${where}, and it is used after the if. ` +
              `Both branches run while tracing and '${o.name}' is merged with math.where, so it needs a value from each: ${add}, or give it a value before the if (e.g. 'let ${o.name} = …').`,
          });
        }
      }
    }
    return out;
  }

  /**
   * TS93005's quick fix: the variable has no value before the if (otherwise it would be merged with
   * it), so there is no old value to keep; the mechanical fix gives it the neutral value of the one
   * assignment's type before the if — `v = math.zerosLike(E)` for a tensor `v = E`, `0` / `false` for
   * a number / boolean — which is what the merge then selects where the branch does not run. Only
   * when `E` uses nothing declared in the if, and (for a tensor) the file imports `math` from tensorjit.
   */
  protected neutralValueFix(s: ts.IfStatement, write: ts.Identifier, name: string): Omit<Fix, 'code' | 'start' | 'length'> | undefined {
    const t = this.t;
    const assign = write.parent;
    if (!t.isBinaryExpression(assign) || assign.operatorToken.kind !== t.SyntaxKind.EqualsToken || assign.left !== write) return undefined;
    const e = assign.right;
    let local = false;
    const check = (n: ts.Node): void => {
      if (t.isIdentifier(n) && !(t.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
        const d = this.checker.getSymbolAtLocation(n)?.valueDeclaration;
        if (d && d.getSourceFile() === this.sf && d.pos >= s.pos && d.end <= s.end) local = true;
      }
      t.forEachChild(n, check);
    };
    check(e);
    if (local) return undefined;
    const ty = this.types.typeOf(e);
    const exprText = e.getText(this.sf);
    let value: string;
    if (this.condKind(e) === 'tensor') {
      const importsMath = this.sf.statements.some((st) => t.isImportDeclaration(st) && t.isStringLiteral(st.moduleSpecifier) &&
        st.moduleSpecifier.text === 'tensorjit' && !!st.importClause?.namedBindings && t.isNamedImports(st.importClause.namedBindings) &&
        st.importClause.namedBindings.elements.some((el) => el.name.text === 'math' && !el.propertyName));
      if (!importsMath) return undefined;
      value = `math.zerosLike(${exprText})`;
    } else if (this.types.isNumeric(ty)) value = '0';
    else if (this.types.isBooleanLike(ty)) value = 'false';
    else return undefined;
    const line = this.sf.getLineAndCharacterOfPosition(s.getStart(this.sf)).line;
    const lineStart = this.sf.getPositionOfLineAndCharacter(line, 0);
    const indent = this.sf.text.slice(lineStart, s.getStart(this.sf));
    if (!/^[ \t]*$/.test(indent)) return undefined; // `} else if (…)`: no line of its own to insert before
    return {
      description: `Give '${name}' the value ${short(value)} before the if (where the condition is false)`,
      edits: [{ start: lineStart, length: 0, newText: `${indent}${name} = ${value};\n` }],
    };
  }

  /**
   * What prevents converting a loop with a traced condition into math.whileLoop, and the
   * loop-carried variables: those of the jit function (declared before the loop, or in a `for`
   * initialiser) that the loop assigns. A variable without a value before the loop is carried
   * only if used after it (then it is a problem: first defined inside the loop).
   */
  protected loopProblems(loop: ts.IterationStatement, test: ts.Expression, ctx: Ctx): LoopConversion {
    const t = this.t;
    const list: Blocker[] = [];
    const inc = t.isForStatement(loop) ? loop.incrementor : undefined;
    const parts: ts.Node[] = [loop.statement, test, ...(inc ? [inc] : [])];
    const bodyStmts = [loop.statement];
    // break / continue of this loop become flags (AutoGraph) where they sit in blocks and ifs
    const jumps: (ts.BreakStatement | ts.ContinueStatement)[] = [];
    const label = t.isLabeledStatement(loop.parent) ? loop.parent.label.text : undefined;
    for (const j of escapingJumps(t, bodyStmts, (g) => this.isStaticCondition(g.expression, ctx))) {
      if (t.isBreakStatement(j) || t.isContinueStatement(j)) {
        const kw = t.isBreakStatement(j) ? 'break' : 'continue';
        let via: ts.Node | undefined;
        for (let p = j.parent; p && p !== loop; p = p.parent) {
          if (!t.isBlock(p) && !t.isIfStatement(p) && !t.isLabeledStatement(p)) { via = p; break; }
        }
        if (j.label && j.label.text !== label) {
          list.push({
            rule: rules.tracedLoop, node: j, related: [], reason: `the loop contains '${kw} ${j.label.text}'`,
            message: `'${kw} ${j.label.text}' in its body jumps out of it to an outer statement, which a converted loop cannot do: ` +
              `set a flag variable (declared before the loop, a tensor or boolean), test it in this loop's condition and after the loop.`,
          });
        } else if (via) {
          const what = t.isSwitchStatement(via) || t.isCaseBlock(via) || t.isCaseClause(via) || t.isDefaultClause(via) ? 'a switch'
            : t.isTryStatement(via) || t.isCatchClause(via) ? 'a try statement' : isLoop(t, via) ? 'an inner loop' : 'a nested statement';
          list.push({
            rule: rules.tracedLoop, node: j, related: [], reason: `the loop contains '${kw}' inside ${what}`,
            message: `'${kw}' inside ${what} in its body is not converted (tensorjit converts a '${kw}' that sits in blocks and ifs of the body): ` +
              `move it out of ${what}, e.g. set a flag there and write 'if (flag) ${kw};' after it.`,
          });
        } else {
          jumps.push(j);
        }
        continue;
      }
      list.push({
        rule: rules.tracedLoop, node: j, related: [], reason: "the loop contains 'throw'",
        message: `its body throws: a traced loop cannot stop with an exception. Check the condition before calling the jit function.`,
      });
    }
    walkAll(t, bodyStmts, (n) => {
      if (t.isReturnStatement(n)) {
        list.push({
          rule: rules.tracedLoop, node: n, related: [], reason: "the loop contains 'return'",
          message: "'return' in its body is not converted: keep the result in a loop variable and return it after the loop.",
        });
      }
    });
    for (const v of varDeclarations(t, bodyStmts)) {
      list.push({ rule: rules.tracedLoop, node: v, related: [], reason: "the loop contains a 'var' declaration",
        message: "its body declares a 'var', which would not be visible after the loop (the body runs as a function): use 'let' or 'const'." });
    }
    for (const b of this.sideEffects(parts, short(test.getText(this.sf)), ctx, false, true)) {
      list.push({ ...b, rule: rules.tracedLoop, message: `its body changes outer state: ${b.message}` });
    }
    const carried: string[] = [];
    const inside = (n: ts.Node, c: ts.Node) => n.pos >= c.pos && n.end <= c.end;
    const followed = this.followedFunctions(parts, ctx);
    const seen = new Set<ts.Symbol>();
    walkAll(t, [...parts, ...followed], (n) => {
      if (!t.isIdentifier(n) || !isWrite(t, n)) return;
      const sym = refSymbol(t, this.checker, n);
      if (!sym || seen.has(sym)) return;
      seen.add(sym);
      const decl = sym.valueDeclaration ?? sym.declarations?.[0];
      if (!decl || !inside(decl, ctx.root.fn) || parts.some((p) => inside(decl, p)) || followed.some((f) => inside(decl, f))) return;
      const name = sym.getName();
      const type = this.checker.getTypeOfSymbolAtLocation(sym, decl);
      const inInit = t.isForStatement(loop) && !!loop.initializer && inside(decl, loop.initializer);
      const hasValue = inInit ? !!(t.isVariableDeclaration(decl) && decl.initializer) : ctx.refs.hasValueBefore(sym, loop);
      const use = ctx.refs.liveAfter(sym, loop);
      if (!hasValue) {
        if (use) {
          list.push({ rule: rules.tracedLoop, node: n, reason: `'${name}' is first defined inside the loop`,
            related: [{ node: use, message: `'${name}' is used here after the loop.` }],
            message: `'${name}' is first assigned inside the loop and used after it: the loop state needs a value before the loop. Give '${name}' a value before the loop.` });
        }
        return;
      }
      if (ctx.prov.deadCounter(n, loop)) return; // only updated, never read: stays a JS number
      if (!this.types.mergeable(type)) {
        list.push({ rule: rules.tracedLoop, node: n, reason: `'${name}' cannot be loop state`,
          related: [{ node: decl, message: `'${name}' is declared here.` }],
          message: `'${name}' (type ${this.types.text(type)}) is assigned in the loop and so would be loop state, which can only hold tensors, numbers, booleans and arrays / plain objects of them. Compute it outside the loop.` });
        return;
      }
      carried.push(name);
    });
    if (carried.length === 0 && list.length === 0) {
      list.push({ rule: rules.tracedLoop, node: test, related: [], reason: 'the loop assigns no variable',
        message: 'the loop assigns no variable declared before it, so its condition can never change: assign the loop variables in the body.' });
    }
    const conv: LoopConversion = { list, carried, guards: new Map(), incrementOutputs: [] };
    // the jumps get their flags even when something else blocks the loop: reported once, by the loop
    return jumps.length ? this.jumpFlags(loop, jumps, conv, ctx) : conv;
  }

  /**
   * AutoGraph's break / continue conversion: `break` sets a carried flag that the loop condition
   * tests, `continue` a flag of the iteration; after a statement that may set one, the rest of its
   * statement list runs under `if (!(break || continue))` (a converted if: merged with where when
   * the flag is a traced mask). Records the flags in ctx.jumpFlags for the ifs of the body.
   */
  private jumpFlags(loop: ts.IterationStatement, jumps: readonly (ts.BreakStatement | ts.ContinueStatement)[], conv: LoopConversion, ctx: Ctx): LoopConversion {
    const t = this.t;
    const line = this.sf.getLineAndCharacterOfPosition(loop.getStart(this.sf)).line + 1;
    const fresh = (base: string) => {
      let name = `${base}_${line}`;
      while (this.sf.text.includes(name)) name += '_';
      return name;
    };
    const breakFlag = jumps.some((j) => t.isBreakStatement(j)) ? fresh('break') : undefined;
    const continueFlag = jumps.some((j) => t.isContinueStatement(j)) ? fresh('continue') : undefined;
    for (const j of jumps) ctx.jumpFlags.set(j, t.isBreakStatement(j) ? breakFlag! : continueFlag!);
    const inside = (n: ts.Node, c: ts.Node) => n.pos >= c.pos && n.end <= c.end;
    const containsJump = (n: ts.Node) => jumps.some((j) => inside(j, n));
    const guards = new Map<ts.Node, { outputs: readonly string[] }>();
    const list = [...conv.list];
    const planList = (stmts: readonly ts.Statement[]): void => {
      for (let i = 0; i < stmts.length; i++) {
        const s = stmts[i];
        if (!containsJump(s)) continue;
        descend(s);
        const rest = stmts.slice(i + 1);
        if (rest.length) {
          const outputs: string[] = [];
          for (const v of this.assigned(rest, [], ctx)) {
            const use = ctx.refs.liveAfter(v.sym, rest[rest.length - 1]);
            if (!use) continue;
            if (!ctx.refs.hasValueBefore(v.sym, rest[0])) {
              list.push({ rule: rules.tracedLoop, node: v.write, reason: `'${v.name}' is assigned after a jump only`,
                related: [{ node: use, message: `'${v.name}' is used here.` }],
                message: `'${v.name}' is assigned after a 'break' / 'continue', which tensorjit converts into a flag: the code after it runs under 'if (!flag)', ` +
                  `merged with math.where, so '${v.name}' needs a value before it. Give '${v.name}' a value before the loop or before the jump.` });
            }
            outputs.push(v.name);
          }
          outputs.push(...this.jumpFlagsIn(rest, ctx).filter((f) => !outputs.includes(f)));
          guards.set(s, { outputs });
          planList(rest);
        }
        return;
      }
    };
    const descend = (s: ts.Statement): void => {
      if (t.isBlock(s)) planList(s.statements);
      else if (t.isIfStatement(s)) { planList(stmtsOf(t, s.thenStatement)); planList(stmtsOf(t, s.elseStatement)); }
      else if (t.isLabeledStatement(s)) descend(s.statement);
    };
    planList(stmtsOf(t, loop.statement));
    let incrementOutputs: string[] = [];
    if (breakFlag && t.isForStatement(loop) && loop.incrementor) {
      const written = new Set<string>();
      walkAll(t, [loop.incrementor], (n) => { if (t.isIdentifier(n) && isWrite(t, n)) written.add(n.text); });
      incrementOutputs = conv.carried.filter((n) => written.has(n));
    }
    if (list.length) return { ...conv, list };
    return { list, carried: breakFlag ? [...conv.carried, breakFlag] : conv.carried, breakFlag, continueFlag, guards, incrementOutputs };
  }

  /**
   * A loop that runs in JS with `break` / `continue` under a traced condition (TS93004 before): the
   * jumps become flags (see jumpFlags). Only loops with a bound of their own (a `for` condition,
   * `while (jsCondition)`, for…of, for…in): a `while (true)` would never end while tracing. Returns
   * undefined when nothing is converted (the ifs then report their jumps).
   */
  protected jsLoopJumps(loop: ts.IterationStatement, ctx: Ctx): { conv: LoopConversion; bodyOutputs: string[] } | undefined {
    const t = this.t;
    const label = t.isLabeledStatement(loop.parent) ? loop.parent.label.text : undefined;
    const jumps: (ts.BreakStatement | ts.ContinueStatement)[] = [];
    let traced = false;
    for (const j of escapingJumps(t, [loop.statement], (g) => this.isStaticCondition(g.expression, ctx))) {
      if (!t.isBreakStatement(j) && !t.isContinueStatement(j)) continue;
      if (j.label && j.label.text !== label) continue; // for an outer statement: reported by its if
      for (let p = j.parent; p && p !== loop; p = p.parent) {
        if (!t.isBlock(p) && !t.isIfStatement(p) && !t.isLabeledStatement(p)) return undefined;
        if (t.isIfStatement(p) && this.tracedCondition(p.expression, ctx)) traced = true;
      }
      jumps.push(j);
    }
    if (!traced) return undefined;
    const test = t.isForStatement(loop) ? loop.condition : t.isWhileStatement(loop) || t.isDoStatement(loop) ? loop.expression : undefined;
    const unbounded = (t.isForStatement(loop) && !test) || (test && skipOuter(t, test).kind === t.SyntaxKind.TrueKeyword);
    if (unbounded) return undefined;
    const conv = this.jumpFlags(loop, jumps, { list: [], carried: [], guards: new Map(), incrementOutputs: [] }, ctx);
    const bodyOutputs: string[] = [];
    const list = [...conv.list];
    for (const v of this.assigned([loop.statement], [], ctx)) {
      if (!ctx.refs.hasValueBefore(v.sym, loop)) {
        const use = ctx.refs.liveAfter(v.sym, loop);
        if (use) {
          list.push({ rule: rules.tracedJump, node: v.write, reason: `'${v.name}' has no value before the loop`,
            related: [{ node: use, message: `'${v.name}' is used here after the loop.` }],
            message: `'${v.name}' is assigned in a loop whose 'break' depends on a traced condition: tensorjit converts the break into a flag and runs the body under 'if (!flag)', ` +
              `merged with math.where, so '${v.name}' needs a value before the loop. Give '${v.name}' a value before the loop.` });
        }
        continue;
      }
      bodyOutputs.push(v.name);
    }
    if (conv.breakFlag) bodyOutputs.push(conv.breakFlag);
    return { conv: { ...conv, list }, bodyOutputs };
  }

  /** The flags that the converted `break` / `continue` statements inside `nodes` set. */
  protected jumpFlagsIn(nodes: readonly ts.Node[], ctx: Ctx): string[] {
    const out: string[] = [];
    walkAll(this.t, nodes, (n) => {
      const f = ctx.jumpFlags.get(n);
      if (f && !out.includes(f)) out.push(f);
    });
    return out;
  }

  /** A JS condition (not a tensor, not traced): a branch under it runs or not while tracing. */
  protected abstract isStaticCondition(e: ts.Expression, ctx: Ctx): boolean;

  /** The innermost loop around `s` inside the jit function, if any. */
  protected enclosingLoop(s: ts.Node, ctx: Ctx): ts.IterationStatement | undefined {
    const t = this.t;
    for (let p = s.parent; p && p !== ctx.root.fn; p = p.parent) {
      if (t.isFunctionLike(p)) return undefined;
      if (t.isWhileStatement(p) || t.isDoStatement(p) || t.isForStatement(p) || t.isForOfStatement(p) || t.isForInStatement(p)) return p;
    }
    return undefined;
  }

  protected declaredIn(decl: ts.Node, stmts: readonly ts.Statement[]): boolean {
    return stmts.some((s) => decl.pos >= s.pos && decl.end <= s.end);
  }

  /**
   * Functions declared in the jit function outside `nodes` that `nodes` refer to (call, or pass on),
   * transitively: a branch calling a local setter `const set = (v) => { y = v; }` assigns `y` too.
   */
  protected followedFunctions(nodes: readonly ts.Node[], ctx: Ctx): ts.Node[] {
    const t = this.t;
    const out: ts.Node[] = [];
    const inside = (n: ts.Node, c: ts.Node) => n.pos >= c.pos && n.end <= c.end;
    const scan = (list: readonly ts.Node[]) => {
      walkAll(t, list, (n) => {
        if (!t.isIdentifier(n)) return;
        const decl = refSymbol(t, this.checker, n)?.valueDeclaration;
        if (!decl || !inside(decl, ctx.root.fn) || decl === ctx.root.fn) return;
        let fn: ts.Node | undefined;
        if (t.isFunctionDeclaration(decl) && decl.body) fn = decl;
        else if (t.isVariableDeclaration(decl) && decl.initializer) {
          const init = skipOuter(t, decl.initializer);
          if (t.isArrowFunction(init) || t.isFunctionExpression(init)) fn = init;
        }
        if (!fn || out.includes(fn) || nodes.some((x) => inside(fn!, x)) || inside(n, fn)) return;
        out.push(fn);
        scan([fn]);
      }, true);
    };
    scan(nodes);
    return out;
  }

  /** Variables of the jit function assigned in either branch and declared outside them (the branch state). */
  protected assigned(thenList: readonly ts.Statement[], elseList: readonly ts.Statement[], ctx: Ctx):
      { name: string; sym: ts.Symbol; decl: ts.Node; write: ts.Identifier }[] {
    const t = this.t;
    const all = [...thenList, ...elseList];
    const followed = this.followedFunctions(all, ctx);
    const seen = new Map<ts.Symbol, ts.Identifier>();
    walkAll(t, [...all, ...followed], (n) => {
      if (t.isIdentifier(n) && isWrite(t, n)) {
        const sym = refSymbol(t, this.checker, n);
        if (sym && !seen.has(sym)) seen.set(sym, n);
      }
    }, true);
    const out: { name: string; sym: ts.Symbol; decl: ts.Node; write: ts.Identifier }[] = [];
    for (const [sym, write] of seen) {
      const decl = sym.valueDeclaration ?? sym.declarations?.[0];
      if (!decl || this.declaredIn(decl, all) || followed.some((fn) => decl.pos >= fn.pos && decl.end <= fn.end)) continue;
      if (!(decl.pos >= ctx.root.fn.pos && decl.end <= ctx.root.fn.end)) continue; // outer: a side effect
      out.push({ name: sym.getName(), sym, decl, write });
    }
    return out;
  }

  /** The branch state that is live after the if (merged with where). */
  protected outputs(s: ts.IfStatement, thenList: readonly ts.Statement[], elseList: readonly ts.Statement[], ctx: Ctx):
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
  protected sideEffects(nodes: readonly ts.Node[], cond: string, ctx: Ctx, expressionArms = false, inLoop = false): Blocker[] {
    const t = this.t;
    const out: Blocker[] = [];
    // what the branches run includes the local functions they call (a setter closure)
    const followed = this.followedFunctions(nodes, ctx);
    nodes = [...nodes, ...followed];
    const stmts = nodes as readonly ts.Statement[];
    const fix = inLoop
      ? 'The body of a converted loop runs once while tracing (as the math.whileLoop body), not once per iteration, so the change would happen once. ' +
        'Keep the value in a variable declared before the loop and assigned in it (it becomes loop state), or make the condition static (an auxiliary argument).'
      : 'Both branches run while tracing, so the mutation happens whatever the condition is. Return the new value instead (merged with math.where), or make the condition static (an auxiliary argument).';
    const scope = inLoop ? 'the loop' : 'the branches';
    const under = inLoop ? `in the loop with the traced condition '${cond}'` : `under the traced condition '${cond}'`;
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
      o.decl ? [{ node: o.decl, message: `'${o.name}' is declared here, outside ${scope}.` }] : [];
    walkAll(t, nodes, (n) => {
      if (t.isIdentifier(n) && isWrite(t, n)) {
        const sym = refSymbol(t, this.checker, n);
        const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
        if (decl && !(decl.pos >= ctx.root.fn.pos && decl.end <= ctx.root.fn.end)) {
          out.push({
            rule: rules.sideEffect, node: n, reason: `it assigns the outer variable '${n.text}'`,
            related: [{ node: decl, message: `'${n.text}' is declared here, outside jit function '${ctx.root.name}'.` }],
            message: `Assignment to '${n.text}', declared outside jit function '${ctx.root.name}', ${under}. ${fix}`,
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
            message: `${what} ${under}: it changes state outside ${scope}. ${fix}`,
          });
        }
      }
    }, true);
    return out;
  }
}
