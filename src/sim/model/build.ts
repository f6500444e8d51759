import { tf } from '../../backend/tf.ts';
import { drawAttentionMask, drawAttentionWeights, multiHeadAttention } from '../blocks/attention.ts';
import { drawFfnWeights, ffnBlock } from '../blocks/ffn.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask } from '../sampler.ts';
import type { InitStds, ModelConfig } from '../../theory/models.ts';
import { modelInit } from '../../theory/schemes.ts';
import type { Branch, StackSpec } from './stack.ts';

function hiddenMask(c: ModelConfig, batch: number, random: RandomStream): tf.Tensor3D | undefined {
  if (c.dropout === 0) return undefined;
  return tf.tensor3d(sampleDropoutMask(batch * c.seqLen * c.d, c.dropout, random), [batch, c.seqLen, c.d]);
}

/**
 * Draws one replicate's model: every layer's weights (one draw shared by the batch, as a real
 * model is) with the stds, residual weights and LayerNorm placement of its scheme
 * (src/theory/schemes.ts: the recipe is an input, not a prediction), and every dropout mask.
 * The blocks are the shared simulators of src/sim/blocks, so the model runs the same attention
 * and FFN code the block claims test. Call inside tf.tidy: weights and masks are plain tensors.
 */
export function drawStack(
  c: ModelConfig,
  random: RandomStream,
  batch: number,
  stdsOverride?: readonly InitStds[],
): StackSpec {
  const init = modelInit(c);
  // an override (one entry per layer) lets a control experiment leave the recipe, e.g. s2s -> 0
  const stds = stdsOverride ?? init.stds;
  const dHead = c.d / c.heads;
  const branches: Branch[] = [];
  for (const s of stds) {
    const attention = multiHeadAttention(
      drawAttentionWeights(
        {
          dIn: c.d,
          dHead,
          heads: c.heads,
          sigmaQ: s.sigmaQ,
          sigmaK: s.sigmaK,
          sigmaV: s.sigmaV,
          sigmaO: s.sigmaO,
        },
        random,
      ),
      drawAttentionMask(batch, c.heads, c.seqLen, c.attentionDropout, random),
      undefined,
      c.causal ?? false,
    );
    const attentionDrop = hiddenMask(c, batch, random);
    branches.push((x) =>
      attentionDrop ? (tf.mul(attention(x), attentionDrop) as tf.Tensor3D) : attention(x),
    );
    const dFf = c.dFf ?? 4 * c.d;
    branches.push(
      ffnBlock(
        drawFfnWeights({ d: c.d, dFf, sigma1: s.sigma1, sigma2: s.sigma2 }, random),
        hiddenMask(c, batch, random),
      ),
    );
  }
  return { placement: init.placement, branches: branches.map((f, i) => ({ f, ...init.weights[i] })) };
}
