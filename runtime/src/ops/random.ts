/**
 * Random numbers. Eagerly they come from a seedable generator (`math.seed`); inside a trace they
 * are recorded as ONNX RandomNormal / RandomUniform nodes, so every compiled call draws anew.
 */
import type { Shape } from '../shape';
import { allocate, isFloat, type DType } from '../dtype';
import { definePrimitive, type OnnxAttr } from './registry';
import { toInt64 } from '../eager/kernels';
import { TensorDataError } from '../errors';
import { describeValue } from '../validate';

/** xoshiro128** — small, fast, and good enough for simulation noise. */
class Rng {
  private s = new Uint32Array(4);
  constructor(seed: number) { this.seed(seed); }
  seed(seed: number): void {
    // splitmix32 to spread the seed over the state
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }
  /** Uniform in [0, 1). */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result / 4294967296;
  }
}
function rotl(x: number, k: number): number { return ((x << k) | (x >>> (32 - k))) >>> 0; }

const rng = new Rng((Date.now() ^ (process.pid << 16)) >>> 0);
let onnxSeed: number | undefined;

/** Seeds the eager generator and the seed given to compiled random nodes traced afterwards. */
export function seed(value: number): void {
  if (!Number.isSafeInteger(value)) throw new TensorDataError(`math.seed: the seed must be an integer, got ${describeValue(value)}`);
  rng.seed(value);
  onnxSeed = value;
}

export interface RandomParams {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly dist: 'normal' | 'uniform';
  /** normal: mean / std; uniform: low / high. */
  readonly a: number;
  readonly b: number;
}

export const random = definePrimitive<RandomParams>({
  name: 'random',
  group: 'random',
  effectful: true,
  shape: (_ins, p) => p.shape,
  dtype: (_ins, p) => p.dtype,
  impl: (_ins, p) => {
    const n = p.shape.volume;
    const v = new Float64Array(n);
    if (p.dist === 'uniform') for (let i = 0; i < n; i++) v[i] = p.a + (p.b - p.a) * rng.next();
    else {
      for (let i = 0; i < n; i += 2) {
        // Box–Muller: two normals per pair of uniforms
        const u = 1 - rng.next(), w = rng.next();
        const r = Math.sqrt(-2 * Math.log(u));
        v[i] = p.a + p.b * r * Math.cos(2 * Math.PI * w);
        if (i + 1 < n) v[i + 1] = p.a + p.b * r * Math.sin(2 * Math.PI * w);
      }
    }
    if (!isFloat(p.dtype)) for (let i = 0; i < n; i++) v[i] = Math.floor(v[i]);
    if (p.dtype === 'int64') return toInt64(v);
    const out = allocate(p.dtype, n) as Float32Array;
    out.set(v);
    return out;
  },
  lower: (g, _ins, p) => {
    const floatT: DType = p.dtype === 'float64' ? 'float64' : 'float32';
    const attrs: Record<string, OnnxAttr> = {
      dtype: floatT === 'float64' ? 11 : 1,
      shape: p.shape.sizes as number[],
      ...(p.dist === 'normal' ? { mean: { float: p.a }, scale: { float: p.b } } : { low: { float: p.a }, high: { float: p.b } }),
    };
    if (onnxSeed !== undefined) attrs.seed = { float: onnxSeed };
    const r = g.node(p.dist === 'normal' ? 'RandomNormal' : 'RandomUniform', [], attrs);
    if (isFloat(p.dtype)) return g.cast(r, floatT, p.dtype);
    return g.cast(g.node('Floor', [r]), floatT, p.dtype);
  },
});
