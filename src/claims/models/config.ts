import { checkSampleSize } from '../limits.ts';
import { InputError, resolveConfig, type ParamSpec } from '../params.ts';
import type { Config } from '../types.ts';
import type { Arch, ModelConfig } from '../../theory/models.ts';

/**
 * Config keys of a whole-model simulation. Numbers only (the registry's Config): the architecture
 * is fixed by the claim family and the regime, the LN placement of DSLM by the `postLn` key.
 */
export const MODEL_PARAMS: readonly ParamSpec[] = [
  {
    key: 'layers',
    describe: 'transformer layers N (2 sublayers each)',
    min: 1,
    max: 1000,
    integer: true,
    default: 48,
  },
  { key: 'd', describe: 'model width', min: 2, max: 4096, integer: true, default: 64 },
  { key: 'heads', describe: 'attention heads (must divide d)', min: 1, max: 256, integer: true, default: 4 },
  { key: 'seqLen', describe: 'tokens per sample', min: 2, max: 1024, integer: true, default: 32 },
  { key: 'dropout', describe: 'hidden dropout p', min: 0, max: 0.9, default: 0.1 },
  { key: 'attentionDropout', describe: 'attention dropout p_a', min: 0, max: 0.9, default: 0.1 },
  {
    key: 'rX',
    describe: 'token correlation of the input stream',
    min: 0,
    max: 1,
    maxOpen: true,
    default: 0.2,
  },
  { key: 'sigmaX', describe: 'std of the input stream', min: 0, minOpen: true, max: 1e3, default: 1 },
  { key: 'rG', describe: 'token correlation of the top gradient', min: 0, max: 1, maxOpen: true, default: 0 },
  {
    key: 'k',
    describe: 'branch constant: DSLM and depth-muP beta^2 = k/N, SkipInit alpha = k/N',
    min: 0,
    minOpen: true,
    max: 1000,
    default: 1,
  },
  {
    key: 'sublayers',
    describe: 'DSLM, depth-muP: 1 when N in k/N counts sublayers, 0 for layers',
    min: 0,
    max: 1,
    integer: true,
    default: 0,
  },
  { key: 'postLn', describe: 'DSLM: 1 for Post-LN, 0 for Pre-LN', min: 0, max: 1, integer: true, default: 0 },
  {
    key: 'batch',
    describe: 'samples per replicate (sharing its weights)',
    min: 1,
    max: 1024,
    integer: true,
    default: 1,
  },
];

/**
 * A claim family per scheme (DSLM is one family whose LN placement is the `postLn` key), the
 * decoders (causal self-attention, docs/theory-extensions.md 4) and the DSLM encoder-decoder
 * (section 5; its `layers` are the encoder's and the decoder's each, both sequences seqLen).
 */
export const FAMILIES = [
  'preln',
  'postln',
  'dslm',
  'deepnorm',
  'depth-mup',
  'lns',
  'tfixup',
  'admin',
  'skipinit',
  'decoder.preln',
  'decoder.postln',
  'decoder.dslm',
  'encdec',
] as const;
export type Family = (typeof FAMILIES)[number];

export const isDecoder = (family: Family) => family.startsWith('decoder.');
/** An encoder-decoder with DSLM scaling (src/theory/encdec.ts); `postLn` picks the LN placement. */
export const isEncDec = (family: Family) => family === 'encdec';

export function validateModelConfig(input: unknown): Config {
  const c = resolveConfig(MODEL_PARAMS, input, 'model');
  if (c.d % c.heads !== 0) throw new InputError(`config.heads: ${c.heads} does not divide d = ${c.d}`);
  if (c.k / (c.sublayers ? 2 * c.layers : c.layers) > 1)
    throw new InputError(
      `config.k: beta^2 = k/N = ${c.k}/${c.sublayers ? 2 * c.layers : c.layers} exceeds 1`,
    );
  // every layer's stream (FFN hidden 4d) and attention probabilities stay held for the backward pass
  checkSampleSize('a model', c, c.layers * c.batch * c.seqLen * (6 * c.d + c.heads * c.seqLen), [
    'layers',
    'batch',
    'seqLen',
    'd',
    'heads',
  ]);
  return c;
}

export function archOf(family: Family, c: Config): Arch {
  const stack = family.replace(/^decoder\./, '');
  if (stack === 'dslm' || stack === 'encdec') return c.postLn ? 'dslm-postln' : 'dslm-preln';
  return stack as Arch;
}

/** The theory's and the simulator's config (batch is the simulator's alone). */
export function toModelConfig(family: Family, c: Config): ModelConfig {
  return {
    arch: archOf(family, c),
    layers: c.layers,
    d: c.d,
    heads: c.heads,
    seqLen: c.seqLen,
    dropout: c.dropout,
    attentionDropout: c.attentionDropout,
    rX: c.rX,
    sigmaX: c.sigmaX,
    rG: c.rG,
    k: c.k,
    depthUnit: c.sublayers ? 'sublayers' : 'layers',
    causal: isDecoder(family) || isEncDec(family),
    ...(isEncDec(family) ? { encdec: true } : {}),
  };
}

/** The claim family and the `postLn` key of a scheme (src/theory/schemes.ts): DSLM's two placements share one family. */
export function familyOfArch(arch: Arch): { family: Family; postLn: number } {
  if (arch === 'dslm-preln' || arch === 'dslm-postln')
    return { family: 'dslm', postLn: arch === 'dslm-postln' ? 1 : 0 };
  return { family: arch, postLn: arch === 'postln' ? 1 : 0 };
}
