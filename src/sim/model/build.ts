import { tf } from '../../backend/tf.ts';
import { drawAttentionMask, drawAttentionWeights, multiHeadAttention } from '../blocks/attention.ts';
import { drawFfnWeights, ffnBlock } from '../blocks/ffn.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask } from '../sampler.ts';
import type { InitStds, ModelConfig } from '../../theory/models.ts';
import { modelInit } from '../../theory/schemes.ts';
import type { Branch, StackSpec } from './stack.ts';

export function hiddenMask(c: ModelConfig, batch: number, random: RandomStream): tf.Tensor3D | undefined {
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
  const branches: Branch[] = [];
  for (const s of stds) {
    branches.push(attentionBranch(c, s, random, batch, c.causal ?? false));
    branches.push(ffnBranch(c, s, random, batch));
  }
  return { placement: init.placement, branches: branches.map((f, i) => ({ f, ...init.weights[i] })) };
}

/** One attention sublayer's branch: multi-head attention (causal or not) and its hidden dropout. Draw order: weights, attention mask, hidden mask. */
export function attentionBranch(
  c: ModelConfig,
  s: InitStds,
  random: RandomStream,
  batch: number,
  causal: boolean,
): Branch {
  const attention = multiHeadAttention(
    drawAttentionWeights(
      {
        dIn: c.d,
        dHead: c.d / c.heads,
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
    causal,
  );
  const attentionDrop = hiddenMask(c, batch, random);
  return (x) => (attentionDrop ? (tf.mul(attention(x), attentionDrop) as tf.Tensor3D) : attention(x));
}

/** One FFN sublayer's branch (hidden width dFf, default 4d) with its hidden dropout. */
export function ffnBranch(c: ModelConfig, s: InitStds, random: RandomStream, batch: number): Branch {
  const dFf = c.dFf ?? 4 * c.d;
  return ffnBlock(
    drawFfnWeights({ d: c.d, dFf, sigma1: s.sigma1, sigma2: s.sigma2 }, random),
    hiddenMask(c, batch, random),
  );
}
