/**
 * Recognising tensorjit's API by symbol, not by name (ts-transformer-keys' approach): a `jit` is
 * ours when its declaration, after following import aliases, re-exports and `const` aliases, lives
 * in the tensorjit package (a file whose nearest package.json is named "tensorjit"); the same for
 * the `Tensor` type. A user's own function named `jit` is not ours.
 */
import type * as ts from 'typescript';
import type { TS } from './model';

const PACKAGE = 'tensorjit';

/** Creators whose results are traced constants inside a trace (the runtime's `trace.constant`). */
const CREATORS = new Set(['tensor', 'zeros', 'ones', 'zerosLike', 'onesLike', 'randomNormal', 'randomUniform', 'linspace', 'range', 'vec']);
/** Results that stay concrete inside a trace. */
const CONCRETE = new Set(['wrap']);
/** Tensor members that are static even on a traced tensor. */
export const STATIC_TENSOR_MEMBERS = new Set(['shape', 'dtype', 'rank', 'available']);
/** Tensor members that turn a traced tensor into a JS value. */
export const CONVERTING_TENSOR_MEMBERS = new Set(['all', 'any', 'data', 'item', 'toArray']);

/** Where the runtime's sources / declarations live inside the tensorjit package. */
const RUNTIME_DIRS = ['dist/runtime/', 'runtime/src/'];

const packageOfDir = new Map<string, { name: string; root: string } | null>();

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** The nearest package.json above `fileName`: its name and directory (cached per directory). */
function packageOf(t: TS, fileName: string): { name: string; root: string } | undefined {
  const sys = t.sys;
  const path = fileName.replace(/\\/g, '/');
  if (!sys) {
    const m = /^(.*\/node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(path);
    return m ? { name: m[2], root: m[1] } : undefined;
  }
  const seen: string[] = [];
  let dir = dirname(path);
  let found: { name: string; root: string } | null = null;
  for (;;) {
    const cached = packageOfDir.get(dir);
    if (cached !== undefined) { found = cached; break; }
    seen.push(dir);
    const pj = `${dir}/package.json`;
    if (sys.fileExists(pj)) {
      try {
        const name = JSON.parse(sys.readFile(pj) ?? '{}').name;
        found = typeof name === 'string' ? { name, root: dir } : null;
      } catch {
        found = null;
      }
      break;
    }
    const up = dirname(dir);
    if (up === dir || dir.endsWith('/node_modules')) break;
    dir = up;
  }
  for (const d of seen) packageOfDir.set(d, found);
  return found ?? undefined;
}

/** Whether a file is part of tensorjit's runtime (its declarations or sources), not just inside the package. */
function isRuntimeFile(t: TS, fileName: string): boolean {
  const pkg = packageOf(t, fileName);
  if (!pkg || pkg.name !== PACKAGE) return false;
  const rel = fileName.replace(/\\/g, '/').slice(pkg.root.length + 1);
  return RUNTIME_DIRS.some((d) => rel.startsWith(d));
}

export class TensorjitApi {
  private readonly fileCache = new Map<string, boolean>();
  private readonly tensorTypeCache = new Map<ts.Type, boolean>();

  constructor(readonly t: TS, readonly checker: ts.TypeChecker) {}

  isTensorjitFile(sf: ts.SourceFile): boolean {
    let v = this.fileCache.get(sf.fileName);
    if (v === undefined) {
      v = isRuntimeFile(this.t, sf.fileName);
      this.fileCache.set(sf.fileName, v);
    }
    return v;
  }

  private isTensorjitSymbol(sym: ts.Symbol | undefined): boolean {
    return !!sym?.declarations?.some((d) => this.isTensorjitFile(d.getSourceFile()));
  }

  /** Follows import aliases, re-exports and `const x = <alias>` to the declaring symbol. */
  resolve(sym: ts.Symbol | undefined, depth = 0): ts.Symbol | undefined {
    const t = this.t;
    if (!sym || depth > 8) return sym;
    if (sym.flags & t.SymbolFlags.Alias) return this.resolve(this.checker.getAliasedSymbol(sym), depth + 1);
    const decl = sym.valueDeclaration;
    if (decl && t.isVariableDeclaration(decl) && decl.initializer && t.isVariableDeclarationList(decl.parent) &&
        (decl.parent.flags & t.NodeFlags.Const) && !this.isTensorjitFile(decl.getSourceFile())) {
      const init = skipOuter(t, decl.initializer);
      if (t.isIdentifier(init) || t.isPropertyAccessExpression(init)) {
        const target = this.resolve(this.checker.getSymbolAtLocation(t.isPropertyAccessExpression(init) ? init.name : init), depth + 1);
        if (target && this.isTensorjitSymbol(target)) return target;
      }
    }
    return sym;
  }

  /** The tensorjit export an expression refers to (`jit`, `jitCompile`, `wrap`, …), if any. */
  apiName(expr: ts.Expression): string | undefined {
    const t = this.t;
    const e = skipOuter(t, expr);
    if (!t.isIdentifier(e) && !t.isPropertyAccessExpression(e)) return undefined;
    const sym = this.resolve(this.checker.getSymbolAtLocation(t.isPropertyAccessExpression(e) ? e.name : e));
    if (!sym || !this.isTensorjitSymbol(sym)) return undefined;
    return sym.getName();
  }

  isJitCallee(expr: ts.Expression): boolean {
    const n = this.apiName(expr);
    return n === 'jit' || n === 'jitCompile';
  }

  /** 'concrete' for math.wrap, 'created' for creators that make traced constants in a trace. */
  creatorKind(callee: ts.Expression): 'concrete' | 'created' | undefined {
    const n = this.apiName(callee);
    if (n === undefined) return undefined;
    if (CONCRETE.has(n)) return 'concrete';
    if (CREATORS.has(n)) return 'created';
    return undefined;
  }

  /** Whether `type` is tensorjit's Tensor (the class, with its method augmentation). */
  isTensor(type: ts.Type): boolean {
    let v = this.tensorTypeCache.get(type);
    if (v === undefined) {
      const sym = type.getSymbol() ?? type.aliasSymbol;
      v = !!sym && sym.getName() === 'Tensor' && this.isTensorjitSymbol(sym);
      this.tensorTypeCache.set(type, v);
    }
    return v;
  }

  /** Whether `type` is tensorjit's Shape or Dim (static structure, never traced). */
  isShapeLike(type: ts.Type): boolean {
    const sym = type.getSymbol() ?? type.aliasSymbol;
    return !!sym && (sym.getName() === 'Shape' || sym.getName() === 'Dim') && this.isTensorjitSymbol(sym);
  }
}

/** Strips parentheses, `as`, `!`, `satisfies` and type assertions. */
export function skipOuter(t: TS, e: ts.Expression): ts.Expression {
  for (;;) {
    if (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isNonNullExpression(e) ||
        t.isSatisfiesExpression(e) || t.isTypeAssertionExpression(e)) {
      e = e.expression;
    } else {
      return e;
    }
  }
}
