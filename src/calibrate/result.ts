import type { Interval } from '../stats/binomial.ts';
import type { QQPoint } from '../stats/distribution.ts';

// What a calibration run measured: the verdict procedure's error rates on claims of known truth.

export type Phase = 'fixed' | 'adaptive' | 'power';

export interface Rate {
  comparisons: number;
  events: number;
  rate: number;
  /** 95% Clopper-Pearson */
  ci: Interval;
}

export interface FalseAlarms extends Rate {
  nominal: number;
  /** two-sided exact binomial test of rate = nominal (fixed look) */
  pValue: number;
  byClaim: Record<string, { comparisons: number; events: number }>;
}

export interface PowerRow {
  perturbation: string;
  describe: string;
  all: Rate;
  /** comparisons whose induced error |p' - p|/scale is at least the budget's precision */
  visible: Rate;
  holds: number;
  inconclusive: number;
  /**
   * per original claim: comparisons, detections, how many were visible, and the median induced
   * error |p' - p|/scale, which says why a claim falls short (its perturbation is below precision)
   */
  byClaim: Record<string, { comparisons: number; detected: number; visible: number; medianInduced: number }>;
}

/** One side of a planted-fault trial (run/planted.ts): the hunt's or random sampling's confirmed worst. */
export interface PlantedJudged {
  /** the confirmed error was a finding (beyond precision by its critical value) */
  finding: boolean;
  /** the confirmed config lies where the fault exceeds the precision */
  inside: boolean;
  error: number;
  errorStderr: number;
  replicates: number;
  evaluations: number;
  config: Record<string, number>;
}

export interface PlantedTrial {
  claim: string;
  kind: 'corner' | 'interior';
  seed: number;
  fault: string;
  hunt: PlantedJudged;
  random?: PlantedJudged;
  /** wall seconds of the trial (hunt and baseline) on its thread */
  seconds?: number;
}

/** Detection rates of one planted fault kind in one claim over seeds: the hunt against random sampling at equal cost. */
export interface PlantedRow {
  claim: string;
  kind: 'corner' | 'interior';
  /** seeds (comparisons) where the confirmed worst was a finding */
  hunt: Rate;
  /** seeds where the confirmed worst config lay inside the fault */
  huntLocated: Rate;
  random?: Rate;
  randomLocated?: Rate;
  /** simulations per hunt, confirmation included */
  meanEvaluations: number;
  /** simulations per random search, its own confirmation included (it draws as many as the hunt spent, then confirms) */
  meanRandomEvaluations?: number;
  trials: PlantedTrial[];
}

export interface CalibrationResult {
  budget: string;
  precision: number;
  seed: number;
  engine: string;
  alpha: number;
  fixedLook?: FalseAlarms & {
    replicates: number;
    degreesOfFreedom: number;
    ksStudentT: { statistic: number; pValue: number };
    zScores: { claim: string; z: number }[];
    qq: QQPoint[];
  };
  adaptive?: FalseAlarms & { meanReplicates: number; maxReplicates: number };
  power?: {
    /** comparisons of a default `verify` at this budget: the family the budget's alpha is split over */
    family: number;
    familyAlpha: number;
    exactFalseAlarms: Rate;
    rows: PowerRow[];
  };
  /** planted faults (run/planted.ts): how often the hunt finds a fault in a small part of a regime */
  planted?: {
    seeds: number;
    evaluations: number;
    replicateElements: number;
    rows: PlantedRow[];
    seconds: number;
  };
  /** seconds per phase, to see where a run's time goes */
  phaseSeconds: Partial<Record<Phase, number>>;
  wallSeconds: number;
}
