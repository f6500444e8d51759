import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../src/backend/engine.ts';
import { expectedFor, loadExpectedVerdicts } from '../src/claims/expected.ts';
import { loadPins, pinKey, type Pin } from '../src/claims/pins.ts';
import { REGISTRY, findClaim } from '../src/claims/registry.ts';
import { measurePin, replayPins } from '../src/run/pins.ts';
import { checkModel } from '../src/claims/models/run.ts';
import { validateModelConfig } from '../src/claims/models/config.ts';
import type { ModelClaim } from '../src/claims/models/claims.ts';
import { BUDGETS } from '../src/stats/budget.ts';
import { drift, familyCriticalValue } from '../src/stats/drift.ts';
import { useEngine } from './support/engine.ts';

const engine = useEngine();
const pins = loadPins();
const expected = loadExpectedVerdicts();

/** The component or model family a claim belongs to: a finding family. */
const familyOf = (pin: Pin) => findClaim(pin.claim).component;
const regimesOf = (family: string) => REGISTRY.find((e) => e.key === family)!.regimes.map((r) => r.name);

/** Replayed here: every pin measured in under 1 s, and the cheapest pin of each finding family. */
const FAST_MS = 1000;
const families = [...new Set(pins.map(familyOf))];
const cheapest = families.map((f) =>
  pins.filter((p) => familyOf(p) === f).reduce((a, b) => (b.elapsedMs < a.elapsedMs ? b : a)),
);
const fast = pins.filter((p) => p.elapsedMs < FAST_MS || cheapest.includes(p));

describe('fixtures/pins.json', () => {
  it('pins real claims in their regimes, each a significant deviation', () => {
    expect(pins.length).toBeGreaterThan(0);
    // measured as `check` measures one comparison: deviating beyond the single-comparison level
    const z = familyCriticalValue(1e-3, 1);
    for (const pin of pins) {
      expect(regimesOf(familyOf(pin)), pin.claim).toContain(pin.regime);
      expect(Math.abs(pin.error), `${pin.claim} ${pin.regime}`).toBeGreaterThan(z * pin.errorStderr);
      if (pin.ratio !== null) expect(pin.ratio).toBeCloseTo(pin.measured / pin.predicted, 12);
      expect(pin.evidence.length, pin.claim).toBeGreaterThan(20);
    }
  });

  it('pins every finding, and only findings: a regime expected to deviate has a pin, a pin is expected to deviate', () => {
    const pinned = new Set(pins.map((p) => `${p.claim}|${p.regime}`));
    for (const [claim, regimes] of Object.entries(expected)) {
      for (const regime of Object.keys(regimes)) {
        const verdicts = expectedFor(expected, claim, regime, 'standard');
        if (verdicts?.length === 1 && verdicts[0] === 'deviates')
          expect(pinned, `${claim} ${regime}`).toContain(`${claim}|${regime}`);
      }
    }
    // a hunt pin is a corner of a regime whose random draws may hold: it needs no deviating expectation
    for (const pin of pins.filter((p) => p.source !== 'hunt'))
      expect(
        expectedFor(expected, pin.claim, pin.regime, pin.budget),
        `${pin.claim} ${pin.regime}`,
      ).toContain('deviates');
    const keys = pins.map(pinKey);
    expect(new Set(keys).size, 'one pin per claim, regime and source').toBe(keys.length);
  });

  it('replays a fast subset that covers every finding family, and every pin still deviates where it was pinned', async () => {
    expect(new Set(fast.map(familyOf))).toEqual(new Set(families));
    const before = tf.memory().numTensors;
    const replays = await replayPins(fast, engine());
    expect(tf.memory().numTensors).toBe(before);
    const failed = replays.filter((r) => !r.passed).map((r) => `${r.claim} ${r.regime}: ${r.failure}`);
    expect(failed).toEqual([]);
    // the same engine with the same matrix kernels repeats the pinned arithmetic: the errors agree
    // to the last bit (OpenBLAS chooses its kernels per CPU, so another machine may round otherwise)
    const same = replays.filter((r, i) => r.engine === fast[i].engine && r.matMul === fast[i].matMul);
    for (const r of same) expect(r.error, `${r.claim} ${r.regime}`).toBe(fast[replays.indexOf(r)].error);
    // verify replays on its worker threads: the same numbers, in the pins' order
    const few = [...fast].sort((a, b) => a.elapsedMs - b.elapsedMs).slice(0, 4);
    const serial = few.map((p) => replays[fast.indexOf(p)]);
    const parallel = await replayPins(few, engine(), { workers: 2 });
    expect(parallel.map((r) => [r.claim, r.error, r.errorStderr])).toEqual(
      serial.map((r) => [r.claim, r.error, r.errorStderr]),
    );
  }, 300_000);
});

describe('a model pin', () => {
  it('stops at the look that decides its boundary, with the numbers the whole loop gives it', async () => {
    const pin = pins
      .filter((p) => p.claim.startsWith('model.') && p.config.boundary !== undefined)
      .reduce((a, b) => (b.elapsedMs < a.elapsedMs ? b : a));
    const claim = findClaim(pin.claim) as ModelClaim;
    const { boundary, ...config } = pin.config;
    const full = await checkModel(claim.family, [claim], validateModelConfig(config), {
      budget: BUDGETS[pin.budget],
      seed: pin.seed,
      engine: engine(),
      comparisons: claim.comparisons(config),
    });
    const whole = full.results.find((r) => r.config.boundary === boundary)!;
    const focused = await measurePin(pin, engine());
    expect([focused.measured, focused.stderr, focused.replicates]).toEqual([
      whole.measured,
      whole.stderr,
      whole.replicates,
    ]);
    // and the early stop saved simulations: the whole loop went on for the other boundaries
    expect(full.replicates).toBeGreaterThan(focused.replicates);
  }, 120_000);
});

describe('a pin fails', () => {
  const pin = cheapest[0];
  it('when its error moved beyond the two standard errors', async () => {
    const shifted = { ...pin, error: pin.error + 10 * pin.errorStderr + 1e-12 };
    const [replay] = await replayPins([shifted], engine());
    expect(replay.passed).toBe(false);
    expect(replay.failure).toMatch(/error moved/);
    // and passes within them
    const [within] = await replayPins([{ ...pin, error: pin.error + 0.5 * pin.errorStderr }], engine());
    expect(within.passed).toBe(true);
  });

  it('when the claim no longer deviates at its config', async () => {
    // a relu claim holds everywhere: pinned as a deviation, its replay must fail
    const relu = {
      ...pin,
      claim: 'relu.forward.var',
      regime: 'theory',
      config: { sigmaX: 1, rX: 0.5, sigmaG: 1, rG: 0.5, d: 64, seqLen: 64 },
    };
    const [replay] = await replayPins([relu], engine());
    expect(replay.verdict).toBe('holds');
    expect(replay.passed).toBe(false);
    expect(replay.failure).toMatch(/no longer deviates/);
  });

  it('moves by the two standard errors in quadrature, times the family critical value', () => {
    // 1e-3 over 10 pins, two-sided: z = Phi^-1(1 - 5e-5)
    const z = familyCriticalValue(1e-3, 10);
    expect(z).toBeCloseTo(3.8906, 4);
    expect(drift({ error: 0.12, errorStderr: 0.003 }, { error: 0.1, errorStderr: 0.004 }, z).moved).toBe(
      true,
    ); // 0.02 > 3.89*0.005
    expect(drift({ error: 0.115, errorStderr: 0.003 }, { error: 0.1, errorStderr: 0.004 }, z).moved).toBe(
      false,
    );
    expect(
      drift({ error: 0.12, errorStderr: 0.003 }, { error: 0.1, errorStderr: 0.004 }, z, 0.01).allowed,
    ).toBeCloseTo(z * 0.005 + 0.01, 12);
  });
});

describe('on another engine', () => {
  it('a pin replays on the cpu engine within its errors and the engines\u2019 rounding difference', async () => {
    const reference = await initEngine('cpu');
    const pin = cheapest.find((p) => p.engine !== 'cpu') ?? cheapest[0];
    const [replay] = await replayPins([pin], reference);
    expect(replay.engine).toBe('cpu');
    expect(replay.passed, replay.failure).toBe(true);
  });
});

describe('verify', () => {
  it('replays the pins of the selected claims into report.json and passes them', () => {
    const out = mkdtempSync(join(tmpdir(), 'sigprop-pins-'));
    const bin = new URL('../bin/sigprop.js', import.meta.url).pathname;
    const claim = 'layernorm.forward.var';
    const run = spawnSync(
      process.execPath,
      [bin, 'verify', '--claims', claim, '--budget', 'quick', '--no-hunt', '--out', out, '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, CI: '1' },
        timeout: 120_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    const expectedPins = pins.filter((p) => p.claim === claim);
    expect(expectedPins.length).toBeGreaterThan(0);
    expect(report.pins.map((p: { regime: string }) => p.regime)).toEqual(expectedPins.map((p) => p.regime));
    expect(report.pins.every((p: { passed: boolean }) => p.passed)).toBe(true);
  }, 180_000);
});
