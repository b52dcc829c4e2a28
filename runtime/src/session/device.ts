/**
 * Where compiled functions run: `math.setDevice('cpu' | 'cuda' | 'auto')`, or the environment
 * variable TENSORJIT_DEVICE (`cpu`, `cuda`, `cuda:1`, `auto`). CUDA uses onnxruntime's CUDA
 * execution provider; TF32 is off by default so results match the CPU closely.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, DeviceError } from '../errors';
import { checkOptions, describeValue } from '../validate';

export type DeviceKind = 'cpu' | 'cuda' | 'auto';

export interface DeviceOptions {
  /** CUDA device index (default 0). */
  deviceId?: number;
  /** Allow TF32 math in cuBLAS/cuDNN (faster MatMul, ~3 significant digits). Default false. */
  tf32?: boolean;
}

export interface DeviceSetting { readonly kind: DeviceKind; readonly deviceId: number; readonly tf32: boolean }

/** Read from TENSORJIT_DEVICE when first needed (a bad value is an error there, not at import). */
let setting: DeviceSetting | undefined;
/** For 'auto': the outcome of the first CUDA attempt (undefined until tried). */
let autoResolved: 'cpu' | 'cuda' | undefined;
let generation = 0;

function fromEnv(): DeviceSetting {
  const raw = (process.env.TENSORJIT_DEVICE ?? 'cpu').trim().toLowerCase();
  const m = /^(cpu|cuda|auto)(?::(\d+))?$/.exec(raw);
  if (!m) {
    throw new ConfigError(`TENSORJIT_DEVICE=${JSON.stringify(process.env.TENSORJIT_DEVICE)} is not allowed: use cpu, cuda, cuda:N (N the device index) or auto, or unset it for cpu`);
  }
  return { kind: m[1] as DeviceKind, deviceId: m[2] ? Number(m[2]) : 0, tf32: false };
}

/** Chooses the device for sessions created from now on (existing ones are rebuilt on next use). */
export function setDevice(kind: DeviceKind, options: DeviceOptions = {}): void {
  if (kind !== 'cpu' && kind !== 'cuda' && kind !== 'auto') {
    throw new DeviceError(`Unknown device '${String(kind)}': use 'cpu', 'cuda' or 'auto'`);
  }
  checkOptions('math.setDevice', options, ['deviceId', 'tf32'], (m) => new DeviceError(m));
  if (options.tf32 !== undefined && typeof options.tf32 !== 'boolean') throw new DeviceError(`math.setDevice: tf32 must be true or false, got ${describeValue(options.tf32)}`);
  const deviceId = options.deviceId ?? 0;
  if (!Number.isInteger(deviceId) || deviceId < 0) throw new DeviceError(`deviceId must be a non-negative integer, got ${deviceId}`);
  setting = { kind, deviceId, tf32: options.tf32 ?? false };
  autoResolved = undefined;
  generation++;
}

/** The requested device, and (for 'auto') what it resolved to once a session was created. */
export function getDevice(): { kind: DeviceKind; deviceId: number; tf32: boolean; resolved: 'cpu' | 'cuda' | undefined } {
  const s = currentSetting();
  const resolved = s.kind === 'auto' ? autoResolved : s.kind;
  return { ...s, resolved };
}

/** Changes whenever the device setting changes; sessions remember the generation they were built for. */
export function deviceGeneration(): number { return generation; }
export function currentSetting(): DeviceSetting { return setting ??= fromEnv(); }
export function autoOutcome(): 'cpu' | 'cuda' | undefined { return autoResolved; }
export function setAutoOutcome(v: 'cpu' | 'cuda'): void { autoResolved = v; }

/** Directory of the onnxruntime-node native binding (where the CUDA provider libraries must be). */
export function ortBinaryDir(): string {
  const pkg = require.resolve('onnxruntime-node/package.json');
  return path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

/** Explains a failed CUDA provider load: which library is missing and how to get it. */
export function explainCudaFailure(err: unknown): DeviceError {
  const msg = err instanceof Error ? err.message : String(err);
  const dir = ortBinaryDir();
  const providers = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
  const missingProvider = providers.filter((f) => !fs.existsSync(path.join(dir, f)));
  const lib = /(lib[\w.+-]+\.so(?:\.\d+)*)\s*:\s*cannot open shared object/.exec(msg)?.[1];
  let what: string;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    what = `onnxruntime-node ships the CUDA execution provider for linux/x64 only (this is ${process.platform}/${process.arch}).`;
  } else if (missingProvider.length) {
    what = `The CUDA execution provider of onnxruntime is not installed: ${missingProvider.join(' and ')} ` +
      `${missingProvider.length > 1 ? 'are' : 'is'} missing from ${dir}. Install it with onnxruntime-node's installer ` +
      `(\`npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12\`, or approve its install script under npm 11) or copy the ` +
      `providers of ONNX Runtime 1.29.0 there; see docs/cuda.md.`;
  } else if (lib) {
    what = `The CUDA provider is installed but the system library ${lib} could not be loaded. Install it (CUDA 13 runtime, cuBLAS, ` +
      `cuFFT, cuRAND and cuDNN 9) and put its directory on LD_LIBRARY_PATH; see docs/cuda.md.`;
  } else {
    what = `onnxruntime could not start the CUDA execution provider. Check that an NVIDIA driver and GPU are present ` +
      `(nvidia-smi), and that CUDA 13 and cuDNN 9 libraries are on LD_LIBRARY_PATH; see docs/cuda.md.`;
  }
  return new DeviceError(`${what}\nonnxruntime said: ${msg.split('\n')[0]}\nUse math.setDevice('auto') to fall back to the CPU.`);
}
