import type { Budget, BudgetName } from '../../stats/budget.ts';
import { defineRegime, intRange, range, type Regime } from '../space.ts';
import type { Config } from '../types.ts';
import { MODEL_CLAIMS, type ModelClaim } from './claims.ts';
import type { Family } from './config.ts';
import { schemeOf } from '../../theory/schemes.ts';

/**
 * A family of whole-model claims (FORMULAS.md 6, 7) and the regimes `verify` draws configs from: a
 * registry entry beside the components (claims/registry.ts), with the same key, describe, section,
 * regimes and claims.
 */
export interface ModelSuite {
  kind: 'model';
  /** `model.<family>`, the component key of its claims */
  key: string;
  family: Family;
  describe: string;
  section: string;
  regimes: readonly Regime[];
  claims: readonly ModelClaim[];
}

/** Deepest model `verify` draws per budget: a replicate costs ~60 ms per layer at d = 64 on wasm. */
export const VERIFY_MAX_LAYERS: Record<BudgetName, number> = { quick: 6, standard: 12, thorough: 48 };
/** Configs per regime `verify` draws: whole models are expensive, so fewer than for components. */
export const VERIFY_MODEL_CONFIGS: Record<BudgetName, number> = { quick: 1, standard: 2, thorough: 4 };

/**
 * Where the theory claims to hold: any depth, width, heads, sequence length, dropout and input
 * correlation (sizes capped so a run stays affordable; the properties go deeper). Head widths are
 * 8 or 16 (drawn as log2 d_k).
 */
const modelSpace = (budget: Budget) => ({
  layers: intRange(1, VERIFY_MAX_LAYERS[budget.name]),
  heads: intRange(1, 4),
  dHeadLog2: intRange(3, 4),
  seqLen: intRange(8, 32),
  dropout: range(0, 0.2),
  attentionDropout: range(0, 0.2),
  rX: range(0, 0.5),
});

const regime = (name: string, describe: string, fixed: Partial<Config>): Regime =>
  defineRegime({
    name,
    describe,
    space: modelSpace,
    toConfig: ({ heads, dHeadLog2, ...rest }): Config => ({
      ...rest,
      heads,
      d: heads * 2 ** dHeadLog2,
      sigmaX: 1,
      rG: 0,
      k: 1,
      sublayers: 0,
      postLn: 0,
      batch: 2,
      ...(fixed as Config),
    }),
  });

const claimsOf = (family: Family) => MODEL_CLAIMS.filter((c) => c.family === family);

const suites: readonly Omit<ModelSuite, 'kind' | 'key'>[] = [
  {
    family: 'preln',
    describe: 'Pre-LN transformer, Xavier init',
    section: '6',
    regimes: [regime('xavier', 'Xavier init, synthetic correlated input', {})],
    claims: claimsOf('preln'),
  },
  {
    family: 'postln',
    describe: 'Post-LN transformer, Xavier init',
    section: '6',
    regimes: [regime('xavier', 'Xavier init, synthetic correlated input', {})],
    claims: claimsOf('postln'),
  },
  {
    family: 'dslm',
    describe: 'DeepScaleLM: lambda/beta residual scaling and DSLM init',
    section: '7',
    regimes: [
      regime('preln', 'DSLM with Pre-LN, beta^2 = 1/N', { postLn: 0 }),
      regime('postln', 'DSLM with Post-LN, beta^2 = 1/N', { postLn: 1 }),
    ],
    claims: claimsOf('dslm'),
  },
  // section 8: one suite per scheme, described by its own definition (src/theory/schemes.ts)
  ...(['deepnorm', 'depth-mup', 'lns', 'tfixup', 'admin', 'skipinit'] as const).map(
    (family): Omit<ModelSuite, 'kind' | 'key'> => {
      const scheme = schemeOf(family);
      return {
        family,
        describe: `${scheme.name}: ${scheme.residual}; ${scheme.init}`,
        section: '8',
        regimes: [regime('init', `${scheme.name} at initialisation, synthetic correlated input`, {})],
        claims: claimsOf(family),
      };
    },
  ),
  // decoders: the same stacks with causal self-attention (docs/theory-extensions.md 4)
  {
    family: 'decoder.preln',
    describe: 'GPT-style Pre-LN decoder, Xavier init',
    section: 'ext-4',
    regimes: [regime('xavier', 'Xavier init, synthetic correlated input', {})],
    claims: claimsOf('decoder.preln'),
  },
  {
    family: 'decoder.postln',
    describe: 'Post-LN decoder, Xavier init',
    section: 'ext-4',
    regimes: [regime('xavier', 'Xavier init, synthetic correlated input', {})],
    claims: claimsOf('decoder.postln'),
  },
  {
    family: 'decoder.dslm',
    describe: 'DSLM decoder: lambda/beta residual scaling, DSLM init, causal self-attention',
    section: 'ext-4',
    regimes: [
      regime('preln', 'DSLM decoder with Pre-LN, beta^2 = 1/N', { postLn: 0 }),
      regime('postln', 'DSLM decoder with Post-LN, beta^2 = 1/N', { postLn: 1 }),
    ],
    claims: claimsOf('decoder.dslm'),
  },
  // an encoder feeding a causal decoder through cross-attention, DSLM throughout (docs/theory-extensions.md 5)
  {
    family: 'encdec',
    describe:
      'encoder-decoder with DSLM: encoder stack, decoder of causal self-attention + cross-attention + FFN, lambda/beta scaling and DSLM init',
    section: 'ext-5',
    regimes: [
      regime('preln', 'DSLM encoder-decoder with Pre-LN (encoder final LN), beta^2 = 1/N', { postLn: 0 }),
      regime('postln', 'DSLM encoder-decoder with Post-LN, beta^2 = 1/N', { postLn: 1 }),
    ],
    claims: claimsOf('encdec'),
  },
];

export const MODEL_SUITES: readonly ModelSuite[] = suites.map((s) => ({
  kind: 'model',
  key: `model.${s.family}`,
  ...s,
}));
