// The real-GPU proof's runner (scripts/gpu-proof.sh packs it with Node, dist/ and the tfjs and
// webgpu runtime files). On the target: the WebGPU adapter; per family, samples/s on WebGPU (random
// numbers drawn on the device, and drawn in JS and uploaded) against wasm; verdicts of the fixed
// claim set on WebGPU against wasm at a fixed seed; device against uploaded generation of normals.
// Writes one JSON. Usage: node run.mjs --out proof.json [--seconds 3] [--max-replicates 256]
//   [--families relu,linear] [--allow-software]
// Exit: 0 written; 2 bad usage; 3 no WebGPU adapter (or only a software one without --allow-software).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
// packed: <app>/gpu-proof/run.mjs beside <app>/dist; in the repository: scripts/gpu-proof/run.mjs
const distDir = [`${here}../dist/`, `${here}../../dist/`].find((d) => existsSync(`${d}backend/engine.js`));
if (!distDir) fail(2, `no built dist/ beside ${here} (run npm run build)`);
const dist = (path) => import(pathToFileURL(`${distDir}${path}`).href);

const args = parseArgs(process.argv.slice(2));
const claimSet = JSON.parse(readFileSync(`${here}claims.json`, 'utf8'));

const { initEngine, releaseEngine, setDeviceRandom } = await dist('backend/engine.js');
const { tf } = await dist('backend/tf.js');
const { installNativeMatMul } = await dist('backend/nativeMatMul.js');
const { deviceDraw } = await dist('backend/philoxWebgpu.js');
const { philoxKey } = await dist('backend/philox.js');
const { COMPONENTS } = await dist('claims/registry.js');
const { resolveConfig } = await dist('claims/params.js');
const { batchFor, checkComponent } = await dist('claims/check.js');
const { simulateReplicates } = await dist('sim/run.js');
const { RandomStream } = await dist('sim/random.js');
const { BUDGETS } = await dist('stats/budget.js');

const started = new Date();
let engine;
try {
  engine = await initEngine('webgpu');
} catch (err) {
  fail(3, `no WebGPU engine: ${firstLine(err)}`);
}
const software = /software\]$/.test(engine.adapter ?? '');
if (software && !args.allowSoftware) {
  await releaseEngine();
  fail(3, `only a software adapter: ${engine.adapter} (pass --allow-software to run on it anyway)`);
}
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
const nativeMatMul = installNativeMatMul();

/** The three ways a simulation runs here. */
const MODES = {
  wasm: { backend: 'wasm', device: false },
  'webgpu-device-random': { backend: 'webgpu', device: true },
  'webgpu-uploaded-random': { backend: 'webgpu', device: false },
};

async function use(mode) {
  const { backend, device } = MODES[mode];
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not switch to ${backend}`);
  setDeviceRandom(device);
}

const families = Object.entries(claimSet.families).filter(
  ([key]) => !args.families || args.families.includes(key),
);
const throughput = [];
const agreement = [];
for (const [key, overrides] of families) {
  const component = COMPONENTS.find((c) => c.key === key);
  if (!component) fail(2, `claims.json: unknown family '${key}'`);
  const config = resolveConfig(component.params, overrides, key);
  const batch = batchFor(component, config, BUDGETS.standard);
  const elements = component.simulator.elementsPerSample(config);
  const row = { family: key, config, batch, elementsPerSample: elements, samplesPerSecond: {} };
  for (const mode of Object.keys(MODES)) {
    await use(mode);
    // one untimed replicate: shader compilation, wasm kernel set-up
    await simulateReplicates(component.simulator, config, { runSeed: 1, from: 0, to: 1, batch });
    let replicates = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < args.seconds * 1000) {
      await simulateReplicates(component.simulator, config, {
        runSeed: 1,
        from: 1 + replicates,
        to: 2 + replicates,
        batch,
      });
      replicates++;
    }
    const seconds = (performance.now() - t0) / 1000;
    row.samplesPerSecond[mode] = round((replicates * batch * elements) / seconds);
    row[`${mode}Replicates`] = replicates;
  }
  row.webgpuOverWasm = round(row.samplesPerSecond['webgpu-device-random'] / row.samplesPerSecond.wasm);
  row.deviceOverUploadedRandom = round(
    row.samplesPerSecond['webgpu-device-random'] / row.samplesPerSecond['webgpu-uploaded-random'],
  );
  throughput.push(row);
  log(`${key}: ${JSON.stringify(row.samplesPerSecond)}`);

  // verdicts at the fixed seed: quick budget, as `sigprop verify` runs it
  const budget = {
    ...BUDGETS.quick,
    maxReplicates: Math.min(BUDGETS.quick.maxReplicates, args.maxReplicates),
  };
  const results = {};
  for (const mode of Object.keys(MODES)) {
    await use(mode);
    const before = tf.memory().numTensors;
    results[mode] = await checkComponent(component, component.claims, config, {
      budget,
      seed: claimSet.seed,
      engine: { ...engine, name: MODES[mode].backend, backend: MODES[mode].backend },
      comparisons: component.claims.length,
    });
    if (tf.memory().numTensors !== before)
      throw new Error(`${key} on ${mode} left ${tf.memory().numTensors - before} tensors behind`);
  }
  results.wasm.forEach((w, i) => {
    const device = results['webgpu-device-random'][i];
    const uploaded = results['webgpu-uploaded-random'][i];
    agreement.push({
      claim: w.claim,
      verdicts: {
        wasm: w.verdict,
        'webgpu-device-random': device.verdict,
        'webgpu-uploaded-random': uploaded.verdict,
      },
      measured: {
        wasm: w.measured,
        'webgpu-device-random': device.measured,
        'webgpu-uploaded-random': uploaded.measured,
      },
      stderr: {
        wasm: w.stderr,
        'webgpu-device-random': device.stderr,
        'webgpu-uploaded-random': uploaded.stderr,
      },
      replicates: { wasm: w.replicates, 'webgpu-device-random': device.replicates },
      // same numbers: float32 rounding apart; device numbers: independent draws, errors add
      uploadedWithinRounding:
        Math.abs(uploaded.measured - w.measured) <= 1e-4 * Math.abs(w.scale) + 1e-3 * w.stderr,
      deviceZ: round(Math.abs(device.measured - w.measured) / Math.hypot(device.stderr, w.stderr)),
      verdictAgrees: device.verdict === w.verdict && uploaded.verdict === w.verdict,
      // one engine says holds where the other says deviates (holds/inconclusive is precision, not a conflict)
      verdictConflict: [device.verdict, uploaded.verdict].some(
        (v) => (v === 'holds' && w.verdict === 'deviates') || (v === 'deviates' && w.verdict === 'holds'),
      ),
    });
  });
}

// generation alone: 2^22 standard normals, device kernel against JS draws + upload (summed on the
// device either way, so both end with the numbers in GPU memory and one scalar read back)
await use('webgpu-device-random');
const N = 1 << 22;
const generation = {};
for (const [what, draw] of [
  ['device', (i) => deviceDraw({ kind: 'normal', key: philoxKey(`gen|${i}`), stream: 0 }, [N])],
  ['uploaded', (i) => tf.tensor(new RandomStream(`gen|${i}`).fillNormal(new Float32Array(N)), [N])],
]) {
  await sumOf(draw(0));
  let rounds = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < args.seconds * 1000) await sumOf(draw(++rounds));
  generation[`${what}NormalsPerSecond`] = round((rounds * N) / ((performance.now() - t0) / 1000));
}
generation.deviceOverUploaded = round(
  generation.deviceNormalsPerSecond / generation.uploadedNormalsPerSecond,
);

async function sumOf(t) {
  const s = tf.sum(t);
  await s.data();
  tf.dispose([s, t]);
}

const report = {
  tool: 'sigprop scripts/gpu-proof.sh',
  started: started.toISOString(),
  finished: new Date().toISOString(),
  machine: {
    node: process.version,
    nodePath: process.execPath,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30),
  },
  adapter: engine.adapter,
  softwareAdapter: software,
  vulkaninfo: process.env.SIGPROP_PROOF_VULKANINFO
    ? readFileSync(process.env.SIGPROP_PROOF_VULKANINFO, 'utf8').slice(0, 4000)
    : 'not run (the runner was started directly, not by run.sh)',
  engine,
  wasmMatMul: nativeMatMul.ok
    ? `${nativeMatMul.library}, native`
    : `XNNPACK (wasm); OpenBLAS ${nativeMatMul.reason}`,
  onDevice:
    'on the device: the token sampler (inputs, upstream gradients: drawTokens), every weight matrix ' +
    '(drawWeights, drawSampleWeights: linear, attention, FFN) and the dropout component mask; ' +
    "still drawn in JS and uploaded: attention-dropout masks, the blocks' hidden-dropout masks, " +
    'embedding tables, cross-attention and model-stack inputs',
  options: { seconds: args.seconds, maxReplicates: args.maxReplicates, seed: claimSet.seed, clock: 'wall' },
  throughput,
  generation,
  agreement: {
    claims: agreement.length,
    verdictsAgree: agreement.filter((a) => a.verdictAgrees).length,
    verdictConflicts: agreement.filter((a) => a.verdictConflict).length,
    uploadedWithinRounding: agreement.filter((a) => a.uploadedWithinRounding).length,
    deviceWithin4_5se: agreement.filter((a) => a.deviceZ <= 4.5).length,
    rows: agreement,
  },
};
writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
log(
  `wrote ${args.out}: ${report.agreement.verdictsAgree}/${agreement.length} verdicts agree with wasm; ` +
    `generation device/uploaded ${generation.deviceOverUploaded}x`,
);
setDeviceRandom(undefined);
await releaseEngine();

function parseArgs(argv) {
  const out = { seconds: 3, maxReplicates: 256, allowSoftware: false, families: undefined, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(2, `${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--out') out.out = value();
    else if (flag === '--seconds') out.seconds = positive(flag, value());
    else if (flag === '--max-replicates') out.maxReplicates = positive(flag, value());
    else if (flag === '--families') out.families = value().split(',');
    else if (flag === '--allow-software') out.allowSoftware = true;
    else fail(2, `unknown option ${flag}`);
  }
  if (!out.out) fail(2, '--out <file.json> is required');
  return out;
}

function positive(flag, text) {
  const v = Number(text);
  if (!(v > 0)) fail(2, `${flag}: expected a positive number, got '${text}'`);
  return v;
}

function round(x) {
  return Number(x.toPrecision(4));
}

function log(text) {
  process.stderr.write(`gpu-proof: ${text}\n`);
}

function firstLine(err) {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

function fail(code, text) {
  process.stderr.write(`gpu-proof: ${text}\n`);
  process.exit(code);
}
