import { tf } from './tf.ts';

/**
 * tfjs's WebGPU backend in Node, on Dawn's Node bindings (the `webgpu` package).
 *
 * Both packages are optional dependencies, so they are imported through variables: the
 * type checker must not need them, and a missing or broken one is a reason, not a crash.
 * Everything here answers `{ok: false, reason}` instead of throwing, because engine
 * selection probes WebGPU on every start and must fall through to the next engine.
 */

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** llvmpipe, lavapipe, SwiftShader...: correct but slower than the wasm engine */
  isSoftware: boolean;
  /** which Dawn route found it */
  route: string;
}

export interface WebgpuActivation {
  ok: boolean;
  adapter?: AdapterDescription;
  reason?: string;
}

/** One line for reports, e.g. "llvmpipe (LLVM 15) ... [opengles, software]". */
export function describeAdapter(a: AdapterDescription): string {
  const name = [a.vendor, a.architecture, a.device, a.description].filter((s) => s !== '').join(' / ');
  return `${name || 'unnamed adapter'} [${a.route}${a.isSoftware ? ', software' : ''}]`;
}

// The little of the WebGPU API used here; the real types live in the optional package.
interface GpuAdapter {
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
}
interface Gpu {
  requestAdapter(options?: Record<string, unknown>): Promise<GpuAdapter | null>;
  getPreferredCanvasFormat?(): string;
  wgslLanguageFeatures?: unknown;
}
interface DawnModule {
  create(options: string[]): Gpu;
  globals: Record<string, unknown>;
}

interface Route {
  name: string;
  dawn: string[];
  featureLevel: 'core' | 'compatibility';
}

/**
 * Dawn's default on Linux is Vulkan: real GPUs, or lavapipe with a recent Mesa (Debian 12's
 * Mesa 22.3 lavapipe is rejected by Dawn: no shaderUniform*ArrayDynamicIndexing). OpenGL ES
 * is the route that works on Debian 12's llvmpipe; Dawn offers it only at the
 * `compatibility` feature level, which tfjs never asks for, so the shim below adds it.
 */
const ROUTES: Route[] = [
  { name: 'vulkan', dawn: [], featureLevel: 'core' },
  { name: 'opengles', dawn: ['backend=opengles'], featureLevel: 'compatibility' },
];

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|swrast|software|basic render/i;

/** tfjs asks for this; probing with the same preference makes it find the same adapter. */
const POWER = 'high-performance';
const PROBE_TIMEOUT_MS = 15_000;

let installed: { gpu: Gpu; adapter: AdapterDescription } | undefined;

export async function activateWebgpu(opts: { allowSoftware: boolean }): Promise<WebgpuActivation> {
  try {
    return await activate(opts);
  } catch (err) {
    return { ok: false, reason: firstLine(err) };
  }
}

async function activate({ allowSoftware }: { allowSoftware: boolean }): Promise<WebgpuActivation> {
  if (installed) {
    if (installed.adapter.isSoftware && !allowSoftware) return rejectSoftware(installed.adapter);
    return setBackend(installed.adapter);
  }
  const dawnSpecifier = 'webgpu';
  let dawn: DawnModule;
  try {
    dawn = (await import(dawnSpecifier)) as DawnModule;
  } catch (err) {
    return { ok: false, reason: `package 'webgpu' (Dawn for Node) did not load: ${firstLine(err)}` };
  }
  // Mesa's EGL would otherwise look for an X11 or Wayland display, which CI does not have.
  process.env.EGL_PLATFORM ??= 'surfaceless';

  let software: { gpu: Gpu; adapter: AdapterDescription } | undefined;
  const misses: string[] = [];
  for (const route of ROUTES) {
    const found = await probe(dawn, route);
    if (typeof found === 'string') {
      misses.push(`${route.name}: ${found}`);
      continue;
    }
    if (!found.adapter.isSoftware) {
      installed = found;
      break;
    }
    misses.push(`${route.name}: software adapter ${describeAdapter(found.adapter)}`);
    software ??= found; // the first route wins: Vulkan (core features) before OpenGL ES
  }
  if (!installed) {
    if (!software) return { ok: false, reason: `no WebGPU adapter (${misses.join('; ')})` };
    if (!allowSoftware) return rejectSoftware(software.adapter);
    installed = software;
  }
  install(
    dawn,
    installed.gpu,
    ROUTES.find((r) => r.name === installed!.adapter.route)!,
  );

  const backendSpecifier = '@tensorflow/tfjs-backend-webgpu';
  try {
    // registers 'webgpu' only if navigator.gpu exists at import time, hence after install()
    await import(backendSpecifier);
  } catch (err) {
    return { ok: false, reason: `package '${backendSpecifier}' did not load: ${firstLine(err)}` };
  }
  if (!tf.findBackendFactory('webgpu')) {
    // the module registers at import time only; it was imported before navigator.gpu, or released
    return { ok: false, reason: `tfjs backend 'webgpu' is not registered in this process` };
  }
  return setBackend(installed.adapter);
}

function rejectSoftware(adapter: AdapterDescription): WebgpuActivation {
  return { ok: false, adapter, reason: `only a software adapter: ${describeAdapter(adapter)}` };
}

async function probe(
  dawn: DawnModule,
  route: Route,
): Promise<{ gpu: Gpu; adapter: AdapterDescription } | string> {
  try {
    const gpu = dawn.create(route.dawn);
    const adapter = await withTimeout(
      gpu.requestAdapter({ powerPreference: POWER, featureLevel: route.featureLevel }),
      PROBE_TIMEOUT_MS,
    );
    if (!adapter) return 'no adapter';
    const info = adapter.info ?? {};
    const description: AdapterDescription = {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      isSoftware: false,
      route: route.name,
    };
    description.isSoftware =
      info.isFallbackAdapter === true ||
      SOFTWARE.test(
        [description.vendor, description.architecture, description.device, description.description].join(' '),
      );
    return { gpu, adapter: description };
  } catch (err) {
    return firstLine(err);
  }
}

/** Makes `navigator.gpu` the chosen Dawn instance, with the route's feature level forced. */
function install(dawn: DawnModule, gpu: Gpu, route: Route): void {
  // GPUBufferUsage, GPUMapMode, GPUShaderStage...: tfjs uses them as globals. Keep any that exist.
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis))
      Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const shim: Gpu = {
    requestAdapter: (options) => gpu.requestAdapter({ ...options, featureLevel: route.featureLevel }),
    getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat?.() ?? 'rgba8unorm',
    get wgslLanguageFeatures() {
      return gpu.wgslLanguageFeatures;
    },
  };
  const g = globalThis as { navigator?: object };
  // Node 20 has no navigator; Node 21+ has one without `gpu`
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(g.navigator, 'gpu', { value: shim, configurable: true, writable: true });
}

async function setBackend(adapter: AdapterDescription): Promise<WebgpuActivation> {
  // tfjs reports a failed backend init through console.warn with a stack trace; keep one line
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  let ok: boolean;
  try {
    ok = await tf.setBackend('webgpu');
    if (ok) await tf.ready();
  } catch (err) {
    return { ok: false, adapter, reason: firstLine(err) };
  } finally {
    console.warn = original;
  }
  if (!ok || tf.getBackend() !== 'webgpu') {
    const detail = warnings
      .map(firstLine)
      .filter((w) => !w.startsWith('Initialization of backend'))
      .join('; ');
    return { ok: false, adapter, reason: `tfjs could not initialise webgpu${detail ? `: ${detail}` : ''}` };
  }
  return { ok: true, adapter };
}

/**
 * Drops the Dawn instance so nothing GPU-side outlives the work (dawn.node can keep the
 * process alive while `navigator.gpu` is referenced).
 */
export async function releaseWebgpu(): Promise<void> {
  try {
    // tfjs disposes the backend's buffers but leaves its GPUDevice alive; destroy that too
    const backend = (tf.engine().registry as Record<string, { device?: { destroy(): void } }>)['webgpu'];
    // if it was the active backend, tfjs picks another on next use
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    backend?.device?.destroy();
  } catch {
    // best effort: release must never be the thing that fails a run
  }
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav && 'gpu' in nav) delete nav.gpu;
  installed = undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim();
}
