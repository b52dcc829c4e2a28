/**
 * The `math` namespace: creation, operations, and the JIT entry points (ΦML's `phiml.math`).
 */
export { tensor, wrap, zeros, ones, zerosLike, onesLike, randomNormal, randomUniform, linspace, range, vec } from './create';
export type { TensorData, DTypeOption, NormalOptions, UniformOptions } from './create';
export * from './operations';
export { seed } from './ops/random';
