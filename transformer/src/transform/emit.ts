/**
 * The rewrite: applies the analysis' plans with `ts.factory`, never asking the checker about
 * synthesized nodes. Every replacement keeps the original node's text range, so comments and
 * source maps point at the user's lines. Emitted code calls the runtime through one injected
 * namespace import of 'tensorjit' (`tensorjit_1.controlFlow.ifStmt(…)`, `tensorjit_1.math.jitCompile(…)`),
 * which works for CommonJS and ES module output alike.
 */
import type * as ts from 'typescript';
import type { FileAnalysis, JitRoot, Plan, TS } from '../analysis/model';
import { branchList, stmtsOf } from '../analysis/flow';
import { formatOne } from '../analysis/rules';
import { skipOuter } from '../analysis/api';
import { VERSION } from '../version';

export const RUNTIME_MODULE = 'tensorjit';

/** Source files this module produced: a second pass over them changes nothing. */
const produced = new WeakSet<ts.SourceFile>();

/** Whether a file already went through this transformer (our synthesized import is there). */
export function alreadyTransformed(t: TS, sf: ts.SourceFile): boolean {
  if (produced.has(sf)) return true;
  return sf.statements.some((s) => t.isImportDeclaration(s) && s.pos === -1 && t.isStringLiteral(s.moduleSpecifier) &&
    s.moduleSpecifier.text === RUNTIME_MODULE && !!s.importClause?.namedBindings && t.isNamespaceImport(s.importClause.namedBindings) &&
    /^tensorjit/.test(t.idText(s.importClause.namedBindings.name)));
}

/** Rewrites one file according to its analysis. Returns the file unchanged when nothing applies. */
export function rewriteFile(t: TS, context: ts.TransformationContext, sf: ts.SourceFile, analysis: FileAnalysis, cwd: string): ts.SourceFile {
  if (alreadyTransformed(t, sf)) return sf;
  const roots = analysis.roots.filter((r) => !r.alreadyCompiled);
  if (roots.length === 0 && analysis.plans.size === 0) return sf;
  const f = context.factory;
  const ns = f.createUniqueName('tensorjit');
  const rootByAnchor = new Map<ts.Node, JitRoot>();
  const rootByFn = new Map<ts.Node, JitRoot>();
  for (const r of roots) { rootByAnchor.set(r.anchor, r); rootByFn.set(r.fn, r); }
  let used = false;

  const orig = (n: ts.Node) => t.getOriginalNode(n);
  const planOf = (n: ts.Node): Plan | undefined => analysis.plans.get(orig(n));
  const runtime = (group: 'controlFlow' | 'math', name: string) => {
    used = true;
    return f.createPropertyAccessExpression(f.createPropertyAccessExpression(ns, group), name);
  };
  const call = (group: 'controlFlow' | 'math', name: string, args: ts.Expression[], range?: ts.Node) => {
    const c = f.createCallExpression(runtime(group, name), undefined, args);
    if (range) { t.setSourceMapRange(c, range); }
    return c;
  };
  const str = (s: string) => f.createStringLiteral(s);
  const thunk = (body: ts.ConciseBody) => f.createArrowFunction(undefined, undefined, [], undefined, f.createToken(t.SyntaxKind.EqualsGreaterThanToken), body);
  const withRange = <N extends ts.Node>(n: N, range: ts.Node): N => {
    t.setTextRange(n, range);
    t.setOriginalNode(n, range);
    return n;
  };

  /** `() => [a, b]` and `(state) => { [a, b] = state; }` for a list of variables. */
  const stateArgs = (names: readonly string[]): ts.Expression[] => {
    const ids = () => names.map((n) => f.createIdentifier(n));
    const state = f.createUniqueName('state');
    return [
      thunk(f.createArrayLiteralExpression(ids())),
      f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, state)], undefined,
        f.createToken(t.SyntaxKind.EqualsGreaterThanToken),
        f.createBlock([f.createExpressionStatement(f.createAssignment(f.createArrayLiteralExpression(ids()), state))], false)),
    ];
  };

  // ---- break / continue of converted loops (flags) ----
  /** The statements of converted loop bodies after which the rest of their list is guarded by the flags. */
  const guards = new Map<ts.Node, { outputs: readonly string[]; flags: string[]; site: string }>();
  for (const plan of analysis.plans.values()) {
    if (plan.kind !== 'whileStmt' && plan.kind !== 'jsLoopJumps') continue;
    const flags = [plan.breakFlag, plan.continueFlag].filter((x): x is string => !!x);
    for (const [s, g] of plan.guards) guards.set(s, { outputs: g.outputs, flags, site: plan.site });
  }
  /** `!(break_ || continue_)`: no flag set (element-wise when a flag is a mask). */
  const noFlag = (flags: readonly string[]): ts.Expression => {
    const ids = flags.map((n) => f.createIdentifier(n));
    const any = ids.slice(1).reduce<ts.Expression>((a, b) => call('controlFlow', 'or', [a, thunk(b)]), ids[0]);
    return call('controlFlow', 'not', [any]);
  };
  const declareFlag = (name: string) => f.createVariableStatement(undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, f.createFalse())], t.NodeFlags.Let));
  /** `controlFlow.ifStmt(!(flags), () => { stmts }, void 0, site, outputs, getState, setState)`. */
  const flagGuard = (flags: readonly string[], stmts: ts.Statement[], outputs: readonly string[], site: string): ts.Statement => {
    const args: ts.Expression[] = [noFlag(flags), thunk(f.createBlock(stmts, true)), f.createVoidZero(), str(site)];
    if (outputs.length) args.push(f.createArrayLiteralExpression(outputs.map(str)), ...stateArgs(outputs));
    return f.createExpressionStatement(call('controlFlow', 'ifStmt', args));
  };

  // ---- jit metadata ----
  const meta = (r: JitRoot): ts.ObjectLiteralExpression => {
    const props: ts.ObjectLiteralElementLike[] = [
      f.createPropertyAssignment('params', f.createArrayLiteralExpression(r.params.map(str))),
      f.createPropertyAssignment('version', str(VERSION)),
      f.createPropertyAssignment('source', str(r.source)),
    ];
    if (r.errors.length) {
      props.push(f.createPropertyAssignment('errors', f.createArrayLiteralExpression(r.errors.map((d) => str(formatOne(t, d, cwd))), true)));
    }
    used = true;
    return f.createObjectLiteralExpression(props, false);
  };
  const options = (r: JitRoot, existing: ts.Expression | undefined): ts.Expression => {
    const extra: ts.ObjectLiteralElementLike[] = [];
    if (r.inferredName) extra.push(f.createPropertyAssignment('name', str(r.inferredName)));
    // only real parameter names: an unknown one is a TS93010 in meta.errors (thrown when called),
    // and must not make the runtime refuse to create the function while the module loads
    const plain = r.params.map((p) => p.replace(/^\.\.\./, ''));
    const aux = (r.jsdocAux ?? []).filter((a) => plain.includes(a));
    if (aux.length) extra.push(f.createPropertyAssignment('auxiliaryArgs', f.createArrayLiteralExpression(aux.map(str))));
    extra.push(f.createPropertyAssignment('meta', meta(r)));
    if (!existing) return f.createObjectLiteralExpression(extra, false);
    const visited = t.visitNode(existing, visitor, t.isExpression)!;
    if (t.isObjectLiteralExpression(visited)) return f.updateObjectLiteralExpression(visited, [...visited.properties, ...extra]);
    return f.createObjectLiteralExpression([f.createSpreadAssignment(visited), ...extra], false);
  };

  // ---- statement lists ----
  const blockOf = (stmts: readonly ts.Statement[], like?: ts.Statement): ts.Block => {
    const body = processList(stmts);
    if (like && t.isBlock(like) && stmts.length === like.statements.length && stmts.every((s, i) => s === like.statements[i])) {
      return f.updateBlock(like, body);
    }
    return f.createBlock(body, true);
  };

  const processList = (stmts: readonly ts.Statement[], top = false): ts.Statement[] => {
    const out: ts.Statement[] = [];
    const hoisted: ts.Statement[] = [];
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      const g = guards.get(orig(s));
      if (g && i + 1 < stmts.length) {
        // a statement that may break / continue a converted loop: the rest runs only while no flag is set
        out.push(...processList([s]));
        out.push(withRange(flagGuard(g.flags, processList(stmts.slice(i + 1)), g.outputs, g.site), stmts[i + 1]));
        break;
      }
      if (t.isIfStatement(s)) {
        const plan = planOf(s);
        if (plan?.kind === 'ifReturn' && plan.absorb) {
          out.push(emitIf(s, stmts.slice(i + 1)));
          break;
        }
        out.push(emitIf(s, []));
        continue;
      }
      const root = t.isFunctionDeclaration(s) ? rootByAnchor.get(orig(s)) : undefined;
      if (root && root.kind === 'jsdoc-function') {
        const [hoist, impl, reexport] = emitJsdocFunction(s as ts.FunctionDeclaration, root);
        hoisted.push(hoist);
        out.push(impl);
        if (reexport) out.push(reexport);
        continue;
      }
      const v = t.visitNode(s, visitor, t.isStatement);
      if (v) out.push(v);
    }
    if (!hoisted.length) return out;
    // after prologue directives (and, at top level, after the imports)
    let at = 0;
    while (at < out.length && (t.isExpressionStatement(out[at]) && t.isStringLiteral((out[at] as ts.ExpressionStatement).expression) ||
      (top && (t.isImportDeclaration(out[at]) || t.isImportEqualsDeclaration(out[at]))))) at++;
    return [...out.slice(0, at), ...hoisted, ...out.slice(at)];
  };

  // ---- if statements ----
  const emitIf = (s: ts.IfStatement, rest: readonly ts.Statement[]): ts.Statement => {
    const plan = planOf(s);
    const cond = t.visitNode(s.expression, visitor, t.isExpression)!;
    if (plan?.kind === 'ifStmt') {
      const thenFn = thunk(blockOf(stmtsOf(t, s.thenStatement), s.thenStatement));
      const elseFn = s.elseStatement ? thunk(blockOf(stmtsOf(t, s.elseStatement), s.elseStatement)) : f.createVoidZero();
      const args: ts.Expression[] = [cond, thenFn, elseFn, str(plan.site)];
      // without an else branch nothing runs after the then branch: only the outputs need state
      const restore = s.elseStatement ? plan.restore : [];
      if (plan.outputs.length || restore.length) {
        args.push(f.createArrayLiteralExpression(plan.outputs.map(str)), ...stateArgs([...plan.outputs, ...restore]));
      }
      return withRange(f.createExpressionStatement(call('controlFlow', 'ifStmt', args, s)), s);
    }
    if (plan?.kind === 'ifReturn') {
      const a = plan.absorb;
      if (a && a.statements.length !== rest.length) throw new Error(`tensorjit: internal error, return normalisation out of step at ${plan.site}`);
      const thenStmts = a?.into === 'then' ? branchList(t, s.thenStatement, rest) : stmtsOf(t, s.thenStatement);
      const elseStmts = a?.into === 'else' ? branchList(t, s.elseStatement, rest) : stmtsOf(t, s.elseStatement);
      const thenFn = thunk(blockOf(thenStmts, a?.into === 'then' ? undefined : s.thenStatement));
      const elseFn = thunk(blockOf(elseStmts, a?.into === 'else' ? undefined : s.elseStatement));
      const args: ts.Expression[] = [cond, thenFn, elseFn, str(plan.site)];
      if (plan.restore.length) args.push(...stateArgs(plan.restore));
      return withRange(f.createReturnStatement(call('controlFlow', 'ifReturn', args, s)), s);
    }
    const test = plan?.kind === 'truth' ? call('controlFlow', 'truth', [cond, str(plan.site), str(plan.reason)], s.expression) : cond;
    const visitBranch = (b: ts.Statement): ts.Statement => (t.isIfStatement(b) ? emitIf(b, []) : t.visitNode(b, visitor, t.isStatement)!);
    return f.updateIfStatement(s, test, visitBranch(s.thenStatement), s.elseStatement && visitBranch(s.elseStatement));
  };

  // ---- /** @jit */ function declarations: hoisted jit function + implementation ----
  const emitJsdocFunction = (fd: ts.FunctionDeclaration, root: JitRoot): [ts.Statement, ts.Statement, ts.Statement | undefined] => {
    const mods = fd.modifiers ?? [];
    const isExport = mods.some((m) => m.kind === t.SyntaxKind.ExportKeyword);
    const isDefault = mods.some((m) => m.kind === t.SyntaxKind.DefaultKeyword);
    const name = fd.name ? f.createIdentifier(t.idText(fd.name)) : f.createUniqueName('default_jit');
    const implName = f.createUniqueName(`${fd.name ? t.idText(fd.name) : 'default'}_impl`, t.GeneratedIdentifierFlags.Optimistic);
    const keep = mods.filter((m) => m.kind !== t.SyntaxKind.ExportKeyword && m.kind !== t.SyntaxKind.DefaultKeyword && !t.isDecorator(m)) as ts.Modifier[];
    const visited = t.visitEachChild(fd, visitor, context);
    const impl = f.updateFunctionDeclaration(visited, keep, visited.asteriskToken, implName, visited.typeParameters, visited.parameters, visited.type, visited.body);
    const opts = options({ ...root, inferredName: fd.name ? t.idText(fd.name) : 'default' }, undefined);
    const decl = f.createVariableDeclaration(name, undefined, undefined, call('math', 'jitCompile', [implName, opts], fd));
    // a local `var` (references to the function keep working under CommonJS output) plus an export specifier
    const hoist = f.createVariableStatement(undefined, f.createVariableDeclarationList([decl], t.NodeFlags.None));
    t.setSourceMapRange(hoist, fd);
    let reexport: ts.Statement | undefined;
    if (isExport && isDefault && !fd.name) reexport = f.createExportAssignment(undefined, false, name);
    else if (isExport) {
      reexport = f.createExportDeclaration(undefined, false,
        f.createNamedExports([f.createExportSpecifier(false, isDefault ? name : undefined, isDefault ? 'default' : name)]));
    }
    return [hoist, impl, reexport];
  };

  // ---- the visitor ----
  const visitor = (node: ts.Node): ts.VisitResult<ts.Node | undefined> => {
    if (t.isBlock(node)) return f.updateBlock(node, processList(node.statements));
    if (t.isModuleBlock(node)) return f.updateModuleBlock(node, processList(node.statements));
    if (t.isCaseClause(node)) return f.updateCaseClause(node, t.visitNode(node.expression, visitor, t.isExpression)!, processList(node.statements));
    if (t.isDefaultClause(node)) return f.updateDefaultClause(node, processList(node.statements));
    if (t.isIfStatement(node)) return emitIf(node, []);
    const o = orig(node);
    const plan = analysis.plans.get(o);
    if (plan?.kind === 'guard' && t.isExpression(node)) {
      const inner = t.visitEachChild(node, visitor, context);
      return call('controlFlow', 'truth', [inner, str(plan.site), str(plan.reason)], node);
    }
    if (plan?.kind === 'jumpFlag' && (t.isBreakStatement(node) || t.isContinueStatement(node))) {
      return withRange(f.createExpressionStatement(f.createAssignment(f.createIdentifier(plan.flag), f.createTrue())), node);
    }
    if (plan?.kind === 'whileStmt' && (t.isWhileStatement(node) || t.isDoStatement(node) || t.isForStatement(node))) {
      const test = t.isForStatement(node) ? node.condition! : node.expression;
      const visitedTest = t.visitNode(test, visitor, t.isExpression)!;
      // with a break flag: `!break_ && cond` (AutoGraph), the flag first so that a set flag ends the loop
      const cond = thunk(plan.breakFlag ? call('controlFlow', 'and', [noFlag([plan.breakFlag]), thunk(visitedTest)]) : visitedTest);
      const bodyStmts = [...(plan.continueFlag ? [declareFlag(plan.continueFlag)] : []), ...processList(stmtsOf(t, node.statement))];
      if (t.isForStatement(node) && node.incrementor) {
        const incStmt = f.createExpressionStatement(t.visitNode(node.incrementor, visitor, t.isExpression)!);
        // a break skips the incrementor (a continue does not)
        bodyStmts.push(plan.breakFlag ? flagGuard([plan.breakFlag], [incStmt], plan.incrementOutputs, plan.site) : incStmt);
      }
      const args: ts.Expression[] = [cond, thunk(f.createBlock(bodyStmts, true)), str(plan.site), f.createArrayLiteralExpression(plan.carried.map(str)),
        ...stateArgs(plan.carried)];
      if (plan.doWhile || plan.breakFlag) args.push(plan.doWhile ? f.createTrue() : f.createFalse());
      if (plan.breakFlag) args.push(str(plan.breakFlag));
      const loopCall = withRange(f.createExpressionStatement(call('controlFlow', 'whileStmt', args, node)), node);
      const before: ts.Statement[] = [];
      if (t.isForStatement(node) && node.initializer) {
        const init = node.initializer;
        before.push(t.isVariableDeclarationList(init)
          ? f.createVariableStatement(undefined, t.visitNode(init, visitor, t.isVariableDeclarationList)!)
          : f.createExpressionStatement(t.visitNode(init, visitor, t.isExpression)!));
      }
      if (plan.breakFlag) before.push(declareFlag(plan.breakFlag));
      if (!before.length) return loopCall;
      return withRange(f.createBlock([...before, loopCall], true), node);
    }
    if (plan?.kind === 'jsLoopJumps' && (t.isWhileStatement(node) || t.isDoStatement(node) || t.isForStatement(node) ||
        t.isForOfStatement(node) || t.isForInStatement(node))) {
      const inner = processList(stmtsOf(t, node.statement));
      const stmts: ts.Statement[] = [];
      // the JS loop stops once every element broke (a JS true, or an all-true concrete flag)
      if (plan.breakFlag) stmts.push(f.createIfStatement(call('controlFlow', 'stopped', [f.createIdentifier(plan.breakFlag)]), f.createBreakStatement()));
      if (plan.continueFlag) stmts.push(declareFlag(plan.continueFlag));
      if (plan.breakFlag) stmts.push(flagGuard([plan.breakFlag], inner, plan.bodyOutputs, plan.site));
      else stmts.push(...inner);
      const body = f.createBlock(stmts, true);
      const e = <N extends ts.Node>(n: N | undefined, test: (x: ts.Node) => x is N) => (n ? t.visitNode(n, visitor, test) as N : undefined);
      const loop: ts.Statement = t.isWhileStatement(node) ? f.updateWhileStatement(node, e(node.expression, t.isExpression)!, body)
        : t.isDoStatement(node) ? f.updateDoStatement(node, body, e(node.expression, t.isExpression)!)
        : t.isForStatement(node) ? f.updateForStatement(node, e(node.initializer, t.isForInitializer), e(node.condition, t.isExpression), e(node.incrementor, t.isExpression), body)
        : t.isForOfStatement(node) ? f.updateForOfStatement(node, node.awaitModifier, e(node.initializer, t.isForInitializer)!, e(node.expression, t.isExpression)!, body)
        : f.updateForInStatement(node as ts.ForInStatement, e((node as ts.ForInStatement).initializer, t.isForInitializer)!, e((node as ts.ForInStatement).expression, t.isExpression)!, body);
      if (!plan.breakFlag) return loop;
      return withRange(f.createBlock([declareFlag(plan.breakFlag), loop], true), node);
    }
    if (plan?.kind === 'truth' && (t.isWhileStatement(node) || t.isDoStatement(node) || t.isForStatement(node))) {
      const guard = (e: ts.Expression) => call('controlFlow', 'truth', [t.visitNode(e, visitor, t.isExpression)!, str(plan.site), str(plan.reason)], e);
      const body = t.visitNode(node.statement, visitor, t.isStatement)!;
      if (t.isWhileStatement(node)) return f.updateWhileStatement(node, guard(node.expression), body);
      if (t.isDoStatement(node)) return f.updateDoStatement(node, body, guard(node.expression));
      return f.updateForStatement(node, t.visitNode(node.initializer, visitor, t.isForInitializer), guard(node.condition!),
        t.visitNode(node.incrementor, visitor, t.isExpression), body);
    }
    if (t.isConditionalExpression(node) && plan) {
      const c = t.visitNode(node.condition, visitor, t.isExpression)!;
      const a = t.visitNode(node.whenTrue, visitor, t.isExpression)!;
      const b = t.visitNode(node.whenFalse, visitor, t.isExpression)!;
      if (plan.kind === 'ifExp') return withRange(call('controlFlow', 'ifExp', [c, thunk(a), thunk(b), str(plan.site)], node), node);
      if (plan.kind === 'truth') {
        return f.updateConditionalExpression(node, call('controlFlow', 'truth', [c, str(plan.site), str(plan.reason)], node.condition), node.questionToken, a, node.colonToken, b);
      }
    }
    if (t.isBinaryExpression(node) && plan && (plan.kind === 'and' || plan.kind === 'or')) {
      const l = t.visitNode(node.left, visitor, t.isExpression)!;
      const r = t.visitNode(node.right, visitor, t.isExpression)!;
      const k = node.operatorToken.kind;
      if (k === t.SyntaxKind.AmpersandAmpersandEqualsToken || k === t.SyntaxKind.BarBarEqualsToken) {
        // `m &&= u` → `m = controlFlow.and(m, () => u)` (the analysis only plans this for a variable `m`)
        const read = f.createIdentifier(t.idText(skipOuter(t, node.left) as ts.Identifier));
        return withRange(f.createAssignment(l, call('controlFlow', plan.kind, [read, thunk(r)], node)), node);
      }
      return withRange(call('controlFlow', plan.kind, [l, thunk(r)], node), node);
    }
    if (t.isPrefixUnaryExpression(node) && plan?.kind === 'not') {
      return withRange(call('controlFlow', 'not', [t.visitNode(node.operand, visitor, t.isExpression)!], node), node);
    }
    const root = rootByAnchor.get(o);
    if (root && t.isCallExpression(node) && root.kind === 'call') {
      const [fnArg, , ...more] = node.arguments;
      const fnVisited = t.visitNode(fnArg, visitor, t.isExpression)!;
      return f.updateCallExpression(node, t.visitNode(node.expression, visitor, t.isExpression)!, node.typeArguments,
        [fnVisited, options(root, node.arguments[1]), ...more.map((m) => t.visitNode(m, visitor, t.isExpression)!)]);
    }
    if (root && t.isDecorator(node) && root.kind === 'decorator') {
      const e = node.expression;
      const callee = t.isCallExpression(e) ? e.expression : e;
      const existing = t.isCallExpression(e) ? e.arguments[0] : undefined;
      return f.updateDecorator(node, f.createCallExpression(callee, undefined, [options(root, existing)]));
    }
    if (root && t.isVariableStatement(node) && root.kind === 'jsdoc-variable') {
      const decls = node.declarationList.declarations.map((d) => {
        const init = d.initializer && skipOuter(t, d.initializer);
        const r = init ? rootByFn.get(init) : undefined;
        if (!r || !d.initializer) return t.visitNode(d, visitor, t.isVariableDeclaration)!;
        const fnVisited = t.visitNode(d.initializer, visitor, t.isExpression)!;
        return f.updateVariableDeclaration(d, d.name, d.exclamationToken, d.type, call('math', 'jitCompile', [fnVisited, options(r, undefined)], d.initializer));
      });
      return f.updateVariableStatement(node, node.modifiers, f.updateVariableDeclarationList(node.declarationList, decls));
    }
    return t.visitEachChild(node, visitor, context);
  };

  const body = processList(sf.statements, true);
  if (!used) return sf;
  const importDecl = f.createImportDeclaration(undefined,
    f.createImportClause(undefined, undefined, f.createNamespaceImport(ns)), f.createStringLiteral(RUNTIME_MODULE));
  // after prologue directives and the file's own imports (the hoisted jit functions follow them)
  let at = 0;
  while (at < body.length && t.isExpressionStatement(body[at]) && t.isStringLiteral((body[at] as ts.ExpressionStatement).expression)) at++;
  let lastImport = -1;
  for (let i = at; i < body.length && (t.isImportDeclaration(body[i]) || t.isImportEqualsDeclaration(body[i])); i++) lastImport = i;
  if (lastImport >= 0) at = lastImport + 1;
  const out = f.updateSourceFile(sf, [...body.slice(0, at), importDecl, ...body.slice(at)]);
  produced.add(out);
  return out;
}
