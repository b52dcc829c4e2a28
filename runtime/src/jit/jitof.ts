/**
 * `math.jitOf(f)`: the typed view of a jit function. A `/** @jit *\/ function f` is typed by
 * TypeScript as the plain function it is written as; at run time (after the transformer) it is a
 * JitFunction, so `math.jitOf(f).traces`, `.async`, `.exportOnnx`, `.forgetTraces` need no `as any`.
 */
import { JitError } from '../errors';
import { jitStateOf, type JitFunction } from './function';

export function jitOf<F extends (...args: any[]) => any>(f: F): JitFunction<F> {
  if (jitStateOf(f)) return f as unknown as JitFunction<F>;
  const what = typeof f === 'function' ? `${f.name || 'the function'} is a plain function` : `jitOf expects a jit function, got ${f === null ? 'null' : typeof f}`;
  throw new JitError(`${what}, not a jit function: mark it /** @jit */ and build with the tensorjit transformer ` +
    `(without it, /** @jit */ is only a comment; see docs/transformer.md), or create it with math.jitCompile(f)`);
}
