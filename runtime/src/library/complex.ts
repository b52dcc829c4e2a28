/**
 * Complex numbers (ΦML's `fft`, `ifft`, `real`, `imag`, `conjugate`, `to_complex`, `angle`). The
 * dtype is complex64 (ops/complex.ts: storage, which ops take it, the ONNX layout); real inputs
 * are converted where ΦML converts them.
 */
import { Tensor } from '../tensor';
import { type DimSelection, selectionNames } from '../shape';
import { bind } from '../ops/registry';
import * as cx from '../ops/complex';
import { cast, presentDims, type TensorLike } from '../operations';
import { wrap, zerosLike } from '../create';
import { arctan2 } from './functions';

const asTensor = (x: TensorLike): Tensor => (x instanceof Tensor ? x : wrap(x as number));

function fftDims(x: Tensor, dims: DimSelection | undefined, fn: string): string[] {
  // ΦML: all spatial dims by default; absent dims are ignored (math.setStrictDims(true) refuses them)
  return dims === undefined ? x.shape.spatial.names : presentDims(x.shape, selectionNames(dims, fn), fn);
}

/** The discrete Fourier transform over `dims` (all spatial dims by default); complex64. */
export function fft(x: Tensor, dims?: DimSelection): Tensor {
  const names = fftDims(x, dims, 'math.fft');
  return names.length ? bind(cx.fft, [x], { dims: names, inverse: false }) : toComplex(x);
}

/** The inverse transform of `fft` (scaled by 1 / n, as NumPy's): `ifft(fft(x))` ≈ x as complex64. */
export function ifft(k: Tensor, dims?: DimSelection): Tensor {
  const names = fftDims(k, dims, 'math.ifft');
  return names.length ? bind(cx.fft, [k], { dims: names, inverse: true }) : toComplex(k);
}

/**
 * complex64 values: `toComplex(x)` converts a real tensor (imaginary part 0, ΦML's `to_complex`);
 * `toComplex(re, im)` builds them from two real tensors or numbers, broadcast by name.
 */
export function toComplex(re: TensorLike, im?: TensorLike): Tensor {
  const r = asTensor(re);
  if (im === undefined) return r.dtype === 'complex64' ? r : cast(r, 'complex64');
  return bind(cx.complex, [r, asTensor(im)], undefined);
}

/** The real part (float32); a real tensor is returned as it is. */
export function real(x: Tensor): Tensor {
  return x.dtype === 'complex64' ? bind(cx.real, [x], undefined) : x;
}

/** The imaginary part (float32); zeros of the same shape and dtype for a real tensor (ΦML). */
export function imag(x: Tensor): Tensor {
  return x.dtype === 'complex64' ? bind(cx.imag, [x], undefined) : zerosLike(x);
}

/** The complex conjugate; a real tensor is returned as it is. */
export function conjugate(x: Tensor): Tensor {
  return x.dtype === 'complex64' ? bind(cx.conjugate, [x], undefined) : x;
}

/** The argument (phase) in (−π, π]: `arctan2(imag(x), real(x))`. */
export function angle(x: Tensor): Tensor {
  return arctan2(imag(x), real(x));
}

/** |x|² without the square root: `real(x)² + imag(x)²` (float32), `x²` for a real tensor. */
export function absSquare(x: Tensor): Tensor {
  const re = real(x), im = imag(x);
  return x.dtype === 'complex64' ? re.mul(re).add(im.mul(im)) : x.mul(x);
}
