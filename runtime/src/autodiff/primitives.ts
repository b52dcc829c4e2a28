/**
 * The two primitives autodiff adds to the registry. Both are the identity on their first input
 * (no ONNX node, no eager work); they only change what the backward pass does:
 * - `stopGradient(x)`: no cotangent flows to x (ΦML's `stop_gradient`);
 * - `customVjp(y, ...args)`: y is an output of a `customGradient` function computed from `args`;
 *   the backward pass gives the cotangent of y to the user's gradient function instead of to the
 *   ops that computed y. Its inputs are `[y, ...all outputs of the call, ...args]`, so the rule sees
 *   every forward value the user's gradient function is given.
 */
import { definePrimitive } from '../ops/registry';
import type { Tensor } from '../tensor';

export const stopGradientPrim = definePrimitive<undefined>({
  name: 'stopGradient',
  group: 'elementwise',
  shape: ([x]) => x.shape,
  dtype: ([x]) => x.dtype,
  impl: ([x]) => x.data,
  lower: (_g, [x]) => x.name,
});

export interface CustomVjpParams {
  /** Distinguishes calls in CSE (params are compared by JSON text; functions are not); negative for solveLinear's. */
  readonly id: number;
  /** Which output of the function this equation carries, and how many there are. */
  readonly index: number;
  readonly count: number;
  /** Calls the user's gradient: (cotangent of output `index`, the args, all outputs) → one cotangent per arg. */
  readonly vjp: (ct: Tensor, args: readonly Tensor[], outputs: readonly Tensor[]) => readonly (Tensor | undefined)[];
}

export const customVjpPrim = definePrimitive<CustomVjpParams>({
  name: 'customVjp',
  group: 'elementwise',
  shape: ([y]) => y.shape,
  dtype: ([y]) => y.dtype,
  impl: ([y]) => y.data,
  lower: (_g, [y]) => y.name,
});
