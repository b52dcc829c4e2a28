/**
 * Which values of a jit function are traced: a value is traced when it depends on a non-auxiliary
 * parameter (tensors, JS numbers and bigints in non-auxiliary arguments arrive as tracers, also
 * inside arrays, objects and `this` of a decorated method) or was created by a tensor creator inside
 * the trace (`math.tensor`, `math.zeros`, …). Static: literals, `math.wrap`, auxiliary parameters,
 * captured outer values, shapes and dtypes. Filtered by type: a boolean or string carries no
 * traced data. A local read in the function that declares it sees the assignments that can reach
 * the read (earlier ones not in an exclusive branch, and any in a loop around both), and a variable
 * assigned under a traced condition becomes traced only after that if (where it is merged):
 * `let n = 0; if (c) n += 2;` reads a static `n` at the `+=`. Reads from closures see every
 * assignment (they may run at any time).
 */
import type * as ts from 'typescript';
import type { JitRoot, TS } from './model';
import { skipOuter, STATIC_TENSOR_MEMBERS, CONVERTING_TENSOR_MEMBERS, type TensorjitApi } from './api';
import type { TypeInfo } from './types';
import { isFunctionLike, isLoop, isWrite, refSymbol, walk } from './flow';

/** One reason a value is traced. */
export interface Dep {
  readonly key: string;
  /** Parameter name (`x`, `this`) or the creating call's text (`math.zeros(…)`). */
  readonly name: string;
  readonly kind: 'param' | 'created' | 'merged';
  /** The parameter declaration, the creating call, or (merged) the condition of the traced if / ?: that merges the variable `name`. */
  readonly node: ts.Node;
}

export type Deps = readonly Dep[];

const NONE: Deps = [];

function union(a: Deps, b: Deps): Deps {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = a.slice();
  for (const d of b) if (!out.some((x) => x.key === d.key)) out.push(d);
  return out;
}

function inside(n: ts.Node, c: ts.Node): boolean {
  return n.pos >= c.pos && n.end <= c.end;
}

function functionOf(t: TS, n: ts.Node): ts.Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLike(t, p)) return p;
  return undefined;
}

const NUMERIC_GLOBALS = new Set(['Number', 'parseInt', 'parseFloat', 'BigInt', 'isNaN', 'isFinite']);

/** A place where a JS value is taken from a possibly traced operand. */
export interface Conversion {
  readonly operands: readonly ts.Expression[];
  /** What the code does, `{}` standing for the operand: "'.all' reads a JS boolean from {}", … */
  readonly what: string;
  /** The fix to suggest. */
  readonly fix: string;
}

/** Array methods whose result (an index, a boolean) depends on the elements only through the callback / argument. */
const ARRAY_SEARCH = new Set(['findIndex', 'findLastIndex', 'indexOf', 'lastIndexOf', 'includes', 'some', 'every']);

export class Provenance {
  private readonly memo = new Map<ts.Node, Deps>();
  private readonly symbolMemo = new Map<ts.Symbol, Deps>();
  private readonly inProgress = new Set<ts.Symbol>();
  private readonly useInProgress = new Set<string>();
  private readonly assignments = new Map<ts.Symbol, ts.Node[]>();
  private readonly params = new Map<ts.Symbol, Dep | null>();
  private thisDep: Dep | null = null;
  /** True when auxiliaryArgs could not be read: nothing counts as traced for errors. */
  readonly unknownAux: boolean;

  constructor(
    private readonly t: TS,
    private readonly checker: ts.TypeChecker,
    private readonly types: TypeInfo,
    private readonly api: TensorjitApi,
    readonly root: JitRoot,
    /** Classifies a condition as a tensor condition (for values merged under it). */
    private readonly isTensorCondition: (e: ts.Expression) => boolean,
  ) {
    const fn = root.fn;
    this.unknownAux = root.aux === undefined;
    fn.parameters.forEach((p, i) => {
      const sym = t.isIdentifier(p.name) ? checker.getSymbolAtLocation(p.name) : undefined;
      const name = t.isIdentifier(p.name) ? p.name.text : `arg${i}`;
      if (name === 'this') return;
      const traced = !this.unknownAux && !root.aux!.has(name) && types.traceable(types.typeOf(p));
      const dep: Dep | null = traced ? { key: `p:${name}`, name, kind: 'param', node: p } : null;
      if (sym) this.params.set(sym, dep);
      else this.collectPatternParams(p.name, dep);
    });
    if (root.kind === 'decorator' && !this.unknownAux) {
      this.thisDep = { key: 'p:this', name: 'this', kind: 'param', node: fn };
    }
    if (fn.body) {
      walk(t, fn.body, (n) => {
        if (t.isIdentifier(n) && isWrite(t, n)) {
          const sym = refSymbol(t, checker, n);
          if (!sym) return;
          let list = this.assignments.get(sym);
          if (!list) { list = []; this.assignments.set(sym, list); }
          list.push(n);
        }
      }, true);
    }
  }

  private collectPatternParams(name: ts.BindingName, dep: Dep | null): void {
    const t = this.t;
    if (t.isIdentifier(name)) {
      const sym = this.checker.getSymbolAtLocation(name);
      if (sym) this.params.set(sym, dep);
      return;
    }
    for (const e of name.elements) if (!t.isOmittedExpression(e)) this.collectPatternParams(e.name, dep);
  }

  private insideRoot(n: ts.Node): boolean {
    return n.pos >= this.root.fn.pos && n.end <= this.root.fn.end;
  }

  traced(e: ts.Expression): boolean {
    return this.deps(e).length > 0;
  }

  /** The traced sources of a value (empty: static), filtered by its type. */
  deps(e: ts.Expression): Deps {
    let d = this.memo.get(e);
    if (d === undefined) {
      this.memo.set(e, NONE); // cycle guard
      d = this.raw(e);
      if (d.length && !isFunctionLike(this.t, skipOuter(this.t, e)) && !this.types.traceable(this.types.typeOf(e))) d = NONE;
      this.memo.set(e, d);
    }
    return d;
  }

  private raw(e0: ts.Expression): Deps {
    const t = this.t;
    const e = skipOuter(t, e0);
    if (t.isIdentifier(e)) return this.identifierDeps(e);
    if (e.kind === t.SyntaxKind.ThisKeyword) return this.thisDeps(e);
    if (t.isLiteralExpression(e) || t.isTemplateExpression(e) || e.kind === t.SyntaxKind.TrueKeyword ||
        e.kind === t.SyntaxKind.FalseKeyword || e.kind === t.SyntaxKind.NullKeyword) return NONE;
    if (this.conversion(e)) return NONE; // reported where it happens; its result is not tracked further
    if (t.isPropertyAccessExpression(e)) {
      const rt = this.types.typeOf(e.expression);
      if (this.api.isTensor(rt) && STATIC_TENSOR_MEMBERS.has(e.name.text)) return NONE;
      if (this.types.isArray(rt) && e.name.text === 'length') return NONE;
      return this.deps(e.expression);
    }
    if (t.isElementAccessExpression(e)) return this.deps(e.expression);
    if (t.isCallExpression(e)) return this.callDeps(e);
    if (t.isNewExpression(e)) return (e.arguments ?? []).reduce<Deps>((acc, a) => union(acc, this.deps(a)), NONE);
    if (t.isTaggedTemplateExpression(e)) return NONE;
    if (t.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      if (k === t.SyntaxKind.EqualsToken) return this.deps(e.right);
      if (k === t.SyntaxKind.CommaToken) return this.deps(e.right);
      if (k === t.SyntaxKind.AmpersandAmpersandToken || k === t.SyntaxKind.BarBarToken || k === t.SyntaxKind.QuestionQuestionToken) {
        return union(this.deps(e.left), this.deps(e.right));
      }
      return NONE; // comparisons, arithmetic (conversions when traced), instanceof, in
    }
    if (t.isConditionalExpression(e)) {
      return union(this.deps(e.condition), union(this.deps(e.whenTrue), this.deps(e.whenFalse)));
    }
    if (t.isPrefixUnaryExpression(e)) return e.operator === t.SyntaxKind.ExclamationToken ? this.deps(e.operand) : NONE;
    if (t.isArrayLiteralExpression(e)) {
      return e.elements.reduce<Deps>((acc, x) => union(acc, this.deps(t.isSpreadElement(x) ? x.expression : x)), NONE);
    }
    if (t.isObjectLiteralExpression(e)) {
      let acc = NONE;
      for (const p of e.properties) {
        if (t.isPropertyAssignment(p)) acc = union(acc, this.deps(p.initializer));
        else if (t.isShorthandPropertyAssignment(p)) {
          const sym = this.checker.getShorthandAssignmentValueSymbol(p);
          if (sym) acc = union(acc, this.symbolDeps(sym));
        } else if (t.isSpreadAssignment(p)) acc = union(acc, this.deps(p.expression));
      }
      return acc;
    }
    if (t.isArrowFunction(e) || t.isFunctionExpression(e)) return this.capturedDeps(e);
    if (t.isAwaitExpression(e)) return this.deps(e.expression);
    return NONE;
  }

  private thisDeps(e: ts.Node): Deps {
    if (!this.thisDep) return NONE;
    for (let p = e.parent; p; p = p.parent) {
      if (this.t.isArrowFunction(p)) continue;
      if (isFunctionLike(this.t, p)) return p === this.root.fn ? [this.thisDep] : NONE;
    }
    return NONE;
  }

  private identifierDeps(id: ts.Identifier): Deps {
    const t = this.t;
    const p = id.parent;
    const sym = t.isShorthandPropertyAssignment(p) ? this.checker.getShorthandAssignmentValueSymbol(p) : this.checker.getSymbolAtLocation(id);
    if (!sym) return NONE;
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    if (decl && !this.params.has(sym) && this.insideRoot(decl) && (t.isVariableDeclaration(decl) || t.isBindingElement(decl)) &&
        functionOf(t, decl) === functionOf(t, id)) {
      return this.depsAt(sym, decl, id);
    }
    return this.symbolDeps(sym);
  }

  /** The traced sources of local `sym` as read at `use`: its initialiser and the assignments that can reach `use`. */
  private depsAt(sym: ts.Symbol, decl: ts.VariableDeclaration | ts.BindingElement, use: ts.Identifier): Deps {
    const key = `${use.pos}`;
    if (this.useInProgress.has(key)) return NONE;
    this.useInProgress.add(key);
    try {
      let acc = this.declarationDeps(decl);
      for (const w of this.assignments.get(sym) ?? []) {
        const id = w as ts.Identifier;
        if (id !== use && this.reaches(id, use, decl)) acc = union(acc, this.writeValueDeps(id, decl));
        acc = union(acc, this.mergeDeps(id, decl, use));
      }
      return acc;
    } finally {
      this.useInProgress.delete(key);
    }
  }

  /** A loop inside the jit function (not around the declaration) that contains both nodes: a value can flow around it. */
  private carried(a: ts.Node, b: ts.Node, decl: ts.Node): boolean {
    const t = this.t;
    for (let p: ts.Node | undefined = a.parent; p && p !== this.root.fn; p = p.parent) {
      if (isFunctionLike(t, p)) return true; // written in a closure: may run at any time
      if (inside(decl, p)) return false;
      if (isLoop(t, p) && inside(b, p)) return true;
    }
    return false;
  }

  /** Whether the value assigned at `w` can be what `use` reads. */
  private reaches(w: ts.Identifier, use: ts.Identifier, decl: ts.Node): boolean {
    const t = this.t;
    if (functionOf(t, w) !== functionOf(t, use)) return true;
    if (this.carried(w, use, decl)) return true;
    if (w.pos >= use.pos) return false;
    // not from one branch into the other
    for (let p: ts.Node | undefined = w.parent; p && p !== this.root.fn; p = p.parent) {
      if (inside(use, p)) {
        if (t.isIfStatement(p) && p.elseStatement) {
          const wThen = inside(w, p.thenStatement);
          const uThen = inside(use, p.thenStatement);
          if (wThen !== uThen && (inside(w, p.elseStatement) || inside(use, p.elseStatement))) return false;
        }
        if (t.isConditionalExpression(p) && inside(w, p.whenTrue) !== inside(use, p.whenTrue) && !inside(w, p.condition) && !inside(use, p.condition)) return false;
        break;
      }
    }
    return true;
  }

  /**
   * The tensor conditions a write happens under, when `use` sees the merged value: the variable is
   * declared outside that if / conditional expression, and `use` is after it (or around a loop).
   */
  private mergeDeps(w: ts.Identifier, decl: ts.Node, use: ts.Identifier): Deps {
    const t = this.t;
    let acc = NONE;
    let n: ts.Node = w;
    for (let p: ts.Node | undefined = n.parent, c: ts.Node = n; p && p !== this.root.fn; c = p, p = p.parent) {
      if (inside(decl, p)) break; // declared inside: local to the branch
      if (isFunctionLike(t, p)) break;
      let cond: ts.Expression | undefined;
      // a loop converted to math.whileLoop: its carried variables are tensors in the body and after it
      if ((t.isWhileStatement(p) || t.isDoStatement(p) || t.isForStatement(p)) && !this.deadCounter(w, p)) {
        const test = t.isForStatement(p) ? p.condition : p.expression;
        if (test && this.isTensorCondition(test) && this.deps(test).length && (inside(use, p) || use.pos >= p.end)) {
          acc = union(union(acc, [{ key: `l:${p.pos}:${w.text}`, name: w.text, kind: 'merged', node: test }]), this.deps(test));
        }
        continue;
      }
      if (t.isIfStatement(p) && c !== p.expression && this.isTensorCondition(p.expression)) cond = p.expression;
      if (t.isConditionalExpression(p) && c !== p.condition && this.isTensorCondition(p.condition)) cond = p.condition;
      if (!cond) continue;
      const after = !inside(use, p) && use.pos >= p.end;
      if (!after && !this.carried(p, use, decl) && functionOf(t, use) === functionOf(t, w)) continue;
      const d = this.deps(cond);
      if (d.length) acc = union(union(acc, [{ key: `m:${p.pos}:${w.text}`, name: w.text, kind: 'merged', node: cond }]), d);
    }
    return acc;
  }

  /**
   * A variable the loop only updates (`i++` of a `for` counter nobody reads) and nobody reads after
   * it: not loop state, it stays a JS number (updated once while tracing).
   */
  deadCounter(w: ts.Identifier, loop: ts.Node): boolean {
    const t = this.t;
    const sym = refSymbol(t, this.checker, w);
    if (!sym) return false;
    let live = false;
    walk(t, this.root.fn, (n) => {
      if (live || !t.isIdentifier(n) || refSymbol(t, this.checker, n) !== sym) return;
      const decl = sym.valueDeclaration;
      if (decl && t.isVariableDeclaration(decl) && decl.name === n) return;
      if (inside(n, loop) ? !isWrite(t, n) : n.pos >= loop.end) live = true;
    }, true);
    return !live;
  }

  /** What an assignment to `id` stores: the right side (compound assignments and ++ / -- also the old value). */
  private writeValueDeps(id: ts.Identifier, decl: ts.Node): Deps {
    const t = this.t;
    let n: ts.Node = id;
    while (t.isParenthesizedExpression(n.parent)) n = n.parent;
    let a: ts.Node | undefined = n;
    while (a && !(t.isBinaryExpression(a) && a.operatorToken.kind >= t.SyntaxKind.FirstAssignment &&
        a.operatorToken.kind <= t.SyntaxKind.LastAssignment) && !t.isForOfStatement(a) && !t.isForInStatement(a) &&
        !t.isPrefixUnaryExpression(a) && !t.isPostfixUnaryExpression(a) && !t.isStatement(a)) a = a.parent;
    const old = () => (t.isVariableDeclaration(decl) || t.isBindingElement(decl) ? this.depsAt(refSymbol(t, this.checker, id)!, decl, id) : NONE);
    if (a && t.isBinaryExpression(a)) {
      if (a.operatorToken.kind === t.SyntaxKind.EqualsToken) return this.deps(a.right);
      return union(old(), this.deps(a.right));
    }
    if (a && (t.isPrefixUnaryExpression(a) || t.isPostfixUnaryExpression(a))) return old();
    if (a && t.isForOfStatement(a)) return this.deps(a.expression);
    return NONE;
  }

  symbolDeps(sym: ts.Symbol): Deps {
    const cached = this.symbolMemo.get(sym);
    if (cached) return cached;
    if (this.params.has(sym)) {
      const d = this.params.get(sym);
      return d ? [d] : NONE;
    }
    const t = this.t;
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    if (!decl || !this.insideRoot(decl)) return NONE; // captured from outside: concrete at trace time
    if (this.inProgress.has(sym)) return NONE;
    this.inProgress.add(sym);
    let acc: Deps = NONE;
    try {
      if (t.isParameter(decl)) acc = this.nestedParamDeps(decl);
      else if (t.isVariableDeclaration(decl) || t.isBindingElement(decl)) acc = this.declarationDeps(decl);
      else if (t.isFunctionDeclaration(decl)) acc = NONE;
      for (const w of this.assignments.get(sym) ?? []) acc = union(acc, this.writeDeps(w as ts.Identifier, decl));
    } finally {
      this.inProgress.delete(sym);
    }
    this.symbolMemo.set(sym, acc);
    return acc;
  }

  /**
   * What a write of a variable stores, plus the tensor conditions it happens under (when the
   * variable is declared outside that if / conditional expression, so that it gets merged).
   */
  private writeDeps(id: ts.Identifier, decl: ts.Node): Deps {
    const t = this.t;
    let n: ts.Node = id;
    while (t.isParenthesizedExpression(n.parent)) n = n.parent;
    let acc = NONE;
    // the assignment whose target contains the identifier
    let a: ts.Node | undefined = n;
    while (a && !(t.isBinaryExpression(a) && a.operatorToken.kind >= t.SyntaxKind.FirstAssignment &&
        a.operatorToken.kind <= t.SyntaxKind.LastAssignment) && !t.isForOfStatement(a) && !t.isForInStatement(a) &&
        !t.isPrefixUnaryExpression(a) && !t.isPostfixUnaryExpression(a) && !t.isStatement(a)) a = a.parent;
    if (a && t.isBinaryExpression(a)) {
      acc = a.operatorToken.kind === t.SyntaxKind.EqualsToken ? this.deps(a.right) : NONE;
    } else if (a && t.isForOfStatement(a)) {
      acc = this.deps(a.expression);
    }
    // merged under a tensor condition: the value depends on the condition too
    for (let p: ts.Node | undefined = n.parent, c: ts.Node = n; p && p !== this.root.fn; c = p, p = p.parent) {
      if (decl.pos >= p.pos && decl.end <= p.end) break; // declared inside: local to the branch
      if (t.isIfStatement(p) && c !== p.expression && this.isTensorCondition(p.expression)) acc = union(acc, this.deps(p.expression));
      if (t.isConditionalExpression(p) && c !== p.condition && this.isTensorCondition(p.condition)) acc = union(acc, this.deps(p.condition));
    }
    return acc;
  }

  private declarationDeps(decl: ts.VariableDeclaration | ts.BindingElement): Deps {
    const t = this.t;
    let acc = NONE;
    let d: ts.Node = decl;
    if (t.isBindingElement(decl) && decl.initializer) acc = this.deps(decl.initializer);
    while (t.isBindingElement(d) || t.isObjectBindingPattern(d) || t.isArrayBindingPattern(d)) d = d.parent;
    if (t.isVariableDeclaration(d)) {
      if (d.initializer) acc = union(acc, this.deps(d.initializer));
      const list = d.parent;
      if (t.isVariableDeclarationList(list) && t.isForOfStatement(list.parent)) acc = union(acc, this.deps(list.parent.expression));
    } else if (t.isParameter(d)) {
      acc = union(acc, this.nestedParamDeps(d));
    }
    return acc;
  }

  /** A parameter of a function nested in the jit function: traced like the array/receiver it iterates. */
  private nestedParamDeps(p: ts.ParameterDeclaration): Deps {
    const t = this.t;
    const fn = p.parent;
    if (fn === this.root.fn) return NONE;
    let call: ts.Node = fn;
    while (t.isParenthesizedExpression(call.parent)) call = call.parent;
    const c = call.parent;
    if (!c || !t.isCallExpression(c) || !c.arguments.includes(call as ts.Expression)) return NONE;
    let acc = NONE;
    const callee = skipOuter(t, c.expression);
    if (t.isPropertyAccessExpression(callee)) acc = this.deps(callee.expression);
    for (const a of c.arguments) if (a !== call) acc = union(acc, this.deps(a));
    return acc;
  }

  /** Traced values a nested function reads from the jit function's scope. */
  private capturedDeps(fn: ts.FunctionLikeDeclaration): Deps {
    const t = this.t;
    let acc = NONE;
    if (!fn.body) return acc;
    walk(t, fn.body, (n) => {
      if (t.isIdentifier(n)) {
        const sym = this.checker.getSymbolAtLocation(n);
        const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
        if (sym && decl && this.insideRoot(decl) && !(decl.pos >= fn.pos && decl.end <= fn.end)) acc = union(acc, this.symbolDeps(sym));
      } else if (n.kind === t.SyntaxKind.ThisKeyword && t.isArrowFunction(fn)) {
        acc = union(acc, this.thisDeps(n));
      }
    }, true);
    return acc;
  }

  private callDeps(e: ts.CallExpression): Deps {
    const t = this.t;
    const kind = this.api.creatorKind(e.expression);
    const args = e.arguments.reduce<Deps>((acc, a) => union(acc, this.deps(a)), NONE);
    if (kind === 'concrete') return NONE;
    if (kind === 'created') {
      const name = `${e.expression.getText()}(…)`;
      return union(args, [{ key: `c:${e.pos}`, name, kind: 'created', node: e }]);
    }
    const callee = skipOuter(t, e.expression);
    let acc = args;
    // an index or a JS boolean found in an array (of tensors): the array's structure is static while
    // tracing, so only what the callback or the argument brings in can be traced (a tensor predicate
    // is TS93001 where it is written, a traced JS value in it TS93002)
    const structural = t.isPropertyAccessExpression(callee) && ARRAY_SEARCH.has(callee.name.text) && this.types.isArray(this.types.typeOf(callee.expression));
    if (!structural && (t.isPropertyAccessExpression(callee) || t.isElementAccessExpression(callee))) acc = union(acc, this.deps(callee.expression));
    // a function declared inside the jit function: it reads traced values of the enclosing scope
    const sym = this.checker.getSymbolAtLocation(t.isPropertyAccessExpression(callee) ? callee.name : callee);
    const decl = sym?.valueDeclaration;
    if (decl && this.insideRoot(decl)) {
      let fn: ts.Node | undefined = decl;
      if (t.isVariableDeclaration(decl) && decl.initializer) fn = skipOuter(t, decl.initializer);
      if (fn && isFunctionLike(t, fn)) acc = union(acc, this.capturedDeps(fn));
    }
    return acc;
  }

  /**
   * If `e` takes a JS value from an operand (`.all`, `.item()`, `Number(x)`, `x * 2`, `-x`, `a[i]`,
   * `x.toFixed()`), the operands and wording; the caller checks whether an operand is traced.
   */
  conversion(e: ts.Expression): Conversion | undefined {
    const t = this.t;
    const types = this.types;
    const tensorOrNum = (x: ts.Expression) => {
      const ty = types.typeOf(x);
      return this.api.isTensor(ty) || types.hasTensor(ty) || types.isNumeric(ty) || types.isBooleanLike(ty);
    };
    if (t.isPropertyAccessExpression(e)) {
      const rt = types.typeOf(e.expression);
      const name = e.name.text;
      if (types.hasTensor(rt) && CONVERTING_TENSOR_MEMBERS.has(name)) {
        const isCall = t.isCallExpression(e.parent) && e.parent.expression === e;
        if (name === 'item' || name === 'toArray') return undefined; // reported at the call
        if (!isCall) {
          const alt = name === 'all' ? 'allAlong()' : name === 'any' ? 'anyAlong()' : undefined;
          return {
            operands: [e.expression],
            what: `'.${name}' reads a JS ${name === 'data' ? 'typed array' : 'boolean'} from {}`,
            fix: alt
              ? `use the tensor '${e.expression.getText()}.${alt}' (or math.${name}(…)) as the condition: tensorjit converts tensor conditions to math.where`
              : 'keep computing with tensor operations (math.where for value-dependent results)',
          };
        }
      }
      if (types.isNumeric(rt) && !types.hasTensor(rt)) {
        return { operands: [e.expression], what: `'.${name}' calls a number method on {}`, fix: 'use tensor operations instead of number methods' };
      }
      return undefined;
    }
    if (t.isCallExpression(e)) {
      const callee = skipOuter(t, e.expression);
      if (t.isPropertyAccessExpression(callee) && (callee.name.text === 'item' || callee.name.text === 'toArray') &&
          types.hasTensor(types.typeOf(callee.expression))) {
        return { operands: [callee.expression], what: `'.${callee.name.text}()' reads JS values from {}`, fix: 'keep computing with tensor operations (math.where for value-dependent results)' };
      }
      const globalName = t.isIdentifier(callee) ? callee.text :
        t.isPropertyAccessExpression(callee) && t.isIdentifier(callee.expression) && callee.expression.text === 'Math' ? 'Math' : undefined;
      if (globalName && (NUMERIC_GLOBALS.has(globalName) || globalName === 'Math') && this.isGlobal(t.isIdentifier(callee) ? callee : (callee as ts.PropertyAccessExpression).expression as ts.Identifier)) {
        const label = globalName === 'Math' ? callee.getText() : globalName;
        return { operands: e.arguments.filter(tensorOrNum), what: `'${label}(…)' converts {} to a JS number`, fix: 'use the math.* tensor functions instead' };
      }
      return undefined;
    }
    if (t.isPrefixUnaryExpression(e) || t.isPostfixUnaryExpression(e)) {
      if (t.isPrefixUnaryExpression(e) && e.operator === t.SyntaxKind.ExclamationToken) return undefined;
      const op = t.tokenToString(e.operator) ?? '';
      return { operands: [e.operand].filter(tensorOrNum), what: `'${op}' converts {} to a JS number`, fix: op === '-' ? "use 'math.neg(…)' or '.neg()'" : 'use tensor operations (math.add, math.sub, …)' };
    }
    if (t.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      const op = e.operatorToken.getText();
      const { arith: ARITH, compare: COMPARE } = operatorKinds(t);
      if (ARITH.has(k) || COMPARE.has(k)) {
        const isString = k === t.SyntaxKind.PlusToken && (types.isString(types.typeOf(e.left)) || types.isString(types.typeOf(e.right)));
        return {
          operands: [e.left, e.right].filter(tensorOrNum),
          what: isString ? `string '+' converts {} to a JS string` : COMPARE.has(k) ? `'${op}' compares {} as a JS number` : `'${op}' converts {} to a JS number`,
          fix: isString ? 'use a template literal `${…}` to print traced values' : COMPARE.has(k)
            ? `use ${COMPARE_FIX[op] ?? 'a tensor comparison'} (a bool tensor; as a condition tensorjit converts it to math.where)`
            : 'use tensor operations (math.add, math.mul, …, or the methods x.add(y), x.mul(y))',
        };
      }
      return undefined;
    }
    if (t.isElementAccessExpression(e)) {
      const idx = e.argumentExpression;
      if (types.isNumeric(types.typeOf(idx))) return { operands: [idx], what: 'indexing with {}', fix: 'index with static numbers, or select with t.get({ dim: i }) on tensors' };
      return undefined;
    }
    return undefined;
  }

  private isGlobal(id: ts.Identifier): boolean {
    const sym = this.checker.getSymbolAtLocation(id);
    const decl = sym?.declarations?.[0];
    return !decl || decl.getSourceFile().hasNoDefaultLib || /lib\.[^/]*\.d\.ts$/.test(decl.getSourceFile().fileName);
  }
}

const ARITH_KINDS = (t: TS) => [
  t.SyntaxKind.PlusToken, t.SyntaxKind.MinusToken, t.SyntaxKind.AsteriskToken, t.SyntaxKind.SlashToken,
  t.SyntaxKind.PercentToken, t.SyntaxKind.AsteriskAsteriskToken, t.SyntaxKind.LessThanLessThanToken,
  t.SyntaxKind.GreaterThanGreaterThanToken, t.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
  t.SyntaxKind.AmpersandToken, t.SyntaxKind.BarToken, t.SyntaxKind.CaretToken,
  t.SyntaxKind.PlusEqualsToken, t.SyntaxKind.MinusEqualsToken, t.SyntaxKind.AsteriskEqualsToken, t.SyntaxKind.SlashEqualsToken,
  t.SyntaxKind.PercentEqualsToken, t.SyntaxKind.AsteriskAsteriskEqualsToken, t.SyntaxKind.LessThanLessThanEqualsToken,
  t.SyntaxKind.GreaterThanGreaterThanEqualsToken, t.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
  t.SyntaxKind.AmpersandEqualsToken, t.SyntaxKind.BarEqualsToken, t.SyntaxKind.CaretEqualsToken,
];
const COMPARE_KINDS = (t: TS) => [
  t.SyntaxKind.LessThanToken, t.SyntaxKind.GreaterThanToken, t.SyntaxKind.LessThanEqualsToken, t.SyntaxKind.GreaterThanEqualsToken,
];

const operatorCache = new WeakMap<object, { arith: Set<number>; compare: Set<number> }>();
/** SyntaxKind values differ between TypeScript versions: operator sets come from the host's enum. */
function operatorKinds(t: TS): { arith: Set<number>; compare: Set<number> } {
  let v = operatorCache.get(t);
  if (!v) {
    v = { arith: new Set(ARITH_KINDS(t)), compare: new Set(COMPARE_KINDS(t)) };
    operatorCache.set(t, v);
  }
  return v;
}

const COMPARE_FIX: Record<string, string> = {
  '>': 'math.greater(a, b) or a.gt(b)',
  '<': 'math.less(a, b) or a.lt(b)',
  '>=': 'math.greaterEqual(a, b) or a.ge(b)',
  '<=': 'math.lessEqual(a, b) or a.le(b)',
};
