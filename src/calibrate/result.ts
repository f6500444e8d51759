import type { Interval } from './binomial.ts';
import type { QQPoint } from './distribution.ts';

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
  /** seconds per phase, to see where a run's time goes */
  phaseSeconds: Partial<Record<Phase, number>>;
  wallSeconds: number;
}
