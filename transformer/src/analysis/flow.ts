/**
 * Statement-level facts about a jit function body, computed on original nodes: which variables a
 * branch assigns, whether a statement list always returns (with AutoGraph's return normalisation
 * for tensor `if`s), which jumps leave a branch, liveness after an `if`, and definite assignment
 * before it. All of it is intra-procedural and conservative: unsure means "live" / "not assigned".
 */
import type * as ts from 'typescript';
import type { TS } from './model';

export type RetKind = 'always' | 'some' | 'never';

export function isFunctionLike(t: TS, n: ts.Node): n is ts.FunctionLikeDeclaration {
  return t.isFunctionDeclaration(n) || t.isFunctionExpression(n) || t.isArrowFunction(n) || t.isMethodDeclaration(n) ||
    t.isConstructorDeclaration(n) || t.isGetAccessorDeclaration(n) || t.isSetAccessorDeclaration(n);
}

/** The statements of a branch: a block's statements, or the single statement. */
export function stmtsOf(t: TS, s: ts.Statement | undefined): readonly ts.Statement[] {
  if (!s) return [];
  return t.isBlock(s) ? s.statements : [s];
}

function topLevelNames(t: TS, stmts: readonly ts.Statement[]): Set<string> {
  const names = new Set<string>();
  const addBinding = (b: ts.BindingName) => {
    if (t.isIdentifier(b)) names.add(b.text);
    else for (const e of b.elements) if (!t.isOmittedExpression(e)) addBinding(e.name);
  };
  for (const s of stmts) {
    if (t.isVariableStatement(s)) for (const d of s.declarationList.declarations) addBinding(d.name);
    else if ((t.isFunctionDeclaration(s) || t.isClassDeclaration(s) || t.isEnumDeclaration(s)) && s.name) names.add(s.name.text);
  }
  return names;
}

/**
 * The statements a branch runs once the statements after a one-sided `return` are moved into it:
 * a block's statements followed by `rest`, or the block kept as one statement when its
 * declarations would clash with those of `rest`. The emitter uses the same function.
 */
export function branchList(t: TS, branch: ts.Statement | undefined, rest: readonly ts.Statement[]): readonly ts.Statement[] {
  if (!branch) return rest;
  if (rest.length === 0) return stmtsOf(t, branch);
  if (t.isBlock(branch)) {
    const inner = topLevelNames(t, branch.statements);
    const outer = topLevelNames(t, rest);
    for (const n of inner) if (outer.has(n)) return [branch, ...rest];
    return [...branch.statements, ...rest];
  }
  return [branch, ...rest];
}

/** Visits descendants of `node`, not entering nested functions (unless `intoFunctions`). */
export function walk(t: TS, node: ts.Node, cb: (n: ts.Node) => boolean | void, intoFunctions = false): void {
  const visit = (n: ts.Node): void => {
    if (cb(n) === false) return;
    if (!intoFunctions && isFunctionLike(t, n)) return;
    t.forEachChild(n, visit);
  };
  t.forEachChild(node, visit);
}

export function walkAll(t: TS, nodes: readonly ts.Node[], cb: (n: ts.Node) => boolean | void, intoFunctions = false): void {
  for (const n of nodes) {
    if (cb(n) === false) continue;
    if (!intoFunctions && isFunctionLike(t, n)) continue;
    walk(t, n, cb, intoFunctions);
  }
}

export function containsReturn(t: TS, nodes: readonly ts.Node[]): boolean {
  let found = false;
  walkAll(t, nodes, (n) => {
    if (found) return false;
    if (t.isReturnStatement(n)) found = true;
  });
  return found;
}

export function isLoop(t: TS, n: ts.Node): n is ts.IterationStatement {
  return t.isWhileStatement(n) || t.isDoStatement(n) || t.isForStatement(n) || t.isForOfStatement(n) || t.isForInStatement(n);
}

/**
 * `break` / `continue` whose target is outside `stmts`, and `throw` not caught inside them nor
 * under a static condition (`staticGuard`): jumps that cannot happen under a traced condition
 * (both branches run while tracing).
 */
export function escapingJumps(t: TS, stmts: readonly ts.Statement[], staticGuard?: (s: ts.IfStatement) => boolean): ts.Node[] {
  const out: ts.Node[] = [];
  const visit = (n: ts.Node, loops: number, switches: number, labels: readonly string[], catching: boolean): void => {
    // a throw under a static condition (argument checks) happens at trace time or not at all
    if (staticGuard && t.isIfStatement(n) && staticGuard(n)) {
      visit(n.expression, loops, switches, labels, catching);
      visit(n.thenStatement, loops, switches, labels, true);
      if (n.elseStatement) visit(n.elseStatement, loops, switches, labels, true);
      return;
    }
    if (isFunctionLike(t, n) || t.isClassLike(n)) return;
    if (t.isBreakStatement(n)) {
      if (n.label ? !labels.includes(n.label.text) : loops === 0 && switches === 0) out.push(n);
      return;
    }
    if (t.isContinueStatement(n)) {
      if (n.label ? !labels.includes(n.label.text) : loops === 0) out.push(n);
      return;
    }
    if (t.isThrowStatement(n)) {
      if (!catching) out.push(n);
      return;
    }
    if (t.isLabeledStatement(n)) { visit(n.statement, loops, switches, [...labels, n.label.text], catching); return; }
    if (isLoop(t, n)) {
      t.forEachChild(n, (c) => visit(c, loops + 1, switches, labels, catching));
      return;
    }
    if (t.isSwitchStatement(n)) {
      visit(n.expression, loops, switches, labels, catching);
      visit(n.caseBlock, loops, switches + 1, labels, catching);
      return;
    }
    if (t.isTryStatement(n)) {
      visit(n.tryBlock, loops, switches, labels, catching || !!n.catchClause);
      if (n.catchClause) visit(n.catchClause, loops, switches, labels, catching);
      if (n.finallyBlock) visit(n.finallyBlock, loops, switches, labels, catching);
      return;
    }
    t.forEachChild(n, (c) => visit(c, loops, switches, labels, catching));
  };
  for (const s of stmts) visit(s, 0, 0, [], false);
  return out;
}

/** `var` declarations (at any depth, outside nested functions). */
export function varDeclarations(t: TS, stmts: readonly ts.Statement[]): ts.VariableDeclarationList[] {
  const out: ts.VariableDeclarationList[] = [];
  walkAll(t, stmts, (n) => {
    if (t.isVariableDeclarationList(n) && !(n.flags & (t.NodeFlags.Let | t.NodeFlags.Const | t.NodeFlags.Using | t.NodeFlags.AwaitUsing))) {
      out.push(n);
    }
  });
  return out;
}

/**
 * The variable an identifier refers to. For the shorthand `{ a }` (an object literal or a
 * destructuring-assignment target) that is the variable `a`, not the property the checker returns.
 */
export function refSymbol(t: TS, checker: ts.TypeChecker, id: ts.Identifier): ts.Symbol | undefined {
  const p = id.parent;
  if (p && t.isShorthandPropertyAssignment(p) && p.name === id) return checker.getShorthandAssignmentValueSymbol(p);
  return checker.getSymbolAtLocation(id);
}

/** Whether an identifier occurrence only writes its variable (`x = …`, destructuring targets, `for (x of …)`). */
export function isWriteOnly(t: TS, id: ts.Identifier): boolean {
  let n: ts.Node = id;
  let p = n.parent;
  // walk out of destructuring-assignment target patterns
  while (p && (t.isArrayLiteralExpression(p) || t.isShorthandPropertyAssignment(p) ||
      (t.isPropertyAssignment(p) && p.initializer === n) || t.isSpreadElement(p) || t.isObjectLiteralExpression(p) ||
      t.isParenthesizedExpression(p) ||
      (t.isBinaryExpression(p) && p.operatorToken.kind === t.SyntaxKind.EqualsToken && p.left === n && n !== id &&
        (t.isArrayLiteralExpression(p.parent) || t.isObjectLiteralExpression(p.parent) || t.isPropertyAssignment(p.parent))))) {
    if (t.isShorthandPropertyAssignment(p) && p.objectAssignmentInitializer) return false;
    n = p;
    p = n.parent;
  }
  if (t.isBinaryExpression(p) && p.operatorToken.kind === t.SyntaxKind.EqualsToken && p.left === n) {
    return n === id || t.isArrayLiteralExpression(n) || t.isObjectLiteralExpression(n);
  }
  if ((t.isForOfStatement(p) || t.isForInStatement(p)) && p.initializer === n) return true;
  return false;
}

/** Whether an identifier occurrence writes its variable (assignment, compound assignment, `++`/`--`). */
export function isWrite(t: TS, id: ts.Identifier): boolean {
  if (isWriteOnly(t, id)) return true;
  let n: ts.Node = id;
  while (t.isParenthesizedExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (t.isBinaryExpression(p) && p.left === n) {
    const k = p.operatorToken.kind;
    return k >= t.SyntaxKind.FirstAssignment && k <= t.SyntaxKind.LastAssignment;
  }
  if ((t.isPrefixUnaryExpression(p) || t.isPostfixUnaryExpression(p)) &&
      (p.operator === t.SyntaxKind.PlusPlusToken || p.operator === t.SyntaxKind.MinusMinusToken)) return true;
  return false;
}

/** A simple assignment `x = e` (possibly in a comma list) at the top of an expression statement. */
function assignsAtTop(t: TS, e: ts.Expression, sym: ts.Symbol, checker: ts.TypeChecker): boolean {
  while (t.isParenthesizedExpression(e)) e = e.expression;
  if (!t.isBinaryExpression(e)) return false;
  if (e.operatorToken.kind === t.SyntaxKind.CommaToken) {
    return assignsAtTop(t, e.left, sym, checker) || assignsAtTop(t, e.right, sym, checker);
  }
  if (e.operatorToken.kind === t.SyntaxKind.EqualsToken && t.isIdentifier(e.left)) {
    return checker.getSymbolAtLocation(e.left) === sym;
  }
  if (e.operatorToken.kind === t.SyntaxKind.EqualsToken && (t.isObjectLiteralExpression(e.left) || t.isArrayLiteralExpression(e.left))) {
    // a destructuring assignment: `[a, b] = …`, `({ a, b: c } = …)` (a target with a default counts too)
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (t.isIdentifier(n) && isWriteOnly(t, n) && refSymbol(t, checker, n) === sym) { found = true; return; }
      if (t.isShorthandPropertyAssignment(n) && refSymbol(t, checker, n.name) === sym) { found = true; return; }
      t.forEachChild(n, visit);
    };
    visit(e.left);
    return found;
  }
  return false;
}

/** Whether running `stmts` always assigns `sym` (or leaves the list by return/throw) before it ends. */
export function definitelyAssigns(t: TS, stmts: readonly ts.Statement[], sym: ts.Symbol, checker: ts.TypeChecker): boolean {
  for (const s of stmts) {
    if (t.isExpressionStatement(s) && assignsAtTop(t, s.expression, sym, checker)) return true;
    if (t.isReturnStatement(s) || t.isThrowStatement(s)) return true;
    if (t.isBlock(s) && definitelyAssigns(t, s.statements, sym, checker)) return true;
    if (t.isIfStatement(s) && s.elseStatement &&
        definitelyAssigns(t, stmtsOf(t, s.thenStatement), sym, checker) &&
        definitelyAssigns(t, stmtsOf(t, s.elseStatement), sym, checker)) return true;
  }
  return false;
}

function statementList(t: TS, n: ts.Node): readonly ts.Statement[] | undefined {
  if (t.isBlock(n) || t.isSourceFile(n) || t.isModuleBlock(n) || t.isCaseClause(n) || t.isDefaultClause(n)) return n.statements;
  return undefined;
}

/** References of every symbol declared or used in a function (including nested functions), in source order. */
export class References {
  private readonly bySymbol = new Map<ts.Symbol, ts.Identifier[]>();

  constructor(private readonly t: TS, private readonly checker: ts.TypeChecker, root: ts.Node) {
    walk(t, root, (n) => {
      if (t.isIdentifier(n)) {
        const p = n.parent;
        // property names and declaration names are not references
        if ((t.isPropertyAccessExpression(p) && p.name === n) || (t.isPropertyAssignment(p) && p.name === n) ||
            (t.isBindingElement(p) && p.propertyName === n) || (t.isMethodDeclaration(p) && p.name === n) ||
            (t.isPropertyDeclaration(p) && p.name === n) || t.isLabeledStatement(p) || t.isBreakOrContinueStatement(p)) return;
        const sym = refSymbol(t, checker, n);
        if (!sym) return;
        let list = this.bySymbol.get(sym);
        if (!list) { list = []; this.bySymbol.set(sym, list); }
        list.push(n);
      }
    }, true);
  }

  of(sym: ts.Symbol): readonly ts.Identifier[] {
    return this.bySymbol.get(sym) ?? [];
  }

  /** The innermost function containing `n` (or undefined at top level). */
  private functionOf(n: ts.Node): ts.Node | undefined {
    for (let p = n.parent; p; p = p.parent) if (isFunctionLike(this.t, p)) return p;
    return undefined;
  }

  /**
   * Whether `sym` may be read after `stmt` finishes (before being overwritten): a read later in an
   * enclosing statement list, anywhere in an enclosing loop, or in any closure (conservative).
   * Returns the first such read, or undefined.
   */
  liveAfter(sym: ts.Symbol, stmt: ts.Statement): ts.Identifier | undefined {
    const t = this.t;
    const refs = this.of(sym);
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    const declFn = decl ? this.functionOf(decl) : undefined;
    const inside = (n: ts.Node, c: ts.Node) => n.pos >= c.pos && n.end <= c.end;
    const reads = refs.filter((r) => !isWriteOnly(t, r));
    if (this.functionOf(stmt) !== declFn) {
      // assigned from inside a closure: any read elsewhere may come after it
      return reads.find((r) => !inside(r, stmt));
    }
    // a closure elsewhere may read it at any time
    for (const r of refs) {
      if (inside(r, stmt)) continue;
      const f = this.functionOf(r);
      if (f && f !== declFn && (!decl || !inside(f, decl))) {
        if (!isWriteOnly(t, r)) return r;
      }
    }
    // the statement runs again in an enclosing loop: any read in that loop
    for (let p: ts.Node | undefined = stmt.parent; p && p !== declFn; p = p.parent) {
      if (isFunctionLike(t, p)) break;
      if (isLoop(t, p) && (!decl || !inside(decl, p))) {
        const r = reads.find((x) => inside(x, p!) && !inside(x, stmt));
        if (r) return r;
      }
    }
    // later statements of the enclosing lists, innermost first
    let cur: ts.Node = stmt;
    for (let p: ts.Node | undefined = stmt.parent; p; cur = p, p = p.parent) {
      if (isFunctionLike(t, p)) break;
      const list = statementList(t, p);
      if (list) {
        const i = list.indexOf(cur as ts.Statement);
        for (const s of list.slice(i + 1)) {
          if (t.isExpressionStatement(s) && assignsAtTop(t, s.expression, sym, this.checker)) {
            const rhsRead = reads.find((r) => inside(r, s));
            if (rhsRead) return rhsRead;
            return undefined;
          }
          const r = reads.find((x) => inside(x, s));
          if (r) return r;
        }
        if (t.isCaseClause(p) || t.isDefaultClause(p)) {
          // later clauses may run by fall-through
          const clauses = p.parent.clauses;
          for (const c of clauses.slice(clauses.indexOf(p) + 1)) {
            const r = reads.find((x) => inside(x, c));
            if (r) return r;
          }
        }
      }
      if (t.isTryStatement(p) && (inside(cur, p.tryBlock) || (p.catchClause && inside(cur, p.catchClause)))) {
        for (const b of [p.catchClause, p.finallyBlock]) {
          if (!b || inside(cur, b)) continue;
          const r = reads.find((x) => inside(x, b));
          if (r) return r;
        }
      }
    }
    return undefined;
  }

  /** Whether `sym` certainly has a value (initialiser, parameter, earlier assignment) when `stmt` starts. */
  hasValueBefore(sym: ts.Symbol, stmt: ts.Statement): boolean {
    const t = this.t;
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    if (!decl) return true;
    if (t.isParameter(decl) || t.isBindingElement(decl)) return true;
    if (t.isVariableDeclaration(decl)) {
      if (decl.initializer) return true;
      if (t.isVariableDeclarationList(decl.parent) && (t.isForOfStatement(decl.parent.parent) || t.isForInStatement(decl.parent.parent))) return true;
    } else {
      return true;
    }
    let cur: ts.Node = stmt;
    for (let p: ts.Node | undefined = stmt.parent; p; cur = p, p = p.parent) {
      if (isFunctionLike(t, p)) break;
      const list = statementList(t, p);
      if (list) {
        const i = list.indexOf(cur as ts.Statement);
        const before = list.slice(0, i);
        const declIdx = before.findIndex((s) => s.pos <= decl.pos && decl.end <= s.end);
        if (definitelyAssigns(t, before.slice(declIdx + 1), sym, this.checker)) return true;
        if (declIdx >= 0) return false;
      }
    }
    return false;
  }
}
