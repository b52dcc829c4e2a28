/**
 * Named, typed dimensions (ΦML's Shape). A Shape is an immutable list of dims; every dim has a
 * name, a kind (batch, dual, instance, spatial, channel), a size (unknown in names-only shapes)
 * and, for channel-like dims, optional item names ("labels").
 *
 * Constructors (`batch({ b: 2 })`, `spatial('x,y')`, …) build shapes from names or records; the same
 * functions given one tensor or shape filter it (`spatial(t)`, as ΦML) — an argument with a shape
 * never builds one, so the two uses cannot be confused. Filters are also members (`shape.spatial`,
 * `shape.nonBatch`).
 */
import { ShapeError } from './errors';
import { describeValue } from './validate';

export type DimKind = 'batch' | 'dual' | 'instance' | 'spatial' | 'channel';

/** Canonical order of dim kinds (ΦML's `merge_shapes` groups dims in this order). */
export const DIM_KINDS: readonly DimKind[] = ['batch', 'dual', 'instance', 'spatial', 'channel'];
const KIND_RANK: Record<DimKind, number> = { batch: 0, dual: 1, instance: 2, spatial: 3, channel: 4 };
export const SUPERSCRIPT: Record<DimKind, string> = { batch: 'ᵇ', dual: 'ᵈ', instance: 'ⁱ', spatial: 'ˢ', channel: 'ᶜ' };

export interface Dim {
  readonly name: string;
  readonly kind: DimKind;
  /** Undefined in names-only shapes such as `spatial('x,y')`. */
  readonly size: number | undefined;
  /** Item names, one per element along this dim. */
  readonly labels?: readonly string[];
}

export class Shape {
  /** The empty shape `()`. */
  static readonly EMPTY = new Shape([]);

  readonly dims: readonly Dim[];
  private _key: string | undefined;
  private _index: Map<string, number> | undefined;

  constructor(dims: readonly Dim[]) {
    const seen = new Set<string>();
    for (const d of dims) {
      if (seen.has(d.name)) throw new ShapeError(`Duplicate dimension '${d.name}' in shape (${dims.map(fmtDim).join(', ')})`);
      seen.add(d.name);
      if (d.size !== undefined && (!Number.isInteger(d.size) || d.size < 0)) {
        throw new ShapeError(`Dimension '${d.name}' has invalid size ${d.size}: sizes are non-negative integers`);
      }
      if (d.labels && d.size !== undefined && d.labels.length !== d.size) {
        throw new ShapeError(`Dimension '${d.name}' has ${d.labels.length} item names for size ${d.size}`);
      }
    }
    this.dims = Object.freeze(dims.slice());
  }

  get names(): string[] { return this.dims.map((d) => d.name); }
  get sizes(): (number | undefined)[] { return this.dims.map((d) => d.size); }
  get kinds(): DimKind[] { return this.dims.map((d) => d.kind); }
  get rank(): number { return this.dims.length; }
  get isEmpty(): boolean { return this.dims.length === 0; }
  /** Number of elements; NaN if any size is unknown. */
  get volume(): number {
    let v = 1;
    for (const d of this.dims) v *= d.size === undefined ? NaN : d.size;
    return v;
  }
  /** True when every dim has a size. */
  get isDefined(): boolean { return this.dims.every((d) => d.size !== undefined); }

  /** Position of a dim by name, or -1. */
  indexOf(name: string): number {
    if (!this._index) this._index = new Map(this.dims.map((d, i) => [d.name, i]));
    return this._index.get(name) ?? -1;
  }
  has(name: string): boolean { return this.indexOf(name) >= 0; }
  /** The dim called `name`; throws a ShapeError naming the available dims when absent. */
  dim(name: string): Dim {
    const i = this.indexOf(name);
    if (i < 0) throw new ShapeError(`Unknown dimension '${name}': shape ${this} has ${this.rank ? this.names.map((n) => `'${n}'`).join(', ') : 'no dims'}`);
    return this.dims[i];
  }
  /** Size of the dim called `name` (throws when unknown). */
  size(name: string): number {
    const d = this.dim(name);
    if (d.size === undefined) throw new ShapeError(`Dimension '${name}' has no size in ${this}`);
    return d.size;
  }
  labels(name: string): readonly string[] | undefined { return this.dim(name).labels; }

  // --- filters (PhiML's grammar: complementary pairs) ---
  get batch(): Shape { return this.ofKind('batch'); }
  get dual(): Shape { return this.ofKind('dual'); }
  get instance(): Shape { return this.ofKind('instance'); }
  get spatial(): Shape { return this.ofKind('spatial'); }
  get channel(): Shape { return this.ofKind('channel'); }
  get nonBatch(): Shape { return this.filter((d) => d.kind !== 'batch'); }
  get nonDual(): Shape { return this.filter((d) => d.kind !== 'dual'); }
  get nonInstance(): Shape { return this.filter((d) => d.kind !== 'instance'); }
  get nonSpatial(): Shape { return this.filter((d) => d.kind !== 'spatial'); }
  get nonChannel(): Shape { return this.filter((d) => d.kind !== 'channel'); }
  ofKind(kind: DimKind): Shape { return this.filter((d) => d.kind === kind); }
  filter(pred: (d: Dim) => boolean): Shape {
    const dims = this.dims.filter(pred);
    return dims.length === this.dims.length ? this : new Shape(dims);
  }

  // --- derivation ---
  /** Concatenation (ΦML `&`): dims of `other` that are new are appended; shared dims must agree. */
  and(...others: Shape[]): Shape {
    let dims = this.dims.slice();
    for (const o of others) {
      for (const d of o.dims) {
        const i = dims.findIndex((e) => e.name === d.name);
        if (i < 0) dims.push(d);
        else dims[i] = mergeDim(dims[i], d, this, o);
      }
    }
    return new Shape(dims);
  }
  /** This shape without the named dims (names that are absent are ignored). */
  without(names: DimSelection): Shape {
    const drop = new Set(selectionNames(names));
    return this.filter((d) => !drop.has(d.name));
  }
  /** Only the named dims, in the order given. Throws for names that are absent. */
  only(names: DimSelection): Shape {
    return new Shape(selectionNames(names).map((n) => this.dim(n)));
  }
  withSize(name: string, size: number, labels?: readonly string[]): Shape {
    const i = this.indexOf(name);
    if (i < 0) throw new ShapeError(`Unknown dimension '${name}' in ${this}`);
    const dims = this.dims.slice();
    dims[i] = labels ? { name, kind: dims[i].kind, size, labels } : { name, kind: dims[i].kind, size };
    return new Shape(dims);
  }
  /** Renames and/or retypes dims. `to` gives, per old name, a new name or a one-dim Shape. */
  rename(mapping: Record<string, string | Shape>): Shape {
    const dims = this.dims.map((d) => {
      const to = mapping[d.name];
      if (to === undefined) return d;
      if (typeof to === 'string') return { ...d, name: to };
      if (to.rank !== 1) throw new ShapeError(`renameDims: target for '${d.name}' must be a single dim, got ${to}`);
      const t = to.dims[0];
      if (t.size !== undefined && d.size !== undefined && t.size !== d.size) {
        throw new ShapeError(`renameDims: '${d.name}' has size ${d.size} but target ${to} has size ${t.size}`);
      }
      // ΦML: a target Shape brings its own item names (or none: retyping drops them); a new name keeps them
      const labels = t.labels;
      return labels ? { name: t.name, kind: t.kind, size: d.size, labels } : { name: t.name, kind: t.kind, size: d.size };
    });
    for (const name of Object.keys(mapping)) if (!this.has(name)) throw new ShapeError(`renameDims: unknown dimension '${name}' in ${this}`);
    return new Shape(dims);
  }
  /** Dims sorted by kind (batch, dual, instance, spatial, channel), stable within a kind. */
  canonical(): Shape {
    let sorted = true;
    for (let i = 1; i < this.dims.length; i++) if (KIND_RANK[this.dims[i - 1].kind] > KIND_RANK[this.dims[i].kind]) sorted = false;
    if (sorted) return this;
    return new Shape(this.dims.slice().sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]));
  }

  // --- comparison ---
  /** Exact equality: same dims in the same order (names, kinds, sizes, item names). */
  equals(other: Shape): boolean { return this === other || this.key === other.key; }
  /** Equal up to dim order. */
  sameDims(other: Shape): boolean {
    if (this.rank !== other.rank) return false;
    return this.dims.every((d) => {
      const i = other.indexOf(d.name);
      return i >= 0 && dimKey(other.dims[i]) === dimKey(d);
    });
  }
  /** A string that identifies this shape exactly (used in cache keys). */
  get key(): string {
    if (this._key === undefined) this._key = this.dims.map(dimKey).join(';');
    return this._key;
  }

  toString(): string { return `(${this.dims.map(fmtDim).join(', ')})`; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}

/** Names given as `'x,y'`, `['x', 'y']` or a Shape. */
export type DimSelection = string | readonly string[] | Shape;

export function selectionNames(sel: DimSelection, fn?: string): string[] {
  if (sel instanceof Shape) return sel.names;
  if (typeof sel === 'string') return splitNames(sel);
  if (!Array.isArray(sel) || !sel.every((n) => typeof n === 'string')) {
    throw new ShapeError(`${fn ? fn + ': e' : 'E'}xpected dim names ('x', 'x,y' or ['x', 'y']) or a Shape, got ${describeValue(sel)}`);
  }
  return sel.slice();
}

export function splitNames(s: string): string[] {
  return s.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
}

function dimKey(d: Dim): string {
  return `${d.name}:${d.kind[0]}${d.size ?? '?'}${d.labels ? '=' + d.labels.join(',') : ''}`;
}

export function fmtDim(d: Dim): string {
  let s = d.name + SUPERSCRIPT[d.kind];
  if (d.labels) {
    const joined = d.labels.join(',');
    s += '=' + (joined.length <= 12 ? joined : `${d.labels.length}:${d.labels[0].slice(0, 5)}...`);
  } else if (d.size !== undefined) {
    s += '=' + d.size;
  }
  return s;
}

function mergeDim(a: Dim, b: Dim, sa: Shape, sb: Shape): Dim {
  if (a.kind !== b.kind) {
    throw new ShapeError(`Dimension '${a.name}' is ${a.kind} in ${sa} but ${b.kind} in ${sb}`, [sa, sb]);
  }
  if (a.size !== undefined && b.size !== undefined && a.size !== b.size) {
    throw new ShapeError(`Incompatible shapes ${sa} and ${sb}: ${a.name}: ${a.size} vs ${b.size}`, [sa, sb]);
  }
  if (a.labels && b.labels && a.labels.join(',') !== b.labels.join(',')) {
    throw new ShapeError(`Incompatible item names along '${a.name}': ${a.labels.join(',')} vs ${b.labels.join(',')}`, [sa, sb]);
  }
  const size = a.size ?? b.size;
  const labels = a.labels ?? b.labels;
  if (size === a.size && labels === a.labels) return a;
  return labels ? { name: a.name, kind: a.kind, size, labels } : { name: a.name, kind: a.kind, size };
}

/** A shape whose dims all have one kind (ΦML's `Dim`/`PureShape`; a mixed one is a `MixedShape`). */
function isPure(s: Shape): boolean {
  return s.dims.every((d) => d.kind === s.dims[0].kind);
}

/** Union by name in order of first appearance; shared dims must agree (kind, size, item names). */
function unionInOrder(shapes: readonly Shape[]): Shape {
  const dims: Dim[] = [];
  const where: Shape[] = [];
  for (const s of shapes) {
    for (const d of s.dims) {
      const i = dims.findIndex((e) => e.name === d.name);
      if (i < 0) { dims.push(d); where.push(s); }
      else dims[i] = mergeDim(dims[i], d, where[i], s);
    }
  }
  return new Shape(dims);
}

/**
 * ΦML's `a & b`, the shape of `a ⊕ b`. Its order rule, measured on ΦML 1.15.1: the dims in order of
 * first appearance, except that a shape with dims of several kinds keeps its order and takes the
 * new dims of a one-kind shape after its own (`c(vector) + xb(x, b)` is `(xˢ, bᵇ, vectorᶜ)`), and two
 * shapes with several kinds each merge grouped by kind (`merge_shapes`).
 */
export function andShapes(a: Shape, b: Shape): Shape {
  if (b.rank === 0) return a;
  if (a.rank === 0) return b;
  if (a.rank === b.rank && a.dims.every((d, i) => d.name === b.dims[i].name)) return unionInOrder([a, b]); // same dims, same order
  const pa = isPure(a), pb = isPure(b);
  if (pa && !pb) return unionInOrder([b, a]);
  if (!pa && !pb) return unionInOrder([a, b]).canonical();
  return unionInOrder([a, b]);
}

/**
 * The broadcast result of element-wise operands: ΦML's `&` applied left to right (see `andShapes`):
 * `x(spatial) + b(batch)` is `(xˢ, bᵇ)`, `b + x` is `(bᵇ, xˢ)`.
 */
export function broadcastShapes(shapes: readonly Shape[]): Shape {
  let acc = shapes[0] ?? Shape.EMPTY;
  for (let i = 1; i < shapes.length; i++) acc = andShapes(acc, shapes[i]);
  return acc;
}

/**
 * ΦML's `merge_shapes`: the union of the dims grouped by kind (batch, dual, instance, spatial,
 * channel), in order of first appearance within a kind. ΦML uses it for `where`, `stack` and `dot`
 * with shared dims.
 */
export function mergeShapes(shapes: readonly Shape[]): Shape {
  return unionInOrder(shapes).canonical();
}

// --- constructors ---

/** Sizes or item names per dim: `{ x: 64 }`, `{ vector: 'x,y' }`, `{ vector: ['x', 'y'] }`. */
export type DimSpec = Record<string, number | string | readonly string[] | undefined>;

function construct(kind: DimKind, specs: (DimSpec | string)[]): Shape {
  const dims: Dim[] = [];
  const push = (rawName: string, value: number | string | readonly string[] | undefined) => {
    const name = kind === 'dual' && !rawName.startsWith('~') ? '~' + rawName : rawName;
    if (!/^~?[A-Za-z_$][\w$]*$/.test(name)) throw new ShapeError(`Invalid dimension name '${rawName}': use an identifier such as 'x' or 'vector'`);
    if (value === undefined) dims.push({ name, kind, size: undefined });
    else if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0) throw new ShapeError(`${kind}({ ${rawName}: ${value} }): a size must be a non-negative integer, e.g. ${kind}({ ${rawName}: 3 })`);
      dims.push({ name, kind, size: value });
    } else {
      if (typeof value !== 'string' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
        throw new ShapeError(`${kind}({ ${rawName}: … }): expected a size (a number such as 3) or item names ('a,b' or ['a', 'b']), got ${describeValue(value)}`);
      }
      // '3' is a size typed as text far more often than a one-item name
      if (typeof value === 'string' && /^\s*[-+]?\d+(\.\d*)?\s*$/.test(value)) {
        throw new ShapeError(`${kind}({ ${rawName}: ${JSON.stringify(value)} }): a size must be a number, not a string; write ${kind}({ ${rawName}: ${Number(value)} }) (item names are identifiers, e.g. 'x,y')`);
      }
      const labels = typeof value === 'string' ? splitNames(value) : value.slice();
      if (labels.length === 0) throw new ShapeError(`Dimension '${rawName}': empty item names`);
      if (new Set(labels).size !== labels.length) throw new ShapeError(`Dimension '${rawName}': duplicate item names in ${labels.join(',')}`);
      dims.push({ name, kind, size: labels.length, labels: Object.freeze(labels) });
    }
  };
  for (const spec of specs) {
    if (typeof spec === 'string') for (const n of splitNames(spec)) push(n, undefined);
    else if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new ShapeError(`${kind}(...) takes dim names ('x,y') or records of sizes or item names ({ x: 64 }, { vector: 'x,y' }), got ${describeValue(spec)}`);
    } else if (shapeOf(spec)) throw new ShapeError(`${kind}(...) filters one tensor or shape, e.g. ${kind}(t); to build a shape pass names or { name: size } records`);
    else for (const [n, v] of Object.entries(spec)) push(n, v);
  }
  return new Shape(dims);
}

/** Something with a shape: a Shape, or a tensor (`{ shape }`); undefined for constructor arguments. */
export type Shaped = Shape | { readonly shape: Shape };

function shapeOf(x: unknown): Shape | undefined {
  if (x instanceof Shape) return x;
  const s = x !== null && typeof x === 'object' ? (x as { shape?: unknown }).shape : undefined;
  return s instanceof Shape ? s : undefined;
}

/**
 * `batch(t)` and friends with one tensor or shape filter it (ΦML's `batch(x)`); with names or
 * `{ name: size }` records they construct a shape. The two uses never overlap: a filter takes
 * exactly one argument that has a shape, a constructor never does.
 */
function constructOrFilter(kind: DimKind, specs: (DimSpec | string | Shaped)[]): Shape {
  const of = specs.length === 1 ? shapeOf(specs[0]) : undefined;
  return of ? of.ofKind(kind) : construct(kind, specs as (DimSpec | string)[]);
}

/** Batch dims: `batch({ b: 10 })`, names only: `batch('b')`. */
export function batch(...specs: (DimSpec | string)[]): Shape;
/** The batch dims of a tensor or shape (a filter, ΦML's `batch(x)`): `batch(t)`. */
export function batch(of: Shaped): Shape;
export function batch(...specs: (DimSpec | string | Shaped)[]): Shape { return constructOrFilter('batch', specs); }
/** Dual dims; names get a `~` prefix: `dual({ x: 3 })` is `(~xᵈ=3)`. */
export function dual(...specs: (DimSpec | string)[]): Shape;
/** The dual dims of a tensor or shape (a filter, ΦML's `dual(x)`): `dual(t)`. */
export function dual(of: Shaped): Shape;
export function dual(...specs: (DimSpec | string | Shaped)[]): Shape { return constructOrFilter('dual', specs); }
/** Instance dims: `instance({ points: 5 })`. */
export function instance(...specs: (DimSpec | string)[]): Shape;
/** The instance dims of a tensor or shape (a filter, ΦML's `instance(x)`): `instance(t)`. */
export function instance(of: Shaped): Shape;
export function instance(...specs: (DimSpec | string | Shaped)[]): Shape { return constructOrFilter('instance', specs); }
/** Spatial dims: `spatial({ x: 64, y: 32 })`, names only: `spatial('x,y')`. */
export function spatial(...specs: (DimSpec | string)[]): Shape;
/** The spatial dims of a tensor or shape (a filter, ΦML's `spatial(x)`): `spatial(t)`. */
export function spatial(of: Shaped): Shape;
export function spatial(...specs: (DimSpec | string | Shaped)[]): Shape { return constructOrFilter('spatial', specs); }
/** Channel dims, with item names `channel({ vector: 'x,y' })` or a size `channel({ vector: 3 })`. */
export function channel(...specs: (DimSpec | string)[]): Shape;
/** The channel dims of a tensor or shape (a filter, ΦML's `channel(x)`): `channel(t)`. */
export function channel(of: Shaped): Shape;
export function channel(...specs: (DimSpec | string | Shaped)[]): Shape { return constructOrFilter('channel', specs); }

/** Concatenates any number of shapes (`a.and(b, c)`), or returns the empty shape. */
export function concatShapes(...shapes: Shape[]): Shape {
  return shapes.length === 0 ? Shape.EMPTY : shapes[0].and(...shapes.slice(1));
}

export function isShape(x: unknown): x is Shape { return x instanceof Shape; }
