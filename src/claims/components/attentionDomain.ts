import type { Budget } from '../../stats/budget.ts';
import { correlation, fixed, logInt, logRange, range, std, type Axis } from '../space.ts';

/**
 * What separates attention regimes: the score variance s2s (the theory assumes it small), the
 * attention dropout and the sequence length. Other keys range as the reference grid's do.
 */
export interface AttentionRegimeSpec {
  scoreVariance: [number, number];
  attentionDropout: [number, number];
  /** sequence lengths from min to max (default: the budget's cap), capped by the budget */
  seqLen: [number, number?];
  /** input token correlation; default the reference range 0 to 0.95 */
  correlation?: [number, number];
}

/** Real initialisations: s2s ~1 (DSLM: W_q, W_k std 1/sqrt(d)), up to ~4 (Xavier at d = 1024: 3.5). */
export const DSLM_SCORES: [number, number] = [0.8, 1.25];
export const XAVIER_SCORES: [number, number] = [2, 4];
/** The reference grid's score variances: (sigma_q*sqrt(d_in))^4 <= 0.6^4 = 0.13. */
export const SMALL_SCORES: [number, number] = [1e-3, 0.13];

const between = ([a, b]: [number, number]) => (a === b ? fixed(a) : range(a, b));

/** Sequence lengths of a regime, capped by the budget. */
export const lengthAxis = ([min, max = Infinity]: [number, number?], budget: Budget): Axis =>
  logInt(Math.min(min, budget.maxSize), Math.min(max, budget.maxSize));

/** The token correlation axis of a regime. */
export const correlationAxis = (s: AttentionRegimeSpec): Axis =>
  s.correlation ? range(...s.correlation) : correlation;

/** Shared draw-parameters; sigma_q = sigma_k are set from s2s = d_in^2*s2x^2*sq^2*sk^2 by the caller. */
export const attentionSpace = (s: AttentionRegimeSpec, budget: Budget) => ({
  sigmaX: std,
  rX: correlationAxis(s),
  sigmaG: std,
  rG: correlation,
  /** sigma_v*sqrt(d_in), as the reference grid varies it: 0.316 to 3.16 */
  gainV: logRange(0.316, 3.16),
  scoreVariance: logRange(...s.scoreVariance),
  attentionDropout: between(s.attentionDropout),
  seqLen: lengthAxis(s.seqLen, budget),
});

/** sigma_q = sigma_k giving score variance s2s for input width dIn and input std sigmaX. */
export const queryKeyStd = (scoreVariance: number, dIn: number, sigmaX: number) =>
  scoreVariance ** 0.25 / Math.sqrt(dIn * sigmaX * sigmaX);
