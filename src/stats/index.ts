/** sigprop/stats: verdicts, standard errors (pair moments, jackknife), alpha spending, budgets and replicate sizing. No tfjs. */
export * from './budget.ts';
export * from './estimate.ts';
export * from './spending.ts';
export * from './sum.ts';
export * from './verdict.ts';
export * from './drift.ts';
export * from './jackknife.ts';
export * from './pairMoments.ts';
export * from './sizing.ts';
