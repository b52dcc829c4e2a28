/**
 * Raw onnxruntime-node, the floor under tensorjit's compiled calls: the model that tensorjit
 * exports for the same function, run through onnxruntime-node's synchronous native binding (what
 * its public `session.run` wraps in a Promise and `setImmediate`) or through its public async API.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor } from 'tensorjit';
import { jitStateOf, threadsFor } from 'tensorjit/internal';
import type { JitFunction } from 'tensorjit';

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: object, fetches: object, options: object): Record<string, { data: ArrayLike<number> }>;
  dispose(): void;
}

let bindingMod: { binding: { InferenceSession: new () => NativeSession }; initOrt(): void } | undefined;
function binding() {
  if (!bindingMod) {
    bindingMod = require('onnxruntime-node/dist/binding');
    bindingMod!.initOrt();
  }
  return bindingMod!.binding;
}

const ORT_TYPE: Record<string, string> = { float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', bool: 'bool' };

/** The model tensorjit compiles for `fun(...args)`, its I/O names, and the intra-op threads tensorjit gives it. */
export function exported(fun: JitFunction, args: readonly unknown[]): { bytes: Uint8Array; inputs: string[]; outputs: string[]; threads: number } {
  const file = path.join(os.tmpdir(), `tensorjit-bench-${process.pid}-${Math.random().toString(36).slice(2)}.onnx`);
  const io = fun.exportOnnx(file, ...(args as any[]));
  const bytes = new Uint8Array(fs.readFileSync(file));
  fs.unlinkSync(file);
  const state = jitStateOf(fun)!;
  const entry = [...state.entries.values()].pop()!;
  const work = entry.graph.eqns.reduce((acc: number, e: any) => acc + (e.out.shape.volume || 0), 0);
  return { bytes, inputs: [...io.inputs], outputs: [...io.outputs], threads: threadsFor(work) };
}

/** The session options tensorjit uses (session/ort.ts), so that the reference runs the same configuration. */
export function sessionOptions(threads: number): Record<string, unknown> {
  return {
    graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    enableCpuMemArena: true, enableMemPattern: true, logSeverityLevel: 3, executionProviders: ['cpu'],
    ...(threads > 1 ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
  };
}

/** A native (synchronous) onnxruntime session with pre-built feeds and fetches. */
export class NativeRunner {
  private readonly session: NativeSession;
  private readonly feeds: Record<string, { type: string; dims: number[]; data: unknown; location: 'cpu' }> = {};
  private readonly fetches: Record<string, null> = {};
  private readonly opts = {};
  private readonly out: string;

  constructor(bytes: Uint8Array, inputs: readonly string[], tensors: readonly Tensor[], outputs: readonly string[], threads: number) {
    this.session = new (binding().InferenceSession)();
    this.session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, sessionOptions(threads));
    inputs.forEach((name, i) => {
      const t = tensors[i];
      this.feeds[name] = { type: ORT_TYPE[t.dtype], dims: t.shape.sizes as number[], data: t.data, location: 'cpu' };
    });
    for (const o of outputs) this.fetches[o] = null;
    this.out = outputs[0];
  }

  run(): ArrayLike<number> {
    return this.session.run(this.feeds, this.fetches, this.opts)[this.out].data;
  }

  dispose(): void { this.session.dispose(); }
}

/** Only loads a session (the onnxruntime part of a first call). */
export function loadOnly(bytes: Uint8Array, threads: number): void {
  const s = new (binding().InferenceSession)();
  s.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, sessionOptions(threads));
  s.dispose();
}

/** onnxruntime-node's public API: `await InferenceSession.create(bytes)`, `await session.run(feeds)`. */
export async function publicRunner(bytes: Uint8Array, inputs: readonly string[], tensors: readonly Tensor[], outputs: readonly string[], threads: number) {
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, sessionOptions(threads));
  const out = outputs[0];
  return {
    async run(): Promise<ArrayLike<number>> {
      const feeds: Record<string, unknown> = {};
      inputs.forEach((name, i) => { feeds[name] = new ort.Tensor(tensors[i].dtype, tensors[i].data, tensors[i].shape.sizes); });
      const r = await session.run(feeds);
      return r[out].data;
    },
    release: () => session.release(),
  };
}
