/**
 * Type questions the analysis asks the checker, always about original nodes: is a condition a
 * tensor, can a value carry traced data, can a variable be merged with `where`.
 */
import type * as ts from 'typescript';
import type { TS } from './model';
import type { TensorjitApi } from './api';

/**
 * How a condition's static type classifies it:
 * - 'tensor': contains Tensor (possibly with JS primitives), never null/undefined: a tensor condition;
 * - 'nullable': Tensor or null/undefined: a presence test, kept as JS;
 * - 'any': `any` / `unknown` / an unconstrained type parameter: cannot tell;
 * - 'js': no Tensor in it.
 */
export type CondType = 'tensor' | 'nullable' | 'any' | 'js';

export class TypeInfo {
  private readonly traceableCache = new Map<ts.Type, boolean>();

  constructor(readonly t: TS, readonly checker: ts.TypeChecker, readonly api: TensorjitApi) {}

  typeOf(node: ts.Node): ts.Type {
    return this.checker.getTypeAtLocation(node);
  }

  private members(type: ts.Type): readonly ts.Type[] {
    return type.isUnion() ? type.types : [type];
  }

  private isAnyLike(type: ts.Type): boolean {
    const f = this.t.TypeFlags;
    if (type.flags & (f.Any | f.Unknown)) return true;
    if (type.flags & f.TypeParameter) {
      const c = this.checker.getBaseConstraintOfType(type);
      return !c || c === type || !!(c.flags & (f.Any | f.Unknown));
    }
    return false;
  }

  private isNullish(type: ts.Type): boolean {
    const f = this.t.TypeFlags;
    return !!(type.flags & (f.Null | f.Undefined | f.Void));
  }

  hasTensor(type: ts.Type): boolean {
    if (this.api.isTensor(type)) return true;
    if (type.isUnionOrIntersection()) return type.types.some((m) => this.hasTensor(m));
    if (type.flags & this.t.TypeFlags.TypeParameter) {
      const c = this.checker.getBaseConstraintOfType(type);
      return !!c && c !== type && this.hasTensor(c);
    }
    return false;
  }

  condType(type: ts.Type): CondType {
    if (this.isAnyLike(type)) return 'any';
    const ms = this.members(type);
    if (!ms.some((m) => this.hasTensor(m))) return ms.some((m) => this.isAnyLike(m)) ? 'any' : 'js';
    return ms.some((m) => this.isNullish(m)) ? 'nullable' : 'tensor';
  }

  /** JS number or bigint (the kinds the runtime traces when passed as non-auxiliary arguments). */
  isNumeric(type: ts.Type): boolean {
    const f = this.t.TypeFlags;
    return this.members(type).every((m) => !!(m.flags & (f.NumberLike | f.BigIntLike)));
  }

  isString(type: ts.Type): boolean {
    return this.members(type).some((m) => !!(m.flags & this.t.TypeFlags.StringLike));
  }

  isBooleanLike(type: ts.Type): boolean {
    return this.members(type).every((m) => !!(m.flags & this.t.TypeFlags.BooleanLike));
  }

  isArray(type: ts.Type): boolean {
    return this.checker.isArrayType(type) || this.checker.isTupleType(type) ||
      this.members(type).some((m) => this.checker.isArrayType(m) || this.checker.isTupleType(m));
  }

  /** Whether a value of this type can hold traced data (tensors, numbers, bigints, or structures of them). */
  traceable(type: ts.Type, depth = 0): boolean {
    const cached = this.traceableCache.get(type);
    if (cached !== undefined) return cached;
    this.traceableCache.set(type, false); // cycle guard
    const v = this.computeTraceable(type, depth);
    this.traceableCache.set(type, v);
    return v;
  }

  private computeTraceable(type: ts.Type, depth: number): boolean {
    const t = this.t;
    const f = t.TypeFlags;
    if (this.isAnyLike(type)) return true;
    if (type.flags & (f.NumberLike | f.BigIntLike)) return true;
    if (type.flags & (f.BooleanLike | f.StringLike | f.Void | f.Undefined | f.Null | f.Never | f.ESSymbolLike)) return false;
    if (type.isUnionOrIntersection()) return type.types.some((m) => this.traceable(m, depth));
    if (type.flags & f.TypeParameter) {
      const c = this.checker.getBaseConstraintOfType(type);
      return !c || c === type || this.traceable(c, depth);
    }
    if (this.api.isTensor(type)) return true;
    if (this.api.isShapeLike(type)) return false;
    if (!(type.flags & f.Object)) return false;
    if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) {
      return this.checker.getTypeArguments(type as ts.TypeReference).some((a) => this.traceable(a, depth + 1));
    }
    if (depth > 3) return false;
    const props = this.checker.getPropertiesOfType(type);
    if (props.length === 0) return false;
    for (const p of props) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (decl && (t.isMethodDeclaration(decl) || t.isMethodSignature(decl))) continue;
      const pt = decl ? this.checker.getTypeOfSymbolAtLocation(p, decl) : this.checker.getTypeOfSymbol(p);
      if (pt.getCallSignatures().length > 0 && this.checker.getPropertiesOfType(pt).length === 0) continue;
      if (this.traceable(pt, depth + 1)) return true;
    }
    return false;
  }

  /**
   * Whether values of this type can be merged by the runtime after a traced condition: tensors,
   * numbers, booleans, and arrays / plain objects of them (null/undefined members allowed).
   */
  mergeable(type: ts.Type, depth = 0): boolean {
    const t = this.t;
    const f = t.TypeFlags;
    if (this.isAnyLike(type)) return true;
    if (type.isUnion()) return type.types.every((m) => this.isNullish(m) || this.mergeable(m, depth));
    if (type.flags & (f.NumberLike | f.BigIntLike | f.BooleanLike)) return true;
    if (type.flags & f.TypeParameter) {
      const c = this.checker.getBaseConstraintOfType(type);
      return !c || c === type || this.mergeable(c, depth);
    }
    if (this.api.isTensor(type)) return true;
    if (type.flags & (f.StringLike | f.ESSymbolLike)) return false;
    if (!(type.flags & f.Object)) return true;
    if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) {
      return this.checker.getTypeArguments(type as ts.TypeReference).every((a) => this.mergeable(a, depth + 1));
    }
    if (type.getCallSignatures().length > 0) return false;
    const sym = type.getSymbol();
    if (sym && (sym.flags & t.SymbolFlags.Class)) return false;
    if (depth > 3) return true;
    return this.checker.getPropertiesOfType(type).every((p) => {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      const pt = decl ? this.checker.getTypeOfSymbolAtLocation(p, decl) : this.checker.getTypeOfSymbol(p);
      return this.mergeable(pt, depth + 1);
    });
  }

  /** A short text for a type in messages. */
  text(type: ts.Type): string {
    return this.checker.typeToString(type);
  }
}
