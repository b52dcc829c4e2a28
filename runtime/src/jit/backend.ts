/**
 * `math.use('onnx' | 'js')`: what jit functions compile for. 'js' runs them eagerly (with a
 * one-time warning per function), like ΦML on its NumPy backend.
 */
import { JitError } from '../errors';

export type Backend = 'onnx' | 'js';
let backend: Backend = 'onnx';

export function use(b: Backend): void {
  if (b !== 'onnx' && b !== 'js') throw new JitError(`Unknown backend '${String(b)}': use 'onnx' (compile to ONNX) or 'js' (run eagerly)`);
  backend = b;
}

export function currentBackend(): Backend { return backend; }
