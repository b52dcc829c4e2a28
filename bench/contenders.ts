/**
 * Contender factories: the same computation as tensorjit compiled, tensorjit eager, raw
 * onnxruntime-node, TensorFlow.js (cpu / wasm backends) and jax-js (jit, wasm). Each call returns
 * its result as a typed array readable in JS, as a user of that library would get it.
 */
import { Tensor, type JitFunction } from 'tensorjit';
import type { Contender } from './harness';
import { NativeRunner, exported, publicRunner } from './ort';
import { TF_VERSION, JAX_VERSION, versionOf, type TF, type Jax } from './peers';

type TfTensor = import('@tensorflow/tfjs-core').Tensor;
type JaxArray = import('@jax-js/jax').Array;

export interface Input { readonly data: Float32Array; readonly shape: number[] }

export function inputOf(t: Tensor): Input {
  return { data: t.data as Float32Array, shape: t.shape.sizes as number[] };
}

export function compiled(fun: JitFunction, args: readonly unknown[], name = 'tensorjit compiled'): Contender {
  return {
    name, kind: 'tensorjit',
    setup() { fun(...args); },
    run: () => (fun(...args) as Tensor).data,
    output: () => (fun(...args) as Tensor).data as Float32Array,
  };
}

/**
 * tensorjit compiled with one intra-op thread (TENSORJIT_THREADS=1 while its session is created):
 * the peers' wasm and JS kernels run on one thread.
 */
export function compiledOneThread(fun: JitFunction, args: readonly unknown[]): Contender {
  return {
    name: 'tensorjit compiled, 1 thread', kind: 'tensorjit', note: 'TENSORJIT_THREADS=1 (the default uses up to all cores for graphs this large)',
    setup() {
      const prev = process.env.TENSORJIT_THREADS;
      process.env.TENSORJIT_THREADS = '1';
      try { fun(...args); } finally { if (prev === undefined) delete process.env.TENSORJIT_THREADS; else process.env.TENSORJIT_THREADS = prev; }
    },
    run: () => (fun(...args) as Tensor).data,
    output: () => (fun(...args) as Tensor).data as Float32Array,
    teardown: () => fun.forgetTraces(),
  };
}

export function eager(fn: (...a: any[]) => Tensor, args: readonly unknown[], name = 'tensorjit eager'): Contender {
  return {
    name, kind: 'tensorjit', note: 'plain-JS kernels, op by op (no jit)',
    run: () => fn(...args).data,
    output: () => fn(...args).data as Float32Array,
  };
}

/** The model tensorjit exports for `fun(...args)`, run by onnxruntime-node's native binding directly. */
export function nativeOrt(fun: JitFunction, args: readonly Tensor[], callArgs: readonly unknown[] = args): Contender {
  let r: NativeRunner | undefined;
  return {
    name: 'onnxruntime-node native run', kind: 'reference', version: versionOf('onnxruntime-node'),
    note: 'the exported model, synchronous native binding, pre-built feeds (no tensorjit)',
    setup() {
      const ex = exported(fun, callArgs);
      r = new NativeRunner(ex.bytes, ex.inputs, args, ex.outputs, ex.threads);
      r.run();
    },
    run: () => r!.run(),
    output: () => r!.run(),
    teardown() { r?.dispose(); },
  };
}

/** The same model through onnxruntime-node's public API (`await session.run(feeds)`). */
export function publicOrt(fun: JitFunction, args: readonly Tensor[]): Contender {
  let r: Awaited<ReturnType<typeof publicRunner>> | undefined;
  return {
    name: 'onnxruntime-node public async run', kind: 'reference', version: versionOf('onnxruntime-node'), async: true,
    note: '`await session.run(feeds)` with new ort.Tensor inputs',
    async setup() {
      const ex = exported(fun, args);
      r = await publicRunner(ex.bytes, ex.inputs, args, ex.outputs, ex.threads);
      await r.run();
    },
    run: () => r!.run(),
    output: () => r!.run(),
    async teardown() { await r?.release(); },
  };
}

/** TensorFlow.js on one backend; inputs are re-created after switching the (global) backend. */
export function tfjs(tf: TF | undefined, backend: 'cpu' | 'wasm', fn: ((tf: TF) => (...xs: TfTensor[]) => TfTensor) | undefined, inputs: readonly Input[]): Contender {
  let xs: TfTensor[] = [];
  let f: ((...xs: TfTensor[]) => TfTensor) | undefined;
  const make = async () => {
    if (tf!.getBackend() !== backend) await tf!.setBackend(backend);
    xs = inputs.map((i) => tf!.tensor(i.data, i.shape, 'float32'));
  };
  const drop = () => { for (const x of xs) x.dispose(); xs = []; };
  const call = () => {
    const y = tf!.tidy(() => f!(...xs));
    const d = y.dataSync();
    y.dispose();
    return d;
  };
  return {
    name: `TensorFlow.js ${backend}`, kind: 'peer', version: TF_VERSION(),
    note: backend === 'cpu' ? 'tfjs-backend-cpu: plain-JS kernels, eager' : 'tfjs-backend-wasm: XNNPACK/SIMD kernels, eager',
    setup() {
      if (!tf) throw new Error('@tensorflow/tfjs-core is not installed');
      if (!fn) throw new Error('not expressible');
      f = fn(tf);
    },
    before: make, after: drop, run: call,
    async output() { await make(); try { return call() as Float32Array; } finally { drop(); } },
  };
}

/** jax-js: `jit(fn)` on its wasm backend; arguments passed with `.ref` so they survive the call. */
export function jaxjs(jax: Jax | undefined, fn: ((jax: Jax) => (...xs: any[]) => JaxArray) | undefined, inputs: readonly Input[], tree?: readonly string[]): Contender {
  let args: JaxArray[] = [];
  let f: any;
  const call = () => {
    const a = tree ? [Object.fromEntries(tree.map((k, i) => [k, args[i].ref]))] : args.map((x) => x.ref);
    return f(...a).dataSync();
  };
  return {
    name: 'jax-js jit (wasm)', kind: 'peer', version: JAX_VERSION(), note: 'jit: traced, fused kernels compiled to wasm; single-threaded in Node',
    setup() {
      if (!jax) throw new Error('@jax-js/jax is not installed');
      if (!fn) throw new Error('not expressible');
      args = inputs.map((i) => jax.numpy.array(i.data, { shape: i.shape }));
      f = jax.jit(fn(jax));
    },
    run: call,
    output: () => call() as Float32Array,
    teardown() { for (const a of args) a.dispose(); f?.dispose?.(); },
  };
}
