/**
 * Creating tensors from JS data: numbers, bigints, booleans, nested arrays and typed arrays,
 * with named dims. `math.tensor` values created inside a jit trace become graph constants (they
 * print as tracers, like ΦML's backend tensors); `math.wrap` values stay concrete there and can
 * drive JS control flow at trace time (ΦML's NumPy constants).
 */
import { Shape, channel, concatShapes } from './shape';
import { type DType, type TypedArray, allocate, checkDType, dtypeOfArray, isTypedArray, isInt, FLOAT } from './dtype';
import { Tensor } from './tensor';
import { TensorDataError, ShapeError } from './errors';
import { currentTrace } from './trace/trace';
import { toInt64, convertData } from './eager/kernels';
import { bind } from './ops/registry';
import { random } from './ops/random';
import { stack as stackPrim, transpose as transposePrim } from './ops/structure';
import { checkFinite, checkOptions, describeValue, isPlainObject } from './validate';

export interface DTypeOption { dtype?: DType }
export type TensorData = number | bigint | boolean | Tensor | TypedArray | readonly TensorData[];

type ShapesAndOptions = (Shape | DTypeOption)[];

/**
 * Shapes followed by an optional options record. An unknown option name is an error: a record
 * such as `zeros({ x: 2 })` is a dim given without its shape constructor, not options.
 */
function splitOptions<O extends object>(args: readonly (Shape | O)[], fn: string, allowed: readonly string[]): { shapes: Shape[]; options: O } {
  const shapes: Shape[] = [];
  let options = {} as O;
  const what = `shapes (e.g. spatial({ x: 4 })) and an optional last { ${allowed.join(', ')} } object`;
  args.forEach((a, i) => {
    if (a instanceof Shape) shapes.push(a);
    else if (isPlainObject(a) && i === args.length - 1) {
      checkOptions(fn, a, allowed, (m) => new TensorDataError(m), (k, v) =>
        (typeof v === 'number' ? `A dim is given with a shape constructor: spatial({ ${k}: ${JSON.stringify(v)} }) or channel({ ${k}: ${JSON.stringify(v)} })` : ''));
      options = a;
    } else throw new TensorDataError(`${fn}: expected ${what}, got ${describeValue(a)} at position ${i + 1}`);
  });
  return { shapes, options };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `a ${v?.constructor?.name ?? 'object'}`;
  return `${typeof v} ${String(v)}`;
}

/** Marks a concrete tensor as a graph constant when created inside a jit trace. */
function traced(t: Tensor, origin: string): Tensor {
  const tr = currentTrace();
  // tensors of tracers (`math.tensor([t1, t2])` inside a jit function) are traced already
  return tr && t.available ? tr.constant(t, origin) : t;
}

/**
 * A tensor from JS data. 1-D data without dims gets `channel('vector')`; data of higher rank
 * needs its dims named, e.g. `math.tensor([[1, 2], [3, 4]], spatial('x,y'))`.
 */
export function tensor(data: TensorData, ...shapesAndOptions: ShapesAndOptions): Tensor {
  return traced(fromData(data, shapesAndOptions, 'math.tensor'), 'math.tensor(...)');
}

/** Like `tensor`, but the result stays concrete inside a jit trace (a trace-time constant). */
export function wrap(data: TensorData, ...shapesAndOptions: ShapesAndOptions): Tensor {
  return fromData(data, shapesAndOptions, 'math.wrap');
}

function fromData(data: TensorData, args: ShapesAndOptions, fn: string): Tensor {
  const { shapes, options } = splitOptions<DTypeOption>(args, fn, ['dtype']);
  const dtype = options.dtype === undefined ? undefined : checkDType(options.dtype);
  const given = concatShapes(...shapes);
  if (data instanceof Tensor) {
    if (shapes.length && !data.shape.sameDims(given)) {
      throw new ShapeError(`${fn}: a tensor with shape ${data.shape} cannot be given the shape ${given}; use math.renameDims or math.expand`);
    }
    if (dtype === undefined || dtype === data.dtype) return data;
    if (!data.available) throw data._tracerError(`convert with ${fn}`);
    checkRange(data._data!, dtype, fn);
    return Tensor._concrete(data.shape, dtype, convertData(data._data!, data.dtype, dtype));
  }
  if (isTypedArray(data)) return fromTypedArray(data, given, dtype, fn);
  if (Array.isArray(data) && data.length > 0 && data.some((d) => d instanceof Tensor)) return stackTensors(data, given, dtype, fn);
  const { sizes, values, kind } = flatten(data, fn);
  const shape = nameDims(sizes, given, fn);
  const natural: DType = kind === 'bigint' ? 'int64' : kind === 'boolean' ? 'bool' : FLOAT;
  const target = dtype ?? natural;
  const t = Tensor._concrete(shape, target, valuesTo(values, kind, target, fn));
  // ΦML sorts the dims of nested-list data by kind (`tensor([[..]], spatial('x'), batch('b'))` is (bᵇ, xˢ));
  // typed arrays, like NumPy arrays there, keep the given order
  const canon = shape.canonical();
  return canon === shape ? t : bind(transposePrim, [t], { order: canon.names });
}

function stackTensors(data: readonly TensorData[], given: Shape, dtype: DType | undefined, fn: string): Tensor {
  if (!data.every((d) => d instanceof Tensor)) throw new TensorDataError(`${fn}: an array mixing tensors and other values; make all elements tensors`);
  const dim = given.rank ? given.dims[0] : channel('vector').dims[0];
  const t = bind(stackPrim, data as Tensor[], { dim });
  return dtype && dtype !== t.dtype ? Tensor._concrete(t.shape, dtype, convertData(t.data, t.dtype, dtype)) : t;
}

function fromTypedArray(data: TypedArray, given: Shape, dtype: DType | undefined, fn: string): Tensor {
  const natural = dtypeOfArray(data);
  if (!natural) throw new TensorDataError(`${fn}: unsupported typed array ${data.constructor.name}; use Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array (bool)`);
  let shape: Shape;
  if (given.rank === 0) shape = channel({ vector: data.length });
  else if (given.rank === 1 && given.dims[0].size === undefined) shape = given.withSize(given.dims[0].name, data.length);
  else {
    if (!given.isDefined) throw new ShapeError(`${fn}: a typed array with several dims needs every size: got ${given}`);
    shape = given;
  }
  if (shape.volume !== data.length) {
    throw new TensorDataError(`${fn}: shape ${shape} has ${shape.volume} elements but the data has ${data.length}`);
  }
  const target = dtype ?? natural;
  if (target !== natural) checkRange(data, target, fn);
  return Tensor._concrete(shape, target, target === natural ? data : convertData(data, natural, target));
}

type Kind = 'number' | 'bigint' | 'boolean';

function flatten(data: TensorData, fn: string): { sizes: number[]; values: unknown[]; kind: Kind } {
  const sizes: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) { sizes.push(probe.length); probe = probe[0]; }
  const values: unknown[] = [];
  let kind: Kind | undefined;
  const visit = (v: unknown, depth: number, path: string) => {
    if (depth < sizes.length) {
      if (!Array.isArray(v)) throw new TensorDataError(`${fn}: ragged nested array: ${path} is ${describe(v)} but an array of length ${sizes[depth]} was expected`);
      if (v.length !== sizes[depth]) throw new TensorDataError(`${fn}: ragged nested array: ${path} has length ${v.length} but ${pathOfFirst(depth)} has length ${sizes[depth]}`);
      v.forEach((x, i) => visit(x, depth + 1, `${path}[${i}]`));
      return;
    }
    if (Array.isArray(v)) throw new TensorDataError(`${fn}: ragged nested array: ${path} is an array but a value was expected`);
    const k = typeof v;
    if (k !== 'number' && k !== 'bigint' && k !== 'boolean') throw new TensorDataError(`${fn}: unsupported value ${describe(v)} at ${path}; use numbers, bigints or booleans`);
    if (kind && kind !== k) throw new TensorDataError(`${fn}: data mixes ${kind} and ${k} values (at ${path}); use one kind, or pass { dtype }`);
    kind = k as Kind;
    values.push(v);
  };
  visit(data, 0, 'data');
  return { sizes, values, kind: kind ?? 'number' };
}

function pathOfFirst(depth: number): string { return 'data' + '[0]'.repeat(depth); }

function nameDims(sizes: number[], given: Shape, fn: string): Shape {
  if (given.rank === 0) {
    if (sizes.length === 0) return Shape.EMPTY;
    if (sizes.length === 1) return channel({ vector: sizes[0] });
    throw new ShapeError(`${fn}: rank-${sizes.length} data needs its dims named, e.g. ${fn}(data, spatial('${['x', 'y', 'z', 'w'].slice(0, sizes.length).join(',')}'))`);
  }
  if (given.rank !== sizes.length) {
    throw new ShapeError(`${fn}: the data has ${sizes.length} dim${sizes.length === 1 ? '' : 's'} (sizes ${sizes.join('×') || 'none'}) but the shape ${given} names ${given.rank}`);
  }
  let shape = given;
  given.dims.forEach((d, i) => {
    if (d.size === undefined) shape = shape.withSize(d.name, sizes[i]);
    else if (d.size !== sizes[i]) throw new ShapeError(`${fn}: dim ${d.name} has size ${d.size} in ${given} but the data has ${sizes[i]} along it`);
  });
  return shape;
}

const INT_RANGE = {
  int32: { lo: -(2 ** 31), hi: 2 ** 31 - 1, blo: -(2n ** 31n), bhi: 2n ** 31n - 1n, wider: "{ dtype: 'int64' } or a float dtype" },
  int64: { lo: -(2 ** 63), hi: 2 ** 63, blo: -(2n ** 63n), bhi: 2n ** 63n - 1n, wider: "a float dtype ('float64')" },
} as const;

/**
 * Refuses values that an int dtype cannot hold: NaN, ±inf, and values beyond its range (which
 * would silently wrap). Creation is where data enters, so this is where it is checked; fractions
 * truncate toward zero like a cast.
 */
function checkRange(values: ArrayLike<unknown>, dtype: DType, fn: string, what = 'the data'): void {
  if (dtype !== 'int32' && dtype !== 'int64') return;
  const r = INT_RANGE[dtype];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const at = values.length > 1 ? ` at flat index ${i} of ${what}` : ` in ${what}`;
    if (typeof v === 'bigint') {
      if (v < r.blo || v > r.bhi) throw new TensorDataError(`${fn}: ${v}n${at} is out of range for ${dtype} (${r.blo} to ${r.bhi}); use ${r.wider}`);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new TensorDataError(`${fn}: ${v}${at} cannot be stored as ${dtype} (ints have no NaN or infinity); use a float dtype, or replace it first (math.where(math.isFinite(t), t, 0))`);
      const t = Math.trunc(v);
      // int64: 2^63 itself is the first number beyond the range (the float64 nearest to 2^63 - 1 is 2^63)
      if (t < r.lo || (dtype === 'int64' ? t >= r.hi : t > r.hi)) throw new TensorDataError(`${fn}: ${v}${at} is out of range for ${dtype} (${r.blo} to ${r.bhi}); use ${r.wider}`);
    }
  }
}

function valuesTo(values: unknown[], kind: Kind, dtype: DType, fn: string): TypedArray {
  if (dtype === 'complex64') return convertData(valuesTo(values, kind, 'float32', fn), 'float32', 'complex64'); // real data, imaginary part 0
  const n = values.length;
  checkRange(values, dtype, fn);
  if (dtype === 'int64') {
    if (kind === 'bigint') return BigInt64Array.from(values as bigint[]);
    return toInt64((values as (number | boolean)[]).map(Number));
  }
  const out = allocate(dtype, n) as Float32Array;
  if (kind === 'bigint') {
    for (let i = 0; i < n; i++) out[i] = Number(values[i] as bigint);
  } else if (dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = values[i] ? 1 : 0;
  } else if (dtype === 'int32') {
    for (let i = 0; i < n; i++) out[i] = Math.trunc(Number(values[i]));
  } else {
    for (let i = 0; i < n; i++) out[i] = Number(values[i]);
  }
  return out;
}


// --- constants of a shape ---

function filled(args: (Shape | DTypeOption)[], value: number, fn: string): Tensor {
  const { shapes, options } = splitOptions<DTypeOption>(args, fn, ['dtype']);
  const shape = concatShapes(...shapes);
  if (!shape.isDefined) throw new ShapeError(`${fn}: every dim needs a size, got ${shape}`);
  const dtype = options.dtype === undefined ? FLOAT : checkDType(options.dtype);
  const data = allocate(dtype, shape.volume);
  if (value !== 0) {
    if (data instanceof BigInt64Array) data.fill(BigInt(value));
    else if (dtype === 'complex64') for (let i = 0; i < data.length; i += 2) data[i] = value; // real parts only
    else data.fill(value);
  }
  return traced(Tensor._concrete(shape, dtype, data), `${fn}(...)`);
}

/** Zeros of the given shapes (float32 unless `{ dtype }`). */
export function zeros(...shapesAndOptions: (Shape | DTypeOption)[]): Tensor { return filled(shapesAndOptions, 0, 'math.zeros'); }
/** Ones of the given shapes (float32 unless `{ dtype }`). */
export function ones(...shapesAndOptions: (Shape | DTypeOption)[]): Tensor { return filled(shapesAndOptions, 1, 'math.ones'); }
/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor): Tensor { return zeros(t.shape, { dtype: t.dtype }); }
/** Ones with the shape and dtype of `t`; ones like a bool tensor are int64, as in ΦML (`zeros_like(x) + 1`). */
export function onesLike(t: Tensor): Tensor { return ones(t.shape, { dtype: t.dtype === 'bool' ? 'int64' : t.dtype }); }

export interface NormalOptions extends DTypeOption { mean?: number; std?: number }
export interface UniformOptions extends DTypeOption { low?: number; high?: number }

function randomTensor(args: (Shape | NormalOptions | UniformOptions)[], dist: 'normal' | 'uniform', fn: string): Tensor {
  const names = dist === 'normal' ? ['dtype', 'mean', 'std'] : ['dtype', 'low', 'high'];
  const { shapes, options } = splitOptions<NormalOptions & UniformOptions>(args, fn, names);
  const shape = concatShapes(...shapes);
  if (!shape.isDefined) throw new ShapeError(`${fn}: every dim needs a size, got ${shape}`);
  const dtype = options.dtype === undefined ? FLOAT : checkDType(options.dtype);
  if (dtype === 'bool') throw new TensorDataError(`${fn}: bool is not a random dtype; compare random numbers instead, e.g. math.randomUniform(s).lt(0.5)`);
  if (dtype === 'complex64') throw new TensorDataError(`${fn}: complex64 is not a random dtype; draw the parts and combine them: math.toComplex(${fn}(s), ${fn}(s))`);
  const bad = (m: string) => new TensorDataError(m);
  const a = checkFinite(fn, names[1], (dist === 'normal' ? options.mean : options.low) ?? 0, bad);
  const b = checkFinite(fn, names[2], (dist === 'normal' ? options.std : options.high) ?? 1, bad);
  if (dist === 'normal' && b < 0) throw new TensorDataError(`${fn}: std must be >= 0, got ${b}`);
  if (dist === 'uniform') {
    if (a > b) throw new TensorDataError(`${fn}: low (${a}) is greater than high (${b}); values are drawn from [low, high), so give low <= high`);
    if (isInt(dtype)) {
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new TensorDataError(`${fn}: ${dtype} values need integer bounds, got low ${a}, high ${b}`);
      if (a === b && shape.volume > 0) throw new TensorDataError(`${fn}: ${dtype} values from [${a}, ${b}) is an empty range; give high > low`);
      checkRange([a, b - 1], dtype, fn, 'the bounds');
    }
  }
  return bind(random, [], { shape, dtype, dist, a, b });
}

/** Normally distributed values (mean 0, std 1 unless `{ mean, std }`). Inside a trace: drawn per call. */
export function randomNormal(...shapesAndOptions: (Shape | NormalOptions)[]): Tensor { return randomTensor(shapesAndOptions, 'normal', 'math.randomNormal'); }
/** Uniform values in [low, high) (default [0, 1)). Int dtypes give integers in [low, high). */
export function randomUniform(...shapesAndOptions: (Shape | UniformOptions)[]): Tensor { return randomTensor(shapesAndOptions, 'uniform', 'math.randomUniform'); }

function oneDim(dim: Shape, fn: string): { name: string; shape: Shape } {
  if (!(dim instanceof Shape) || dim.rank !== 1) throw new ShapeError(`${fn}: expected one dim such as spatial({ x: 5 }), got ${dim instanceof Shape ? String(dim) : describeValue(dim)}`);
  return { name: dim.dims[0].name, shape: dim };
}

/** `n` evenly spaced float32 values from start to stop (inclusive) along `dim` (with its size). */
export function linspace(start: number, stop: number, dim: Shape): Tensor {
  const { shape } = oneDim(dim, 'math.linspace');
  const bad = (m: string) => new TensorDataError(m);
  checkFinite('math.linspace', 'start', start, bad);
  checkFinite('math.linspace', 'stop', stop, bad);
  const n = shape.dims[0].size;
  if (n === undefined) throw new ShapeError(`math.linspace: give the dim a size, e.g. spatial({ x: ${5} })`);
  const data = allocate(FLOAT, n) as Float32Array | Float64Array;
  for (let i = 0; i < n; i++) data[i] = n === 1 ? start : start + ((stop - start) * i) / (n - 1);
  return traced(Tensor._concrete(shape, FLOAT, data), 'math.linspace(...)');
}

/**
 * int32 values along `dim`: `range(spatial({ x: 4 }))` is 0…3; `range(dim, stop)`,
 * `range(dim, start, stop, step)` set the values (and the size of a names-only dim).
 */
export function range(dim: Shape, startOrStop?: number, stop?: number, step = 1): Tensor {
  const { shape, name } = oneDim(dim, 'math.range');
  let start = 0, end: number;
  if (startOrStop === undefined) {
    if (shape.dims[0].size === undefined) throw new ShapeError(`math.range: give the dim a size or a stop value`);
    end = shape.dims[0].size;
  } else if (stop === undefined) end = startOrStop;
  else { start = startOrStop; end = stop; }
  const bad = (m: string) => new TensorDataError(m);
  for (const [what, v] of [['start', start], ['stop', end], ['step', step]] as const) {
    if (!Number.isInteger(checkFinite('math.range', what, v, bad))) {
      throw new TensorDataError(`math.range makes int32 values: ${what} must be an integer, got ${v}; for fractional values use math.linspace(start, stop, dim)`);
    }
  }
  checkRange([start, end - step], 'int32', 'math.range', 'the values');
  if (step === 0) throw new TensorDataError('math.range: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  if (shape.dims[0].size !== undefined && shape.dims[0].size !== n) throw new ShapeError(`math.range: ${name} has size ${shape.dims[0].size} but the range has ${n} values`);
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return traced(Tensor._concrete(shape.withSize(name, n), 'int32', data), 'math.range(...)');
}

/**
 * A channel vector with item names: `vec({ x: 1, y: 2 })` is `(x=1.000, y=2.000)`. Values may be
 * numbers, bigints (int64) or tensors (stacked). Stays concrete inside a trace, like `math.wrap`.
 */
export function vec(components: Record<string, number | bigint | Tensor>, name = 'vector'): Tensor {
  if (!isPlainObject(components)) throw new TensorDataError(`vec: give the components as a record, e.g. vec({ x: 1, y: 2 }); got ${describeValue(components)}`);
  if (typeof name !== 'string') throw new TensorDataError(`vec: the dim name must be a string such as 'vector', got ${describeValue(name)}`);
  const labels = Object.keys(components);
  if (labels.length === 0) throw new TensorDataError('vec: give at least one component, e.g. vec({ x: 1, y: 2 })');
  const values = Object.values(components);
  const dim = channel({ [name]: labels });
  if (values.some((v) => v instanceof Tensor)) {
    return bind(stackPrim, values.map((v) => (v instanceof Tensor ? v : wrap(v))), { dim: dim.dims[0] });
  }
  return fromData(values as (number | bigint)[], [dim], 'vec');
}
