/** sigprop/stats: verdicts, standard errors (pair moments, jackknife), alpha spending, budgets, replicate sizing, and the calibration tests (exact binomial, Kolmogorov-Smirnov against Student's t). No tfjs. */
export * from './budget.ts';
export * from './estimate.ts';
export * from './spending.ts';
export * from './sum.ts';
export * from './verdict.ts';
export * from './drift.ts';
export * from './jackknife.ts';
export * from './pairMoments.ts';
export * from './sizing.ts';
export * from './binomial.ts';
export * from './distribution.ts';
