/**
 * Padding, shifts and finite-difference stencils (ΦML's pad, shift, laplace, spatial_gradient,
 * neighbor_reduce), with ΦML's extrapolations. Everything here is a composition of the movement
 * and element-wise primitives: padding by a constant is a concat, every other extrapolation a
 * static index list (one gather, lowered to Slice + Concat), so eager and compiled runs agree.
 */
import { Tensor } from '../tensor';
import { Shape, channel, batch, type DimSelection, selectionNames } from '../shape';
import { ShapeError, TensorDataError } from '../errors';
import { checkOptions } from '../validate';
import { bind } from '../ops/registry';
import * as mv from '../ops/structure';
import { add, sub, mul, div, expand, get, stack, sum, mean, max, min, cast } from '../operations';
import { wrap } from '../create';
import { floatOf } from '../dtype';

/**
 * How values beyond the edge are filled (ΦML's extrapolations): `'zero'`, a number (constant),
 * `'periodic'` (wrap around), `'boundary'` (the edge value repeated; ΦML's `'zero-gradient'`),
 * `'symmetric'` (mirrored, edge included: …x1 x0 | x0 x1…), `'reflect'` (mirrored about the edge
 * value: …x2 x1 | x0 x1 x2…).
 */
export type Extrapolation = 'zero' | 'one' | 'periodic' | 'boundary' | 'zero-gradient' | 'symmetric' | 'reflect' | number;
/** The previous name of Extrapolation. */
export type Padding = Extrapolation;

type Mode = { constant: number } | 'periodic' | 'boundary' | 'symmetric' | 'reflect';
const NAMED: Record<string, Mode> = {
  zero: { constant: 0 }, one: { constant: 1 }, periodic: 'periodic', boundary: 'boundary', 'zero-gradient': 'boundary',
  symmetric: 'symmetric', reflect: 'reflect',
};
export const EXTRAPOLATIONS: readonly string[] = Object.keys(NAMED);

/** Checks an extrapolation; unknown ones throw a RangeError naming the value and the allowed ones. */
function modeOf(e: unknown, fn: string): Mode {
  if (typeof e === 'number') return { constant: e };
  if (typeof e === 'string' && Object.prototype.hasOwnProperty.call(NAMED, e)) return NAMED[e];
  throw new RangeError(`${fn}: unknown padding ${typeof e === 'string' ? `'${e}'` : String(e)}: use a number (constant) or one of ${EXTRAPOLATIONS.map((n) => `'${n}'`).join(', ')}`);
}

/** Index of the element of a dim of size n that position i (possibly outside) takes. */
function sourceIndex(i: number, n: number, mode: Exclude<Mode, { constant: number }>): number {
  switch (mode) {
    case 'periodic': return ((i % n) + n) % n;
    case 'boundary': return Math.min(Math.max(i, 0), n - 1);
    case 'symmetric': { const m = ((i % (2 * n)) + 2 * n) % (2 * n); return m < n ? m : 2 * n - 1 - m; }
    case 'reflect': {
      if (n === 1) return 0;
      const p = 2 * (n - 1), m = ((i % p) + p) % p;
      return m < n ? m : p - m;
    }
  }
}

/** The dim without item names (padded or shifted values no longer belong to their items, as in ΦML). */
function dropItemNames(t: Tensor, name: string): Tensor {
  if (!t.shape.dim(name).labels) return t;
  return bind(mv.reshape, [t], { shape: t.shape.withSize(name, t.shape.size(name)) });
}

/**
 * Pads dims: `pad(t, { x: [1, 2] }, 'periodic')` (`{ x: 1 }` pads both sides by 1). Default: zeros
 * (ΦML's default 0). A padded channel dim loses its item names.
 */
export function pad(x: Tensor, widths: Record<string, number | readonly [number, number]>, mode: Extrapolation = 'zero'): Tensor {
  const m = modeOf(mode, 'math.pad');
  let t = x;
  for (const [name, w] of Object.entries(widths)) {
    const [lo, hi] = typeof w === 'number' ? [w, w] : w;
    const n = t.shape.size(name);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < 0) throw new ShapeError(`math.pad: widths must be non-negative integers, got ${lo}, ${hi} for ${name}`);
    if (lo === 0 && hi === 0) continue;
    if (typeof m === 'object') {
      const c = wrap(m.constant, { dtype: t.dtype });
      const parts: Tensor[] = [];
      if (lo) parts.push(expand(c, t.shape.withSize(name, lo)));
      parts.push(t);
      if (hi) parts.push(expand(c, t.shape.withSize(name, hi)));
      t = bind(mv.concat, parts, { dim: name });
    } else {
      if (n === 0) throw new ShapeError(`math.pad: cannot pad the empty dim ${name} with '${m}'`);
      const idx: number[] = [];
      for (let i = -lo; i < n + hi; i++) idx.push(sourceIndex(i, n, m));
      t = bind(mv.gather, [dropItemNames(t, name)], { dim: name, indices: idx, drop: false });
    }
  }
  return t;
}

export interface ShiftOptions {
  /** Dims to shift along (default: the spatial dims). */
  dims?: DimSelection;
  /** Padding so that the results keep the size (default 'boundary', as ΦML); null: no padding, smaller results. */
  padding?: Extrapolation | null;
  /** Dim the per-dim components are stacked along (default `channel('shift')`); null for a single dim. */
  stackDim?: Shape | null;
  /** Extra cells of padding on both sides (or `[lower, upper]`). */
  extendBounds?: number | readonly [number, number];
}

/**
 * ΦML's `shift(x, offsets, dims, padding, stack_dim)`: one tensor per offset; in each, the components
 * shifted along each dim are stacked along `stackDim` (item names = the dims), so `result[k][i] =
 * x[i + offsets[k]]` along that dim. Positive offsets read from higher indices.
 *
 * The record form `shift(x, { x: 1, y: -1 }, padding)` shifts along every named dim at once and returns
 * one tensor (tensorjit's earlier signature; its default padding is now 'boundary' too).
 */
export function shift(x: Tensor, offsets: readonly number[], dims?: DimSelection | ShiftOptions, padding?: Extrapolation | null, stackDim?: Shape | null): Tensor[];
export function shift(x: Tensor, offsets: Record<string, number>, padding?: Extrapolation): Tensor;
export function shift(x: Tensor, offsets: readonly number[] | Record<string, number>, a?: DimSelection | ShiftOptions | Extrapolation | null, b?: Extrapolation | null, c?: Shape | null): Tensor | Tensor[] {
  if (!Array.isArray(offsets)) return shiftRecord(x, offsets as Record<string, number>, (a ?? 'boundary') as Extrapolation);
  let opts: ShiftOptions;
  if (a !== undefined && a !== null && typeof a === 'object' && !(a instanceof Shape) && !Array.isArray(a)) opts = a as ShiftOptions;
  else opts = { dims: a as DimSelection | undefined, padding: b, stackDim: c };
  return shiftList(x, offsets, opts);
}

function shiftList(x: Tensor, offsets: readonly number[], opts: ShiftOptions): Tensor[] {
  const fn = 'math.shift';
  const names = opts.dims === undefined ? x.shape.spatial.names : selectionNames(opts.dims);
  for (const n of names) x.shape.dim(n);
  if (names.length === 0) throw new ShapeError(`${fn}: ${x.shape} has no spatial dims; pass dims`);
  if (offsets.length === 0) throw new ShapeError(`${fn}: give at least one offset`);
  for (const o of offsets) if (!Number.isInteger(o)) throw new ShapeError(`${fn}: offsets are integers, got ${o}`);
  const padding = opts.padding === undefined ? 'boundary' : opts.padding;
  const stackDim = opts.stackDim === undefined ? channel('shift') : opts.stackDim;
  if (stackDim === null && names.length !== 1) throw new ShapeError(`${fn}: stackDim null needs a single dim, got ${names.join(',')}`);
  const ext = opts.extendBounds ?? 0;
  const [eLo, eHi] = typeof ext === 'number' ? [ext, ext] : ext;
  if ((eLo || eHi) && padding === null) throw new ShapeError(`${fn}: extendBounds needs a padding`);
  const lo = Math.max(0, -Math.min(...offsets)), hi = Math.max(0, Math.max(...offsets));
  let t = x;
  if (padding !== null) {
    modeOf(padding, fn);
    const widths: Record<string, [number, number]> = {};
    for (const n of names) widths[n] = [lo + eLo, hi + eHi];
    t = pad(x, widths, padding);
  }
  return offsets.map((o) => {
    const comps: Record<string, Tensor> = {};
    for (const d of names) {
      const sel: Record<string, [number, number]> = {};
      for (const n of names) {
        const size = t.shape.size(n);
        if (n === d) sel[n] = [lo + o, size - hi + o];
        else sel[n] = padding !== null ? [lo, size - hi] : [0, size];
      }
      comps[d] = get(t, sel);
    }
    if (stackDim === null) return comps[names[0]];
    return stack(comps, stackDim, { expandValues: true });
  });
}

/** Shifts along every named dim at once (`result[i] = x[i + offset]`), keeping the size. */
function shiftRecord(x: Tensor, offsets: Record<string, number>, padding: Extrapolation): Tensor {
  const m = modeOf(padding, 'math.shift');
  let t = x;
  for (const [name, offset] of Object.entries(offsets)) {
    if (!Number.isInteger(offset)) throw new ShapeError(`math.shift: offsets are integers, got ${offset} for ${name}`);
    const n = t.shape.size(name);
    // periodic shifts wrap around: only the offset modulo the size matters (the pad below is capped at n)
    const o = m === 'periodic' && n > 0 ? offset % n : offset;
    if (o === 0) continue;
    const capped = Math.min(Math.abs(o), n);
    const widths: [number, number] = o > 0 ? [0, capped] : [capped, 0];
    const padded = m === 'symmetric' || m === 'reflect' ? pad(t, { [name]: o > 0 ? [0, Math.abs(o)] : [Math.abs(o), 0] }, padding) : pad(t, { [name]: widths }, padding);
    const start = o > 0 ? (m === 'symmetric' || m === 'reflect' ? o : capped) : 0;
    t = get(padded, { [name]: [start, start + n] });
  }
  return t;
}

export interface StencilOptions {
  /** Dims to differentiate (default: all spatial dims). */
  dims?: DimSelection;
  /** Extrapolation at the edges (default 'boundary', as ΦML); null: no padding, the result is smaller. */
  padding?: Extrapolation | null;
  /** Grid spacing (a number or a tensor that broadcasts). */
  dx?: number | Tensor;
}

function stencilDims(x: Tensor, dims: DimSelection | undefined, fn: string): string[] {
  const names = dims === undefined ? x.shape.spatial.names : selectionNames(dims);
  if (names.length === 0) throw new ShapeError(`${fn}: ${x.shape} has no spatial dims; pass { dims }`);
  for (const n of names) x.shape.dim(n);
  return names;
}

const asFloat = (x: Tensor) => (floatOf(x.dtype) === x.dtype ? x : cast(x, floatOf(x.dtype)));

export interface LaplaceOptions extends StencilOptions {
  /** Factor per dim: a tensor with a channel dim whose item names are the dims. */
  weights?: Tensor;
}

/**
 * Discrete Laplacian `Σ (x[i+1] − 2 x[i] + x[i−1]) / dx²` over the dims (default: spatial; padding
 * 'boundary', as ΦML). Always float: int input gives float32.
 */
export function laplace(x: Tensor, options: LaplaceOptions = {}): Tensor {
  checkOptions('math.laplace', options, ['dims', 'padding', 'dx', 'weights'], (m) => new TensorDataError(m));
  const { dx = 1 } = options;
  const padding = options.padding === undefined ? 'boundary' : options.padding;
  const names = stencilDims(x, options.dims, 'math.laplace');
  // the stencil's values no longer belong to the items of a labelled dim (ΦML drops the names too)
  const xf = names.reduce((t, n) => dropItemNames(t, n), asFloat(x));
  const wc = options.weights?.shape.channel.dims[0];
  if (options.weights && (!wc || !wc.labels)) throw new ShapeError(`math.laplace: weights need a channel dim whose item names are the dims ${names.join(',')}, got ${options.weights.shape}`);
  let total: Tensor;
  if (padding === null) {
    // without padding every dim is cropped: ΦML's stacked form keeps the pieces aligned
    const [left, center, right] = shift(xf, [-1, 0, 1], { dims: names, padding, stackDim: batch('_laplace') });
    let terms = sub(add(left, right), mul(center, 2));
    if (options.weights) terms = mul(terms, stack(names.map((n) => get(options.weights!, { [wc!.name]: n })), batch('_laplace'), { expandValues: true }));
    total = sum(terms, '_laplace');
  } else {
    // one term per dim, x[i+1] + x[i-1] - 2 x[i] (fewer copies than stacking the shifted grids)
    let acc: Tensor | undefined;
    for (const n of names) {
      const [left, right] = shift(xf, [-1, 1], { dims: n, padding, stackDim: null });
      let term = sub(add(left, right), mul(xf, 2));
      if (options.weights) term = mul(term, get(options.weights, { [wc!.name]: n }));
      acc = acc ? add(acc, term) : term;
    }
    total = acc!;
  }
  return typeof dx === 'number' && dx === 1 ? total : div(total, mul(dx, dx));
}

export type Difference = 'central' | 'forward' | 'backward';
const DIFFERENCES: readonly Difference[] = ['central', 'forward', 'backward'];

export interface SpatialGradientOptions extends StencilOptions {
  difference?: Difference;
  /** Dim the components are stacked along (default `channel('gradient')`, item names = the dims); null for one dim. */
  stackDim?: Shape | null;
  /** Cells by which to extend the result beyond the grid (ΦML's `pad`). */
  pad?: number;
}

/** Finite-difference gradient, components stacked along `gradientᶜ=x,y,…` (default: central, 'boundary'). */
export function spatialGradient(x: Tensor, options: SpatialGradientOptions = {}): Tensor {
  checkOptions('math.spatialGradient', options, ['dims', 'padding', 'dx', 'difference', 'stackDim', 'pad'], (m) => new TensorDataError(m));
  const { dx = 1 } = options;
  const difference = (options.difference ?? 'central');
  const diff = typeof difference === 'string' ? difference.toLowerCase() : difference;
  if (!(DIFFERENCES as readonly unknown[]).includes(diff)) {
    throw new RangeError(`math.spatialGradient: unknown difference ${typeof difference === 'string' ? `'${difference}'` : String(difference)}: use one of ${DIFFERENCES.map((d) => `'${d}'`).join(', ')}`);
  }
  const padding = options.padding === undefined ? 'boundary' : options.padding;
  const names = stencilDims(x, options.dims, 'math.spatialGradient');
  const stackDim = options.stackDim === undefined ? channel('gradient') : options.stackDim;
  const offsets = diff === 'central' ? [-1, 1] : diff === 'forward' ? [0, 1] : [-1, 0];
  const step = diff === 'central' ? mul(dx, 2) : dx;
  if (padding === null || options.pad) {
    const [left, right] = shift(x, offsets, { dims: names, padding, stackDim, extendBounds: options.pad ?? 0 });
    return div(sub(right, left), step);
  }
  // one difference per dim, stacked once
  const comps: Record<string, Tensor> = {};
  for (const n of names) {
    const [left, right] = shift(x, offsets, { dims: n, padding, stackDim: null });
    comps[n] = div(sub(right, left), step);
  }
  if (stackDim === null) {
    if (names.length !== 1) throw new ShapeError(`math.spatialGradient: stackDim null needs a single dim, got ${names.join(',')}`);
    return comps[names[0]];
  }
  return stack(comps, stackDim, { expandValues: true });
}

type Reducer = (t: Tensor, dims: string) => Tensor;

/**
 * Reduces each pair of neighbours along each dim (ΦML's neighbor_reduce): without padding the
 * result has one entry less per dim; with padding (at the upper edge) it keeps the size.
 */
export function neighborReduce(reduce: Reducer, grid: Tensor, dims?: DimSelection, padding: Extrapolation | null = null, extendBounds = 0): Tensor {
  let result = grid;
  const names = dims === undefined ? grid.shape.spatial.names : selectionNames(dims);
  for (const d of names) {
    const [l, r] = shift(result, [0, 1], { dims: d, padding, stackDim: null, extendBounds });
    result = reduce(stack([l, r], batch('_reduce'), { expandValues: true }), '_reduce');
  }
  return result;
}

/** Mean of neighbouring values along each dim (2 values in 1D, 4 in 2D, …). */
export function neighborMean(grid: Tensor, dims?: DimSelection, padding: Extrapolation | null = null, extendBounds = 0): Tensor {
  return neighborReduce(mean, grid, dims, padding, extendBounds);
}
/** Sum of neighbouring values along each dim. */
export function neighborSum(grid: Tensor, dims?: DimSelection, padding: Extrapolation | null = null, extendBounds = 0): Tensor {
  return neighborReduce(sum, grid, dims, padding, extendBounds);
}
/** Maximum of neighbouring values along each dim. */
export function neighborMax(grid: Tensor, dims?: DimSelection, padding: Extrapolation | null = null, extendBounds = 0): Tensor {
  return neighborReduce(max, grid, dims, padding, extendBounds);
}
/** Minimum of neighbouring values along each dim. */
export function neighborMin(grid: Tensor, dims?: DimSelection, padding: Extrapolation | null = null, extendBounds = 0): Tensor {
  return neighborReduce(min, grid, dims, padding, extendBounds);
}


