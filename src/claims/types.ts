import type { Moment } from '../stats/estimate.ts';
import type { ObservationName, Simulator } from '../sim/simulator.ts';
import type { Constraint } from './limits.ts';
import type { ParamSpec } from './params.ts';
import type { Regime } from './space.ts';

export type { Regime } from './space.ts';

/** A config as the registry stores it: any component's keys; typed configs are `C` below. */
export type Config = Record<string, number>;

/** The config keys of C. */
export type KeyOf<C> = Extract<keyof C, string>;

/**
 * DESIGN.md's claim: a float64 prediction, the simulated statistic it is compared with (an
 * observation of the component's simulator and a moment of it), and a declared tolerance.
 */
export interface Claim<C = Config> {
  id: string;
  describe: string;
  component: string;
  observation: ObservationName;
  moment: Moment;
  predict(config: C): number;
  /** size against which precision is judged (DESIGN.md `scale`) */
  scale(config: C): number;
  /** declared relative approximation error; 0 for exact-in-expectation formulas */
  tolerance: number;
  /** set on a variant (claims/variant.ts): the id of the claim whose statistic it predicts differently */
  variantOf?: string;
}

/**
 * A component: its config keys (one spec per key of C), simulator, regimes and claims, all typed
 * by the same config C, so a key the component does not have is a compile error in any of them.
 */
export interface Component<C = Config> {
  /** a registry entry's kind (claims/registry.ts): absent or 'component'; model families are 'model' */
  kind?: 'component';
  key: string;
  describe: string;
  /** where in theory/FORMULAS.md its formulas stand */
  section: string;
  params: readonly ParamSpec<NoInfer<KeyOf<C>>>[];
  /** rules across keys that the ranges cannot state, checked before anything is simulated */
  constraints?: readonly Constraint<C>[];
  simulator: Simulator<C>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a regime's draw-parameters are its own
  regimes: readonly Regime<C, any>[];
  claims: readonly Claim<C>[];
}

/**
 * The one contract for built-in and user components. `C` is inferred from the simulator and the
 * claims; what it returns is the registry's view (configs reach a component only after
 * `resolveConfig` has checked every one of its keys, so this is the one place types are widened).
 */
export function defineComponent<C>(component: Component<C>): Component {
  return component as unknown as Component;
}

/** A claim typed by its component's config (the registry's view, widened as in defineComponent). */
export const defineClaim = <C>(claim: Claim<C>): Claim<C> => claim;
