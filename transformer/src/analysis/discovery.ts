/**
 * Finding jit functions in a file: `/** @jit *\/` and `/** @jit auxiliaryArgs=a,b *\/` comments on
 * function declarations and function-valued variables (read from the comment text: tsc skips JSDoc
 * parsing since TS 5.3), `@jit` / `@jit({…})` on methods, and calls of tensorjit's `jit` /
 * `math.jitCompile` (recognised by symbol). Also reports what is wrong with the marking itself:
 * unknown auxiliary names (93010), `@jit` on a function declaration (93013), async or generator
 * jit functions (93014).
 */
import type * as ts from 'typescript';
import type { FunctionLike, JitKind, JitRoot, TS, Fix } from './model';
import { skipOuter, type TensorjitApi } from './api';
import { rules, makeDiagnostic, makeDiagnosticAt, relativePath } from './rules';

export interface Discovery {
  readonly roots: JitRoot[];
  readonly diagnostics: ts.Diagnostic[];
  readonly fixes: Fix[];
}

/** A parsed `@jit` tag: auxiliary names with their positions in the file. */
interface JitTag {
  readonly start: number;
  readonly end: number;
  readonly aux: readonly { name: string; start: number }[];
}

/** Reads `@jit` from the JSDoc comments before `node` (its own text, not the JSDoc API). */
export function readJitTag(t: TS, sf: ts.SourceFile, node: ts.Node): JitTag | undefined {
  const text = sf.text;
  const ranges = t.getLeadingCommentRanges(text, node.pos) ?? [];
  let found: JitTag | undefined;
  for (const r of ranges) {
    const c = text.slice(r.pos, r.end);
    if (!c.startsWith('/**')) continue;
    const m = /(^|[\s*])@jit\b([^\n@]*)/.exec(c);
    if (!m) continue;
    const tagStart = r.pos + m.index + m[1].length;
    const rest = m[2].replace(/\*\/\s*$/, '');
    const restStart = tagStart + 4;
    const aux: { name: string; start: number }[] = [];
    const am = /auxiliaryArgs\s*[=:]\s*(.*)$/.exec(rest);
    if (am) {
      const valueStart = restStart + am.index + am[0].length - am[1].length;
      const re = /[A-Za-z_$][\w$]*/g;
      let nm: RegExpExecArray | null;
      while ((nm = re.exec(am[1])) !== null) aux.push({ name: nm[0], start: valueStart + nm.index });
    }
    found = { start: tagStart, end: restStart + rest.trimEnd().length, aux };
  }
  return found;
}

/** Parameter names as the runtime names them (`...rest`; destructured: `arg<i>`). */
export function paramNames(t: TS, fn: FunctionLike): string[] {
  const out: string[] = [];
  fn.parameters.forEach((p, i) => {
    if (t.isIdentifier(p.name) && p.name.text === 'this') return;
    const name = t.isIdentifier(p.name) ? p.name.text : `arg${i}`;
    out.push(p.dotDotDotToken ? `...${name}` : name);
  });
  return out;
}

interface OptionsInfo {
  /** Auxiliary names with the nodes that name them; undefined when not statically known. */
  readonly aux: { name: string; node: ts.Node; offset: number }[] | undefined;
  readonly hasMeta: boolean;
  readonly hasName: boolean;
}

function readOptions(t: TS, checker: ts.TypeChecker, expr: ts.Expression | undefined, depth = 0): OptionsInfo {
  if (!expr) return { aux: [], hasMeta: false, hasName: false };
  const e = skipOuter(t, expr);
  if (t.isIdentifier(e) && depth < 3) {
    const decl = checker.getSymbolAtLocation(e)?.valueDeclaration;
    if (decl && t.isVariableDeclaration(decl) && decl.initializer && t.isVariableDeclarationList(decl.parent) && (decl.parent.flags & t.NodeFlags.Const)) {
      return readOptions(t, checker, decl.initializer, depth + 1);
    }
    return { aux: undefined, hasMeta: false, hasName: false };
  }
  if (!t.isObjectLiteralExpression(e)) return { aux: undefined, hasMeta: false, hasName: false };
  let aux: OptionsInfo['aux'] = [];
  let hasMeta = false;
  let hasName = false;
  for (const p of e.properties) {
    if (t.isSpreadAssignment(p)) { aux = undefined; continue; }
    const name = p.name && (t.isIdentifier(p.name) || t.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (name === 'meta') hasMeta = true;
    if (name === 'name') hasName = true;
    if (name !== 'auxiliaryArgs') continue;
    if (!t.isPropertyAssignment(p)) { aux = undefined; continue; }
    const v = skipOuter(t, p.initializer);
    if (t.isStringLiteral(v) || t.isNoSubstitutionTemplateLiteral(v)) {
      const list: { name: string; node: ts.Node; offset: number }[] = [];
      const re = /[^,\s]+/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(v.text)) !== null) list.push({ name: m[0], node: v, offset: m.index + 1 });
      if (aux) aux.push(...list);
    } else if (t.isArrayLiteralExpression(v) && v.elements.every((x) => t.isStringLiteral(x) || t.isNoSubstitutionTemplateLiteral(x))) {
      if (aux) for (const x of v.elements) aux.push({ name: (x as ts.StringLiteral).text.trim(), node: x, offset: -1 });
    } else {
      aux = undefined;
    }
  }
  return { aux, hasMeta, hasName };
}

function isFunctionExpr(t: TS, e: ts.Expression | undefined): e is ts.ArrowFunction | ts.FunctionExpression {
  return !!e && (t.isArrowFunction(e) || t.isFunctionExpression(e));
}

function levenshtein(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

export function discover(t: TS, checker: ts.TypeChecker, api: TensorjitApi, sf: ts.SourceFile, cwd: string): Discovery {
  const roots: JitRoot[] = [];
  const diagnostics: ts.Diagnostic[] = [];
  const fixes: Fix[] = [];
  const jsdocMarked = new Set<ts.Node>();

  const sourceOf = (fn: ts.Node) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(fn.getStart(sf));
    return `${relativePath(sf.fileName, cwd)}:${line + 1}:${character + 1}`;
  };

  const addRoot = (
    kind: JitKind, fn: FunctionLike, name: string, anchor: JitRoot['anchor'], options: ts.Expression | undefined,
    tag: JitTag | undefined, inferredName?: string,
  ) => {
    const params = paramNames(t, fn);
    const plain = params.map((p) => p.replace(/^\.\.\./, ''));
    const errors: ts.Diagnostic[] = [];
    let aux: Set<string> | undefined;
    let alreadyCompiled = false;
    let jsdocAux: string[] | undefined;
    const unknown = (auxName: string, report: (msg: string, fixText?: string) => void) => {
      const candidates = plain.filter((p) => levenshtein(p, auxName) <= 2);
      const list = plain.length ? plain.join(', ') : 'none';
      const hint = candidates.length === 1 ? ` Did you mean '${candidates[0]}'?` : '';
      report(`auxiliaryArgs names '${auxName}', which is not a parameter of jit function '${name}' (parameters: ${list}).${hint} ` +
        `Each auxiliary name must be one of the function's parameters.`, candidates.length === 1 ? candidates[0] : undefined);
    };
    const paramsRelated = fn.parameters.length
      ? [{ file: sf, start: fn.parameters.pos, length: fn.parameters.end - fn.parameters.pos, message: `The parameters of '${name}' are declared here.` }]
      : [{ node: fn, message: `'${name}' is declared here without parameters.` }];
    if (tag) {
      jsdocAux = tag.aux.map((a) => a.name);
      aux = new Set(jsdocAux);
      for (const a of tag.aux) {
        if (plain.includes(a.name)) continue;
        unknown(a.name, (msg, fixText) => {
          const d = makeDiagnosticAt(t, rules.unknownAux, sf, a.start, a.name.length, msg, paramsRelated);
          errors.push(d);
          if (fixText) fixes.push({ code: d.code, start: a.start, length: a.name.length, description: `Change '${a.name}' to '${fixText}'`, edits: [{ start: a.start, length: a.name.length, newText: fixText }] });
        });
      }
    } else {
      const info = readOptions(t, checker, options);
      alreadyCompiled = info.hasMeta;
      if (info.aux) {
        aux = new Set(info.aux.map((a) => a.name));
        for (const a of info.aux) {
          if (plain.includes(a.name)) continue;
          unknown(a.name, (msg, fixText) => {
            const start = a.offset >= 0 ? a.node.getStart(sf) + a.offset : a.node.getStart(sf) + 1;
            const d = makeDiagnosticAt(t, rules.unknownAux, sf, start, a.name.length, msg, paramsRelated);
            errors.push(d);
            if (fixText) fixes.push({ code: d.code, start, length: a.name.length, description: `Change '${a.name}' to '${fixText}'`, edits: [{ start, length: a.name.length, newText: fixText }] });
          });
        }
      }
      if (inferredName && info.hasName) inferredName = undefined;
    }
    const isAsync = fn.modifiers?.some((m) => m.kind === t.SyntaxKind.AsyncKeyword);
    if (isAsync || fn.asteriskToken) {
      const what = isAsync && fn.asteriskToken ? 'an async generator' : isAsync ? 'async' : 'a generator';
      const at = (fn.modifiers?.find((m) => m.kind === t.SyntaxKind.AsyncKeyword)) ?? (t.isArrowFunction(fn) ? fn : fn.name ?? fn);
      errors.push(makeDiagnostic(t, rules.asyncJit, at,
        `jit function '${name}' is ${what}: the runtime traces a function by calling it once on tracers and needs its tensors ` +
          `synchronously. Remove ${isAsync ? "'async' (and await)" : "the '*' (return tensors instead of yielding)"}; call the jit function from async code instead.`,
        [{ node: anchor, message: `'${name}' is marked as a jit function here.` }]));
    }
    diagnostics.push(...errors);
    roots.push({
      kind, fn, name, params, aux, jsdocAux, source: sourceOf(fn), anchor, options, inferredName, errors, alreadyCompiled,
    });
  };

  const jitDecorators = (node: ts.Node): ts.Decorator[] => {
    const mods = (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
    if (!mods) return [];
    return mods.filter((m): m is ts.Decorator => t.isDecorator(m) && api.isJitCallee(t.isCallExpression(m.expression) ? m.expression.expression : m.expression));
  };

  const misplaced = (node: ts.Node, message: string, fix?: Fix, related: Parameters<typeof makeDiagnostic>[4] = []) => {
    const d = makeDiagnostic(t, rules.misplacedJit, node, message, related);
    diagnostics.push(d);
    if (fix) fixes.push({ ...fix, code: d.code, start: d.start!, length: d.length! });
  };

  const visit = (node: ts.Node): void => {
    if (t.isFunctionDeclaration(node)) {
      const tag = readJitTag(t, sf, node);
      const decos = jitDecorators(node);
      for (const d of decos) {
        const args = t.isCallExpression(d.expression) ? d.expression.arguments : undefined;
        const info = readOptions(t, checker, args?.[0]);
        const auxText = info.aux && info.aux.length ? ` auxiliaryArgs=${info.aux.map((a) => a.name).join(',')}` : '';
        const fname = node.name?.text ?? 'this function';
        const end = d.getEnd();
        const after = sf.text.slice(end).match(/^[ \t]*\r?\n?[ \t]*/)?.[0].length ?? 0;
        misplaced(d,
          `'@jit' cannot decorate the function declaration '${fname}' (TS1206: decorators apply to classes and their members only), ` +
            `so '${fname}' is not compiled. Write the comment /** @jit${auxText} */ above the function, or use ${'`'}const ${fname === 'this function' ? 'f' : fname} = jit((…) => …)${'`'}.`,
          {
            code: 0, start: 0, length: 0, description: `Replace '@jit' with /** @jit${auxText} */`,
            edits: [{ start: d.getStart(sf), length: end + after - d.getStart(sf), newText: `/** @jit${auxText} */\n` }],
          },
          [{ node: node.name ?? node, message: `'${fname}' is declared here as a plain function.` }]);
      }
      if (tag && node.body) {
        jsdocMarked.add(node);
        addRoot('jsdoc-function', node, node.name?.text ?? 'default', node, undefined, tag);
      } else if (tag && !node.body) {
        misplaced(node.name ?? node, `/** @jit */ marks a function with a body; '${node.name?.text ?? 'this'}' is only a signature (overload or declare).`);
      }
    } else if (t.isVariableStatement(node)) {
      const tag = readJitTag(t, sf, node);
      if (tag) {
        for (const d of node.declarationList.declarations) {
          const init = d.initializer && skipOuter(t, d.initializer);
          const name = t.isIdentifier(d.name) ? d.name.text : '<destructured>';
          if (isFunctionExpr(t, init)) {
            jsdocMarked.add(init);
            addRoot('jsdoc-variable', init, name, node, undefined, tag, name);
          } else if (init && t.isCallExpression(init) && api.isJitCallee(init.expression)) {
            // already a jit function: the comment is documentation
          } else {
            misplaced(d.name, `/** @jit */ marks function declarations and variables initialised with a function; '${name}' is ${init ? 'not a function expression' : 'not initialised'}. ` +
              `Use /** @jit */ on a 'function' declaration or 'const ${name} = (…) => …', or call jit(…) explicitly.`, undefined,
              [{ file: sf, start: tag.start, length: tag.end - tag.start, message: 'The @jit tag is here.' }]);
          }
        }
      }
    } else if (t.isMethodDeclaration(node) || t.isPropertyDeclaration(node) || t.isGetAccessorDeclaration(node) || t.isSetAccessorDeclaration(node)) {
      const decos = jitDecorators(node);
      const name = node.name && (t.isIdentifier(node.name) || t.isStringLiteral(node.name) || t.isPrivateIdentifier(node.name)) ? node.name.text : '<computed>';
      for (const d of decos) {
        if (t.isMethodDeclaration(node) && node.body) {
          const options = t.isCallExpression(d.expression) ? d.expression.arguments[0] : undefined;
          addRoot('decorator', node, name, d, options, undefined);
        } else {
          misplaced(d, `'@jit' decorates methods; '${name}' is ${t.isPropertyDeclaration(node) ? 'a property' : t.isMethodDeclaration(node) ? 'a method without a body' : 'an accessor'}, which the runtime refuses.`);
        }
      }
      const methodTag = t.isMethodDeclaration(node) && !decos.length ? readJitTag(t, sf, node) : undefined;
      if (methodTag) {
        misplaced(node.name, `/** @jit */ is read on function declarations and variables; for the method '${name}' use the decorator '@jit' (or '@jit({ auxiliaryArgs: … })').`, undefined,
          [{ file: sf, start: methodTag.start, length: methodTag.end - methodTag.start, message: 'The @jit tag is here.' }]);
      }
    } else if (t.isCallExpression(node) && !t.isDecorator(node.parent) && node.arguments.length > 0 && api.isJitCallee(node.expression)) {
      const arg = skipOuter(t, node.arguments[0]);
      let fn: FunctionLike | undefined;
      if (isFunctionExpr(t, arg)) fn = arg;
      else if (t.isIdentifier(arg)) {
        const decl = api.resolve(checker.getSymbolAtLocation(arg))?.valueDeclaration;
        if (decl && decl.getSourceFile() === sf) {
          if (t.isFunctionDeclaration(decl) && decl.body && !readJitTag(t, sf, decl)) fn = decl;
          else if (t.isVariableDeclaration(decl) && decl.initializer) {
            const init = skipOuter(t, decl.initializer);
            if (isFunctionExpr(t, init) && !(t.isVariableStatement(decl.parent.parent) && readJitTag(t, sf, decl.parent.parent))) fn = init;
          }
        }
      }
      if (fn && !roots.some((r) => r.fn === fn)) {
        let varName: string | undefined;
        let p: ts.Node = node;
        while (t.isParenthesizedExpression(p.parent) || t.isAsExpression(p.parent)) p = p.parent;
        if (t.isVariableDeclaration(p.parent) && t.isIdentifier(p.parent.name)) varName = p.parent.name.text;
        const fnName = (t.isFunctionExpression(fn) || t.isFunctionDeclaration(fn)) && fn.name ? fn.name.text : undefined;
        const name = fnName ?? (t.isIdentifier(arg) ? arg.text : varName) ?? '<anonymous>';
        const inferred = !fnName && !t.isIdentifier(arg) && varName ? varName : undefined;
        addRoot('call', fn, name, node, node.arguments[1], undefined, inferred);
      }
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return { roots, diagnostics, fixes };
}
