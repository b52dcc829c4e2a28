// The toolchain probe: a JSDoc-marked jit function and a jitCompile function whose conditions test a
// tensor. Converted: relu(-1, 2) = (0, 2) and flip(-1, 2) = (1, 2); untransformed (an object is
// always truthy) both give (-1, 2), with TENSORJIT_UNTRANSFORMED warnings.
import { math, spatial, Tensor } from 'tensorjit';
import { digits } from './helper';

/** @jit */
export function relu(x: Tensor): Tensor {
  if (x.gt(0)) return x;
  return math.zerosLike(x);
}

export const flip = math.jitCompile((x: Tensor) => (x.gt(0) ? x : x.neg()));

export const input = (): Tensor => math.tensor([-1, 2], spatial('x'));

export function show(t: Tensor): string {
  return `(${Array.from(t.data as Float32Array, (v) => v.toFixed(digits)).join(', ')})`;
}
