import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BudgetName } from '../stats/budget.ts';
import type { Verdict } from '../stats/verdict.ts';
import type { Config } from './types.ts';

/**
 * A finding pinned as a regression (fixtures/pins.json): one counterexample config of a claim
 * that deviates in a regime, and what was measured there. `error` and `errorStderr` are in units
 * of the claim's scale, signed (measured - predicted): the quantity verdicts use. The fields
 * after `evidence` are what the measurement also returned, kept for the report and the replay.
 */
export interface Pin {
  claim: string;
  regime: string;
  /** the full config; a whole-model claim's per-boundary comparison carries its `boundary` */
  config: Config;
  seed: number;
  /** the engine that measured it (EngineInfo.name) */
  engine: string;
  /**
   * what computed its matrix products (EngineInfo.matMul: OpenBLAS picks kernels per CPU, which
   * round differently), so a replay can tell whether it repeats the pin's arithmetic bit for bit
   */
  matMul?: string;
  budget: BudgetName;
  /** measured / predicted; null where the prediction is 0 */
  ratio: number | null;
  error: number;
  errorStderr: number;
  evidence: string;
  predicted: number;
  measured: number;
  stderr: number;
  replicates: number;
  /** wall time of the measurement, for choosing the fast subset `npm test` replays */
  elapsedMs: number;
  /**
   * 'hunt': the counterexample the hunt confirmed in a regime whose random draws may all hold
   * (a corner finding); absent: a deviation of verify's random draws (the regime is expected to deviate)
   */
  source?: 'hunt';
}

/** One pin per claim, regime and source. */
export const pinKey = (p: Pick<Pin, 'claim' | 'regime' | 'source'>) =>
  `${p.claim}|${p.regime}${p.source ? `|${p.source}` : ''}`;

export const PINS_FILE = fileURLToPath(new URL('../../fixtures/pins.json', import.meta.url));

export function loadPins(path = PINS_FILE): Pin[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { pins: Pin[] }).pins;
}

/** A pin replayed (src/run/pins.ts), as report.json's `pins` section records it. */
export interface PinReplay {
  claim: string;
  regime: string;
  component: string;
  config: Config;
  /** the engine that replayed it, and the one that pinned it */
  engine: string;
  pinnedEngine: string;
  /** the replaying engine's matrix products (EngineInfo.matMul), where it has one */
  matMul?: string;
  verdict: Verdict;
  ratio: number | null;
  error: number;
  errorStderr: number;
  pinnedError: number;
  pinnedErrorStderr: number;
  /** error now minus error pinned, and how far it may move (z*sqrt(se^2 + se_pinned^2) + slack) */
  difference: number;
  allowed: number;
  criticalValue: number;
  passed: boolean;
  /** why it failed, in words */
  failure?: string;
  elapsedMs: number;
}
