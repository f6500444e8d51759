/**
 * sigprop's public API: define components and claims, check and verify them programmatically.
 * `sigprop/theory` holds the formula sheet, `sigprop/stats` the statistics, `sigprop/vitest` the
 * test helpers. The contract these names make is in docs/new-formula.md.
 */
export {
  defineClaim,
  defineComponent,
  type Claim,
  type Component,
  type Config,
  type KeyOf,
  type Regime,
} from './claims/types.ts';
export type { ParamSpec } from './claims/params.ts';
export { InputError, param, resolveConfig } from './claims/params.ts';
export { variant, withVariants } from './claims/variant.ts';
export { standardClaims } from './claims/standardClaims.ts';
export {
  COMPONENTS,
  REGISTRY,
  ALL_CLAIMS,
  findClaim,
  selectClaims,
  componentOf,
  entryOf,
  isModelEntry,
  type RegistryEntry,
} from './claims/registry.ts';
export {
  expectedFor,
  loadExpectedVerdicts,
  type ExpectedVerdict,
  type ExpectedVerdicts,
  type VerifiedResult,
} from './claims/expected.ts';
export { checkComponent, type CheckOptions, type ClaimResult } from './claims/check.ts';
export { planVerification, runVerification, countComparisons, type VerifyOptions } from './run/verify.ts';
export { hunt, type HuntDocument, type HuntRecord } from './run/hunt.ts';
export type { Observation, ObservationName, Simulator } from './sim/simulator.ts';
export {
  initEngine,
  releaseEngine,
  ENGINE_NAMES,
  type EngineInfo,
  type EngineName,
} from './backend/engine.ts';
export { BUDGETS, BUDGET_NAMES, type Budget, type BudgetName } from './stats/budget.ts';
export { decide, type Verdict } from './stats/verdict.ts';

// building blocks of a new component (docs/new-formula.md, examples/new-formula/)
export { default as fc } from 'fast-check';
export { tf } from './backend/tf.ts';
export { forwardAndVjp, tokenObservations, drawTokens } from './sim/simulator.ts';
export { drawInputAndGradient, elementsPerSample } from './sim/components/elementwise.ts';
export type { RandomStream } from './sim/random.ts';
export { logInteger, logUniform, uniform } from './claims/draw.ts';
export {
  arbitraryOf,
  correlation,
  defineRegime,
  fixed,
  inputAndGradient,
  intRange,
  logInt,
  logRange,
  range,
  std,
  type Axis,
  type Point,
  type Space,
} from './claims/space.ts';
export { FEATURES, MU_X, R_G, R_X, SEQ_LEN, SIGMA_G, SIGMA_X } from './claims/params.ts';
export type { ComponentMoments } from './theory/moments.ts';
export { loadClaimsModule, loadUserClaims, type ClaimsModule } from './claims/userModules.ts';
