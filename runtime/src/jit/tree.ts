/**
 * Argument trees (ΦML's disassemble_tree): what part of a jit call's arguments is traced and what
 * is static. Tensors, JS numbers and bigints are traced leaves (their values are not in the key;
 * their shapes and dtypes are). Arrays, plain objects and class instances are structure. Strings,
 * booleans, null/undefined and Shapes are static leaves compared by value; functions and built-in
 * objects (Map, Date, …) by identity.
 */
import { Tensor } from '../tensor';
import { Shape } from '../shape';
import { isTypedArray, isIntegralNumber } from '../dtype';
import { JitError } from '../errors';

const MAX_DEPTH = 64;

const ids = new WeakMap<object, number>();
const symbolIds = new Map<symbol, number>();
let nextId = 1;
/** A stable id for an object compared by identity (never its text: functions can't collide). */
export function identity(v: object | symbol): number {
  if (typeof v === 'symbol') {
    let i = symbolIds.get(v);
    if (i === undefined) { i = nextId++; symbolIds.set(v, i); }
    return i;
  }
  let i = ids.get(v);
  if (i === undefined) { i = nextId++; ids.set(v, i); }
  return i;
}

export type NodeKind = 'array' | 'plain' | 'instance' | 'opaque';

/** How an object argument is treated. */
export function objectKind(v: object): NodeKind {
  if (Array.isArray(v)) return 'array';
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return 'plain';
  if (v instanceof Map || v instanceof Set || v instanceof WeakMap || v instanceof WeakSet || v instanceof Date ||
      v instanceof RegExp || v instanceof Promise || v instanceof Error || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
    return 'opaque';
  }
  return 'instance';
}

/** Own enumerable string keys, sorted, so key order never changes the cache key. */
export function fieldNames(v: object): string[] {
  return Object.keys(v).sort();
}

function rejectRaw(v: unknown, path: string): void {
  if (isTypedArray(v)) {
    throw new JitError(`Argument '${path}' is a raw ${(v as object).constructor.name}: wrap it as a tensor with named dims, e.g. math.tensor(data, spatial('x'))`);
  }
}

/** Key of a static leaf (compared by value, or by identity for functions and symbols); undefined for others. */
function staticKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string': return `s${JSON.stringify(v)};`;
    case 'boolean': return v ? 'true;' : 'false;';
    case 'undefined': return 'u;';
    case 'function': return `f${identity(v)};`;
    case 'symbol': return `y${identity(v)};`;
  }
  return v === null ? 'z;' : undefined;
}

/**
 * The cache key part of one argument (hot path), appending traced leaves to `leaves`.
 * Tensor leaves contribute shape and dtype; numbers and bigints only their kind.
 */
export function keyOf(v: unknown, leaves: unknown[], depth = 0, specs = true): string {
  if (v instanceof Tensor) {
    leaves.push(v);
    // a traced JS number (inside a nested jit call) keys like the number it stands for
    return v._weak ? (v.dtype === 'int64' ? 'n;' : 'nf;') : specs ? `T${v.shape.key}|${v.dtype};` : 'T;';
  }
  // integral numbers and others are traced as different dtypes (int64 / float64, both weak)
  if (typeof v === 'number') { leaves.push(v); return isIntegralNumber(v) ? 'n;' : 'nf;'; }
  if (typeof v === 'bigint') { leaves.push(v); return 'b;'; }
  const leaf = staticKey(v);
  if (leaf !== undefined) return leaf;
  if (depth > MAX_DEPTH) throw new JitError('Argument tree is too deep or cyclic: jit arguments must be trees of tensors, arrays and objects');
  const o = v as object;
  if (o instanceof Shape) return `S${o.key};`;
  const kind = objectKind(o);
  if (kind === 'array') {
    let k = '[';
    for (const x of o as unknown[]) k += keyOf(x, leaves, depth + 1, specs);
    return k + ']';
  }
  if (kind === 'opaque') { rejectRaw(o, '?'); return `o${identity(o)};`; }
  let k = kind === 'plain' ? '{' : `c${identity(o.constructor)}{`;
  for (const name of fieldNames(o)) k += `${name}:${keyOf((o as any)[name], leaves, depth + 1, specs)}`;
  return k + '}';
}

/** The structure of an argument without its leaf specs (exact, for telling reasons apart). */
export function treeKeyOf(v: unknown): string {
  return keyOf(v, [], 0, false);
}

/** A readable description of an argument's structure: `Tensor`, `[Tensor, Tensor]`, `{a: number}`, `'CG'`. */
export function describeTree(v: unknown, depth = 0): string {
  if (v instanceof Tensor) return 'Tensor';
  switch (typeof v) {
    case 'number': return 'number';
    case 'bigint': return 'bigint';
    case 'string': return `'${v}'`;
    case 'function': return `function ${v.name || '(anonymous)'}`;
    case 'symbol': return v.toString();
    case 'boolean': case 'undefined': return String(v);
  }
  if (v === null) return 'null';
  if (depth > MAX_DEPTH) return '…';
  const o = v as object;
  if (o instanceof Shape) return String(o);
  const kind = objectKind(o);
  if (kind === 'array') return `[${(o as unknown[]).map((x) => describeTree(x, depth + 1)).join(', ')}]`;
  if (kind === 'opaque') return `${o.constructor.name}#${identity(o)}`;
  const body = fieldNames(o).map((k) => `${k}: ${describeTree((o as any)[k], depth + 1)}`).join(', ');
  return kind === 'plain' ? `{${body}}` : `${o.constructor.name}{${body}}`;
}

/**
 * Auxiliary values compared by deep value: tensors by shape and values (not dtype, as in ΦML),
 * numbers by value (NaN equals NaN), objects field by field, functions by identity.
 */
export function auxKeyOf(v: unknown, depth = 0): string {
  if (v instanceof Tensor) {
    if (!v.available) {
      throw new JitError('An auxiliary argument is a traced value; auxiliary arguments must be concrete (they select what is traced)');
    }
    return `T${v.shape.key}=${valuesKey(v)};`;
  }
  if (typeof v === 'number') return `n${Number.isNaN(v) ? 'NaN' : String(v)};`;
  if (typeof v === 'bigint') return `b${v};`;
  const leaf = staticKey(v);
  if (leaf !== undefined) return leaf;
  if (depth > MAX_DEPTH) throw new JitError('Auxiliary argument is too deep or cyclic');
  const o = v as object;
  if (o instanceof Shape) return `S${o.key};`;
  const kind = objectKind(o);
  if (kind === 'array') return `[${(o as unknown[]).map((x) => auxKeyOf(x, depth + 1)).join('')}]`;
  if (isTypedArray(o)) return `a${o.constructor.name}${valuesText(o as ArrayLike<number | bigint>)};`;
  if (o instanceof Date) return `d${o.getTime()};`;
  if (kind === 'opaque') return `o${identity(o)};`;
  const head = kind === 'plain' ? '{' : `c${identity(o.constructor)}{`;
  return head + fieldNames(o).map((k) => `${k}:${auxKeyOf((o as any)[k], depth + 1)}`).join('') + '}';
}

function valuesKey(t: Tensor): string {
  const d = t._data!;
  if (d.length <= 64) return valuesText(d);
  // FNV-1a over the values as float64 (dtype-independent); 2 × 32 bits
  const f = new Float64Array(1);
  const bytes = new Uint8Array(f.buffer);
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ d.length;
  for (let i = 0; i < d.length; i++) {
    const x = Number(d[i]);
    f[0] = Number.isNaN(x) ? NaN : x === 0 ? 0 : x;
    for (let j = 0; j < 8; j++) {
      h1 = Math.imul(h1 ^ bytes[j], 0x01000193);
      h2 = Math.imul(h2 ^ bytes[7 - j], 0x01000193) ^ (h1 >>> 7);
    }
  }
  return `#${d.length}:${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}

function valuesText(d: ArrayLike<number | bigint>): string {
  let s = '';
  for (let i = 0; i < d.length; i++) {
    const x = Number(d[i]);
    s += (Number.isNaN(x) ? 'NaN' : x === 0 ? '0' : String(d[i])) + ',';
  }
  return s;
}

/**
 * Rebuilds an argument with its traced leaves replaced by `makeLeaf(value, path)`. Arrays and
 * objects are copied (class instances keep their prototype); static leaves are passed as they are.
 */
export function rebuild(v: unknown, path: string, makeLeaf: (leaf: unknown, path: string) => unknown, depth = 0): unknown {
  if (v instanceof Tensor || typeof v === 'number' || typeof v === 'bigint') return makeLeaf(v, path);
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) throw new JitError('Argument tree is too deep or cyclic');
  const o = v as object;
  if (o instanceof Shape) return o;
  const kind = objectKind(o);
  if (kind === 'array') return (o as unknown[]).map((x, i) => rebuild(x, `${path}[${i}]`, makeLeaf, depth + 1));
  if (kind === 'opaque') { rejectRaw(o, path); return o; }
  // leaves are visited in sorted-key order (the order keyOf uses); the copy keeps the original order
  const out: any = Object.create(Object.getPrototypeOf(o));
  const sorted = fieldNames(o);
  const rebuilt = new Map<string, unknown>();
  for (const k of sorted) rebuilt.set(k, rebuild((o as any)[k], path ? `${path}.${k}` : k, makeLeaf, depth + 1));
  for (const k of Object.keys(o)) out[k] = rebuilt.get(k);
  return out;
}
