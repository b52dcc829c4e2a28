/**
 * tensorjit: named-dimension tensors for TypeScript with a ΦML-style JIT to ONNX.
 */
import './methods';
import { watchForUntransformedJsdoc } from './jit/untransformed';
export * as math from './math';
export * as controlFlow from './controlflow';
export { Tensor, isTensor } from './tensor';
export type { Complex } from './tensor';
export { Shape, batch, dual, instance, spatial, channel, concatShapes, type Dim, type DimKind, type DimSelection } from './shape';
export { vec } from './create';
export { jit, type JitFunction, type JitOptions, type JitMeta, type TraceInfo } from './jit/function';
export type { DType, TypedArray } from './dtype';
export { ShapeError, DTypeError, TensorDataError, TracerConversionError, JitError, CompiledRunError, DeviceError, ConfigError, NotConvergedError } from './errors';

// `/** @jit */` functions without the transformer are plain functions: look for them in the code that loaded tensorjit
watchForUntransformedJsdoc();
