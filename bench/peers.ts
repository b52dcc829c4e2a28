/**
 * The peers, loaded lazily so that a missing one is reported, not fatal: TensorFlow.js
 * (tfjs-core with the cpu and wasm backends) and jax-js (`jit` on its wasm backend). All are
 * devDependencies used by the benchmarks only.
 */
import * as fs from 'fs';
import * as path from 'path';

export function versionOf(pkg: string): string | undefined {
  try {
    const main = require.resolve(pkg);
    for (let d = path.dirname(main); d !== path.dirname(d); d = path.dirname(d)) {
      const pj = path.join(d, 'package.json');
      if (fs.existsSync(pj)) {
        const j = JSON.parse(fs.readFileSync(pj, 'utf8'));
        if (j.name === pkg) return j.version;
      }
    }
  } catch { /* not installed */ }
  return undefined;
}

export type TF = typeof import('@tensorflow/tfjs-core');
export type Jax = typeof import('@jax-js/jax');

let tf: TF | undefined;
let tfError: string | undefined;
let wasmThreads: number | undefined;

/** tfjs-core with the cpu and wasm backends registered (undefined + reason when not installed). */
export async function loadTf(): Promise<TF | undefined> {
  if (tf || tfError) return tf;
  try {
    // tfjs prints a hint to install tfjs-node on first use; keep the bench output clean
    const warn = console.warn, log = console.log;
    console.warn = () => {}; console.log = () => {};
    try {
      const core: TF = require('@tensorflow/tfjs-core');
      require('@tensorflow/tfjs-backend-cpu');
      const wasm = require('@tensorflow/tfjs-backend-wasm');
      core.env().set('IS_TEST', false);
      await core.setBackend('cpu');
      await core.setBackend('wasm');
      wasmThreads = typeof wasm.getThreadsCount === 'function' ? wasm.getThreadsCount() : undefined;
      await core.setBackend('cpu');
      core.tensor([1]).dispose(); // the cpu backend's first write prints a hint to install tfjs-node
      tf = core;
    } finally {
      console.warn = warn; console.log = log;
    }
  } catch (e) {
    tfError = (e as Error).message.split('\n')[0];
  }
  return tf;
}

let jax: Jax | undefined;
let jaxError: string | undefined;

/** jax-js on its wasm backend (the only one it has in Node). */
export async function loadJax(): Promise<Jax | undefined> {
  if (jax || jaxError) return jax;
  try {
    const j: Jax = require('@jax-js/jax');
    await j.init('wasm');
    j.defaultDevice('wasm');
    jax = j;
  } catch (e) {
    jaxError = (e as Error).message.split('\n')[0];
  }
  return jax;
}

export function peerInfo(): Record<string, unknown> {
  return {
    '@tensorflow/tfjs-core': versionOf('@tensorflow/tfjs-core') ?? 'not installed',
    '@tensorflow/tfjs-backend-cpu': versionOf('@tensorflow/tfjs-backend-cpu') ?? 'not installed',
    '@tensorflow/tfjs-backend-wasm': versionOf('@tensorflow/tfjs-backend-wasm') ?? 'not installed',
    tfjsWasmThreads: wasmThreads,
    '@jax-js/jax': versionOf('@jax-js/jax') ?? 'not installed',
    'onnxruntime-node': versionOf('onnxruntime-node') ?? 'not installed',
    ...(tfError ? { tfjsError: tfError } : {}),
    ...(jaxError ? { jaxError } : {}),
  };
}

export const TF_VERSION = () => versionOf('@tensorflow/tfjs-core');
export const JAX_VERSION = () => versionOf('@jax-js/jax');
