/**
 * Movement primitives: they rearrange elements by dim name. Named dims exist only here and in
 * the tracer; ONNX sees positional axes, so each lowering translates names to axes.
 */
import { Shape, broadcastShapes, mergeShapes, andShapes, type Dim } from '../shape';
import { allocate, FLOAT, type DType, type TypedArray } from '../dtype';
import { definePrimitive, type Aval } from './registry';
import { broadcastMap, castData, gatherOffsets, stridedOffsets } from '../eager/kernels';
import { stridesOf } from '../format';
import { ShapeError } from '../errors';
import type { Tensor } from '../tensor';

/** Offsets into `x` for every element of `x` transposed to the dim order `names`. */
function transposeOffsets(x: Shape, names: readonly string[]): Int32Array {
  const strides = stridesOf(x.sizes as number[]);
  return stridedOffsets(names.map((n) => x.size(n)), names.map((n) => strides[x.indexOf(n)]));
}

function isIdentityOrder(x: Shape, names: readonly string[]): boolean {
  return names.every((n, i) => x.dims[i]?.name === n);
}

/** Reorders dims. `order` is a permutation of the input's dim names. */
export const transpose = definePrimitive<{ order: readonly string[] }>({
  name: 'transpose',
  group: 'movement',
  shape: ([x], p) => {
    if (p.order.length !== x.shape.rank) throw new ShapeError(`transpose: order ${p.order.join(',')} must list every dim of ${x.shape}`);
    return x.shape.only(p.order);
  },
  dtype: ([x]) => x.dtype,
  impl: ([x], p) => (isIdentityOrder(x.shape, p.order) ? x._data! : gatherOffsets(x._data!, transposeOffsets(x.shape, p.order), x.dtype)),
  lower: (g, [x], p) => g.transpose(x, p.order),
});

/** Renames and/or retypes dims; the data is untouched (no ONNX node). */
export const rename = definePrimitive<{ mapping: Record<string, string | Shape> }>({
  name: 'rename',
  group: 'movement',
  shape: ([x], p) => x.shape.rename(p.mapping),
  dtype: ([x]) => x.dtype,
  impl: ([x]) => x._data!,
  lower: (_g, [x]) => x.name,
});

/** Same elements in row-major order, new dims (pack / unpack). */
export const reshape = definePrimitive<{ shape: Shape }>({
  name: 'reshape',
  group: 'movement',
  shape: ([x], p) => {
    if (p.shape.volume !== x.shape.volume) throw new ShapeError(`Cannot reshape ${x.shape} (${x.shape.volume} elements) to ${p.shape} (${p.shape.volume} elements)`);
    return p.shape;
  },
  dtype: ([x]) => x.dtype,
  impl: ([x]) => x._data!,
  lower: (g, [x], p) => g.node('Reshape', [x.name, g.int64s(p.shape.sizes as number[])]),
});

/** Broadcasts to `shape` (which contains every dim of the input). */
export const expand = definePrimitive<{ shape: Shape }>({
  name: 'expand',
  group: 'movement',
  shape: ([x], p) => {
    for (const d of x.shape.dims) {
      if (!p.shape.has(d.name)) throw new ShapeError(`expand: target ${p.shape} lacks dim '${d.name}' of ${x.shape}`);
      if (p.shape.dim(d.name).size !== d.size) throw new ShapeError(`expand: ${d.name}: ${d.size} vs ${p.shape.dim(d.name).size}`);
    }
    return p.shape;
  },
  dtype: ([x]) => x.dtype,
  impl: ([x], _p, out) => {
    const m = broadcastMap(x.shape, out.shape);
    if (m === null) return x._data!;
    if (m === 'scalar') return gatherOffsets(x._data!, new Int32Array(out.shape.volume), x.dtype);
    return gatherOffsets(x._data!, m, x.dtype);
  },
  lower: (g, [x], _p, out) => g.node('Expand', [g.align(x, out.shape), g.int64s(out.shape.sizes as number[])]),
});

/** `[start, stop)` with `step` along one dim (indices already normalised, stop exclusive). */
export interface SliceParams { readonly dim: string; readonly start: number; readonly stop: number; readonly step: number }

function sliceCount(p: SliceParams): number {
  return Math.max(0, Math.ceil((p.stop - p.start) / p.step));
}

export const slice = definePrimitive<SliceParams>({
  name: 'slice',
  group: 'movement',
  shape: ([x], p) => {
    const d = x.shape.dim(p.dim);
    const n = sliceCount(p);
    const labels = d.labels ? range(p.start, p.stop, p.step).map((i) => d.labels![i]) : undefined;
    return x.shape.withSize(p.dim, n, labels);
  },
  dtype: ([x]) => x.dtype,
  impl: ([x], p, out) => {
    const strides = stridesOf(x.shape.sizes as number[]);
    const ax = x.shape.indexOf(p.dim);
    const st = strides.slice();
    st[ax] *= p.step;
    return gatherOffsets(x._data!, stridedOffsets(out.shape.sizes as number[], st, p.start * strides[ax]), x.dtype);
  },
  lower: (g, [x], p) => {
    // ONNX Slice clamps `ends`; a negative step needs an end below -size to reach index 0
    const end = p.stop < 0 ? -(2 ** 31) : p.stop;
    return g.node('Slice', [x.name, g.int64s([p.start]), g.int64s([end]), g.int64s([x.shape.indexOf(p.dim)]), g.int64s([p.step])]);
  },
});

function range(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** Selects items along one dim: one index drops the dim, a list keeps it (with their labels). */
export interface GatherParams { readonly dim: string; readonly indices: readonly number[]; readonly drop: boolean }

export const gather = definePrimitive<GatherParams>({
  name: 'gather',
  group: 'movement',
  shape: ([x], p) => {
    const d = x.shape.dim(p.dim);
    if (p.drop) return x.shape.without(p.dim);
    return x.shape.withSize(p.dim, p.indices.length, d.labels ? p.indices.map((i) => d.labels![i]) : undefined);
  },
  dtype: ([x]) => x.dtype,
  impl: ([x], p, out) => {
    const strides = stridesOf(x.shape.sizes as number[]);
    const ax = x.shape.indexOf(p.dim);
    const parts = p.indices.map((i) => {
      const sizes = (x.shape.sizes as number[]).slice();
      sizes[ax] = 1;
      return stridedOffsets(sizes, strides, i * strides[ax]);
    });
    // interleave the per-index offsets along the axis
    const outer = (x.shape.sizes as number[]).slice(0, ax).reduce((a, b) => a * b, 1);
    const inner = (x.shape.sizes as number[]).slice(ax + 1).reduce((a, b) => a * b, 1);
    const offsets = new Int32Array(out.shape.volume);
    let k = 0;
    for (let o = 0; o < outer; o++) for (let j = 0; j < p.indices.length; j++) for (let i = 0; i < inner; i++) offsets[k++] = parts[j][o * inner + i];
    return gatherOffsets(x._data!, offsets, x.dtype);
  },
  lower: (g, [x], p) => {
    const axis = x.shape.indexOf(p.dim);
    if (!p.drop && p.indices.length > 0) {
      // Index lists made of a few ascending runs (periodic and edge padding, rotations) become
      // Slice (+ Concat): block copies, several times faster in onnxruntime than Gather on an inner axis.
      const runs = contiguousRuns(p.indices);
      if (runs.length <= 4) {
        if (runs.length === 1 && runs[0][0] === 0 && runs[0][1] === x.shape.size(p.dim)) return x.name;
        const parts = runs.map(([s, e]) => g.node('Slice', [x.name, g.int64s([s]), g.int64s([e]), g.int64s([axis])]));
        return parts.length === 1 ? parts[0] : g.node('Concat', parts, { axis });
      }
    }
    const idx = p.drop ? g.scalar(p.indices[0], 'int64') : g.int64s(p.indices);
    return g.node('Gather', [x.name, idx], { axis });
  },
});

/** `[start, stop)` ranges of consecutive ascending indices: [3,4,5,0,1] → [[3,6],[0,2]]. */
function contiguousRuns(indices: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const i of indices) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}

/** Joins tensors along an existing dim. Other dims must match by name (any order). */
export const concat = definePrimitive<{ dim: string }>({
  name: 'concat',
  group: 'movement',
  shape: (ins, p) => {
    const first = ins[0].shape;
    const rest = first.without(p.dim);
    let size = 0;
    let labels: string[] | undefined = [];
    for (const t of ins) {
      const d = t.shape.dim(p.dim);
      if (!t.shape.without(p.dim).sameDims(rest)) {
        throw new ShapeError(`concat along '${p.dim}': shapes ${first} and ${t.shape} differ in other dims`, [first, t.shape]);
      }
      if (d.kind !== first.dim(p.dim).kind) throw new ShapeError(`concat along '${p.dim}': it is ${first.dim(p.dim).kind} in ${first} but ${d.kind} in ${t.shape}`);
      size += d.size!;
      if (labels && d.labels) labels.push(...d.labels); else labels = undefined;
    }
    if (labels && new Set(labels).size !== labels.length) labels = undefined;
    return first.withSize(p.dim, size, labels);
  },
  dtype: (ins) => commonDType(ins),
  impl: (ins, p, out) => {
    const names = out.shape.names;
    const ax = out.shape.indexOf(p.dim);
    const outer = (out.shape.sizes as number[]).slice(0, ax).reduce((a, b) => a * b, 1);
    const inner = (out.shape.sizes as number[]).slice(ax + 1).reduce((a, b) => a * b, 1);
    const res = allocate(out.dtype, out.shape.volume);
    const total = out.shape.size(p.dim);
    let at = 0;
    for (const t of ins) {
      const src = castData(t, out.dtype);
      const offs = transposeOffsets(t.shape, names);
      const n = t.shape.size(p.dim);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < n * inner; j++) (res as any)[(o * total + at) * inner + j] = (src as any)[offs[o * n * inner + j]];
      }
      at += n;
    }
    return res;
  },
  lower: (g, ins, p, out) => {
    const names = out.shape.names;
    // empty parts add nothing (and onnxruntime's Concat shape inference trips on them)
    const parts = ins.filter((x) => x.shape.volume > 0).map((x) => g.cast(g.transpose(x, names), x.dtype, out.dtype));
    return parts.length === 1 ? parts[0] : g.node('Concat', parts, { axis: out.shape.indexOf(p.dim) });
  },
});

/** Stacks tensors along a new dim; inputs broadcast to their common shape first. */
export const stack = definePrimitive<{ dim: Dim }>({
  name: 'stack',
  group: 'movement',
  shape: (ins, p) => stackShape(ins, p.dim),
  dtype: (ins) => commonDType(ins),
  impl: (ins, p, out) => {
    const common = out.shape.without(p.dim.name);
    const ax = out.shape.indexOf(p.dim.name);
    const outer = (out.shape.sizes as number[]).slice(0, ax).reduce((a, b) => a * b, 1);
    const inner = (out.shape.sizes as number[]).slice(ax + 1).reduce((a, b) => a * b, 1);
    const k = ins.length;
    const res = allocate(out.dtype, out.shape.volume) as any;
    ins.forEach((t, j) => {
      const src = castData(t, out.dtype) as any;
      const m = broadcastMap(t.shape, common);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const c = o * inner + i;
          res[(o * k + j) * inner + i] = src[m === null ? c : m === 'scalar' ? 0 : m[c]];
        }
      }
    });
    return res;
  },
  lower: (g, ins, p, out) => {
    const common = out.shape.without(p.dim.name);
    const ax = out.shape.indexOf(p.dim.name);
    const parts = ins.map((x) => {
      let v = g.align(x, common);
      if (!x.shape.sameDims(common)) v = g.node('Expand', [v, g.int64s(common.sizes as number[])]);
      v = g.cast(v, x.dtype, out.dtype);
      return g.node('Unsqueeze', [v, g.int64s([ax])]);
    });
    return parts.length === 1 ? parts[0] : g.node('Concat', parts, { axis: ax });
  },
});

export function stackShape(ins: readonly Aval[], dim: Dim): Shape {
  const common = broadcastShapes(ins.map((t) => t.shape));
  if (common.has(dim.name)) throw new ShapeError(`stack: the new dim '${dim.name}' already exists in ${common}`);
  if (dim.size !== undefined && dim.size !== ins.length) throw new ShapeError(`stack: dim ${dim.name} has size ${dim.size} but ${ins.length} values were given`);
  const stacked = new Shape([{ ...dim, size: ins.length }]);
  // ΦML: one value gets the dim appended (`&`); several are merged with the new dim first in its kind group
  return ins.length === 1 ? andShapes(ins[0].shape, stacked) : mergeShapes([stacked, ...ins.map((t) => t.shape)]);
}

function commonDType(ins: readonly Aval[]): DType {
  const ds = new Set(ins.map((t) => t.dtype));
  // ΦML casts concatenated / stacked floats to the global precision
  if ([...ds].some((d) => d === 'float32' || d === 'float64')) return FLOAT;
  if (ds.size === 1) return ins[0].dtype;
  return ds.has('int64') ? 'int64' : 'int32';
}

