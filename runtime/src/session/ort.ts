/**
 * A narrow adapter over onnxruntime-node: create a session from model bytes, run it
 * synchronously, release it. It uses the native binding that onnxruntime-node's own public API
 * wraps (its `run` is this same synchronous native call, deferred by `setImmediate`), which saves
 * the Promise, validation and Tensor-object overhead on every call. That binding is private, so
 * the exact onnxruntime-node version is pinned in package.json and checked here.
 */
import * as os from 'os';
import { ownRealm, type DType, type TypedArray } from '../dtype';
import { CompiledRunError } from '../errors';
import { envInt } from '../validate';
import { autoOutcome, currentSetting, deviceGeneration, explainCudaFailure, setAutoOutcome } from './device';

/** The onnxruntime-node version whose native binding this adapter was written against. */
export const ORT_VERSION = '1.29.0';

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: object, fetches: object, options: object): Record<string, { data: TypedArray; dims: readonly number[] }>;
  dispose(): void;
}

let native: { InferenceSession: new () => NativeSession } | undefined;

function binding(): { InferenceSession: new () => NativeSession } {
  if (native) return native;
  let mod: any;
  let version: string | undefined;
  try {
    version = require('onnxruntime-node/package.json').version;
    mod = require('onnxruntime-node/dist/binding');
  } catch (e) {
    throw new CompiledRunError(`onnxruntime-node could not be loaded (${(e as Error).message}). Install dependencies with \`npm ci\`; tensorjit needs onnxruntime-node ${ORT_VERSION}.`, e);
  }
  const proto = mod?.binding?.InferenceSession?.prototype;
  if (!proto || typeof proto.loadModel !== 'function' || typeof proto.run !== 'function' || typeof mod.initOrt !== 'function') {
    throw new CompiledRunError(`onnxruntime-node ${version} has a native binding this tensorjit does not know (written for ${ORT_VERSION}). Pin "onnxruntime-node": "${ORT_VERSION}".`);
  }
  // onnxruntime's own log would print provider-load failures to stderr; we raise them as errors instead
  try { require('onnxruntime-common').env.logLevel = 'fatal'; } catch { /* keep its default */ }
  initOrt(mod);
  native = mod.binding;
  return native!;
}

/**
 * onnxruntime-node's `initOrt`, with a Tensor constructor that accepts typed arrays of any realm:
 * the native side builds its outputs with the constructor of whichever realm initialised it first
 * (once per process), and under jest that realm (a vm context) differs from the one the native
 * addon creates typed arrays in, so onnxruntime-common's `instanceof` check would refuse every
 * output ("A float32 tensor's data must be type of function Float32Array()").
 */
function initOrt(mod: any): void {
  const ortTensor = require('onnxruntime-common').Tensor as new (...args: unknown[]) => unknown;
  const local = (x: unknown): unknown => (ArrayBuffer.isView(x) ? ownRealm(x as TypedArray) : x);
  function CrossRealmTensor(...args: unknown[]): unknown {
    const a = args.map((x) => (x && typeof x === 'object' && !ArrayBuffer.isView(x) && 'data' in x ? { ...x, data: local((x as { data: unknown }).data) } : local(x)));
    return new ortTensor(...a);
  }
  // onnxruntime-node's initOrt keeps the once-per-process flag (a second native initOrtOnce aborts
  // the process): let it make the call, with our constructor in place of its Tensor
  // jest gives each test file fresh copies of onnxruntime-node's JS (flag included) but one native
  // addon per thread: keep our own flag on a core module, which all of a thread's realms share
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const shared = require('os') as Record<symbol, unknown>;
  const key = Symbol.for('tensorjit.ortInitialised');
  if (shared[key]) return;
  shared[key] = true;
  const native = mod?.binding;
  const initOnce = native?.initOrtOnce;
  if (typeof initOnce !== 'function') { mod.initOrt(); return; }
  native.initOrtOnce = (level: unknown, _tensor: unknown, ...rest: unknown[]) => initOnce.call(native, level, CrossRealmTensor, ...rest);
  try { mod.initOrt(); } finally { native.initOrtOnce = initOnce; }
}

// complex64 travels as float32 with a trailing (real, imaginary) axis: the same interleaved data
const ORT_TYPE: Record<DType, string> = { float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', bool: 'bool', complex64: 'float32' };

export interface IOSpec { readonly name: string; readonly dims: readonly number[]; readonly dtype: DType }

export interface SessionOptions {
  /** Intra-op threads (1 for small graphs: a thread pool costs more than it saves there). */
  readonly threads: number;
}

const live = new Set<OrtSession>();
let exitHookInstalled = false;

/** A compiled model loaded into onnxruntime, with pre-built feed objects for a fast call path. */
export class OrtSession {
  private session: NativeSession | undefined;
  private readonly feeds: Record<string, { type: string; dims: readonly number[]; data: TypedArray | undefined; location: 'cpu' }> = {};
  private readonly feedList: { data: TypedArray | undefined }[] = [];
  private readonly fetches: Record<string, null> = {};
  private readonly runOptions = {};
  /** The device this session runs on ('cpu' or 'cuda') and the device setting it was built for. */
  readonly device: 'cpu' | 'cuda';
  readonly generation: number;

  constructor(bytes: Uint8Array, readonly inputs: readonly IOSpec[], readonly outputs: readonly IOSpec[], options: SessionOptions) {
    const b = binding();
    const setting = currentSetting();
    this.generation = deviceGeneration();
    const base = {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      enableCpuMemArena: true,
      enableMemPattern: true,
      logSeverityLevel: 4, // fatal only: load and run failures are raised as errors instead of printed
      // Idle pool threads sleep instead of spinning: with a session per trace, spinning pools of
      // one session steal the cores from the next session's run (and from the JS thread).
      extra: {
        ...(options.threads > 1 ? { session: { intra_op: { allow_spinning: '0' } } } : {}),
        // (a ';'-separated list)
        // NoopElimination drops `x - c` and `x + c` for a zero c of either sign, which is wrong for
        // x = -0 (docs/api.md "Numerics": signed zeros follow IEEE on both paths).
        // MatmulTransposeFusion segfaults the process while loading (onnxruntime 1.29) on
        // Transpose (perm[0] = 1, rank ≥ 3) → Cast → MatMul when the other MatMul operand's rank
        // differs or is unknown to onnxruntime (e.g. a Loop output): `dot` of a transposed, cast
        // operand with a `whileLoop` result (fuzz seed 7). Without it a transposed MatMul operand
        // costs one Transpose copy.
        optimization: { disable_specified_optimizers: 'NoopElimination;MatmulTransposeFusion' },
      },
    };
    const tryCuda = setting.kind === 'cuda' || (setting.kind === 'auto' && autoOutcome() !== 'cpu');
    let session: NativeSession | undefined;
    let device: 'cpu' | 'cuda' = 'cpu';
    if (tryCuda) {
      // cuBLAS/cuDNN read this when they initialise: TF32 off unless asked for, so CUDA matches CPU closely.
      if (!setting.tf32) process.env.NVIDIA_TF32_OVERRIDE = '0';
      try {
        session = new b.InferenceSession();
        session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
          ...base,
          executionProviders: [{ name: 'cuda', deviceId: setting.deviceId }, 'cpu'],
        });
        device = 'cuda';
        if (setting.kind === 'auto') setAutoOutcome('cuda');
      } catch (e) {
        try { session?.dispose(); } catch { /* never loaded */ }
        session = undefined;
        if (isModelError(e)) throw e;
        if (setting.kind === 'cuda') throw explainCudaFailure(e);
        setAutoOutcome('cpu');
      }
    }
    if (!session) {
      session = new b.InferenceSession();
      try {
        session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, { ...base, executionProviders: ['cpu'] });
      } catch (e) {
        try { session.dispose(); } catch { /* nothing loaded */ }
        throw e;
      }
    }
    this.session = session;
    this.device = device;
    for (const io of inputs) {
      const feed = { type: ORT_TYPE[io.dtype], dims: io.dtype === 'complex64' ? [...io.dims, 2] : io.dims, data: undefined as TypedArray | undefined, location: 'cpu' as const };
      this.feeds[io.name] = feed;
      this.feedList.push(feed);
    }
    for (const io of outputs) this.fetches[io.name] = null;
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // Release native sessions before the process tears down onnxruntime (avoids exit-time aborts).
      process.once('beforeExit', () => { for (const s of live) s.release(); });
    }
  }

  get released(): boolean { return this.session === undefined; }

  /** Runs synchronously; inputs in `inputs` order, outputs in `outputs` order. */
  run(data: readonly TypedArray[]): TypedArray[] {
    const s = this.session;
    if (!s) throw new CompiledRunError('internal: run() on a released onnxruntime session');
    const feeds = this.feedList;
    for (let i = 0; i < feeds.length; i++) feeds[i].data = data[i];
    let result: Record<string, { data: TypedArray }>;
    try {
      result = s.run(this.feeds, this.fetches, this.runOptions);
    } finally {
      for (let i = 0; i < feeds.length; i++) feeds[i].data = undefined; // don't keep caller buffers alive
    }
    const outs = this.outputs;
    const res = new Array<TypedArray>(outs.length);
    for (let i = 0; i < outs.length; i++) res[i] = ownRealm(result[outs[i].name].data);
    return res;
  }

  release(): void {
    if (!this.session) return;
    try { this.session.dispose(); } finally {
      this.session = undefined;
      live.delete(this);
    }
  }
}

/** Errors about the model itself (not about a provider that failed to load). */
function isModelError(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /INVALID_GRAPH|INVALID_ARGUMENT|NOT_IMPLEMENTED|Type Error|ShapeInferenceError|Load model .* failed/i.test(m) && !/cuda|provider/i.test(m);
}

/** Live native sessions (for tests that check nothing leaks). */
export function liveSessionCount(): number { return live.size; }

/** The most intra-op threads TENSORJIT_THREADS may ask for (each session starts that many). */
export const MAX_THREADS = 256;

/** Threads for a session: one for small graphs, more (up to the cores) for big ones. */
export function threadsFor(workElements: number): number {
  const env = envInt('TENSORJIT_THREADS', 1, MAX_THREADS, 0);
  if (env > 0) return env;
  if (workElements < 1 << 16) return 1;
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
}
