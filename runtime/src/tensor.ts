/**
 * Tensor: a Shape, a dtype, and either concrete data (a typed array, dims in shape order) or a
 * tracer (a value of a jit trace, no data). The op surface (`t.add`, `t.sum`, …) is installed by
 * `methods.ts` on top of this small core, so concrete and traced tensors share every method.
 */
import type { Shape } from './shape';
import { type DType, type TypedArray, readNumber } from './dtype';
import { TracerConversionError, ShapeError, DTypeError } from './errors';
import { formatTensor } from './format';

/** What a tracer knows of its trace (trace/trace.ts's Trace); kept abstract so tensors don't depend on tracing. */
export interface TraceHandle {
  readonly fnName: string;
  readonly closed: boolean;
}

/** What a traced tensor refers to: its trace, its IR variable, and the arguments it depends on. */
export interface TracerRef {
  readonly trace: TraceHandle;
  /** Its variable in the trace's IR (a trace/ir.ts Var). */
  readonly v: { readonly id: number };
  /** Names of the jit function's arguments this value depends on (for error messages). */
  readonly deps: readonly string[];
  /** For constants created inside the trace: the call that created them (`math.tensor`). */
  readonly origin?: string;
}

export class Tensor {
  /** @internal */ readonly _data: TypedArray | undefined;
  /** @internal */ readonly _tracer: TracerRef | undefined;
  /** @internal A traced JS number: weak in dtype promotion, like a number literal. */
  readonly _weak: boolean;

  /** @internal Use `math.tensor` / `math.wrap` to create tensors. */
  constructor(readonly shape: Shape, readonly dtype: DType, data: TypedArray | undefined, tracer: TracerRef | undefined, weak = false) {
    this._data = data;
    this._tracer = tracer;
    this._weak = weak;
  }

  /** @internal */
  static _concrete(shape: Shape, dtype: DType, data: TypedArray): Tensor {
    return new Tensor(shape, dtype, data, undefined);
  }
  /** @internal */
  static _traced(shape: Shape, dtype: DType, tracer: TracerRef, weak = false): Tensor {
    return new Tensor(shape, dtype, undefined, tracer, weak);
  }

  /** False for tracers (values inside a jit trace, known only by shape and dtype). */
  get available(): boolean { return this._data !== undefined; }
  get rank(): number { return this.shape.rank; }

  /** The values as a typed array, dims in `shape` order. Do not mutate: tensors are values. */
  get data(): TypedArray {
    if (this._data === undefined) throw this._tracerError('read .data of');
    return this._data;
  }

  /** The value of a tensor without dims: number, bigint (int64), boolean, or `{ re, im }` (complex64). */
  item(): number | bigint | boolean | Complex {
    const data = this.data;
    if (this.shape.rank !== 0) {
      throw new ShapeError(`item() needs a tensor without dims, but this one has shape ${this.shape}. Select one element with t.get({...}) or reduce it (math.sum, .all, .any).`);
    }
    return scalarValue(data, 0, this.dtype);
  }

  /** Nested JS arrays in `shape` order (numbers; bigint for int64; booleans for bool; `{ re, im }` for complex64). */
  toArray(): any {
    const data = this.data;
    const sizes = this.shape.sizes as number[];
    if (sizes.length === 0) return scalarValue(data, 0, this.dtype);
    let pos = 0;
    const build = (d: number): any[] => {
      const out = new Array(sizes[d]);
      for (let i = 0; i < sizes[d]; i++) out[i] = d === sizes.length - 1 ? scalarValue(data, pos++, this.dtype) : build(d + 1);
      return out;
    };
    return build(0);
  }

  /** True when every element is true / nonzero (NaN counts as true). */
  get all(): boolean {
    const data = this._data;
    if (data === undefined) throw this._tracerError('evaluate .all of');
    const truthy = (i: number) => data[i] || Number.isNaN(data[i] as number);
    // a complex element is nonzero when either part is
    if (this.dtype === 'complex64') { for (let i = 0; i < data.length; i += 2) if (!truthy(i) && !truthy(i + 1)) return false; return true; }
    for (let i = 0; i < data.length; i++) if (!truthy(i)) return false;
    return true;
  }
  /** True when any element is true / nonzero (NaN counts as true). */
  get any(): boolean {
    const data = this._data;
    if (data === undefined) throw this._tracerError('evaluate .any of');
    for (let i = 0; i < data.length; i++) if (data[i] || Number.isNaN(data[i] as number)) return true;
    return false;
  }

  /**
   * Concrete scalars convert to JS numbers (`z > 1`, `+z`); tracers refuse: use `math.where` or
   * auxiliary args. String conversion (template literals, `String(t)`) always works.
   */
  [Symbol.toPrimitive](hint: 'number' | 'string' | 'default'): number | bigint | boolean | string {
    if (hint === 'string') return this.toString();
    if (this._data === undefined) throw this._tracerError('convert to a JS value', hint === 'default');
    if (this.shape.rank !== 0) {
      if (hint === 'default') return this.toString();
      throw new ShapeError(`Cannot convert a tensor with shape ${this.shape} to a JS number. Use .all / .any, reduce it (math.sum, math.max), or select one element with t.get({...}).`);
    }
    const v = scalarValue(this._data, 0, this.dtype);
    if (typeof v === 'object') throw new DTypeError(`Cannot convert a complex64 tensor to a JS number: use Number(math.real(t)), Number(math.imag(t)) or Number(math.abs(t))`);
    if (typeof v === 'boolean') return Number(v);
    // int64: a number where it is exact (so `+z` and `z * 2` work), else the bigint (exact comparisons)
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
    return v;
  }

  toString(): string { return formatTensor(this); }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
  toJSON(): unknown { return this._data === undefined ? this.toString() : this.toArray(); }

  /** @internal The error for using a traced value as a JS value. */
  _tracerError(what: string, maybeString = false): TracerConversionError {
    const tr = this._tracer!;
    const fn = tr.trace.fnName;
    let source: string;
    if (tr.deps.length) {
      source = `it depends on the traced argument${tr.deps.length > 1 ? 's' : ''} ${tr.deps.map((d) => `'${d}'`).join(', ')}`;
    } else if (tr.origin) {
      source = `it was created by ${tr.origin} inside the trace (create it with math.wrap(...) to keep a trace-time constant)`;
    } else {
      source = 'it is a traced value';
    }
    const hint = maybeString ? ' To print it, use a template literal `${t}` or String(t).' : '';
    return new TracerConversionError(
      `Cannot ${what} a traced tensor ${this.shape} ${this.dtype} inside jit function '${fn}': ${source}, so it has no value ` +
        `while tracing. Use math.where(condition, a, b) for value-dependent results, or pass the argument in ` +
        `auxiliaryArgs so it is a concrete value (each new value then traces again).${hint}`,
    );
  }
}

/** A complex64 element as JS values. */
export interface Complex { readonly re: number; readonly im: number }

function scalarValue(data: TypedArray, i: number, dtype: DType): number | bigint | boolean | Complex {
  if (dtype === 'complex64') return { re: data[2 * i] as number, im: data[2 * i + 1] as number };
  if (dtype === 'bool') return data[i] !== 0;
  if (dtype === 'int64') return data[i] as bigint;
  return readNumber(data, i);
}

export function isTensor(x: unknown): x is Tensor { return x instanceof Tensor; }
