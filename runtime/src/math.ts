/**
 * The `math` namespace: creation, operations, and the JIT entry points (ΦML's `phiml.math`).
 */
export { tensor, wrap, zeros, ones, zerosLike, onesLike, randomNormal, randomUniform, linspace, range, vec } from './create';
export type { TensorData, DTypeOption, NormalOptions, UniformOptions } from './create';
export * from './operations';
export { seed } from './ops/random';
export { jitCompile, traceCheck, type JitFunction, type JitOptions, type JitMeta, type TraceInfo } from './jit/function';
export { jitOf } from './jit/jitof';
export { use, type Backend } from './jit/backend';
export { setDevice, getDevice, type DeviceKind, type DeviceOptions } from './session/device';
export { whileLoop, iterate, type LoopState, type WhileLoopOptions } from './loops';
export { solveLinear, type SolveOptions, type LinearOperator } from './solve';
export { gradient, jacobian, stopGradient, customGradient, type GradientOptions } from './autodiff/gradient';
export { minimize, type MinimizeOptions, type MinimizeMethod } from './autodiff/minimize';
export * from './library/stencil';
export * from './library/functions';
export * from './library/vectors';
export * from './library/sorting';
export * from './library/indexing';
export * from './library/functional';
export * from './library/grid';
export * from './library/reductions';
export * from './library/dims';
export * from './library/complex';
export { setPrecision, getPrecision, precision } from './dtype';
