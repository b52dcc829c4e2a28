/**
 * Slicing into pieces and mapping functions over dims (ΦML's unstack, map, broadcast). These run
 * the JS function once per slice: inside a jit function the loop is unrolled into the graph.
 */
import { Tensor } from '../tensor';
import { Shape, type DimSelection, selectionNames } from '../shape';
import { ShapeError } from '../errors';
import { get, stack, transpose } from '../operations';

/** The slices of `value` along `dim` (one tensor per index, without that dim). Several dims: row-major. */
export function unstack(value: Tensor, dim: DimSelection): Tensor[] {
  const names = selectionNames(dim);
  if (names.length === 0) throw new ShapeError('math.unstack: name a dim');
  let parts = [value];
  for (const n of names) {
    const size = value.shape.size(n);
    parts = parts.flatMap((p) => Array.from({ length: size }, (_, i) => get(p, { [n]: i })));
  }
  return parts;
}

export interface MapOptions {
  /** Dims to map over (default: every dim of the tensor arguments). */
  dims?: DimSelection;
}

function isMapOptions(x: unknown): x is MapOptions {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && Object.keys(x).length > 0 && Object.keys(x).every((k) => k === 'dims');
}

/**
 * Calls `f` on each slice of the tensor arguments along `dims` (default: all their dims) and stacks
 * the results along those dims: `map(f, a, b)`, `map(f, a, b, { dims: 'x' })`. Arguments without a
 * mapped dim are passed whole; non-tensor arguments as they are. `f` returns a tensor, a number, or
 * an array / object of them (each stacked), or undefined (map returns undefined).
 */
export function map(f: (...args: any[]) => any, ...args: any[]): any {
  let options: MapOptions = {};
  if (args.length && isMapOptions(args[args.length - 1])) options = args.pop();
  const tensors = args.filter((a): a is Tensor => a instanceof Tensor);
  let all = Shape.EMPTY;
  for (const t of tensors) all = all.and(t.shape);
  const names = options.dims === undefined ? all.names : selectionNames(options.dims).filter((n) => all.has(n));
  const dims = all.only(names);
  const call = (level: number, current: any[]): any => {
    if (level === names.length) return f(...current);
    const n = names[level];
    const size = dims.size(n);
    const results = Array.from({ length: size }, (_, i) => call(level + 1, current.map((a) => (a instanceof Tensor && a.shape.has(n) ? get(a, { [n]: i }) : a))));
    return stackResults(results, new Shape([dims.dim(n)]));
  };
  return ordered(call(0, args), names);
}

/** Mapped dims first, in the order given, then the dims of the function's results (ΦML's order). */
function ordered(r: any, names: string[]): any {
  if (r instanceof Tensor) {
    const first = names.filter((n) => r.shape.has(n));
    return transpose(r, [...first, ...r.shape.names.filter((n) => !first.includes(n))]);
  }
  if (Array.isArray(r)) return r.map((x) => ordered(x, names));
  if (r && typeof r === 'object') return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, ordered(v, names)]));
  return r;
}

function stackResults(results: any[], dim: Shape): any {
  const first = results[0];
  if (first === undefined || first === null) return undefined;
  if (first instanceof Tensor || typeof first === 'number' || typeof first === 'bigint' || typeof first === 'boolean') return stack(results, dim, { expandValues: true });
  if (Array.isArray(first)) return first.map((_, i) => stackResults(results.map((r) => r[i]), dim));
  if (typeof first === 'object') return Object.fromEntries(Object.keys(first).map((k) => [k, stackResults(results.map((r) => r[k]), dim)]));
  throw new ShapeError(`math.map: the function returned ${typeof first}; return tensors, numbers, or arrays / objects of them`);
}

/**
 * Makes `f` map over the dims of its tensor arguments (ΦML's `@broadcast` decorator):
 * `broadcast(f)(a, b)` is `map(f, a, b)`; `broadcast(f, { dims: 'x' })` maps over x only.
 */
export function broadcast<F extends (...args: any[]) => any>(f: F, options: MapOptions = {}): (...args: Parameters<F>) => any {
  return (...args: Parameters<F>) => (options.dims === undefined ? map(f, ...args) : map(f, ...args, options));
}
