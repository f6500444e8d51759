import type { Config } from '../claims/types.ts';
import { drawAttentionMask, drawAttentionWeights, multiHeadAttention } from '../sim/blocks/attention.ts';
import { disposeWeights } from '../sim/blocks/weights.ts';
import type { RandomStream } from '../sim/random.ts';
import { observeSha, shaShape } from '../sim/components/sha.ts';
import type { Observation, ObservationName } from '../sim/simulator.ts';
import type { ShaConfig } from '../theory/sha.ts';

/** One weight draw, and the samples simulated with it chunk by chunk (the caller tidies each chunk). */
export interface SharedDraw {
  replicate(random: RandomStream, batch: number): Partial<Record<ObservationName, Observation>>;
  /** frees the weights, which live across chunks and so outside any chunk's tidy */
  dispose(): void;
}

/**
 * SHA as the reference script runs it: one draw of W_q, W_k, W_v for all B = 64 samples. The
 * component's own simulator cannot serve here: it redraws the weights for every few samples
 * (chunkedAttention, for the spread of verify's replicates), and the grid splits B into chunks
 * that would each get their own weights too.
 */
function shaDraw(c: ShaConfig, random: RandomStream): SharedDraw {
  const weights = drawAttentionWeights(shaShape(c), random);
  return {
    replicate: (chunkRandom, batch) =>
      observeSha(
        c,
        multiHeadAttention(weights, drawAttentionMask(batch, 1, c.seqLen, c.attentionDropout, chunkRandom)),
        chunkRandom,
        batch,
      ),
    dispose: () => disposeWeights({ ...weights }),
  };
}

/**
 * Components whose reference protocol shares one weight draw across its batch, keyed by
 * component. The other grids' references draw weights per sample (linear) or have none.
 */
export const SHARED_WEIGHTS: Partial<Record<string, (config: Config, random: RandomStream) => SharedDraw>> = {
  sha: (config, random) => shaDraw(config as unknown as ShaConfig, random),
};
