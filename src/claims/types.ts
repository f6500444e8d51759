import type fc from 'fast-check';
import type { Budget } from '../stats/budget.ts';
import type { Moment } from '../stats/estimate.ts';
import type { ObservationName, Simulator } from '../sim/simulator.ts';
import type { Constraint } from './limits.ts';
import type { ParamSpec } from './params.ts';

export type Config = Record<string, number>;

/** A named part of a component's domain; verdicts are expected per regime. */
export interface Regime {
  name: string;
  describe: string;
  /** the configs of this regime, with sizes capped by the budget */
  domain(budget: Budget): fc.Arbitrary<Config>;
}

/**
 * DESIGN.md's claim: a float64 prediction, the simulated statistic it is compared with (an
 * observation of the component's simulator and a moment of it), and a declared tolerance.
 */
export interface Claim {
  id: string;
  describe: string;
  component: string;
  observation: ObservationName;
  moment: Moment;
  predict(config: Config): number;
  /** size against which precision is judged (DESIGN.md `scale`) */
  scale(config: Config): number;
  /** declared relative approximation error; 0 for exact-in-expectation formulas */
  tolerance: number;
  /** set on a variant (claims/variant.ts): the id of the claim whose statistic it predicts differently */
  variantOf?: string;
}

export interface Component {
  key: string;
  describe: string;
  /** where in theory/FORMULAS.md its formulas stand */
  section: string;
  params: readonly ParamSpec[];
  /** rules across keys that the ranges cannot state, checked before anything is simulated */
  constraints?: readonly Constraint[];
  simulator: Simulator<Config>;
  regimes: readonly Regime[];
  claims: readonly Claim[];
}
