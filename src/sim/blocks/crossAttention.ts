import { tf } from '../../backend/tf.ts';
import type { RandomStream } from '../random.ts';
import { sampleDropoutMask } from '../sampler.ts';
import { drawWeights, type Weights } from './weights.ts';

/** One head of cross-attention: W_q reads the decoder stream, W_k and W_v the encoder stream. */
export interface CrossAttentionWeights {
  query: Weights;
  key: Weights;
  value: Weights;
}

export interface CrossAttentionShape {
  dIn: number;
  /** head width d_k = d_v */
  dHead: number;
  sigmaQ: number;
  sigmaK: number;
  sigmaV: number;
}

/** Draw order Q, K, V, as drawAttentionWeights. */
export function drawCrossAttentionWeights(
  s: CrossAttentionShape,
  random: RandomStream,
): CrossAttentionWeights {
  return {
    query: drawWeights(s.dIn, s.dHead, s.sigmaQ, random),
    key: drawWeights(s.dIn, s.dHead, s.sigmaK, random),
    value: drawWeights(s.dIn, s.dHead, s.sigmaV, random),
  };
}

/** Inverted-dropout masks on the probabilities, [batch, L_d, L_e]; undefined when p = 0. */
export function drawCrossAttentionMask(
  batch: number,
  decoderLen: number,
  encoderLen: number,
  dropout: number,
  random: RandomStream,
): tf.Tensor3D | undefined {
  if (dropout === 0) return undefined;
  return tf.tensor3d(sampleDropoutMask(batch * decoderLen * encoderLen, dropout, random), [
    batch,
    decoderLen,
    encoderLen,
  ]);
}

/**
 * O = (softmax(Q K^T/sqrt(d_k)) * mask) V with Q = x_d W_q [B, L_d, d_k], K = x_e W_k and
 * V = x_e W_v [B, L_e, d_k]; no causal mask (every decoder token sees the whole encoder output).
 * Plain tfjs ops, so autodiff gives both input gradients: the decoder's through Q only, the
 * encoder's through K and V (test/attention-gradients.test.ts holds both to finite differences).
 */
export function crossAttention(
  w: CrossAttentionWeights,
  mask?: tf.Tensor3D,
): (decoder: tf.Tensor3D, encoder: tf.Tensor3D) => tf.Tensor3D {
  const dk = w.query.w.shape[1];
  const project = (x: tf.Tensor3D, weights: Weights) => {
    const [B, L, d] = x.shape;
    return tf.reshape(tf.matMul(tf.reshape(x, [B * L, d]), weights.w), [B, L, dk]) as tf.Tensor3D;
  };
  return (decoder, encoder) => {
    const q = tf.mul(project(decoder, w.query), 1 / Math.sqrt(dk)) as tf.Tensor3D;
    const a = tf.softmax(tf.matMul(q, project(encoder, w.key), false, true)) as tf.Tensor3D;
    return tf.matMul(mask ? tf.mul(a, mask) : a, project(encoder, w.value)) as tf.Tensor3D;
  };
}
