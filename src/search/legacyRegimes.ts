/**
 * TEMPORARY, until the declarative regimes of src/claims/space.ts land: today's fc regimes of the
 * exact components (claims/components/linear.ts, activations.ts) written as spaces, the same
 * ranges and maps, so the hunt and its planted faults run today. Deleted when they land.
 */
import type { Component, Config } from '../claims/types.ts';
import { logInt, logRange, range, type Regime } from '../claims/space.ts';

const std = logRange(0.3, 3.2);
const correlation = range(0, 0.95);
const inputAndGradient = { sigmaX: std, rX: correlation, sigmaG: std, rG: correlation };

const activations: Regime<Config> = {
  name: 'theory',
  describe: 'zero-mean Gaussian input',
  space: (budget) => ({
    ...inputAndGradient,
    d: logInt(1, budget.maxSize),
    seqLen: logInt(2, budget.maxSize),
  }),
  toConfig: (p) => ({ ...p }),
};

const REGIMES: Record<string, Regime<Config>[]> = {
  relu: [activations],
  gelu: [activations],
  dropout: [
    {
      name: 'theory',
      describe: 'any input mean, dropout 0 to 0.7',
      space: (budget) => ({
        muX: range(-10, 10),
        ...inputAndGradient,
        dropout: range(0, 0.7),
        d: logInt(1, budget.maxSize),
        seqLen: logInt(2, budget.maxSize),
      }),
      toConfig: (p) => ({ ...p }),
    },
  ],
  linear: [
    {
      name: 'theory',
      describe: 'any input mean, weight gain sigmaW*sqrt(dIn) from 0.1 to 10',
      space: (budget) => ({
        muX: range(-10, 10),
        ...inputAndGradient,
        dIn: logInt(1, budget.maxSize),
        dOut: logInt(1, budget.maxSize),
        gain: logRange(0.1, 10),
        seqLen: logInt(2, budget.maxSize),
      }),
      toConfig: ({ gain, ...c }) => ({ ...c, sigmaW: gain / Math.sqrt(c.dIn) }),
    },
  ],
};

export const searchableRegimes = (component: Component): Regime<Config>[] => REGIMES[component.key] ?? [];
