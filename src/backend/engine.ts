import { existsSync, readdirSync } from 'node:fs';
import { tf } from './tf.ts';
import { loadNative } from './native.ts';
import { installNativeMatMul } from './nativeMatMul.ts';
import { installWasmIdentity } from './wasmIdentity.ts';
import { installWasmSlice } from './wasmSlice.ts';
import { activateWebgpu, describeAdapter, releaseWebgpu } from './webgpu.ts';

/**
 * Engines, and the automatic order of preference (`automaticOrder`). `SIGPROP_BACKEND` overrides;
 * otherwise the first that loads wins. Native tfjs packages are optional dependencies that often fail to install
 * (their native library is downloaded at install time), so every load is guarded.
 * Automatic choice takes `webgpu` only on a hardware adapter: on a software one (llvmpipe)
 * it is slower than wasm. `SIGPROP_BACKEND=webgpu` accepts a software adapter (CI tests it).
 */
export const ENGINE_NAMES = ['webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** What a report says about the engine it ran on. */
export interface EngineInfo {
  name: EngineName;
  /** tfjs backend name (tfjs-node registers its native backend as 'tensorflow') */
  backend: string;
  tfjsVersion: string;
  /** float64 accumulation inside tfjs reductions (only the cpu backend) */
  exactReductions: boolean;
  /** the WebGPU adapter, e.g. "llvmpipe ... [opengles, software]"; only on webgpu */
  adapter?: string;
  /**
   * What computes the wasm engine's matrix products: "OpenBLAS ..." when the native kernel is
   * installed, otherwise "XNNPACK (wasm)" and why not. Products round differently in the two, so
   * runs agree to float32 rounding, not bit for bit, across them.
   */
  matMul?: string;
  /**
   * Where random numbers are generated: "Philox4x32-10 on the device" (webgpu, the default there)
   * or "xoshiro128** in JS, uploaded" (every other engine, and webgpu with SIGPROP_DEVICE_RANDOM=0).
   * The two draw different numbers, so results agree statistically, not to float32 rounding.
   */
  random?: string;
}

export class EngineUnavailable extends Error {}

async function loadOptional(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

/** Set by a successful webgpu activation, for EngineInfo. */
let webgpuAdapter: string | undefined;

async function activate(name: EngineName, explicit: boolean): Promise<boolean> {
  switch (name) {
    case 'webgpu': {
      // probing starts Dawn, which costs up to half a second and prints native warnings that
      // cannot be silenced; without a GPU device node there is no hardware adapter to find
      if (!explicit && !gpuDeviceNodePresent()) return false;
      const result = await activateWebgpu({ allowSoftware: explicit });
      webgpuAdapter = result.ok && result.adapter ? describeAdapter(result.adapter) : undefined;
      if (!result.ok) {
        webgpuReason = result.reason;
        // a probe that found only a software adapter must not keep Dawn alive for the run
        await releaseWebgpu();
      }
      return result.ok;
    }
    case 'tensorflow-gpu':
      quietTensorflowLogs();
      if (!(await loadOptional('@tensorflow/tfjs-node-gpu'))) return false;
      return tf.setBackend('tensorflow');
    case 'tensorflow':
      quietTensorflowLogs();
      if (!(await loadOptional('@tensorflow/tfjs-node'))) return false;
      return tf.setBackend('tensorflow');
    case 'wasm':
      if (!(await loadOptional('@tensorflow/tfjs-backend-wasm'))) return false;
      return tf.setBackend('wasm');
    case 'cpu':
      return tf.setBackend('cpu');
  }
}

/**
 * TensorFlow's C library logs its CPU-feature and oneDNN notices to stderr at load; sigprop's own
 * engine line says what ran. Read when the library loads, so set before the import; a user's own
 * setting wins.
 */
function quietTensorflowLogs(): void {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
}

/** Linux exposes GPUs as DRM render nodes or NVIDIA device files; other systems are probed. */
function gpuDeviceNodePresent(): boolean {
  if (process.platform !== 'linux') return true;
  try {
    return existsSync('/dev/nvidia0') || readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

/**
 * The automatic order: a hardware GPU first, then the CPU engine measured fastest per core
 * (bench/RESULTS.md section 0b, `sigprop bench --engines wasm,tensorflow`): wasm with the native
 * addon's OpenBLAS products beats tfjs-node on TensorFlow's own kernels in every family but GeLU,
 * so it comes before `tensorflow`; plain wasm (XNNPACK products) loses to tfjs-node, so it comes
 * after. `cpu` (float64 reductions, slow) is the last resort.
 */
export function automaticOrder(withOpenBlas = openBlasProducts()): EngineName[] {
  return withOpenBlas
    ? ['webgpu', 'tensorflow-gpu', 'wasm', 'tensorflow', 'cpu']
    : ['webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
}

function openBlasProducts(): boolean {
  const addon = loadNative();
  return typeof addon !== 'string' && addon.sgemm !== undefined;
}

let active: EngineInfo | undefined;
/** Why webgpu was passed over, for the error when it was asked for explicitly. */
let webgpuReason: string | undefined;

/** Parses the `SIGPROP_BACKEND` value; `undefined` means choose automatically. */
export function requestedEngine(value = process.env.SIGPROP_BACKEND): EngineName | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (!(ENGINE_NAMES as readonly string[]).includes(value)) {
    throw new EngineUnavailable(
      `SIGPROP_BACKEND: unknown engine '${value}' (expected one of ${ENGINE_NAMES.join(', ')}, or auto)`,
    );
  }
  return value as EngineName;
}

const DEVICE_RANDOM_ON = ['', '1', 'on', 'true'];
const DEVICE_RANDOM_OFF = ['0', 'off', 'false'];

/**
 * Parses `SIGPROP_DEVICE_RANDOM`: on (the default) draws random numbers with the Philox kernels on
 * the webgpu engine (philoxWebgpu.ts); off draws them in JS and uploads them, as CPU engines always do.
 */
export function deviceRandomRequested(value = process.env.SIGPROP_DEVICE_RANDOM): boolean {
  const v = (value ?? '').toLowerCase();
  if (DEVICE_RANDOM_ON.includes(v)) return true;
  if (DEVICE_RANDOM_OFF.includes(v)) return false;
  throw new EngineUnavailable(`SIGPROP_DEVICE_RANDOM: expected 1/on/true or 0/off/false, got '${value}'`);
}

let deviceRandomOverride: boolean | undefined;

/** Tests and benchmarks: force device random numbers on or off (undefined: back to the env rule). */
export function setDeviceRandom(enabled: boolean | undefined): void {
  deviceRandomOverride = enabled;
}

/** Whether draws made now go to the device generator: only on the webgpu backend, and when asked. */
export function deviceRandomActive(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  return deviceRandomOverride ?? deviceRandomRequested();
}

const randomSource = (onDevice: boolean) =>
  onDevice ? 'Philox4x32-10 on the device' : 'xoshiro128** in JS, uploaded';

/** Chooses and initialises the engine once per process. */
export async function initEngine(requested = requestedEngine()): Promise<EngineInfo> {
  // a bad SIGPROP_DEVICE_RANDOM is bad input on every engine, not only where it matters
  const onDevice = deviceRandomOverride ?? deviceRandomRequested();
  if (active && (requested === undefined || requested === active.name)) return active;
  const candidates = requested ? [requested] : automaticOrder();
  for (const name of candidates) {
    // tfjs prints advice about tfjs-node on first use of the cpu backend; sigprop chose it knowingly
    if (await withQuietConsole(() => activate(name, requested !== undefined))) {
      await tf.ready();
      if (name === 'wasm') {
        installWasmSlice();
        installWasmIdentity();
      }
      active = {
        name,
        backend: tf.getBackend(),
        tfjsVersion: tf.version.tfjs,
        exactReductions: tf.getBackend() === 'cpu',
        ...(name === 'webgpu' && webgpuAdapter !== undefined ? { adapter: webgpuAdapter } : {}),
        ...(name === 'wasm' ? { matMul: describeNativeMatMul() } : {}),
        random: randomSource(name === 'webgpu' && onDevice),
      };
      return active;
    }
  }
  const why = requested === 'webgpu' && webgpuReason ? `: ${webgpuReason}` : '';
  throw new EngineUnavailable(
    `SIGPROP_BACKEND: engine '${requested}' could not be loaded on this machine${why}`,
  );
}

function describeNativeMatMul(): string {
  const native = installNativeMatMul();
  return native.ok ? `${native.library}, native` : `XNNPACK (wasm); OpenBLAS ${native.reason}`;
}

/** Lets the process exit: dawn.node can hold the event loop open while WebGPU is set up. */
export async function releaseEngine(): Promise<void> {
  if (active?.name === 'webgpu') await releaseWebgpu();
  active = undefined;
}

async function withQuietConsole<T>(body: () => Promise<T>): Promise<T> {
  const original = console.warn;
  const originalLog = console.log;
  console.warn = () => {};
  console.log = () => {};
  try {
    return await body();
  } finally {
    console.warn = original;
    console.log = originalLog;
  }
}
