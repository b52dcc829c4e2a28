/**
 * Grid resampling and convolution (ΦML's downsample2x, upsample2x, sample_subgrid, grid_sample,
 * convolve): compositions of pad / shift, slicing, gather and element-wise arithmetic. Values sit at
 * cell centres, integer coordinates index cells.
 */
import { Tensor } from '../tensor';
import { Shape, channel, type DimSelection, selectionNames } from '../shape';
import { ShapeError } from '../errors';
import { add, sub, mul, div, floor, get, stack, packDims, transpose, where, logicalAnd, greaterEqual, less, mod, clip, cast, renameDims, sum } from '../operations';

import { pad, shift, type Extrapolation } from './stencil';
import { gather } from './indexing';

function gridDims(grid: Tensor, dims: DimSelection | undefined): string[] {
  const names = dims === undefined ? grid.shape.spatial.names : selectionNames(dims);
  for (const n of names) grid.shape.dim(n);
  return names;
}

/** Half the resolution along each dim: the mean of each pair (odd sizes padded by one cell first). */
export function downsample2x(grid: Tensor, padding: Extrapolation = 'boundary', dims?: DimSelection): Tensor {
  const names = gridDims(grid, dims);
  const widths: Record<string, [number, number]> = {};
  for (const n of names) if (grid.shape.size(n) % 2 !== 0) widths[n] = [0, 1];
  let g = Object.keys(widths).length ? pad(grid, widths, padding) : grid;
  for (const n of names) {
    const size = g.shape.size(n);
    g = div(add(get(g, { [n]: [1, size, 2] }), get(g, { [n]: [0, size, 2] })), 2);
  }
  return g;
}

/** Double the resolution along each dim by linear interpolation (weights ¼, ¾ of the neighbours). */
export function upsample2x(grid: Tensor, padding: Extrapolation = 'boundary', dims?: DimSelection): Tensor {
  let g = grid;
  const order = grid.shape.names;
  for (const n of gridDims(grid, dims)) {
    const [left, center, right] = shift(g, [-1, 0, 1], { dims: n, padding, stackDim: null });
    const il = add(mul(left, 0.25), mul(center, 0.75));
    const ir = add(mul(center, 0.75), mul(right, 0.25));
    const d = g.shape.dim(n);
    const stacked = stack([il, ir], channel('_interleave'), { expandValues: true });
    g = transpose(packDims(stacked, [n, '_interleave'], new Shape([{ name: n, kind: d.kind, size: undefined }])), order);
  }
  return g;
}

/**
 * A sub-grid of `size` starting at `start` (cells, one entry per spatial dim along `vector`), values
 * linearly interpolated. `start` must be concrete (also inside jit functions, as in ΦML).
 */
export function sampleSubgrid(grid: Tensor, start: Tensor, size: Shape): Tensor {
  const names = grid.shape.spatial.names;
  if (start._data === undefined) throw new ShapeError(`math.sampleSubgrid: start must be concrete (math.wrap or an auxiliary argument), got a traced ${start.shape}`);
  if (!start.shape.has('vector') || start.rank !== 1) throw new ShapeError(`math.sampleSubgrid: start needs exactly one dim 'vector', got ${start.shape}`);
  const labels = start.shape.dim('vector').labels;
  const startOf = (n: string, i: number) => Number(get(start, { vector: labels ? n : i }).item());
  let g = grid;
  const fracs: number[] = [];
  names.forEach((n, i) => {
    const s = startOf(n, i);
    const frac = s - Math.floor(s);
    fracs.push(frac);
    const st = Math.floor(s);
    g = get(g, { [n]: [st, st + size.size(n) + (frac === 0 ? 0 : 1)] });
  });
  names.forEach((n, i) => {
    const w = fracs[i];
    if (w === 0) return;
    const [lower, upper] = shift(g, [0, 1], { dims: n, padding: null, stackDim: null });
    g = add(mul(upper, w), mul(lower, 1 - w));
  });
  return g;
}

/** Index into a dim of size n for positions i (int tensor), per extrapolation; constant ones also give a validity mask. */
function wrapIndex(i: Tensor, n: number, extrap: Extrapolation): { index: Tensor; valid?: Tensor; constant?: number } {
  const e = extrap === 'zero-gradient' ? 'boundary' : extrap;
  if (typeof e === 'number' || e === 'zero' || e === 'one') {
    const constant = typeof e === 'number' ? e : e === 'zero' ? 0 : 1;
    return { index: clip(i, 0, n - 1), valid: logicalAnd(greaterEqual(i, 0), less(i, n)), constant };
  }
  if (e === 'periodic') return { index: mod(i, n) };
  if (e === 'boundary') return { index: clip(i, 0, n - 1) };
  if (e === 'symmetric') { const m = mod(i, 2 * n); return { index: where(less(m, n), m, sub(2 * n - 1, m)) }; }
  if (e === 'reflect') {
    if (n === 1) return { index: mul(i, 0) };
    const p = 2 * (n - 1), m = mod(i, p);
    return { index: where(less(m, n), m, sub(p, m)) };
  }
  throw new RangeError(`math.gridSample: unknown extrapolation '${String(extrap)}': use a number (constant) or one of 'zero', 'one', 'periodic', 'boundary', 'zero-gradient', 'symmetric', 'reflect'`);
}

/**
 * Multilinear interpolation of `grid` at `coordinates` (in cells, components along `vector`, one per
 * spatial dim of grid, by item name or in order); beyond the edges values follow `extrap`.
 */
export function gridSample(grid: Tensor, coordinates: Tensor, extrap: Extrapolation = 'boundary'): Tensor {
  const names = grid.shape.spatial.names;
  if (!coordinates.shape.has('vector')) throw new ShapeError(`math.gridSample: coordinates need a channel dim 'vector' listing ${names.join(',')}, got ${coordinates.shape}`);
  const labels = coordinates.shape.dim('vector').labels;
  if (coordinates.shape.size('vector') !== names.length) throw new ShapeError(`math.gridSample: coordinates ${coordinates.shape} must have ${names.length} components for the spatial dims of ${grid.shape}`);
  const coords = names.map((n, i) => get(coordinates, { vector: labels ? n : i }));
  const lowers = coords.map((c) => floor(c));
  const weights = coords.map((c, i) => sub(c, lowers[i]));
  const lowInts = lowers.map((l) => cast(l, 'int32'));
  let result: Tensor | undefined;
  for (let corner = 0; corner < 1 << names.length; corner++) {
    let w: Tensor | undefined;
    const idx: Record<string, Tensor> = {};
    let valid: Tensor | undefined;
    let constant = 0;
    names.forEach((n, k) => {
      const up = (corner >> k) & 1;
      const wi = up ? weights[k] : sub(1, weights[k]);
      w = w ? mul(w, wi) : wi;
      const r = wrapIndex(up ? add(lowInts[k], 1) : lowInts[k], grid.shape.size(n), extrap);
      idx[n] = r.index;
      if (r.valid) { valid = valid ? logicalAnd(valid, r.valid) : r.valid; constant = r.constant!; }
    });
    let v = gather(grid, stack(idx, channel({ _gs: names }), { expandValues: true }));
    if (valid) v = where(valid, v, constant);
    const term = mul(v, w!);
    result = result ? add(result, term) : term;
  }
  return result!;
}

export type ConvolveSize = 'same' | 'valid' | 'full';

/**
 * Correlates `value` with `kernel` along the kernel's spatial dims (ΦML's convolve: the kernel is not
 * flipped). Dual dims of the kernel (`~c`) contract with the value's dims `c`; other kernel dims
 * are kept. `size`: 'same' (default), 'valid' or 'full'. `extrapolation` pads for 'same' / 'full'
 * (default 0). For even kernel sizes with zero padding the window is centred like SciPy's 'same'
 * (one more cell before), for other extrapolations one more cell after, as ΦML does.
 *
 * `strides` (a number, or one per dim: missing dims 1) keeps every s-th window: ΦML's output sizes
 * (`same` ⌈n / s⌉, `valid` ⌈(n − k + 1) / s⌉, `full` ⌊(n + k − 1) / s⌋) and ΦML's padding for
 * strided windows, p = max(0, s·(out − 1) + k − n) cells split ⌊p/2⌋ before and ⌈p/2⌉ after (for
 * 'valid' none), for every extrapolation.
 */
export function convolve(value: Tensor, kernel: Tensor, size: ConvolveSize = 'same', extrapolation: Extrapolation = 0, dims?: DimSelection, strides: number | Record<string, number> = 1): Tensor {
  const fn = 'math.convolve';
  if (!['same', 'valid', 'full'].includes(size)) throw new RangeError(`${fn}: unknown size '${size}': use 'same', 'valid' or 'full'`);
  const names = dims === undefined ? kernel.shape.spatial.names : selectionNames(dims);
  for (const n of names) if (!value.shape.has(n)) throw new ShapeError(`${fn}: value ${value.shape} lacks the kernel dim '${n}'`);
  const strideOf = (n: string): number => {
    const st = typeof strides === 'number' ? strides : strides[n] ?? 1;
    if (!Number.isInteger(st) || st < 1) throw new RangeError(`${fn}: strides must be positive integers, got ${JSON.stringify(strides)}${typeof strides === 'number' ? '' : ` (for '${n}')`}; write e.g. 2 or { ${n}: 2 }`);
    return st;
  };
  if (typeof strides !== 'number' && (strides === null || typeof strides !== 'object')) throw new RangeError(`${fn}: strides must be a number or a record of numbers per dim, got ${String(strides)}`);
  const zero = extrapolation === 0 || extrapolation === 'zero';
  const widths: Record<string, [number, number]> = {};
  const outSize: Record<string, number> = {};
  const step: Record<string, number> = {};
  for (const n of names) {
    const k = kernel.shape.size(n), v = value.shape.size(n), st = strideOf(n);
    step[n] = st;
    if (size === 'valid' && k > v) throw new ShapeError(`${fn}: kernel ${kernel.shape} is larger than value ${value.shape} along '${n}' for 'valid'`);
    if (st > 1) {
      outSize[n] = size === 'valid' ? Math.ceil((v - k + 1) / st) : size === 'same' ? Math.ceil(v / st) : Math.floor((v + k - 1) / st);
      if (outSize[n] < 1) throw new ShapeError(`${fn}: stride ${st} along '${n}' leaves no output for a value of size ${v} and a kernel of size ${k} ('${size}'); use a smaller stride or size 'same'`);
      const p = size === 'valid' ? 0 : Math.max(0, st * (outSize[n] - 1) + k - v);
      widths[n] = [Math.floor(p / 2), Math.ceil(p / 2)];
    }
    else if (size === 'valid') { widths[n] = [0, 0]; outSize[n] = v - k + 1; }
    else if (size === 'full') { widths[n] = [k - 1, k - 1]; outSize[n] = v + k - 1; }
    else { widths[n] = zero ? [Math.floor(k / 2), k - 1 - Math.floor(k / 2)] : [Math.floor((k - 1) / 2), Math.floor(k / 2)]; outSize[n] = v; }
  }
  const padded = names.every((n) => widths[n][0] === 0 && widths[n][1] === 0) ? value : pad(value, widths, extrapolation);
  // dual kernel dims ~c contract with the value's c
  const duals = kernel.shape.dual.names;
  const mapping: Record<string, Shape> = {};
  for (const d of duals) {
    const primal = d.slice(1);
    if (!value.shape.has(primal)) throw new ShapeError(`${fn}: kernel dim '${d}' has no counterpart '${primal}' in value ${value.shape}`);
    mapping[d] = new Shape([{ name: '_in_' + primal, kind: value.shape.dim(primal).kind, size: undefined }]);
  }
  const k = duals.length ? renameDims(kernel, mapping) : kernel;
  const v = duals.length ? renameDims(padded, Object.fromEntries(duals.map((d) => [d.slice(1), '_in_' + d.slice(1)]))) : padded;
  let acc: Tensor | undefined;
  const counts = names.map((n) => kernel.shape.size(n));
  const total = counts.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    const off: number[] = [];
    let r = flat;
    for (let i = names.length - 1; i >= 0; i--) { off[i] = r % counts[i]; r = Math.floor(r / counts[i]); }
    const window: Record<string, [number, number] | [number, number, number]> = {};
    const at: Record<string, number> = {};
    names.forEach((n, i) => { window[n] = step[n] === 1 ? [off[i], off[i] + outSize[n]] : [off[i], off[i] + step[n] * (outSize[n] - 1) + 1, step[n]]; at[n] = off[i]; });
    const term = mul(get(v, window), get(k, at));
    acc = acc ? add(acc, term) : term;
  }
  const inDims = Object.values(mapping).map((m) => m.names[0]);
  return inDims.length ? sum(acc!, inDims) : acc!;
}


