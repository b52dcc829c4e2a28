/**
 * Main-thread side of `fun.async(...)`: one lazily started worker thread (session/worker.ts) that
 * loads each compiled trace's model once and runs it off the event loop. Inputs are copied to the
 * worker (callers keep using their tensors); outputs come back without copies (transferred).
 * The worker is unref'd while idle, so it never keeps a process alive.
 */
import { Worker } from 'worker_threads';
import * as path from 'path';
import * as fs from 'fs';
import { createRequire } from 'module';
import { ownRealm, type TypedArray } from '../dtype';
import type { IOSpec } from './ort';
import { currentSetting, deviceGeneration } from './device';
import type { WorkerReply, WorkerRequest } from './worker';
import { admit, leave, tick, type Pooled } from './pool';

interface Pending { resolve: (outs: TypedArray[]) => void; reject: (e: Error) => void }

let worker: Worker | undefined;
let nextCall = 1;
let nextId = 1;
const pending = new Map<number, Pending>();
/** Trace id → its handle and the device generation its worker session was loaded for. */
const loaded = new Map<number, { session: AsyncSession; generation: number }>();

function post(m: WorkerRequest, transfer: ArrayBuffer[] = []): void { ensure().postMessage(m, transfer); }

/**
 * The worker's file: beside this one, or, when tensorjit was bundled (webpack, rspack, …: __dirname
 * is then the bundle's folder), the installed package's (the bundle needs node_modules for
 * onnxruntime-node's native files anyway).
 */
function workerFile(): string {
  const here = path.join(__dirname, 'worker.js');
  if (fs.existsSync(here)) return here;
  for (const from of [process.cwd(), ...(process.argv[1] ? [path.dirname(process.argv[1])] : [])]) {
    try {
      const pkg = createRequire(path.join(from, 'noop.js')).resolve('tensorjit/package.json');
      const file = path.join(path.dirname(pkg), 'dist', 'runtime', 'session', 'worker.js');
      if (fs.existsSync(file)) return file;
    } catch { /* not installed there */ }
  }
  throw new Error(`fun.async needs tensorjit's worker file, which is not beside this (bundled?) code at ${here} and no installed tensorjit package was found from ${process.cwd()}`);
}

function ensure(): Worker {
  if (worker) return worker;
  const w = new Worker(workerFile());
  w.unref();
  w.on('message', (r: WorkerReply) => {
    const p = pending.get(r.call);
    if (!p) return;
    pending.delete(r.call);
    if (pending.size === 0) w.unref();
    if ('error' in r) {
      const e = new Error(r.error.message);
      e.name = r.error.name;
      p.reject(e);
    } else p.resolve(r.outs.map((o) => ownRealm(o))); // structured clones arrive in the main realm
  });
  w.on('error', (e) => failAll(e));
  w.on('exit', (code) => {
    worker = undefined;
    for (const l of loaded.values()) leave(l.session);
    loaded.clear();
    failAll(new Error(`the tensorjit worker thread exited (code ${code})`));
  });
  worker = w;
  return w;
}

function failAll(e: Error): void {
  for (const p of pending.values()) p.reject(e);
  pending.clear();
}

/**
 * A handle for one compiled trace in the worker. Its worker session counts against the same
 * least-recently-used limit as main-thread sessions (session/pool.ts): an evicted one is released
 * in the worker and loaded again from the model bytes on its next call.
 */
export class AsyncSession implements Pooled {
  readonly id = nextId++;
  lastUsed = 0;

  constructor(private readonly model: () => Uint8Array, readonly inputs: readonly IOSpec[], readonly outputs: readonly IOSpec[], private readonly threads: number) {}

  run(data: readonly TypedArray[]): Promise<TypedArray[]> {
    const gen = deviceGeneration();
    const l = loaded.get(this.id);
    if (l?.generation !== gen) {
      admit(this); // first: it refuses a bad TENSORJIT_MAX_SESSIONS before anything is posted
      if (l) post({ type: 'release', id: this.id });
      post({ type: 'load', id: this.id, bytes: this.model(), inputs: [...this.inputs], outputs: [...this.outputs], threads: this.threads, device: currentSetting() });
      loaded.set(this.id, { session: this, generation: gen });
    } else this.lastUsed = tick();
    const call = nextCall++;
    return new Promise((resolve, reject) => {
      pending.set(call, { resolve, reject });
      const w = ensure();
      w.ref();
      // compact copies (a view's whole buffer would otherwise be cloned), then transferred
      const copies = data.map((d) => d.slice() as TypedArray);
      w.postMessage({ type: 'run', id: this.id, call, data: copies } satisfies WorkerRequest, copies.map((c) => c.buffer as ArrayBuffer));
    });
  }

  /** Releases the worker's session (messages are ordered: calls already posted still run). */
  release(): void {
    leave(this);
    if (!loaded.has(this.id)) return;
    loaded.delete(this.id);
    if (worker) post({ type: 'release', id: this.id });
  }

  evict(): void { this.release(); }
}

/** Sessions loaded in the worker thread (for tests that check the bound). */
export function workerSessionCount(): number { return loaded.size; }
