/**
 * Typed errors. Each names what is wrong and, where there is one, the fix: users meet these
 * messages first, so they are part of the API.
 */
import type { Tensor } from './tensor';

/** Dims that do not fit: unknown names, size mismatches (`x: 3 vs 4`), bad shape specs. */
export class ShapeError extends Error {
  override name = 'ShapeError';
  constructor(message: string, readonly shapes: readonly unknown[] = []) { super(message); }
}

/** An unsupported dtype or a dtype that an op cannot take. */
export class DTypeError extends Error {
  override name = 'DTypeError';
}

/** Data that cannot become a tensor: ragged nested arrays, size mismatches, unsupported values. */
export class TensorDataError extends Error {
  override name = 'TensorDataError';
}

/**
 * A traced value (inside a jit trace) was turned into a JS value: `.all`, `.item()`, `Number(t)`,
 * `t > 0`, … The message names the jit function and the arguments the value depends on.
 */
export class TracerConversionError extends Error {
  override name = 'TracerConversionError';
}

/** Misuse of jit functions: unknown auxiliary names, bad signatures, leaked tracers, … */
export class JitError extends Error {
  override name = 'JitError';
}

/** onnxruntime failed to build or run a compiled function; names the function (and op if known). */
export class CompiledRunError extends Error {
  override name = 'CompiledRunError';
  constructor(message: string, override readonly cause?: unknown) { super(message); }
}

/** A device (CUDA) could not be used; says which library is missing and how to install it. */
export class DeviceError extends Error {
  override name = 'DeviceError';
}

/**
 * A configuration value outside its allowed range: an environment variable such as
 * `TENSORJIT_THREADS=-3`. Names the variable, the value and what is allowed.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * An iterative solve (math.solveLinear, math.minimize) did not reach its tolerance within
 * maxIterations, or diverged. Holds the last estimate `x` (when it is one tensor), its `residual`
 * (for minimize: the loss reached) and the `iterations`.
 */
export class NotConvergedError extends Error {
  override name = 'NotConvergedError';
  constructor(message: string, readonly x?: Tensor, readonly residual?: Tensor, readonly iterations?: Tensor) { super(message); }
}
