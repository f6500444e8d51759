/**
 * sigprop's public API: define components and claims, check and verify them programmatically.
 * `sigprop/theory` holds the formula sheet, `sigprop/stats` the statistics, `sigprop/vitest` the
 * test helpers. The contract these names make is in docs/new-formula.md.
 */
export type { Claim, Component, Config, Regime } from './claims/types.ts';
export type { ParamSpec } from './claims/params.ts';
export { InputError, resolveConfig } from './claims/params.ts';
export { variant, withVariants } from './claims/variant.ts';
export { standardClaims } from './claims/standardClaims.ts';
export { COMPONENTS, ALL_CLAIMS, findClaim, selectClaims, componentOf } from './claims/registry.ts';
export { expectedFor, loadExpectedVerdicts, type ExpectedVerdict, type ExpectedVerdicts, type VerifiedResult } from './claims/expected.ts';
export { checkComponent, type CheckOptions, type ClaimResult } from './claims/check.ts';
export { planVerification, runVerification, countComparisons, type VerifyOptions } from './run/verify.ts';
export type { Observation, ObservationName, Simulator } from './sim/simulator.ts';
export { initEngine, releaseEngine, ENGINE_NAMES, type EngineInfo, type EngineName } from './backend/engine.ts';
export { BUDGETS, BUDGET_NAMES, type Budget, type BudgetName } from './stats/budget.ts';
export { decide, type Verdict } from './stats/verdict.ts';
