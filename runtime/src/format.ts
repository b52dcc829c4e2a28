/**
 * Printing, exactly as ΦML prints (API.md "Printing"): rank-0 values as NumPy's shortest text for
 * their dtype, rows for fewer than 8 elements, summaries (`const`, `mean ± std (min...max)`,
 * `n / N True`) otherwise, and `shape dtype onnx tracer` for traced values.
 *
 * Number text follows Python's formatting rules (round-half-even on the exact binary value), so
 * `.3f` / `.0e` agree with ΦML digit for digit; see `exactDecimal`.
 */
import { FLOAT, type DType, type TypedArray } from './dtype';
import { SUPERSCRIPT, type Shape } from './shape';

/** What printing needs of a tensor (tensor.ts's Tensor satisfies it). */
export interface Printable {
  readonly shape: Shape;
  readonly dtype: DType;
  /** Undefined for tracers. */
  readonly _data: TypedArray | undefined;
}

/** Printing threshold: tensors with at least this many elements print as a summary. */
const ROW_THRESHOLD = 8;

/** dtypes printed without a dtype token: bool, int32 and the global float precision (ΦML's is_unexpected_dtype). */
function isExpectedDType(d: DType): boolean { return d === FLOAT || d === 'int32' || d === 'bool'; }

export function formatTensor(t: Printable): string {
  const data = t._data;
  if (data === undefined) return `${t.shape} ${t.dtype} onnx tracer`;
  if (t.shape.rank === 0) return (isExpectedDType(t.dtype) ? '' : t.dtype + ' ') + formatScalar(data, 0, t.dtype);
  if (t.shape.volume < ROW_THRESHOLD) return formatRow(t, data);
  return formatSummary(t, data);
}

/** A rank-0 value: NumPy's `str` of the scalar (shortest round-trip digits for its dtype). */
export function formatScalar(data: TypedArray, i: number, dtype: DType): string {
  if (dtype === 'complex64') return complexText(data[2 * i] as number, data[2 * i + 1] as number);
  const v = data[i];
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (dtype === 'int32') return String(v);
  return dtype === 'float32' ? float32Text(v as number) : pythonFloatRepr(v as number);
}

// --- rows ---

function formatRow(t: Printable, data: TypedArray): string {
  const shape = t.shape;
  let content: string;
  if (shape.rank === 1) {
    const d = shape.dims[0];
    content = formatVector(data, 0, d.size!, 1, d.labels, t.dtype);
    if (d.name === '~vector') content = '~' + content;
    else if (!(d.name === 'vector' && d.kind === 'channel')) content += ` along ${d.name}${SUPERSCRIPT[d.kind]}`;
  } else {
    const chans = shape.dims.map((d, i) => (d.kind === 'channel' ? i : -1)).filter((i) => i >= 0);
    const sizes = shape.sizes as number[];
    const strides = stridesOf(sizes);
    const rows: string[] = [];
    if (chans.length) {
      // one vector per combination of the other indices, in shape order; several channel dims are
      // flattened into one vector (row-major in shape order) without item names, as ΦML does
      const others = sizes.map((_, i) => i).filter((i) => !chans.includes(i));
      const labels = chans.length === 1 ? shape.dims[chans[0]].labels : undefined;
      forEachIndex(others.map((i) => sizes[i]), (idx) => {
        let base = 0;
        idx.forEach((k, j) => { base += k * strides[others[j]]; });
        const items: string[] = [];
        forEachIndex(chans.map((i) => sizes[i]), (cidx) => {
          let at = base;
          cidx.forEach((k, j) => { at += k * strides[chans[j]]; });
          const v = formatElement(data, at, t.dtype);
          items.push(labels ? `${labels[items.length]}=${v}` : v);
        });
        rows.push(`(${items.join(', ')})`);
      });
    } else {
      for (let i = 0; i < shape.volume; i++) rows.push(formatElement(data, i, t.dtype));
    }
    content = rows.length ? `${rows.join('; ')} ${shape}` : String(shape); // empty: ΦML prints just the shape
  }
  if (!isExpectedDType(t.dtype)) content += ' ' + t.dtype;
  return content;
}

function formatVector(data: TypedArray, base: number, n: number, stride: number, labels: readonly string[] | undefined, dtype: DType): string {
  const items: string[] = [];
  for (let k = 0; k < n; k++) {
    const s = formatElement(data, base + k * stride, dtype);
    items.push(labels ? `${labels[k]}=${s}` : s);
  }
  return `(${items.join(', ')})`;
}

function formatElement(data: TypedArray, i: number, dtype: DType): string {
  if (dtype === 'complex64') return complexText(data[2 * i] as number, data[2 * i + 1] as number);
  const v = data[i];
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (typeof v === 'bigint' || dtype === 'int32') return String(v);
  return formatFixed(v as number, 3);
}

// --- summaries ---

function formatSummary(t: Printable, data: TypedArray): string {
  const tokens = [String(t.shape)];
  if (!isExpectedDType(t.dtype)) tokens.push(t.dtype);
  if (t.dtype === 'complex64') {
    // ΦML: `|...| < max(abs(t))`, the bound printed as a float32 scalar
    let bound = -Infinity;
    for (let i = 0; i < data.length; i += 2) {
      const a = Math.fround(Math.hypot(data[i] as number, data[i + 1] as number));
      if (Number.isNaN(a)) { bound = NaN; break; } // NaN propagates, as ΦML's max
      if (a > bound) bound = a;
    }
    tokens.push(`|...| < ${float32Text(bound)}`);
    return tokens.join(' ');
  }
  const n = data.length;
  if (t.dtype === 'bool') {
    let count = 0;
    for (let i = 0; i < n; i++) if (data[i]) count++;
    tokens.push(`${count} / ${n} True`);
    return tokens.join(' ');
  }
  let min = Infinity, max = -Infinity, sum = 0, finite = 0, hasNaN = false, maxAll = -Infinity;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = Number(data[i]);
    values[i] = x;
    if (Number.isNaN(x)) { hasNaN = true; continue; }
    if (x > maxAll) maxAll = x;
    if (!Number.isFinite(x)) continue;
    finite++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = finite ? sum / finite : NaN;
  // ΦML's finite_min / finite_max are NaN without finite values, so such data prints `nan ± nan (nan...nan)`
  if (finite === 0) { min = NaN; max = NaN; }
  if (min === max) {
    // the constant itself: summing n copies can round (0.1 × 10 / 10 is 0.09999999999999999);
    // `/ nan` when the NaN-propagating max differs from it (NaN or ±inf values, as ΦML)
    tokens.push(`const ${pythonFloatRepr(min === 0 ? mean : min)}${hasNaN || maxAll !== max ? ' / nan' : ''}`);
    return tokens.join(' ');
  }
  // ΦML takes std over all values (NaN propagates) around the mean of all values.
  let meanAll = 0;
  for (let i = 0; i < n; i++) meanAll += values[i];
  meanAll /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i] - meanAll) ** 2;
  const std = Math.sqrt(sq / n);
  const tiny = (v: number) => Math.abs(v) < 0.001 || Math.abs(v) > 1000;
  if (tiny(mean) || tiny(std)) tokens.push(`${formatExp(mean, 2)} ± ${formatExp(std, 1)}`);
  else tokens.push(`${formatFixed(mean, 3)} ± ${formatFixed(std, 3)}`);
  tokens.push(`(${formatExp(min, 0)}...${formatExp(max, 0)})`);
  return tokens.join(' ');
}

// --- shared index helpers ---

export function stridesOf(sizes: readonly number[]): number[] {
  const s = new Array<number>(sizes.length);
  let acc = 1;
  for (let i = sizes.length - 1; i >= 0; i--) { s[i] = acc; acc *= sizes[i]; }
  return s;
}

function forEachIndex(sizes: readonly number[], fn: (idx: number[]) => void): void {
  const idx = new Array<number>(sizes.length).fill(0);
  const total = sizes.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    fn(idx);
    for (let d = sizes.length - 1; d >= 0; d--) {
      if (++idx[d] < sizes[d]) break;
      idx[d] = 0;
    }
  }
}

// --- number text ---

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/** Shortest decimal digits that round-trip through float32, as (sign, digits, exponent of first digit). */
function shortestFloat32(x: number): { neg: boolean; digits: string; exp: number } {
  const a = Math.abs(x);
  for (let p = 1; p <= 9; p++) {
    const s = a.toExponential(p - 1);
    if (Math.fround(parseFloat(s)) === Math.fround(a)) return splitExp(x < 0 || Object.is(x, -0), s);
  }
  return splitExp(x < 0, a.toExponential(8));
}

function shortestFloat64(x: number): { neg: boolean; digits: string; exp: number } {
  return splitExp(x < 0 || Object.is(x, -0), Math.abs(x).toExponential());
}

function splitExp(neg: boolean, s: string): { neg: boolean; digits: string; exp: number } {
  const [mant, e] = s.split('e');
  return { neg, digits: mant.replace('.', '').replace(/0+$/, '') || '0', exp: parseInt(e, 10) };
}

function layout(p: { neg: boolean; digits: string; exp: number }, sciAbove: number, value: number): string {
  const a = Math.abs(value);
  const sign = p.neg ? '-' : '';
  if (a !== 0 && (a < 1e-4 || a >= sciAbove)) {
    const m = p.digits.length > 1 ? `${p.digits[0]}.${p.digits.slice(1)}` : p.digits;
    return `${sign}${m}e${p.exp < 0 ? '-' : '+'}${String(Math.abs(p.exp)).padStart(2, '0')}`;
  }
  const digits = p.digits;
  const point = p.exp + 1; // digits before the decimal point
  let int: string, frac: string;
  if (point <= 0) { int = '0'; frac = '0'.repeat(-point) + digits; }
  else if (point >= digits.length) { int = digits + '0'.repeat(point - digits.length); frac = ''; }
  else { int = digits.slice(0, point); frac = digits.slice(point); }
  return `${sign}${int}.${frac || '0'}`;
}

/**
 * NumPy's `str(np.complex64(re + im·j))`: `(1+2j)`, `(-2-0j)`, `2j` (a +0 real part is left out),
 * `(nan+infj)`; each part as NumPy's float32 text without a trailing `.0`.
 */
export function complexText(re: number, im: number): string {
  const part = (x: number) => float32Text(x).replace(/\.0(?=$|e)/, '');
  const imText = part(im);
  const signed = imText.startsWith('-') ? imText : `+${imText}`;
  if (re === 0 && !Object.is(re, -0)) return `${imText}j`;
  return `(${part(re)}${signed}j)`;
}

/** NumPy's `str(np.float32(x))`: `2.0`, `0.33333334`, `1e-07`, `1.2345679e+08`. */
export function float32Text(x: number): string {
  return special(x) ?? layout(shortestFloat32(x), 1e6, x);
}

/** Python's `repr(float)` (also NumPy's float64 `str`): `1.0`, `-0.7568024953079282`, `1e-05`. */
export function pythonFloatRepr(x: number): string {
  return special(x) ?? layout(shortestFloat64(x), 1e16, x);
}

/**
 * Exact decimal expansion of a double: digits (no leading zeros) and the position of the decimal
 * point relative to them. Used for Python-exact rounding (ties to even on the true binary value).
 */
function exactDecimal(x: number): { digits: string; point: number } {
  const a = Math.abs(x);
  if (a === 0) return { digits: '0', point: 1 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (expBits === 0) e2 = -1074;
  else { mant |= 1n << 52n; e2 = expBits - 1075; }
  if (e2 >= 0) {
    const s = (mant << BigInt(e2)).toString();
    return { digits: s, point: s.length };
  }
  // mant / 2^-e2 = mant * 5^-e2 / 10^-e2
  const s = (mant * 5n ** BigInt(-e2)).toString();
  return { digits: s, point: s.length + e2 };
}

/** Rounds digit string to `keep` digits (half to even, exact). Returns digits and a carry flag. */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (keep >= digits.length) return { digits: digits + '0'.repeat(keep - digits.length), carry: false };
  if (keep < 0) return { digits: '', carry: false };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  let up: boolean;
  if (rest[0] > '5') up = true;
  else if (rest[0] < '5') up = false;
  else if (/[1-9]/.test(rest.slice(1))) up = true;
  else up = keep > 0 ? Number(head[keep - 1]) % 2 === 1 : false; // exact tie: to even
  if (!up) return { digits: head, carry: false };
  const arr = head.split('').map(Number);
  let i = arr.length - 1;
  while (i >= 0) {
    if (arr[i] === 9) { arr[i] = 0; i--; }
    else { arr[i]++; break; }
  }
  if (i < 0) return { digits: '1' + arr.join(''), carry: true };
  return { digits: arr.join(''), carry: false };
}

/** Python's `format(x, '.Nf')`. */
export function formatFixed(x: number, decimals: number): string {
  const sp = special(x);
  if (sp) return sp;
  const neg = x < 0 || Object.is(x, -0);
  const { digits, point } = exactDecimal(x);
  // digits[0..point) integer part; keep point + decimals digits
  let keep = point + decimals;
  let ds = digits;
  if (keep < 0) { ds = '0'; keep = 0; }
  let { digits: r, carry } = roundDigits(ds, keep);
  let intLen = point + (carry ? 1 : 0);
  if (keep === 0 && !carry) { r = ''; }
  // rebuild
  let full = r;
  if (intLen <= 0) { full = '0'.repeat(1 - intLen) + full; intLen = 1; }
  full = full.padEnd(intLen + decimals, '0');
  const int = full.slice(0, intLen).replace(/^0+(?=\d)/, '');
  const frac = full.slice(intLen, intLen + decimals);
  return `${neg ? '-' : ''}${int || '0'}${decimals > 0 ? '.' + frac : ''}`;
}

/** Python's `format(x, '.Ne')`: `9e+00`, `4.50e+00`, `3.2e-05`. */
export function formatExp(x: number, decimals: number): string {
  const sp = special(x);
  if (sp) return sp;
  const neg = x < 0 || Object.is(x, -0);
  let mant: string, exp: number;
  if (x === 0) { mant = '0'.repeat(decimals + 1); exp = 0; }
  else {
    const { digits, point } = exactDecimal(x);
    const lead = digits.search(/[1-9]/);
    const sig = digits.slice(lead);
    const { digits: r, carry } = roundDigits(sig, decimals + 1);
    mant = carry ? r.slice(0, decimals + 1) : r;
    exp = point - lead - 1 + (carry ? 1 : 0);
  }
  const m = decimals > 0 ? `${mant[0]}.${mant.slice(1)}` : mant[0];
  return `${neg ? '-' : ''}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}
