/**
 * The worker thread behind `fun.async(...)`: it holds its own onnxruntime sessions and runs them
 * off the main thread (onnxruntime-node 1.29 runs models synchronously on the calling thread, so
 * a worker is the only way a call does not block the event loop).
 *
 * Messages from the main thread:
 *   { type: 'load', id, bytes, inputs, outputs, threads, device }   create session `id`
 *   { type: 'run', id, call, data }                                  run it, answer { call, outs } or { call, error }
 *   { type: 'release', id }                                          dispose session `id`
 */
import { parentPort } from 'worker_threads';
import type { TypedArray } from '../dtype';
import { OrtSession, type IOSpec } from './ort';
import { setDevice, type DeviceSetting } from './device';

export type WorkerRequest =
  | { type: 'load'; id: number; bytes: Uint8Array; inputs: IOSpec[]; outputs: IOSpec[]; threads: number; device: DeviceSetting }
  | { type: 'run'; id: number; call: number; data: TypedArray[] }
  | { type: 'release'; id: number };

export type WorkerReply =
  | { call: number; outs: TypedArray[]; device: 'cpu' | 'cuda' }
  | { call: number; error: { name: string; message: string } };

if (parentPort) {
  const port = parentPort;
  const sessions = new Map<number, OrtSession>();
  const failed = new Map<number, { name: string; message: string }>();
  port.on('message', (m: WorkerRequest) => {
    if (m.type === 'load') {
      try {
        setDevice(m.device.kind, { deviceId: m.device.deviceId, tf32: m.device.tf32 });
        sessions.set(m.id, new OrtSession(m.bytes, m.inputs, m.outputs, { threads: m.threads }));
        failed.delete(m.id);
      } catch (e) {
        const err = e as Error;
        failed.set(m.id, { name: err.name, message: err.message });
      }
    } else if (m.type === 'run') {
      const s = sessions.get(m.id);
      if (!s) {
        const reply: WorkerReply = { call: m.call, error: failed.get(m.id) ?? { name: 'Error', message: `internal: session ${m.id} is not loaded in the worker` } };
        port.postMessage(reply);
        return;
      }
      try {
        const outs = s.run(m.data);
        const reply: WorkerReply = { call: m.call, outs, device: s.device };
        port.postMessage(reply, outs.map((o) => o.buffer as ArrayBuffer));
      } catch (e) {
        const err = e as Error;
        port.postMessage({ call: m.call, error: { name: err.name, message: err.message } } satisfies WorkerReply);
      }
    } else if (m.type === 'release') {
      sessions.get(m.id)?.release();
      sessions.delete(m.id);
      failed.delete(m.id);
    }
  });
}
