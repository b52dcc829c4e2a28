/**
 * Checks of user input that many entry points share: option records (an unknown option name is
 * always an error: a typo must not silently fall back to a default), environment variables (each
 * parsed once per value and refused outside its range), and a short description of any JS value
 * for messages. Each error names the value and says what would be accepted.
 */
import { ConfigError } from './errors';

/** A JS value as messages show it: `null`, `the string '3'`, `the number NaN`, `an array`, `a Map`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  switch (typeof v) {
    case 'string': return `the string ${JSON.stringify(v)}`;
    case 'number': return `the number ${v}`;
    case 'bigint': return `the bigint ${v}n`;
    case 'boolean': return `the boolean ${v}`;
    case 'function': return `a function${v.name ? ` (${v.name})` : ''}`;
    case 'symbol': return v.toString();
  }
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** True for `{ ... }` records (not arrays, class instances, Maps, Shapes, …). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Refuses option records that are not records or that hold names outside `allowed`.
 * `make` builds the error (each caller throws its own error type); `hint` may add to the message
 * of an unknown name (e.g. how to give a dim instead).
 */
export function checkOptions(
  fn: string,
  options: unknown,
  allowed: readonly string[],
  make: (message: string) => Error,
  hint?: (key: string, value: unknown) => string,
): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw make(`${fn}: options must be an object such as { ${allowed[0]}: … }, got ${describeValue(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      const near = allowed.find((a) => a.toLowerCase() === k.toLowerCase() || editDistance(a, k) <= 2);
      const extra = near ? `Did you mean '${near}'?` : hint?.(k, (options as Record<string, unknown>)[k]);
      throw make(`${fn}: unknown option '${k}'; the options are ${allowed.map((a) => `'${a}'`).join(', ')}${extra ? `. ${extra}` : ''}`);
    }
  }
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** A finite JS number, or an error naming the option. */
export function checkFinite(fn: string, what: string, v: unknown, make: (message: string) => Error): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw make(`${fn}: ${what} must be a finite number, got ${describeValue(v)}`);
  return v;
}

const envCache = new Map<string, { raw: string | undefined; value: number }>();

/**
 * An integer environment variable within [min, max], `fallback` when unset or empty. Parsed once
 * per distinct value (this runs on every session load), refused with a ConfigError otherwise.
 */
export function envInt(name: string, min: number, max: number, fallback: number): number {
  const raw = process.env[name];
  const cached = envCache.get(name);
  if (cached && cached.raw === raw) return cached.value;
  let value = fallback;
  if (raw !== undefined && raw.trim() !== '') {
    const text = raw.trim();
    const n = /^[+]?\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name}=${JSON.stringify(raw)} is not allowed: use an integer from ${min} to ${max} (or unset it for the default, ${fallback})`);
    }
    value = n;
  }
  envCache.set(name, { raw, value });
  return value;
}
