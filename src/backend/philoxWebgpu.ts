import { keepThreshold, type PhiloxKey } from './philox.ts';
import { tf } from './tf.ts';

/**
 * Philox4x32-10 draws as WebGPU compute kernels run by tfjs's WebGPU backend
 * (`backend.runWebGPUProgram`, the route tfjs's own kernels take): the numbers are generated where
 * they are used instead of being drawn in JS and uploaded. Each thread computes one Philox block
 * (philox.ts explains the counter layout) and writes 4 consecutive elements. The integer part is
 * the JS reference's bit for bit; normals are Box-Muller in float32 (WGSL's log, sqrt, sin, cos).
 *
 * Kinds of draw:
 *  - words: the raw uint32 words (as int32), for the bit-exact test;
 *  - normal: mean + std z;
 *  - mask: inverted dropout, scale where word < threshold, else 0;
 *  - tokens: the correlated token sampler, mean + sharedWeight z0[b,f] + ownWeight z[b,t,f].
 */
export type DeviceDrawKind = 'words' | 'normal' | 'mask' | 'tokens';

export interface DeviceDraw {
  kind: DeviceDrawKind;
  key: PhiloxKey;
  stream: number;
  /** tokens: layout of the output, [batch, seqLen, features] or [batch, features, seqLen] */
  innermost?: 'features' | 'tokens';
  seqLen?: number;
  features?: number;
  mean?: number;
  std?: number;
  sharedWeight?: number;
  ownWeight?: number;
  /** mask: probability of keeping an element, and the kept value */
  keep?: number;
  scale?: number;
}

interface ProgramUniform {
  type: 'float32' | 'int32' | 'uint32';
  data: number[];
}

/** The part of tfjs-backend-webgpu's WebGPUBackend used here (the package is optional). */
interface WebgpuBackend {
  runWebGPUProgram(
    program: object,
    inputs: tf.TensorInfo[],
    dtype: 'float32' | 'int32',
    uniforms: ProgramUniform[],
  ): tf.TensorInfo;
}

const WORKGROUP = 64;

/** The uniforms every kind declares, in this order (tfjs appends them to its own struct). */
const UNIFORMS =
  'key0 : u32, key1 : u32, stream : u32, mean : f32, ownWeight : f32, sharedWeight : f32, ' +
  'threshold : u32, scale : f32, seqLen : i32, features : i32, tokensInnermost : i32,';

const PHILOX_WGSL = `
fn spMulhi(a : u32, b : u32) -> u32 {
  let aL = a & 0xffffu;
  let aH = a >> 16u;
  let bL = b & 0xffffu;
  let bH = b >> 16u;
  let ll = aL * bL;
  let lh = aL * bH;
  let hl = aH * bL;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return aH * bH + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn spPhilox(block : u32, lane : u32) -> vec4<u32> {
  var x = vec4<u32>(block, uniforms.stream, lane, 0u);
  var k0 = uniforms.key0;
  var k1 = uniforms.key1;
  for (var round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = k0 + 0x9e3779b9u;
      k1 = k1 + 0xbb67ae85u;
    }
    let hi0 = spMulhi(0xd2511f53u, x.x);
    let lo0 = 0xd2511f53u * x.x;
    let hi1 = spMulhi(0xcd9e8d57u, x.z);
    let lo1 = 0xcd9e8d57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k0, lo1, hi0 ^ x.w ^ k1, lo0);
  }
  return x;
}

fn spUnit(w : u32) -> f32 {
  return (f32(w >> 9u) + 0.5) * 1.1920928955078125e-7;
}

fn spNormals(w : vec4<u32>) -> vec4<f32> {
  let r0 = sqrt(-2.0 * log(spUnit(w.x)));
  let t0 = 6.283185307179586 * spUnit(w.y) - 3.141592653589793;
  let r1 = sqrt(-2.0 * log(spUnit(w.z)));
  let t1 = 6.283185307179586 * spUnit(w.w) - 3.141592653589793;
  return vec4<f32>(r0 * cos(t0), r0 * sin(t0), r1 * cos(t1), r1 * sin(t1));
}

fn spPick(v : vec4<f32>, j : u32) -> f32 {
  return select(select(v.w, v.z, j == 2u), select(v.y, v.x, j == 0u), j < 2u);
}

fn spSharedIndex(o : i32) -> i32 {
  if (uniforms.tokensInnermost == 1) {
    return o / uniforms.seqLen;
  }
  let perSample = uniforms.seqLen * uniforms.features;
  return (o / perSample) * uniforms.features + o % uniforms.features;
}
`;

function body(kind: DeviceDrawKind): string {
  switch (kind) {
    case 'words':
      return `
      let w = spPhilox(u32(index), 0u);
      for (var j = 0; j < 4; j++) {
        if (base + j < uniforms.size) { result[base + j] = bitcast<i32>(w[j]); }
      }`;
    case 'normal':
      return `
      let z = spNormals(spPhilox(u32(index), 0u));
      for (var j = 0; j < 4; j++) {
        if (base + j < uniforms.size) { result[base + j] = uniforms.mean + uniforms.ownWeight * z[j]; }
      }`;
    case 'mask':
      return `
      let w = spPhilox(u32(index), 0u);
      for (var j = 0; j < 4; j++) {
        if (base + j < uniforms.size) { result[base + j] = select(0.0, uniforms.scale, w[j] < uniforms.threshold); }
      }`;
    case 'tokens':
      // the 4 elements usually share their column's factor: recompute it only when it changes
      return `
      let z = spNormals(spPhilox(u32(index), 0u));
      var column = -1;
      var factor = 0.0;
      for (var j = 0; j < 4; j++) {
        let o = base + j;
        if (o < uniforms.size) {
          let s = spSharedIndex(o);
          if (s != column) {
            column = s;
            factor = spPick(spNormals(spPhilox(u32(s) >> 2u, 1u)), u32(s) & 3u);
          }
          result[o] = uniforms.mean + uniforms.sharedWeight * factor + uniforms.ownWeight * z[j];
        }
      }`;
  }
}

/** A tfjs WebGPUProgram: no inputs, a flat dispatch of one thread per 4 output elements. */
function program(kind: DeviceDrawKind, shape: number[]) {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: [] as string[],
    outputShape: shape,
    shaderKey: `sigprop_philox_${kind}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(Math.ceil(size / 4) / WORKGROUP), 1, 1] as [number, number, number],
    workgroupSize: [WORKGROUP, 1, 1] as [number, number, number],
    size: true,
    uniforms: UNIFORMS,
    getUserCode: () => `
    ${PHILOX_WGSL}
    fn main(index : i32) {
      let base = index * 4;
      if (base >= uniforms.size) { return; }
      ${body(kind)}
    }
  `,
  };
}

/** Whether the active tfjs backend can run these kernels. */
export function deviceRandomSupported(): boolean {
  return tf.getBackend() === 'webgpu';
}

/** Runs one draw on the active WebGPU backend and returns its tensor (tracked by tf.tidy). */
export function deviceDraw(draw: DeviceDraw, shape: number[]): tf.Tensor {
  if (!deviceRandomSupported())
    throw new Error(`device random numbers need the webgpu backend, not ${tf.getBackend()}`);
  if (!Number.isInteger(draw.stream) || draw.stream < 0 || draw.stream > 0xffffffff)
    throw new Error(`device draw stream must be a uint32, got ${draw.stream}`);
  const innermost = draw.innermost ?? 'features';
  const uniforms: ProgramUniform[] = [
    { type: 'uint32', data: [draw.key.k0] },
    { type: 'uint32', data: [draw.key.k1] },
    { type: 'uint32', data: [draw.stream] },
    { type: 'float32', data: [draw.mean ?? 0] },
    { type: 'float32', data: [draw.ownWeight ?? draw.std ?? 1] },
    { type: 'float32', data: [draw.sharedWeight ?? 0] },
    { type: 'uint32', data: [keepThreshold(draw.keep ?? 1)] },
    { type: 'float32', data: [draw.scale ?? 1] },
    { type: 'int32', data: [draw.seqLen ?? 1] },
    { type: 'int32', data: [draw.features ?? 1] },
    { type: 'int32', data: [innermost === 'tokens' ? 1 : 0] },
  ];
  const backend = tf.backend() as unknown as WebgpuBackend;
  const dtype = draw.kind === 'words' ? 'int32' : 'float32';
  const info = backend.runWebGPUProgram(program(draw.kind, shape), [], dtype, uniforms);
  return tf.engine().makeTensorFromTensorInfo(info);
}
